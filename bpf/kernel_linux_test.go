//go:build linux

package bpf

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// buildProbe compiles testdata/seccomp_probe.c, which asks the running
// kernel whether it accepts a program and what the program returns.
func buildProbe(t *testing.T) string {
	t.Helper()
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		t.Skip("gcc not installed: cannot build the kernel probe")
	}
	if st := selfSeccomp(t); st.Mode != 0 {
		// Our own filter would also filter the probe's syscall 1000.
		t.Skipf("this test process is under seccomp (mode %d)", st.Mode)
	}
	out := filepath.Join(t.TempDir(), "seccomp_probe")
	if msg, err := exec.Command(gcc, "-O1", "-Wall", "-o", out, "testdata/seccomp_probe.c").CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v: %s", err, msg)
	}
	return out
}

type probeCase struct {
	prog    []Instruction
	vectors [][6]uint64
}

type probeResult struct {
	accept  string   // "0" or the errno seccomp() returned
	results []string // per vector: "errno N" or "signal S"
}

func runProbe(t *testing.T, probe string, cases []probeCase) []probeResult {
	t.Helper()
	var in strings.Builder
	for _, c := range cases {
		fmt.Fprintf(&in, "P %d\n", len(c.prog))
		for _, i := range c.prog {
			fmt.Fprintf(&in, "%d %d %d %d\n", i.Code, i.Jt, i.Jf, i.K)
		}
		fmt.Fprintf(&in, "V %d\n", len(c.vectors))
		for _, v := range c.vectors {
			fmt.Fprintf(&in, "%d %d %d %d %d %d\n", v[0], v[1], v[2], v[3], v[4], v[5])
		}
	}
	cmd := exec.Command(probe)
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("probe: %v", err)
	}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	res := make([]probeResult, len(cases))
	for i, c := range cases {
		if !sc.Scan() {
			t.Fatalf("probe output ends at case %d", i)
		}
		res[i].accept = strings.TrimPrefix(sc.Text(), "accept ")
		if res[i].accept != "0" {
			continue
		}
		for range c.vectors {
			if !sc.Scan() {
				t.Fatalf("probe output ends in case %d", i)
			}
			res[i].results = append(res[i].results, sc.Text())
		}
	}
	return res
}

// interesting constants for random programs: boundaries of 32-bit
// arithmetic and of the seccomp_data layout.
var kPool = []uint32{0, 1, 2, 3, 4, 7, 8, 16, 31, 32, 33, 60, 63, 64, 0xfff, 0x1000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff}

func randK(r *rand.Rand) uint32 {
	if r.IntN(3) == 0 {
		return r.Uint32()
	}
	return kPool[r.IntN(len(kPool))]
}

var allOpcodes = func() []uint16 {
	var out []uint16
	for c := range 0x100 {
		out = append(out, uint16(c))
	}
	return out
}()

var seccompOpcodes = func() []uint16 {
	var out []uint16
	for _, c := range allOpcodes {
		if seccompAllowed(c) {
			out = append(out, c)
		}
	}
	return out
}()

// randomProgram makes programs near the edge of validity: mostly allowed
// opcodes, small jump offsets, interesting constants.
func randomProgram(r *rand.Rand) []Instruction {
	n := 1 + r.IntN(12)
	prog := make([]Instruction, n)
	for i := range prog {
		code := seccompOpcodes[r.IntN(len(seccompOpcodes))]
		if r.IntN(20) == 0 {
			code = allOpcodes[r.IntN(len(allOpcodes))]
		}
		k := randK(r)
		switch {
		case code == Ld|W|Abs && r.IntN(4) != 0:
			k = uint32(r.IntN(16)) * 4
		case code&7 == St || code&7 == Stx || code&0xe0 == Mem:
			k = uint32(r.IntN(18))
		case code == Jmp|Ja:
			k = uint32(r.IntN(n - i + 1))
		}
		prog[i] = Instruction{Code: code, Jt: uint8(r.IntN(n - i + 1)), Jf: uint8(r.IntN(n - i + 1)), K: k}
	}
	if r.IntN(8) != 0 {
		prog[n-1] = Instruction{Code: Ret | K, K: RetAllow}
	}
	return prog
}

func TestKernelAcceptsWhatValidateAccepts(t *testing.T) {
	probe := buildProbe(t)
	var cases []probeCase
	var names []string
	for _, tc := range badPrograms {
		cases = append(cases, probeCase{prog: tc.prog})
		names = append(names, tc.name)
	}
	for _, tc := range goodPrograms {
		cases = append(cases, probeCase{prog: tc.prog})
		names = append(names, tc.name)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 600 {
		cases = append(cases, probeCase{prog: randomProgram(r)})
		names = append(names, fmt.Sprintf("random %d", i))
	}
	res := runProbe(t, probe, cases)
	accepted := 0
	for i, c := range cases {
		err := Validate(c.prog)
		kernel := res[i].accept
		switch {
		case kernel == "0" && err != nil:
			t.Errorf("%s: kernel accepts, Validate says %v\n%s", names[i], err, strings.Join(Disassemble(c.prog, nil), "\n"))
		case kernel != "0" && err == nil:
			t.Errorf("%s: kernel says %s, Validate accepts\n%s", names[i], kernel, strings.Join(Disassemble(c.prog, nil), "\n"))
		case kernel != "0" && kernel != "22":
			t.Errorf("%s: kernel says %s, want 0 or EINVAL (22)", names[i], kernel)
		}
		if kernel == "0" {
			accepted++
		}
	}
	t.Logf("%d programs, %d accepted by the kernel", len(cases), accepted)
	if accepted < len(cases)/10 || accepted > len(cases)*9/10 {
		t.Errorf("random programs are too one-sided to test anything: %d of %d accepted", accepted, len(cases))
	}
}

// arithmeticProgram wraps a random body so that the kernel's verdict shows
// the body's result: syscalls other than 1000 are allowed, and syscall 1000
// returns ERRNO(A & 0xfff), which the probe reads back as errno.
func arithmeticProgram(r *rand.Rand) []Instruction {
	prefix := []Instruction{Stmt(Ld|W|Abs, 0), Jump(Jmp|Jeq|K, 1000, 1, 0), ret(RetAllow)}
	epilogue := []Instruction{Stmt(Alu|And|K, 0xfff), Stmt(Alu|Or|K, RetErrno), Stmt(Ret|RetA, 0)}
	n := 4 + r.IntN(16)
	body := make([]Instruction, n)
	var bodyOps []uint16
	for _, c := range seccompOpcodes {
		if c&7 != Ret {
			bodyOps = append(bodyOps, c)
		}
	}
	for i := range body {
		code := bodyOps[r.IntN(len(bodyOps))]
		k := randK(r)
		switch {
		case code == Ld|W|Abs:
			// nr, arch and the arguments; not the instruction pointer,
			// which the probe does not control.
			k = []uint32{0, 4}[r.IntN(2)]
			if r.IntN(4) != 0 {
				k = 16 + uint32(r.IntN(12))*4
			}
		case code&7 == St || code&7 == Stx || code&0xe0 == Mem:
			k = uint32(r.IntN(4))
		case code == Alu|Div|K && k == 0:
			k = 3
		case (code == Alu|Lsh|K || code == Alu|Rsh|K) && k >= 32:
			k %= 32
		case code == Jmp|Ja:
			k = uint32(r.IntN(n - i))
		}
		room := n - i // a jump may land anywhere up to the epilogue's first pc
		body[i] = Instruction{Code: code, Jt: uint8(r.IntN(room)), Jf: uint8(r.IntN(room)), K: k}
	}
	return append(append(prefix, body...), epilogue...)
}

// TestRunMatchesKernel is the interpreter's differential test against the
// running kernel: random arithmetic and jumps over the arguments, the
// result read back as the errno of a real syscall.
func TestRunMatchesKernel(t *testing.T) {
	probe := buildProbe(t)
	r := rand.New(rand.NewPCG(3, 4))
	var cases []probeCase
	var progs []*Program
	for len(cases) < 200 {
		insns := arithmeticProgram(r)
		p, err := Compile(insns)
		if err != nil {
			continue // a load from memory not stored on every path
		}
		c := probeCase{prog: insns}
		for range 8 {
			c.vectors = append(c.vectors, randVector(r))
		}
		cases = append(cases, c)
		progs = append(progs, p)
	}
	res := runProbe(t, probe, cases)
	kills, checked := 0, 0
	for i, c := range cases {
		if res[i].accept != "0" {
			t.Fatalf("case %d: kernel refuses a program Validate accepts (%s)\n%s", i, res[i].accept, strings.Join(Disassemble(c.prog, nil), "\n"))
		}
		for j, v := range c.vectors {
			d := SeccompData{Nr: 1000, Arch: auditArchHost, Args: v}
			got := progs[i].Run(&d)
			want := fmt.Sprintf("errno %d", got&0xfff)
			if got == 0 {
				// BPF_DIV by a zero X returns 0: SECCOMP_RET_KILL_THREAD,
				// which kills the single-threaded probe child with SIGSYS.
				want = "signal 31"
				kills++
			}
			if res[i].results[j] != want {
				t.Errorf("case %d vector %#x: kernel %s, Run %#x (%s)\n%s", i, v, res[i].results[j], got, want,
					strings.Join(Disassemble(c.prog, nil), "\n"))
			}
			if plain := progs[i].run(progs[i].plain, &d); plain != got {
				t.Errorf("case %d vector %#x: Run %#x, reference interpreter %#x", i, v, got, plain)
			}
			checked++
		}
	}
	t.Logf("%d programs, %d verdicts compared with the kernel, %d of them kills", len(cases), checked, kills)
}
