package x86

import (
	"runtime"
	"slices"
	"sync"
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
	hub, count, _ = p.hubs(entries, fraction)
	return hub, count
}

// closure is the size and complexity of everything one entry reaches.
type closure struct{ n, cc int }

// hubs is Hubs, also returning each distinct entry's closure. The walks run
// in parallel, each worker with its own marks and counts.
func (p *Program) hubs(entries []int, fraction float64) ([]bool, []int, map[int]closure) {
	uniq := slices.Compact(slices.Sorted(slices.Values(entries)))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(uniq)))
	counts := make([][]int, workers)
	sums := make([]closure, len(uniq))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			count := make([]int, len(p.Functions))
			stamp := make([]int32, len(p.Functions))
			var stack []int
			for n := w; n < len(uniq); n += workers {
				e, mark := uniq[n], int32(n+1)
				stack = append(stack[:0], e)
				stamp[e] = mark
				var c closure
				for len(stack) > 0 {
					i := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					count[i]++
					c.n++
					c.cc += p.Functions[i].CC
					for _, k := range p.Functions[i].Calls {
						if stamp[k] != mark && !p.Barrier(k) {
							stamp[k] = mark
							stack = append(stack, k)
						}
					}
					for _, k := range p.Functions[i].Indirect {
						if stamp[k] != mark && !p.Barrier(k) {
							stamp[k] = mark
							stack = append(stack, k)
						}
					}
				}
				sums[n] = c
			}
			counts[w] = count
		}()
	}
	wg.Wait()
	count := counts[0]
	for _, c := range counts[1:] {
		for i, v := range c {
			count[i] += v
		}
	}
	hub := make([]bool, len(p.Functions))
	limit := fraction * float64(len(uniq))
	for i, c := range count {
		hub[i] = float64(c) > limit
	}
	all := make(map[int]closure, len(uniq))
	for n, e := range uniq {
		all[e] = sums[n]
	}
	return hub, count, all
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
