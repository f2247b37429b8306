// Package db owns the versioned weight database: per-syscall raw metrics
// (cves, severity, exploits, complexity, reach, triggers) with the CVE links and
// evidence behind them, metadata (schema version, build time, sources with
// versions, checksum; the release of the kernel the code metrics come
// from and the syscalls of the table it lacks, which make that kernel's
// syscall table), deterministic encoding, verified decoding, the
// embedded default database, and the evidence behind one syscall's
// metrics (Explain: what `sysweight explain` and the report show of it).
//
// It does not parse feeds (packages vuln/kernelcna, vuln/kernelcves,
// vuln/nvd), attribute CVEs (vuln/attrib) or compute weights, and it
// imports neither: package score reads the metrics by name
// (Syscall.Metric; score.RawOf).
package db
