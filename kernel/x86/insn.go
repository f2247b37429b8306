package x86

import (
	"golang.org/x/arch/x86/x86asm"
)

// Kind is what an instruction does to control flow. Everything the CFG and
// call graph need from an instruction is its length, its Kind and, for
// direct branches, its target.
type Kind uint8

const (
	Other   Kind = iota // falls through to the next instruction
	Nop                 // 90, 66 90, 0f 1f /0: alignment padding when not a jump target
	Int3                // cc: a trap; also SLS and inter-function padding
	Cond                // jcc rel8/rel32, loop*, jrcxz, xbegin: target and fall-through
	Jmp                 // jmp rel8/rel32
	JmpInd              // jmp *r/m, ljmp: target unknown
	Call                // call rel32
	CallInd             // call *r/m, lcall
	Ret                 // ret, lret, iret, sysret, sysexit
	Trap                // ud0, ud1, ud2: BUG() and friends, never falls through
	Bad                 // undecodable byte; the decoder skips one byte
)

var kindNames = [...]string{"other", "nop", "int3", "cond", "jmp", "jmp*", "call", "call*", "ret", "trap", "bad"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind?"
}

// Insn is one decoded instruction, reduced to what control flow needs.
type Insn struct {
	Len  int
	Kind Kind
	// Rel is the branch displacement of Cond, Jmp and Call, relative to the
	// end of the instruction.
	Rel int64
}

// DecodeFast decodes the instruction at the start of b with sysweight's own
// x86-64 length decoder. It knows the one-byte, 0f, 0f38, 0f3a, 3DNow!, VEX,
// EVEX and XOP opcode maps well enough to find lengths, and classifies
// control flow exactly; it does not name operations. ok is false for opcodes
// invalid in 64-bit mode and for truncated input; callers then fall back to
// DecodeRef. Kernel-wide agreement with x86asm is checked by TestFastMatchesRef.
func DecodeFast(b []byte) (in Insn, ok bool) {
	var (
		i      int
		opsize bool // 66
		rexW   bool
		rexB   bool
		rep    bool // f3
		repne  bool // f2
	)
prefixes:
	for ; ; i++ {
		if i >= len(b) || i >= 14 {
			return Insn{}, false
		}
		switch c := b[i]; {
		case c == 0x66:
			opsize = true
			rexW, rexB = false, false
		case c == 0xf3:
			rep = true
			rexW, rexB = false, false
		case c == 0xf2:
			repne = true
			rexW, rexB = false, false
		case c == 0x67, c == 0xf0, c == 0x26, c == 0x2e, c == 0x36, c == 0x3e, c == 0x64, c == 0x65:
			// A legacy prefix after REX cancels the REX (SDM vol. 2, 2.2.1).
			rexW, rexB = false, false
		case c&0xf0 == 0x40:
			rexW, rexB = c&8 != 0, c&1 != 0
		default:
			break prefixes
		}
	}
	op := b[i]
	i++
	// immZ is the size of an Iz immediate: 16 bits with 66, else 32.
	immZ := 4
	if opsize && !rexW {
		immZ = 2
	}
	k := Other
	imm := 0
	modrm := false
	rel := 0 // size of a relative displacement, read into Rel
	switch {
	case op == 0x0f:
		if i >= len(b) {
			return Insn{}, false
		}
		op2 := b[i]
		i++
		switch {
		case op2 == 0x38:
			if i >= len(b) {
				return Insn{}, false
			}
			i++
			modrm = true
		case op2 == 0x3a:
			if i >= len(b) {
				return Insn{}, false
			}
			i++
			modrm, imm = true, 1
		case op2 == 0x0f: // 3DNow!: the opcode is a trailing imm8
			modrm, imm = true, 1
		case op2 >= 0x80 && op2 <= 0x8f:
			k, rel = Cond, 4
		case op2 == 0x05 || op2 == 0x06 || op2 == 0x08 || op2 == 0x09 || op2 == 0x0e ||
			op2 == 0x30 || op2 == 0x31 || op2 == 0x32 || op2 == 0x33 || op2 == 0x34 || op2 == 0x37 ||
			op2 == 0x77 || op2 == 0xa0 || op2 == 0xa1 || op2 == 0xa2 || op2 == 0xa8 || op2 == 0xa9 ||
			op2 == 0xaa || op2&0xf8 == 0xc8:
			// no ModRM
		case op2 == 0x07 || op2 == 0x35: // sysret, sysexit
			k = Ret
		case op2 == 0x0b: // ud2
			k = Trap
		case op2 == 0xb9 || op2 == 0xff: // ud1, ud0
			k, modrm = Trap, true
		case op2 == 0x04 || op2 == 0x0a || op2 == 0x0c || op2 == 0x24 || op2 == 0x25 || op2 == 0x26 ||
			op2 == 0x27 || op2 == 0x36 || op2 == 0x39 || op2 == 0x3b || op2 == 0x3c || op2 == 0x3d ||
			op2 == 0x3e || op2 == 0x3f || op2 == 0x7a || op2 == 0x7b:
			return Insn{}, false
		case op2 >= 0x70 && op2 <= 0x73, op2 == 0xa4, op2 == 0xac, op2 == 0xba, op2 == 0xc2,
			op2 == 0xc4, op2 == 0xc5, op2 == 0xc6:
			modrm, imm = true, 1
		case op2 == 0x78 && (opsize || repne):
			// AMD SSE4a: 66 0f 78 /0 ib ib is extrq, f2 0f 78 /r ib ib
			// insertq (without either prefix, vmread: ModRM only).
			modrm, imm = true, 2
		case op2 == 0x1f:
			modrm = true
			if i < len(b) && (b[i]>>3)&7 == 0 {
				k = Nop
			}
		default:
			modrm = true
		}
	case op == 0xc4 || op == 0xc5: // VEX
		m := 1
		if op == 0xc4 {
			if i+1 >= len(b) {
				return Insn{}, false
			}
			m = int(b[i] & 0x1f)
			i += 2
		} else {
			i++
		}
		if i >= len(b) {
			return Insn{}, false
		}
		op3 := b[i]
		i++
		switch m {
		case 1:
			if op3 != 0x77 { // vzeroupper/vzeroall have no ModRM
				modrm = true
			}
			if op3 >= 0x70 && op3 <= 0x73 || op3 == 0xc2 || op3 == 0xc4 || op3 == 0xc5 || op3 == 0xc6 {
				imm = 1
			}
		case 2:
			modrm = true
		case 3:
			modrm, imm = true, 1
		default:
			return Insn{}, false
		}
	case op == 0x62: // EVEX (BOUND is invalid in 64-bit mode)
		if i+3 >= len(b) {
			return Insn{}, false
		}
		m := int(b[i] & 7)
		op3 := b[i+3]
		i += 4
		modrm = true
		switch m {
		case 1:
			if op3 >= 0x70 && op3 <= 0x73 || op3 == 0xc2 || op3 == 0xc4 || op3 == 0xc5 || op3 == 0xc6 {
				imm = 1
			}
		case 2, 5, 6:
		case 3:
			imm = 1
		default:
			return Insn{}, false
		}
	case op == 0x8f && i < len(b) && b[i]&0x1f >= 8: // AMD XOP; 8f /0 is pop
		if i+2 >= len(b) {
			return Insn{}, false
		}
		m := int(b[i] & 0x1f)
		i += 3
		modrm = true
		switch m {
		case 8:
			imm = 1
		case 9:
		case 10:
			imm = 4
		default:
			return Insn{}, false
		}
	case op < 0x40:
		switch op & 7 {
		case 0, 1, 2, 3:
			modrm = true
		case 4:
			imm = 1
		case 5:
			imm = immZ
		default: // push/pop seg, daa, das, aaa, aas: invalid in 64-bit mode
			return Insn{}, false
		}
	case op >= 0x50 && op <= 0x5f, op >= 0x6c && op <= 0x6f, op >= 0x91 && op <= 0x99,
		op >= 0x9b && op <= 0x9f, op >= 0xa4 && op <= 0xa7, op >= 0xaa && op <= 0xaf,
		op == 0xc9, op == 0xd7, op == 0xf1, op == 0xf4, op == 0xf5, op >= 0xf8 && op <= 0xfd,
		op >= 0xec && op <= 0xef:
	case op == 0x90:
		if !rexB && !rep {
			k = Nop
		}
	case op == 0x63, op >= 0x84 && op <= 0x8f, op >= 0xd0 && op <= 0xd3, op >= 0xd8 && op <= 0xdf, op == 0xfe:
		modrm = true
	case op == 0x68:
		imm = immZ
	case op == 0x69, op == 0x81:
		modrm, imm = true, immZ
	case op == 0x6a, op == 0xa8, op >= 0xb0 && op <= 0xb7, op == 0xcd, op >= 0xe4 && op <= 0xe7:
		imm = 1
	case op == 0x6b, op == 0x80, op == 0x83, op == 0xc0, op == 0xc1:
		modrm, imm = true, 1
	case op >= 0x70 && op <= 0x7f, op >= 0xe0 && op <= 0xe3:
		k, rel = Cond, 1
	case op >= 0xa0 && op <= 0xa3: // mov moffs: a full-width address
		imm = 8
		for _, p := range b[:i-1] {
			if p == 0x67 {
				imm = 4
			}
		}
	case op == 0xa9:
		imm = immZ
	case op >= 0xb8 && op <= 0xbf:
		imm = immZ
		if rexW {
			imm = 8
		}
	case op == 0xc2:
		k, imm = Ret, 2
	case op == 0xc3, op == 0xcb, op == 0xcf:
		k = Ret
	case op == 0xca:
		k, imm = Ret, 2
	case op == 0xc6:
		modrm, imm = true, 1
	case op == 0xc7:
		modrm, imm = true, immZ
		if i < len(b) && b[i] == 0xf8 { // xbegin rel16/32
			k, modrm, imm, rel = Cond, false, 0, immZ
			i++
		}
	case op == 0xc8:
		imm = 3
	case op == 0xcc:
		k = Int3
	case op == 0xe8:
		k, rel = Call, 4
	case op == 0xe9:
		k, rel = Jmp, 4
	case op == 0xeb:
		k, rel = Jmp, 1
	case op == 0xf6:
		modrm = true
		if i < len(b) && (b[i]>>3)&7 <= 1 {
			imm = 1
		}
	case op == 0xf7:
		modrm = true
		if i < len(b) && (b[i]>>3)&7 <= 1 {
			imm = immZ
		}
	case op == 0xff:
		modrm = true
		if i < len(b) {
			switch (b[i] >> 3) & 7 {
			case 2, 3:
				k = CallInd
			case 4, 5:
				k = JmpInd
			case 7:
				return Insn{}, false
			}
		}
	default: // 60 61 82 9a ce d4 d5 d6 ea
		return Insn{}, false
	}
	if modrm {
		if i >= len(b) {
			return Insn{}, false
		}
		m := b[i]
		i++
		mod, rm := m>>6, m&7
		if mod != 3 {
			if rm == 4 {
				if i >= len(b) {
					return Insn{}, false
				}
				if mod == 0 && b[i]&7 == 5 {
					i += 4
				}
				i++
			}
			switch {
			case mod == 0 && rm == 5:
				i += 4
			case mod == 1:
				i++
			case mod == 2:
				i += 4
			}
		}
	}
	i += imm
	if rel > 0 {
		if i+rel > len(b) {
			return Insn{}, false
		}
		switch rel {
		case 1:
			in.Rel = int64(int8(b[i]))
		case 2:
			in.Rel = int64(int16(uint16(b[i]) | uint16(b[i+1])<<8))
		case 4:
			in.Rel = int64(int32(uint32(b[i]) | uint32(b[i+1])<<8 | uint32(b[i+2])<<16 | uint32(b[i+3])<<24))
		}
		i += rel
	}
	if i > len(b) || i > 15 {
		return Insn{}, false
	}
	in.Len, in.Kind = i, k
	return in, true
}

// DecodeRef decodes the instruction at the start of b with x86asm, the
// reference decoder. It is about ten times slower than DecodeFast.
// Undecodable bytes give Kind Bad and Len 1, so a linear sweep resumes at the
// next byte; callers count them.
func DecodeRef(b []byte) Insn {
	inst, err := x86asm.Decode(b, 64)
	if err != nil || inst.Len == 0 {
		return Insn{Len: 1, Kind: Bad}
	}
	in := Insn{Len: inst.Len}
	switch inst.Op {
	case x86asm.JA, x86asm.JAE, x86asm.JB, x86asm.JBE, x86asm.JE, x86asm.JG, x86asm.JGE,
		x86asm.JL, x86asm.JLE, x86asm.JNE, x86asm.JNO, x86asm.JNP, x86asm.JNS, x86asm.JO,
		x86asm.JP, x86asm.JS, x86asm.JCXZ, x86asm.JECXZ, x86asm.JRCXZ,
		x86asm.LOOP, x86asm.LOOPE, x86asm.LOOPNE, x86asm.XBEGIN:
		in.Kind = Cond
	case x86asm.JMP:
		in.Kind = JmpInd
	case x86asm.LJMP:
		in.Kind = JmpInd
	case x86asm.CALL:
		in.Kind = CallInd
	case x86asm.LCALL:
		in.Kind = CallInd
	case x86asm.RET, x86asm.LRET, x86asm.IRET, x86asm.IRETD, x86asm.IRETQ,
		x86asm.SYSRET, x86asm.SYSEXIT:
		in.Kind = Ret
	case x86asm.UD0, x86asm.UD1, x86asm.UD2:
		in.Kind = Trap
	case x86asm.INT, x86asm.NOP, x86asm.XCHG:
		// x86asm calls 90 "xchg eax, eax" and every 0f 18-1f hint "nop";
		// padding detection wants exactly int3, 90 and 0f 1f /0.
		in.Kind = byteClass(b[:inst.Len])
	}
	if rel, ok := inst.Args[0].(x86asm.Rel); ok {
		in.Rel = int64(rel)
		if in.Kind == JmpInd {
			in.Kind = Jmp
		} else if in.Kind == CallInd {
			in.Kind = Call
		}
	}
	return in
}

// byteClass tells Int3 and Nop from Other by the opcode bytes after the
// prefixes, the way DecodeFast does.
func byteClass(b []byte) Kind {
	i, rexB, rep := 0, false, false
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case c == 0xf3:
			rep, rexB = true, false
		case c == 0x66 || c == 0x67 || c == 0xf0 || c == 0xf2 || c == 0x26 || c == 0x2e || c == 0x36 ||
			c == 0x3e || c == 0x64 || c == 0x65:
			rexB = false
		case c&0xf0 == 0x40:
			rexB = c&1 != 0
		default:
			switch {
			case c == 0xcc && i+1 == len(b):
				return Int3
			case c == 0x90 && i+1 == len(b) && !rexB && !rep:
				return Nop
			case c == 0x0f && i+2 < len(b) && b[i+1] == 0x1f && (b[i+2]>>3)&7 == 0:
				return Nop
			}
			return Other
		}
	}
	return Other
}

// decode is the sweep's decoder: DecodeFast, or DecodeRef for what it does
// not know, or DecodeRef alone when ref is set.
func decode(b []byte, ref bool) Insn {
	if !ref {
		if in, ok := DecodeFast(b); ok {
			return in
		}
	}
	return DecodeRef(b)
}
