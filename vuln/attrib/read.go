package attrib

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"sysweight/syscalls"
)

// Input is what attribution reads of one CVE record.
type Input struct {
	Description string
	// Subject is the fix's subject line when a feed gives it apart from the
	// description (linux_kernel_cves' cmt_msg); kernel CNA descriptions
	// hold it and need none.
	Subject      string
	ProgramFiles []string
}

// Findings is what the text of one CVE says, by method: syscalls named in
// prose (text), the syscall under a call trace's faulting frame (trace),
// UAPI names (uapi), and the bug sites the call-graph methods start from.
type Findings struct {
	Text  []Link
	Trace []Link
	UAPI  []Link
	// Dropped are syscalls of call traces left out because the bug is
	// reached from them only through exit, task_work, module init, a
	// kprobe, a tracepoint or an interrupt (the evidence says which).
	Dropped []Link

	doc   doc
	in    Input
	t     *syscalls.Table
	sites []Site
	done  bool
}

// Sites lists the record's bug sites (see the package function Sites),
// read on first use: most records need them only when the text, trace and
// uapi methods find nothing. A syscall's own name ("fd = open(PATH)",
// "timerlat_fd open()") is not a bug site: it names the syscall, which is
// the text method's to read, and as a function name it matched whatever
// module happens to define an open() (a tty driver's, so that an NFS
// record got tty_operations.open as its evidence).
func (f *Findings) Sites() []Site {
	if !f.done {
		f.sites, f.done = sitesOf(f.doc, f.in.Description, f.in.Subject), true
		if f.t != nil {
			f.sites = slices.DeleteFunc(f.sites, func(s Site) bool {
				_, isSyscall := f.t.Number(s.Func)
				return s.Func != "" && isSyscall
			})
		}
	}
	return f.sites
}

// Read runs the text, trace and uapi methods over a record; its bug
// sites are read when asked for (Findings.Sites). Call-trace lines are
// read by the trace method only: a syscall entry frame in a trace counts
// when it is under the faulting frame of a main stack or of a lockdep
// report's "-> #0" entry (lockdepCurrent), not reached through an
// incidental frame; KASAN's "Allocated by"/"Freed by" and other auxiliary
// stacks count only when no main stack names a trigger and they run the
// function the fix's subject names (fixedInAux), or, when nothing else in
// the report names a syscall, agree on one (auxAlone).
func Read(in Input, t *syscalls.Table) Findings {
	var f Findings
	f.t = t
	d := parseDoc(in.Description)
	prose := withoutCode(d.maskedProse(in.Description), t)
	if in.Subject != "" && !strings.Contains(in.Description, in.Subject) {
		prose += "\n" + in.Subject
	}
	f.Text = Text(prose, t)
	f.UAPI = UAPI(prose, t)
	traced := map[string]bool{}
	for _, st := range d.stacks {
		if st.Kind != StackMain && !lockdepCurrent(st) {
			continue
		}
		c, ok := st.Call(t)
		if !ok || cutAt(c) != "" && !OpsMethodIn(cutAt(c), in.ProgramFiles) {
			continue
		}
		ev := pathEvidence(c.Syscall, c.Path)
		if c.Incidental != "" {
			f.Dropped = append(f.Dropped, Link{Syscall: c.Syscall, Method: MethodTrace, Evidence: "through " + c.Incidental + ": " + ev})
			continue
		}
		if !traced[c.Syscall] {
			traced[c.Syscall] = true
			f.Trace = append(f.Trace, Link{Syscall: c.Syscall, Method: MethodTrace, Evidence: ev, Path: c.Path})
		}
	}
	if len(f.Trace) == 0 {
		f.Trace = fixedInAux(d, in, t)
	}
	if len(f.Trace) == 0 && len(f.Text) == 0 && len(f.UAPI) == 0 {
		f.Trace = origRAX(in.Description, t)
	}
	if len(f.Trace) == 0 && len(f.Text) == 0 && len(f.UAPI) == 0 {
		f.Trace = auxAlone(d, t)
	}
	sort.Slice(f.Trace, func(i, j int) bool { return f.Trace[i].Syscall < f.Trace[j].Syscall })
	// A syscall dropped in one stack but the trigger in another is kept.
	kept := f.Dropped[:0]
	for _, d := range f.Dropped {
		if !traced[d.Syscall] {
			kept = append(kept, d)
		}
	}
	f.Dropped = kept
	f.doc, f.in = d, in
	return f
}

// maskedProse blanks the call-trace and fault lines of s, keeping its
// line structure, so that the text method reads prose only.
func (d doc) maskedProse(s string) string {
	if len(d.stacks) == 0 && !strings.Contains(s, "RIP: ") && !strings.Contains(s, "pc : ") && !strings.Contains(s, "\u00a0") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i, l := range d.lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		if d.prose[i] {
			b.WriteString(l)
		}
	}
	return b.String()
}

// withoutCode blanks the set-up calls of the C code a description
// quotes, most often a reproducer. Every call of a reproducer is there,
// its set-up included (socketpair, send and setsockopt before the recv
// that races, an mmap before the mremap that breaks); the trigger is most
// often its last call. So in each block of code (a ``` fence, or else a
// paragraph) only the last line of code that names a syscall other than
// an idle one (pause, sleep, wait, exit) counts. A
// block that draws a race (CPU0/CPU1, thread1/thread2 columns) keeps
// every line: each column's calls are the racing syscalls. A line is
// code when, without a // comment, it ends a C statement (";") or opens
// or closes a block ("{", "}") and holds a call, or is a bare brace.
func withoutCode(s string, t *syscalls.Table) string {
	if !strings.Contains(s, ";") {
		return s
	}
	lines := strings.Split(s, "\n")
	fenced := strings.Contains(s, "```")
	for lo := 0; lo < len(lines); {
		hi := lo + 1
		for hi < len(lines) && !blockEnd(lines[hi], fenced) {
			hi++
		}
		maskSetup(lines[lo:hi], t)
		lo = hi
	}
	return strings.Join(lines, "\n")
}

// blockEnd reports a line that starts a new block: a fence, or without
// fences a blank line.
func blockEnd(l string, fenced bool) bool {
	if fenced {
		return strings.HasPrefix(strings.TrimSpace(l), "```")
	}
	return strings.TrimSpace(l) == ""
}

// maskSetup blanks the code lines of one block but the last that names
// a syscall, unless the block draws a race.
func maskSetup(block []string, t *syscalls.Table) {
	last := -1
	var code []int
	for i, l := range block {
		if raceHeader(l) {
			return
		}
		if cLine(l) {
			code = append(code, i)
			for _, k := range Text(l, t) {
				if !idleCall[k.Syscall] {
					last = i
				}
			}
		}
	}
	for _, i := range code {
		if i != last {
			block[i] = ""
		}
	}
}

// idleCall are the calls a reproducer ends with that trigger nothing:
// it waits, sleeps or exits once the work is done (CVE-2025-68211's
// madvise(MADV_MERGEABLE) and then pause() while ksmd scans).
var idleCall = map[string]bool{"pause": true, "nanosleep": true, "clock_nanosleep": true, "sched_yield": true,
	"exit": true, "exit_group": true, "wait4": true, "waitid": true, "getpid": true}

// raceHeader reports a line that heads the columns of a race diagram.
func raceHeader(l string) bool {
	l = strings.ToLower(l)
	// every pair's first word has one of these: most lines have none
	if !strings.Contains(l, "cpu") && !strings.Contains(l, "thread") && !strings.Contains(l, "task") && !strings.Contains(l, "process") {
		return false
	}
	for _, pair := range [][2]string{{"cpu0", "cpu1"}, {"cpu 0", "cpu 1"}, {"thread1", "thread2"}, {"thread 1", "thread 2"},
		{"thread a", "thread b"}, {"task a", "task b"}, {"process a", "process b"}} {
		if strings.Contains(l, pair[0]) && strings.Contains(l, pair[1]) {
			return true
		}
	}
	return false
}

// cLine reports a line of C code (see withoutCode).
func cLine(l string) bool {
	t := l
	if i := strings.Index(t, "//"); i >= 0 {
		t = t[:i]
	}
	t = strings.TrimSpace(t)
	switch {
	case t == "{" || t == "}" || t == "};":
		return true
	case strings.HasSuffix(t, ";"), strings.HasSuffix(t, "{"):
		return strings.Contains(t, "(") && strings.Contains(t, ")")
	}
	return false
}

// pathEvidence renders a call path with the syscall's name for its entry,
// cut in the middle when long: "setsockopt → __sys_setsockopt → … →
// packet_set_ring".
func pathEvidence(syscall string, path []string) string {
	elems := append([]string{syscall}, path[min(1, len(path)):]...)
	if len(elems) > 6 {
		elems = append(append(elems[:3:3], "…"), elems[len(elems)-2:]...)
	}
	return strings.Join(elems, " → ")
}

// lockdepCurrent tells whether st is the "-> #0" entry of a lockdep
// circular-dependency report: the stack of the acquisition that closes the
// cycle, which is the reporting task's own (lockdep saves it when it
// checks the new dependency), so the syscall under it is the trigger as
// the main stack's would be; the other entries (#1, #2, …) are stacks
// recorded earlier, in any task.
func lockdepCurrent(st Stack) bool {
	return st.Kind == StackAux && strings.HasPrefix(st.Header, "-> #0 ")
}

// fixedInAux reads the auxiliary stacks of a report whose main stacks name
// no trigger (a kworker's, an RCU callback's): where one of them (KASAN's
// "Allocated by", "Freed by", "work creation") runs the function the fix's
// subject names under a syscall, that syscall ran the fixed code, and the
// bug is what it left behind (smb2_set_path_size under truncate queues the
// work that later frees the file twice). The path ends at the fixed
// function.
func fixedInAux(d doc, in Input, t *syscalls.Table) []Link {
	subject := in.Subject
	if subject == "" {
		subject = Subject(in.Description)
	}
	fixed := subjectFuncs(subject)
	if len(fixed) == 0 {
		return nil
	}
	var out []Link
	seen := map[string]bool{}
	for _, st := range d.stacks {
		if st.Kind == StackMain || lockdepCurrent(st) {
			continue
		}
		c, ok := st.Call(t)
		if !ok || c.Incidental != "" || seen[c.Syscall] {
			continue
		}
		for i, fn := range c.Path {
			if slices.Contains(fixed, baseSymbol(fn)) {
				seen[c.Syscall] = true
				path := c.Path[:i+1]
				out = append(out, Link{Syscall: c.Syscall, Method: MethodTrace,
					Evidence: tidy(fn + " in " + st.Header + " " + pathEvidence(c.Syscall, path)), Path: path})
				break
			}
		}
	}
	return out
}

// cutAt is the operations method a trace cut above its syscall entry was
// read by (TraceCall's path "SYSCALL (cut)", then the method), or "".
func cutAt(c TraceCall) string {
	if len(c.Path) > 1 && strings.HasSuffix(c.Path[0], " (cut)") {
		return c.Path[1]
	}
	return ""
}

// origRAXLine is an x86-64 register dump's "ORIG_RAX: 00000000000000a6":
// the number of the syscall the task was in.
var origRAXLine = regexp.MustCompile(`ORIG_RAX: ([0-9a-f]{16})\b`)

// origRAX is the trace method's last resort for a report that names no
// syscall anywhere else (no stack entry, no prose, no UAPI name): the
// syscall the register dump says the task was in, when the dump is of a
// 64-bit task (user code segment 0033, so that the number is of the
// x86_64 table; a compat task's "RIP: 0023:" counts in the i386 one) and
// every ORIG_RAX of the report agrees. The typical report is a task_work
// run on the return to user space (umount2's deferred cleanup_mnt,
// close's fput), whose stack shows do_syscall_64 but no syscall's entry.
// Module init and exit stay incidental, as in stacks.
func origRAX(description string, t *syscalls.Table) []Link {
	if !strings.Contains(description, "RIP: 0033:") || strings.Contains(description, "RIP: 0023:") {
		return nil
	}
	ms := origRAXLine.FindAllStringSubmatch(description, -1)
	if len(ms) == 0 {
		return nil
	}
	for _, m := range ms[1:] {
		if m[1] != ms[0][1] {
			return nil
		}
	}
	nr, err := strconv.ParseUint(ms[0][1], 16, 64)
	if err != nil || nr > 1<<12 {
		return nil
	}
	name, ok := t.Name(int(nr))
	if !ok || incidentalSyscalls[name] != "" || name == "exit" || name == "exit_group" {
		return nil
	}
	return []Link{{Syscall: name, Method: MethodTrace, Evidence: fmt.Sprintf("ORIG_RAX %#x (%s) in the register dump", nr, name)}}
}

// auxAlone is the trace method's last resort, after origRAX, for a report
// in which nothing else names a syscall (its main stack is a kworker's, an
// interrupt's or a softirq's): the syscall under its auxiliary stacks
// (KASAN's "Allocated by" and "Freed by", KMSAN's "Uninit was created
// at", a lockdep chain's entries), when they all agree on one. That is
// the syscall that made, freed or locked what the kernel thread then
// used: a qdisc set up by sendmsg whose timer fires after it is
// destroyed (CVE-2023-53021). Incidental and cut stacks do not count.
func auxAlone(d doc, t *syscalls.Table) []Link {
	var out []Link
	for _, st := range d.stacks {
		if st.Kind == StackMain || lockdepCurrent(st) {
			continue
		}
		c, ok := st.Call(t)
		if !ok || c.Incidental != "" || cutAt(c) != "" {
			continue
		}
		if len(out) > 0 && out[0].Syscall != c.Syscall {
			return nil
		}
		if len(out) == 0 {
			out = []Link{{Syscall: c.Syscall, Method: MethodTrace,
				Evidence: tidy("in " + st.Header + " " + pathEvidence(c.Syscall, c.Path)), Path: c.Path}}
		}
	}
	return out
}
