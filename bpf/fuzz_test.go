package bpf

import (
	"bytes"
	"encoding/binary"
	"os"
	"testing"

	"sysweight/syscalls"
)

// FuzzProgram: any bytes give an error or a program that validates,
// interprets and disassembles without panicking, and whose run ends in a
// return (Run has no error path: Validate must guarantee that).
func FuzzProgram(f *testing.F) {
	// Small seeds: the fuzzer's mutations are slow on large inputs.
	if raw, err := os.ReadFile("testdata/docker-default-x86_64.bpf"); err == nil {
		f.Add(raw[:64*InstructionSize], uint64(0), uint64(0))
	}
	for _, tc := range badPrograms {
		if len(tc.prog) < 64 {
			f.Add(Encode(tc.prog, binary.NativeEndian), uint64(2), uint64(3))
		}
	}
	table := syscalls.MustForArch(syscalls.X86_64)
	f.Fuzz(func(t *testing.T, raw []byte, a0, a1 uint64) {
		prog, err := Decode(raw)
		if err != nil {
			return
		}
		Disassemble(prog, table)
		p, err := Compile(prog)
		if err != nil {
			if Validate(prog) == nil {
				t.Fatalf("Compile failed but Validate passed: %v", err)
			}
			return
		}
		for _, nr := range []int32{0, 1, int32(a0), int32(a1)} {
			d := SeccompData{Nr: nr, Arch: 0xc000003e, Args: [6]uint64{a0, a1, a0 ^ a1}}
			if got, want := p.Run(&d), p.run(p.plain, &d); got != want {
				t.Fatalf("Run %#x, plain %#x", got, want)
			}
			p.Verdict(&d)
		}
	})
}

// FuzzParseStatus: any /proc/PID/status text gives an error or a status.
func FuzzParseStatus(f *testing.F) {
	f.Add([]byte("Name:\tsleep\nSeccomp:\t2\nSeccomp_filters:\t1\n"))
	f.Add([]byte("Seccomp:\t0\n"))
	f.Add([]byte("Seccomp: x\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := ParseStatus(bytes.NewReader(b))
		if err == nil && (st.Mode < -1 || st.Filters < -1 || st.Tracer < 0) {
			t.Fatalf("negative field accepted: %+v", st)
		}
	})
}

func TestParseStatus(t *testing.T) {
	st, err := ParseStatus(bytes.NewReader([]byte("Name:\tsleep\nTracerPid:\t77\nSeccomp:\t2\nSeccomp_filters:\t3\nVmRSS: 1 kB\n")))
	if err != nil || st != (SeccompStatus{Mode: 2, Filters: 3, Tracer: 77}) {
		t.Errorf("got %+v, %v", st, err)
	}
	st, err = ParseStatus(bytes.NewReader([]byte("Name:\tsleep\n")))
	if err != nil || st != (SeccompStatus{Mode: -1, Filters: -1}) {
		t.Errorf("absent fields: got %+v, %v", st, err)
	}
	_, err = ParseStatus(bytes.NewReader([]byte("Name:\tx\nSeccomp:\ttwo\n")))
	if err == nil || err.Error() != `status line 2: Seccomp is "two", want a non-negative integer` {
		t.Errorf("got %v", err)
	}
}
