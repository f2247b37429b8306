// Package suggest narrows a base seccomp policy to what one workload
// needs: the smallest Docker/OCI profile that still lets through every
// syscall the workload made, with the base's argument conditions, and
// nothing the base refuses.
//
// Build takes the syscalls the workload used (from a trace, a pass-through
// measurement or a list), the base resolved for the target (runc-docker,
// crun-podman, a profile file; nil for no filter) and the calls of the
// runtime that starts the container, and returns the profile with an
// account of it:
//
//   - a used syscall keeps the base's rules for it unchanged, so it gets
//     the base's verdict for every argument: Docker's personality stays
//     limited to its five personas, clone to calls without namespace
//     flags;
//   - a used syscall the base refuses stays refused and is reported
//     (Result.Refused): the profile never widens the base;
//   - every other syscall gets the base's default (ERRNO EPERM for
//     Docker's and for no base, ENOSYS for Podman's), except where the base
//     answers otherwise (Docker's ENOSYS for clone3), which is kept so
//     that libraries fall back as they would under the base;
//   - the runtime's own calls are added: an OCI runtime loads the filter
//     before it executes the container's program, so what it does after
//     the load must be allowed (Runtimes: runc 1.1 with and without
//     noNewPrivileges, found with strace and by leaving each call out).
//
// The profile lists only the target's native architecture and no includes
// or excludes: it is already resolved, and the same file works as an OCI
// config.json's linux.seccomp and with docker run --security-opt
// seccomp=FILE. Entries are ordered, so the same inputs give the same
// bytes (Result.Encode).
//
// Measured: a busybox wget traced on the host (22 syscalls), narrowed from
// runc-docker, runs under runc 1.1.5 with the profile and fetches the page,
// with and without noNewPrivileges, while busybox mkdir and pwd, whose
// mkdir and getcwd wget never made, get EPERM (getcwd under the runc-nnp
// profile: runc needs it otherwise); the runc-nnp profile cannot start a
// container without noNewPrivileges (internal/cli TestSuggestRoundTrip).
//
// It does not read traces or profiles (internal/cli, packages trace,
// passthrough, seccomp), score (package score), or run anything.
package suggest
