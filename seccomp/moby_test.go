package seccomp

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"sysweight/syscalls"
)

const dockerDefault = "seccomp-profiles/docker-default-moby-profiles-2026-06-30.json"

// Every profile in the shared data decodes and resolves, in the format its
// README names.
func TestDecodeSharedProfiles(t *testing.T) {
	dir := sharedData(t, "seccomp-profiles")
	top, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	hist, _ := filepath.Glob(filepath.Join(dir, "docker-default-history", "*.json"))
	// README: "every one of the 77 versions of that profile".
	if len(hist) != 77 {
		t.Fatalf("history has %d profiles, README says 77", len(hist))
	}
	if len(top) != 4 {
		t.Fatalf("got %d top-level profiles, want 4 (docker, podman, 2 firecracker)", len(top))
	}
	for _, path := range append(top, hist...) {
		p, err := DecodeFile(path, runcDocker)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		base := filepath.Base(path)
		// Their other-arch names (socketcall, chown32, ARM's set_tls) are
		// known. Two commits of 2025-05-26 name lsm_set_self_attrs, a typo
		// for lsm_set_self_attr (Linux 6.8) that 5bb2d1a fixed two days
		// later: the one unknown name in the 81 profiles.
		var want []string
		if base == "2025-05-26-4d30d2d.json" || base == "2025-05-26-c75c367.json" {
			want = []string{"lsm_set_self_attrs"}
		}
		if u := p.UnknownNames(); !reflect.DeepEqual(u, want) {
			t.Errorf("%s: unknown syscall names %q, want %q", base, u, want)
		}
		wantFilters := 1
		if strings.HasPrefix(base, "firecracker") {
			wantFilters = 3
		}
		if len(p.Filters) != wantFilters {
			t.Errorf("%s: %d filters, want %d", base, len(p.Filters), wantFilters)
			continue
		}
		// Every Docker profile ever allowed read and left keyctl to the
		// default errno; both are facts of the profile text. (Podman's
		// allows keyctl.)
		if !strings.HasPrefix(base, "firecracker") && !strings.HasPrefix(base, "podman") {
			f := p.Filters[0]
			if v := f.Evaluate("read", args()); v.Action != ActAllow {
				t.Errorf("%s: read = %v, want allow", base, v)
			}
			if v := f.Evaluate("keyctl", args()); v.Action != ActErrno {
				t.Errorf("%s: keyctl = %v, want errno", base, v)
			}
		}
	}
}

// The first default.json (2016-02-08) is libcontainer's configs.Seccomp
// JSON: numeric actions (2 = errno, 4 = allow) and op 7 = masked-equal.
func TestDecodeLibcontainerForm(t *testing.T) {
	f := openShared(t, "seccomp-profiles/docker-default-history/2016-02-08-6f3206a.json")
	p, err := DecodeMoby(f, "6f3206a")
	if err != nil {
		t.Fatal(err)
	}
	if p.Format != FormatLibcontainer {
		t.Fatalf("format %s", p.Format)
	}
	if got := p.Architectures(syscalls.X86_64); !reflect.DeepEqual(got, []string{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}) {
		t.Errorf("architectures %v", got)
	}
	fl, err := p.Resolve(runcDocker)
	if err != nil {
		t.Fatal(err)
	}
	// The file's clone rule: {"index":0,"value":2080505856,"value_two":0,"op":7}.
	rs := fl.RulesFor("clone")
	want := []Cond{{Arg: 0, Op: OpMaskedEQ, Value: 2080505856, ValueTwo: 0}}
	if len(rs) != 1 || !reflect.DeepEqual(rs[0].Conds, want) {
		t.Fatalf("clone rules %+v", rs)
	}
	if fl.Default != (Verdict{Action: ActErrno, Errno: 1}) {
		t.Errorf("default %v", fl.Default)
	}
	// CLONE_NEWUSER 0x10000000 lies in the mask 0x7C020000.
	if v := fl.Evaluate("clone", args(0x10000000)); v.Action != ActErrno {
		t.Errorf("clone(CLONE_NEWUSER) = %v", v)
	}
}

// Verdicts of the current Docker default profile for runc under Docker
// (x86_64, default capabilities, kernel 6.1), each read off the profile
// text by hand.
func TestDockerDefaultVerdicts(t *testing.T) {
	p, err := DecodeMoby(openShared(t, dockerDefault), "default.json")
	if err != nil {
		t.Fatal(err)
	}
	withAdmin := runcDocker
	withAdmin.Caps = capSet("CAP_SYS_ADMIN")
	oldKernel := runcDocker
	oldKernel.Kernel = KernelVersion{4, 4}
	allow := Verdict{Action: ActAllow}
	eperm := Verdict{Action: ActErrno, Errno: 1}   // "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1
	enosys := Verdict{Action: ActErrno, Errno: 38} // clone3: "errnoRet": 38, excludes CAP_SYS_ADMIN
	const (
		cloneNewUser = 0x10000000
		cloneNewNS   = 0x00020000
		sigchld      = 17
		// glibc pthread_create: CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|PARENT_SETTID|CHILD_CLEARTID
		threadFlags = 0x3d0f00
	)
	cases := []struct {
		target  Target
		syscall string
		args    *[6]uint64
		want    Verdict
	}{
		{runcDocker, "keyctl", args(), eperm}, // in no rule
		{runcDocker, "read", args(), allow},   // first, unconditional allow list
		{runcDocker, "clone", args(cloneNewUser), eperm},
		{runcDocker, "clone", args(cloneNewNS), eperm},
		{runcDocker, "clone", args(sigchld), allow}, // (flags & 0x7E020000) == 0
		{runcDocker, "clone", args(threadFlags), allow},
		{withAdmin, "clone", args(cloneNewUser), allow}, // includes caps CAP_SYS_ADMIN, no args
		{runcDocker, "clone3", args(), enosys},
		{withAdmin, "clone3", args(), allow},
		{runcDocker, "personality", args(0x0), allow},
		{runcDocker, "personality", args(0x8), allow},
		{runcDocker, "personality", args(0x20000), allow},
		{runcDocker, "personality", args(0xffffffff), allow},
		{runcDocker, "personality", args(0x1234), eperm},
		{runcDocker, "socket", args(2), allow},  // AF_INET < 38
		{runcDocker, "socket", args(38), eperm}, // AF_ALG: not < 38, not 39, not > 40
		{runcDocker, "socket", args(39), allow}, // == 39
		{runcDocker, "socket", args(40), eperm}, // AF_VSOCK
		{runcDocker, "socket", args(41), allow}, // > 40
		{runcDocker, "ptrace", args(), allow},   // includes minKernel 4.8
		{oldKernel, "ptrace", args(), eperm},    // 4.4 < 4.8, no CAP_SYS_PTRACE
		{runcDocker, "chroot", args(), allow},   // CAP_SYS_CHROOT is a default capability
		{runcDocker, "mount", args(), eperm},    // needs CAP_SYS_ADMIN
		{withAdmin, "mount", args(), allow},
		{runcDocker, "bpf", args(), eperm},        // CAP_SYS_ADMIN or CAP_BPF
		{runcDocker, "arch_prctl", args(), allow}, // includes arches amd64
		{runcDocker, "clock_adjtime", args(), allow},
		{runcDocker, "open_by_handle_at", args(), eperm},
	}
	for _, c := range cases {
		f, err := p.Resolve(c.target)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Evaluate(c.syscall, c.args); got != c.want {
			t.Errorf("%s%v with %d caps, kernel %s: got %v, want %v", c.syscall, c.args[:1], len(c.target.Caps), c.target.Kernel, got, c.want)
		}
	}
}

// The profile's archMap expands to the target arch and its sub-arches.
func TestMobyArchitectures(t *testing.T) {
	p, err := DecodeMoby(openShared(t, dockerDefault), "default.json")
	if err != nil {
		t.Fatal(err)
	}
	for a, want := range map[syscalls.Arch][]string{
		syscalls.X86_64:  {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"},
		syscalls.AArch64: {"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"},
	} {
		if got := p.Architectures(a); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %v, want %v", a, got, want)
		}
	}
	// On aarch64 the amd64-only rules are gone and the arm ones apply.
	f, err := p.Resolve(Target{Arch: syscalls.AArch64, Caps: capSet(), Kernel: KernelVersion{6, 1}})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.RulesFor("arch_prctl")) != 0 {
		t.Error("arch_prctl resolved on aarch64")
	}
	if v := f.Evaluate("openat", args()); v.Action != ActAllow {
		t.Errorf("openat on aarch64: %v", v)
	}
}

// runc's matchCall: args of one entry that test the same index become
// separate rules (OR); otherwise they are ANDed.
func TestRuncSameArgSplit(t *testing.T) {
	const profile = `{
  "defaultAction": "SCMP_ACT_ERRNO",
  "syscalls": [
    {"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [
      {"index": 0, "value": 0, "op": "SCMP_CMP_EQ"},
      {"index": 0, "value": 8, "op": "SCMP_CMP_EQ"},
      {"index": 1, "value": 5, "op": "SCMP_CMP_EQ"}]},
    {"names": ["socket"], "action": "SCMP_ACT_ALLOW", "args": [
      {"index": 0, "value": 1, "op": "SCMP_CMP_EQ"},
      {"index": 1, "value": 4, "value": 5, "valueTwo": 4, "op": "SCMP_CMP_MASKED_EQ"}]},
    {"names": ["read"], "action": "SCMP_ACT_ERRNO"}
  ]}`
	p, err := DecodeMoby(strings.NewReader(profile), "split.json")
	if err != nil {
		t.Fatal(err)
	}
	f, err := p.Resolve(runcDocker)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.RulesFor("personality")); n != 3 {
		t.Fatalf("personality: %d rules, want 3 (one per arg)", n)
	}
	for _, c := range []struct {
		a    *[6]uint64
		want Action
	}{
		{args(0, 99), ActAllow}, // arg0 == 0 alone suffices (OR)
		{args(8), ActAllow},
		{args(7, 5), ActAllow}, // arg1 == 5 alone
		{args(7, 6), ActErrno},
	} {
		if got := f.Evaluate("personality", c.a).Action; got != c.want {
			t.Errorf("personality%v = %v, want %v", c.a[:2], got, c.want)
		}
	}
	if n := len(f.RulesFor("socket")); n != 1 {
		t.Fatalf("socket: %d rules, want 1 (distinct indexes are ANDed)", n)
	}
	// Duplicate key "value": encoding/json keeps the last, 5: (arg1 & 5) == 4.
	for _, c := range []struct {
		a    *[6]uint64
		want Action
	}{
		{args(1, 4), ActAllow},
		{args(1, 6), ActAllow},
		{args(1, 5), ActErrno},
		{args(2, 4), ActErrno},
	} {
		if got := f.Evaluate("socket", c.a).Action; got != c.want {
			t.Errorf("socket%v = %v, want %v", c.a[:2], got, c.want)
		}
	}
	// A rule equal to the default (ERRNO with runc's EPERM) is dropped.
	if n := len(f.RulesFor("read")); n != 0 {
		t.Errorf("read: %d rules, want 0 (same as default)", n)
	}
}

func TestResolveNeedsKernel(t *testing.T) {
	p, err := DecodeMoby(openShared(t, dockerDefault), "default.json")
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Resolve(Target{Arch: syscalls.X86_64, Caps: capSet()})
	if !errors.Is(err, ErrIncompleteTarget) || !strings.Contains(err.Error(), "syscalls[1].includes.minKernel") {
		t.Fatalf("got %v, want ErrIncompleteTarget at syscalls[1].includes.minKernel", err)
	}
}

// containers/common writes "errno": "EPERM" beside "errnoRet": 1 and a
// defaultErrno name; the podman profile's default is ENOSYS (38).
func TestPodmanProfile(t *testing.T) {
	p, err := DecodeMoby(openShared(t, "seccomp-profiles/podman-containers-common-2025-08-25.json"), "podman")
	if err != nil {
		t.Fatal(err)
	}
	f, err := p.Resolve(runcDocker)
	if err != nil {
		t.Fatal(err)
	}
	if f.Default != (Verdict{Action: ActErrno, Errno: 38}) {
		t.Errorf("default %v, want errno(38)", f.Default)
	}
	if v := f.Evaluate("read", args()); v.Action != ActAllow {
		t.Errorf("read %v", v)
	}
}

func TestDecodeMobyDisabled(t *testing.T) {
	_, err := DecodeMoby(strings.NewReader(`{"comment": "nothing"}`), "empty.json")
	if !errors.Is(err, ErrNoSeccomp) {
		t.Fatalf("got %v, want ErrNoSeccomp", err)
	}
}

func TestDecodeFileMissing(t *testing.T) {
	if _, err := DecodeFile(filepath.Join(t.TempDir(), "none.json"), runcDocker); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("got %v", err)
	}
}

// A name that no architecture has is reported once, in profile order; an
// x86 (32-bit) name in an x86_64 profile is not.
func TestUnknownNames(t *testing.T) {
	const profile = `{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
		{"names": ["read", "raed", "socketcall"], "action": "SCMP_ACT_ALLOW"},
		{"names": ["wirte", "raed"], "action": "SCMP_ACT_ALLOW"}]}`
	p, err := Decode(strings.NewReader(profile), "p.json", runcDocker)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.UnknownNames(), []string{"raed", "wirte"}; !reflect.DeepEqual(got, want) {
		t.Errorf("UnknownNames = %q, want %q", got, want)
	}
}
