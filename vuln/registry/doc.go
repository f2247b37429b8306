// Package registry lists every input of the weight DB once, as trivy-db
// lists its feeds: each CVE feed with its name, how `db update` fetches it
// (its fetcher and that command's flags for it), where it lands in the
// cache and how `db build` reads it (its flags, origin and version), and
// each per-syscall table with the DB metrics it fills and how `db build`
// loads it. vuln/update and vuln/build iterate a Registry, and
// internal/cli declares both commands' flags from it, so adding a feed or a
// table is adding an entry here (and its package); adding a metric is also
// adding its fields to vuln/db (Syscall, its metrics table, the head) and
// its name to score.
//
// It does not download (vuln/update runs the fetchers), parse (the feed
// and table packages do), merge or assemble (vuln/build), nor own the DB's
// schema or how a metric is read from a syscall's record (vuln/db).
package registry
