package x86

import (
	"math/bits"
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
		for _, cs := range [2][]int{p.Functions[i].Calls, p.Functions[i].Indirect} {
			for _, c := range cs {
				if !seen[c] && !p.Barrier(c) {
					seen[c] = true
					stack = append(stack, c)
				}
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
	hub, count, _, _ = p.hubs(entries, fraction)
	return hub, count
}

// closure is the size and complexity of everything one entry reaches.
type closure struct{ n, cc int }

// hubs is Hubs, also returning each distinct entry's closure.
func (p *Program) hubs(entries []int, fraction float64) ([]bool, []int, map[int]closure, *ReachSets) {
	rs := p.ReachSets(entries)
	n := len(p.Functions)
	count := make([]int, n)
	sums := make([]closure, len(rs.Entries))
	for f := range n {
		c := 0
		for w, word := range rs.Of(f) {
			c += bits.OnesCount64(word)
			for word != 0 {
				b := bits.TrailingZeros64(word)
				word &= word - 1
				k := w*64 + b
				sums[k].n++
				sums[k].cc += p.Functions[f].CC
			}
		}
		count[f] = c
	}
	hub := make([]bool, n)
	limit := fraction * float64(len(rs.Entries))
	for i, c := range count {
		hub[i] = float64(c) > limit
	}
	all := make(map[int]closure, len(rs.Entries))
	for k, e := range rs.Entries {
		all[e] = sums[k]
	}
	return hub, count, all, rs
}

// ReachSets tells, for every function, which entries reach it through
// direct calls and Indirect callees without entering a barrier.
type ReachSets struct {
	// Entries are the distinct entries, sorted; bit k of a set is
	// Entries[k].
	Entries []int
	Words   int
	set     []uint64 // Words per function
}

// Of is the set of entries reaching function f (bit k: Entries[k]).
func (r *ReachSets) Of(f int) []uint64 { return r.set[f*r.Words : (f+1)*r.Words] }

// Reaches tells whether entry k reaches function f.
func (r *ReachSets) Reaches(k, f int) bool { return r.set[f*r.Words+k/64]&(1<<(k%64)) != 0 }

// ReachSets computes who reaches what in one pass over the graph: its
// strongly connected components (Tarjan), then the entries' bits pushed
// along the condensation in topological order. It costs a few passes over
// the edges instead of one walk per entry.
func (p *Program) ReachSets(entries []int) *ReachSets {
	uniq := slices.Compact(slices.Sorted(slices.Values(entries)))
	n := len(p.Functions)
	words := max(1, (len(uniq)+63)/64)
	comp, order := p.sccs()
	// order lists components in reverse topological order (Tarjan's), so
	// walking it backwards visits a component before those it reaches.
	cbits := make([]uint64, len(order)*words)
	for k, e := range uniq {
		cbits[int(comp[e])*words+k/64] |= 1 << (k % 64)
	}
	members := make([][]int32, len(order))
	for f := range n {
		members[comp[f]] = append(members[comp[f]], int32(f))
	}
	for i := len(order) - 1; i >= 0; i-- {
		c := order[i]
		src := cbits[int(c)*words : int(c+1)*words]
		empty := true
		for _, w := range src {
			if w != 0 {
				empty = false
				break
			}
		}
		if empty {
			continue
		}
		for _, f := range members[c] {
			fi := &p.Functions[f]
			for _, cs := range [2][]int{fi.Calls, fi.Indirect} {
				for _, t := range cs {
					if p.Barrier(t) || comp[t] == c {
						continue
					}
					dst := cbits[int(comp[t])*words : int(comp[t]+1)*words]
					for w := range dst {
						dst[w] |= src[w]
					}
				}
			}
		}
	}
	set := make([]uint64, n*words)
	for f := range n {
		copy(set[f*words:(f+1)*words], cbits[int(comp[f])*words:int(comp[f]+1)*words])
	}
	return &ReachSets{Entries: uniq, Words: words, set: set}
}

// sccs labels the strongly connected components of the call graph (edges
// into barriers left out) with Tarjan's algorithm, iteratively. order
// lists the component ids in the order Tarjan completes them: a component
// comes after every component it reaches.
func (p *Program) sccs() (comp []int32, order []int32) {
	n := len(p.Functions)
	index := make([]int32, n)
	low := make([]int32, n)
	comp = make([]int32, n)
	for i := range index {
		index[i] = -1
	}
	onStack := make([]bool, n)
	var stack []int32
	type frame struct {
		f    int32
		edge int // next edge: Calls then Indirect
	}
	var call []frame
	next := int32(0)
	ncomp := int32(0)
	edge := func(f int32, e int) (int32, bool) {
		fi := &p.Functions[f]
		if e < len(fi.Calls) {
			return int32(fi.Calls[e]), true
		}
		e -= len(fi.Calls)
		if e < len(fi.Indirect) {
			return int32(fi.Indirect[e]), true
		}
		return 0, false
	}
	for root := range n {
		if index[root] >= 0 {
			continue
		}
		call = append(call[:0], frame{int32(root), 0})
		index[root], low[root] = next, next
		next++
		stack = append(stack, int32(root))
		onStack[root] = true
		for len(call) > 0 {
			fr := &call[len(call)-1]
			t, ok := edge(fr.f, fr.edge)
			if ok {
				fr.edge++
				if p.Barrier(int(t)) {
					continue
				}
				if index[t] < 0 {
					index[t], low[t] = next, next
					next++
					stack = append(stack, t)
					onStack[t] = true
					call = append(call, frame{t, 0})
				} else if onStack[t] && index[t] < low[fr.f] {
					low[fr.f] = index[t]
				}
				continue
			}
			f := fr.f
			call = call[:len(call)-1]
			if len(call) > 0 {
				if parent := call[len(call)-1].f; low[f] < low[parent] {
					low[parent] = low[f]
				}
			}
			if low[f] == index[f] {
				for {
					m := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[m] = false
					comp[m] = ncomp
					if m == f {
						break
					}
				}
				order = append(order, ncomp)
				ncomp++
			}
		}
	}
	return comp, order
}

// reachOwn walks from entry without entering hubs; mark must be a fresh
// value in stamp. Hub descendants are hubs (see Reach), so this finds
// exactly Reach's Functions.
func (p *Program) reachOwn(entry int, hub []bool, stamp []int32, mark int32, out []int) []int {
	out = append(out[:0], entry)
	stamp[entry] = mark
	for k := 0; k < len(out); k++ {
		f := &p.Functions[out[k]]
		for _, cs := range [2][]int{f.Calls, f.Indirect} {
			for _, c := range cs {
				if stamp[c] != mark && !hub[c] && !p.Barrier(c) {
					stamp[c] = mark
					out = append(out, c)
				}
			}
		}
	}
	return out
}
