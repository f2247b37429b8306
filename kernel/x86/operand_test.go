package x86_test

import (
	"testing"

	"golang.org/x/arch/x86/x86asm"

	"sysweight/kernel/x86"
)

// TestDecodeOpHand checks DecodeOp on instructions whose encoding and
// meaning GNU as and objdump (binutils 2.40) gave: each case's comment is
// objdump's text for the bytes.
func TestDecodeOpHand(t *testing.T) {
	nm := x86.Mem{Base: x86.NoReg, Index: x86.NoReg, Scale: 1}
	mem := func(base, index int8, scale uint8, disp int64) x86.Mem {
		return x86.Mem{Base: base, Index: index, Scale: scale, Disp: disp}
	}
	for _, c := range []struct {
		text  string
		b     []byte
		class x86.OpClass
		dst   int8
		src   int8
		mem   x86.Mem
		imm   int64
		delta int8
		write bool // MemWrite
	}{
		{"mov 0x28(%rdi),%rax", []byte{0x48, 0x8b, 0x47, 0x28}, x86.OpLoad, x86.RAX, x86.NoReg, mem(x86.RDI, x86.NoReg, 1, 0x28), 0, 0, false},
		{"mov %rdi,%rbp", []byte{0x48, 0x89, 0xfd}, x86.OpMove, x86.RBP, x86.RDI, nm, 0, 0, false},
		{"lea -0x18(%rdi),%rax", []byte{0x48, 0x8d, 0x47, 0xe8}, x86.OpLea, x86.RAX, x86.NoReg, mem(x86.RDI, x86.NoReg, 1, -0x18), 0, 0, false},
		{"mov %rbx,-0x7d3beb60(,%rax,8)", []byte{0x48, 0x89, 0x1c, 0xc5, 0xa0, 0x14, 0xc4, 0x82}, x86.OpStore, x86.NoReg, x86.RBX, mem(x86.NoReg, x86.RAX, 8, -0x7d3beb60), 0, 0, true},
		{"xor %edi,%edi", []byte{0x31, 0xff}, x86.OpZero, x86.RDI, x86.NoReg, nm, 0, 0, false},
		{"add $0x68,%rsp", []byte{0x48, 0x83, 0xc4, 0x68}, x86.OpAddImm, x86.RSP, x86.RSP, nm, 0x68, 0, false},
		{"sub $0x8,%rsp", []byte{0x48, 0x83, 0xec, 0x08}, x86.OpAddImm, x86.RSP, x86.RSP, nm, -8, 0, false},
		{"push %rbx", []byte{0x53}, x86.OpPush, x86.NoReg, x86.RBX, nm, 0, -8, false},
		{"push %r12", []byte{0x41, 0x54}, x86.OpPush, x86.NoReg, x86.R12, nm, 0, -8, false},
		{"pop %rbx", []byte{0x5b}, x86.OpOther, x86.NoReg, x86.NoReg, nm, 0, 8, false},
		{"push $0xffffffff816cc850", []byte{0x68, 0x50, 0xc8, 0x6c, 0x81}, x86.OpPushImm, x86.NoReg, x86.NoReg, nm, -0x7e9337b0, -8, false},
		{"push $0xfffffffffffffff8", []byte{0x6a, 0xf8}, x86.OpPushImm, x86.NoReg, x86.NoReg, nm, -8, -8, false},
		{"push 0x8(%rsp)", []byte{0xff, 0x74, 0x24, 0x08}, x86.OpOther, x86.NoReg, x86.NoReg, mem(x86.RSP, x86.NoReg, 1, 8), 0, -8, false},
		{"movq $0xffffffff81000000,0x10(%rdi)", []byte{0x48, 0xc7, 0x47, 0x10, 0x00, 0x00, 0x00, 0x81}, x86.OpStoreImm, x86.NoReg, x86.NoReg, mem(x86.RDI, x86.NoReg, 1, 0x10), -0x7f000000, 0, true},
		{"lea 0x100(%rip),%rsi", []byte{0x48, 0x8d, 0x35, 0x00, 0x01, 0x00, 0x00}, x86.OpLea, x86.RSI, x86.NoReg, mem(x86.RIP, x86.NoReg, 1, 0x107), 0, 0, false},
		{"add %rcx,%rax", []byte{0x48, 0x01, 0xc8}, x86.OpAddReg, x86.RAX, x86.RCX, nm, 0, 0, false},
		// bytes from GNU as, checked with objdump
		{"add -0x7dc614a0(,%rax,8),%rbx", []byte{0x48, 0x03, 0x1c, 0xc5, 0x60, 0xeb, 0x39, 0x82}, x86.OpAddMem, x86.RBX, x86.NoReg, mem(x86.NoReg, x86.RAX, 8, -0x7dc614a0), 0, 0, false},
		{"cmovne %rdx,%rax", []byte{0x48, 0x0f, 0x45, 0xc2}, x86.OpCmov, x86.RAX, x86.RDX, nm, 0, 0, false},
		{"cmovne (%rdx),%rax", []byte{0x48, 0x0f, 0x45, 0x02}, x86.OpOther, x86.NoReg, x86.NoReg, mem(x86.RDX, x86.NoReg, 1, 0), 0, 0, false},
		{"mov %r9,0x10(%rsp)", []byte{0x4c, 0x89, 0x4c, 0x24, 0x10}, x86.OpStore, x86.NoReg, x86.R9, mem(x86.RSP, x86.NoReg, 1, 0x10), 0, 0, true},
		{"movabs $0xffffffff81000000,%r11", []byte{0x49, 0xbb, 0x00, 0x00, 0x00, 0x81, 0xff, 0xff, 0xff, 0xff}, x86.OpMoveImm, x86.R11, x86.NoReg, nm, -0x7f000000, 0, false},
		{"mov %eax,0x8(%rbx)", []byte{0x89, 0x43, 0x08}, x86.OpOther, x86.NoReg, x86.NoReg, mem(x86.RBX, x86.NoReg, 1, 8), 0, 0, true},
		{"cmp %rax,0x8(%rbx)", []byte{0x48, 0x39, 0x43, 0x08}, x86.OpOther, x86.NoReg, x86.NoReg, mem(x86.RBX, x86.NoReg, 1, 8), 0, 0, false},
	} {
		op := x86.DecodeOp(c.b)
		if op.Len != len(c.b) || op.Class != c.class || op.StackDelta != c.delta || op.MemWrite != c.write {
			t.Errorf("%s: len %d class %d delta %d memwrite %v", c.text, op.Len, op.Class, op.StackDelta, op.MemWrite)
			continue
		}
		if c.class != x86.OpOther && (op.Dst != c.dst || op.Src != c.src) {
			t.Errorf("%s: dst %d src %d, want %d %d", c.text, op.Dst, op.Src, c.dst, c.src)
		}
		if op.HasMem && op.Mem != c.mem {
			t.Errorf("%s: mem %+v, want %+v", c.text, op.Mem, c.mem)
		}
		if c.imm != 0 && op.Imm != c.imm {
			t.Errorf("%s: imm %#x, want %#x", c.text, op.Imm, c.imm)
		}
	}
	// the gs-relative load of current_task, and calls through a register
	// and through memory
	op := x86.DecodeOp([]byte{0x65, 0x48, 0x8b, 0x04, 0x25, 0x80, 0xfb, 0x01, 0x00})
	if op.Class != x86.OpLoad || op.Dst != x86.RAX || op.Mem.Seg != 0x65 || op.Mem.Disp != 0x1fb80 || op.Mem.Base != x86.NoReg {
		t.Errorf("mov %%gs:0x1fb80,%%rax: %+v", op)
	}
	if op := x86.DecodeOp([]byte{0xff, 0xd0}); op.Kind != x86.CallInd || !op.IndirectReg || op.Src != x86.RAX {
		t.Errorf("call *%%rax: %+v", op)
	}
	if op := x86.DecodeOp([]byte{0xff, 0x50, 0x10}); op.Kind != x86.CallInd || op.IndirectReg || !op.HasMem || op.Mem.Base != x86.RAX || op.Mem.Disp != 0x10 {
		t.Errorf("call *0x10(%%rax): %+v", op)
	}
	if op := x86.DecodeOp([]byte{0xa9, 0x00, 0x00, 0x02, 0x00}); op.Writes != 0 {
		t.Errorf("test $0x20000,%%eax writes %#x", op.Writes)
	}
	// what cmpxchg and xadd write (Intel SDM vol. 2A): the accumulator and
	// the destination; both operands; rdx:rax. The first bytes are from
	// proc_get_link in Debian 6.1.0-56, the others written by hand; the text
	// is objdump's.
	for _, c := range []struct {
		text   string
		b      []byte
		writes uint16
		mem    bool
	}{
		{"lock cmpxchg %esi,(%rcx)", []byte{0xf0, 0x0f, 0xb1, 0x31}, 1 << x86.RAX, true},
		{"lock cmpxchg %rdx,0x8(%rdi)", []byte{0xf0, 0x48, 0x0f, 0xb1, 0x57, 0x08}, 1 << x86.RAX, true},
		{"cmpxchg %rcx,%rbx", []byte{0x48, 0x0f, 0xb1, 0xcb}, 1<<x86.RAX | 1<<x86.RBX, false},
		{"lock xadd %eax,(%rdi)", []byte{0xf0, 0x0f, 0xc1, 0x07}, 1 << x86.RAX, true},
		{"xadd %rdx,%rsi", []byte{0x48, 0x0f, 0xc1, 0xd6}, 1<<x86.RDX | 1<<x86.RSI, false},
		{"lock cmpxchg16b (%rdi)", []byte{0xf0, 0x48, 0x0f, 0xc7, 0x0f}, 1<<x86.RAX | 1<<x86.RDX, true},
		// string operations (SDM vol. 2: STOS, MOVS, LODS, SCAS, CMPS):
		// each moves its index registers, rep counts rcx down; only lods
		// writes rax, only stos and movs write memory. fib6_clean_tree
		// zeroes its struct fib6_cleaner with rep stos after mov
		// %rsp,%rsi: rsi still points to the struct
		{"rep stos %rax,%es:(%rdi)", []byte{0xf3, 0x48, 0xab}, 1<<x86.RDI | 1<<x86.RCX, true},
		{"rep movsq %ds:(%rsi),%es:(%rdi)", []byte{0xf3, 0x48, 0xa5}, 1<<x86.RSI | 1<<x86.RDI | 1<<x86.RCX, true},
		{"lods %ds:(%rsi),%al", []byte{0xac}, 1<<x86.RAX | 1<<x86.RSI | 1<<x86.RCX, false},
		{"repnz scas %es:(%rdi),%al", []byte{0xf2, 0xae}, 1<<x86.RDI | 1<<x86.RCX, false},
		{"repz cmpsb %es:(%rdi),%ds:(%rsi)", []byte{0xf3, 0xa6}, 1<<x86.RSI | 1<<x86.RDI | 1<<x86.RCX, false},
	} {
		if op := x86.DecodeOp(c.b); op.Len != len(c.b) || op.Writes != c.writes || op.MemWrite != c.mem {
			t.Errorf("%s: len %d writes %#x memwrite %v, want %#x %v", c.text, op.Len, op.Writes, op.MemWrite, c.writes, c.mem)
		}
	}
	// a 64-bit cmpxchg into memory publishes its source register: the
	// data flow reads it as a store (objdump of gcc 12's code for
	// kernel/icall's cx_add fixture); a 32-bit one or a register
	// destination is no such store
	op = x86.DecodeOp([]byte{0xf0, 0x48, 0x0f, 0xb1, 0x3c, 0xf5, 0, 0, 0, 0})
	if op.Class != x86.OpCmpxchg || op.Src != x86.RDI || op.Mem.Index != x86.RSI || op.Mem.Scale != 8 || op.Mem.Base != x86.NoReg {
		t.Errorf("lock cmpxchg %%rdi,0x0(,%%rsi,8): %+v", op)
	}
	for _, b := range [][]byte{{0xf0, 0x0f, 0xb1, 0x31}, {0x48, 0x0f, 0xb1, 0xcb}} {
		if op := x86.DecodeOp(b); op.Class != x86.OpOther {
			t.Errorf("% x: class %d, want OpOther", b, op.Class)
		}
	}
}

// gpr64 maps x86asm's general registers (any width) to encoding numbers.
func gpr64(r x86asm.Reg) (int8, bool) {
	switch {
	case r >= x86asm.RAX && r <= x86asm.R15:
		return int8(r - x86asm.RAX), true
	case r >= x86asm.EAX && r <= x86asm.R15L:
		return int8(r - x86asm.EAX), true
	case r >= x86asm.AX && r <= x86asm.R15W:
		return int8(r - x86asm.AX), true
	}
	return 0, false
}

// TestDecodeOpMatchesX86asm decodes the whole Debian 6.1 kernel text with
// DecodeOp and x86asm (the reference decoder) and checks, for every
// instruction, that the moves DecodeOp interprets are the ones x86asm
// sees (MOV, LEA, ADD, SUB, XOR with 64-bit operands) and that its Writes
// covers the destination register of every instruction that writes one.
func TestDecodeOpMatchesX86asm(t *testing.T) {
	im := loadVmlinux(t)
	noWrite := map[x86asm.Op]bool{x86asm.CMP: true, x86asm.TEST: true, x86asm.PUSH: true, x86asm.BT: true,
		x86asm.CALL: true, x86asm.JMP: true, x86asm.NOP: true, x86asm.PREFETCHT0: true, x86asm.PREFETCHW: true,
		x86asm.PREFETCHNTA: true, x86asm.PREFETCHT1: true, x86asm.PREFETCHT2: true, x86asm.UCOMISS: true, x86asm.UCOMISD: true,
		x86asm.COMISS: true, x86asm.COMISD: true, x86asm.PTEST: true, x86asm.CLFLUSH: true, x86asm.VERW: true,
		// one-operand multiply and divide name their source; they write
		// rax and rdx, which Writes must have (checked below)
		x86asm.DIV: true, x86asm.IDIV: true, x86asm.MUL: true,
		// OUT names its port (dx) first, and string and I/O forms their memory
		x86asm.UD1: true, x86asm.UD0: true, x86asm.OUT: true, x86asm.OUTSB: true, x86asm.OUTSW: true, x86asm.OUTSD: true, x86asm.VERR: true}
	var n, checked, moves int
	for _, f := range im.Funcs {
		if f.Size == 0 || f.Addr < im.Base || f.Addr-im.Base+f.Size > uint64(len(im.Text)) {
			continue
		}
		code := im.Text[f.Addr-im.Base : f.Addr-im.Base+f.Size]
		for off := 0; off < len(code); {
			if code[off] == 0xcc {
				off++
				continue
			}
			op := x86.DecodeOp(code[off:])
			inst, err := x86asm.Decode(code[off:], 64)
			n++
			if err != nil || op.Len != inst.Len {
				off += max(op.Len, 1)
				continue
			}
			checked++
			oneOp := inst.Args[1] == nil
			if (inst.Op == x86asm.DIV || inst.Op == x86asm.IDIV || inst.Op == x86asm.MUL || inst.Op == x86asm.IMUL && oneOp) &&
				op.Writes&(1<<x86.RAX|1<<x86.RDX) != 1<<x86.RAX|1<<x86.RDX {
				t.Errorf("%#x %v: DecodeOp.Writes %#x lacks rax or rdx", f.Addr+uint64(off), inst, op.Writes)
			}
			if r, ok := inst.Args[0].(x86asm.Reg); ok && !noWrite[inst.Op] && !(inst.Op == x86asm.IMUL && oneOp) {
				if g, ok := gpr64(r); ok && op.Writes&(1<<g) == 0 {
					t.Errorf("%#x %v: writes %v, DecodeOp.Writes %#x", f.Addr+uint64(off), inst, r, op.Writes)
				}
			}
			switch op.Class {
			case x86.OpLoad, x86.OpStore, x86.OpMove:
				moves++
				if inst.Op != x86asm.MOV || inst.DataSize != 64 {
					t.Errorf("%#x %v: DecodeOp class %d", f.Addr+uint64(off), inst, op.Class)
				}
			case x86.OpLea:
				if inst.Op != x86asm.LEA {
					t.Errorf("%#x %v: DecodeOp class lea", f.Addr+uint64(off), inst)
				}
			case x86.OpAddImm:
				if inst.Op != x86asm.ADD && inst.Op != x86asm.SUB {
					t.Errorf("%#x %v: DecodeOp class add-imm", f.Addr+uint64(off), inst)
				}
			}
			if t.Failed() && checked > 1000 {
				t.FailNow()
			}
			off += op.Len
		}
	}
	if checked < 1_000_000 {
		t.Errorf("only %d of %d instructions compared", checked, n)
	}
	t.Logf("%d instructions, %d compared with x86asm, %d 64-bit moves", n, checked, moves)
}
