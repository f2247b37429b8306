// Package attrib reads what a kernel CVE's text says about the syscalls
// that trigger it. Read runs, over one record, the methods that need no
// call graph: *text* (below), *trace* (the syscall under the faulting
// frame of a call trace: ParseTraces, Stack.Call; syscalls reached only
// through exit, task_work, module init, a kprobe, a tracepoint, an
// interrupt or a kworker are Dropped, not linked), *uapi* (UAPI names,
// UAPI, from the table generated from linux-libc-dev: zuapi.go,
// internal/genuapi, scripts/uapi-table.sh) and *dispatch* (fixed files that
// are an interface's dispatcher: Dispatch). It also lists the record's bug
// sites by role (Sites: crash, fix subject, named, trace frame, Fixes:),
// which vuln/attrib/site follows through the call graph (the *site*
// method), and names operations methods by their suffix (OpsSyscall:
// packet_setsockopt → setsockopt; OpsMethodIn rules out look-alikes by
// the record's files). testdata/sample2-*.json is the judged
// random sample the methods are measured on (SAMPLE2.md; vuln/db's
// TestDefaultDBOnSample2 scores the embedded DB on it).
//
// The *text* method: a syscall is attributed when the description names it
// in syscall form (DESIGN.md, "Attribution of a CVE to syscalls").
//
// A syscall is attributed when the description names it in syscall form:
// "the keyctl syscall", "mmap and bpf system calls", "fremovexattr()",
// "read(2)", "sys_waitid", "__x64_sys_bpf" in a call trace, "ksys_write",
// "SYSCALL_DEFINE5(keyctl", "__NR_keyctl" or syzkaller's "ioctl$KVM_RUN(".
// Names that are English words, kernel concepts or subsystems (read, mount,
// socket, bpf, ptrace, futex, seccomp, ...) count only in those forms; a short
// allow-list of names that in kernel CVE text essentially always mean the
// syscall (setsockopt, keyctl, ioctl, ...) also counts as a bare word. names.go
// holds every class with the reason for it.
//
// testdata/sample.json is a hand-verified sample of 59 CVEs from both feeds
// (named in syscall form, English-word names, subsystem names, syscalls the
// text only implies); TestSample reads their descriptions from
// ../shared/data and reports precision and recall over (CVE, syscall) pairs.
// The method is built for precision: it misses syscalls that prose names as
// plain words ("mounting an XFS filesystem") or that a subsystem implies ("the
// bpf verifier"), which the function and file methods are for.
//
// It owns the text-level rules, and the rule of which kernel functions make
// a call path incidental (Incidental), which kernel/analysis's ReachIndex
// is built with. It does not read feeds (vuln/kernelcna,
// vuln/kernelcves), does not follow call graphs (the *site*, *apart*,
// *function* and *file* methods, and the combination of all methods, are
// vuln/attrib/site's, over kernel/analysis's graphs), and does not count
// or weigh CVEs (vuln/db, score). Wrappers shared by several syscalls (do_sys_open,
// ___sys_sendmsg, do_sys_poll) are left to the function method on purpose.
package attrib
