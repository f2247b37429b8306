package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// exposedNames runs exposure -o json and returns the syscalls above 0.
func exposedNames(t *testing.T, args ...string) ([]string, string) {
	t.Helper()
	code, out, errs := run(t, append([]string{"exposure", "-o", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, errs)
	}
	var e struct{ Entries []struct{ Syscall string } }
	if err := json.Unmarshal([]byte(out), &e); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, en := range e.Entries {
		names = append(names, en.Syscall)
	}
	return names, errs
}

// typo.json allows write, raed (a typo) and socketcall (an x86 32-bit
// syscall), and chown with CAP_CHOWN. raed gets one warning naming the
// file; socketcall is left out silently, as runc leaves it out on x86_64.
func TestProfileUnknownSyscall(t *testing.T) {
	p := filepath.Join("testdata", "happy", "typo.json")
	names, errs := exposedNames(t, p)
	if !slices.Equal(names, []string{"write", "chown"}) {
		t.Errorf("exposed %v, want [write chown]", names)
	}
	want := "sysweight: warning: " + p + ": no Linux architecture has a syscall named raed; the rules naming it are left out\n"
	if errs != want {
		t.Errorf("stderr %q, want %q", errs, want)
	}
}

// --caps is the whole set: CAP_SYS_ADMIN alone drops Docker's CAP_CHOWN,
// so typo.json's chown rule (includes caps CAP_CHOWN) no longer applies.
func TestCapsReplace(t *testing.T) {
	p := filepath.Join("testdata", "happy", "typo.json")
	for _, c := range []struct {
		caps []string
		want []string
	}{
		{nil, []string{"write", "chown"}}, // Docker's 14 hold CAP_CHOWN
		{[]string{"--caps", "CAP_SYS_ADMIN"}, []string{"write"}},
		{[]string{"--caps", "sys_admin,chown"}, []string{"write", "chown"}},
		{[]string{"--caps", ""}, []string{"write"}},
	} {
		names, _ := exposedNames(t, append([]string{p}, c.caps...)...)
		if !slices.Equal(names, c.want) {
			t.Errorf("%v: exposed %v, want %v", c.caps, names, c.want)
		}
	}
}

// --caps and --kernel beside a profile file and a built-in: a warning that
// names the built-in, and the scores.
func TestProfileFlagsWithBuiltins(t *testing.T) {
	p := filepath.Join("testdata", "happy", "typo.json")
	code, out, errs := run(t, "compare", "nabla", p, "--kernel", "5.10", "-o", "csv")
	if code != 0 || !strings.Contains(out, "nabla") {
		t.Fatalf("exit %d, out %q, stderr %q", code, out, errs)
	}
	want := "sysweight: warning: --kernel is for profile files only; the built-ins (nabla) keep their own capabilities and kernel\n" +
		"sysweight: warning: " + p + ": no Linux architecture has a syscall named raed; the rules naming it are left out\n" +
		"sysweight: warning: kernel 5.10: the weight DB knows the syscall table of 6.1 only; the 39 syscalls 6.1 lacks (_sysctl, afs_syscall, cachestat, …) count as present\n"
	if errs != want {
		t.Errorf("stderr %q, want %q", errs, want)
	}
	// The built-ins' own rule sets draw no warning (gVisor's KVM rules
	// name a pseudo-syscall on purpose).
	if code, _, errs := run(t, "compare", "-o", "csv"); code != 0 || errs != "" {
		t.Errorf("compare: exit %d, stderr %q, want 0 and nothing", code, errs)
	}
}

// A profile that allows a syscall the target kernel lacks: on 6.1, the
// DB's kernel, cachestat (Linux 6.5) exposes nothing and weighs 0, and
// score says how many were left out; on 6.8, whose table the DB does not
// know, it counts, with a warning. explain says so too.
func TestTargetKernelTable(t *testing.T) {
	p := filepath.Join(t.TempDir(), "p.json")
	if err := os.WriteFile(p, []byte(`{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read", "cachestat"], "action": "SCMP_ACT_ALLOW"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	var s struct {
		Exposed, Absent int
		Top             []struct{ Syscall string }
	}
	code, out, errs := run(t, "score", p, "-o", "json")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	if s.Exposed != 1 || s.Absent != 1 || len(s.Top) != 1 || s.Top[0].Syscall != "read" {
		t.Errorf("kernel 6.1: %+v, want read exposed and cachestat absent", s)
	}
	_, text, _ := run(t, "score", p)
	if !strings.Contains(text, "exposed 1 syscalls (0 argument-dependent)   1 more allowed that the target kernel lacks") {
		t.Errorf("score text lacks the absent count:\n%s", text)
	}
	code, out, errs = run(t, "score", p, "--kernel", "6.8", "-o", "json")
	if code != 0 || !strings.HasPrefix(errs, "sysweight: warning: kernel 6.8: the weight DB knows the syscall table of 6.1 only") || strings.Count(errs, "\n") != 1 {
		t.Fatalf("--kernel 6.8: exit %d, stderr %q", code, errs)
	}
	s.Exposed, s.Absent, s.Top = 0, 0, nil
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	if s.Exposed != 2 || s.Absent != 0 || len(s.Top) != 2 {
		t.Errorf("kernel 6.8: %+v, want both exposed", s)
	}
	_, text, _ = run(t, "explain", "cachestat")
	if !strings.Contains(text, "cachestat (nr 451): weight 0.000") || !strings.Contains(text, "kernel 6.1, the target, lacks cachestat") {
		t.Errorf("explain cachestat:\n%s", text)
	}
}

// exposure names what the profile lets through that kernel 6.1 lacks (the
// one the DB knows), and says nothing of it for another --kernel.
func TestExposureNamesAbsent(t *testing.T) {
	p := filepath.Join(t.TempDir(), "p.json")
	if err := os.WriteFile(p, []byte(`{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read", "cachestat", "mseal"], "action": "SCMP_ACT_ALLOW"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, text, _ := run(t, "exposure", p)
	if !strings.Contains(text, ": 3 syscalls pass to the host") || !strings.Contains(text, "\n2 of them kernel 6.1 lacks, so they reach no syscall code there and score 0: cachestat, mseal\n") {
		t.Errorf("exposure on 6.1:\n%s", text)
	}
	_, text, _ = run(t, "exposure", p, "--kernel", "6.12")
	if strings.Contains(text, "lacks") {
		t.Errorf("exposure on 6.12 names absent syscalls:\n%s", text)
	}
}

// An exposure file (what passthrough, trace --out and exposure -o json
// write) is an input like a profile: the committed measurement of runc
// with Docker's profile scores as the built-in runc-docker@measured made
// from the same file (288 exposed: its 300 entries, counted with Python,
// less the 12 that kernel 6.1 lacks), and nabla's exposure written by
// exposure -o json scores as nabla.
func TestExposureFileInput(t *testing.T) {
	type row struct {
		Runtime, Source   string
		Score, Normalized float64
		Exposed, Partial  int
	}
	compare := func(args ...string) []row {
		t.Helper()
		code, out, errs := run(t, append([]string{"compare", "-o", "json"}, args...)...)
		if code != 0 || errs != "" {
			t.Fatalf("compare %v: exit %d, stderr %q", args, code, errs)
		}
		var rows []row
		if err := json.Unmarshal([]byte(out), &rows); err != nil {
			t.Fatal(err)
		}
		return rows
	}
	file := filepath.Join("..", "..", "runtimes", "data", "measured", "runc-docker.exposure.json")
	rows := compare("runc-docker@measured", file) // equal scores: ordered by name
	if len(rows) != 2 || rows[0].Score != rows[1].Score || rows[0].Exposed != 288 || rows[1].Exposed != 288 || rows[0].Source != "passthrough" || rows[0].Runtime != file {
		t.Errorf("measured file vs built-in: %+v", rows)
	}
	code, out, _ := run(t, "exposure", "nabla", "-o", "json")
	if code != 0 {
		t.Fatalf("exposure nabla: exit %d", code)
	}
	p := filepath.Join(t.TempDir(), "nabla.json")
	if err := os.WriteFile(p, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	rows = compare("nabla", p)
	if len(rows) != 2 || rows[0].Score != rows[1].Score || rows[0].Exposed != 7 || rows[1].Exposed != 7 || rows[1].Partial != 6 {
		t.Errorf("nabla vs its exposure file: %+v", rows)
	}
}
