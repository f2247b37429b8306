package seccomp

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sysweight/syscalls"
)

// gvisorDataDir holds the generated rule files, relative to this package.
const gvisorDataDir = "../runtimes/data/gvisor"

func loadGVisor(t *testing.T, variant string) *GVisorRuleSet {
	t.Helper()
	rs, err := DecodeGVisorFile(filepath.Join(gvisorDataDir, variant+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func filterNamed(t *testing.T, p *Policy, name string) *Filter {
	t.Helper()
	for _, f := range p.Filters {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("policy %s has no filter %q", p.Name, name)
	return nil
}

// allowedNames lists the syscalls some rule of f allows, sorted.
func allowedNames(f *Filter) []string {
	var out []string
	for _, r := range f.Rules {
		if r.Verdict.Action == ActAllow && !slices.Contains(out, r.Syscall) {
			out = append(out, r.Syscall)
		}
	}
	slices.Sort(out)
	return out
}

// TestDecodeGVisorCommitted decodes every committed file and compares the
// result with the file read as plain JSON, rule by rule.
func TestDecodeGVisorCommitted(t *testing.T) {
	// Allowed-syscall counts per variant and filter. tools/gvisor-rules
	// TestSyscallSetsMatchGVisor checks these sets against the keys of
	// gVisor's own config.Rules at the pinned version.
	want := map[string][2]int{
		"gvisor-systrap":            {96, 54},
		"gvisor-kvm":                {95, 54}, // 94 kernel syscalls + nr -1
		"gvisor-ptrace":             {94, 54},
		"gvisor-systrap-hostnet":    {105, 54},
		"gvisor-systrap-nodirectfs": {80, 70},
	}
	files, err := filepath.Glob(filepath.Join(gvisorDataDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(want) {
		t.Fatalf("%d files in %s, want %d", len(files), gvisorDataDir, len(want))
	}
	for _, path := range files {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var plain struct {
			Variant string
			Filters []struct {
				Name        string
				NumAllow    int `json:"num_allowed_syscalls"`
				Deny, Rules []struct {
					Syscall      string
					Nr           int64
					Alternatives [][]json.RawMessage
				}
			}
		}
		if err := json.Unmarshal(raw, &plain); err != nil {
			t.Fatal(err)
		}
		p, err := DecodeGVisor(bytes.NewReader(raw), path)
		if err != nil {
			t.Fatal(err)
		}
		w, ok := want[plain.Variant]
		if !ok || p.Name != plain.Variant {
			t.Fatalf("%s: variant %q / policy %q unexpected", path, plain.Variant, p.Name)
		}
		if len(p.Filters) != 2 || p.Filters[0].Name != "sentry" || p.Filters[1].Name != "gofer" || p.Arch != "x86_64" {
			t.Fatalf("%s: filters %v arch %s", path, p.Filters, p.Arch)
		}
		for i, f := range p.Filters {
			pf := plain.Filters[i]
			if f.Default.Action != ActKillProcess {
				t.Errorf("%s %s: default %v", path, f.Name, f.Default)
			}
			// Allowed syscalls: decoded names plus unresolved ones (nr -1).
			got := len(allowedNames(f)) + len(f.Unresolved)
			if got != pf.NumAllow || got != len(pf.Rules) || got != w[i] {
				t.Errorf("%s %s: %d allowed syscalls decoded, file says %d (%d rules), want %d", path, f.Name, got, pf.NumAllow, len(pf.Rules), w[i])
			}
			alts := 0
			for _, r := range slices.Concat(pf.Deny, pf.Rules) {
				if r.Nr >= 0 {
					alts += len(r.Alternatives)
				}
			}
			if alts != len(f.Rules) {
				t.Errorf("%s %s: %d Rules, file has %d alternatives", path, f.Name, len(f.Rules), alts)
			}
			// Every gVisor filter denies new executable mappings
			// (pkg/seccomp DenyNewExecMappings: mmap, mprotect).
			var deny []string
			for _, r := range f.Rules {
				if r.Verdict.Action == ActKillProcess {
					deny = append(deny, r.Syscall)
				}
			}
			if !slices.Equal(deny, []string{"mmap", "mprotect"}) {
				t.Errorf("%s %s: deny rules for %v", path, f.Name, deny)
			}
		}
		t.Logf("%s: sentry %d, gofer %d allowed syscalls", plain.Variant, w[0], w[1])
	}
}

// Spot checks, each against the gVisor source at the pinned version
// (gvisor.dev/gvisor v0.0.0-20260905035102-160fafc42237).
func TestGVisorSpotChecks(t *testing.T) {
	const (
		kill  = ActKillProcess
		allow = ActAllow
	)
	type call struct {
		filter  string
		syscall string
		args    [6]uint64
		want    Action
	}
	atFDCWD := uint64(0xffffffffffffff9c) // AT_FDCWD = -100
	cases := map[string][]call{
		"gvisor-systrap": {
			// runsc/boot/filter/config/config_main.go SYS_FUTEX:
			// BitsAllowlist(FUTEX_WAIT|FUTEX_WAKE|FUTEX_PRIVATE_FLAG) on arg1,
			// i.e. op & ^0x81 == 0.
			{"sentry", "futex", [6]uint64{0, 128}, allow},    // FUTEX_WAIT_PRIVATE
			{"sentry", "futex", [6]uint64{0, 129}, allow},    // FUTEX_WAKE_PRIVATE
			{"sentry", "futex", [6]uint64{0, 1}, allow},      // FUTEX_WAKE
			{"sentry", "futex", [6]uint64{0, 3}, kill},       // FUTEX_REQUEUE
			{"sentry", "futex", [6]uint64{0, 6}, kill},       // FUTEX_LOCK_PI
			{"sentry", "futex", [6]uint64{0, 9 | 128}, kill}, // FUTEX_WAIT_BITSET_PRIVATE
			{"sentry", "futex", [6]uint64{0, 1 << 32}, kill}, // high bits set
			// hostFilesystemFilters (directfs) SYS_OPENAT: NonNegativeFD
			// dirfd and O_NOFOLLOW (0x20000) set in flags.
			{"sentry", "openat", [6]uint64{3, 0, 0x20000}, allow},
			{"sentry", "openat", [6]uint64{3, 0, 0x20000 | 0x80000 | 2}, allow}, // |O_CLOEXEC|O_RDWR
			{"sentry", "openat", [6]uint64{3, 0, 0}, kill},                      // may follow symlinks
			{"sentry", "openat", [6]uint64{atFDCWD, 0, 0x20000}, kill},          // relative to cwd
			{"sentry", "open", [6]uint64{}, kill},                               // in no rule set
			// pkg/seccomp DenyNewExecMappings before config_main.go SYS_MMAP.
			{"sentry", "mmap", [6]uint64{0, 4096, 3, 0x22}, allow}, // RW, MAP_PRIVATE|MAP_ANONYMOUS
			{"sentry", "mmap", [6]uint64{0, 4096, 5, 0x22}, kill},  // R|X
			{"sentry", "mmap", [6]uint64{0, 4096, 3, 0x02}, allow}, // MAP_PRIVATE
			{"sentry", "mmap", [6]uint64{0, 4096, 3, 0x10}, kill},  // MAP_FIXED alone
			{"sentry", "mprotect", [6]uint64{0, 4096, 1}, allow},
			{"sentry", "mprotect", [6]uint64{0, 4096, 7}, kill},
			// systrapSeccomp.SyscallFilters SYS_PTRACE: PTRACE_ATTACH (16)
			// yes, PTRACE_TRACEME (0) and PTRACE_POKEDATA (5) no.
			{"sentry", "ptrace", [6]uint64{16}, allow},
			{"sentry", "ptrace", [6]uint64{0}, kill},
			{"sentry", "ptrace", [6]uint64{5}, kill},
			// config_main.go SYS_IOCTL: TCGETS (0x5401) on fds >= 0.
			{"sentry", "ioctl", [6]uint64{0, 0x5401}, allow},
			{"sentry", "ioctl", [6]uint64{0x80000000, 0x5401}, kill},
			{"sentry", "ioctl", [6]uint64{0, 0xae80}, kill}, // KVM_RUN
			{"sentry", "connect", [6]uint64{}, kill},        // netstack: no host sockets
			{"sentry", "execve", [6]uint64{}, kill},
			{"sentry", "reboot", [6]uint64{}, kill},
			// fsgofer/filter/config: directfs leaves the gofer without
			// the LisaFS server's mkdirat; its openat allows any flags.
			{"gofer", "mkdirat", [6]uint64{3}, kill},
			{"gofer", "openat", [6]uint64{3, 0, 0}, allow},
		},
		"gvisor-systrap-nodirectfs": {
			// Without directfs no hostFilesystemFilters: the Sentry opens
			// nothing itself, the gofer does (lisafsFilters).
			{"sentry", "openat", [6]uint64{3, 0, 0x20000}, kill},
			{"sentry", "open", [6]uint64{}, kill},
			{"sentry", "mkdirat", [6]uint64{3}, kill},
			{"gofer", "mkdirat", [6]uint64{3}, allow},
		},
		"gvisor-kvm": {
			// kvm/filters.go: KVM_RUN = _IO(0xAE, 0x80) = 0xae80, and
			// mmap is MatchAll there, yet exec mappings stay denied.
			{"sentry", "ioctl", [6]uint64{5, 0xae80}, allow},
			{"sentry", "mmap", [6]uint64{0, 4096, 3, 0x4000}, allow},
			{"sentry", "mmap", [6]uint64{0, 4096, 4, 0x22}, kill},
			{"sentry", "ptrace", [6]uint64{16}, kill},
		},
		"gvisor-ptrace": {
			// ptrace/filters.go: SYS_PTRACE MatchAll.
			{"sentry", "ptrace", [6]uint64{0}, allow},
			{"sentry", "ptrace", [6]uint64{5}, allow},
		},
		"gvisor-systrap-hostnet": {
			// extra_filters_hostinet.go: SYS_CONNECT MatchAll.
			{"sentry", "connect", [6]uint64{}, allow},
			{"sentry", "bind", [6]uint64{}, allow},
		},
	}
	for variant, calls := range cases {
		rs := loadGVisor(t, variant)
		for _, c := range calls {
			f := filterNamed(t, rs.Policy, c.filter)
			args := c.args
			if got := f.Evaluate(c.syscall, &args); got.Action != c.want {
				t.Errorf("%s %s: %s(%#x) = %v, want %v", variant, c.filter, c.syscall, c.args, got, c.want)
			}
		}
	}
	// The KVM platform's return-to-host call is nr -1, no kernel syscall.
	kvm := filterNamed(t, loadGVisor(t, "gvisor-kvm").Policy, "sentry")
	if !slices.Equal(kvm.Unresolved, []string{"_SYS_KVM_RETURN_TO_HOST"}) {
		t.Errorf("kvm sentry unresolved %v", kvm.Unresolved)
	}
	// futex is conditional, read unconditional.
	sys := filterNamed(t, loadGVisor(t, "gvisor-systrap").Policy, "sentry")
	if !sys.Conditional("futex") || sys.Conditional("read") {
		t.Error("futex should be conditional and read not")
	}
}

func TestGVisorApproximations(t *testing.T) {
	rs := loadGVisor(t, "gvisor-systrap")
	// Comparisons with the Sentry's PID (tgkill, rt_tgsigqueueinfo), the
	// controller socket fd (accept4, listen), systrap's sysmsg thread
	// priority (setpriority arg2) and the gofer's PID (tgkill).
	var got []string
	for _, a := range rs.Approximations {
		got = append(got, a.Filter+":"+a.Syscall+":"+a.Operand)
	}
	want := []string{"sentry:listen:arg0", "sentry:setpriority:arg2", "sentry:tgkill:arg0", "sentry:accept4:arg0", "sentry:rt_tgsigqueueinfo:arg0", "gofer:tgkill:arg0"}
	if !slices.Equal(got, want) {
		t.Errorf("approximations %v, want %v", got, want)
	}
	f := filterNamed(t, rs.Policy, "sentry")
	for _, r := range f.RulesFor("tgkill") {
		if !strings.Contains(r.Comment, "widened: arg0 == self_pid") {
			t.Errorf("tgkill comment %q", r.Comment)
		}
	}
	// setpriority keeps its exact part: which == PRIO_PROCESS (0).
	args := [6]uint64{1, 0, 0}
	if v := f.Evaluate("setpriority", &args); v.Action != ActKillProcess {
		t.Errorf("setpriority(PRIO_PGRP) = %v", v)
	}
	if v := gomodPin(t, "../tools/gvisor-rules/go.mod", "gvisor.dev/gvisor"); rs.Version != v || rs.Module != "gvisor.dev/gvisor" {
		t.Errorf("source %s %s", rs.Module, rs.Version)
	}
}

func TestDecodeGVisorSmall(t *testing.T) {
	rs, err := DecodeGVisorFile("testdata/gvisor/small.json")
	if err != nil {
		t.Fatal(err)
	}
	s := filterNamed(t, rs.Policy, "sentry")
	// deny mmap (1) + read, mmap ×2, futex, tgkill = 6 rules; nr -1 unresolved.
	if len(s.Rules) != 6 || !slices.Equal(s.Unresolved, []string{"_SYS_KVM_RETURN_TO_HOST"}) {
		t.Fatalf("sentry rules %d unresolved %v", len(s.Rules), s.Unresolved)
	}
	want := Cond{Arg: 1, Op: OpMaskedEQ, Value: 0xffffffffffffff7e, ValueTwo: 0}
	if r := s.RulesFor("futex"); len(r) != 1 || !slices.Equal(r[0].Conds, []Cond{want}) {
		t.Errorf("futex rules %+v", r)
	}
	g := filterNamed(t, rs.Policy, "gofer")
	wantG := []Cond{{Arg: 0, Op: OpLE, Value: 0x7fffffff}, {Arg: 2, Op: OpMaskedEQ, Value: 0x20000, ValueTwo: 0x20000}}
	if r := g.RulesFor("openat"); len(r) != 1 || !slices.Equal(r[0].Conds, wantG) {
		t.Errorf("gofer openat rules %+v", r)
	}
}

func TestDecodeGVisorErrors(t *testing.T) {
	base, err := os.ReadFile("testdata/gvisor/small.json")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, old, new string
		is             error
		want           string // substring of the message
	}{
		{"schema", `"schema": 1`, `"schema": 2`, ErrInvalidProfile, "small.json:2:13: schema: invalid seccomp profile: schema 2 (want 1"},
		{"no schema", `"schema": 1,`, ``, ErrInvalidProfile, "schema missing"},
		{"module", `"gvisor.dev/gvisor"`, `"example.com/x"`, ErrInvalidProfile, "gvisor: invalid"},
		{"arch", `"arch": "x86_64"`, `"arch": "mips"`, ErrUnknownArchName, ":9:11: arch:"},
		{"op", `"op": "eq", "value": "0x22"`, `"op": "EQ", "value": "0x22"`, ErrUnknownOp, "filters[0].rules[2].alternatives[0][0].op"},
		{"arg", `"arg": 3, "op": "eq", "value": "0x22"`, `"arg": 6, "op": "eq", "value": "0x22"`, ErrArgIndex, "filters[0].rules[2].alternatives[0][0].arg"},
		{"hex", `"value": "0x22"`, `"value": "34"`, ErrInvalidProfile, `rules[2].alternatives[0][0].value: invalid seccomp profile: "34"`},
		{"hex overflow", `"value": "0x22"`, `"value": "0x10000000000000000"`, ErrInvalidProfile, "want a hex string"},
		{"value_two", `"value": "0x4", "value_two": "0x4"`, `"value": "0x4"`, ErrInvalidProfile, "filters[0].deny[0].alternatives[0][0]: invalid seccomp profile: masked_eq without value_two"},
		{"nr name", `"syscall": "read", "nr": 0`, `"syscall": "read", "nr": 1`, ErrInvalidProfile, "read has nr 0 on x86_64, not 1"},
		{"unknown name", `"syscall": "read", "nr": 0`, `"syscall": "frobnicate", "nr": 0`, ErrInvalidProfile, `"frobnicate" not in the x86_64 table`},
		{"order", `"syscall": "futex", "nr": 202`, `"syscall": "mmap", "nr": 9`, ErrInvalidProfile, "9 after 9"},
		{"allow action", `"syscall": "read", "nr": 0, "action": "allow"`, `"syscall": "read", "nr": 0, "action": "kill_process"`, ErrInvalidProfile, "kill_process in rules"},
		{"deny action", `"nr": 9, "action": "kill_process"`, `"nr": 9, "action": "allow"`, ErrInvalidProfile, "allow in deny"},
		{"action", `"nr": 9, "action": "kill_process"`, `"nr": 9, "action": "errno"`, ErrUnknownAction, "deny[0].action"},
		{"default", `"default": "kill_process",
      "bad_arch": "kill_process",
      "deny": [
        {"syscall": "mmap"`, `"default": "allow",
      "bad_arch": "kill_process",
      "deny": [
        {"syscall": "mmap"`, ErrInvalidProfile, "filters[0].default"},
		{"count", `"num_allowed_syscalls": 5`, `"num_allowed_syscalls": 4`, ErrInvalidProfile, "num_allowed_syscalls does not equal the 5 rules"},
		{"empty alternatives", `"syscall": "read", "nr": 0, "action": "allow", "alternatives": [[]]`, `"syscall": "read", "nr": 0, "action": "allow", "alternatives": []`, ErrInvalidProfile, "rules[1].alternatives: invalid seccomp profile: empty"},
		{"approx", `"syscall": "tgkill", "nr": 234, "operand"`, `"syscall": "tgkill", "nr": 235, "operand"`, ErrInvalidProfile, "approximations[0]"},
		{"unknown field", `"notes": []`, `"notes": [], "extra": 1`, ErrInvalidProfile, "unknown field"},
		{"trailing", "\n}\n", "\n}\n{}", ErrInvalidProfile, "data after the JSON object"},
		{"type", `"nr": 257`, `"nr": "257"`, ErrInvalidProfile, "filters[1].rules[0].nr"},
		{"truncated", `"notes": []`, `"notes": [`, ErrInvalidProfile, "invalid JSON"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := strings.Replace(string(base), c.old, c.new, 1)
			if in == string(base) {
				t.Fatalf("mutation %q did not apply", c.old)
			}
			_, err := DecodeGVisor(strings.NewReader(in), "small.json")
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, c.is) {
				t.Errorf("error %q is not %v", err, c.is)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q lacks %q", err, c.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
}

func FuzzDecodeGVisor(f *testing.F) {
	small, err := os.ReadFile("testdata/gvisor/small.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(small)
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := DecodeGVisorRuleSet(bytes.NewReader(data), "fuzz")
		if err != nil {
			if errors.Is(err, ErrInvalidProfile) || errors.Is(err, ErrUnknownOp) || errors.Is(err, ErrUnknownAction) ||
				errors.Is(err, ErrArgIndex) || errors.Is(err, ErrUnknownArchName) {
				return
			}
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error without place: %v", err)
			}
			return
		}
		if len(rs.Policy.Filters) == 0 {
			t.Fatal("decoded policy without filters")
		}
		for _, flt := range rs.Policy.Filters {
			if flt.Default.Action.ReachesKernel() {
				t.Fatalf("filter %s default %v", flt.Name, flt.Default)
			}
			for _, r := range flt.Rules {
				for _, c := range r.Conds {
					if c.Arg > 5 {
						t.Fatalf("arg %d", c.Arg)
					}
				}
			}
		}
	})
}

// Decode recognises the gVisor rule set and gives the same policy as
// DecodeGVisor.
func TestDecodeSniffsGVisor(t *testing.T) {
	path := filepath.Join("..", "runtimes", "data", "gvisor", "gvisor-systrap.json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Decode(bytes.NewReader(b), path, Target{Arch: syscalls.X86_64})
	if err != nil {
		t.Fatal(err)
	}
	q, err := DecodeGVisor(bytes.NewReader(b), path)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Filters) != 2 || len(p.Filters[0].Rules) != len(q.Filters[0].Rules) || len(p.Filters[1].Rules) != len(q.Filters[1].Rules) {
		t.Fatalf("Decode gave %d filters", len(p.Filters))
	}
}
