// Package kernelcna reads the Linux kernel CNA's `vulns` repository: the CVE
// JSON 5 records under cve/published/YYYY/CVE-*.json and the CNA's CVSS 3.1
// vectors with rationale in CVE-*.cvss beside them. It parses single records
// (ParseRecord, ParseCVSS), whole trees (ReadDir) and the packed archive
// (ReadTarXZ), and downloads a snapshot of the repository into a cache
// (Feed.Update) that it verifies before swapping it in.
//
// It computes the CNA's CVSS base scores from the vectors itself (with
// vuln.ScoreVector) rather than trusting a score field. It does not read git
// history, the .mbox/.sha1/.vulnerable files of the repository, or the
// affected version ranges; nor does it attribute CVEs to syscalls.
package kernelcna
