package bpf

// Compilers such as libseccomp emit a syscall filter as long chains of
//
//	if (A == k1) goto t1
//	if (A == k2) goto t2
//	...
//
// where each false branch falls through to the next comparison. A is the
// same all along such a chain, so running it is a lookup of A among the
// constants: the first comparison at or after the entry pc whose constant
// equals A decides, and if none does the last one's false branch is taken.
// Program.Run does that lookup in a small hash table instead of walking the
// chain, which makes the Docker default filter about ten times faster.

// minRun is the shortest chain worth a table.
const minRun = 4

// jeqRun is one chain of BPF_JMP|BPF_JEQ|BPF_K instructions, pcs
// start..end, all but the last with jf == 0.
type jeqRun struct {
	start, end int
	miss       int      // pc taken when no constant from the entry on matches
	target     []uint16 // per pc in the chain: its true target
	keys       []uint32 // open-addressing table of constants
	first      []int32  // per table slot: first pc in the chain with that constant, -1 when empty
	later      []int32  // per pc in the chain: the next pc with the same constant, -1 when none
	mask       uint32
}

func (p *Program) findRuns() {
	ops := p.ops
	for pc := 0; pc < len(ops); {
		if ops[pc].code != opJeqK {
			pc++
			continue
		}
		end := pc
		// jf == 0 in the instruction means its false target is end+1.
		for end+1 < len(ops) && ops[end+1].code == opJeqK && int(ops[end].jf) == end+1 {
			end++
		}
		if end-pc+1 >= minRun && len(p.runs) < 1<<16 {
			p.addRun(pc, end)
		}
		pc = end + 1
	}
}

func (p *Program) addRun(start, end int) {
	n := end - start + 1
	size := 1
	for size < 2*n {
		size <<= 1
	}
	r := jeqRun{start: start, end: end, miss: int(p.ops[end].jf),
		target: make([]uint16, n), keys: make([]uint32, size), first: make([]int32, size),
		later: make([]int32, n), mask: uint32(size - 1)}
	for i := range r.first {
		r.first[i] = -1
	}
	last := map[uint32]int{} // constant -> latest pc seen, to link later
	for pc := start; pc <= end; pc++ {
		o := p.ops[pc]
		r.target[pc-start] = o.jt
		r.later[pc-start] = -1
		if prev, ok := last[o.k]; ok {
			r.later[prev-start] = int32(pc)
		} else {
			slot := r.slot(o.k)
			r.keys[slot], r.first[slot] = o.k, int32(pc)
		}
		last[o.k] = pc
	}
	idx := len(p.runs)
	p.runs = append(p.runs, r)
	for pc := start; pc <= end; pc++ {
		p.ops[pc] = op{code: opJeqRun, jt: uint16(idx)}
	}
}

func hash(k uint32) uint32 { return k * 0x9e3779b1 }

// slot finds k's slot, or the empty slot where it belongs.
func (r *jeqRun) slot(k uint32) uint32 {
	i := hash(k) & r.mask
	for r.first[i] >= 0 && r.keys[i] != k {
		i = (i + 1) & r.mask
	}
	return i
}

// next is the pc after running the chain from pc with accumulator a.
func (r *jeqRun) next(a uint32, pc int) int {
	i := hash(a) & r.mask
	for {
		f := r.first[i]
		if f < 0 {
			return r.miss
		}
		if r.keys[i] == a {
			for f >= 0 && int(f) < pc {
				f = r.later[int(f)-r.start]
			}
			if f < 0 {
				return r.miss
			}
			return int(r.target[int(f)-r.start])
		}
		i = (i + 1) & r.mask
	}
}
