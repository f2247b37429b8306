// Package kallsymstest writes synthetic kallsyms tables, laid out the way the
// kernel's scripts/kallsyms.c emits them, so that tests of kallsyms.Recover
// and of kernel/image can run on small inputs whose symbols they chose.
//
// It is test support: it compresses names with a simple greedy pair merge, not
// the kernel's exact token choice, which Recover does not depend on.
package kallsymstest

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	"sysweight/kernel/kallsyms"
)

// Layout selects the table order.
type Layout int

const (
	// Layout61 is Linux 6.1 stable (and 4.6-6.3): offsets, relative_base,
	// num_syms, names, markers, [seqs_of_names], token_table, token_index.
	Layout61 Layout = iota
	// Layout64 is Linux 6.4+: num_syms, names, markers, token_table,
	// token_index, offsets, relative_base, seqs_of_names.
	Layout64
)

// Options describe the kernel whose tables are written.
type Options struct {
	Layout Layout
	// SeqsOfNames adds kallsyms_seqs_of_names (6.2+, in 6.1 stable).
	SeqsOfNames bool
	// AbsolutePercpu applies the x86-64 SMP rule: symbols of type 'A' are
	// stored as absolute non-negative offsets, the rest as
	// relative_base - 1 - addr.
	AbsolutePercpu bool
	// RelativeBase is kallsyms_relative_base; 0 means the lowest address of
	// a non-'A' symbol, as scripts/kallsyms.c: record_relative_base does.
	RelativeBase uint64
}

// Tables is the written bytes and where each table went.
type Tables struct {
	Data []byte
	Base uint64 // address of Data[0]

	Offsets, RelativeBase, NumSyms, Names, Markers, SeqsOfNames, TokenTable, TokenIndex uint64
}

// Build writes kallsyms tables for syms (which must be sorted by address)
// at address base, which must be a multiple of 8.
func Build(syms []kallsyms.Symbol, base uint64, o Options) (*Tables, error) {
	if base%8 != 0 {
		return nil, fmt.Errorf("base %#x not 8-aligned", base)
	}
	if len(syms) == 0 {
		return nil, fmt.Errorf("no symbols")
	}
	entries := make([]string, len(syms))
	for i, s := range syms {
		if i > 0 && s.Addr < syms[i-1].Addr {
			return nil, fmt.Errorf("symbol %d (%s) not sorted by address", i, s.Name)
		}
		entries[i] = string(s.Type) + s.Name
	}
	tokens, seqs := compress(entries)

	relBase := o.RelativeBase
	if relBase == 0 {
		relBase = ^uint64(0)
		for _, s := range syms {
			if !(o.AbsolutePercpu && s.Type == 'A') && s.Addr < relBase {
				relBase = s.Addr
			}
		}
	}
	offsets := make([]byte, 4*len(syms))
	for i, s := range syms {
		var off int64
		switch {
		case !o.AbsolutePercpu:
			off = int64(s.Addr - relBase)
			if s.Addr < relBase || off > 1<<32-1 {
				return nil, fmt.Errorf("symbol %s at %#x out of u32 range of base %#x", s.Name, s.Addr, relBase)
			}
		case s.Type == 'A':
			off = int64(s.Addr)
			if off < 0 || off > 1<<31-1 {
				return nil, fmt.Errorf("absolute symbol %s at %#x out of range", s.Name, s.Addr)
			}
		default:
			off = int64(relBase) - int64(s.Addr) - 1
			if off >= 0 || off < -1<<31 {
				return nil, fmt.Errorf("symbol %s at %#x out of range of base %#x", s.Name, s.Addr, relBase)
			}
		}
		binary.LittleEndian.PutUint32(offsets[4*i:], uint32(int32(off)))
	}

	var names []byte
	var markers []byte
	for i, seq := range seqs {
		if i%256 == 0 {
			markers = binary.LittleEndian.AppendUint32(markers, uint32(len(names)))
		}
		if len(seq) < 0x80 {
			names = append(names, byte(len(seq)))
		} else {
			names = append(names, byte(len(seq)&0x7f|0x80), byte(len(seq)>>7))
		}
		names = append(names, seq...)
	}
	var seqsOfNames []byte
	if o.SeqsOfNames {
		order := make([]int, len(syms))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(syms[a].Name, syms[b].Name) })
		for _, i := range order {
			seqsOfNames = append(seqsOfNames, byte(i>>16), byte(i>>8), byte(i))
		}
	}
	var table, index []byte
	for _, tok := range tokens {
		index = binary.LittleEndian.AppendUint16(index, uint16(len(table)))
		table = append(append(table, tok...), 0)
	}
	num := binary.LittleEndian.AppendUint32(nil, uint32(len(syms)))
	rel := binary.LittleEndian.AppendUint64(nil, relBase)

	t := &Tables{Base: base}
	emit := func(at *uint64, b []byte) {
		for len(t.Data)%8 != 0 { // ALGN in scripts/kallsyms.c: output_label
			t.Data = append(t.Data, 0)
		}
		*at = base + uint64(len(t.Data))
		t.Data = append(t.Data, b...)
	}
	switch o.Layout {
	case Layout61:
		emit(&t.Offsets, offsets)
		emit(&t.RelativeBase, rel)
		emit(&t.NumSyms, num)
		emit(&t.Names, names)
		emit(&t.Markers, markers)
		if o.SeqsOfNames {
			emit(&t.SeqsOfNames, seqsOfNames)
		}
		emit(&t.TokenTable, table)
		emit(&t.TokenIndex, index)
	case Layout64:
		emit(&t.NumSyms, num)
		emit(&t.Names, names)
		emit(&t.Markers, markers)
		emit(&t.TokenTable, table)
		emit(&t.TokenIndex, index)
		emit(&t.Offsets, offsets)
		emit(&t.RelativeBase, rel)
		if o.SeqsOfNames {
			emit(&t.SeqsOfNames, seqsOfNames)
		}
	default:
		return nil, fmt.Errorf("unknown layout %d", o.Layout)
	}
	return t, nil
}

// compress turns entries into token-index sequences over a 256-entry token
// table: every byte used stands for itself, and free slots get the most
// frequent adjacent pair, repeatedly; slots still free stay empty strings, as
// in scripts/kallsyms.c: optimize_result.
func compress(entries []string) ([256]string, [][]byte) {
	var tokens [256]string
	used := [256]bool{}
	seqs := make([][]byte, len(entries))
	for i, e := range entries {
		seqs[i] = []byte(e)
		for _, c := range []byte(e) {
			used[c] = true
			tokens[c] = string(c)
		}
	}
	for slot := 255; slot >= 0; slot-- {
		if used[slot] {
			continue
		}
		counts := map[[2]byte]int{}
		for _, s := range seqs {
			for j := 0; j+1 < len(s); j++ {
				counts[[2]byte{s[j], s[j+1]}]++
			}
		}
		var best [2]byte
		bestN := 1
		for p, n := range counts {
			if n > bestN || n == bestN && bestN > 1 && (p[0] < best[0] || p[0] == best[0] && p[1] < best[1]) {
				best, bestN = p, n
			}
		}
		if bestN < 2 {
			break
		}
		used[slot] = true
		tokens[slot] = tokens[best[0]] + tokens[best[1]]
		for i, s := range seqs {
			out := s[:0:0]
			for j := 0; j < len(s); j++ {
				if j+1 < len(s) && s[j] == best[0] && s[j+1] == best[1] {
					out = append(out, byte(slot))
					j++
					continue
				}
				out = append(out, s[j])
			}
			seqs[i] = out
		}
	}
	return tokens, seqs
}
