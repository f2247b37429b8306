package main

import (
	"bytes"
	"encoding/json"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gvisor.dev/gvisor/pkg/abi/linux"
	"gvisor.dev/gvisor/pkg/bpf"
	"gvisor.dev/gvisor/pkg/seccomp"
)

func TestMain(m *testing.M) {
	// Generate re-executes this binary to find PID comparisons (pid.go).
	if probeMain() {
		return
	}
	os.Exit(m.Run())
}

// committedDir is where `go generate` writes; relative to this package.
const committedDir = "../../runtimes/data/gvisor"

// gvisorRules returns what gVisor itself computes for v, with the same
// options the generator passes.
func gvisorRules(t *testing.T, v Variant) (sentryAllow, sentryDeny, goferAllow, goferDeny seccomp.SyscallRules) {
	t.Helper()
	ins, err := v.inputs()
	if err != nil {
		t.Fatal(err)
	}
	return ins[0].allow, ins[0].deny, ins[1].allow, ins[1].deny
}

// keysByHas lists sr's syscall numbers through the exported API only:
// Has over every number an x86-64 seccomp_data.nr check can name in
// practice (0..4095) and KVM's -1, checked complete against Size.
func keysByHas(t *testing.T, sr seccomp.SyscallRules) []int64 {
	t.Helper()
	var out []int64
	if sr.Has(^uintptr(0)) {
		out = append(out, -1)
	}
	for nr := uintptr(0); nr < 4096; nr++ {
		if sr.Has(nr) {
			out = append(out, int64(nr))
		}
	}
	if len(out) != sr.Size() {
		t.Fatalf("Has found %d syscalls, Size says %d: a key lies outside the probed range", len(out), sr.Size())
	}
	return out
}

func nrs(rules []Rule) []int64 {
	out := make([]int64, len(rules))
	for i, r := range rules {
		out[i] = r.Nr
	}
	return out
}

func TestSyscallSetsMatchGVisor(t *testing.T) {
	for _, v := range Variants {
		f, err := Generate(v)
		if err != nil {
			t.Fatal(err)
		}
		sa, sd, ga, gd := gvisorRules(t, v)
		for _, c := range []struct {
			name     string
			got      []Rule
			gvisor   seccomp.SyscallRules
			filterIx int
		}{
			{"sentry allow", f.Filters[0].Rules, sa, 0},
			{"sentry deny", f.Filters[0].Deny, sd, 0},
			{"gofer allow", f.Filters[1].Rules, ga, 1},
			{"gofer deny", f.Filters[1].Deny, gd, 1},
		} {
			want := keysByHas(t, c.gvisor)
			if got := nrs(c.got); !slices.Equal(got, want) {
				t.Errorf("%s %s: syscalls %v, gVisor has %v", v.Name, c.name, got, want)
			}
			if !slices.IsSorted(nrs(c.got)) {
				t.Errorf("%s %s: not sorted by number", v.Name, c.name)
			}
		}
		t.Logf("%s: sentry %d allowed (+%d deny), gofer %d allowed (+%d deny), %d approximations",
			v.Name, sa.Size(), sd.Size(), ga.Size(), gd.Size(), len(f.Approx))
	}
}

// TestDirectFSChangesRules checks that the variants differ the way the
// gVisor source says they should (runsc/boot/filter/config
// hostFilesystemFilters, runsc/fsgofer/filter/config lisafsFilters).
func TestDirectFSChangesRules(t *testing.T) {
	has := func(rules []Rule, name string) bool {
		return slices.ContainsFunc(rules, func(r Rule) bool { return r.Syscall == name })
	}
	on, err := Generate(Variants[0])
	if err != nil {
		t.Fatal(err)
	}
	off, err := Generate(Variants[4])
	if err != nil {
		t.Fatal(err)
	}
	if on.Variant != "gvisor-systrap" || off.Variant != "gvisor-systrap-nodirectfs" {
		t.Fatalf("variant order changed: %s, %s", on.Variant, off.Variant)
	}
	if !has(on.Filters[0].Rules, "openat") || has(off.Filters[0].Rules, "openat") {
		t.Error("sentry openat should be allowed with directfs only")
	}
	if has(on.Filters[0].Rules, "open") || has(off.Filters[0].Rules, "open") {
		t.Error("sentry open(2) is in no gVisor rule set")
	}
	// The gofer serves LisaFS only without directfs; mkdirat is among
	// lisafsFilters and not in its allowedSyscalls.
	if has(on.Filters[1].Rules, "mkdirat") || !has(off.Filters[1].Rules, "mkdirat") {
		t.Error("gofer mkdirat should be allowed without directfs only")
	}
}

func TestCommittedFilesUpToDate(t *testing.T) {
	// This runs in a process other than the one that wrote the committed
	// files, so a host value (e.g. the PID) leaking into the output fails
	// here as well as a stale file.
	dir := t.TempDir()
	if err := run(dir, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, v := range Variants {
		name := v.Name + ".json"
		want, err := os.ReadFile(filepath.Join(committedDir, name))
		if err != nil {
			t.Fatalf("%v (run `go generate` in tools/gvisor-rules)", err)
		}
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run `go generate` in tools/gvisor-rules", filepath.Join(committedDir, name))
		}
	}
	entries, err := os.ReadDir(committedDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		n := e.Name()
		if strings.HasSuffix(n, ".json") && !slices.ContainsFunc(Variants, func(v Variant) bool { return v.Name+".json" == n }) {
			t.Errorf("%s in %s is no variant's output", n, committedDir)
		}
	}
}

// evalFilter gives the action the emitted filter takes, by gVisor's
// order: deny first, then rules, else the default.
func evalFilter(t *testing.T, f Filter, nr int64, args [6]uint64) string {
	t.Helper()
	for _, list := range [][]Rule{f.Deny, f.Rules} {
		for _, r := range list {
			if r.Nr != nr {
				continue
			}
			for _, alt := range r.Alternatives {
				if allHold(t, alt, args) {
					return r.Action
				}
			}
		}
	}
	return f.Default
}

func allHold(t *testing.T, alt []Cond, args [6]uint64) bool {
	for _, c := range alt {
		x, v := args[c.Arg], mustHex(c.Value)
		var ok bool
		switch c.Op {
		case "eq":
			ok = x == v
		case "ne":
			ok = x != v
		case "lt":
			ok = x < v
		case "le":
			ok = x <= v
		case "gt":
			ok = x > v
		case "ge":
			ok = x >= v
		case "masked_eq":
			ok = x&v == mustHex(c.ValueTwo)
		default:
			t.Fatalf("op %q", c.Op)
		}
		if !ok {
			return false
		}
	}
	return true
}

// TestMatchesGVisorBPF compiles gVisor's own rules with gVisor's own
// compiler and runs the program in gVisor's BPF interpreter; the emitted
// rules must give the same action on gVisor's UsefulTestCases (boundary
// values of every matcher), on boundaries of every emitted comparison and
// on random arguments. The only allowed difference is "allow" where gVisor
// kills for a syscall whose JSON lists an approximation.
func TestMatchesGVisorBPF(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, v := range Variants {
		f, err := Generate(v)
		if err != nil {
			t.Fatal(err)
		}
		sa, sd, ga, gd := gvisorRules(t, v)
		for i, pair := range [][2]seccomp.SyscallRules{{sa, sd}, {ga, gd}} {
			filter := f.Filters[i]
			prog := &seccomp.Program{
				RuleSets: []seccomp.RuleSet{
					{Rules: pair[1].Copy(), Action: seccomp.KillProcess},
					{Rules: pair[0].Copy(), Action: seccomp.Allow},
				},
				Options: seccomp.ProgramOptions{DefaultAction: seccomp.KillProcess, BadArchAction: seccomp.KillProcess},
			}
			insns, _, err := prog.Build()
			if err != nil {
				t.Fatal(err)
			}
			compiled, err := bpf.Compile(insns, false)
			if err != nil {
				t.Fatal(err)
			}
			approx := map[int64]bool{}
			for _, a := range f.Approx {
				if a.Filter == filter.Name {
					approx[a.Nr] = true
				}
			}
			cases := append(pair[0].UsefulTestCases(), pair[1].UsefulTestCases()...)
			for _, r := range slices.Concat(filter.Deny, filter.Rules) {
				for _, alt := range r.Alternatives {
					var base [6]uint64
					for _, c := range alt {
						base[c.Arg] = mustHex(c.Value)
						if c.Op == "masked_eq" {
							base[c.Arg] = mustHex(c.ValueTwo)
						}
					}
					for _, c := range alt {
						for _, d := range []uint64{0, 1, ^uint64(0), 1 << 32, 1 << 31} {
							a := base
							a[c.Arg] = mustHex(c.Value) + d
							cases = append(cases, linux.SeccompData{Nr: int32(r.Nr), Args: a})
						}
					}
					cases = append(cases, linux.SeccompData{Nr: int32(r.Nr), Args: base})
				}
				for range 20 {
					var a [6]uint64
					for j := range a {
						a[j] = rng.Uint64() >> (rng.IntN(4) * 16)
					}
					cases = append(cases, linux.SeccompData{Nr: int32(r.Nr), Args: a})
				}
			}
			for nr := int32(-2); nr < 480; nr++ {
				cases = append(cases, linux.SeccompData{Nr: nr})
			}
			buf := make([]byte, (&linux.SeccompData{}).SizeBytes())
			mismatches := 0
			for _, c := range cases {
				c.Arch = linux.AUDIT_ARCH_X86_64
				c.InstructionPointer = 0
				ret, err := bpf.Exec[bpf.NativeEndian](compiled, seccomp.DataAsBPFInput(&c, buf))
				if err != nil {
					t.Fatal(err)
				}
				var want string
				switch linux.BPFAction(ret) {
				case linux.SECCOMP_RET_ALLOW:
					want = "allow"
				case linux.SECCOMP_RET_KILL_PROCESS:
					want = "kill_process"
				default:
					t.Fatalf("gVisor program returned %#x", ret)
				}
				got := evalFilter(t, filter, int64(c.Nr), c.Args)
				if got == want {
					continue
				}
				if got == "allow" && want == "kill_process" && approx[int64(c.Nr)] {
					continue
				}
				mismatches++
				if mismatches < 10 {
					t.Errorf("%s %s: nr %d args %#x: emitted rules say %s, gVisor's BPF says %s",
						v.Name, filter.Name, c.Nr, c.Args, got, want)
				}
			}
			t.Logf("%s %s: %d cases compared with gVisor's BPF", v.Name, filter.Name, len(cases))
		}
	}
}

func TestDeterministic(t *testing.T) {
	for _, v := range Variants {
		a, err := Generate(v)
		if err != nil {
			t.Fatal(err)
		}
		b, err := Generate(v)
		if err != nil {
			t.Fatal(err)
		}
		ba, _ := Marshal(a)
		bb, _ := Marshal(b)
		if !bytes.Equal(ba, bb) {
			t.Errorf("%s: two runs differ", v.Name)
		}
		var back File
		if err := json.Unmarshal(ba, &back); err != nil {
			t.Fatalf("%s: output does not read back: %v", v.Name, err)
		}
	}
}

// TestRuntimeValuesWidened checks where runtime values were found against
// the gVisor source: tgkill(self_pid) in both processes (selfPIDFilters),
// accept4/listen on the controller fd (controlServerFilters),
// rt_tgsigqueueinfo(os.Getpid()) in the systrap and ptrace platforms and
// setpriority(..., sysmsg priority) in systrap.
func TestRuntimeValuesWidened(t *testing.T) {
	common := []string{"sentry listen arg0 == controller_fd", "sentry tgkill arg0 == self_pid", "sentry accept4 arg0 == controller_fd"}
	want := map[string][]string{
		"gvisor-systrap":            append(slices.Clone(common), "sentry setpriority arg2 == systrap_sysmsg_thread_priority", "sentry rt_tgsigqueueinfo arg0 == self_pid"),
		"gvisor-kvm":                slices.Clone(common),
		"gvisor-ptrace":             append(slices.Clone(common), "sentry rt_tgsigqueueinfo arg0 == self_pid"),
		"gvisor-systrap-hostnet":    append(slices.Clone(common), "sentry setpriority arg2 == systrap_sysmsg_thread_priority", "sentry rt_tgsigqueueinfo arg0 == self_pid"),
		"gvisor-systrap-nodirectfs": append(slices.Clone(common), "sentry setpriority arg2 == systrap_sysmsg_thread_priority", "sentry rt_tgsigqueueinfo arg0 == self_pid"),
	}
	for _, v := range Variants {
		f, err := Generate(v)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range f.Approx {
			got = append(got, strings.Join([]string{a.Filter, a.Syscall, a.Operand, a.Matcher}, " "))
		}
		w := append(want[v.Name], "gofer tgkill arg0 == self_pid")
		slices.Sort(got)
		slices.Sort(w)
		if !slices.Equal(got, w) {
			t.Errorf("%s: approximations\n%q\nwant\n%q", v.Name, got, w)
		}
	}
}
