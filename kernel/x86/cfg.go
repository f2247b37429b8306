package x86

import (
	"slices"
)

// Why an offset starts a basic block. A block that starts only because it
// follows an unconditional terminator and holds nothing but NOPs and int3 is
// alignment or straight-line-speculation padding, not code.
const (
	whyEntry = 1 << iota
	whyTarget
	whyFall      // after a conditional branch
	whyAfterTerm // after jmp, ret, a trap or a noreturn call
)

type leader struct {
	off uint32
	why uint8
}

// cfgBuilder keeps scratch space between functions.
type cfgBuilder struct {
	lead  []leader
	calls []int
}

func (g *cfgBuilder) build(f *FuncInfo, evs []event, work []funcWork, self int) {
	w := &work[self]
	if f.Size == 0 || w.insns == 0 {
		return
	}
	size := uint32(f.Size)
	noRet := func(e event) bool {
		return e.kind == Call && e.tgt == tgtOut && e.to >= 0 && work[e.to].noReturn == 1
	}
	g.lead = append(g.lead[:0], leader{0, whyEntry})
	for _, e := range evs {
		end := e.off + e.len
		after := uint8(0)
		switch e.kind {
		case Cond:
			if e.tgt == tgtIn {
				g.lead = append(g.lead, leader{e.toff, whyTarget})
			}
			after = whyFall
		case Jmp:
			if e.tgt == tgtIn {
				g.lead = append(g.lead, leader{e.toff, whyTarget})
			}
			after = whyAfterTerm
		case JmpInd, Ret, Trap, Int3:
			after = whyAfterTerm
		case Call:
			if noRet(e) {
				after = whyAfterTerm
			}
		}
		if after != 0 && end < size {
			g.lead = append(g.lead, leader{end, after})
		}
	}
	slices.SortFunc(g.lead, func(a, b leader) int { return int(a.off) - int(b.off) })
	lead := g.lead[:0]
	for _, l := range g.lead {
		if n := len(lead); n > 0 && lead[n-1].off == l.off {
			lead[n-1].why |= l.why
			continue
		}
		lead = append(lead, l)
	}
	g.lead = lead

	k := 0 // next event
	for j, l := range lead {
		end := size
		if j+1 < len(lead) {
			end = lead[j+1].off
		}
		// Events of this block; pad stays true while they tile it with
		// NOPs and int3.
		pad, pos := true, l.off
		var last *event
		for ; k < len(evs) && evs[k].off < end; k++ {
			e := &evs[k]
			if e.off != pos || (e.kind != Nop && e.kind != Int3) {
				pad = false
			}
			pos = e.off + e.len
			last = e
		}
		if pos != end {
			pad = false
		}
		if pad && l.why == whyAfterTerm {
			continue
		}
		f.Blocks++
		fall := func() {
			if end < size {
				f.Edges++
			} else {
				f.Exits++ // runs off the end of the symbol
			}
		}
		if last == nil || last.off+last.len != end {
			fall()
			continue
		}
		switch e := *last; {
		case e.kind == Cond:
			if e.tgt == tgtIn {
				f.Edges++
			} else {
				f.Exits++
			}
			fall()
		case e.kind == Jmp:
			if e.tgt == tgtIn {
				f.Edges++
			} else {
				f.Exits++
			}
		case e.kind == JmpInd, e.kind == Ret, e.kind == Trap, e.kind == Int3, noRet(e):
			f.Exits++
		default:
			fall()
		}
	}
	if f.Blocks > 0 {
		f.CC = f.Edges + f.Exits - f.Blocks + 1
	}

	g.calls = g.calls[:0]
	for _, e := range evs {
		switch e.kind {
		case CallInd:
			f.IndirectCalls++
		case JmpInd:
			f.IndirectJumps++
		case Call, Jmp, Cond:
			if e.tgt != tgtOut {
				continue
			}
			if e.to < 0 {
				f.Unresolved++
				continue
			}
			switch e.fcls {
			case clsNormal:
				g.calls = append(g.calls, int(e.to))
			case clsIndirectThunk:
				if e.kind == Call {
					f.IndirectCalls++
				} else {
					f.IndirectJumps++
				}
			}
			if e.kind == Call && (e.fcls == clsIndirectThunk || e.fcls == clsReturnThunk) && !slices.Contains(w.thunkCalls, e.to) {
				w.thunkCalls = append(w.thunkCalls, e.to)
			}
		}
	}
	if len(g.calls) > 0 {
		slices.Sort(g.calls)
		f.Calls = slices.Clone(slices.Compact(g.calls))
	}
}
