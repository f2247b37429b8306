// Package vuln owns the shared vocabulary of sysweight's vulnerability feeds:
// Record (one CVE as a feed reports it), CVSS (one base score with the feed
// that gave it), Merge (several feeds' views of the same CVE combined), the
// CVSS v2/v3.x base-score calculator (ScoreVector), the Feed interface that
// every downloader implements, and Provenance, the small file each feed
// writes beside its cached data.
//
// Each feed lives in its own package below this one (kernelcna, kernelcves,
// nvd); package update lists them and runs their downloads. This package
// does not parse any feed's format, touch the network, attribute CVEs to
// syscalls (vuln/attrib) or build the weight database (vuln/db).
package vuln
