package cli

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"sysweight/score"
	"sysweight/syscalls"
)

type archExposure struct {
	Name    string
	Arch    string
	Entries []struct {
		Syscall string
		Nr      int
		Degree  float64
	}
}

func exposureJSON(t *testing.T, args ...string) archExposure {
	t.Helper()
	code, out, errs := run(t, args...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, errs)
	}
	var e archExposure
	if err := json.Unmarshal([]byte(out), &e); err != nil {
		t.Fatal(err)
	}
	return e
}

// Docker's default profile (moby/profiles 2026-06-30) for aarch64, Docker's
// 14 capabilities and kernel 6.1 allows 267 aarch64 syscalls. Counted by a
// Python script over the JSON (the SCMP_ACT_ALLOW rules whose includes and
// excludes match arm64, the 14 capabilities and 6.1: 374 names) and
// scmp_sys_resolver -a aarch64 on each name (libseccomp 2.5.4): 260
// resolve, and 7 newer than that libseccomp are aarch64 syscalls by
// include/uapi/asm-generic/unistd.h (statmount 457, listmount 458, mseal
// 462, setxattrat 463, getxattrat 464, listxattrat 465, removexattrat 466).
// open, stat, fork and the other legacy names are not among them.
func TestExposureAArch64Docker(t *testing.T) {
	e := exposureJSON(t, "exposure", sharedProfile(t, "docker-default-moby-profiles-2026-06-30.json"), "--arch", "aarch64", "-o", "json")
	if e.Arch != "aarch64" || len(e.Entries) != 267 {
		t.Fatalf("arch %s, %d syscalls; want aarch64, 267", e.Arch, len(e.Entries))
	}
	// scmp_sys_resolver -a aarch64: read 63, write 64, openat 56; mseal
	// from asm-generic/unistd.h
	want := map[string]int{"read": 63, "write": 64, "openat": 56, "mseal": 462}
	for _, en := range e.Entries {
		if n, ok := want[en.Syscall]; ok {
			if en.Nr != n {
				t.Errorf("%s nr %d, want %d", en.Syscall, en.Nr, n)
			}
			delete(want, en.Syscall)
		}
		switch en.Syscall {
		case "open", "stat", "fork", "arch_prctl":
			t.Errorf("%s is not an aarch64 syscall", en.Syscall)
		}
	}
	if len(want) > 0 {
		t.Errorf("not exposed: %v", want)
	}
}

// aarch64 has no open: a profile allowing only open exposes nothing there,
// and on x86_64 exactly open (nr 2).
func TestArchOpenOnly(t *testing.T) {
	a := exposureJSON(t, "exposure", "testdata/happy/open-only.json", "--arch", "aarch64", "-o", "json")
	if len(a.Entries) != 0 {
		t.Errorf("aarch64: %d syscalls exposed, want 0", len(a.Entries))
	}
	x := exposureJSON(t, "exposure", "testdata/happy/open-only.json", "-o", "json")
	if len(x.Entries) != 1 || x.Entries[0].Syscall != "open" || x.Entries[0].Nr != 2 {
		t.Errorf("x86_64: %+v, want open nr 2 alone", x.Entries)
	}
}

func TestArchBad(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"exposure", "runc-docker", "--arch", "mips"}, "sysweight: --arch: unknown architecture \"mips\" (want x86_64 or aarch64)\n"},
		{[]string{"score", "gvisor-systrap", "--arch", "aarch64"}, "sysweight: runtime gvisor-systrap has x86_64 rules only; for aarch64, evaluate a profile file, runc-docker or runc-unconfined\n"},
	} {
		code, out, errs := run(t, c.args...)
		if code != 2 || out != "" || errs != c.want {
			t.Errorf("%v: exit %d, out %q, err %q; want 2 and %q", c.args, code, out, errs, c.want)
		}
	}
}

// runc-docker and runc-unconfined are resolved for aarch64; the unconfined
// one exposes the aarch64 table, in which keyctl is 219
// (scmp_sys_resolver -a aarch64 keyctl) and open is not.
func TestArchBuiltins(t *testing.T) {
	u := exposureJSON(t, "exposure", "runc-unconfined", "--arch", "aarch64", "-o", "json")
	keyctl, open := 0, false
	for _, en := range u.Entries {
		if en.Syscall == "keyctl" {
			keyctl = en.Nr
		}
		open = open || en.Syscall == "open"
	}
	if u.Arch != "aarch64" || keyctl != 219 || open {
		t.Errorf("runc-unconfined: arch %s, keyctl %d, open %v; want aarch64, 219, false", u.Arch, keyctl, open)
	}
	d := exposureJSON(t, "exposure", "runc-docker", "--arch", "aarch64", "-o", "json")
	if d.Arch != "aarch64" || len(d.Entries) < 250 {
		t.Errorf("runc-docker: arch %s, %d entries", d.Arch, len(d.Entries))
	}
	code, out, errs := run(t, "compare", "runc-docker", "runc-unconfined", "--arch", "aarch64")
	if code != 0 || !strings.Contains(out, "runc-unconfined") {
		t.Errorf("compare --arch aarch64: exit %d: %s%s", code, out, errs)
	}
}

// compare with no arguments under --arch aarch64 compares the built-ins it
// can resolve for aarch64 (runc-docker, runc-unconfined) and names the
// others on stderr; suggest writes x86_64 profiles only.
func TestArchDefaultsAndSuggest(t *testing.T) {
	code, out, errs := run(t, "compare", "--arch", "aarch64", "-o", "csv")
	if code != 0 || strings.Count(out, "\n") != 3 || !strings.Contains(out, "runc-docker,") || !strings.Contains(out, "runc-unconfined,") {
		t.Errorf("compare: exit %d, %q", code, out)
	}
	if !strings.Contains(errs, "skipped the built-ins with x86_64 rules only: crun-podman, kata-firecracker,") || !strings.Contains(errs, "gvisor-systrap,") {
		t.Errorf("compare: stderr %q", errs)
	}
	code, _, errs = run(t, "suggest", "--arch", "aarch64", "--syscalls", "read,write")
	if code != 2 || errs != "sysweight: --arch aarch64: suggest writes x86_64 profiles only\n" {
		t.Errorf("suggest: exit %d, %q", code, errs)
	}
}

// k8s --arch aarch64 scores RuntimeDefault as score runc-docker --arch
// aarch64 does, and a RuntimeClass naming an x86_64-only built-in is an
// error.
func TestK8sArch(t *testing.T) {
	rows, _ := runK8sJSON(t, "testdata/k8s/manifests/01-pod-runtimedefault.yaml", "--arch", "aarch64")
	code, out, errs := run(t, "score", "runc-docker", "--arch", "aarch64", "-o", "json")
	if code != 0 {
		t.Fatalf("score: exit %d: %s", code, errs)
	}
	var s struct {
		Score   float64
		Exposed int
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 || s.Exposed == 0 {
		t.Fatalf("%d rows, score %+v", len(rows), s)
	}
	for _, r := range rows {
		if r.Score != s.Score || r.Exposed != s.Exposed {
			t.Errorf("k8s row %+v; score runc-docker --arch aarch64 gives %v, %d", r, s.Score, s.Exposed)
		}
	}
	code, _, errs = run(t, "k8s", "testdata/k8s/manifests/16-runtimeclass-gvisor.yaml", "--arch", "aarch64", "--runtime-class", "gvisor=gvisor-systrap")
	if code != 2 || !strings.Contains(errs, "gvisor-systrap has x86_64 rules only") {
		t.Errorf("k8s gvisor: exit %d, %q", code, errs)
	}
}

// forArch's warning names the syscalls of the target the weights lack,
// on one line.
func TestForArchWarning(t *testing.T) {
	raw := score.Raw{Present: []score.Metric{score.CVEs}, Values: map[string]map[score.Metric]float64{"read": {score.CVEs: 3}}}
	w, err := score.NewWeights(syscalls.MustForArch(syscalls.AArch64), raw, score.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	_, warn := forArch(w, syscalls.X86_64)
	if !strings.HasPrefix(warn, "sysweight: warning: --arch x86_64: the weight DB (aarch64) has no entry for ") ||
		!strings.Contains(warn, " open,") || !strings.HasSuffix(warn, "; they weigh 0\n") || strings.Count(warn, "\n") != 1 {
		t.Errorf("warning %q", warn)
	}
	if _, warn := forArch(w, syscalls.AArch64); warn != "" {
		t.Errorf("same arch: %q", warn)
	}
}

// weights --arch aarch64: aarch64 numbers (ioctl 29, scmp_sys_resolver -a
// aarch64 ioctl) with the x86_64 weight of the same name, no open, and
// Σ w the score of runc-unconfined on aarch64.
func TestWeightsArch(t *testing.T) {
	type ws struct {
		Total   float64
		Weights []struct {
			Syscall string
			Nr      int
			Weight  float64
		}
	}
	get := func(args ...string) ws {
		code, out, errs := run(t, append([]string{"weights", "--top", "0", "-o", "json"}, args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		var w ws
		if err := json.Unmarshal([]byte(out), &w); err != nil {
			t.Fatal(err)
		}
		return w
	}
	a, x := get("--arch", "aarch64"), get()
	of := func(w ws, name string) (int, float64, bool) {
		for _, e := range w.Weights {
			if e.Syscall == name {
				return e.Nr, e.Weight, true
			}
		}
		return 0, 0, false
	}
	an, aw, _ := of(a, "ioctl")
	xn, xw, _ := of(x, "ioctl")
	if an != 29 || xn != 16 || aw != xw || aw == 0 {
		t.Errorf("ioctl: aarch64 %d %v, x86_64 %d %v; want 29 and 16, same weight", an, aw, xn, xw)
	}
	if _, _, ok := of(a, "open"); ok {
		t.Error("open in the aarch64 weights")
	}
	code, out, errs := run(t, "score", "runc-unconfined", "--arch", "aarch64", "-o", "json")
	var s struct{ Score float64 }
	if code != 0 || json.Unmarshal([]byte(out), &s) != nil || math.Abs(s.Score-a.Total) > 1e-9 {
		t.Errorf("score runc-unconfined --arch aarch64 %v (exit %d, %s), Σ w %v", s.Score, code, errs, a.Total)
	}
}
