// Package ftrace owns the dynamic kernel footprint of syscalls: which kernel
// functions each syscall was seen to run, read from an ftrace function_graph
// trace, as text or as binary ring-buffer pages; and the committed
// Footprints of Debian's 6.1 cloud kernel measured that way
// (DefaultFootprints). It parses traces and attributes calls; it does not set
// up or run tracing (kfootprints and ftguest, under cmd/, do, inside a QEMU
// guest), and it does not know the static call graph (kernel/x86), which an
// integrator checks against the footprints.
//
// # Input
//
// Parse reads two text formats, line by line, and tells them apart per line:
//
//   - the kernel's function_graph output, as read from the trace or trace_pipe
//     file (Documentation/trace/ftrace.rst, kernel/trace/trace_functions_graph.c),
//     with any of the funcgraph-abstime, -cpu, -proc, -duration, -overhead,
//     -tail, -retval, -retaddr and -args options and the latency-format flags
//     column: "func() {", "func();" and "}" lines, overhead marks
//     (+ ! # * @ $), "/* comment */" lines, the IRQ arrows "==========>" and
//     "<==========", the context-switch block " N) prev-pid => next-pid", and
//     "CPU:N [LOST M EVENTS]";
//   - trace-cmd report on a function_graph recording (tracecmd/trace-read.c,
//     lib/trace-cmd/trace-ftrace.c): "comm-pid [CPU] secs: funcgraph_entry:
//     ... | func();" lines, funcgraph_exit lines, with fgraph:tailprint and
//     fgraph:depth, and "CPU:N [M EVENTS DROPPED]". Other events are passed
//     over.
//
// ParseRaw reads the binary form instead: the pages of each CPU's
// per_cpu/cpuN/trace_pipe_raw, laid out as events/header_page and the
// funcgraph_entry and funcgraph_exit format files say (read, as the pages
// are walked, by internal/tracefs: ParsePageLayout, ParseFormat,
// Page.Events, the same code that reads sysweight trace's pages), with function addresses named by the guest's
// /proc/kallsyms (ParseKallsyms, Symbols). Records of the CPUs are merged by
// timestamp; a record names its task's pid; a page flagged with missed
// events is a lost-events mark. The attribution is the same code as for text,
// and on the same events the two give the same footprint, counter for
// counter (TestRealTextAndRawAgree, and kfootprints checks it on every text
// workload it captures). Reading pages is what makes a long trace cheap: the
// kernel formats text slowly, about 25 µs a line under TCG.
//
// A "# tracer:" header naming another tracer is an error (ErrWrongTracer).
// Any other line that is in neither format is, by default, skipped and
// counted in Footprint.Skipped with a warning; with Options.Strict it is a
// *SyntaxError naming the line number and the expected format.
//
// The parser was first built on fixtures written by hand to those documented
// formats; it has since read real traces of Linux 6.1 (testdata/real is an
// excerpt). What real output showed that the hand-made fixtures did not:
//
//   - a module function is printed "name [module]()" (%ps); Footprint.Modules
//     keeps the module;
//   - x86 6.1 prints no "==========>" arrows: the handlers in .irqentry.text
//     are noinstr and never traced; an interrupt shows as irq_enter_rcu();
//     followed by __sysvec_*() { ... } and irq_exit_rcu() at the level of the
//     interrupted call, which the irq_enter bracket below catches;
//   - do_syscall_64 is noinstr: the outermost traced frame of a syscall is
//     x64_sys_call (the 6.1.y backport of the switch dispatcher), and the exit
//     work (syscall_exit_to_user_mode_prepare, exit_to_user_mode_prepare)
//     follows it at the task's outermost level;
//   - the compiler gives some functions one address and kallsyms several
//     names; the kernel prints the first (__do_sys_getpid for getpid, whose
//     __x64_sys_getpid and __ia32_sys_getpid are aliases), so a syscall's
//     entry point may appear under its __do_sys_ name;
//   - the set_ftrace_pid filter lets through a call or two of the task
//     switched to (switch_mm_irqs_off of a kworker), and function_graph prints
//     "} /* f */" when the entry it printed last at that depth on that CPU was
//     another task's; tasks that exit leave their exit_group calls open.
//
// # Attribution
//
// Calls are matched on a call stack per task: per pid when a line names its
// task (the proc column, trace-cmd's comm-pid), otherwise per CPU, with the
// context-switch lines moving a CPU from one task to the next. A task that
// blocks in a syscall and resumes on another CPU keeps its open calls. The
// idle tasks all have pid 0, one per CPU, and are kept apart by CPU.
//
// A call belongs to the syscall of the outermost open call that is a syscall
// entry point of Options.Arch's table (SyscallOf: __x64_sys_NAME,
// __ia32_sys_NAME, __se_sys_/__do_sys_NAME, ksys_NAME, sys_NAME, with the
// SYSCALL_DEFINE renames such as newstat → stat). The dispatcher above it
// (do_syscall_64, x64_sys_call) belongs to no syscall; neither do the entry
// and exit work beside the entry point, unless Options.ExitWork is set, which
// gives the work after the entry returns (task work, signal delivery) to the
// syscall just run. Without it the exit work is still recorded, apart, in
// SyscallFootprint.ExitWork: the calls under the dispatcher after the entry
// returned, or, when the dispatcher is not traced, the exit-path functions
// (exitRoots) that follow the entry at the task's outermost level until the
// last of them returns or anything else is called there.
//
// Interrupt context is never attributed to the syscall it interrupted; it is
// counted in Footprint.IRQ. It is recognised three ways: the call after a
// "==========>" arrow and everything it calls; a call of a known interrupt
// entry point (sysvec_*, __sysvec_*, common_interrupt, do_IRQ, ...) and
// everything it calls; and, at the level of an irq_enter or irq_enter_rcu
// call, every call up to and including the matching irq_exit or
// irq_exit_rcu. In the last case the function that called irq_enter is not
// itself interrupt context unless its name is known. Softirqs run from
// irq_exit are interrupt context; softirqs run from local_bh_enable inside a
// syscall are attributed to it.
//
// # Recovery
//
// A trace may begin inside a call: a closing brace with no open call is
// counted in Unbalanced and otherwise ignored. A closing brace that names its
// function ("} /* f */") closes the innermost open call of f, dropping the
// calls open inside it (counted in Abandoned), or, if no call of f is open,
// is unbalanced. At a lost-events mark for CPU N, the open calls of the task
// last seen on CPU N are dropped (Abandoned) because their returns and
// nested entries may be among the lost events; the task's later calls are
// unattributed until it enters a syscall again. Lost sums the counts, and a
// warning names the line. Calls still open when the input ends are counted in
// Abandoned; they were already counted for their syscall when they began.
//
// # Footprints
//
// Footprints is the committed result of a traced boot (make
// kernel-footprints: scripts/kernel-footprints.sh runs cmd/kfootprints,
// which boots the kernel package under QEMU with cmd/ftguest as /init): per
// syscall the functions that ran under its entry point with call counts,
// module and aliases, its exit work apart, the workloads that made it, and the
// provenance (package, version, sha256 of the vmlinuz, QEMU, busybox, tracer
// options, per-workload builds, lost events, and the text-versus-binary
// checks). LoadFootprints reads and checks such a file (JSON or gzip) and
// says where it is wrong; DefaultFootprints is the embedded one of
// linux-image-6.1.0-56-cloud-amd64-unsigned 6.1.192-2. Ran matches a name or
// an alias, which is what a check of static reach against it wants.
package ftrace
