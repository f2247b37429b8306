// Package ftrace owns the dynamic kernel footprint of syscalls: which kernel
// functions each syscall was seen to run, read from the text of an ftrace
// function_graph trace. It parses that text and attributes calls; it does not
// set up or run tracing (that is host access, for trace/), and it does not
// know the static call graph (kernel/x86), with which an integrator merges
// Footprint.Reach.
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
// A "# tracer:" header naming another tracer is an error (ErrWrongTracer).
// Any other line that is in neither format is, by default, skipped and
// counted in Footprint.Skipped with a warning; with Options.Strict it is a
// *SyntaxError naming the line number and the expected format.
//
// The parser was built and tested on fixtures written by hand to those
// documented formats (testdata/README.md). The machine it was written on has
// tracefs but not the function_graph tracer, so it has not yet read a trace
// captured from a running kernel.
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
// syscall just run.
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
package ftrace
