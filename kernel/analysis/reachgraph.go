package analysis

import (
	"slices"
	"sync"
)

// callGraph is the part of the call graph a ReachIndex keeps for the
// functions it does not index (the hubs): every call edge (direct and
// resolved indirect, none into a barrier) in compressed rows, and each
// syscall's entry. It answers "which syscalls reach f, how near, by which
// path" by a backward walk from f, as Graph.Walk would forward: hubs are
// passed through, and functions that make a path incidental (exit,
// task_work, module init, kprobes, tracing, interrupts: the index's
// incidental rule) are not, so the path found is the shortest
// non-incidental one.
type callGraph struct {
	off, to []int32 // callees of f: to[off[f]:off[f+1]]
	entry   []int32 // by syscall index of the ReachIndex; -1 when none

	once      sync.Once
	roff, rto []int32 // callers, built on first use
	blocked   []bool  // incidental functions
	byEntry   map[int32][]uint16

	mu   sync.Mutex
	memo map[int32][]Reacher
}

func newCallGraph(g *Graph, x *ReachIndex, scIndex map[string]uint16) *callGraph {
	n := len(g.prog.Functions)
	cg := &callGraph{off: make([]int32, n+1)}
	for f := range g.prog.Functions {
		fi := &g.prog.Functions[f]
		for _, cs := range [2][]int{fi.Calls, fi.Indirect} {
			for _, c := range cs {
				if !g.prog.Barrier(c) {
					cg.to = append(cg.to, int32(c))
				}
			}
		}
		cg.off[f+1] = int32(len(cg.to))
	}
	for k, name := range g.names {
		s, ok := scIndex[name]
		if !ok {
			s = uint16(len(x.Syscalls))
			scIndex[name] = s
			x.Syscalls = append(x.Syscalls, name)
		}
		for len(cg.entry) <= int(s) {
			cg.entry = append(cg.entry, -1)
		}
		cg.entry[s] = g.entry[k]
	}
	for len(cg.entry) < len(x.Syscalls) {
		cg.entry = append(cg.entry, -1)
	}
	return cg
}

func (cg *callGraph) prepare(x *ReachIndex) {
	cg.once.Do(func() {
		n := len(cg.off) - 1
		cnt := make([]int32, n+1)
		for _, c := range cg.to {
			cnt[c+1]++
		}
		for i := 1; i <= n; i++ {
			cnt[i] += cnt[i-1]
		}
		cg.roff = slices.Clone(cnt)
		cg.rto = make([]int32, len(cg.to))
		for f := range n {
			for _, c := range cg.to[cg.off[f]:cg.off[f+1]] {
				cg.rto[cnt[c]] = int32(f)
				cnt[c]++
			}
		}
		cg.blocked = make([]bool, n)
		for f := range n {
			cg.blocked[f] = x.isIncidental(x.Funcs[f].Name)
		}
		cg.byEntry = map[int32][]uint16{}
		for s, e := range cg.entry {
			if e >= 0 {
				cg.byEntry[e] = append(cg.byEntry[e], uint16(s))
			}
		}
		cg.memo = map[int32][]Reacher{}
	})
}

// reach lists the syscalls that reach f without passing an incidental
// function, nearest first (Parent is left −1: paths come from path).
func (cg *callGraph) reach(x *ReachIndex, f int32) []Reacher {
	cg.prepare(x)
	cg.mu.Lock()
	if r, ok := cg.memo[f]; ok {
		cg.mu.Unlock()
		return r
	}
	cg.mu.Unlock()
	out := cg.reachWithin(f, 1<<15)
	cg.mu.Lock()
	cg.memo[f] = out
	cg.mu.Unlock()
	return out
}

// reachWithin is reach for the syscalls within maxDepth calls of f; the
// walk back stops there. It is not memoised. prepare must have run.
func (cg *callGraph) reachWithin(f int32, maxDepth int) []Reacher {
	var out []Reacher
	if !cg.blocked[f] {
		seen := map[int32]bool{f: true}
		level := []int32{f}
		for d := 0; len(level) > 0 && d <= maxDepth; d++ {
			var next []int32
			for _, v := range level {
				for _, s := range cg.byEntry[v] {
					out = append(out, Reacher{Syscall: s, Depth: uint16(d), Parent: -1})
				}
				for _, u := range cg.rto[cg.roff[v]:cg.roff[v+1]] {
					if !seen[u] && !cg.blocked[u] {
						seen[u] = true
						next = append(next, u)
					}
				}
			}
			level = next
		}
		sortReach(out)
	}
	return out
}

// path is a shortest non-incidental call path from syscall s's entry to
// f, entry first (function indices), or nil.
func (cg *callGraph) path(x *ReachIndex, s uint16, f int32) []int32 {
	cg.prepare(x)
	if int(s) >= len(cg.entry) || cg.entry[s] < 0 || cg.blocked[f] {
		return nil
	}
	e := cg.entry[s]
	parent := map[int32]int32{e: -1}
	queue := []int32{e}
	for h := 0; h < len(queue); h++ {
		v := queue[h]
		if v == f {
			var rev []int32
			for c := f; c >= 0; c = parent[c] {
				rev = append(rev, c)
			}
			slices.Reverse(rev)
			return rev
		}
		for _, c := range cg.to[cg.off[v]:cg.off[v+1]] {
			if _, ok := parent[c]; !ok && !cg.blocked[c] {
				parent[c] = v
				queue = append(queue, c)
			}
		}
	}
	return nil
}

// hop is a shortest non-incidental call path from function from to
// function to of at most max calls, from first, or nil.
func (cg *callGraph) hop(x *ReachIndex, from, to int32, max int) []int32 {
	cg.prepare(x)
	if cg.blocked[to] {
		return nil
	}
	parent := map[int32]int32{from: -1}
	level := []int32{from}
	for d := 0; d <= max && len(level) > 0; d++ {
		var next []int32
		for _, v := range level {
			if v == to {
				var rev []int32
				for c := to; c >= 0; c = parent[c] {
					rev = append(rev, c)
				}
				slices.Reverse(rev)
				return rev
			}
			if d == max {
				continue
			}
			for _, c := range cg.to[cg.off[v]:cg.off[v+1]] {
				if _, ok := parent[c]; !ok && !cg.blocked[c] {
					parent[c] = v
					next = append(next, c)
				}
			}
		}
		level = next
	}
	return nil
}
