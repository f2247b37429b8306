package bpf

import (
	"errors"
	"fmt"
)

// SeccompDataSize is sizeof(struct seccomp_data).
const SeccompDataSize = 64

// Sentinel errors wrapped by *Error, one per rule the kernel enforces.
var (
	ErrEmpty        = errors.New("empty program")
	ErrTooLong      = errors.New("program too long")
	ErrBadOpcode    = errors.New("opcode not allowed in a seccomp filter")
	ErrBadLoad      = errors.New("bad seccomp_data load")
	ErrJumpRange    = errors.New("jump out of range")
	ErrDivideByZero = errors.New("division by constant zero")
	ErrBadShift     = errors.New("shift by constant of 32 or more")
	ErrBadMemCell   = errors.New("scratch memory cell out of range")
	ErrUninitMem    = errors.New("load from scratch memory not stored on every path")
	ErrNoReturn     = errors.New("last instruction is not a return")
)

// Error is a program the kernel would refuse, with the place of the fault.
// PC is -1 when the fault is the program as a whole (its length).
type Error struct {
	Err    error // one of the Err… sentinels above
	PC     int
	Insn   Instruction
	Detail string
}

func (e *Error) Error() string {
	if e.PC < 0 {
		return fmt.Sprintf("bpf: %v: %s", e.Err, e.Detail)
	}
	return fmt.Sprintf("bpf: pc %d %v: %v: %s", e.PC, e.Insn, e.Err, e.Detail)
}

func (e *Error) Unwrap() error { return e.Err }

func fault(err error, prog []Instruction, pc int, format string, args ...any) *Error {
	return &Error{Err: err, PC: pc, Insn: prog[pc], Detail: fmt.Sprintf(format, args...)}
}

// Validate checks prog with the rules the kernel applies when a seccomp
// filter is installed: net/core/filter.c bpf_check_basics_ok,
// bpf_check_classic (with its chk_code_allowed table) and
// check_load_and_stores, then kernel/seccomp.c seccomp_check_filter, whose
// opcode list is narrower (no BPF_MOD, no byte or half-word loads, no
// indirect loads). A program that passes runs without faults: Run relies on
// that.
func Validate(prog []Instruction) error {
	n := len(prog)
	if n == 0 {
		return &Error{Err: ErrEmpty, PC: -1, Detail: "a filter needs at least one instruction"}
	}
	if n > MaxInstructions {
		return &Error{Err: ErrTooLong, PC: -1, Detail: fmt.Sprintf("%d instructions, the kernel accepts at most %d", n, MaxInstructions)}
	}
	for pc, in := range prog {
		if !seccompAllowed(in.Code) {
			return fault(ErrBadOpcode, prog, pc, "opcode 0x%02x (%s) is not accepted by seccomp_check_filter", in.Code, opName(in.Code))
		}
		switch in.Code {
		case Ld | W | Abs:
			// mirrors kernel/seccomp.c: seccomp_check_filter, "32-bit
			// aligned and not out of bounds".
			if in.K >= SeccompDataSize || in.K&3 != 0 {
				return fault(ErrBadLoad, prog, pc, "offset %d, want a multiple of 4 below %d (sizeof(struct seccomp_data))", in.K, SeccompDataSize)
			}
		case Alu | Div | K:
			if in.K == 0 {
				return fault(ErrDivideByZero, prog, pc, "A /= 0")
			}
		case Alu | Lsh | K, Alu | Rsh | K:
			if in.K >= 32 {
				return fault(ErrBadShift, prog, pc, "shift by %d, want below 32", in.K)
			}
		case Ld | Mem, Ldx | Mem, St, Stx:
			if in.K >= MemWords {
				return fault(ErrBadMemCell, prog, pc, "cell %d, want below %d", in.K, MemWords)
			}
		case Jmp | Ja:
			// Compared as the kernel does: unsigned, so a "negative"
			// offset is a huge forward one and fails here too.
			if in.K >= uint32(n-pc-1) {
				return fault(ErrJumpRange, prog, pc, "jump by %d from pc %d lands past the last pc %d (jumps go forward only)", in.K, pc, n-1)
			}
		default:
			if in.Code&0x07 == Jmp {
				if pc+int(in.Jt)+1 >= n || pc+int(in.Jf)+1 >= n {
					return fault(ErrJumpRange, prog, pc, "targets %d and %d, want both at most the last pc %d", pc+int(in.Jt)+1, pc+int(in.Jf)+1, n-1)
				}
			}
		}
	}
	if c := prog[n-1].Code; c != Ret|K && c != Ret|RetA {
		return fault(ErrNoReturn, prog, n-1, "the program could run off its end")
	}
	return checkLoadAndStores(prog)
}

// checkLoadAndStores mirrors net/core/filter.c: check_load_and_stores,
// including its quirk that the state after a return flows into the next
// instruction.
func checkLoadAndStores(prog []Instruction) error {
	masks := make([]uint16, len(prog))
	for i := range masks {
		masks[i] = 0xffff
	}
	var valid uint16
	for pc, in := range prog {
		valid &= masks[pc]
		switch in.Code {
		case St, Stx:
			valid |= 1 << in.K
		case Ld | Mem, Ldx | Mem:
			if valid&(1<<in.K) == 0 {
				return fault(ErrUninitMem, prog, pc, "cell %d may be read before any store to it", in.K)
			}
		case Jmp | Ja:
			masks[pc+1+int(in.K)] &= valid
			valid = 0xffff
		case Jmp | Jeq | K, Jmp | Jeq | X, Jmp | Jge | K, Jmp | Jge | X,
			Jmp | Jgt | K, Jmp | Jgt | X, Jmp | Jset | K, Jmp | Jset | X:
			masks[pc+1+int(in.Jt)] &= valid
			masks[pc+1+int(in.Jf)] &= valid
			valid = 0xffff
		}
	}
	return nil
}

// seccompAllowed is the intersection of bpf_check_classic's
// chk_code_allowed and seccomp_check_filter's list: the latter is a subset
// except that it also accepts BPF_LD|BPF_W|BPF_LEN and BPF_LDX|BPF_W|BPF_LEN
// (rewritten to loads of the constant 64), which the former accepts too.
func seccompAllowed(code uint16) bool {
	switch code {
	case Ld | W | Abs, Ld | W | Len, Ldx | W | Len,
		Ret | K, Ret | RetA,
		Alu | Add | K, Alu | Add | X, Alu | Sub | K, Alu | Sub | X,
		Alu | Mul | K, Alu | Mul | X, Alu | Div | K, Alu | Div | X,
		Alu | And | K, Alu | And | X, Alu | Or | K, Alu | Or | X,
		Alu | Xor | K, Alu | Xor | X, Alu | Lsh | K, Alu | Lsh | X,
		Alu | Rsh | K, Alu | Rsh | X, Alu | Neg,
		Ld | Imm, Ldx | Imm, Misc | Tax, Misc | Txa,
		Ld | Mem, Ldx | Mem, St, Stx,
		Jmp | Ja, Jmp | Jeq | K, Jmp | Jeq | X, Jmp | Jge | K, Jmp | Jge | X,
		Jmp | Jgt | K, Jmp | Jgt | X, Jmp | Jset | K, Jmp | Jset | X:
		return true
	}
	return false
}

// opName names an opcode for error messages, including ones seccomp
// refuses.
func opName(code uint16) string {
	if code > 0xff {
		return "not an opcode"
	}
	class := [...]string{"ld", "ldx", "st", "stx", "alu", "jmp", "ret", "misc"}[code&7]
	switch code & 7 {
	case Ld, Ldx:
		size := map[uint16]string{W: "w", H: "h", B: "b", 0x18: "dw"}[code&0x18]
		mode := map[uint16]string{Imm: "imm", Abs: "abs", Ind: "ind", Mem: "mem", Len: "len", Msh: "msh"}[code&0xe0]
		if mode == "" {
			mode = fmt.Sprintf("mode 0x%02x", code&0xe0)
		}
		return class + " " + size + " " + mode
	case Alu:
		op := map[uint16]string{Add: "add", Sub: "sub", Mul: "mul", Div: "div", Or: "or", And: "and",
			Lsh: "lsh", Rsh: "rsh", Neg: "neg", Mod: "mod", Xor: "xor"}[code&0xf0]
		if op == "" {
			op = fmt.Sprintf("op 0x%02x", code&0xf0)
		}
		return class + " " + op + " " + srcName(code)
	case Jmp:
		op := map[uint16]string{Ja: "ja", Jeq: "jeq", Jgt: "jgt", Jge: "jge", Jset: "jset"}[code&0xf0]
		if op == "" {
			op = fmt.Sprintf("op 0x%02x", code&0xf0)
		}
		return class + " " + op + " " + srcName(code)
	case Ret:
		return class + " " + map[uint16]string{K: "k", 0x08: "x", RetA: "a"}[code&0x18]
	}
	return class
}

func srcName(code uint16) string {
	if code&X != 0 {
		return "x"
	}
	return "k"
}
