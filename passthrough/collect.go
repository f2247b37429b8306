package passthrough

import (
	"fmt"
	"maps"
	"sort"
	"strconv"
	"strings"
	"sync"

	"sysweight/syscalls"
)

// EventKind says what a trace line holds.
type EventKind int

const (
	SysEnter EventKind = iota + 1 // raw_syscalls:sys_enter
	Marker                        // a write to trace_marker
	Lost                          // the ring buffer dropped events here
	Fork                          // sched:sched_process_fork
)

// TraceEvent is one line of a tracefs instance's trace_pipe.
type TraceEvent struct {
	Kind  EventKind
	TID   int
	TGID  int // with options/record-tgid; 0 when absent or unknown
	Nr    int
	Args  [6]uint64
	Text  string // Marker
	N     uint64 // Lost
	Child int    // Fork: the new task's id (a process's pid or a thread's tid)
}

// ParseTraceLine decodes one line of trace_pipe text output. Lines of other
// events return ok false and no error. The formats are the kernel's:
//
//	<comm>-<tid> [<cpu>] <flags> <secs>.<usecs>: sys_enter: NR <nr> (<a0>, …, <a5>)
//	<comm>-<tid> [<cpu>] <flags> <secs>.<usecs>: tracing_mark_write: <text>
//	<comm>-<tid> [<cpu>] <flags> <secs>.<usecs>: sched_process_fork: comm=<c> pid=<p> child_comm=<c> child_pid=<pid>
//	CPU:<n> [LOST <count> EVENTS]
//
// With options/record-tgid the task is followed by its thread group id,
// "<comm>-<tid> (<tgid>) [<cpu>]", or "(-------)" when the kernel has not
// recorded it.
//
// (include/trace/events/syscalls.h, kernel/trace/trace_output.c). The
// arguments are hexadecimal without 0x. The command name may hold any
// byte, so fields are found from the event name backwards.
func ParseTraceLine(line string) (ev TraceEvent, ok bool, err error) {
	line = strings.TrimRight(line, "\r\n")
	if rest, found := strings.CutPrefix(line, "CPU:"); found {
		i := strings.Index(rest, " [LOST ")
		if i < 0 {
			return ev, false, nil
		}
		num, _, found := strings.Cut(rest[i+len(" [LOST "):], " ")
		n, err := strconv.ParseUint(num, 10, 64)
		if !found || err != nil {
			return ev, false, fmt.Errorf("%w: lost count %q: want an unsigned integer in %q", ErrTraceLine, num, line)
		}
		return TraceEvent{Kind: Lost, N: n}, true, nil
	}
	var kind EventKind
	var head, body string
	if h, b, found := strings.Cut(line, ": sys_enter: NR "); found {
		kind, head, body = SysEnter, h, b
	} else if h, b, found := strings.Cut(line, ": tracing_mark_write: "); found {
		kind, head, body = Marker, h, b
	} else if h, b, found := strings.Cut(line, ": sched_process_fork: "); found {
		kind, head, body = Fork, h, b
	} else {
		return ev, false, nil
	}
	tid, tgid, err := headIDs(head)
	if err != nil {
		return ev, false, fmt.Errorf("%w: %v in %q", ErrTraceLine, err, line)
	}
	ev = TraceEvent{Kind: kind, TID: tid, TGID: tgid}
	switch kind {
	case Marker:
		ev.Text = body
		return ev, true, nil
	case Fork:
		// comms may hold any byte: the child's pid is the last field
		i := strings.LastIndex(body, "child_pid=")
		if i < 0 {
			return ev, false, fmt.Errorf("%w: want \"child_pid=<pid>\" in %q", ErrTraceLine, line)
		}
		if ev.Child, err = strconv.Atoi(body[i+len("child_pid="):]); err != nil || ev.Child <= 0 {
			return ev, false, fmt.Errorf("%w: child_pid %q: want a positive integer in %q", ErrTraceLine, body[i+len("child_pid="):], line)
		}
		return ev, true, nil
	}
	nrs, argText, found := strings.Cut(body, " (")
	if !found || !strings.HasSuffix(argText, ")") {
		return ev, false, fmt.Errorf("%w: want \"NR <nr> (<six args>)\" in %q", ErrTraceLine, line)
	}
	if ev.Nr, err = strconv.Atoi(nrs); err != nil {
		return ev, false, fmt.Errorf("%w: syscall number %q: want an integer in %q", ErrTraceLine, nrs, line)
	}
	fields := strings.Split(strings.TrimSuffix(argText, ")"), ", ")
	if len(fields) != 6 {
		return ev, false, fmt.Errorf("%w: %d arguments, want 6 in %q", ErrTraceLine, len(fields), line)
	}
	for i, f := range fields {
		if ev.Args[i], err = strconv.ParseUint(f, 16, 64); err != nil {
			return ev, false, fmt.Errorf("%w: argument %d %q: want hexadecimal in %q", ErrTraceLine, i, f, line)
		}
	}
	return ev, true, nil
}

// headIDs finds the tid and the tgid (0 if absent or unknown) in
// "<comm>-<tid> [(<tgid>)] [<cpu>] <flags> <ts>".
func headIDs(head string) (tid, tgid int, err error) {
	i := strings.LastIndex(head, " [")
	if i < 0 {
		return 0, 0, fmt.Errorf("no \" [cpu]\" field")
	}
	task := strings.TrimSpace(head[:i])
	if strings.HasSuffix(task, ")") {
		k := strings.LastIndex(task, "(")
		if k < 0 {
			return 0, 0, fmt.Errorf("task %q: want comm-tid (tgid)", task)
		}
		g := strings.TrimSpace(task[k+1 : len(task)-1])
		if strings.Trim(g, "-") != "" {
			if tgid, err = strconv.Atoi(g); err != nil || tgid <= 0 {
				return 0, 0, fmt.Errorf("tgid %q: want a positive integer or dashes", g)
			}
		}
		task = strings.TrimSpace(task[:k])
	}
	j := strings.LastIndexByte(task, '-')
	if j < 0 {
		return 0, 0, fmt.Errorf("task %q: want comm-tid", task)
	}
	tid, err = strconv.Atoi(task[j+1:])
	if err != nil || tid < 0 {
		return 0, 0, fmt.Errorf("task %q: want comm-tid", task)
	}
	return tid, tgid, nil
}

// markerPrefix starts every marker this package writes.
const markerPrefix = "sysweight-pt "

func beginMarker(seq int) string { return markerPrefix + "B " + strconv.Itoa(seq) }
func endMarker(seq int) string   { return markerPrefix + "E " + strconv.Itoa(seq) }

// The probe run's markers: written when the probe's hello and done lines
// arrive, so that what lies between them happened after the sandbox was
// set up (and, for gVisor, after its filters were installed).
const (
	runBeginMarker = markerPrefix + "H"
	runEndMarker   = markerPrefix + "D"
)

// Collector ties trace events to probe windows. The controller declares a
// window (Declare) before it writes the window's begin marker, so the
// reader always finds the window a marker names. Its methods are safe for
// concurrent use by one reader and one controller.
type Collector struct {
	mu      sync.Mutex
	table   *syscalls.Table
	windows map[int]*window
	cur     *window
	run     map[int]uint64
	lost    uint64
	hello   Hello
	skipped []Skip
	calls   int // the probe's "done" count, -1 before done
	badMark int

	// The probe run, between runBeginMarker and runEndMarker, by process.
	launcher         int // tgid of the process passthrough started
	roles            map[int]string
	forkParent       map[int]int // child pid or tid -> the forking task's tgid
	inRun            bool
	runBegan, runEnd bool
	runByTGID        map[int]map[int]uint64
	runNoTGID        uint64 // events in the probe run without a tgid
}

// Process roles in Matrix.ProbeRun.
const (
	RoleLauncher = "launcher" // the process passthrough started
	RoleSentry   = "sentry"   // gVisor's runsc-sandbox
	RoleGofer    = "gofer"    // gVisor's runsc-gofer
	RoleStub     = "stub"     // a process the Sentry (or a stub) forked: the platform's stubs
	RoleOther    = "other"    // any other process of the tree, or one without a recorded tgid
)

type window struct {
	seq              int
	name             string
	nr               int
	args             [6]uint64
	counts           map[int]uint64
	asItself, sameNr uint64
	began, ended     bool
	lost             bool
	inside           Inside
	answered         bool
	closing          bool // the host has written (or is writing) the end marker
}

// NewCollector returns an empty collector for arch's syscall numbers.
func NewCollector(arch syscalls.Arch) (*Collector, error) {
	t, err := syscalls.ForArch(arch)
	if err != nil {
		return nil, err
	}
	return &Collector{table: t, windows: map[int]*window{}, run: map[int]uint64{}, calls: -1,
		roles: map[int]string{}, forkParent: map[int]int{}, runByTGID: map[int]map[int]uint64{}}, nil
}

// SetRoles names processes by tgid (RoleSentry, RoleGofer); stubs are
// found from the fork events, as processes the Sentry forked.
func (c *Collector) SetRoles(roles map[int]string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	maps.Copy(c.roles, roles)
}

// role resolves tgid's role; c.mu is held. A process without a role of
// its own is a stub when its forking parent is the Sentry or a stub.
func (c *Collector) role(tgid int) string { return c.roleAt(tgid, 0) }

func (c *Collector) roleAt(tgid, depth int) string {
	switch {
	case tgid == 0:
		return RoleOther
	case tgid == c.launcher:
		return RoleLauncher
	case c.roles[tgid] != "":
		return c.roles[tgid]
	}
	parent, ok := c.forkParent[tgid]
	if !ok || parent == tgid || depth > 64 { // recycled pids must not loop
		return RoleOther
	}
	if r := c.roleAt(parent, depth+1); r == RoleSentry || r == RoleStub {
		return RoleStub
	}
	return RoleOther
}

// SetLauncher names the process passthrough started (its tgid): the probe
// run's events are split into its own and everyone else's.
func (c *Collector) SetLauncher(tgid int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.launcher = tgid
}

// Declare records a probe begin line; it returns the marker to write.
func (c *Collector) Declare(l ProbeLine) (string, error) {
	if l.Event != "begin" || l.Nr == nil || len(l.Args) != 6 {
		return "", fmt.Errorf("%w: want a begin line with nr and six args", ErrProbe)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, dup := c.windows[l.Seq]; dup {
		return "", fmt.Errorf("%w: seq %d begun twice", ErrProbe, l.Seq)
	}
	w := &window{seq: l.Seq, name: l.Name, nr: *l.Nr, counts: map[int]uint64{}}
	copy(w.args[:], l.Args)
	c.windows[l.Seq] = w
	return beginMarker(l.Seq), nil
}

// Answer records an end or result line. It returns the end marker to write
// when the window is still open on the host side (the first of end and
// result closes it), or "".
func (c *Collector) Answer(l ProbeLine, gvisor bool) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	w, ok := c.windows[l.Seq]
	if !ok {
		return ""
	}
	switch l.Event {
	case "end":
		w.inside.Outcome, w.inside.Ret, w.inside.Errno = "returned", l.Ret, l.Errno
		w.answered = true
	case "result":
		if l.Outcome != "returned" || !w.answered {
			w.inside.Outcome, w.inside.Signal, w.inside.Exit = l.Outcome, l.Signal, l.Exit
			w.answered = true
		}
	}
	w.inside.Emulated = gvisor
	if w.closing {
		return ""
	}
	w.closing = true
	return endMarker(l.Seq)
}

// Hello, Skip and Done record the probe's other lines.
func (c *Collector) Hello(l ProbeLine) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hello = Hello{Uname: l.Uname, Evidence: l.Evidence, TableKernel: l.Kernel}
	if l.GVisor != nil {
		c.hello.GVisor = *l.GVisor
	}
}

func (c *Collector) Skip(l ProbeLine) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.skipped = append(c.skipped, Skip{Syscall: l.Name, Reason: l.Reason})
}

func (c *Collector) Done(l ProbeLine) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = 0
	if l.Calls != nil {
		c.calls = *l.Calls
	}
}

// Event takes one trace event, in trace order.
func (c *Collector) Event(ev TraceEvent) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch ev.Kind {
	case Lost:
		c.lost += ev.N
		if c.cur != nil {
			c.cur.lost = true
		}
	case Marker:
		rest, ok := strings.CutPrefix(ev.Text, markerPrefix)
		if !ok {
			return
		}
		kind, num, _ := strings.Cut(strings.TrimSpace(rest), " ")
		switch markerPrefix + kind {
		case runBeginMarker:
			c.inRun, c.runBegan = true, true
			return
		case runEndMarker:
			c.inRun, c.runEnd = false, c.runBegan
			return
		}
		seq, err := strconv.Atoi(num)
		w := c.windows[seq]
		if err != nil || w == nil {
			c.badMark++
			return
		}
		switch kind {
		case "B":
			if c.cur != nil {
				c.cur.ended = false // a window cut short by the next one is incomplete
			}
			w.began, c.cur = true, w
		case "E":
			if c.cur == w {
				w.ended, c.cur = true, nil
			}
		}
	case Fork:
		if ev.TGID != 0 {
			c.forkParent[ev.Child] = ev.TGID
		}
	case SysEnter:
		c.run[ev.Nr]++
		if c.inRun {
			if ev.TGID == 0 {
				c.runNoTGID++
			}
			m := c.runByTGID[ev.TGID]
			if m == nil {
				m = map[int]uint64{}
				c.runByTGID[ev.TGID] = m
			}
			m[ev.Nr]++
		}
		if w := c.cur; w != nil {
			w.counts[ev.Nr]++
			if ev.Nr == w.nr && w.name != Nop {
				if ev.Args == w.args {
					w.asItself++
				} else {
					w.sameNr++
				}
			}
		}
	}
}

// Matrix builds the result. The caller fills in Runtime, Date, versions
// and the other run facts.
func (c *Collector) Matrix() *Matrix {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := &Matrix{Schema: SchemaVersion, Arch: c.table.Arch, Sandbox: c.hello, Skipped: append([]Skip(nil), c.skipped...),
		Baseline: map[string]uint64{}, WindowHost: map[string]uint64{}, RunHost: c.names(c.run), Lost: c.lost}
	seqs := make([]int, 0, len(c.windows))
	for s := range c.windows {
		seqs = append(seqs, s)
	}
	sort.Ints(seqs)
	base := map[int]uint64{}
	for _, s := range seqs {
		w := c.windows[s]
		for nr, n := range w.counts {
			m.WindowHost[c.name(nr)] += n
		}
		if w.name == Nop && w.began && w.ended && !w.lost {
			m.BaselineWindows++
			for nr, n := range w.counts {
				base[nr] = max(base[nr], n)
			}
		}
	}
	m.Baseline = c.names(base)
	for _, s := range seqs {
		w := c.windows[s]
		if w.name == Nop {
			continue
		}
		call := Call{Syscall: w.name, Nr: w.nr, Args: w.args, Inside: w.inside, AsItself: w.asItself, SameNr: w.sameNr,
			Window: c.names(w.counts)}
		if !w.answered {
			call.Inside.Outcome = "unknown"
		}
		induced := map[int]uint64{}
		for nr, n := range w.counts {
			if n > base[nr] {
				induced[nr] = n - base[nr]
			}
		}
		if len(induced) > 0 {
			call.Induced = c.names(induced)
		}
		switch {
		case w.asItself > 0:
			call.Reached = Yes
		case !w.began:
			call.Reached, call.Why = Unknown, "the window's begin marker never came through the trace"
		case w.lost:
			call.Reached, call.Why = Unknown, "the trace lost events inside the window"
		case !w.ended:
			call.Reached, call.Why = Unknown, "the window was not closed"
		default:
			call.Reached = No
		}
		m.Calls = append(m.Calls, call)
	}
	switch {
	case c.runBegan && c.runEnd:
		byRole := map[string]map[int]uint64{}
		for tgid, counts := range c.runByTGID {
			r := c.role(tgid)
			if byRole[r] == nil {
				byRole[r] = map[int]uint64{}
			}
			for nr, n := range counts {
				byRole[r][nr] += n
			}
		}
		m.ProbeRun = map[string]map[string]uint64{}
		for r, counts := range byRole {
			m.ProbeRun[r] = c.names(counts)
		}
		if c.runNoTGID > 0 {
			m.Notes = append(m.Notes, fmt.Sprintf("%d probe-run events had no thread group id; they count as other processes'", c.runNoTGID))
		}
	case c.runBegan:
		m.Notes = append(m.Notes, "the probe run's end marker never came through the trace; no probe-run counts")
	}
	if c.badMark > 0 {
		m.Notes = append(m.Notes, fmt.Sprintf("%d trace markers named no declared window", c.badMark))
	}
	return m
}

func (c *Collector) name(nr int) string {
	if n, ok := c.table.Name(nr); ok {
		return n
	}
	return "nr_" + strconv.Itoa(nr)
}

func (c *Collector) names(counts map[int]uint64) map[string]uint64 {
	out := make(map[string]uint64, len(counts))
	for nr, n := range counts {
		if n > 0 {
			out[c.name(nr)] += n
		}
	}
	return out
}
