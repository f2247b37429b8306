package icall

import "testing"

// TestMovWidth checks the width of stores against objdump's reading of the
// same bytes (objdump -D -b binary -mi386:x86-64).
func TestMovWidth(t *testing.T) {
	for _, c := range []struct {
		b    []byte
		want uint8
		asm  string
	}{
		{[]byte{0x89, 0x44, 0x24, 0x04}, 4, "mov %eax,0x4(%rsp)"},
		{[]byte{0x48, 0x89, 0x54, 0x24, 0x08}, 8, "mov %rdx,0x8(%rsp)"},
		{[]byte{0xc6, 0x46, 0x38, 0x00}, 1, "movb $0x0,0x38(%rsi)"},
		{[]byte{0x66, 0x89, 0x44, 0x24, 0x04}, 2, "mov %ax,0x4(%rsp)"},
		{[]byte{0x48, 0xc7, 0x44, 0x24, 0x08, 0, 0, 0, 0}, 8, "movq $0x0,0x8(%rsp)"},
		{[]byte{0x44, 0x89, 0x44, 0x24, 0x0c}, 4, "mov %r8d,0xc(%rsp)"},
		{[]byte{0x0f, 0x11, 0x04, 0x24}, 0, "movups %xmm0,(%rsp): 16 bytes, not a mov the pass sizes"},
		{[]byte{0xf0, 0x0f, 0xc1, 0x44, 0x24, 0x04}, 0, "lock xadd %eax,0x4(%rsp)"},
	} {
		if got := movWidth(c.b); got != c.want {
			t.Errorf("%s: width %d, want %d", c.asm, got, c.want)
		}
	}
}
