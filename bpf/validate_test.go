package bpf

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

func ret(k uint32) Instruction { return Stmt(Ret|K, k) }

// Each bad program breaks one rule of kernel/seccomp.c seccomp_check_filter
// or net/core/filter.c bpf_check_classic; TestKernelAcceptsWhatValidateAccepts
// checks the same programs against the running kernel.
var badPrograms = []struct {
	name string
	prog []Instruction
	err  error
	pc   int
}{
	{"empty", nil, ErrEmpty, -1},
	{"too long", make([]Instruction, MaxInstructions+1), ErrTooLong, -1},
	{"backward jump", []Instruction{Stmt(Ld|W|Abs, 0), Stmt(Jmp|Ja, 0xffffffff), ret(RetAllow)}, ErrJumpRange, 1},
	{"ja past end", []Instruction{Stmt(Jmp|Ja, 1), ret(RetAllow)}, ErrJumpRange, 0},
	{"jt past end", []Instruction{Stmt(Ld|W|Abs, 0), Jump(Jmp|Jeq|K, 3, 1, 0), ret(RetAllow)}, ErrJumpRange, 1},
	{"jf past end", []Instruction{Stmt(Ld|W|Abs, 0), Jump(Jmp|Jgt|X, 0, 0, 2), ret(RetAllow)}, ErrJumpRange, 1},
	{"mod opcode", []Instruction{Stmt(Alu|Mod|K, 3), ret(RetAllow)}, ErrBadOpcode, 0},
	{"byte load", []Instruction{Stmt(Ld|B|Abs, 0), ret(RetAllow)}, ErrBadOpcode, 0},
	{"half load", []Instruction{Stmt(Ld|H|Abs, 4), ret(RetAllow)}, ErrBadOpcode, 0},
	{"indirect load", []Instruction{Stmt(Ld|W|Ind, 0), ret(RetAllow)}, ErrBadOpcode, 0},
	{"msh", []Instruction{Stmt(Ldx|B|Msh, 0), ret(RetAllow)}, ErrBadOpcode, 0},
	{"ret x", []Instruction{Stmt(Ret|X, 0), ret(RetAllow)}, ErrBadOpcode, 0},
	{"neg x", []Instruction{Stmt(Alu|Neg|X, 0), ret(RetAllow)}, ErrBadOpcode, 0},
	{"garbage", []Instruction{ret(RetAllow), Stmt(0xffff, 0), ret(RetAllow)}, ErrBadOpcode, 1},
	{"misaligned load", []Instruction{Stmt(Ld|W|Abs, 2), ret(RetAllow)}, ErrBadLoad, 0},
	{"load at 64", []Instruction{Stmt(Ld|W|Abs, 64), ret(RetAllow)}, ErrBadLoad, 0},
	{"load far past", []Instruction{ret(RetAllow), Stmt(Ld|W|Abs, 0xfffff000), ret(RetAllow)}, ErrBadLoad, 1},
	{"missing ret", []Instruction{Stmt(Ld|W|Abs, 0)}, ErrNoReturn, 0},
	{"ends in jump", []Instruction{Stmt(Ld|W|Abs, 0), ret(RetAllow), Jump(Jmp|Jeq|K, 0, 0, 0)}, ErrJumpRange, 2},
	{"div by zero", []Instruction{Stmt(Alu|Div|K, 0), ret(RetAllow)}, ErrDivideByZero, 0},
	{"shift 32", []Instruction{Stmt(Alu|Lsh|K, 32), ret(RetAllow)}, ErrBadShift, 0},
	{"mem 16", []Instruction{Stmt(St, 16), ret(RetAllow)}, ErrBadMemCell, 0},
	{"uninit mem", []Instruction{Stmt(Ld|Mem, 3), ret(RetAllow)}, ErrUninitMem, 0},
	{"mem stored on one path", []Instruction{
		Stmt(Ld|W|Abs, 0), Jump(Jmp|Jeq|K, 1, 0, 1), Stmt(St, 2), Stmt(Ldx|Mem, 2), ret(RetAllow)}, ErrUninitMem, 3},
}

var goodPrograms = []struct {
	name string
	prog []Instruction
}{
	{"allow", []Instruction{ret(RetAllow)}},
	{"last load", []Instruction{Stmt(Ld|W|Abs, 60), Stmt(Ret|RetA, 0)}},
	{"len", []Instruction{Stmt(Ld|W|Len, 0), Stmt(Ldx|W|Len, 0), Stmt(Ret|RetA, 0)}},
	{"jump to last", []Instruction{Stmt(Ld|W|Abs, 0), Jump(Jmp|Jeq|K, 1, 1, 0), ret(RetErrno | 1), ret(RetAllow)}},
	{"mem stored on both paths", []Instruction{
		Stmt(Ld|W|Abs, 0), Stmt(St, 2), Jump(Jmp|Jeq|K, 1, 0, 1), Stmt(St, 2), Stmt(Ldx|Mem, 2), ret(RetAllow)}},
	// The kernel's check_load_and_stores lets the state after a return
	// flow into the next instruction; mirrored, so this is accepted.
	{"mem after ret quirk", []Instruction{Stmt(St, 0), ret(RetAllow), Stmt(Ld|Mem, 0), ret(RetAllow)}},
	{"max length", append(make([]Instruction, MaxInstructions-1, MaxInstructions), ret(RetAllow))},
}

func TestValidateRejects(t *testing.T) {
	for _, tc := range badPrograms {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(tc.prog)
			if !errors.Is(err, tc.err) {
				t.Fatalf("Validate = %v, want %v", err, tc.err)
			}
			var e *Error
			if !errors.As(err, &e) || e.PC != tc.pc {
				t.Fatalf("error %v: pc %d, want %d", err, e.PC, tc.pc)
			}
			msg := err.Error()
			if tc.pc >= 0 {
				if e.Insn != tc.prog[tc.pc] {
					t.Errorf("error carries %v, want the instruction at pc %d, %v", e.Insn, tc.pc, tc.prog[tc.pc])
				}
				if want := "pc " + itoa(tc.pc) + " "; !strings.Contains(msg, want) {
					t.Errorf("message %q does not name %q", msg, want)
				}
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("message %q spans lines", msg)
			}
			if _, err := Compile(tc.prog); !errors.Is(err, tc.err) {
				t.Errorf("Compile = %v, want %v", err, tc.err)
			}
		})
	}
}

func TestValidateAccepts(t *testing.T) {
	for _, tc := range goodPrograms {
		if err := Validate(tc.prog); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

func TestErrorText(t *testing.T) {
	err := Validate([]Instruction{Stmt(Ld|W|Abs, 0), Jump(Jmp|Jeq|K, 3, 5, 0), ret(RetAllow)})
	want := "bpf: pc 1 {0x15, 5, 0, 0x00000003}: jump out of range: targets 7 and 2, want both at most the last pc 2"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
