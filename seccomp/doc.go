// Package seccomp owns seccomp policies as data: decoding the profile formats
// (Docker/Moby JSON, OCI config.json linux.seccomp, Firecracker seccompiler
// JSON, sysweight's gVisor rule set), resolving them for an explicit Target
// (arch, capabilities, kernel version) into Filters, and evaluating a Filter
// for a syscall and argument tuple.
//
// Resolution mirrors the code that really installs these filters, named
// where it is mirrored: moby's setupSeccomp (includes/excludes, archMap)
// with the Target in place of the host, runc's matchCall (rules equal to
// the default dropped, same-index args split into alternatives, EPERM for
// a bare ERRNO) and Firecracker's seccompiler (dword = low 32 bits).
// Decoders check every field up front and report bad input as a
// *DecodeError naming the input, line:column, JSON path and what was
// expected. Each rule keeps the JSON path of the syscall name it came from
// (Rule.Path, Filter.DefaultPath), which Locate turns into lines for
// findings; CanMatch tells the rules whose conditions can never all hold.
//
// It does not compile or interpret BPF (package bpf), compute degrees of
// exposure (package exposure), or touch the host.
package seccomp
