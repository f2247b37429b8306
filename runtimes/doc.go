// Package runtimes owns the built-in runtime configurations: runc with
// Docker's default profile, unconfined runc, crun with Podman's default
// profile, gVisor's Sentry and Gofer rules per platform and option, the
// Firecracker VMM behind Kata, and Nabla's solo5 tender. Each carries its
// provenance; the data under data/ is derived by go generate from pinned
// inputs and embedded. It also holds the version histories of four of them
// (HistoryFamilies, LoadHistory: data/history, written by
// internal/genhistory as deltas between versions, each version with its
// commit, date and input checksum).
//
// It says what a profile file the user names is resolved for
// (ParseTarget): the architecture, the kernel and the whole capability
// set, which replaces Docker's defaults (DefaultCapSet) rather than adding
// to them; built-ins keep their own. It decides what an argument names
// (Resolve, DecodeInput): a built-in, an exposure file to take as it is,
// a config.json with no filter, or a profile to decode for the target.
//
// It turns them into Exposures with one shared argument corpus, so degrees
// are comparable. It does not score (package score) or measure (packages
// trace, bpf).
package runtimes

//go:generate go run ./internal/genrules -shared ../../shared/data -out data
//go:generate go run ./internal/genmoby -out data/moby-default.json
//go:generate go run ./internal/genexposures -out data/builtin-exposures.json
//go:generate go run ./internal/genhistory -family docker -shared ../../shared/data -out data/history
