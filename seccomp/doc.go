// Package seccomp owns seccomp policies as data: decoding the profile formats
// (Docker/Moby JSON, OCI config.json linux.seccomp, Firecracker seccompiler
// JSON, sysweight's gVisor rule set), resolving them for an explicit Target
// (arch, capabilities, kernel version) into Filters, and evaluating a Filter
// for a syscall and argument tuple.
//
// It does not compile or interpret BPF (package bpf), compute degrees of
// exposure (package exposure), or touch the host.
package seccomp
