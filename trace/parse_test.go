package trace

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"sysweight/internal/tracefs"
)

func readTestdata(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Offsets below are read by eye from the committed format files.
func TestLayoutLinux618(t *testing.T) {
	l, err := newLayout(readTestdata(t, "format/linux-6.18/sys_enter.format"),
		readTestdata(t, "format/linux-6.18/sched_process_fork.format"),
		readTestdata(t, "format/linux-6.18/sched_process_exec.format"))
	if err != nil {
		t.Fatal(err)
	}
	want := layout{enterID: 443, idOff: 8, argOff: 16, pidOff: 4, recLen: 64,
		parentOff: 12, childOff: 20, execPidOff: 12, execOldOff: 16}
	if l != want {
		t.Errorf("layout = %+v, want %+v", l, want)
	}
}

// Before 6.x the comms were inline char[16] arrays, moving the pids.
func TestLayoutLinux515Fork(t *testing.T) {
	l, err := newLayout(readTestdata(t, "format/linux-6.18/sys_enter.format"),
		readTestdata(t, "format/linux-5.15/sched_process_fork.format"),
		readTestdata(t, "format/linux-6.18/sched_process_exec.format"))
	if err != nil {
		t.Fatal(err)
	}
	if l.parentOff != 24 || l.childOff != 44 {
		t.Errorf("parent_pid at %d, child_pid at %d; want 24 and 44", l.parentOff, l.childOff)
	}
}

// A sys_enter format without args is refused (the parser's own sad cases
// are internal/tracefs's).
func TestLayoutSad(t *testing.T) {
	_, err := newLayout(readTestdata(t, "format/sad/no-args.format"),
		readTestdata(t, "format/linux-6.18/sched_process_fork.format"),
		readTestdata(t, "format/linux-6.18/sched_process_exec.format"))
	if !errors.Is(err, tracefs.ErrFormat) || !strings.Contains(err.Error(), "no field args") {
		t.Errorf("no args: err = %v", err)
	}
}

func TestStatPPID(t *testing.T) {
	for stat, want := range map[string]int{
		"1234 (sh) S 1 1234 1234 0 -1":            1,
		"77 (a) b (c) R 42 77 77 0 -1 4194560 91": 42, // comm "a) b (c"
	} {
		if got, err := statPPID([]byte(stat)); err != nil || got != want {
			t.Errorf("%q: %d, %v; want %d", stat, got, err, want)
		}
	}
	for _, bad := range []string{"1234 sh S 1", "1 (x) S", "1 (x) S y"} {
		if _, err := statPPID([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestTreeTids(t *testing.T) {
	proc := fstest.MapFS{
		"10/stat":     {Data: []byte("10 (init) S 1 0")},
		"10/task/10":  {},
		"10/task/11":  {},
		"20/stat":     {Data: []byte("20 (child) S 10 0")},
		"20/task/20":  {},
		"30/stat":     {Data: []byte("30 (grand) S 20 0")},
		"30/task/30":  {},
		"40/stat":     {Data: []byte("40 (other) S 1 0")},
		"40/task/40":  {},
		"self/stat":   {Data: []byte("x")},
		"cpuinfo":     {Data: []byte("x")},
		"99/task/99":  {}, // vanished: no stat
		"20/task/21":  {},
		"30/task/xyz": {},
	}
	got, err := treeTids(proc, 10)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[10 11 20 21 30]" {
		t.Errorf("tids %v, want [10 11 20 21 30]", got)
	}
	if _, err := treeTids(proc, 55); !errors.Is(err, ErrNoProcess) {
		t.Errorf("absent pid: err = %v", err)
	}
}
