// Package kernelcves reads linux_kernel_cves (github.com/nluedtke/
// linux_kernel_cves), whose data/kernel_cves.json maps each upstream kernel
// CVE of 2003–2023 to NVD's description and CVSS v2/v3 scores and to the
// commits that introduced and fixed it. It covers the years before the
// kernel became its own CNA in 2024. Parse reads the file (plain or
// xz-compressed); Feed downloads it into a cache and verifies it first.
//
// It does not follow the fix commits, read the stream_data files of that
// repository, or attribute CVEs to syscalls.
package kernelcves
