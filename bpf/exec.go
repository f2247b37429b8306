package bpf

// SeccompData is the kernel's struct seccomp_data, the input of a seccomp
// filter.
type SeccompData struct {
	Nr                 int32
	Arch               uint32 // AUDIT_ARCH_* (syscalls.Arch.AuditArch)
	InstructionPointer uint64
	Args               [6]uint64
}

// word returns the 32-bit word at byte offset 4*i of d as a little-endian
// machine lays struct seccomp_data out: the low half of a 64-bit field
// first. x86_64 and aarch64, the architectures of package syscalls, are
// little-endian.
func (d *SeccompData) word(i uint32) uint32 {
	switch i {
	case 0:
		return uint32(d.Nr)
	case 1:
		return d.Arch
	case 2:
		return uint32(d.InstructionPointer)
	case 3:
		return uint32(d.InstructionPointer >> 32)
	}
	a := d.Args[(i-4)>>1]
	if i&1 == 1 {
		return uint32(a >> 32)
	}
	return uint32(a)
}

// Program is a validated filter, ready to run. Build it with Compile.
type Program struct {
	insns []Instruction
	ops   []op
	plain []op // ops without the jeqRun rewrite: the reference for tests
	runs  []jeqRun
}

// op is an instruction predecoded for the interpreter: a dense opcode, so
// that Run's switch compiles to a jump table, and absolute jump targets.
type op struct {
	code   uint8
	jt, jf uint16
	k      uint32
}

const (
	opLdData uint8 = iota // k is the word index
	opLdImm
	opLdxImm
	opLdMem
	opLdxMem
	opSt
	opStx
	opAddK
	opAddX
	opSubK
	opSubX
	opMulK
	opMulX
	opDivK
	opDivX
	opAndK
	opAndX
	opOrK
	opOrX
	opXorK
	opXorX
	opLshK
	opLshX
	opRshK
	opRshX
	opNeg
	opTax
	opTxa
	opJa
	opJeqK
	opJeqX
	opJgtK
	opJgtX
	opJgeK
	opJgeX
	opJsetK
	opJsetX
	opRetK
	opRetA
	opJeqRun // jt is the index into Program.runs
)

var opOf = map[uint16]uint8{
	Ld | W | Abs: opLdData, Ld | Imm: opLdImm, Ldx | Imm: opLdxImm,
	Ld | W | Len: opLdImm, Ldx | W | Len: opLdxImm,
	Ld | Mem: opLdMem, Ldx | Mem: opLdxMem, St: opSt, Stx: opStx,
	Alu | Add | K: opAddK, Alu | Add | X: opAddX, Alu | Sub | K: opSubK, Alu | Sub | X: opSubX,
	Alu | Mul | K: opMulK, Alu | Mul | X: opMulX, Alu | Div | K: opDivK, Alu | Div | X: opDivX,
	Alu | And | K: opAndK, Alu | And | X: opAndX, Alu | Or | K: opOrK, Alu | Or | X: opOrX,
	Alu | Xor | K: opXorK, Alu | Xor | X: opXorX, Alu | Lsh | K: opLshK, Alu | Lsh | X: opLshX,
	Alu | Rsh | K: opRshK, Alu | Rsh | X: opRshX, Alu | Neg: opNeg,
	Misc | Tax: opTax, Misc | Txa: opTxa,
	Jmp | Ja: opJa, Jmp | Jeq | K: opJeqK, Jmp | Jeq | X: opJeqX, Jmp | Jgt | K: opJgtK, Jmp | Jgt | X: opJgtX,
	Jmp | Jge | K: opJgeK, Jmp | Jge | X: opJgeX, Jmp | Jset | K: opJsetK, Jmp | Jset | X: opJsetX,
	Ret | K: opRetK, Ret | RetA: opRetA,
}

// Compile validates prog (see Validate) and prepares it to run. The
// program is copied.
func Compile(prog []Instruction) (*Program, error) {
	if err := Validate(prog); err != nil {
		return nil, err
	}
	p := &Program{insns: append([]Instruction(nil), prog...), ops: make([]op, len(prog))}
	for pc, in := range prog {
		o := op{code: opOf[in.Code], k: in.K}
		switch o.code {
		case opLdData:
			o.k = in.K / 4
		case opLdImm, opLdxImm:
			if in.Code&0xe0 == Len {
				// mirrors seccomp_check_filter: BPF_LEN loads
				// sizeof(struct seccomp_data).
				o.k = SeccompDataSize
			}
		case opJa:
			o.jt = uint16(pc + 1 + int(in.K))
		case opJeqK, opJeqX, opJgtK, opJgtX, opJgeK, opJgeX, opJsetK, opJsetX:
			o.jt, o.jf = uint16(pc+1+int(in.Jt)), uint16(pc+1+int(in.Jf))
		}
		p.ops[pc] = o
	}
	p.plain = append([]op(nil), p.ops...)
	p.findRuns()
	return p, nil
}

// Instructions returns a copy of the program.
func (p *Program) Instructions() []Instruction { return append([]Instruction(nil), p.insns...) }

// Len is the number of instructions.
func (p *Program) Len() int { return len(p.insns) }

// Run returns the filter's SECCOMP_RET_* value for d. It does not allocate.
// Arithmetic follows the kernel's translation of classic BPF
// (net/core/filter.c: bpf_convert_filter): 32-bit wrap-around, division by
// a zero X returns 0 from the program, and shifts by X use its low five
// bits.
func (p *Program) Run(d *SeccompData) uint32 { return p.run(p.ops, d) }

func (p *Program) run(ops []op, d *SeccompData) uint32 {
	var a, x uint32
	var mem [MemWords]uint32
	pc := 0
	for {
		o := &ops[pc]
		pc++
		switch o.code {
		case opLdData:
			a = d.word(o.k)
		case opLdImm:
			a = o.k
		case opLdxImm:
			x = o.k
		case opLdMem:
			a = mem[o.k&(MemWords-1)]
		case opLdxMem:
			x = mem[o.k&(MemWords-1)]
		case opSt:
			mem[o.k&(MemWords-1)] = a
		case opStx:
			mem[o.k&(MemWords-1)] = x
		case opAddK:
			a += o.k
		case opAddX:
			a += x
		case opSubK:
			a -= o.k
		case opSubX:
			a -= x
		case opMulK:
			a *= o.k
		case opMulX:
			a *= x
		case opDivK:
			a /= o.k
		case opDivX:
			if x == 0 {
				return 0
			}
			a /= x
		case opAndK:
			a &= o.k
		case opAndX:
			a &= x
		case opOrK:
			a |= o.k
		case opOrX:
			a |= x
		case opXorK:
			a ^= o.k
		case opXorX:
			a ^= x
		case opLshK:
			a <<= o.k
		case opLshX:
			a <<= x & 31
		case opRshK:
			a >>= o.k
		case opRshX:
			a >>= x & 31
		case opNeg:
			a = -a
		case opTax:
			x = a
		case opTxa:
			a = x
		case opJa:
			pc = int(o.jt)
		case opJeqK:
			pc = jump(a == o.k, o)
		case opJeqX:
			pc = jump(a == x, o)
		case opJgtK:
			pc = jump(a > o.k, o)
		case opJgtX:
			pc = jump(a > x, o)
		case opJgeK:
			pc = jump(a >= o.k, o)
		case opJgeX:
			pc = jump(a >= x, o)
		case opJsetK:
			pc = jump(a&o.k != 0, o)
		case opJsetX:
			pc = jump(a&x != 0, o)
		case opRetK:
			return o.k
		case opRetA:
			return a
		case opJeqRun:
			pc = p.runs[o.jt].next(a, pc-1)
		}
	}
}

func jump(cond bool, o *op) int {
	if cond {
		return int(o.jt)
	}
	return int(o.jf)
}
