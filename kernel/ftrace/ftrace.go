package ftrace

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"sysweight/syscalls"
)

var (
	// ErrSyntax is wrapped by every *SyntaxError.
	ErrSyntax = errors.New("ftrace: unrecognised line")
	// ErrWrongTracer is returned for a trace whose header names a tracer
	// other than function_graph.
	ErrWrongTracer = errors.New("ftrace: not a function_graph trace")
	// ErrLineTooLong is returned for a line longer than MaxLineBytes.
	ErrLineTooLong = errors.New("ftrace: line too long")
	// ErrTooDeep is returned in strict mode for calls nested deeper than
	// any kernel stack allows.
	ErrTooDeep = errors.New("ftrace: calls nested too deep")
)

// MaxLineBytes bounds one line of input. Function graph lines are short;
// the longest real ones carry funcgraph-args and stay well under 4 KiB.
const MaxLineBytes = 1 << 20

// maxDepth bounds a call stack. The kernel's own limit is
// FTRACE_RETFUNC_DEPTH (50, later a shadow stack of a few hundred
// frames); deeper nesting in text means the text is not a trace.
const maxDepth = 4096

// maxWarnings bounds Footprint.Warnings; the rest are counted.
const maxWarnings = 100

// want is the expected format, named in syntax errors.
const wantFormat = `a function_graph line ("CPU) DURATION | func() {", "func();", "}") or a trace-cmd report line ("comm-pid [CPU] secs: funcgraph_entry: ...")`

// SyntaxError is a line that is neither function_graph text nor trace-cmd
// report text. It is returned only in strict mode.
type SyntaxError struct {
	Line int    // 1-based
	Text string // the line, cut to 80 bytes
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("ftrace: line %d: unrecognised line %q, want %s", e.Line, e.Text, wantFormat)
}

func (e *SyntaxError) Unwrap() error { return ErrSyntax }

// Options tune Parse.
type Options struct {
	// Strict makes an unrecognised line an error. By default such lines
	// are skipped and counted in Footprint.Skipped.
	Strict bool
	// Arch selects the syscall table that entry points are checked
	// against; empty means x86_64.
	Arch syscalls.Arch
	// ExitWork attributes the work done after a syscall's entry point
	// returns and before the task is back in user mode (do_syscall_64's
	// syscall_exit_to_user_mode: task work such as the __fput of a
	// close(), signal delivery) to that syscall's Functions. Off by
	// default: only calls below the entry point count, and the exit work
	// is kept apart in SyscallFootprint.ExitWork.
	ExitWork bool
}

// SyscallFootprint is what one syscall was seen to run.
type SyscallFootprint struct {
	// Functions counts the calls of each kernel function below the
	// syscall's entry point, the entry point included.
	Functions map[string]int
	// Depth is the deepest nesting seen, the entry point being depth 1.
	Depth int
	// Invocations counts the calls of the entry point.
	Invocations int
	// ExitWork counts the calls made in the syscall's exit work: after
	// its entry point returned, before the task went back to user mode.
	// They are in Functions too only with Options.ExitWork; otherwise
	// they are also counted in Footprint.Unattributed.
	ExitWork map[string]int
}

// Footprint is the dynamic kernel footprint of the syscalls in a trace.
type Footprint struct {
	Arch       syscalls.Arch
	PerSyscall map[string]*SyscallFootprint
	// Unattributed counts the function calls seen outside any syscall
	// entry point and outside interrupt context: syscall entry and exit
	// work, kernel threads, the idle loop.
	Unattributed int
	// IRQ counts the function calls in interrupt context, which are never
	// attributed to the syscall they interrupted.
	IRQ int
	// Lost sums the events the kernel reported lost ("[LOST N EVENTS]",
	// trace-cmd's "[N EVENTS DROPPED]"); LostMarks counts the reports,
	// including those without a count.
	Lost      int64
	LostMarks int
	// Unbalanced counts closing braces without a matching open call: the
	// trace began inside the call, or its entry was lost.
	Unbalanced int
	// Abandoned counts open calls that were dropped: at a lost-events
	// mark, when the trace ended, or when a tailed closing brace
	// ("} /* f */") closed an outer call.
	Abandoned int
	// Skipped counts unrecognised lines (lenient mode only).
	Skipped int
	// Modules maps the module functions seen to their module: from the
	// "name [module]" that the kernel prints for them in text, from the
	// functions' addresses in a raw trace.
	Modules map[string]string
	// Warnings says what was recovered from, in order, at most
	// maxWarnings of them and then a count of the rest.
	Warnings []string

	suppressed int
}

// Syscalls returns the syscalls seen, sorted.
func (f *Footprint) Syscalls() []string {
	out := make([]string, 0, len(f.PerSyscall))
	for s := range f.PerSyscall {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// Reach returns the functions observed under syscall, sorted; nil if the
// syscall was not seen.
func (f *Footprint) Reach(syscall string) []string {
	sf := f.PerSyscall[syscall]
	if sf == nil {
		return nil
	}
	out := make([]string, 0, len(sf.Functions))
	for fn := range sf.Functions {
		out = append(out, fn)
	}
	slices.Sort(out)
	return out
}

func (f *Footprint) warnf(format string, args ...any) {
	if len(f.Warnings) >= maxWarnings {
		f.suppressed++
		return
	}
	f.Warnings = append(f.Warnings, fmt.Sprintf(format, args...))
}

// ParseFile opens path and parses it with Parse.
func ParseFile(path string, opts Options) (*Footprint, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	fp, err := Parse(fh, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return fp, nil
}

// frame is one open call.
type frame struct {
	fn      string
	sys     string // the syscall this call counts for, or ""
	depth   int    // nesting below the syscall entry, the entry being 1
	irq     bool   // interrupt context
	irqOpen bool   // an irq_enter among this call's children has not yet been closed by irq_exit
	disp    bool   // an arch syscall dispatcher
	lastSys string // disp: the syscall whose entry it called
	exit    bool   // sys: exit work of sys, not a call below its entry
}

// stack is the call stack of one task. stack[0] is a sentinel for the
// task's outermost level, never popped.
type stack struct {
	frames     []frame
	pendingIRQ bool // "==========>" seen; the next call is an interrupt handler
	// exitSys is the syscall whose entry point (or dispatcher) just
	// returned to the task's outermost level, when the dispatcher is not
	// traced (do_syscall_64 is noinstr since 5.8): the exit-work calls
	// that follow at that level are its exit work.
	exitSys string
}

func newStack() *stack { return &stack{frames: []frame{{}}} }

// key names a call stack: a task, or a CPU whose current task is not yet
// known. The idle tasks all have pid 0, one per CPU, so pid 0 is keyed by
// CPU too.
type key struct{ pid, cpu int }

type parser struct {
	unit  string // what n counts in messages: "line" or "event"
	opts  Options
	table *syscalls.Table
	fp    *Footprint
	// stacks by task; cur is the task last seen on each CPU (-1 unknown).
	stacks map[key]*stack
	cur    map[int]int
}

// Parse reads function_graph text (the kernel's trace or trace_pipe file
// with the function_graph tracer, any of its column options) or the text
// of trace-cmd report on a function_graph recording, and attributes each
// traced call to the syscall whose entry point it ran under.
func Parse(r io.Reader, opts Options) (*Footprint, error) {
	p, err := newParser(opts, "line")
	if err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), MaxLineBytes)
	n := 0
	for sc.Scan() {
		n++
		if err := p.line(n, sc.Text()); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("line %d: longer than %d bytes: %w", n+1, MaxLineBytes, ErrLineTooLong)
		}
		return nil, fmt.Errorf("ftrace: reading line %d: %w", n+1, err)
	}
	return p.finish(), nil
}

func newParser(opts Options, unit string) (*parser, error) {
	if opts.Arch == "" {
		opts.Arch = syscalls.X86_64
	}
	table, err := syscalls.ForArch(opts.Arch)
	if err != nil {
		return nil, fmt.Errorf("ftrace: %w", err)
	}
	return &parser{
		unit: unit, opts: opts, table: table,
		fp:     &Footprint{Arch: opts.Arch, PerSyscall: make(map[string]*SyscallFootprint)},
		stacks: make(map[key]*stack),
		cur:    make(map[int]int),
	}, nil
}

// finish closes the books at the end of the input.
func (p *parser) finish() *Footprint {
	open := 0
	for _, st := range p.stacks {
		open += len(st.frames) - 1
	}
	if open > 0 {
		p.fp.Abandoned += open
		p.fp.warnf("%d calls still open at the end of the trace", open)
	}
	if p.fp.Skipped > 0 {
		p.fp.warnf("skipped %d unrecognised lines", p.fp.Skipped)
	}
	if p.fp.suppressed > 0 {
		p.fp.Warnings = append(p.fp.Warnings, fmt.Sprintf("%d more warnings not shown", p.fp.suppressed))
	}
	return p.fp
}

func (p *parser) line(n int, s string) error {
	l := parseLine(s)
	if l.kind == kGarbage && p.opts.Strict {
		return &SyntaxError{Line: n, Text: cut(s, 80)}
	}
	return p.handle(n, l)
}

// handle applies one parsed line, or one decoded raw event, numbered n.
func (p *parser) handle(n int, l line) error {
	switch l.kind {
	case kBlank, kOtherEvent:
		if l.traceCmd && l.cpu >= 0 {
			p.cur[l.cpu] = l.pid
		}
		return nil
	case kTracer:
		if l.tracer != "function_graph" {
			return fmt.Errorf("%s %d: tracer is %q, want function_graph: %w", p.unit, n, l.tracer, ErrWrongTracer)
		}
		return nil
	case kGarbage:
		p.fp.Skipped++
		return nil
	case kLost:
		p.lost(n, l)
		return nil
	case kSwitch:
		p.contextSwitch(l)
		return nil
	}
	if l.mod != "" && (l.kind == kEntry || l.kind == kLeaf) {
		if p.fp.Modules == nil {
			p.fp.Modules = make(map[string]string)
		}
		p.fp.Modules[l.fn] = l.mod
	}
	st := p.stackFor(l)
	switch l.kind {
	case kIRQEnter:
		st.pendingIRQ = true
	case kIRQExit:
		st.pendingIRQ = false
	case kEntry:
		if len(st.frames) > maxDepth {
			if p.opts.Strict {
				return fmt.Errorf("%s %d: call of %s nested deeper than %d calls: %w", p.unit, n, l.fn, maxDepth, ErrTooDeep)
			}
			p.fp.Skipped++
			p.fp.warnf("%s %d: calls nested deeper than %d, call of %s not followed", p.unit, n, maxDepth, l.fn)
			return nil
		}
		p.push(st, l.fn)
	case kLeaf:
		p.push(st, l.fn)
		p.pop(st, n, "")
	case kExit:
		p.pop(st, n, l.fn)
	}
	return nil
}

// stackFor finds the stack a line belongs to: its task's when the line or
// an earlier one on the same CPU names the task, else its CPU's.
func (p *parser) stackFor(l line) *stack {
	pid := l.pid
	if pid >= 0 && l.cpu >= 0 {
		if prev, ok := p.cur[l.cpu]; !ok || prev < 0 {
			// The first task named on this CPU owns what was traced
			// there before it was known.
			p.adopt(l.cpu, pid)
		}
		p.cur[l.cpu] = pid
	}
	if pid < 0 && l.cpu >= 0 {
		if c, ok := p.cur[l.cpu]; ok {
			pid = c
		}
	}
	k := p.keyOf(pid, l.cpu)
	st := p.stacks[k]
	if st == nil {
		st = newStack()
		p.stacks[k] = st
	}
	return st
}

func (p *parser) keyOf(pid, cpu int) key {
	switch {
	case pid > 0:
		return key{pid, -1}
	case pid == 0:
		return key{0, cpu}
	}
	return key{-1, cpu}
}

// adopt moves the stack of a CPU whose task was unknown to the task.
func (p *parser) adopt(cpu, pid int) {
	anon := key{-1, cpu}
	st := p.stacks[anon]
	if st == nil {
		return
	}
	delete(p.stacks, anon)
	k := p.keyOf(pid, cpu)
	if old := p.stacks[k]; old != nil && len(old.frames) > 1 {
		p.fp.Abandoned += len(st.frames) - 1
		return
	}
	p.stacks[k] = st
}

// contextSwitch handles " N) prev-pid => next-pid" (verif_pid): the
// calls that follow on the CPU are the next task's, and the previous
// task's open calls wait on its own stack until it runs again, on this
// CPU or another.
func (p *parser) contextSwitch(l line) {
	if l.cpu < 0 {
		return
	}
	if prev, ok := p.cur[l.cpu]; !ok || prev < 0 {
		p.adopt(l.cpu, l.pid)
	}
	p.cur[l.cpu] = l.nextPid
}

// lost handles a lost-events mark. The open calls of the task last seen on
// that CPU can no longer be trusted, since their returns, and the entries
// of the calls nested in them, may be among the lost events. Their stack
// is emptied: later calls of that task start afresh (unattributed until a
// new syscall entry is seen) and the closing braces of the dropped calls
// are counted as Unbalanced. Tasks on other CPUs are not touched.
func (p *parser) lost(n int, l line) {
	p.fp.LostMarks++
	if l.lost > 0 {
		p.fp.Lost += l.lost
	}
	count := "an unknown number of"
	if l.lost >= 0 {
		count = fmt.Sprint(l.lost)
	}
	pid := -1
	if c, ok := p.cur[l.cpu]; ok {
		pid = c
	}
	k := p.keyOf(pid, l.cpu)
	dropped := 0
	if st := p.stacks[k]; st != nil {
		dropped = len(st.frames) - 1
		p.fp.Abandoned += dropped
		delete(p.stacks, k)
	}
	p.fp.warnf("%s %d: CPU %d lost %s events; dropped %d open calls of its current task", p.unit, n, l.cpu, count, dropped)
}

// push opens a call of fn and counts it.
func (p *parser) push(st *stack, fn string) {
	parent := &st.frames[len(st.frames)-1]
	f := frame{fn: fn}
	switch {
	case parent.irq || parent.irqOpen || st.pendingIRQ || isIRQRoot(fn) || isIRQEnter(fn):
		f.irq = true
		st.pendingIRQ = false
		if isIRQEnter(fn) {
			parent.irqOpen = true
		}
	case parent.sys != "":
		f.sys, f.depth, f.exit = parent.sys, parent.depth+1, parent.exit
	default:
		outer := len(st.frames) == 1
		if s, ok := SyscallOf(fn, p.table); ok {
			f.sys, f.depth = s, 1
			p.syscall(s).Invocations++
		} else if parent.disp && parent.lastSys != "" {
			f.sys, f.depth, f.exit = parent.lastSys, 1, true
		} else if outer && st.exitSys != "" && exitRoots[fn] {
			f.sys, f.depth, f.exit = st.exitSys, 1, true
		} else {
			f.disp = dispatchers[fn]
		}
		if outer && !f.exit {
			// Anything else at the outermost level (a page
			// fault, the next syscall) ends the exit work.
			st.exitSys = ""
		}
	}
	switch {
	case f.irq:
		p.fp.IRQ++
	case f.exit:
		sf := p.syscall(f.sys)
		sf.ExitWork[fn]++
		if p.opts.ExitWork {
			sf.Functions[fn]++
			sf.Depth = max(sf.Depth, f.depth)
		} else {
			p.fp.Unattributed++
		}
	case f.sys != "":
		sf := p.syscall(f.sys)
		sf.Functions[fn]++
		sf.Depth = max(sf.Depth, f.depth)
	default:
		p.fp.Unattributed++
	}
	st.frames = append(st.frames, f)
}

// pop closes the innermost open call, or with a tail name the innermost
// open call of that name.
func (p *parser) pop(st *stack, n int, tail string) {
	top := len(st.frames) - 1
	if top == 0 {
		p.fp.Unbalanced++
		return
	}
	i := top
	if tail != "" && st.frames[top].fn != tail {
		i = -1
		for j := top - 1; j > 0; j-- {
			if st.frames[j].fn == tail {
				i = j
				break
			}
		}
		if i < 0 {
			// The kernel names the function at a closing brace
			// whose entry it did not see; the open calls here are
			// someone else's.
			p.fp.Unbalanced++
			return
		}
		p.fp.Abandoned += top - i
		p.fp.warnf("%s %d: closing %s also closes %d calls open inside it", p.unit, n, tail, top-i)
	}
	f := st.frames[i]
	st.frames = st.frames[:i]
	parent := &st.frames[i-1]
	if isIRQExit(f.fn) {
		parent.irqOpen = false
	}
	if i == 1 {
		switch {
		case f.sys != "" && f.depth == 1 && !f.exit:
			st.exitSys = f.sys
		case f.disp && f.lastSys != "":
			st.exitSys = f.lastSys
		case f.exit && lastExitRoots[f.fn]:
			st.exitSys = "" // back in user mode
		}
	}
	if parent.disp {
		switch {
		case f.sys != "" && f.depth == 1:
			parent.lastSys = f.sys
		case f.disp && f.lastSys != "":
			// x64_sys_call (6.9+) sits between do_syscall_64
			// and the entry; the exit work is do_syscall_64's.
			parent.lastSys = f.lastSys
		}
	}
}

func (p *parser) syscall(name string) *SyscallFootprint {
	sf := p.fp.PerSyscall[name]
	if sf == nil {
		sf = &SyscallFootprint{Functions: make(map[string]int), ExitWork: make(map[string]int)}
		p.fp.PerSyscall[name] = sf
	}
	return sf
}

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
