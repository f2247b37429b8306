package passthrough

import (
	"bufio"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sysweight/exposure"
	"sysweight/syscalls"
)

// testdata/trace_pipe.txt is real trace_pipe text from this project's
// host (Linux 6.18): a private instance with trace_clock=mono and
// event-fork, raw_syscalls:sys_enter of `busybox cat /nonexistent`, the two
// markers written by hand, then a LOST line and a sched_switch line added
// by hand. The per-number counts below were taken with
// `grep sys_enter trace_pipe.txt | awk '{print $7}' | sort -n | uniq -c`.
func TestParseTraceLineSample(t *testing.T) {
	f, err := os.Open("testdata/trace_pipe.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	counts := map[int]int{}
	var markers []string
	var lost uint64
	var first TraceEvent
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		ev, ok, err := ParseTraceLine(sc.Text())
		if err != nil {
			t.Fatalf("%q: %v", sc.Text(), err)
		}
		if !ok {
			continue
		}
		switch ev.Kind {
		case SysEnter:
			if first.Kind == 0 {
				first = ev
			}
			counts[ev.Nr]++
		case Marker:
			markers = append(markers, ev.Text)
		case Lost:
			lost += ev.N
		}
	}
	want := map[int]int{262: 15, 13: 5, 107: 3, 72: 2, 12: 2, 108: 2, 102: 2, 39: 1, 33: 1, 318: 1, 1: 1, 231: 1}
	for nr, n := range want {
		if counts[nr] != n {
			t.Errorf("nr %d: %d events, want %d", nr, counts[nr], n)
		}
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	if total != 41 { // grep -c "sys_enter: NR"
		t.Errorf("%d sys_enter events, want 41", total)
	}
	if got := strings.Join(markers, "|"); got != "sysweight-pt B 7|sysweight-pt E 7" {
		t.Errorf("markers %q", got)
	}
	if lost != 42 {
		t.Errorf("lost %d, want 42", lost)
	}
	// busybox-7425 [001] ..... 3163.012469: sys_enter: NR 102 (3, 7ffd0ee3d978, 7ffd0ee3d998, 7fa46fb6a878, 0, 7fa46fb6e6d0)
	wantFirst := TraceEvent{Kind: SysEnter, TID: 7425, Nr: 102, Args: [6]uint64{3, 0x7ffd0ee3d978, 0x7ffd0ee3d998, 0x7fa46fb6a878, 0, 0x7fa46fb6e6d0}}
	if first != wantFirst {
		t.Errorf("first event %+v, want %+v", first, wantFirst)
	}
}

// testdata/trace_pipe_tgid.txt is real trace output from this project's
// host (Linux 6.18): a private instance with trace_clock=mono, event-fork
// and record-tgid following a subshell that runs `sleep 0.3` and then
// execs `busybox sh -c 'busybox cat /nonexistent & wait; busybox true'`,
// with the probe-run markers written from the (untraced) shell around it.
// Per-tgid counts: `grep sys_enter … | awk '{print $2, $3}' | sort | uniq -c`.
func TestParseTraceLineTGID(t *testing.T) {
	f, err := os.Open("testdata/trace_pipe_tgid.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, _ := NewCollector(syscalls.X86_64)
	c.SetLauncher(7235) // the exec'd busybox sh
	byTGID := map[int]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		ev, ok, err := ParseTraceLine(sc.Text())
		if err != nil || !ok {
			t.Fatalf("%q: ok %v, %v", sc.Text(), ok, err)
		}
		if ev.Kind == SysEnter {
			byTGID[ev.TGID]++
			if ev.TID != ev.TGID {
				t.Errorf("%q: tid %d tgid %d; every task here is single-threaded", sc.Text(), ev.TID, ev.TGID)
			}
		}
		c.Event(ev)
	}
	if want := map[int]int{7236: 113, 7235: 84, 7237: 24}; !maps.Equal(byTGID, want) {
		t.Errorf("events by tgid %v, want %v", byTGID, want)
	}
	m := c.Matrix()
	var launcher, others uint64
	for _, n := range m.ProbeRun[RoleLauncher] {
		launcher += n
	}
	for _, n := range m.ProbeRun[RoleOther] {
		others += n
	}
	// the markers bracket all 221 events: 84 are the launcher's
	if launcher != 84 || others != 113+24 || m.ProbeRun[RoleOther]["execve"] != 2 || len(m.ProbeRun) != 2 {
		t.Errorf("probe run: launcher %d (want 84), others %d (want 137), others' execve %d (want 2: sleep, the forked busybox cat), roles %d (want 2)",
			launcher, others, m.ProbeRun[RoleOther]["execve"], len(m.ProbeRun))
	}
}

// Roles: the Sentry's children and their children are stubs; the Gofer's
// are not. Fork lines are real sched_process_fork output (Linux 6.18) with
// record-tgid, pids changed.
func TestCollectorRoles(t *testing.T) {
	c, _ := NewCollector(syscalls.X86_64)
	c.SetLauncher(100)
	c.SetRoles(map[int]string{110: RoleSentry, 120: RoleGofer})
	lines := []string{
		"    runsc-sandbox-111     (    110) [001] .....  8019.729598: sched_process_fork: comm=runsc-sandbox pid=111 child_comm=runsc-sandbox child_pid=130",
		"    runsc-sandbox-130     (    130) [000] .....  8019.729700: sched_process_fork: comm=runsc-sandbox pid=130 child_comm=runsc-sandbox child_pid=131",
		"      runsc-gofer-120     (    120) [000] .....  8019.729800: sched_process_fork: comm=runsc-gofer pid=120 child_comm=runsc-gofer child_pid=140",
	}
	for _, l := range lines {
		ev, ok, err := ParseTraceLine(l)
		if err != nil || !ok || ev.Kind != Fork {
			t.Fatalf("%q: %+v %v %v", l, ev, ok, err)
		}
		c.Event(ev)
	}
	c.Event(mark(runBeginMarker))
	for _, e := range []struct{ tid, tgid, nr int }{{100, 100, 61}, {110, 110, 202}, {111, 110, 202}, {120, 120, 17},
		{130, 130, 62}, {131, 131, 110}, {140, 140, 0}, {7, 0, 1}} {
		c.Event(TraceEvent{Kind: SysEnter, TID: e.tid, TGID: e.tgid, Nr: e.nr})
	}
	c.Event(mark(runEndMarker))
	c.Event(TraceEvent{Kind: SysEnter, TID: 110, TGID: 110, Nr: 165}) // after done: not in the probe run
	m := c.Matrix()
	want := map[string]map[string]uint64{
		RoleLauncher: {"wait4": 1},
		RoleSentry:   {"futex": 2}, // 111 is a Sentry thread: its events carry tgid 110
		RoleGofer:    {"pread64": 1},
		RoleStub:     {"kill": 1, "getppid": 1},
		RoleOther:    {"read": 1, "write": 1}, // the Gofer's child, and an event without a tgid
	}
	if len(m.ProbeRun) != len(want) {
		t.Errorf("roles %v, want %v", m.ProbeRun, want)
	}
	for r, w := range want {
		if !maps.Equal(m.ProbeRun[r], w) {
			t.Errorf("%s: %v, want %v", r, m.ProbeRun[r], w)
		}
	}
	if len(m.Notes) != 1 || !strings.Contains(m.Notes[0], "1 probe-run events had no thread group id") {
		t.Errorf("notes %q", m.Notes)
	}
	for _, l := range []string{"a-1 (1) [000] ..... 1.0: sched_process_fork: comm=a pid=1 child_comm=b", "a-1 (1) [000] ..... 1.0: sched_process_fork: comm=a pid=1 child_comm=b child_pid=x"} {
		if _, _, err := ParseTraceLine(l); !errors.Is(err, ErrTraceLine) {
			t.Errorf("%q: %v, want ErrTraceLine", l, err)
		}
	}
}

func TestParseTraceLineOdd(t *testing.T) {
	// a command name with a dash and spaces, as prctl(PR_SET_NAME) allows
	ev, ok, err := ParseTraceLine("  my-prog x-12 [003] ..... 1.000001: sys_enter: NR 0 (ffffffffffffffff, 0, 0, 0, 0, 0)")
	if err != nil || !ok || ev.TID != 12 || ev.Nr != 0 || ev.Args[0] != ^uint64(0) {
		t.Errorf("got %+v, %v, %v", ev, ok, err)
	}
	// record-tgid, with the tgid known, unknown, and a thread's
	for _, c := range []struct {
		line      string
		tid, tgid int
	}{
		{"  runsc-gofer-77 (     70) [000] ..... 2.0: sys_enter: NR 0 (0, 0, 0, 0, 0, 0)", 77, 70},
		{"  my (prog)-9 (-------) [000] ..... 2.0: sys_enter: NR 0 (0, 0, 0, 0, 0, 0)", 9, 0},
		{"  x-5 (5) [001] ...1. 2.0: tracing_mark_write: sysweight-pt H", 5, 5},
	} {
		ev, ok, err := ParseTraceLine(c.line)
		if err != nil || !ok || ev.TID != c.tid || ev.TGID != c.tgid {
			t.Errorf("%q: tid %d tgid %d ok %v err %v; want %d %d", c.line, ev.TID, ev.TGID, ok, err, c.tid, c.tgid)
		}
	}
	for _, l := range []string{"", "# tracer: nop", "          <idle>-0 [000] d..2. 1.0: sched_switch: x", "CPU:1 something"} {
		if _, ok, err := ParseTraceLine(l); ok || err != nil {
			t.Errorf("%q: ok %v err %v, want neither", l, ok, err)
		}
	}
}

func TestParseTraceLineSad(t *testing.T) {
	for _, tc := range []struct{ line, want string }{
		{"a-1 [000] ..... 1.0: sys_enter: NR x (0, 0, 0, 0, 0, 0)", `syscall number "x"`},
		{"a-1 [000] ..... 1.0: sys_enter: NR 1 (0, 0, 0, 0, 0)", "5 arguments, want 6"},
		{"a-1 [000] ..... 1.0: sys_enter: NR 1 (0, 0, 0, 0, 0, zz)", `argument 5 "zz"`},
		{"a-1 [000] ..... 1.0: sys_enter: NR 1 0, 0", `want "NR <nr> (<six args>)"`},
		{"a1 [000] ..... 1.0: sys_enter: NR 1 (0, 0, 0, 0, 0, 0)", `task "a1": want comm-tid`},
		{"a-1 ..... 1.0: tracing_mark_write: x", `no " [cpu]" field`},
		{"a-1 (x) [000] ..... 1.0: tracing_mark_write: x", `tgid "x"`},
		{"a-1 (0) [000] ..... 1.0: tracing_mark_write: x", `tgid "0"`},
		{"CPU:0 [LOST many EVENTS]", `lost count "many"`},
	} {
		_, _, err := ParseTraceLine(tc.line)
		if !errors.Is(err, ErrTraceLine) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want ErrTraceLine with %q", tc.line, err, tc.want)
		}
	}
}

// The lines are real output of cmd/sysweight-probe run under runc.
func TestParseProbeLine(t *testing.T) {
	hello := `{"event":"hello","uname":{"Sysname":"Linux","Release":"6.18.44-fc-v782","Version":"#1 SMP PREEMPT_DYNAMIC @0","Machine":"x86_64"},"gvisor":false,"calls":385,"table_kernel":"v7.2"}`
	l, ok, err := ParseProbeLine([]byte(hello))
	if err != nil || !ok || l.Event != "hello" || l.Uname["Release"] != "6.18.44-fc-v782" || *l.Calls != 385 || *l.GVisor {
		t.Fatalf("hello: %+v %v %v", l, ok, err)
	}
	// a tty echo in front of the record, as on QEMU's serial console
	l, ok, err = ParseProbeLine([]byte("\r\x1b[0m" + `{"event":"begin","seq":355,"name":"uretprobe","nr":335,"args":[0,0,0,0,0,0]}` + "\r"))
	if err != nil || !ok || l.Seq != 355 || *l.Nr != 335 || len(l.Args) != 6 {
		t.Fatalf("begin: %+v %v %v", l, ok, err)
	}
	l, ok, err = ParseProbeLine([]byte(`{"event":"result","seq":355,"name":"uretprobe","outcome":"exit","exit":2}`))
	if err != nil || !ok || l.Outcome != "exit" || *l.Exit != 2 {
		t.Fatalf("result: %+v %v %v", l, ok, err)
	}
	l, ok, err = ParseProbeLine([]byte(`{"event":"end","seq":6,"name":"read","nr":0,"errno":"EBADF"}`))
	if err != nil || !ok || l.Errno != "EBADF" || l.Ret != nil {
		t.Fatalf("end: %+v %v %v", l, ok, err)
	}
	for _, s := range []string{"", "[    0.000000] Linux version 6.1.0", "{not ours}"} {
		if _, ok, err := ParseProbeLine([]byte(s)); ok || err != nil {
			t.Errorf("%q: ok %v err %v, want neither", s, ok, err)
		}
	}
	for _, tc := range []struct{ line, want string }{
		{`{"event":"begin","seq":1,"name":"read","nr":0,"args":[1,2]}`, "six args"},
		{`{"event":"begin","seq":0,"name":"read"}`, "without seq or name"},
		{`{"event":"skip"}`, "skip line without name"},
		{`{"event":"reboot"}`, `event "reboot"`},
		{`{"event":"end","seq":"x"}`, "cannot unmarshal"},
	} {
		_, _, err := ParseProbeLine([]byte(tc.line))
		if !errors.Is(err, ErrProbe) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want ErrProbe with %q", tc.line, err, tc.want)
		}
	}
}

func begin(seq int, name string, nr int, args ...uint64) ProbeLine {
	a := make([]uint64, 6)
	copy(a, args)
	return ProbeLine{Event: "begin", Seq: seq, Name: name, Nr: &nr, Args: a}
}

// The sample's window 7 holds, among others, write(2, 0x7ffc0bdc1b08,
// 0x3a, 0xffffffff, 0, 0): the error message of busybox cat.
func TestCollectorSample(t *testing.T) {
	c, err := NewCollector(syscalls.X86_64)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Declare(begin(7, "write", 1, 2, 0x7ffc0bdc1b08, 0x3a, 0xffffffff, 0, 0)); err != nil {
		t.Fatal(err)
	}
	ret := int64(58)
	c.Answer(ProbeLine{Event: "end", Seq: 7, Name: "write", Ret: &ret}, false)
	b, err := os.ReadFile("testdata/trace_pipe.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if ev, ok, err := ParseTraceLine(l); err == nil && ok {
			c.Event(ev)
		}
	}
	m := c.Matrix()
	if len(m.Calls) != 1 {
		t.Fatalf("%d calls", len(m.Calls))
	}
	call := m.Calls[0]
	if call.Reached != Yes || call.AsItself != 1 || call.SameNr != 0 {
		t.Errorf("write: reached %s as itself %d same nr %d, want yes 1 0", call.Reached, call.AsItself, call.SameNr)
	}
	if call.Window["newfstatat"] != 15 || call.Window["rt_sigaction"] != 5 || call.Window["exit_group"] != 1 {
		t.Errorf("window counts %v", call.Window)
	}
	if m.Lost != 42 || m.RunHost["newfstatat"] != 15 {
		t.Errorf("lost %d run %v", m.Lost, m.RunHost)
	}
	if *call.Inside.Ret != 58 || call.Inside.Outcome != "returned" {
		t.Errorf("inside %+v", call.Inside)
	}
}

func ev(nr int, args ...uint64) TraceEvent {
	e := TraceEvent{Kind: SysEnter, TID: 1, Nr: nr}
	copy(e.Args[:], args)
	return e
}

func mark(s string) TraceEvent { return TraceEvent{Kind: Marker, Text: s} }

func TestCollectorWindows(t *testing.T) {
	c, _ := NewCollector(syscalls.X86_64)
	const fd = 0x7ffffff0
	for _, b := range []ProbeLine{begin(1, Nop, -1), begin(2, Nop, -1), begin(3, "close", 3, fd), begin(4, "keyctl", 250, 0x7fff),
		begin(5, "read", 0, fd, 0x10, 1), begin(6, "getpid", 39), begin(7, "pause", 34)} {
		if _, err := c.Declare(b); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Declare(begin(3, "close", 3)); !errors.Is(err, ErrProbe) {
		t.Errorf("second begin of seq 3: %v, want ErrProbe", err)
	}
	seq := []TraceEvent{
		ev(0), // outside every window: counted in the run only
		mark(beginMarker(1)), ev(0), ev(1), ev(202), ev(202), mark(endMarker(1)),
		mark(beginMarker(2)), ev(0), ev(1), ev(202), mark(endMarker(2)),
		// close(fd) as itself, plus close(3) from elsewhere
		mark(beginMarker(3)), ev(0), ev(1), ev(3, fd), ev(3, 3), ev(202), ev(202), ev(202), mark(endMarker(3)),
		// keyctl filtered: only the handshake
		mark(beginMarker(4)), ev(0), ev(1), mark(endMarker(4)),
		// read: lost events inside the window
		mark(beginMarker(5)), ev(0), {Kind: Lost, N: 3}, mark(endMarker(5)),
		// getpid: cut short by the next begin
		mark(beginMarker(6)), ev(0),
		mark(beginMarker(7)), ev(34), mark(endMarker(7)),
		mark("someone else's marker"),
		mark(endMarker(99)),
	}
	for _, e := range seq {
		c.Event(e)
	}
	c.Answer(ProbeLine{Event: "result", Seq: 7, Name: "pause", Outcome: "timeout"}, false)
	m := c.Matrix()
	if m.BaselineWindows != 2 || m.Baseline["read"] != 1 || m.Baseline["write"] != 1 || m.Baseline["futex"] != 2 {
		t.Errorf("baseline %v over %d windows", m.Baseline, m.BaselineWindows)
	}
	got := map[string]Call{}
	for _, call := range m.Calls {
		got[call.Syscall] = call
	}
	if cl := got["close"]; cl.Reached != Yes || cl.AsItself != 1 || cl.SameNr != 1 || cl.Induced["close"] != 2 || cl.Induced["futex"] != 1 || len(cl.Induced) != 2 {
		t.Errorf("close: %+v", cl)
	}
	if k := got["keyctl"]; k.Reached != No || len(k.Induced) != 0 {
		t.Errorf("keyctl: %+v", k)
	}
	if r := got["read"]; r.Reached != Unknown || !strings.Contains(r.Why, "lost") {
		t.Errorf("read: %+v", r)
	}
	if g := got["getpid"]; g.Reached != Unknown || !strings.Contains(g.Why, "not closed") || g.Inside.Outcome != "unknown" {
		t.Errorf("getpid: %+v", g)
	}
	if p := got["pause"]; p.Reached != Yes || p.Inside.Outcome != "timeout" {
		t.Errorf("pause: %+v", p)
	}
	if m.RunHost["read"] != 7 || m.Lost != 3 || m.WindowHost["read"] != 6 {
		t.Errorf("run %v window %v lost %d", m.RunHost, m.WindowHost, m.Lost)
	}
	if m.ProbeRun != nil {
		t.Errorf("probe-run counts %v without its markers", m.ProbeRun)
	}
	if len(m.Notes) != 1 || !strings.Contains(m.Notes[0], "1 trace markers") {
		t.Errorf("notes %q", m.Notes)
	}
	// the second of end and result does not close the window again
	if s := c.Answer(ProbeLine{Event: "result", Seq: 7, Name: "pause", Outcome: "timeout"}, false); s != "" {
		t.Errorf("second answer returned marker %q", s)
	}
}

func TestMatrixExposure(t *testing.T) {
	m := &Matrix{Runtime: "runc-docker", Arch: syscalls.X86_64, Date: "2026-11-27T08:00:00Z", HostKernel: "6.18.44",
		Versions:   map[string]string{"runc": "1.1.5"},
		Calls:      []Call{{Syscall: "getpid", Nr: 39, Reached: Yes}, {Syscall: "keyctl", Nr: 250, Reached: No}},
		WindowHost: map[string]uint64{"read": 3, "write": 3, "nr_999": 1}}
	e, err := m.Exposure()
	if err != nil {
		t.Fatal(err)
	}
	if e.Name != "runc-docker@measured" || e.Count() != 3 || e.Degree("getpid") != 1 || e.Degree("keyctl") != 0 || e.Degree("read") != 1 {
		t.Errorf("exposure %+v", e)
	}
	if e.Provenance.Source != "passthrough" || e.Provenance.Date != "2026-11-27" || e.Provenance.Version != "runc 1.1.5" {
		t.Errorf("provenance %+v", e.Provenance)
	}
	if !strings.Contains(strings.Join(e.Provenance.Notes, "\n"), "nr_999 is not in the x86_64 table") {
		t.Errorf("notes %q", e.Provenance.Notes)
	}
	dir := t.TempDir()
	mp, ep, err := WriteFiles(dir, m)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(mp) != "runc-docker.json" || filepath.Base(ep) != "runc-docker.exposure.json" {
		t.Errorf("paths %s %s", mp, ep)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 2 {
		t.Errorf("%d files in the output directory, want 2 (no temporary files left)", len(ents))
	}
}

// The archive is listed and unpacked by GNU cpio, a second reader of the
// format.
func TestWriteCpio(t *testing.T) {
	cpio, err := exec.LookPath("cpio")
	if err != nil {
		t.Skip("cpio not installed (apt-get install cpio)")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "a.cpio")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	err = WriteCpio(f, []CpioEntry{
		{Name: "bin", Mode: 0o040755},
		{Name: "bin/odd", Mode: 0o100755, Data: []byte("12345")}, // a length that needs padding
		{Name: "bin/sh", Mode: 0o120777, Data: []byte("busybox")},
		{Name: "init", Mode: 0o100755, Data: []byte(GuestInit([]string{"-syscalls", "read,it's"}))},
	})
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(cpio, "-itv", "-F", path).CombinedOutput()
	if err != nil {
		t.Fatalf("cpio -t: %v: %s", err, out)
	}
	for _, want := range []string{"bin/odd", "bin/sh -> busybox", "init"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("cpio listing lacks %q:\n%s", want, out)
		}
	}
	x := filepath.Join(dir, "x")
	os.Mkdir(x, 0o755)
	cmd := exec.Command(cpio, "-id", "-F", path)
	cmd.Dir = x
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cpio -i: %v: %s", err, out)
	}
	if b, _ := os.ReadFile(filepath.Join(x, "bin/odd")); string(b) != "12345" {
		t.Errorf("bin/odd = %q", b)
	}
	b, _ := os.ReadFile(filepath.Join(x, "init"))
	if !strings.Contains(string(b), `/sysweight-probe '-syscalls' 'read,it'\''s'`) {
		t.Errorf("init script:\n%s", b)
	}
	if err := WriteCpio(f, []CpioEntry{{Name: "/abs"}}); err == nil {
		t.Error("absolute name accepted")
	}
}

func TestOptionsCheck(t *testing.T) {
	for _, tc := range []struct {
		o    Options
		want error
	}{
		{Options{Runtime: "docker"}, ErrUnknownRuntime},
		{Options{Runtime: RuncDocker, Syscalls: []string{"read", "sys_read"}, Probe: "p"}, ErrOptions},
		{Options{Runtime: RuncDocker}, ErrMissing},
	} {
		if err := tc.o.check(); !errors.Is(err, tc.want) {
			t.Errorf("%+v: %v, want %v", tc.o, err, tc.want)
		}
	}
	if err := (&Options{Runtime: QemuTCG, Probe: "p", Syscalls: []string{"read"}}).check(); err != nil {
		t.Error(err)
	}
}

// The --version outputs of QEMU 7.2.22 and runc 1.1.5 on this host
// (Debian 12), as the tools print them.
func TestVersionText(t *testing.T) {
	for out, want := range map[string]string{
		"QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\nCopyright (c) 2003-2022 Fabrice Bellard and the QEMU Project developers\n": "QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)",
		"runc version 1.1.5+ds1\ncommit: 1.1.5+ds1-1+deb12u1\nspec: 1.0.2-dev\ngo: go1.19.8\nlibseccomp: 2.5.4\n":                                   "runc version 1.1.5+ds1; commit: 1.1.5+ds1-1+deb12u1; spec: 1.0.2-dev; go: go1.19.8",
	} {
		if got := versionText(out); got != want {
			t.Errorf("versionText(%q) = %q, want %q", out, got, want)
		}
	}
}

// The committed runc-docker matrix decodes, and its Exposure holds the
// committed exposure file's syscalls: 300 (README: runc-docker@measured
// "reached the host with 300 syscalls").
func TestDecodeMatrix(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "runtimes", "data", "measured", "runc-docker.json"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := DecodeMatrix(b, "runc-docker.json")
	if err != nil {
		t.Fatal(err)
	}
	e, err := m.Exposure()
	if err != nil {
		t.Fatal(err)
	}
	if m.Runtime != RuncDocker || e.Count() != 300 {
		t.Errorf("runtime %s, %d syscalls; want runc-docker, 300", m.Runtime, e.Count())
	}
	eb, err := os.ReadFile(filepath.Join("..", "runtimes", "data", "measured", "runc-docker.exposure.json"))
	if err != nil {
		t.Fatal(err)
	}
	var committed exposure.Exposure
	if err := json.Unmarshal(eb, &committed); err != nil {
		t.Fatal(err)
	}
	if len(committed.Entries) != e.Count() {
		t.Fatalf("%d syscalls in the exposure file, %d from the matrix", len(committed.Entries), e.Count())
	}
	for i, en := range committed.Entries {
		if en.Syscall != e.Entries[i].Syscall {
			t.Fatalf("entry %d: %s in the file, %s from the matrix", i, en.Syscall, e.Entries[i].Syscall)
		}
	}
	for _, c := range []struct{ in, want string }{
		{`{"schema":2,"runtime":"x","arch":"x86_64"}`, "m.json: bad pass-through matrix: schema 2, want 1"},
		{`{"schema":1,"runtime":"x","arch":"vax"}`, "m.json: bad pass-through matrix: arch: unknown architecture"},
		{`{"schema":1,"arch":"x86_64"}`, "m.json: bad pass-through matrix: no runtime"},
		{"{\"schema\":1,\n\"frobs\":1}", `m.json: line 2, column 1: unknown field "frobs"`},
		{`{"schema":1,"runtime":"x","arch":"x86_64"} {}`, "m.json: bad pass-through matrix: more than one JSON value"},
	} {
		if _, err := DecodeMatrix([]byte(c.in), "m.json"); err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: %v, want %s", c.in, err, c.want)
		}
	}
}
