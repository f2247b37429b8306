package bpf

import (
	"fmt"

	"sysweight/syscalls"
)

// auditArchNames names the AUDIT_ARCH_* values (include/uapi/linux/audit.h)
// that filters commonly compare data.arch with.
var auditArchNames = map[uint32]string{
	0xc000003e: "x86_64",
	0x40000003: "i386",
	0xc00000b7: "aarch64",
	0x40000028: "arm",
	0xc00000f3: "riscv64",
	0x80000016: "s390x",
	0xc0000015: "ppc64le",
	0x80000015: "ppc64",
	0x00000008: "mips",
	0x40000008: "mipsel",
	0x80000008: "mips64",
	0xc0000008: "mips64el",
}

// Disassemble renders prog one line per instruction, in the style of
// seccomp-tools and libseccomp's scmp_bpf_disasm:
//
//	0004: if (A == 0x3 /* close */) goto 0011
//
// A constant compared with A is named after the syscall of that number in
// table when A holds data.nr on every path to the comparison and no path
// has established another architecture than table's (filters check
// data.arch first); it is named after the architecture when A holds
// data.arch. table may be nil. prog need not be valid: out-of-range operands
// are printed as they are.
func Disassemble(prog []Instruction, table *syscalls.Table) []string {
	states := flowStates(prog)
	lines := make([]string, len(prog))
	for pc, in := range prog {
		lines[pc] = fmt.Sprintf("%04d: %s", pc, insnText(pc, in, states[pc], table))
	}
	return lines
}

// What A holds before an instruction, as far as a forward pass can tell.
const (
	aUnreached int8 = -2 // no path reaches the instruction yet
	aOther     int8 = -1 // a computed value, or different words on different paths
	// 0..15: the seccomp_data word of that index.
)

// What the paths to an instruction know of data.arch.
const (
	archUnchecked uint32 = 0          // some path has not compared it (no AUDIT_ARCH is 0)
	archMixed     uint32 = 0xffffffff // paths established different architectures
)

type flowState struct {
	src  int8
	arch uint32
}

// flowStates computes, for each pc, which seccomp_data word A holds on
// entry and which architecture the paths to it have matched. Classic BPF
// jumps only forward, so one pass in pc order sees every predecessor of an
// instruction before the instruction.
func flowStates(prog []Instruction) []flowState {
	in := make([]flowState, len(prog))
	for i := range in {
		in[i].src = aUnreached
	}
	if len(prog) > 0 {
		in[0] = flowState{src: aOther, arch: archUnchecked} // A starts as 0
	}
	flow := func(to int, s flowState) {
		if to < 0 || to >= len(prog) {
			return
		}
		cur := &in[to]
		if cur.src == aUnreached {
			*cur = s
			return
		}
		if cur.src != s.src {
			cur.src = aOther
		}
		if cur.arch != s.arch {
			if cur.arch == archUnchecked || s.arch == archUnchecked {
				cur.arch = archUnchecked
			} else {
				cur.arch = archMixed
			}
		}
	}
	for pc, ins := range prog {
		s := in[pc]
		if s.src == aUnreached {
			continue
		}
		out := s
		switch {
		case ins.Code == Ld|W|Abs && ins.K < SeccompDataSize && ins.K&3 == 0:
			out.src = int8(ins.K / 4)
		case ins.Code&7 == Ld || ins.Code&7 == Alu || ins.Code == Misc|Txa:
			out.src = aOther
		}
		switch {
		case ins.Code&7 == Ret:
		case ins.Code == Jmp|Ja:
			flow(pc+1+int(ins.K), out)
		case ins.Code&7 == Jmp:
			taken := out
			if ins.Code == Jmp|Jeq|K && out.src == 1 {
				taken.arch = ins.K
			}
			flow(pc+1+int(ins.Jt), taken)
			flow(pc+1+int(ins.Jf), out)
		default:
			flow(pc+1, out)
		}
	}
	return in
}

var wordNames = [16]string{"nr", "arch", "ip", "ip >> 32",
	"args[0]", "args[0] >> 32", "args[1]", "args[1] >> 32", "args[2]", "args[2] >> 32",
	"args[3]", "args[3] >> 32", "args[4]", "args[4] >> 32", "args[5]", "args[5] >> 32"}

var aluOps = map[uint16]string{Add: "+=", Sub: "-=", Mul: "*=", Div: "/=", Or: "|=", And: "&=",
	Lsh: "<<=", Rsh: ">>=", Mod: "%=", Xor: "^="}

func insnText(pc int, in Instruction, st flowState, table *syscalls.Table) string {
	target := func(off uint32) string { return fmt.Sprintf("%04d", pc+1+int(off)) }
	switch in.Code {
	case Ld | W | Abs:
		if in.K < SeccompDataSize && in.K&3 == 0 {
			return "A = " + wordNames[in.K/4]
		}
		return fmt.Sprintf("A = data[%d] /* invalid offset */", in.K)
	case Ld | W | Len:
		return fmt.Sprintf("A = %d /* sizeof(seccomp_data) */", SeccompDataSize)
	case Ldx | W | Len:
		return fmt.Sprintf("X = %d /* sizeof(seccomp_data) */", SeccompDataSize)
	case Ld | Imm:
		return fmt.Sprintf("A = %#x", in.K)
	case Ldx | Imm:
		return fmt.Sprintf("X = %#x", in.K)
	case Ld | Mem:
		return fmt.Sprintf("A = mem[%d]", in.K)
	case Ldx | Mem:
		return fmt.Sprintf("X = mem[%d]", in.K)
	case St:
		return fmt.Sprintf("mem[%d] = A", in.K)
	case Stx:
		return fmt.Sprintf("mem[%d] = X", in.K)
	case Alu | Neg:
		return "A = -A"
	case Misc | Tax:
		return "X = A"
	case Misc | Txa:
		return "A = X"
	case Ret | K:
		return "return " + retText(in.K)
	case Ret | RetA:
		return "return A"
	case Jmp | Ja:
		return "goto " + target(in.K)
	}
	switch in.Code & 7 {
	case Alu:
		if op, ok := aluOps[in.Code&0xf0]; ok {
			if in.Code&X != 0 {
				return "A " + op + " X"
			}
			return fmt.Sprintf("A %s %#x", op, in.K)
		}
	case Jmp:
		operand := "X"
		if in.Code&X == 0 {
			operand = constText(in.K, st, table)
		}
		var pos, neg string
		switch in.Code & 0xf0 {
		case Jeq:
			pos, neg = "A == "+operand, "A != "+operand
		case Jgt:
			pos, neg = "A > "+operand, "A <= "+operand
		case Jge:
			pos, neg = "A >= "+operand, "A < "+operand
		case Jset:
			pos, neg = "A & "+operand, "!(A & "+operand+")"
		default:
			return fmt.Sprintf("unknown jump 0x%02x", in.Code)
		}
		switch {
		case in.Jt == 0 && in.Jf == 0:
			return fmt.Sprintf("if (%s) goto %s /* both ways */", pos, target(0))
		case in.Jf == 0:
			return fmt.Sprintf("if (%s) goto %s", pos, target(uint32(in.Jt)))
		case in.Jt == 0:
			return fmt.Sprintf("if (%s) goto %s", neg, target(uint32(in.Jf)))
		}
		return fmt.Sprintf("if (%s) goto %s else goto %s", pos, target(uint32(in.Jt)), target(uint32(in.Jf)))
	}
	return fmt.Sprintf("unknown opcode 0x%02x (%s) k=%#x", in.Code, opName(in.Code), in.K)
}

func constText(k uint32, st flowState, table *syscalls.Table) string {
	switch st.src {
	case 0:
		if table != nil && (st.arch == archUnchecked || st.arch == table.Arch.AuditArch()) {
			if name, ok := table.Name(int(k)); ok {
				return fmt.Sprintf("%#x /* %s */", k, name)
			}
		}
	case 1:
		if name, ok := auditArchNames[k]; ok {
			return fmt.Sprintf("%#x /* %s */", k, name)
		}
	}
	return fmt.Sprintf("%#x", k)
}
