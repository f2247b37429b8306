package seccomp

import (
	"math/rand/v2"
	"testing"
)

// Each case says by hand why its conditions can or cannot hold.
func TestCanMatch(t *testing.T) {
	const max64 = ^uint64(0)
	cases := []struct {
		name  string
		conds []Cond
		want  bool
	}{
		{"no conditions", nil, true},
		{"datum outside the mask: (x & 0xff) == 0x100 keeps bit 8 clear", []Cond{{Arg: 1, Op: OpMaskedEQ, Value: 0xff, ValueTwo: 0x100}}, false},
		{"datum within the mask", []Cond{{Arg: 1, Op: OpMaskedEQ, Value: 0xff, ValueTwo: 0x10}}, true},
		{"Docker's clone: (x & 0x7e020000) == 0", []Cond{{Arg: 0, Op: OpMaskedEQ, Value: 0x7e020000}}, true},
		{"x < 0 unsigned", []Cond{{Op: OpLT, Value: 0}}, false},
		{"x <= 0 is x == 0", []Cond{{Op: OpLE, Value: 0}}, true},
		{"x > 2^64-1", []Cond{{Op: OpGT, Value: max64}}, false},
		{"x >= 2^64-1", []Cond{{Op: OpGE, Value: max64}}, true},
		{"dword x > 2^32-1", []Cond{{Op: OpGT, Value: 0xffffffff, Bits: 32}}, false},
		{"qword x > 2^32-1", []Cond{{Op: OpGT, Value: 0xffffffff}}, true},
		{"x > 5 && x < 3", []Cond{{Op: OpGT, Value: 5}, {Op: OpLT, Value: 3}}, false},
		{"x > 5 && x < 7 is x == 6", []Cond{{Op: OpGT, Value: 5}, {Op: OpLT, Value: 7}}, true},
		{"x > 5 && x < 7 && x != 6", []Cond{{Op: OpGT, Value: 5}, {Op: OpLT, Value: 7}, {Op: OpNE, Value: 6}}, false},
		{"different arguments do not constrain each other", []Cond{{Arg: 0, Op: OpGT, Value: 5}, {Arg: 1, Op: OpLT, Value: 3}}, true},
		{"x == 1 && x == 2", []Cond{{Op: OpEQ, Value: 1}, {Op: OpEQ, Value: 2}}, false},
		{"x == 1 && x & 2 == 2: 1 has bit 1 clear", []Cond{{Op: OpEQ, Value: 1}, {Op: OpMaskedEQ, Value: 2, ValueTwo: 2}}, false},
		{"x == 3 && x & 2 == 2", []Cond{{Op: OpEQ, Value: 3}, {Op: OpMaskedEQ, Value: 2, ValueTwo: 2}}, true},
		{"x & 3 == 1 && x & 6 == 4: bit 1 must be 0 and 1", []Cond{{Op: OpMaskedEQ, Value: 3, ValueTwo: 1}, {Op: OpMaskedEQ, Value: 6, ValueTwo: 6}}, false},
		{"x & 0xf0 == 0xf0 && x < 0xf0 (0xf0 is the least such x)", []Cond{{Op: OpMaskedEQ, Value: 0xf0, ValueTwo: 0xf0}, {Op: OpLT, Value: 0xf0}}, false},
		{"x & 0xf0 == 0xf0 && x <= 0xf0", []Cond{{Op: OpMaskedEQ, Value: 0xf0, ValueTwo: 0xf0}, {Op: OpLE, Value: 0xf0}}, true},
		{"x & 1 == 1 && x >= 2^64-2 (2^64-1 is odd)", []Cond{{Op: OpMaskedEQ, Value: 1, ValueTwo: 1}, {Op: OpGE, Value: max64 - 1}}, true},
		{"x & 1 == 0 && x > 2^64-2", []Cond{{Op: OpMaskedEQ, Value: 1}, {Op: OpGT, Value: max64 - 1}}, false},
		{"dword: values taken modulo 2^32, x == 0x1_0000_0001 is x == 1", []Cond{{Op: OpEQ, Value: 0x100000001, Bits: 32}, {Op: OpLT, Value: 2, Bits: 32}}, true},
		{"dword and qword tests of one argument: not decided", []Cond{{Op: OpGT, Value: 5, Bits: 32}, {Op: OpLT, Value: 3}}, true},
	}
	for _, c := range cases {
		if got := CanMatch(c.conds); got != c.want {
			t.Errorf("%s: CanMatch %v, want %v", c.name, got, c.want)
		}
	}
}

// satisfiable and nextFixed against trying every value of an 8-bit
// argument (top 255), for random tests.
func TestSatisfiableBruteForce(t *testing.T) {
	const top = 255
	rng := rand.New(rand.NewPCG(1, 2))
	ops := []Op{OpNE, OpLT, OpLE, OpEQ, OpGE, OpGT, OpMaskedEQ}
	for n := 0; n < 20000; n++ {
		conds := make([]Cond, 1+rng.IntN(4))
		for i := range conds {
			c := Cond{Op: ops[rng.IntN(len(ops))], Value: rng.Uint64N(top + 1), ValueTwo: rng.Uint64N(top + 1)}
			if c.Op == OpMaskedEQ && rng.IntN(2) == 0 {
				c.ValueTwo &= c.Value // mostly data within the mask
			}
			conds[i] = c
		}
		want := false
		for x := uint64(0); x <= top && !want; x++ {
			args := [6]uint64{x}
			want = matchAll(conds, &args)
		}
		if got := satisfiable(conds, top); got != want {
			t.Fatalf("%v: satisfiable %v, brute force %v", conds, got, want)
		}
	}
	for n := 0; n < 20000; n++ {
		known := rng.Uint64N(top + 1)
		val := rng.Uint64N(top+1) & known
		lo := rng.Uint64N(top + 1)
		want, wantOK := uint64(0), false
		for x := lo; x <= top; x++ {
			if x&known == val {
				want, wantOK = x, true
				break
			}
		}
		got, ok := nextFixed(lo, known, val, top)
		if ok != wantOK || ok && got != want {
			t.Fatalf("nextFixed(%#x, known %#x, val %#x) = %#x, %v; want %#x, %v", lo, known, val, got, ok, want, wantOK)
		}
	}
}
