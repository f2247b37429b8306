// Package trace records which host syscalls a process tree makes, and how
// often, while it runs: the "observed" source of DESIGN.md.
//
// Two backends share one API (Run):
//
//   - ebpf: tracepoint programs, assembled in Go with cilium/ebpf's asm
//     package (no clang, no kernel headers), count sys_enter per syscall
//     number in a per-CPU array inside the kernel and follow forks through
//     sched_process_fork. The hooks are raw tracepoints where the kernel
//     has them (sys_enter only on amd64, whose pt_regs layout the program
//     reads the arguments from): the kernel builds no perf record per
//     event, and detaching a raw tracepoint costs no RCU grace period,
//     where closing each perf event costs about 50 ms, more than a short
//     trace itself. Otherwise they are perf tracepoints whose record
//     offsets come from the tracefs format files at run time. Nothing is
//     copied to user space per event, so nothing can be dropped; the only
//     possible loss is a program the kernel skipped for recursion, read
//     back from the program's statistics into Result.Lost.
//   - tracefs: a private tracefs instance (instances/sysweight-PID-START-HEX)
//     with event-fork and set_event_pid, read through trace_pipe_raw. Its
//     ring buffer can overflow under load; the kernel's overrun and dropped
//     counters are reported in Result.Lost, never hidden. Package
//     internal/tracefs owns the instance and its reader (and the format
//     files both backends read); this package decodes the sys_enter
//     records, drops its spawner thread's events and holds the command's
//     events until its execve is placed in time.
//
// Both restore host state on every exit path: links, programs and maps are
// file descriptors that close with the tracer (even on SIGKILL), the
// tracefs instance is removed, and tracefs is unmounted again when the
// tracer had to mount it.
//
// Tracked tasks are keyed by their task_struct address when the sched
// hooks are raw tracepoints (raw sched_process_fork passes the child's
// task_struct, and bpf_get_current_task returns the same pointer in the
// child, so no structure offset is needed), and by thread id when they are
// perf tracepoints, whose records carry thread ids, or when a --pid trace
// adds threads found in /proc by id. sched_process_fork fires for threads
// too: a thread of a tracked task is tracked, and so is a forked process.
// Commands started by Run are followed from their execve on; the few
// syscalls Go's fork child makes before execve are not the workload's and
// are not counted.
//
// The package does not name syscalls by itself beyond Result helpers, weight
// them or score them (packages syscalls, score), it does not build
// exposures from other sources (package exposure), and it does not touch
// tracefs but through internal/tracefs.
package trace
