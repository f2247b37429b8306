package exposure

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"sysweight/bpf"
	"sysweight/syscalls"
)

// mapCorpus is the smallest ArgCorpus: listed tuples per syscall, the zero
// tuple otherwise.
type mapCorpus map[string][][6]uint64

func (m mapCorpus) Tuples(s string) [][6]uint64 {
	if ts, ok := m[s]; ok {
		return ts
	}
	return [][6]uint64{{}}
}

func firstArgs(vs ...uint64) [][6]uint64 {
	out := make([][6]uint64, len(vs))
	for i, v := range vs {
		out[i][0] = v
	}
	return out
}

var x86 = syscalls.X86_64

func nr(name string) uint32 {
	n, _ := syscalls.MustForArch(x86).Number(name)
	return uint32(n)
}

func ret(k uint32) bpf.Instruction { return bpf.Stmt(bpf.Ret|bpf.K, k) }

// allowOnly allows the named syscalls and returns deny for the rest; it
// checks the architecture first, as every real filter does.
func allowOnly(deny uint32, names ...string) []bpf.Instruction {
	prog := []bpf.Instruction{
		bpf.Stmt(bpf.Ld|bpf.W|bpf.Abs, 4),
		bpf.Jump(bpf.Jmp|bpf.Jeq|bpf.K, x86.AuditArch(), 1, 0),
		ret(bpf.RetKillProcess),
		bpf.Stmt(bpf.Ld|bpf.W|bpf.Abs, 0),
	}
	for i, n := range names {
		prog = append(prog, bpf.Jump(bpf.Jmp|bpf.Jeq|bpf.K, nr(n), uint8(len(names)-i), 0))
	}
	return append(prog, ret(deny), ret(bpf.RetAllow))
}

func TestFromBPFStacking(t *testing.T) {
	// filter 1 allows read and write, filter 2 write and close: only
	// write passes both (kernel/seccomp.c keeps the most restrictive).
	f1 := allowOnly(bpf.RetErrno|1, "read", "write")
	f2 := allowOnly(bpf.RetErrno|1, "write", "close")
	e, err := FromBPF("stack", x86, [][]bpf.Instruction{f2, f1}, mapCorpus{})
	if err != nil {
		t.Fatal(err)
	}
	if e.Count() != 1 || e.Degree("write") != 1 || e.Degree("read") != 0 || e.Degree("close") != 0 {
		t.Errorf("exposed %v, want only write", e.Entries)
	}
	if e.Provenance.Source != Installed {
		t.Errorf("source %q, want %q", e.Provenance.Source, Installed)
	}
	// LOG lets the call run; TRAP does not. A stacked LOG filter does not
	// lift another filter's ERRNO.
	logAll := []bpf.Instruction{ret(bpf.RetLog)}
	e, err = FromBPF("log", x86, [][]bpf.Instruction{logAll}, mapCorpus{})
	if err != nil {
		t.Fatal(err)
	}
	if n := syscalls.MustForArch(x86).Len(); e.Count() != n {
		t.Errorf("LOG everything: %d syscalls exposed, want all %d", e.Count(), n)
	}
	e, err = FromBPF("log+errno", x86, [][]bpf.Instruction{logAll, f1}, mapCorpus{})
	if err != nil {
		t.Fatal(err)
	}
	if e.Count() != 2 {
		t.Errorf("LOG over allow(read, write): %d exposed, want 2", e.Count())
	}
	trap := []bpf.Instruction{ret(bpf.RetTrap)}
	if e, _ = FromBPF("trap", x86, [][]bpf.Instruction{trap}, mapCorpus{}); e.Count() != 0 {
		t.Errorf("TRAP everything: %d exposed, want 0", e.Count())
	}
}

func TestFromBPFDegree(t *testing.T) {
	// personality allowed only for arg0 == 0xffffffff: 1 of 4 tuples.
	prog := []bpf.Instruction{
		bpf.Stmt(bpf.Ld|bpf.W|bpf.Abs, 0),
		bpf.Jump(bpf.Jmp|bpf.Jeq|bpf.K, nr("personality"), 0, 3),
		bpf.Stmt(bpf.Ld|bpf.W|bpf.Abs, 16), // args[0], low half
		bpf.Jump(bpf.Jmp|bpf.Jeq|bpf.K, 0xffffffff, 0, 1),
		ret(bpf.RetAllow),
		ret(bpf.RetErrno | 1),
	}
	c := mapCorpus{"personality": firstArgs(0, 8, 0xffffffff, 0x20000)}
	e, err := FromBPF("p", x86, [][]bpf.Instruction{prog}, c)
	if err != nil {
		t.Fatal(err)
	}
	if e.Count() != 1 || e.Degree("personality") != 0.25 {
		t.Errorf("got %v, want personality at 0.25 only", e.Entries)
	}
	en, _ := e.Entry("personality")
	if len(en.Conditions) != 1 || en.Conditions[0] != "1 of 4 argument tuples reach the kernel" {
		t.Errorf("conditions %q", en.Conditions)
	}

	if _, err := FromBPF("bad", x86, [][]bpf.Instruction{{bpf.Stmt(bpf.Ld|bpf.W|bpf.Abs, 0)}}, c); err == nil {
		t.Error("a filter without a return was accepted")
	}
}

func TestFromDump(t *testing.T) {
	// Two kinds of threads: a process exposes what any of them may call.
	d := &bpf.Dump{PID: 42,
		Filters: []bpf.Filter{{Insns: allowOnly(bpf.RetErrno|1, "read"), TIDs: []int{42, 43}},
			{Insns: allowOnly(bpf.RetKillProcess, "write"), TIDs: []int{44}}},
		Threads: []bpf.Thread{{TID: 42, Stack: []int{0}}, {TID: 43, Stack: []int{0}}, {TID: 44, Stack: []int{1}}},
	}
	e, err := FromDump("vmm", x86, d, mapCorpus{})
	if err != nil {
		t.Fatal(err)
	}
	if e.Count() != 2 {
		t.Fatalf("exposed %v, want read and write", e.Entries)
	}
	if en, _ := e.Entry("read"); len(en.Via) != 1 || en.Via[0] != "threads 42,43" {
		t.Errorf("read via %q, want threads 42,43", en.Via)
	}
	if en, _ := e.Entry("write"); len(en.Via) != 1 || en.Via[0] != "threads 44" {
		t.Errorf("write via %q, want threads 44", en.Via)
	}
	if e.Provenance.Origin != "pid 42" {
		t.Errorf("origin %q", e.Provenance.Origin)
	}
}

// TestFromBPFDockerDefault evaluates runc's installed Docker filter (see
// bpf/testdata/README.md). The expected degrees are counted by hand from
// moby/profiles/seccomp v0.3.0 default.json.
func TestFromBPFDockerDefault(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "bpf", "testdata", "docker-default-x86_64.bpf"))
	if err != nil {
		t.Fatal(err)
	}
	prog, err := bpf.DecodeOrder(raw, binary.LittleEndian)
	if err != nil {
		t.Fatal(err)
	}
	var socketFamilies []uint64
	for af := range uint64(46) {
		socketFamilies = append(socketFamilies, af)
	}
	c := mapCorpus{
		// 0, 8, 0x20000, 0x20008, 0xffffffff are listed; 1 and 2 not.
		"personality": firstArgs(0, 1, 2, 8, 0x20000, 0x20008, 0xffffffff),
		// AF < 3, and 29 listed families up to AF_MCTP (45).
		"socket": firstArgs(socketFamilies...),
		// allowed when (flags & 0x7E020000) == 0: 0 and SIGCHLD|CLONE_VM
		// pass; CLONE_NEWUSER, CLONE_NEWNS and the mask itself do not.
		"clone": firstArgs(0, 0x111, 0x10000000, 0x20000, 0x7e020000),
	}
	e, err := FromBPF("runc-docker", x86, [][]bpf.Instruction{prog}, c)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]float64{
		"personality": 5.0 / 7,
		"socket":      32.0 / 46,
		"clone":       2.0 / 5,
		"read":        1,
		"kexec_load":  0,
		"clone3":      0, // ERRNO(38)
		"reboot":      0,
	} {
		if got := e.Degree(name); got != want {
			t.Errorf("%s: degree %v, want %v", name, got, want)
		}
	}
	t.Logf("runc Docker default: %d of %d x86_64 syscalls exposed", e.Count(), syscalls.MustForArch(x86).Len())
}

// TestBPFConstants: the values an installed filter tests each argument
// against, per syscall, worked out by hand from the program below: for
// personality, arg0 >= 0x100 (so 0xff, 0x100, 0x101), arg1's low half
// masked with 0x3 equal to 0x1 (0x1, 0x0, 0x3), arg2's high half equal to
// 0x7 and low half set-tested with 0x5 (0, 0x5, 0x1, 0x4 below; 0x7<<32
// above: with 0 for each half, eight values); close only arg0 == 3. The
// other syscalls (here read) are tested on nothing.
func TestBPFConstants(t *testing.T) {
	prog := []bpf.Instruction{
		bpf.Stmt(bpf.Ld|bpf.W|bpf.Abs, 4),
		bpf.Jump(bpf.Jmp|bpf.Jeq|bpf.K, x86.AuditArch(), 1, 0),
		ret(bpf.RetKillProcess),
		bpf.Stmt(bpf.Ld|bpf.W|bpf.Abs, 0),
		bpf.Jump(bpf.Jmp|bpf.Jeq|bpf.K, nr("close"), 0, 3),
		bpf.Stmt(bpf.Ld|bpf.W|bpf.Abs, 16),
		bpf.Jump(bpf.Jmp|bpf.Jeq|bpf.K, 3, 12, 13),
		ret(bpf.RetAllow), // not reached
		bpf.Jump(bpf.Jmp|bpf.Jeq|bpf.K, nr("personality"), 0, 11),
		bpf.Stmt(bpf.Ld|bpf.W|bpf.Abs, 16),
		bpf.Jump(bpf.Jmp|bpf.Jge|bpf.K, 0x100, 9, 0),
		bpf.Stmt(bpf.Ld|bpf.W|bpf.Abs, 24), // arg1 low
		bpf.Stmt(bpf.Alu|bpf.And|bpf.K, 0x3),
		bpf.Jump(bpf.Jmp|bpf.Jeq|bpf.K, 0x1, 0, 6),
		bpf.Stmt(bpf.Ld|bpf.W|bpf.Abs, 36), // arg2 high
		bpf.Jump(bpf.Jmp|bpf.Jeq|bpf.K, 0x7, 0, 4),
		bpf.Stmt(bpf.Ld|bpf.W|bpf.Abs, 32), // arg2 low
		bpf.Jump(bpf.Jmp|bpf.Jset|bpf.K, 0x5, 1, 2),
		ret(bpf.RetAllow), // not reached
		ret(bpf.RetErrno | 1),
		ret(bpf.RetAllow),
		ret(bpf.RetErrno | 1),
	}
	got := BPFConstants(x86, [][][]bpf.Instruction{{prog}})
	want := map[string]map[uint8][]uint64{
		"close": {0: {0, 3}},
		"personality": {
			0: {0, 0xff, 0x100, 0x101},
			1: {0, 1, 3},
			2: {0, 1, 4, 5, 7 << 32, 7<<32 | 1, 7<<32 | 4, 7<<32 | 5},
		},
	}
	if len(got) != len(want) {
		t.Errorf("syscalls %v, want close and personality", got)
	}
	for sys, args := range want {
		for a, vs := range args {
			if g := got[sys][a]; !slices.Equal(g, vs) {
				t.Errorf("%s arg%d: %#x, want %#x", sys, a, g, vs)
			}
		}
		if len(got[sys]) != len(args) {
			t.Errorf("%s: args %v", sys, got[sys])
		}
	}
	// the corpus gains them, with the UAPI and boundary values
	c := NewCorpus(x86).With(got)
	if vs := c.Values("close", 0); !slices.Contains(vs, 3) || !slices.Contains(vs, 0xffffffff) {
		t.Errorf("close arg0 corpus %#x", vs)
	}
	if len(NewCorpus(x86).Values("close", 0)) != 0 {
		t.Error("With changed the corpus it was called on")
	}
}
