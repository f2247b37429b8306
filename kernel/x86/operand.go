package x86

// General-purpose registers in encoding order (SDM vol. 2, 2.1.5); RIP is
// the base of a RIP-relative memory operand.
const (
	RAX = iota
	RCX
	RDX
	RBX
	RSP
	RBP
	RSI
	RDI
	R8
	R9
	R10
	R11
	R12
	R13
	R14
	R15
	RIP
	NoReg = -1
)

// ArgRegs are the System V AMD64 integer argument registers, in order.
var ArgRegs = [6]int8{RDI, RSI, RDX, RCX, R8, R9}

// CallerSaved is the mask of registers a call may change (System V AMD64:
// rax, rcx, rdx, rsi, rdi, r8–r11).
const CallerSaved uint16 = 1<<RAX | 1<<RCX | 1<<RDX | 1<<RSI | 1<<RDI | 1<<R8 | 1<<R9 | 1<<R10 | 1<<R11

// OpClass is what an instruction does to data, for the data-flow passes:
// only the moves of whole registers and addresses are interpreted, every
// other write is recorded in Op.Writes.
type OpClass uint8

const (
	OpOther    OpClass = iota // writes Op.Writes, value unknown
	OpLoad                    // Dst ← [Mem] (64-bit)
	OpStore                   // [Mem] ← Src (64-bit)
	OpStoreImm                // [Mem] ← Imm (64-bit, sign-extended imm32)
	OpMove                    // Dst ← Src (64-bit)
	OpLea                     // Dst ← address of Mem
	OpMoveImm                 // Dst ← Imm (64-bit result)
	OpAddImm                  // Dst ← Dst + Imm (64-bit; sub is a negative Imm)
	OpZero                    // Dst ← 0 (xor/sub of a register with itself)
	OpAddReg                  // Dst ← Dst + Src (64-bit registers)
	OpAddMem                  // Dst ← Dst + [Mem] (64-bit)
	OpCmov                    // Dst ← Src or Dst (64-bit registers, a cmovcc)
	OpPush                    // [rsp−8] ← Src (push of a register; StackDelta −8)
	OpPushImm                 // [rsp−8] ← Imm (push of a sign-extended imm32 or imm8; StackDelta −8)
	OpCmpxchg                 // [Mem] ← Src when [Mem] = rax, else rax ← [Mem] (64-bit; Writes has rax)
)

// Mem is a memory operand: [Seg: Base + Index*Scale + Disp]. For a
// RIP-relative operand Base is RIP and Disp is already the absolute offset
// from the instruction's own address (end of instruction + disp32), so the
// address is insn address + Disp.
type Mem struct {
	Base, Index int8 // NoReg when absent
	Scale       uint8
	Seg         uint8 // 0, or the segment prefix byte (0x64 fs, 0x65 gs)
	Disp        int64
}

// Op is an instruction decoded for data flow.
type Op struct {
	Insn        // length, control-flow kind and branch displacement
	Class       OpClass
	Dst, Src    int8 // registers, NoReg when not applicable
	HasMem      bool
	Mem         Mem
	Imm         int64
	ImmOff      uint8  // offset of the immediate in the instruction (0: none)
	Writes      uint16 // registers whose value changes (Dst included)
	Size        uint8  // operand size in bytes (1, 2, 4, 8)
	IndirectReg bool   // call/jmp *Src (register operand): Src holds the target
	// MemWrite: the instruction writes its memory operand (conservatively
	// true when the decoder cannot tell).
	MemWrite bool
	// StackDelta is what the instruction adds to rsp by pushing or
	// popping (−8 for push, +8 for pop); RSPLost means rsp gets a value
	// the decoder does not follow (leave).
	StackDelta int8
	RSPLost    bool
}

// DecodeOp decodes the instruction at the start of b for data flow. Its
// length and control-flow kind are DecodeFast's (x86asm's where DecodeFast
// declines). Instructions it does not interpret are OpOther with the
// registers they may write in Writes; when it cannot tell, Writes has every
// register, so that a caller forgets what it knew rather than keep a value
// an instruction changed.
func DecodeOp(b []byte) Op {
	in, ok := DecodeFast(b)
	if !ok {
		in = DecodeRef(b)
	}
	op := Op{Insn: in, Dst: NoReg, Src: NoReg}
	if in.Kind == Bad || in.Kind == Int3 || in.Len > len(b) {
		return op
	}
	b = b[:in.Len] // every read below stays inside the instruction
	const all = 0xffff
	var (
		i      int
		rex    byte
		opsize bool
		seg    uint8
	)
	for ; i < in.Len; i++ {
		c := b[i]
		switch {
		case c == 0x66:
			opsize, rex = true, 0
		case c == 0x64 || c == 0x65:
			seg, rex = c, 0
		case c == 0xf2 || c == 0xf3 || c == 0xf0 || c == 0x67 || c == 0x26 || c == 0x2e || c == 0x36 || c == 0x3e:
			rex = 0
		case c&0xf0 == 0x40:
			rex = c
			continue
		default:
			goto opcode
		}
	}
	return op
opcode:
	w := rex&8 != 0
	op.Size = 4
	switch {
	case w:
		op.Size = 8
	case opsize:
		op.Size = 2
	}
	c := b[i]
	i++
	// modrm decodes the ModRM byte at b[i] (and SIB, displacement): the reg
	// field and either a register (rm) or the memory operand.
	modrm := func() (reg, rm int8, mem bool) {
		if i >= in.Len {
			return NoReg, NoReg, false
		}
		m := b[i]
		i++
		reg = int8((m>>3)&7) | int8(rex&4)<<1
		mod, r := m>>6, m&7
		if mod == 3 {
			return reg, int8(r) | int8(rex&1)<<3, false
		}
		mm := Mem{Base: NoReg, Index: NoReg, Scale: 1, Seg: seg}
		if r == 4 {
			if i >= in.Len {
				return reg, NoReg, false
			}
			sib := b[i]
			i++
			mm.Scale = 1 << (sib >> 6)
			if idx := int8((sib>>3)&7) | int8(rex&2)<<2; idx != RSP {
				mm.Index = idx
			}
			base := sib & 7
			if base == 5 && mod == 0 {
				mm.Disp = int64(int32(le32(b, i)))
				i += 4
			} else {
				mm.Base = int8(base) | int8(rex&1)<<3
			}
		} else if r == 5 && mod == 0 {
			mm.Base = RIP
			mm.Disp = int64(int32(le32(b, i))) + int64(in.Len)
			i += 4
		} else {
			mm.Base = int8(r) | int8(rex&1)<<3
		}
		switch mod {
		case 1:
			if i < len(b) {
				mm.Disp += int64(int8(b[i]))
			}
			i++
		case 2:
			mm.Disp += int64(int32(le32(b, i)))
			i += 4
		}
		op.HasMem, op.Mem = true, mm
		return reg, NoReg, true
	}
	bit := func(r int8) uint16 {
		if r < 0 || r > 15 {
			return 0
		}
		return 1 << r
	}
	// The immediate is the instruction's last bytes, before none: every
	// form read here has no displacement after it.
	imm := func(n int) int64 {
		p := in.Len - n
		if p < 1 {
			return 0
		}
		op.ImmOff = uint8(p)
		switch n {
		case 1:
			return int64(int8(b[p]))
		case 2:
			return int64(int16(uint16(b[p]) | uint16(b[p+1])<<8))
		case 4:
			return int64(int32(le32(b, p)))
		case 8:
			return int64(le32(b, p)) | int64(le32(b, p+4))<<32
		}
		return 0
	}
	switch {
	case c == 0x0f:
		if i >= in.Len {
			return op
		}
		c2 := b[i]
		i++
		switch {
		case c2 == 0x1f, c2 == 0x18, c2 == 0x0d, c2 == 0x0b, c2 == 0xb9, c2 == 0xff, c2 == 0xa3, c2 >= 0x80 && c2 <= 0x8f:
			// nop, prefetch, ud, bt, jcc: no register write
		case c2 == 0xae:
			// fences and xsave/xrstor (memory), rd/wr fs/gs base (register)
			_, rm, mem := modrm()
			op.Writes = bit(rm)
			op.MemWrite = mem
		case c2 == 0x05 || c2 == 0x34: // syscall, sysenter
			op.Writes = all
		case c2 == 0x31 || c2 == 0x32 || c2 == 0x33: // rdtsc, rdmsr, rdpmc
			op.Writes = bit(RAX) | bit(RDX)
		case c2 == 0xa2: // cpuid
			op.Writes = bit(RAX) | bit(RBX) | bit(RCX) | bit(RDX)
		case c2 == 0x01: // system group: rdtscp, xgetbv, ... write rax/rdx/rcx
			op.Writes = bit(RAX) | bit(RCX) | bit(RDX)
		case c2&0xf8 == 0xc8: // bswap
			op.Writes = bit(int8(c2&7) | int8(rex&1)<<3)
		case c2 >= 0x90 && c2 <= 0x9f, c2 == 0xab, c2 == 0xb3, c2 == 0xbb, c2 == 0xa4, c2 == 0xa5, c2 == 0xac, c2 == 0xad, c2 == 0xba:
			// setcc, bts/btr/btc, shld/shrd, bt group: write r/m
			_, rm, mem := modrm()
			op.Writes = bit(rm)
			op.MemWrite = mem
		case c2 == 0xb0 || c2 == 0xb1:
			// cmpxchg r/m, reg: the accumulator (the old value when they
			// differ) and the destination; the source register is read
			// only (Intel SDM vol. 2A, CMPXCHG). The atomic_inc_not_zero
			// loops of refcounts are made of it, so a wider guess would
			// lose rdx and the other arguments in thousands of functions.
			reg, rm, mem := modrm()
			op.Writes = bit(RAX) | bit(rm)
			if c2 == 0xb0 && rex == 0 && rm >= 4 && rm < 8 {
				op.Writes |= bit(rm - 4) // ah, ch, dh, bh
			}
			op.MemWrite = mem
			if mem && c2 == 0xb1 && rex&8 != 0 {
				// a pointer published atomically (inet_add_protocol:
				// cmpxchg(&inet_protos[protocol], NULL, prot))
				op.Class, op.Src = OpCmpxchg, reg
			}
		case c2 == 0xc0 || c2 == 0xc1: // xadd r/m, reg: both
			reg, rm, mem := modrm()
			op.Writes = bit(reg) | bit(rm)
			if c2 == 0xc0 && rex == 0 {
				for _, r := range [2]int8{reg, rm} {
					if r >= 4 && r < 8 {
						op.Writes |= bit(r - 4)
					}
				}
			}
			op.MemWrite = mem
		case c2 == 0xc7: // cmpxchg8b/16b (rdx:rax); rdrand, rdseed, rdpid (r/m)
			_, rm, mem := modrm()
			op.Writes = bit(RAX) | bit(RDX) | bit(rm)
			op.MemWrite = mem
		case c2 == 0x38 || c2 == 0x3a:
			op.Writes = all
			op.MemWrite = true
		case c2 >= 0x40 && c2 <= 0x4f: // cmovcc
			reg, rm, mem := modrm()
			op.Writes = bit(reg)
			if w && !mem {
				op.Class, op.Dst, op.Src = OpCmov, reg, rm
			}
		default:
			// movzx/movsx, imul, bsf/bsr, popcnt, SSE moves to general
			// registers: the reg field is the destination.
			reg, rm, _ := modrm()
			op.Writes = bit(reg) | bit(rm)
			if c2 >= 0x10 && c2 <= 0x17 || c2 >= 0x28 && c2 <= 0x2f || c2 >= 0x50 && c2 <= 0x7f && c2 != 0x7e || c2 >= 0xc2 && c2 <= 0xc6 || c2 >= 0xd0 {
				// SSE/MMX with xmm/mm destinations (0f 7e movd/movq
				// r/m ← xmm writes a general register).
				op.Writes = 0
				if c2 == 0x50 || c2 == 0xc5 || c2 == 0xd7 { // movmskps, pextrw, pmovmskb → reg
					op.Writes = bit(reg)
				}
			}
		}
	case c == 0xc4 || c == 0xc5 || c == 0x62 || c == 0x8f && i < in.Len && b[i]&0x1f >= 8:
		op.Writes = all // VEX/EVEX/XOP: BMI forms write general registers
		op.MemWrite = true
	case c < 0x40 && c&7 <= 3:
		reg, rm, mem := modrm()
		dstRM := c&2 == 0
		alu := c >> 3 // 0 add 1 or 2 adc 3 sbb 4 and 5 sub 6 xor 7 cmp
		if alu == 7 {
			break
		}
		if dstRM {
			op.MemWrite = mem
			if !mem {
				op.Writes = bit(rm)
				switch {
				case (alu == 6 || alu == 5) && rm == reg && c&1 == 1:
					op.Class, op.Dst = OpZero, rm
				case alu == 0 && c == 0x01 && w:
					op.Class, op.Dst, op.Src = OpAddReg, rm, reg
				}
			}
		} else {
			op.Writes = bit(reg)
			switch {
			case !mem && (alu == 6 || alu == 5) && rm == reg && c&1 == 1:
				op.Class, op.Dst = OpZero, reg
			case !mem && alu == 0 && c == 0x03 && w:
				op.Class, op.Dst, op.Src = OpAddReg, reg, rm
			case mem && c == 0x03 && w:
				op.Class, op.Dst = OpAddMem, reg
			}
		}
	case c < 0x40: // al/eax, imm forms
		if c>>3 != 7 {
			op.Writes = bit(RAX)
		}
	case c >= 0x50 && c <= 0x57, c == 0x68, c == 0x6a: // push
		op.StackDelta = -8
		switch {
		case c <= 0x57 && !opsize:
			op.Class, op.Src = OpPush, int8(c&7)|int8(rex&1)<<3
		case c == 0x68 && !opsize:
			op.Class, op.Imm = OpPushImm, imm(4)
		case c == 0x6a && !opsize:
			op.Class, op.Imm = OpPushImm, imm(1)
		}
	case c >= 0x58 && c <= 0x5f:
		op.Writes = bit(int8(c&7) | int8(rex&1)<<3)
		op.StackDelta = 8
	case c == 0x63, c == 0x69, c == 0x6b: // movsxd, imul
		reg, _, _ := modrm()
		op.Writes = bit(reg)
	case c >= 0x70 && c <= 0x7f, c == 0xe8, c == 0xe9, c == 0xeb, c >= 0xe0 && c <= 0xe3, c == 0xc3, c == 0xc2, c == 0xcc:
		if c >= 0xe0 && c <= 0xe2 {
			op.Writes = bit(RCX) // loop
		}
	case c >= 0x80 && c <= 0x83:
		reg, rm, mem := modrm()
		sub := reg & 7
		op.MemWrite = mem && sub != 7
		if sub == 7 || mem { // cmp, or a memory destination
			break
		}
		op.Writes = bit(rm)
		if w && (sub == 0 || sub == 5) && c != 0x80 && c != 0x82 {
			n := 4
			if c == 0x83 {
				n = 1
			}
			v := imm(n)
			if sub == 5 {
				v = -v
			}
			op.Class, op.Dst, op.Src, op.Imm = OpAddImm, rm, rm, v
		}
	case c == 0x84 || c == 0x85: // test
		modrm()
	case c == 0x86 || c == 0x87: // xchg
		reg, rm, mem := modrm()
		op.Writes = bit(reg) | bit(rm)
		op.MemWrite = mem
	case c == 0x88 || c == 0x89: // mov r/m ← reg
		reg, rm, mem := modrm()
		op.MemWrite = mem
		switch {
		case mem && c == 0x89 && w:
			op.Class, op.Src = OpStore, reg
		case !mem:
			op.Writes = bit(rm)
			if c == 0x89 && w {
				op.Class, op.Dst, op.Src = OpMove, rm, reg
			}
		}
	case c == 0x8a || c == 0x8b: // mov reg ← r/m
		reg, rm, mem := modrm()
		op.Writes = bit(reg)
		if c == 0x8b && w {
			if mem {
				op.Class, op.Dst = OpLoad, reg
			} else {
				op.Class, op.Dst, op.Src = OpMove, reg, rm
			}
		}
	case c == 0x8c:
		_, rm, _ := modrm()
		op.Writes = bit(rm)
	case c == 0x8d: // lea
		reg, _, mem := modrm()
		op.Writes = bit(reg)
		if mem && w {
			op.Class, op.Dst = OpLea, reg
		}
	case c == 0x8e: // mov sreg
	case c == 0x8f: // pop r/m
		_, rm, mem := modrm()
		op.Writes = bit(rm)
		op.StackDelta, op.MemWrite = 8, mem
	case c == 0x90:
		if rex&1 != 0 { // xchg r8, rax
			op.Writes = bit(RAX) | bit(R8)
		}
	case c >= 0x91 && c <= 0x97:
		op.Writes = bit(RAX) | bit(int8(c&7)|int8(rex&1)<<3)
	case c == 0x98 || c == 0x9f: // cltq, lahf
		op.Writes = bit(RAX)
	case c == 0x99: // cqo
		op.Writes = bit(RDX)
	case c == 0x9c:
		op.StackDelta = -8
	case c == 0x9d:
		op.StackDelta = 8
	case c == 0x9b: // fwait
	case c >= 0xa0 && c <= 0xa3:
		if c <= 0xa1 {
			op.Writes = bit(RAX)
		}
	case c == 0xa8 || c == 0xa9: // test al/eax, imm
	case c >= 0xa4 && c <= 0xaf: // string operations; rcx only with rep
		switch c {
		case 0xa4, 0xa5: // movs
			op.Writes = bit(RSI) | bit(RDI) | bit(RCX)
			op.MemWrite = true // through rdi
		case 0xa6, 0xa7: // cmps
			op.Writes = bit(RSI) | bit(RDI) | bit(RCX)
		case 0xaa, 0xab: // stos (memset: rep stos %rax,(%rdi))
			op.Writes = bit(RDI) | bit(RCX)
			op.MemWrite = true
		case 0xac, 0xad: // lods
			op.Writes = bit(RAX) | bit(RSI) | bit(RCX)
		default: // scas
			op.Writes = bit(RDI) | bit(RCX)
		}
	case c >= 0xb0 && c <= 0xb7:
		op.Writes = bit(int8(c&7) | int8(rex&1)<<3)
	case c >= 0xb8 && c <= 0xbf:
		r := int8(c&7) | int8(rex&1)<<3
		op.Writes = bit(r)
		if w {
			op.Class, op.Dst, op.Imm = OpMoveImm, r, imm(8)
		} else if !opsize {
			// mov r32, imm32 zero-extends into the 64-bit register
			op.Class, op.Dst, op.Imm = OpMoveImm, r, int64(uint32(imm(4)))
		}
	case c == 0xc0 || c == 0xc1 || c >= 0xd0 && c <= 0xd3: // shifts
		_, rm, mem := modrm()
		op.Writes = bit(rm)
		op.MemWrite = mem
	case c == 0xc6 || c == 0xc7:
		_, rm, mem := modrm()
		op.MemWrite = mem
		if c == 0xc7 && in.Kind == Cond { // xbegin
			op.Writes = bit(RAX)
			break
		}
		switch {
		case mem && c == 0xc7 && w:
			op.Class, op.Imm = OpStoreImm, imm(4)
		case !mem:
			op.Writes = bit(rm)
			if c == 0xc7 && w {
				op.Class, op.Dst, op.Imm = OpMoveImm, rm, imm(4)
			} else if c == 0xc7 && !opsize {
				op.Class, op.Dst, op.Imm = OpMoveImm, rm, int64(uint32(imm(4)))
			}
		}
	case c == 0xc9: // leave
		op.Writes = bit(RBP)
		op.RSPLost = true
	case c == 0xcd, c == 0xf1, c == 0xf4, c == 0xf5, c >= 0xf8 && c <= 0xfd, c == 0xcf, c == 0xcb, c == 0xca:
	case c >= 0xd8 && c <= 0xdf: // x87
		modrm()
	case c >= 0xe4 && c <= 0xe7, c >= 0xec && c <= 0xef: // in/out
		op.Writes = bit(RAX)
	case c == 0xf6 || c == 0xf7:
		reg, rm, _ := modrm()
		switch reg & 7 {
		case 0, 1: // test
		case 2, 3: // not, neg
			op.Writes = bit(rm)
			op.MemWrite = op.HasMem
		default: // mul, imul, div, idiv
			op.Writes = bit(RAX) | bit(RDX)
		}
	case c == 0xfe || c == 0xff:
		reg, rm, mem := modrm()
		switch reg & 7 {
		case 0, 1: // inc, dec
			op.Writes = bit(rm)
		case 2, 3, 4, 5: // call, jmp
			if !mem {
				op.Src, op.IndirectReg = rm, true
			}
		case 6: // push r/m
			op.StackDelta = -8
		}
		if mem && reg&7 <= 1 {
			op.MemWrite = true
		}
	default:
		op.Writes = all
		op.MemWrite = true
	}
	if op.Dst >= 0 {
		op.Writes |= bit(op.Dst)
	}
	if in.Kind == Call || in.Kind == CallInd {
		op.Writes |= CallerSaved
	}
	return op
}

func le32(b []byte, i int) uint32 {
	if i+4 > len(b) {
		return 0
	}
	return uint32(b[i]) | uint32(b[i+1])<<8 | uint32(b[i+2])<<16 | uint32(b[i+3])<<24
}
