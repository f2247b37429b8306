package seccomp

import "math/bits"

// CanMatch reports whether some argument tuple satisfies all of conds, the
// conditions of one rule, which the installed program ANDs. A rule whose
// conditions cannot all hold never decides anything:
//   - a masked test whose datum has bits outside its mask: libseccomp
//     compares (arg & mask) == datum, so a datum bit the mask clears can
//     never be set;
//   - arg < 0, or arg > 2^64-1 (2^32-1 for Firecracker's dword arguments):
//     comparisons are unsigned, as the kernel's BPF JGT/JGE are;
//   - tests of one argument that exclude each other, such as arg0 > 5 &&
//     arg0 < 3, or arg0 == 1 && arg0 & 0x2 == 0x2 (Firecracker and gVisor
//     rules AND them; runc makes tests of a repeated argument index
//     alternatives instead, see Resolve).
//
// Tests of one argument at both widths (a dword and a qword test of the
// same argument) are taken as satisfiable: it does not decide those.
func CanMatch(conds []Cond) bool {
	var byArg [6][]Cond
	for _, c := range conds {
		byArg[c.Arg] = append(byArg[c.Arg], c)
	}
	for _, cs := range byArg {
		if len(cs) == 0 {
			continue
		}
		top := ^uint64(0)
		if cs[0].Bits == 32 {
			top = 0xffffffff
		}
		mixed := false
		for _, c := range cs[1:] {
			mixed = mixed || c.Bits != cs[0].Bits
		}
		if !mixed && !satisfiable(cs, top) {
			return false
		}
	}
	return true
}

// satisfiable reports whether some x in [0, top] passes every test of
// conds, all on one argument; top is 2^w-1 for a w-bit comparison, and the
// tests' values are taken modulo 2^w, as Cond.Match takes them.
func satisfiable(conds []Cond, top uint64) bool {
	lo, hi := uint64(0), top
	var known, val uint64 // bits the masked tests fix, and their values
	var eq *uint64
	var ne []uint64
	for _, c := range conds {
		v, v2 := c.Value&top, c.ValueTwo&top
		switch c.Op {
		case OpEQ:
			if eq != nil && *eq != v {
				return false
			}
			eq = &v
		case OpNE:
			ne = append(ne, v)
		case OpLT:
			if v == 0 {
				return false
			}
			hi = min(hi, v-1)
		case OpLE:
			hi = min(hi, v)
		case OpGT:
			if v == top {
				return false
			}
			lo = max(lo, v+1)
		case OpGE:
			lo = max(lo, v)
		case OpMaskedEQ:
			if v2&^v != 0 {
				return false
			}
			if both := known & v; val&both != v2&both {
				return false
			}
			known |= v
			val |= v2
		default:
			return true // an operator this does not know: say it can match
		}
	}
	if lo > hi {
		return false
	}
	excluded := func(x uint64) bool {
		for _, n := range ne {
			if x == n {
				return true
			}
		}
		return false
	}
	if eq != nil {
		x := *eq
		return lo <= x && x <= hi && x&known == val && !excluded(x)
	}
	// The smallest candidate from lo on, then the next past each excluded
	// one: at most len(ne)+1 steps.
	x, ok := nextFixed(lo, known, val, top)
	for ok && x <= hi {
		if !excluded(x) {
			return true
		}
		if x == top {
			return false
		}
		x, ok = nextFixed(x+1, known, val, top)
	}
	return false
}

// nextFixed returns the smallest x >= lo, x <= top, with x&known == val
// (val within known, both within top), and whether there is one.
func nextFixed(lo, known, val, top uint64) (uint64, bool) {
	free := ^known & top
	c := lo&free | val // lo's free bits, the fixed bits forced
	if c == lo {
		return lo, true
	}
	i := bits.Len64(c^lo) - 1 // the highest bit where c and lo differ: a fixed one
	if c > lo {
		// c has a 1 there and lo a 0: c is above lo whatever its lower
		// free bits are, so they can be 0.
		return c &^ (free & (1<<i - 1)), true
	}
	// c has a 0 there and lo a 1: x must exceed lo at a higher bit, the
	// lowest free bit above i that lo (and so c) has clear.
	above := free &^ c
	if i < 63 {
		above &^= 1<<(i+1) - 1
	} else {
		above = 0
	}
	if above == 0 {
		return 0, false
	}
	j := bits.TrailingZeros64(above)
	return (c | 1<<j) &^ (free & (1<<j - 1)), true
}
