package exposure

import (
	"sort"

	"sysweight/bpf"
	"sysweight/syscalls"
)

// An installed filter is known only as BPF: the corpus built from the
// built-ins' rules holds none of its own argument constants, so a filter
// that refuses unshare(CLONE_NEWUSER) would show unshare at degree 1, its
// one zero tuple passing. BPFConstants finds, for each syscall, the
// constants the filters compare each argument with on that syscall's
// paths, so that the corpus (Corpus.With) samples both sides of every
// such test, as it does for a declared rule's conditions.

// bpfState is what the walk knows at one instruction: which seccomp_data
// word the accumulator holds (−1: a computed value or a constant) and the
// mask an and applied to it, and the same for each scratch cell.
type bpfState struct {
	pc   int
	aw   int8
	mask uint32
	mw   [bpf.MemWords]int8
	mm   [bpf.MemWords]uint32
}

// BPFConstants returns, per syscall and argument, the values the filters
// of stacks test that argument against: for a comparison of the low half
// with k, k and for ordering tests k±1; a set bit test, k, 0 and each bit
// of k; a masked equality, k and k with each mask bit flipped; and for the
// high half the same values shifted up, combined with the low half's. The
// walk follows both sides of every test on an argument or the instruction
// pointer and the one side the syscall number and the architecture give;
// an instruction it does not model (indirect loads, arithmetic other than
// and) ends that path.
func BPFConstants(arch syscalls.Arch, stacks [][][]bpf.Instruction) map[string]map[uint8][]uint64 {
	t := syscalls.MustForArch(arch)
	audit := arch.AuditArch()
	out := map[string]map[uint8][]uint64{}
	for _, s := range t.All() {
		lo := map[uint8]map[uint64]bool{}
		hi := map[uint8]map[uint64]bool{}
		for _, stack := range stacks {
			for _, prog := range stack {
				walkConstants(prog, uint32(s.Nr), audit, lo, hi)
			}
		}
		if len(lo) == 0 && len(hi) == 0 {
			continue
		}
		args := map[uint8][]uint64{}
		for a := uint8(0); a < 6; a++ {
			if lo[a] == nil && hi[a] == nil {
				continue
			}
			los, his := keys(lo[a]), keys(hi[a])
			set := map[uint64]bool{}
			for _, h := range append(his, 0) {
				for _, l := range append(los, 0) {
					set[h<<32|l] = true
				}
			}
			args[a] = keys(set)
		}
		out[s.Name] = args
	}
	return out
}

func keys(m map[uint64]bool) []uint64 {
	out := make([]uint64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// walkConstants walks prog for syscall nr on arch audit, adding to lo and
// hi the constants each argument's low and high half is tested against.
// seccomp_data words: 0 nr, 1 arch, 2–3 instruction pointer, 4+2i and
// 5+2i the low and high half of argument i.
func walkConstants(prog []bpf.Instruction, nr, audit uint32, lo, hi map[uint8]map[uint64]bool) {
	start := bpfState{aw: -1}
	for i := range start.mw {
		start.mw[i] = -1
	}
	seen := map[bpfState]bool{}
	stack := []bpfState{start}
	add := func(word int8, vs ...uint32) {
		if word < 4 || word > 15 {
			return
		}
		m := lo
		if word%2 == 1 {
			m = hi
		}
		a := uint8(word-4) / 2
		if m[a] == nil {
			m[a] = map[uint64]bool{}
		}
		for _, v := range vs {
			m[a][uint64(v)] = true
		}
	}
	for len(stack) > 0 {
		st := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for st.pc >= 0 && st.pc < len(prog) {
			if seen[st] {
				break
			}
			seen[st] = true
			in := prog[st.pc]
			next := st
			next.pc++
			switch in.Code {
			case bpf.Ld | bpf.W | bpf.Abs:
				next.aw, next.mask = -1, ^uint32(0)
				if in.K%4 == 0 && in.K/4 < 16 {
					next.aw = int8(in.K / 4)
				}
			case bpf.Ld | bpf.Imm, bpf.Misc | bpf.Txa:
				next.aw = -1
			case bpf.Ld | bpf.Mem:
				next.aw, next.mask = st.mw[in.K%bpf.MemWords], st.mm[in.K%bpf.MemWords]
			case bpf.St:
				next.mw[in.K%bpf.MemWords], next.mm[in.K%bpf.MemWords] = st.aw, st.mask
			case bpf.Ldx | bpf.Imm, bpf.Ldx | bpf.W | bpf.Mem, bpf.Stx, bpf.Misc | bpf.Tax:
				// X is never compared with a word here: libseccomp's and
				// gVisor's filters compare with constants
			case bpf.Alu | bpf.And | bpf.K:
				next.mask = st.mask & in.K
			case bpf.Ret | bpf.K, bpf.Ret | bpf.RetA:
				st.pc = -1
				continue
			case bpf.Jmp | bpf.Ja:
				next.pc += int(in.K)
			case bpf.Jmp | bpf.Jeq | bpf.K, bpf.Jmp | bpf.Jgt | bpf.K, bpf.Jmp | bpf.Jge | bpf.K, bpf.Jmp | bpf.Jset | bpf.K:
				op := in.Code &^ (bpf.Jmp | bpf.K)
				taken, fall := st, st
				taken.pc += 1 + int(in.Jt)
				fall.pc += 1 + int(in.Jf)
				switch {
				case st.aw == 0 || st.aw == 1:
					// the syscall number and the architecture are known
					v := nr
					if st.aw == 1 {
						v = audit
					}
					v &= st.mask
					var yes bool
					switch op {
					case bpf.Jeq:
						yes = v == in.K
					case bpf.Jgt:
						yes = v > in.K
					case bpf.Jge:
						yes = v >= in.K
					case bpf.Jset:
						yes = v&in.K != 0
					}
					if yes {
						st = taken
					} else {
						st = fall
					}
					continue
				case st.aw >= 4:
					switch {
					case op == bpf.Jset:
						vs := []uint32{0, in.K}
						for bit := uint32(1); bit != 0; bit <<= 1 {
							if in.K&bit != 0 {
								vs = append(vs, bit)
							}
						}
						add(st.aw, vs...)
					case op == bpf.Jeq && st.mask != ^uint32(0):
						vs := []uint32{in.K}
						for bit := uint32(1); bit != 0; bit <<= 1 {
							if st.mask&bit != 0 {
								vs = append(vs, in.K^bit)
							}
						}
						add(st.aw, vs...)
					case op == bpf.Jeq:
						add(st.aw, in.K)
					default:
						add(st.aw, in.K-1, in.K, in.K+1)
					}
				}
				// an argument, the instruction pointer or a computed
				// value: both sides
				stack = append(stack, fall)
				st = taken
				continue
			default:
				st.pc = -1 // not modelled: this path ends
				continue
			}
			st = next
		}
	}
}
