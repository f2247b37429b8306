// Package update is the runner behind `sysweight db update`: Feeds
// configures the fetchers of a registry's feeds (vuln/registry) from one
// Options, Run downloads each into the cache directory, and Load reads the
// cached copies back and merges them by CVE id.
//
// It does not list the feeds (vuln/registry does), parse any feed (the
// feed packages do) or build the weight database (vuln/build, vuln/db).
package update
