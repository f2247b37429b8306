package exposure

import (
	"math"
	"slices"
	"testing"

	"sysweight/seccomp"
	"sysweight/syscalls"
)

func allow() seccomp.Verdict { return seccomp.Verdict{Action: seccomp.ActAllow} }

// Docker's default profile allows personality only for 0x0, 0x8, 0x20000,
// 0x20008 and 0xffffffff (moby/profiles seccomp/default.json).
func dockerPersonality(t *testing.T) *seccomp.Filter {
	t.Helper()
	var rules []seccomp.Rule
	for _, v := range []uint64{0, 8, 0x20000, 0x20008, 0xffffffff} {
		rules = append(rules, seccomp.Rule{Syscall: "personality", Verdict: allow(),
			Conds: []seccomp.Cond{{Arg: 0, Op: seccomp.OpEQ, Value: v}}})
	}
	rules = append(rules, seccomp.Rule{Syscall: "read", Verdict: allow()})
	f, err := seccomp.NewFilter("default", syscalls.X86_64, seccomp.Verdict{Action: seccomp.ActErrno, Errno: 1}, rules)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestPersonalityDegree(t *testing.T) {
	f := dockerPersonality(t)
	c := NewCorpus(syscalls.X86_64, f)
	// By hand: UAPI personalities {0, 8, 0x20000, 0x20008, 0x40000,
	// 0x400000, 0x04100001, 0xffffffff} ∪ rule constants (all already
	// there) ∪ boundaries {0, 1, 0x7fffffff, 0x80000000, 0xffffffff,
	// 2^64-1} = 12 distinct values, of which the rules allow 5.
	if got := len(c.Values("personality", 0)); got != 12 {
		t.Fatalf("corpus personality arg0 has %d values, want 12: %#x", got, c.Values("personality", 0))
	}
	e, err := FromPolicy("t", &seccomp.Policy{Arch: syscalls.X86_64, Filters: []*seccomp.Filter{f}}, c, Provenance{})
	if err != nil {
		t.Fatal(err)
	}
	if d := e.Degree("personality"); math.Abs(d-5.0/12) > 1e-12 {
		t.Errorf("degree(personality) = %v, want 5/12", d)
	}
	if d := e.Degree("read"); d != 1 {
		t.Errorf("degree(read) = %v, want 1", d)
	}
	if d := e.Degree("write"); d != 0 {
		t.Errorf("degree(write) = %v, want 0", d)
	}
	if e.Count() != 2 {
		t.Errorf("count = %d, want 2", e.Count())
	}
	en, _ := e.Entry("personality")
	if len(en.Conditions) != 5 {
		t.Errorf("conditions = %q, want the 5 allowing rules", en.Conditions)
	}
}

// Two processes (as gVisor's Sentry and Gofer): the host sees a syscall when
// either lets it through.
func TestUnionAcrossFilters(t *testing.T) {
	a, _ := seccomp.NewFilter("sentry", syscalls.X86_64, seccomp.Verdict{Action: seccomp.ActKillProcess},
		[]seccomp.Rule{{Syscall: "read", Verdict: allow()}})
	b, _ := seccomp.NewFilter("gofer", syscalls.X86_64, seccomp.Verdict{Action: seccomp.ActKillProcess},
		[]seccomp.Rule{{Syscall: "openat", Verdict: allow()}, {Syscall: "read", Verdict: allow()}})
	p := &seccomp.Policy{Arch: syscalls.X86_64, Filters: []*seccomp.Filter{a, b}}
	e, err := FromPolicy("g", p, NewCorpus(syscalls.X86_64, a, b), Provenance{})
	if err != nil {
		t.Fatal(err)
	}
	if e.Count() != 2 || e.Degree("openat") != 1 || e.Degree("read") != 1 {
		t.Fatalf("entries = %+v", e.Entries)
	}
	en, _ := e.Entry("read")
	if len(en.Via) != 2 {
		t.Errorf("read via %v, want both filters", en.Via)
	}
}

// A masked rule: clone allowed unless any namespace flag is set, as Docker
// writes it (value = CLONE_NEW* mask 0x7e020000, valueTwo = 0).
func TestMaskedDegree(t *testing.T) {
	f, _ := seccomp.NewFilter("d", syscalls.X86_64, seccomp.Verdict{Action: seccomp.ActErrno, Errno: 1},
		[]seccomp.Rule{{Syscall: "clone", Verdict: allow(),
			Conds: []seccomp.Cond{{Arg: 0, Op: seccomp.OpMaskedEQ, Value: 0x7e020000, ValueTwo: 0}}}})
	c := NewCorpus(syscalls.X86_64, f)
	// By hand: 29 UAPI clone values (26 single flags, fork, vfork,
	// pthread_create) ∪ datum 0 ∪ mask 0x7e020000 ∪ datum^each mask bit
	// (the 7 CLONE_NEW* flags, already present) ∪ boundaries {0, 1,
	// 0x7fffffff, 0x80000000 (= CLONE_IO), 0xffffffff, 2^64-1}
	// = 29 + 6 = 35 values. Refused (some mask bit set): the 7 namespace
	// flags, the mask, 0x7fffffff, 0xffffffff, 2^64-1 = 11. Allowed 24.
	if n := len(c.Values("clone", 0)); n != 35 {
		t.Fatalf("corpus has %d clone values, want 35: %#x", n, c.Values("clone", 0))
	}
	e, err := FromPolicy("d", &seccomp.Policy{Arch: syscalls.X86_64, Filters: []*seccomp.Filter{f}}, c, Provenance{})
	if err != nil {
		t.Fatal(err)
	}
	if d := e.Degree("clone"); math.Abs(d-24.0/35) > 1e-12 {
		t.Errorf("degree = %v, want 24/35", d)
	}
}

// gVisor's Sentry allows mprotect always and kills it with PROT_EXEC (its
// deny list, runsc/boot/filter/config): the conditions must show the kill,
// or "always → allow" contradicts a degree below 1.
func TestConditionsShowBlockingRules(t *testing.T) {
	f, err := seccomp.NewFilter("sentry", syscalls.X86_64, seccomp.Verdict{Action: seccomp.ActKillProcess}, []seccomp.Rule{
		{Syscall: "mprotect", Verdict: seccomp.Verdict{Action: seccomp.ActKillProcess},
			Conds: []seccomp.Cond{{Arg: 2, Op: seccomp.OpMaskedEQ, Value: 4, ValueTwo: 4}}},
		{Syscall: "mprotect", Verdict: allow()},
	})
	if err != nil {
		t.Fatal(err)
	}
	e, err := FromPolicy("g", &seccomp.Policy{Arch: syscalls.X86_64, Filters: []*seccomp.Filter{f}}, NewCorpus(syscalls.X86_64, f), Provenance{})
	if err != nil {
		t.Fatal(err)
	}
	// By hand: PROT_* values 0..7 ∪ mask constants {4, 4^4=0} ∪ boundaries
	// {0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 2^64-1} = 12 values; those
	// without bit 2 (PROT_EXEC): 0, 1, 2, 3, 0x80000000 = 5 of 12 = 0.417,
	// the degree `exposure gvisor-systrap` prints.
	en, _ := e.Entry("mprotect")
	if math.Abs(en.Degree-5.0/12) > 1e-12 {
		t.Errorf("degree %v, want 5/12", en.Degree)
	}
	want := []string{"sentry: arg2 & 0x4 == 0x4 (PROT_EXEC) → kill_process", "sentry: always → allow"}
	if !slices.Equal(en.Conditions, want) {
		t.Errorf("conditions %q, want %q", en.Conditions, want)
	}
}

// Reads never write: an Exposure made without New (a literal, a bare
// json.Unmarshal) is read from several goroutines at once without a race
// (go test -race), and gives the same answers as one made by New.
func TestConcurrentReads(t *testing.T) {
	lit := &Exposure{Name: "lit", Arch: syscalls.X86_64, Entries: []Entry{{Syscall: "read", Degree: 1}, {Syscall: "ioctl", Nr: 16, Degree: 0.5}}}
	done := make(chan bool)
	for range 4 {
		go func() {
			ok := lit.Degree("ioctl") == 0.5 && lit.Degree("write") == 0
			_, found := lit.Entry("read")
			done <- ok && found
		}()
	}
	for range 4 {
		if !<-done {
			t.Error("wrong answer from a literal Exposure")
		}
	}
}

// personalityOnly is a filter allowing personality for the given arg0
// values (and write always, when withWrite).
func personalityOnly(t *testing.T, withWrite bool, values ...uint64) *seccomp.Policy {
	t.Helper()
	var rules []seccomp.Rule
	for _, v := range values {
		rules = append(rules, seccomp.Rule{Syscall: "personality", Verdict: allow(),
			Conds: []seccomp.Cond{{Arg: 0, Op: seccomp.OpEQ, Value: v}}})
	}
	if withWrite {
		rules = append(rules, seccomp.Rule{Syscall: "write", Verdict: allow()})
	}
	f, err := seccomp.NewFilter("default", syscalls.X86_64, seccomp.Verdict{Action: seccomp.ActErrno, Errno: 1}, rules)
	if err != nil {
		t.Fatal(err)
	}
	return &seccomp.Policy{Arch: syscalls.X86_64, Filters: []*seccomp.Filter{f}}
}

// Beyond counts the tuples p lets through and base does not, by hand on
// the 12 personality values of TestPersonalityDegree's corpus (Docker's
// five allowed ones among them).
func TestBeyond(t *testing.T) {
	docker := &seccomp.Policy{Arch: syscalls.X86_64, Filters: []*seccomp.Filter{dockerPersonality(t)}}
	c := NewCorpus(syscalls.X86_64, docker.Filters...)
	if n := len(c.Tuples("personality")); n != 12 {
		t.Fatalf("%d personality tuples, want 12", n)
	}
	cases := []struct {
		name    string
		p, base *seccomp.Policy
		want    map[string]float64
	}{
		// within: 0 and 8 are among Docker's five
		{"subset", personalityOnly(t, false, 0, 8), docker, map[string]float64{}},
		// 0x40000 (ADDR_NO_RANDOMIZE, one of the 12) is not Docker's; write is beyond too
		{"one more value and write", personalityOnly(t, true, 0, 0x40000), docker, map[string]float64{"personality": 1.0 / 12, "write": 1}},
		// the same degree as base's (1/12 each) yet not within: the value differs
		{"same degree, other value", personalityOnly(t, false, 0x40000), personalityOnly(t, false, 0), map[string]float64{"personality": 1.0 / 12}},
		// Docker beyond a policy allowing personality 0 alone: 4 values and read
		{"docker beyond one value", docker, personalityOnly(t, false, 0), map[string]float64{"personality": 4.0 / 12, "read": 1}},
		{"no baseline filter", docker, nil, map[string]float64{}},
	}
	for _, tc := range cases {
		e, err := Beyond(tc.name, tc.p, tc.base, c, Provenance{})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]float64{}
		for _, en := range e.Entries {
			got[en.Syscall] = en.Degree
		}
		if len(got) != len(tc.want) {
			t.Errorf("%s: beyond %v, want %v", tc.name, got, tc.want)
			continue
		}
		for s, d := range tc.want {
			if math.Abs(got[s]-d) > 1e-12 {
				t.Errorf("%s: %s beyond %v, want %v", tc.name, s, got[s], d)
			}
		}
	}
}
