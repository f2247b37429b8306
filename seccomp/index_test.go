package seccomp

import (
	"math/rand/v2"
	"testing"
)

// TestIndexedEvaluate checks the indexed evaluation of many rules against
// the rule-by-rule scan it replaces, on random rules (every operator, both
// widths, several equality tests per rule, equal actions with different
// errnos, so that the tie-break by rule order shows) and on argument
// tuples made of the rules' own constants, their 32-bit variants and
// random values.
func TestIndexedEvaluate(t *testing.T) {
	r := rand.New(rand.NewPCG(20261205, 1))
	ops := []Op{OpEQ, OpEQ, OpEQ, OpNE, OpLT, OpLE, OpGE, OpGT, OpMaskedEQ}
	acts := []Action{ActAllow, ActErrno, ActKillThread, ActKillProcess}
	for trial := 0; trial < 200; trial++ {
		n := indexFrom + r.IntN(200)
		var consts []uint64
		rules := make([]*Rule, n)
		for i := range rules {
			var conds []Cond
			for k := r.IntN(3); k >= 0; k-- {
				v := uint64(r.IntN(8))
				if r.IntN(4) == 0 {
					v |= 1 << 32 // differs from v only above the low 32 bits
				}
				c := Cond{Arg: uint8(r.IntN(3)), Op: ops[r.IntN(len(ops))], Value: v, ValueTwo: uint64(r.IntN(4))}
				if r.IntN(3) == 0 {
					c.Bits = 32
				}
				conds = append(conds, c)
				consts = append(consts, v, v&0xffffffff)
			}
			if r.IntN(10) == 0 {
				conds = nil // always matches
			}
			rules[i] = &Rule{Conds: conds, Verdict: Verdict{Action: acts[r.IntN(len(acts))], Errno: uint32(i)}}
		}
		linear := SyscallRules{def: Verdict{Action: ActErrno, Errno: 1}, rules: rules}
		indexed := linear
		indexed.index()
		if len(indexed.eq) == 0 {
			t.Fatal("no rule was indexed")
		}
		for k := 0; k < 300; k++ {
			var args [6]uint64
			for a := range args {
				switch r.IntN(3) {
				case 0:
					args[a] = consts[r.IntN(len(consts))]
				case 1:
					args[a] = r.Uint64()
				default:
					args[a] = uint64(r.IntN(8))
				}
			}
			if got, want := indexed.Evaluate(&args), linear.Evaluate(&args); got != want {
				t.Fatalf("trial %d, args %#x: indexed %v, rule by rule %v", trial, args, got, want)
			}
		}
	}
}
