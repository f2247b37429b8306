package trace

import (
	"strings"
	"testing"

	"sysweight/exposure"
	"sysweight/syscalls"
)

// Numbers from arch/x86/entry/syscalls/syscall_64.tbl: 0 read, 1 write,
// 59 execve; 600 is unassigned.
func TestResultExposure(t *testing.T) {
	r := &Result{Backend: BackendEBPF, Arch: syscalls.X86_64, Root: 42,
		Counts: map[int]uint64{0: 5, 1: 3, 59: 1, 600: 2, 2: 0}, Other: 4}
	e, err := r.Exposure("dd")
	if err != nil {
		t.Fatal(err)
	}
	if e.Provenance.Source != exposure.Observed || e.Count() != 3 {
		t.Fatalf("source %s, %d entries; want observed with 3", e.Provenance.Source, e.Count())
	}
	for _, s := range []string{"read", "write", "execve"} {
		if e.Degree(s) != 1 {
			t.Errorf("%s has degree %v, want 1", s, e.Degree(s))
		}
	}
	if e.Degree("open") != 0 {
		t.Errorf("open (nr 2, zero calls) has degree %v", e.Degree("open"))
	}
	notes := strings.Join(e.Provenance.Notes, "\n")
	for _, want := range []string{"syscall number 600 (2 calls)", "4 calls with numbers outside", "15 syscalls"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes %q lack %q", notes, want)
		}
	}
	names, err := r.ByName()
	if err != nil || names["read"] != 5 || names["nr_600"] != 2 {
		t.Errorf("ByName = %v, %v", names, err)
	}
}

func TestOptionsCheck(t *testing.T) {
	for _, o := range []Options{{}, {PID: 1, Cmd: []string{"true"}}, {PID: -3}, {PID: 1, Backend: "dtrace"}} {
		if err := o.check(); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
	if err := (&Options{Cmd: []string{"true"}, Backend: BackendTracefs}).check(); err != nil {
		t.Error(err)
	}
}
