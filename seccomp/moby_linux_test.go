//go:build linux

package seccomp

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"

	mobyseccomp "github.com/moby/profiles/seccomp"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"sysweight/syscalls"
)

// hostTarget is the Target moby's setupSeccomp sees on this machine: it
// reads runtime.GOARCH and uname, which is why only a test may.
func hostTarget(t *testing.T, caps map[string]bool) Target {
	t.Helper()
	var a syscalls.Arch
	switch runtime.GOARCH {
	case "amd64":
		a = syscalls.X86_64
	case "arm64":
		a = syscalls.AArch64
	default:
		t.Skipf("moby differential test needs amd64 or arm64, have %s", runtime.GOARCH)
	}
	var uts unix.Utsname
	if err := unix.Uname(&uts); err != nil {
		t.Skipf("uname: %v", err)
	}
	k, err := ParseKernelVersion(unix.ByteSliceToString(uts.Release[:]))
	if err != nil {
		t.Skip(err)
	}
	return Target{Arch: a, Caps: caps, Kernel: k}
}

func specWithCaps(caps map[string]bool) *specs.Spec {
	var b []string
	for c := range caps {
		b = append(b, c)
	}
	return &specs.Spec{Process: &specs.Process{Capabilities: &specs.LinuxCapabilities{Bounding: b}}}
}

// Differential test against moby itself: ResolveSpec for the host target
// must equal what moby's LoadProfile/setupSeccomp (v0.3.0) produces on this
// host, for every shared profile moby v0.3.0 can load, moby's own built-in
// DefaultProfile, and three capability sets.
func TestResolveSpecMatchesMoby(t *testing.T) {
	dir := sharedData(t, "seccomp-profiles")
	hist, _ := filepath.Glob(filepath.Join(dir, "docker-default-history", "*.json"))
	inputs := map[string][]byte{}
	for _, p := range append(hist, filepath.Join(dir, filepath.Base(dockerDefault)), filepath.Join(dir, "podman-containers-common-2025-08-25.json")) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		inputs[filepath.Base(p)] = b
	}
	builtin, err := json.Marshal(mobyseccomp.DefaultProfile())
	if err != nil {
		t.Fatal(err)
	}
	inputs["moby DefaultProfile()"] = builtin

	capSets := map[string]map[string]bool{
		"none":           {},
		"docker default": capSet(),
		"default+admin+ptrace+bpf+time": capSet("CAP_SYS_ADMIN", "CAP_SYS_PTRACE", "CAP_BPF", "CAP_SYS_TIME",
			"CAP_SYS_NICE", "CAP_SYS_BOOT", "CAP_DAC_READ_SEARCH", "CAP_PERFMON"),
	}
	compared, mobyRejects := 0, 0
	for name, b := range inputs {
		for capName, caps := range capSets {
			want, err := mobyseccomp.LoadProfile(string(b), specWithCaps(caps))
			if err != nil {
				// The 2016 libcontainer form and the "4.8.0" minKernel of
				// 2018–2019 are older than moby v0.3.0's decoder.
				mobyRejects++
				continue
			}
			p, err := DecodeMoby(bytes.NewReader(b), name)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got, err := p.ResolveSpec(hostTarget(t, caps))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			normalizeSpec(want)
			normalizeSpec(got)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s, caps %s: ResolveSpec differs from moby setupSeccomp\n got %d syscalls, arches %v\nwant %d syscalls, arches %v",
					name, capName, len(got.Syscalls), got.Architectures, len(want.Syscalls), want.Architectures)
			}
			compared++
		}
	}
	// 79 inputs × 3 cap sets; moby v0.3.0 rejects the 2016 libcontainer
	// file and the 2018-11-04 file with minKernel "4.8.0" (and the
	// podman file? no: it loads) — 2 files × 3 = 6.
	if mobyRejects != 6 || compared != 3*len(inputs)-6 {
		t.Errorf("compared %d, moby rejected %d; want %d and 6", compared, mobyRejects, 3*len(inputs)-6)
	}
}

// normalizeSpec makes nil and empty slices compare equal.
func normalizeSpec(s *specs.LinuxSeccomp) {
	if len(s.Architectures) == 0 {
		s.Architectures = nil
	}
	if len(s.Syscalls) == 0 {
		s.Syscalls = nil
	}
	for i := range s.Syscalls {
		if len(s.Syscalls[i].Args) == 0 {
			s.Syscalls[i].Args = nil
		}
	}
}

// An OCI config.json carrying what moby's own setupSeccomp produced on
// this host resolves to the same rules as the Moby profile resolved for
// the host target (comments aside: the OCI form has none).
func TestOCIFromMobyMatchesMoby(t *testing.T) {
	b, err := os.ReadFile(sharedData(t, dockerDefault))
	if err != nil {
		t.Fatal(err)
	}
	ls, err := mobyseccomp.LoadProfile(string(b), specWithCaps(capSet()))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := json.Marshal(&specs.Spec{Version: "1.2.1", Linux: &specs.Linux{Seccomp: ls}})
	if err != nil {
		t.Fatal(err)
	}
	target := hostTarget(t, capSet())
	po, err := DecodeOCI(bytes.NewReader(cfg), "config.json")
	if err != nil {
		t.Fatal(err)
	}
	fo, err := po.Resolve(Target{Arch: target.Arch})
	if err != nil {
		t.Fatal(err)
	}
	pm, err := DecodeMoby(bytes.NewReader(b), "default.json")
	if err != nil {
		t.Fatal(err)
	}
	fm, err := pm.Resolve(target)
	if err != nil {
		t.Fatal(err)
	}
	for i := range fm.Rules {
		fm.Rules[i].Comment = ""
		fm.Rules[i].Path = "" // the two documents differ; the rules must not
	}
	for i := range fo.Rules {
		fo.Rules[i].Path = ""
	}
	fo.UnresolvedPaths, fm.UnresolvedPaths = nil, nil
	if len(fo.Rules) < 300 || !reflect.DeepEqual(fo.Rules, fm.Rules) || fo.Default != fm.Default || !reflect.DeepEqual(fo.Unresolved, fm.Unresolved) {
		t.Fatalf("OCI path: %d rules, default %v; Moby path: %d rules, default %v", len(fo.Rules), fo.Default, len(fm.Rules), fm.Default)
	}
}
