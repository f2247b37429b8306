package exposure

import (
	"fmt"
	"sort"
	"sync"

	"sysweight/seccomp"
	"sysweight/syscalls"
)

// The argument corpus (DESIGN.md, "degree of exposure").
//
// A rule that allows a syscall only for some argument values exposes part of
// that syscall's kernel code. The degree is the fraction of a fixed set of
// argument tuples, the corpus, that the rule lets through. For syscall s the
// corpus varies only the arguments that some rule conditions on; every other
// argument is 0. For each such argument it holds:
//   - the kernel UAPI values for that argument (uapiValues below: clone
//     flags, socket families and types, prctl options, ioctl commands, ...);
//   - every constant named by the rules for s and that argument in the
//     filters the corpus is built from, and for ordering comparisons the
//     constant ± 1, so both sides of each boundary are sampled;
//   - the boundary values 0, 1, 0x7fffffff, 0x80000000, 0xffffffff and
//     0xffffffffffffffff.
// The tuples are the cartesian product of those per-argument sets. To keep
// degrees comparable between runtimes, build one corpus from all the filters
// being compared.

// maxTuples caps the product for one syscall. Past it the largest argument
// sets are thinned (every k-th value, keeping the first and last) until the
// product fits, which keeps the corpus deterministic.
const maxTuples = 1 << 16

var boundaryValues = []uint64{0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0xffffffffffffffff}

// Corpus holds the argument values of interest per syscall and argument.
type Corpus struct {
	arch   syscalls.Arch
	values map[string]map[uint8][]uint64
	// sets are the values before thinning, which With starts from
	sets valueSets

	mu     sync.Mutex
	tuples map[string][][6]uint64 // Tuples, computed once per syscall
}

// Arch is the architecture the corpus is for.
func (c *Corpus) Arch() syscalls.Arch { return c.arch }

// NewCorpus builds the corpus for arch from the UAPI tables and the rules of
// filters.
func NewCorpus(arch syscalls.Arch, filters ...*seccomp.Filter) *Corpus {
	sets := valueSets{}
	for _, f := range filters {
		for _, r := range f.Rules {
			for _, c := range r.Conds {
				sets.add(r.Syscall, c.Arg, condValues(c)...)
			}
		}
	}
	return corpusOf(arch, sets)
}

// With returns a corpus that also holds extra's values (per syscall and
// argument, as BPFConstants gives them), as if rules had named them: an
// argument c did not vary gets the UAPI and boundary values too. c is
// unchanged.
func (c *Corpus) With(extra map[string]map[uint8][]uint64) *Corpus {
	sets := valueSets{}
	for sys, args := range c.sets {
		for arg, set := range args {
			for v := range set {
				sets.add(sys, arg, v)
			}
		}
	}
	for sys, args := range extra {
		for arg, vs := range args {
			sets.add(sys, arg, vs...)
		}
	}
	return corpusOf(c.arch, sets)
}

// valueSets are argument values of interest: syscall → argument → set.
type valueSets map[string]map[uint8]map[uint64]bool

func (s valueSets) add(sys string, arg uint8, vs ...uint64) {
	if s[sys] == nil {
		s[sys] = map[uint8]map[uint64]bool{}
	}
	if s[sys][arg] == nil {
		s[sys][arg] = map[uint64]bool{}
	}
	for _, v := range vs {
		s[sys][arg][v] = true
	}
}

// corpusOf adds the UAPI and boundary values to each argument of sets and
// thins the products.
func corpusOf(arch syscalls.Arch, sets valueSets) *Corpus {
	// UAPI and boundary values only for arguments some rule conditions on:
	// an unconditioned argument cannot change any verdict.
	c := &Corpus{arch: arch, values: map[string]map[uint8][]uint64{}}
	for sys, args := range sets {
		c.values[sys] = map[uint8][]uint64{}
		for arg, set := range args {
			for _, v := range uapiFor(arch, sys, arg) {
				set[v] = true
			}
			for _, v := range boundaryValues {
				set[v] = true
			}
			vs := make([]uint64, 0, len(set))
			for v := range set {
				vs = append(vs, v)
			}
			sort.Slice(vs, func(i, j int) bool { return vs[i] < vs[j] })
			c.values[sys][arg] = vs
		}
	}
	c.sets = sets
	c.thin()
	return c
}

// condValues returns the constants a condition names, with both sides of
// each ordering boundary, and for masked comparisons the datum and the datum
// with each mask bit flipped.
func condValues(c seccomp.Cond) []uint64 {
	switch c.Op {
	case seccomp.OpMaskedEQ:
		out := []uint64{c.ValueTwo, c.Value}
		for bit := uint64(1); bit != 0; bit <<= 1 {
			if c.Value&bit != 0 {
				out = append(out, c.ValueTwo^bit)
			}
		}
		return out
	case seccomp.OpEQ, seccomp.OpNE:
		return []uint64{c.Value}
	default:
		return []uint64{c.Value - 1, c.Value, c.Value + 1}
	}
}

func (c *Corpus) thin() {
	for _, args := range c.values {
		for c.product(args) > maxTuples {
			// The largest set is thinned; ties go to the lowest argument
			// index so the result does not depend on map order.
			big, bigLen := uint8(0), -1
			for a := uint8(0); a < 6; a++ {
				if vs, ok := args[a]; ok && len(vs) > bigLen {
					big, bigLen = a, len(vs)
				}
			}
			vs := args[big]
			thinned := make([]uint64, 0, len(vs)/2+2)
			for i := 0; i < len(vs); i += 2 {
				thinned = append(thinned, vs[i])
			}
			if thinned[len(thinned)-1] != vs[len(vs)-1] {
				thinned = append(thinned, vs[len(vs)-1])
			}
			args[big] = thinned
		}
	}
}

func (c *Corpus) product(args map[uint8][]uint64) int {
	n := 1
	for _, vs := range args {
		n *= len(vs)
		if n > maxTuples*4 {
			return n
		}
	}
	return n
}

// Args returns the argument indexes the corpus varies for syscall, ascending.
func (c *Corpus) Args(syscall string) []uint8 {
	var out []uint8
	for a := range c.values[syscall] {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Values returns the corpus values of one argument of syscall.
func (c *Corpus) Values(syscall string, arg uint8) []uint64 {
	return c.values[syscall][arg]
}

// Tuples returns the argument tuples of syscall: the product of its argument
// sets, or the single all-zero tuple when no argument is varied. The slice
// is shared: callers must not modify it. Safe for concurrent use.
func (c *Corpus) Tuples(syscall string) [][6]uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t, ok := c.tuples[syscall]; ok {
		return t
	}
	if c.tuples == nil {
		c.tuples = map[string][][6]uint64{}
	}
	t := c.product6(syscall)
	c.tuples[syscall] = t
	return t
}

func (c *Corpus) product6(syscall string) [][6]uint64 {
	args := c.Args(syscall)
	out := [][6]uint64{{}}
	for _, a := range args {
		vs := c.values[syscall][a]
		next := make([][6]uint64, 0, len(out)*len(vs))
		for _, t := range out {
			for _, v := range vs {
				t2 := t
				t2[a] = v
				next = append(next, t2)
			}
		}
		out = next
	}
	return out
}

// Size is the number of tuples of syscall.
func (c *Corpus) Size(syscall string) int { return c.product(c.values[syscall]) }

// Describe says, per varied argument, how many values the corpus holds.
func (c *Corpus) Describe(syscall string) string {
	s := ""
	for _, a := range c.Args(syscall) {
		if s != "" {
			s += ", "
		}
		s += fmt.Sprintf("arg%d: %d values", a, len(c.values[syscall][a]))
	}
	if s == "" {
		return "no argument varied"
	}
	return s
}
