package runtimes

import (
	"errors"
	"os"
	"sort"
	"testing"

	"sysweight/exposure"
	"sysweight/internal/gomod"
	"sysweight/syscalls"
)

func exposures(t *testing.T) map[string]*exposure.Exposure {
	t.Helper()
	exps, err := Exposures(Builtins())
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]*exposure.Exposure{}
	for _, e := range exps {
		m[e.Name] = e
	}
	return m
}

// The exposed counts were checked with other tools:
//   - runc-docker: a Python reading of moby/profiles v0.3.0 default.json
//     (allow entries whose includes/excludes hold for x86_64, Docker's
//     default caps, kernel 6.1) gives 370 names, of which
//     scmp_sys_resolver -a x86_64 resolves 301; the other 8 our table has
//     are newer than libseccomp 2.5.4 (uretprobe, statmount, listmount,
//     mseal, setxattrat, getxattrat, listxattrat, removexattrat): 309.
//   - kata-firecracker / firecracker-v1.0.0:
//     jq '[.[].filter[].syscall] | unique | length' on the shared
//     v1.16.1 and v1.0.0 files: 50 and 37.
//   - gvisor-*: jq '[.filters[].rules[] | select(.nr >= 0) | .syscall] |
//     unique | length' on the generated files: 104, 102, 102, 113, 104.
//   - nabla: the seven syscalls of solo5's spt tender.
//   - runc-unconfined: every syscall of the table.
func TestExposedCounts(t *testing.T) {
	want := map[string]int{
		"runc-docker":               309,
		"runc-unconfined":           syscalls.MustForArch(syscalls.X86_64).Len(),
		"kata-firecracker":          50,
		"firecracker-v1.0.0":        37,
		"nabla":                     7,
		"gvisor-systrap":            104,
		"gvisor-kvm":                102,
		"gvisor-ptrace":             102,
		"gvisor-systrap-hostnet":    113,
		"gvisor-systrap-nodirectfs": 104,
	}
	exps := exposures(t)
	for name, n := range want {
		e, ok := exps[name]
		if !ok {
			t.Errorf("no built-in %s", name)
			continue
		}
		if e.Count() != n {
			t.Errorf("%s exposes %d syscalls, want %d", name, e.Count(), n)
		}
	}
}

func TestNablaSet(t *testing.T) {
	e := exposures(t)["nabla"]
	var got []string
	for _, en := range e.Entries {
		got = append(got, en.Syscall)
	}
	sort.Strings(got)
	want := []string{"clock_gettime", "exit_group", "ppoll", "pread64", "pwrite64", "read", "write"}
	if len(got) != len(want) {
		t.Fatalf("nabla exposes %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("nabla exposes %v, want %v", got, want)
		}
	}
	if d := e.Degree("exit_group"); d != 1 {
		t.Errorf("exit_group degree %v, want 1 (unconditional in spt_core.c)", d)
	}
}

// runc-docker's argument-conditioned syscalls (the Docker documentation's
// clone and personality, and socket by family) get fractional degrees with
// their conditions shown; what the documentation lists as blocked outright
// is at 0.
func TestDockerConditional(t *testing.T) {
	e := exposures(t)["runc-docker"]
	for _, s := range []string{"clone", "personality", "socket"} {
		en, ok := e.Entry(s)
		if !ok || en.Degree <= 0 || en.Degree >= 1 || len(en.Conditions) == 0 {
			t.Errorf("%s: %+v, want a fractional degree with conditions", s, en)
		}
	}
	for _, s := range []string{"keyctl", "add_key", "bpf", "mount", "unshare", "setns", "clone3", "reboot", "kexec_load", "userfaultfd"} {
		if d := e.Degree(s); d != 0 {
			t.Errorf("%s degree %v, want 0", s, d)
		}
	}
	for _, s := range []string{"read", "write", "openat", "ptrace"} {
		if d := e.Degree(s); d != 1 {
			t.Errorf("%s degree %v, want 1", s, d)
		}
	}
}

func TestPseudoVersionDate(t *testing.T) {
	for v, want := range map[string]string{
		"v0.0.0-20260905035102-160fafc42237":   "2026-09-05",
		"v1.2.4-0.20240301121107-c6c8733fa1e6": "2024-03-01",
		"v0.3.0":                               "",
		"v0.0.0-2026090503510-160fafc42237":    "",
	} {
		if got := pseudoVersionDate(v); got != want {
			t.Errorf("pseudoVersionDate(%s) = %q, want %q", v, got, want)
		}
	}
}

func TestLookup(t *testing.T) {
	if _, err := Lookup("runc-dockr"); !errors.Is(err, ErrUnknownRuntime) {
		t.Fatalf("err = %v", err)
	}
	r, err := Lookup("gvisor-systrap")
	if err != nil {
		t.Fatal(err)
	}
	// the rule sets come from the gVisor that tools/gvisor-rules pins
	b, err := os.ReadFile("../tools/gvisor-rules/go.mod")
	if err != nil {
		t.Fatal(err)
	}
	pin, err := gomod.Require(b, "gvisor.dev/gvisor")
	if err != nil {
		t.Fatal(err)
	}
	if r.Provenance.Version != pin || r.Provenance.Date != pseudoVersionDate(pin) || r.Provenance.Date == "" {
		t.Errorf("provenance %+v", r.Provenance)
	}
}

// The derived rule sets under data/ are what genrules writes from the
// shared profiles today.
func TestDerivedRuleSetsUpToDate(t *testing.T) {
	// Regeneration needs ../shared/data; see runtimes/internal/genrules.
	checkGenerated(t)
}

// The gVisor built-ins say which stub filters they leave out and what
// those would add; the syscalls the systrap note names as added are indeed
// outside gvisor-systrap's exposure (jq over the generated rule set agrees:
// none of getppid, arch_prctl, tkill is in .filters[].rules[].syscall), and
// mmap is there only for some arguments, as the note says.
func TestGVisorStubNotes(t *testing.T) {
	for _, r := range Builtins() {
		if len(r.Name) < 6 || r.Name[:6] != "gvisor" || r.Provenance.Source == exposure.PassThrough {
			continue
		}
		n := ""
		for _, s := range r.Provenance.Notes {
			if len(s) > 13 && s[:13] == "not modelled:" {
				n = s
			}
		}
		if want := r.Name != "gvisor-kvm"; (n != "") != want {
			t.Errorf("%s: stub note %q, want one: %v", r.Name, n, want)
		}
	}
	e := exposures(t)["gvisor-systrap"]
	for _, s := range []string{"getppid", "arch_prctl", "tkill"} {
		if d := e.Degree(s); d != 0 {
			t.Errorf("gvisor-systrap exposes %s at %v; the stub note says it is not in", s, d)
		}
	}
	if d := e.Degree("mmap"); d != 0.15 {
		t.Errorf("gvisor-systrap mmap at %v; the stub note says 0.15", d)
	}
}

// NamedFor: runc-docker is resolved again for aarch64 (Docker's profile
// has an SCMP_ARCH_AARCH64 archMap entry), runc-unconfined keeps no
// filter, and an x86_64-only built-in is ErrArchUnsupported; Evaluate
// refuses an item of another arch than its corpus.
func TestNamedForAArch64(t *testing.T) {
	get := func(name string) *Runtime {
		r, err := Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	d, err := get("runc-docker").NamedFor(syscalls.AArch64)
	if err != nil || d.Policy == nil || d.Policy.Arch != syscalls.AArch64 {
		t.Fatalf("runc-docker: %+v, %v", d, err)
	}
	u, err := get("runc-unconfined").NamedFor(syscalls.AArch64)
	if err != nil || u.Policy != nil || u.Arch != syscalls.AArch64 {
		t.Fatalf("runc-unconfined: %+v, %v", u, err)
	}
	for _, n := range []string{"gvisor-systrap", "kata-firecracker", "nabla", "crun-podman", "runc-docker@measured"} {
		if _, err := get(n).NamedFor(syscalls.AArch64); !errors.Is(err, ErrArchUnsupported) {
			t.Errorf("%s: %v, want ErrArchUnsupported", n, err)
		}
	}
	exps, err := Evaluate(syscalls.AArch64, []Named{d, u})
	if err != nil {
		t.Fatal(err)
	}
	if exps[0].Arch != syscalls.AArch64 || exps[1].Arch != syscalls.AArch64 || exps[0].Degree("open") != 0 || exps[1].Degree("openat") != 1 {
		t.Errorf("exposures %s %s, open %v, openat %v", exps[0].Arch, exps[1].Arch, exps[0].Degree("open"), exps[1].Degree("openat"))
	}
	x, err := get("runc-docker").Named()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Evaluate(syscalls.AArch64, []Named{x}); err == nil || err.Error() != "runc-docker: for x86_64; the target is aarch64" {
		t.Errorf("x86_64 item in an aarch64 evaluation: %v", err)
	}
}
