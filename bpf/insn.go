package bpf

import (
	"encoding/binary"
	"fmt"
)

// Instruction is one classic BPF instruction, the kernel's struct
// sock_filter.
type Instruction struct {
	Code   uint16
	Jt, Jf uint8
	K      uint32
}

func (i Instruction) String() string {
	return fmt.Sprintf("{0x%02x, %d, %d, 0x%08x}", i.Code, i.Jt, i.Jf, i.K)
}

// InstructionSize is sizeof(struct sock_filter).
const InstructionSize = 8

// MaxInstructions is BPF_MAXINSNS, the longest program the kernel accepts.
const MaxInstructions = 4096

// Opcode fields, from include/uapi/linux/bpf_common.h and filter.h. An
// opcode is class | size | mode for loads, class | op | source for ALU and
// jumps, class | source for returns.
const (
	// Instruction classes.
	Ld   = 0x00
	Ldx  = 0x01
	St   = 0x02
	Stx  = 0x03
	Alu  = 0x04
	Jmp  = 0x05
	Ret  = 0x06
	Misc = 0x07

	// Load sizes.
	W = 0x00
	H = 0x08
	B = 0x10

	// Load modes.
	Imm = 0x00
	Abs = 0x20
	Ind = 0x40
	Mem = 0x60
	Len = 0x80
	Msh = 0xa0

	// ALU operations.
	Add = 0x00
	Sub = 0x10
	Mul = 0x20
	Div = 0x30
	Or  = 0x40
	And = 0x50
	Lsh = 0x60
	Rsh = 0x70
	Neg = 0x80
	Mod = 0x90
	Xor = 0xa0

	// Jump operations.
	Ja   = 0x00
	Jeq  = 0x10
	Jgt  = 0x20
	Jge  = 0x30
	Jset = 0x40

	// Operand sources: the constant K or the index register X.
	K = 0x00
	X = 0x08

	// RetA returns the accumulator (BPF_RET | BPF_A); Ret | K returns K.
	RetA = 0x10

	// MISC operations.
	Tax = 0x00
	Txa = 0x80
)

// Stmt is the kernel's BPF_STMT.
func Stmt(code uint16, k uint32) Instruction { return Instruction{Code: code, K: k} }

// Jump is the kernel's BPF_JUMP.
func Jump(code uint16, k uint32, jt, jf uint8) Instruction {
	return Instruction{Code: code, Jt: jt, Jf: jf, K: k}
}

// MemWords is BPF_MEMWORDS, the number of scratch memory cells.
const MemWords = 16

// Decode reads a raw sock_filter array in the host's byte order, as
// PTRACE_SECCOMP_GET_FILTER returns it.
func Decode(b []byte) ([]Instruction, error) {
	return DecodeOrder(b, binary.NativeEndian)
}

// DecodeOrder reads a raw sock_filter array in byte order o.
func DecodeOrder(b []byte, o binary.ByteOrder) ([]Instruction, error) {
	if len(b)%InstructionSize != 0 {
		return nil, fmt.Errorf("decoding bpf: %d bytes is not a whole number of %d-byte instructions (%d left over at offset %d)",
			len(b), InstructionSize, len(b)%InstructionSize, len(b)-len(b)%InstructionSize)
	}
	prog := make([]Instruction, len(b)/InstructionSize)
	for i := range prog {
		r := b[i*InstructionSize:]
		prog[i] = Instruction{Code: o.Uint16(r), Jt: r[2], Jf: r[3], K: o.Uint32(r[4:])}
	}
	return prog, nil
}

// Encode writes prog as a raw sock_filter array in byte order o.
func Encode(prog []Instruction, o binary.ByteOrder) []byte {
	b := make([]byte, len(prog)*InstructionSize)
	for i, in := range prog {
		r := b[i*InstructionSize:]
		o.PutUint16(r, in.Code)
		r[2], r[3] = in.Jt, in.Jf
		o.PutUint32(r[4:], in.K)
	}
	return b
}
