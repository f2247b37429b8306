package x86

import (
	"slices"
)

// ReachResult is the part of the call graph reachable from one entry.
type ReachResult struct {
	// Functions reached, the entry included, hubs excluded; sorted.
	Functions []int
	// Shared are the hubs reached (see Hubs); sorted.
	Shared []int
	// Complexity is the sum of CC over Functions; ComplexityAll adds the
	// hubs in Shared.
	Complexity, ComplexityAll int
}

// Reach follows direct calls and tail calls from entry. Functions for which
// hub[i] is true go to Shared instead of Functions; the walk does go on
// through them, but everything a hub reaches is reached at least as often as
// the hub, so with hubs from Hubs, the result equals a walk that stops at hubs.
// hub may be nil.
func (p *Program) Reach(entry int, hub []bool) ReachResult {
	var r ReachResult
	seen := make([]bool, len(p.Functions))
	stack := []int{entry}
	seen[entry] = true
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if hub != nil && hub[i] {
			r.Shared = append(r.Shared, i)
		} else {
			r.Functions = append(r.Functions, i)
			r.Complexity += p.Functions[i].CC
		}
		r.ComplexityAll += p.Functions[i].CC
		for _, c := range p.Functions[i].Calls {
			if !seen[c] {
				seen[c] = true
				stack = append(stack, c)
			}
		}
	}
	slices.Sort(r.Functions)
	slices.Sort(r.Shared)
	return r
}

// Hubs marks the functions reached from more than fraction of entries:
// shared infrastructure (locking, allocation, scheduling, printk) that every
// syscall touches and that would otherwise dominate every syscall's count,
// the way the Horizontal Attack Profile leaves out common code. It also
// returns, for each function, from how many entries it is reached. Duplicate
// entries count once.
func (p *Program) Hubs(entries []int, fraction float64) (hub []bool, count []int) {
	count = make([]int, len(p.Functions))
	stamp := make([]int32, len(p.Functions))
	var stack []int
	distinct := 0
	for n, e := range slices.Compact(slices.Sorted(slices.Values(entries))) {
		distinct++
		mark := int32(n + 1)
		stack = append(stack[:0], e)
		stamp[e] = mark
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			count[i]++
			for _, c := range p.Functions[i].Calls {
				if stamp[c] != mark {
					stamp[c] = mark
					stack = append(stack, c)
				}
			}
		}
	}
	hub = make([]bool, len(p.Functions))
	limit := fraction * float64(distinct)
	for i, c := range count {
		hub[i] = float64(c) > limit
	}
	return hub, count
}
