package icall

import (
	"slices"
	"testing"

	"sysweight/kernel/x86"
)

// TestAuxReturns follows static_cpu_has's jump into .altinstr_aux back into
// the function. The snippet is hand-assembled as gcc emits it for
// arch/x86/include/asm/cpufeature.h's _static_cpu_has (testb $bit,
// boot_cpu_data+off; jnz t_yes; jmp t_no), Intel SDM encodings: f6 05
// disp32 imm8 (test r/m8, imm8, RIP-relative), 0f 85 rel32 (jnz), e9
// rel32 (jmp).
func TestAuxReturns(t *testing.T) {
	const aux, fn, size = 0xffffffff830b1850, 0xffffffff812d3c70, 0x700
	code := []byte{
		0xf6, 0x05, 0x10, 0x00, 0x00, 0x00, 0x01, // testb $1, 0x10(%rip)
		0x0f, 0x85, 0, 0, 0, 0, // jnz fn+0x7b   (ends at aux+13)
		0xe9, 0, 0, 0, 0, // jmp fn+0x80    (ends at aux+18)
		0xcc,
	}
	put := func(at int, target, end uint64) {
		rel := uint32(int32(int64(target) - int64(end)))
		code[at], code[at+1], code[at+2], code[at+3] = byte(rel), byte(rel>>8), byte(rel>>16), byte(rel>>24)
	}
	put(9, fn+0x7b, aux+13)
	put(14, fn+0x80, aux+18)
	r := &resolver{k: &Kernel{Aux: []x86.Segment{{Addr: aux, Data: code}}}, start: map[uint64]int32{fn: 0}}
	if got, want := r.auxReturns(aux, fn, size), []uint64{fn + 0x7b, fn + 0x80}; !slices.Equal(got, want) {
		t.Errorf("auxReturns = %#x, want %#x", got, want)
	}
	// a jump to a function is a tail call, and code outside Aux is
	// unknown: no way back
	if got := r.auxReturns(fn, fn, size); got != nil {
		t.Errorf("auxReturns(function start) = %#x, want none", got)
	}
	if got := r.auxReturns(aux+0x1000, fn, size); got != nil {
		t.Errorf("auxReturns(outside Aux) = %#x, want none", got)
	}
	// a way back outside the function is not one
	if got := r.auxReturns(aux, fn, 0x7b); got != nil {
		t.Errorf("auxReturns(short function) = %#x, want none", got)
	}
}
