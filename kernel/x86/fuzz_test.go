package x86_test

import (
	"testing"

	"sysweight/kernel/x86"
)

// FuzzDecodeFast: any bytes give an error or a length within the input and
// the 15-byte architectural limit, never a panic.
func FuzzDecodeFast(f *testing.F) {
	for _, s := range [][]byte{
		{0xf3, 0x0f, 0x1e, 0xfa},             // endbr64
		{0xe8, 0, 0, 0, 0},                   // call rel32
		{0x0f, 0x84, 0x10, 0, 0, 0},          // je rel32
		{0x62, 0xf1, 0x7c, 0x48, 0x10, 0x07}, // vmovups zmm0, [rdi]
		{0xc4, 0xe3, 0x79, 0x0f, 0xc1, 0x08}, // vpalignr
		{0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0},
		{0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8}, // movabs
		{0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x90},
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		in, ok := x86.DecodeFast(b)
		if ok && (in.Len < 1 || in.Len > 15 || in.Len > len(b)) {
			t.Fatalf("% x: length %d", b, in.Len)
		}
		ref := x86.DecodeRef(b)
		if len(b) > 0 && (ref.Len < 1 || ref.Len > len(b)) {
			t.Fatalf("% x: ref length %d", b, ref.Len)
		}
	})
}

// FuzzAnalyze: random code and symbols give an error or a program whose
// numbers are consistent, never a panic.
func FuzzAnalyze(f *testing.F) {
	f.Add([]byte{0x55, 0xe8, 0x05, 0, 0, 0, 0x74, 0x02, 0xeb, 0xfe, 0xc3, 0xcc, 0xcc, 0x0f, 0x0b, 0x90, 0xc3}, uint8(5), uint8(3))
	f.Add([]byte{0xff, 0xe0, 0xcc, 0xe9, 0xf8, 0xff, 0xff, 0xff}, uint8(3), uint8(0))
	f.Add([]byte{0x62, 0xc4, 0xc5, 0x0f}, uint8(1), uint8(1))
	f.Fuzz(func(t *testing.T, code []byte, split, size uint8) {
		const base = 0x1000
		funcs := []x86.Func{{Name: "a", Addr: base}, {Name: "b", Addr: base + uint64(split), Size: uint64(size)},
			{Name: "c", Addr: base + uint64(split)}, {Name: "d", Addr: base - 8}}
		p, err := x86.Analyze(code, base, funcs, x86.Options{Workers: 2})
		if err != nil {
			if len(code) > 0 {
				t.Fatalf("error on non-empty text: %v", err)
			}
			return
		}
		for _, fn := range p.Functions {
			if fn.Blocks > 0 && fn.CC != fn.Edges+fn.Exits-fn.Blocks+1 {
				t.Fatalf("%+v: CC inconsistent", fn)
			}
			if fn.CC < 0 || fn.Blocks > fn.Insns {
				t.Fatalf("%+v: impossible counts", fn)
			}
			for _, c := range fn.Calls {
				if c < 0 || c >= len(p.Functions) {
					t.Fatalf("%+v: callee out of range", fn)
				}
			}
		}
		for i := range p.Functions {
			p.Reach(i, nil)
		}
	})
}
