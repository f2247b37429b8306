package attrib

import (
	"sort"
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
	sites []Site
	done  bool
}

// Sites lists the record's bug sites (see the package function Sites),
// read on first use: most records need them only when the text, trace and
// uapi methods find nothing.
func (f *Findings) Sites() []Site {
	if !f.done {
		f.sites, f.done = sitesOf(f.doc, f.in.Description, f.in.Subject), true
	}
	return f.sites
}

// Read runs the text, trace and uapi methods over a record; its bug
// sites are read when asked for (Findings.Sites). Call-trace lines are read by the trace method only: a syscall
// entry frame in a trace counts when it is under the faulting frame of a
// main stack (not KASAN's "Allocated by"/"Freed by" stacks) and not reached
// through an incidental frame.
func Read(in Input, t *syscalls.Table) Findings {
	var f Findings
	d := parseDoc(in.Description)
	prose := d.maskedProse(in.Description)
	if in.Subject != "" && !strings.Contains(in.Description, in.Subject) {
		prose += "\n" + in.Subject
	}
	f.Text = Text(prose, t)
	f.UAPI = UAPI(prose, t)
	traced := map[string]bool{}
	for _, st := range d.stacks {
		if st.Kind != StackMain {
			continue
		}
		c, ok := st.Call(t)
		if !ok {
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
