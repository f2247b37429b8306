// Package update is the registry of sysweight's vulnerability feeds and
// the runner behind `sysweight db update`: Feeds lists them configured from
// one Options, Run downloads each into the cache directory, and Load reads
// the cached copies back and merges them by CVE id.
//
// It does not parse any feed (the feed packages do) or build the weight
// database (vuln/db).
package update
