// Package attrib attributes a kernel CVE to the syscalls its description
// names: the *text* method of DESIGN.md ("Attribution of a CVE to syscalls").
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
// It owns the text rules only. It does not read feeds (vuln/kernelcna,
// vuln/kernelcves), does not do the *function* or *file* methods (they need
// the kernel call graph and symbol-to-file data), and does not count or weigh
// CVEs (vuln/db, score). Wrappers shared by several syscalls (do_sys_open,
// ___sys_sendmsg, do_sys_poll) are left to the function method on purpose.
package attrib
