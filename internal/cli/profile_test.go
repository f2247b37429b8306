package cli

import (
	"encoding/json"
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
		"sysweight: warning: " + p + ": no Linux architecture has a syscall named raed; the rules naming it are left out\n"
	if errs != want {
		t.Errorf("stderr %q, want %q", errs, want)
	}
	// The built-ins' own rule sets draw no warning (gVisor's KVM rules
	// name a pseudo-syscall on purpose).
	if code, _, errs := run(t, "compare", "-o", "csv"); code != 0 || errs != "" {
		t.Errorf("compare: exit %d, stderr %q, want 0 and nothing", code, errs)
	}
}
