// Package passthrough runs the pass-through experiment of DESIGN.md: the
// probe cmd/sysweight-probe invokes every syscall inside a sandbox (runc,
// crun, gVisor's runsc, a QEMU guest) while the host traces the sandbox's
// process tree, and the result is a matrix "invoked inside" → "seen on the
// host", plus the measured Exposure (source exposure.PassThrough).
//
// How a host event is tied to a guest call. The probe brackets each call
// with a handshake on its stdio: it prints a "begin" line and waits for a
// byte, calls, prints "end" and waits again. The host writes a marker into
// its private tracefs instance (trace_marker) when it reads each line and
// before it answers, so every sys_enter between the two markers happened
// while the call could have caused it. trace_pipe merges the per-CPU
// buffers in timestamp order under trace_clock=mono, which keeps markers
// and events of all CPUs in one sequence.
//
//   - "Reached the host as itself" means a sys_enter with the call's number
//     and all six argument registers equal to the probe's distinctive
//     values (fd 0x7ffffff0, pointers into page 0, all-ones flags), inside
//     its window. A syscall that a seccomp filter denies produces no
//     sys_enter at all (the filter runs first), and neither does a syscall
//     that gVisor's systrap or ptrace platform intercepts.
//   - "Induced" host syscalls are the window's counts above the largest
//     count of the same syscall in the baseline windows, which bracket no
//     call ("nop") and so hold only the handshake and background noise. For
//     gVisor this is how one guest call maps to several Sentry syscalls; a
//     background spike can add a false entry, which is why the raw window
//     counts are kept beside it.
//
// Files ending in _linux.go hold the host side (running the runtimes,
// building bundles with the runtime-spec types and moby's default profile,
// and the tracer, a thin user of internal/tracefs, which owns the instance,
// its markers and the trace_pipe reader); elsewhere Run returns
// ErrNotSupportedOnOS. Parsing of the
// probe's lines and of trace_pipe text, the collector that turns events into
// a Matrix, the initramfs writer and the Exposure builder are pure and
// tested without root.
//
// The package does not weight or score syscalls (packages vuln, score), and
// it does not evaluate declared or installed filters (packages seccomp, bpf,
// exposure); its output is one more exposure source for them.
package passthrough
