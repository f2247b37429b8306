// Package nvd is a client of the NVD CVE API 2.0
// (https://services.nvd.nist.gov/rest/json/cves/2.0) for the Linux kernel's
// CVEs. It pages through a query, keeps to NVD's rate limits (5 requests per
// 30 s without an API key, 50 with one), retries 403/429/503 with backoff,
// and persists its progress so that an interrupted update resumes where it
// stopped. The result is one records file of NVD's CVSS v3.1/v3.0/v2 base
// scores per CVE, written atomically with its provenance.
//
// It does not evaluate NVD's CPE configurations, fetch CPE or match-string
// data, or attribute CVEs to syscalls.
//
// This product uses data from the NVD API but is not endorsed or certified
// by the NVD.
package nvd
