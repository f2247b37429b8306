package bpf

import (
	"encoding/binary"
	"math/rand/v2"
	"strings"
	"testing"

	"sysweight/seccomp"
	"sysweight/syscalls"
)

var argPool = []uint64{0, 1, 2, 3, 31, 32, 33, 0xfff, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000, 0xffffffff00000000, 0xffffffffffffffff}

func randVector(r *rand.Rand) [6]uint64 {
	var v [6]uint64
	for i := range v {
		if r.IntN(3) == 0 {
			v[i] = r.Uint64()
		} else {
			v[i] = argPool[r.IntN(len(argPool))]
		}
	}
	return v
}

func TestDecode(t *testing.T) {
	// BPF_STMT(BPF_LD|BPF_W|BPF_ABS, 4), BPF_JUMP(BPF_JMP|BPF_JEQ|BPF_K,
	// 0xc000003e, 1, 0) as a little-endian machine stores them.
	raw := []byte{0x20, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x15, 0x00, 0x01, 0x00, 0x3e, 0x00, 0x00, 0xc0}
	got, err := DecodeOrder(raw, binary.LittleEndian)
	if err != nil {
		t.Fatal(err)
	}
	want := []Instruction{{Code: 0x20, K: 4}, {Code: 0x15, Jt: 1, K: 0xc000003e}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("got %v, want %v", got, want)
	}
	if back := Encode(got, binary.LittleEndian); string(back) != string(raw) {
		t.Errorf("Encode does not invert DecodeOrder: %x", back)
	}
	_, err = Decode(raw[:13])
	if err == nil || err.Error() != "decoding bpf: 13 bytes is not a whole number of 8-byte instructions (5 left over at offset 8)" {
		t.Errorf("got %v", err)
	}
}

func TestDecodeReturn(t *testing.T) {
	// Values from include/uapi/linux/seccomp.h.
	for ret, want := range map[uint32]seccomp.Verdict{
		0x80000000: {Action: seccomp.ActKillProcess},
		0x00000000: {Action: seccomp.ActKillThread},
		0x00030005: {Action: seccomp.ActTrap},
		0x00050001: {Action: seccomp.ActErrno, Errno: 1},
		0x0005ffff: {Action: seccomp.ActErrno, Errno: 4095}, // capped at MAX_ERRNO
		0x7fc00000: {Action: seccomp.ActNotify},
		0x7ff00007: {Action: seccomp.ActTrace},
		0x7ffc0000: {Action: seccomp.ActLog},
		0x7fff0000: {Action: seccomp.ActAllow},
		0x7fff1234: {Action: seccomp.ActAllow},
		0x00010000: {Action: seccomp.ActKillProcess}, // undefined action
	} {
		if got := DecodeReturn(ret); got != want {
			t.Errorf("DecodeReturn(%#x) = %v, want %v", ret, got, want)
		}
	}
}

func TestCombine(t *testing.T) {
	for _, c := range []struct{ a, b, want uint32 }{
		{RetAllow, RetErrno | 1, RetErrno | 1},
		{RetErrno | 1, RetErrno | 2, RetErrno | 1}, // tie: the first (newer) filter's data
		{RetLog, RetTrace, RetTrace},
		{RetKillThread, RetKillProcess, RetKillProcess}, // 0x80000000 is negative as s32
		{RetTrap, RetErrno | 5, RetTrap},
		{RetUserNotif, RetTrace, RetUserNotif},
	} {
		if got := Combine(c.a, c.b); got != c.want {
			t.Errorf("Combine(%#x, %#x) = %#x, want %#x", c.a, c.b, got, c.want)
		}
	}
}

func TestRunSeccompDataLayout(t *testing.T) {
	d := SeccompData{Nr: -1, Arch: 0xc000003e, InstructionPointer: 0x1122334455667788,
		Args: [6]uint64{0xa0, 0xb1_00000000, 3, 4, 5, 0xdeadbeef_cafef00d}}
	// struct seccomp_data on a little-endian machine: low halves first.
	for off, want := range map[uint32]uint32{0: 0xffffffff, 4: 0xc000003e, 8: 0x55667788, 12: 0x11223344,
		16: 0xa0, 20: 0, 24: 0, 28: 0xb1, 32: 3, 56: 0xcafef00d, 60: 0xdeadbeef} {
		p, err := Compile([]Instruction{Stmt(Ld|W|Abs, off), Stmt(Ret|RetA, 0)})
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Run(&d); got != want {
			t.Errorf("load at %d: %#x, want %#x", off, got, want)
		}
	}
}

func TestRunArithmetic(t *testing.T) {
	// Expected values worked out by hand with 32-bit wrap-around.
	for _, c := range []struct {
		name string
		prog []Instruction
		want uint32
	}{
		{"sub wraps", []Instruction{Stmt(Ld|Imm, 1), Stmt(Alu|Sub|K, 2), Stmt(Ret|RetA, 0)}, 0xffffffff},
		{"mul wraps", []Instruction{Stmt(Ld|Imm, 0x10000), Stmt(Alu|Mul|K, 0x10001), Stmt(Ret|RetA, 0)}, 0x10000},
		{"neg", []Instruction{Stmt(Ld|Imm, 1), Stmt(Alu|Neg, 0), Stmt(Ret|RetA, 0)}, 0xffffffff},
		{"div by X zero returns 0", []Instruction{Stmt(Ld|Imm, 7), Stmt(Ldx|Imm, 0), Stmt(Alu|Div|X, 0), ret(RetAllow)}, 0},
		{"shift by X uses 5 bits", []Instruction{Stmt(Ld|Imm, 1), Stmt(Ldx|Imm, 33), Stmt(Alu|Lsh|X, 0), Stmt(Ret|RetA, 0)}, 2},
		{"len is 64", []Instruction{Stmt(Ld|W|Len, 0), Stmt(Ret|RetA, 0)}, 64},
		{"mem", []Instruction{Stmt(Ld|Imm, 5), Stmt(St, 15), Stmt(Ld|Imm, 0), Stmt(Ldx|Mem, 15), Stmt(Misc|Txa, 0), Stmt(Ret|RetA, 0)}, 5},
		{"jset", []Instruction{Stmt(Ld|Imm, 6), Jump(Jmp|Jset|K, 4, 0, 1), ret(1), ret(2)}, 1},
		{"jge", []Instruction{Stmt(Ld|Imm, 6), Jump(Jmp|Jge|K, 7, 0, 1), ret(1), ret(2)}, 2},
		{"ja", []Instruction{Stmt(Jmp|Ja, 1), ret(1), ret(2)}, 2},
	} {
		p, err := Compile(c.prog)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := p.Run(&SeccompData{}); got != c.want {
			t.Errorf("%s: %#x, want %#x", c.name, got, c.want)
		}
	}
}

// TestJeqRunsMatchPlainRun checks the chain lookup against the plain
// interpreter, on the Docker filter (every syscall number, x86_64, i386
// and x32, several arguments) and on random chains with repeated
// constants and jumps into their middle.
func TestJeqRunsMatchPlainRun(t *testing.T) {
	p := dockerFilter(t)
	if len(p.runs) == 0 {
		t.Fatal("no chains found in the Docker filter")
	}
	r := rand.New(rand.NewPCG(5, 6))
	n := 0
	for nr := int32(-2); nr < 600; nr++ {
		for _, arch := range []uint32{0xc000003e, 0x40000003, 0xc00000b7} {
			for _, x32 := range []int32{0, 0x40000000} {
				d := SeccompData{Nr: nr | x32, Arch: arch, Args: randVector(r)}
				if got, want := p.Run(&d), p.run(p.plain, &d); got != want {
					t.Fatalf("%+v: Run %#x, plain %#x", d, got, want)
				}
				n++
			}
		}
	}
	for range 2000 {
		prog := randomChain(r)
		p, err := Compile(prog)
		if err != nil {
			t.Fatalf("%v\n%s", err, strings.Join(Disassemble(prog, nil), "\n"))
		}
		for a := range uint32(8) {
			d := SeccompData{Nr: int32(a)}
			if got, want := p.Run(&d), p.run(p.plain, &d); got != want {
				t.Fatalf("nr %d: Run %#x, plain %#x\n%s", a, got, want, strings.Join(Disassemble(prog, nil), "\n"))
			}
			n++
		}
	}
	t.Logf("%d runs agree", n)
}

// randomChain: a jump into the middle of a chain of JEQs over few
// constants, so that constants repeat.
func randomChain(r *rand.Rand) []Instruction {
	n := minRun + r.IntN(12)
	prog := []Instruction{Stmt(Ld|W|Abs, 0), Jump(Jmp|Jeq|K, uint32(r.IntN(8)), uint8(r.IntN(n)), 0)}
	for i := range n {
		in := Jump(Jmp|Jeq|K, uint32(r.IntN(6)), uint8(1+r.IntN(n-i)), 0)
		if r.IntN(6) == 0 {
			in.Jf = uint8(r.IntN(n - i + 1))
		}
		prog = append(prog, in)
	}
	for i := range n + 1 {
		prog = append(prog, ret(RetErrno|uint32(i)))
	}
	return prog
}

func TestDisassemble(t *testing.T) {
	table := syscalls.MustForArch(syscalls.X86_64)
	prog := []Instruction{
		Stmt(Ld|W|Abs, 4),
		Jump(Jmp|Jeq|K, 0xc000003e, 1, 0),
		ret(RetKillProcess),
		Stmt(Ld|W|Abs, 0),
		Jump(Jmp|Jeq|K, 3, 6, 0),
		Jump(Jmp|Jeq|K, 0x87, 0, 3),
		Stmt(Ld|W|Abs, 20),
		Jump(Jmp|Jgt|K, 0, 2, 0),
		Stmt(Ld|W|Abs, 16),
		Jump(Jmp|Jge|K, 0x40000000, 0, 1),
		ret(RetErrno | 1),
		ret(RetAllow),
	}
	want := `0000: A = arch
0001: if (A == 0xc000003e /* x86_64 */) goto 0003
0002: return KILL_PROCESS
0003: A = nr
0004: if (A == 0x3 /* close */) goto 0011
0005: if (A != 0x87 /* personality */) goto 0009
0006: A = args[0] >> 32
0007: if (A > 0x0) goto 0010
0008: A = args[0]
0009: if (A < 0x40000000) goto 0011
0010: return ERRNO(1)
0011: return ALLOW`
	// pc 9 is reached with A = nr (from 5) and A = args[0] (from 8): no
	// name for 0x40000000 either way.
	if got := strings.Join(Disassemble(prog, table), "\n"); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestDisassembleDockerFilter(t *testing.T) {
	// The committed listing was made by Disassemble; this guards its
	// stability, and checks names against the filter's known layout.
	p := dockerFilter(t)
	lines := Disassemble(p.insns, syscalls.MustForArch(syscalls.X86_64))
	for pc, want := range map[int]string{
		5:  "0005: if (A > 0x1c8) goto 0013", // on the i386 path: no x86_64 names
		9:  "0009: if (A > 0x1c8 /* futex_requeue */) goto 0013 else goto 0011",
		18: "0018: if (A == 0x0 /* read */) goto 0040",
		13: "0013: return ERRNO(38)",
	} {
		if lines[pc] != want {
			t.Errorf("pc %d: %q, want %q", pc, lines[pc], want)
		}
	}
}
