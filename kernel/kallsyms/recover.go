package kallsyms

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
)

// ErrNoKallsyms means no kallsyms tables were found in the bytes searched.
var ErrNoKallsyms = errors.New("kallsyms: no kallsyms tables found")

// Table is a kallsyms symbol table recovered from kernel memory or a file.
// Addresses of the tables themselves are virtual addresses in the searched
// region, for diagnostics and tests.
type Table struct {
	// Symbols in table order, which is ascending address. Size is 0.
	Symbols []Symbol

	NumSyms        int
	RelativeBase   uint64
	AbsolutePercpu bool // the x86-64 SMP rule of kernel/kallsyms.c

	OffsetsAddr      uint64
	RelativeBaseAddr uint64
	NumSymsAddr      uint64
	NamesAddr        uint64
	MarkersAddr      uint64
	SeqsOfNamesAddr  uint64 // 0 when the kernel has no kallsyms_seqs_of_names
	TokenTableAddr   uint64
	TokenIndexAddr   uint64
}

// Limits that keep a scan of garbage cheap; real tables are far inside them.
const (
	tokenIndexLen = 256
	maxTokenLen   = 256 // scripts/kallsyms.c builds tokens by pairing; real ones are < 40
	maxEntryLen   = 512 // KSYM_NAME_LEN of 6.1+; tokens are >= 1 byte
	minNumSyms    = 1
	maxNumSyms    = 1 << 24
	// maxMarkerStep bounds the bytes 256 names take; real kernels use ~4 KiB.
	maxMarkerStep = 256 * 600
)

var le = binary.LittleEndian

// Recover finds the kallsyms tables in data, which is loaded at virtual
// address base (for a vmlinux, pass the .rodata section and its address), and
// decodes every symbol. Only little-endian 64-bit kernels with
// CONFIG_KALLSYMS_BASE_RELATIVE are understood.
//
// The tables are found without symbols: kallsyms_token_index is 256 increasing
// u16 offsets that must match the NUL positions of the kallsyms_token_table
// just before it; kallsyms_markers, found walking back from there, give the
// offset of every 256th name, which pins kallsyms_names and the
// kallsyms_num_syms before it; kallsyms_offsets lie either before
// kallsyms_num_syms (Linux < 6.4) or after kallsyms_token_index (6.4+), and the
// right guess is the one whose addresses come out sorted, as
// scripts/kallsyms.c writes them.
func Recover(data []byte, base uint64) (*Table, error) {
	var firstErr error
	for q := firstAligned(base, 2); q+2*tokenIndexLen <= len(data); q += 2 {
		var idx [tokenIndexLen]int
		if !tokenIndexAt(data, q, &idx) {
			continue
		}
		s, ok := tokenTableBefore(data, q, &idx)
		if !ok {
			continue
		}
		t, err := recoverFrom(data, base, s, q, &idx)
		if err == nil {
			return t, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	if firstErr != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoKallsyms, firstErr)
	}
	return nil, fmt.Errorf("%w: no kallsyms_token_index in %d bytes at %#x", ErrNoKallsyms, len(data), base)
}

// firstAligned is the first offset whose address base+off is a multiple of a.
func firstAligned(base uint64, a uint64) int {
	return int((a - base%a) % a)
}

func align(x, a uint64) uint64 { return (x + a - 1) &^ (a - 1) }

// tokenIndexAt reads 256 u16 at q if they look like kallsyms_token_index:
// starting at 0 and strictly increasing (every token has its NUL).
func tokenIndexAt(data []byte, q int, idx *[tokenIndexLen]int) bool {
	if le.Uint16(data[q:]) != 0 {
		return false
	}
	if d := le.Uint16(data[q+2:]); d == 0 || d > maxTokenLen+1 {
		return false
	}
	idx[0] = 0
	for i := 1; i < tokenIndexLen; i++ {
		idx[i] = int(le.Uint16(data[q+2*i:]))
		if d := idx[i] - idx[i-1]; d < 1 || d > maxTokenLen+1 {
			return false
		}
	}
	return true
}

// tokenTableBefore finds the start s of a kallsyms_token_table that ends, with
// at most 7 bytes of zero padding, right before q, and whose NUL-terminated
// strings start exactly at s+idx[i].
func tokenTableBefore(data []byte, q int, idx *[tokenIndexLen]int) (int, bool) {
	last := idx[tokenIndexLen-1]
	// The table is last + len(token 255) + 1 bytes, then padding < 8.
	for extra := 1; extra <= maxTokenLen+1+7; extra++ {
		s := q - last - extra
		if s < 0 {
			break
		}
		if tokenTableOK(data, s, q, idx) {
			return s, true
		}
	}
	return 0, false
}

func tokenTableOK(data []byte, s, q int, idx *[tokenIndexLen]int) bool {
	for i := 0; i < tokenIndexLen; i++ {
		start := s + idx[i]
		end := q // exclusive bound for the last token's NUL search
		if i+1 < tokenIndexLen {
			end = s + idx[i+1]
			if data[end-1] != 0 {
				return false
			}
			for _, c := range data[start : end-1] {
				if c == 0 {
					return false
				}
			}
			continue
		}
		// Token 255: non-zero bytes, its NUL, then zero padding up to q.
		j := start
		for j < end && data[j] != 0 {
			j++
		}
		if j == end || end-(j+1) > 7 {
			return false
		}
		for _, c := range data[j+1 : end] {
			if c != 0 {
				return false
			}
		}
	}
	return true
}

// recoverFrom takes a token table at s and index at q and finds the rest.
func recoverFrom(data []byte, base uint64, s, q int, idx *[tokenIndexLen]int) (*Table, error) {
	var tokens [tokenIndexLen][]byte
	for i := range tokens {
		start := s + idx[i]
		j := start
		for data[j] != 0 {
			j++
		}
		tokens[i] = data[start:j]
	}
	where := base + uint64(s)
	// kallsyms_markers end either right before the token table or right
	// before kallsyms_seqs_of_names (3 bytes per symbol). Try every end
	// position walking back; a wrong one fails on its first values.
	for e := s; e >= 8; e-- {
		if (base+uint64(e))%4 != 0 {
			continue
		}
		gap := s - int(align(base+uint64(e), 8)-base)
		for _, w := range []int{4, 8} {
			marks := markersEndingAt(data, e, w)
			nm := len(marks)
			if nm == 0 {
				continue
			}
			seqsMin, seqsMax := 3*(256*(nm-1)+1), 3*256*nm+7
			if gap >= 8 && (gap < seqsMin || gap > seqsMax) {
				continue
			}
			t, ok := namesBefore(data, base, e-nm*w, w, s, marks)
			if !ok {
				continue
			}
			t.TokenTableAddr = base + uint64(s)
			t.TokenIndexAddr = base + uint64(q)
			if err := t.decode(data, base, q, &tokens); err != nil {
				return nil, fmt.Errorf("token table at %#x: %w", where, err)
			}
			return t, nil
		}
		if gap > 3*maxNumSyms+8 {
			break
		}
	}
	return nil, fmt.Errorf("token table at %#x: no kallsyms_markers and kallsyms_names before it", where)
}

// markersEndingAt reads, backwards from e, kallsyms_markers entries of width
// w: strictly decreasing by a plausible step for 256 names, down to the first
// marker, 0. It returns them in ascending order, or nil.
func markersEndingAt(data []byte, e, w int) []int {
	read := func(p int) int {
		if w == 4 {
			return int(le.Uint32(data[p:]))
		}
		v := le.Uint64(data[p:])
		if v > maxNumSyms*(maxEntryLen+2) {
			return -1
		}
		return int(v)
	}
	var rev []int
	for p := e - w; p >= 0; p -= w {
		v := read(p)
		if v < 0 {
			return nil
		}
		if len(rev) > 0 {
			step := rev[len(rev)-1] - v
			if step < 2*256 || step > maxMarkerStep {
				return nil
			}
		}
		rev = append(rev, v)
		if v == 0 {
			slices.Reverse(rev)
			return rev
		}
		if len(rev) > maxNumSyms/256+1 {
			return nil
		}
	}
	return nil
}

// namesBefore finds kallsyms_names ending just before the markers at m and
// kallsyms_num_syms just before the names, consistent with the markers and
// with what lies between the markers and the token table at s.
func namesBefore(data []byte, base uint64, m, w, s int, marks []int) (*Table, bool) {
	nm := len(marks)
	lastMark := marks[nm-1]
	// Names end in [m-7, m]; the last block is 1..256 entries.
	hi := m - lastMark - 2
	lo := max(m-lastMark-256*(maxEntryLen+2)-7, 8)
	mend := m + nm*w
	gap := s - int(align(base+uint64(mend), 8)-base)
	for n := hi; n >= lo; n-- {
		if (base+uint64(n))%8 != 0 {
			continue
		}
		num := int(le.Uint32(data[n-8:]))
		if num < minNumSyms || num > maxNumSyms || (num+255)/256 != nm {
			continue
		}
		var seqs uint64
		switch {
		case gap >= 0 && gap < 8:
		case gap >= 3*num && gap-3*num < 8:
			seqs = align(base+uint64(mend), 8)
		default:
			continue
		}
		if !checkNames(data, n, m, num, marks) {
			continue
		}
		return &Table{
			NumSyms:         num,
			NumSymsAddr:     base + uint64(n-8),
			NamesAddr:       base + uint64(n),
			MarkersAddr:     base + uint64(m),
			SeqsOfNamesAddr: seqs,
		}, true
	}
	return nil, false
}

// entryAt returns the token bytes of the kallsyms_names entry at p and the
// offset after it. Lengths of 128 and more take two bytes, low 7 bits first
// (kernel/kallsyms.c: kallsyms_expand_symbol, Linux 6.1+).
func entryAt(data []byte, p, limit int) ([]byte, int, bool) {
	if p >= limit {
		return nil, 0, false
	}
	n := int(data[p])
	p++
	if n&0x80 != 0 {
		if p >= limit {
			return nil, 0, false
		}
		n = n&0x7f | int(data[p])<<7
		p++
	}
	if n == 0 || p+n > limit {
		return nil, 0, false
	}
	return data[p : p+n], p + n, true
}

// checkNames walks num entries from n and checks every marker and that the
// names end, with zero padding below 8 bytes, at m.
func checkNames(data []byte, n, m, num int, marks []int) bool {
	p := n
	for i := 0; i < num; i++ {
		if i%256 == 0 && p-n != marks[i/256] {
			return false
		}
		var ok bool
		_, p, ok = entryAt(data, p, m)
		if !ok {
			return false
		}
	}
	if m-p > 7 {
		return false
	}
	for _, c := range data[p:m] {
		if c != 0 {
			return false
		}
	}
	return true
}

// decode locates kallsyms_offsets and kallsyms_relative_base and expands the
// names.
func (t *Table) decode(data []byte, base uint64, q int, tokens *[tokenIndexLen][]byte) error {
	n := int(t.NamesAddr - base)
	num := t.NumSyms
	// Candidate places for offsets (4*num bytes) and relative_base (8):
	// before num_syms (< 6.4), after token_index (6.4+).
	type place struct{ offs, rel int }
	var places []place
	rel := n - 16
	for _, pad := range []int{0, 4} {
		places = append(places, place{rel - pad - 4*num, rel})
	}
	after := int(align(base+uint64(q+2*tokenIndexLen), 8) - base)
	places = append(places, place{after, int(align(base+uint64(after+4*num), 8) - base)})

	var addrs []uint64
	found := false
	for _, pl := range places {
		if pl.offs < 0 || pl.rel < 0 || pl.offs+4*num > len(data) || pl.rel+8 > len(data) {
			continue
		}
		relBase := le.Uint64(data[pl.rel:])
		offs := data[pl.offs : pl.offs+4*num]
		for _, abs := range []bool{false, true} {
			a, ok := offsetsToAddrs(offs, relBase, abs, num)
			if !ok {
				continue
			}
			addrs, found = a, true
			t.RelativeBase, t.AbsolutePercpu = relBase, abs
			t.OffsetsAddr, t.RelativeBaseAddr = base+uint64(pl.offs), base+uint64(pl.rel)
			break
		}
		if found {
			break
		}
	}
	if !found {
		return fmt.Errorf("%d names at %#x but no sorted kallsyms_offsets next to them", num, t.NamesAddr)
	}

	t.Symbols = make([]Symbol, num)
	p := n
	buf := make([]byte, 0, 128)
	for i := 0; i < num; i++ {
		var ent []byte
		ent, p, _ = entryAt(data, p, len(data)) // checked by checkNames
		buf = buf[:0]
		for _, tok := range ent {
			buf = append(buf, tokens[tok]...)
		}
		if len(buf) < 2 {
			return fmt.Errorf("symbol %d at %#x expands to %q: want a type letter and a name", i, base+uint64(p), buf)
		}
		t.Symbols[i] = Symbol{Type: buf[0], Name: string(buf[1:]), Addr: addrs[i]}
	}
	return nil
}

// offsetsToAddrs mirrors kernel/kallsyms.c: kallsyms_sym_address for
// CONFIG_KALLSYMS_BASE_RELATIVE. Without absolute percpu an offset is
// unsigned and relative to the base; with it, a non-negative offset is an
// absolute address and a negative one means base - 1 - offset. The result
// must be sorted, or the guess of place or rule is wrong.
func offsetsToAddrs(offs []byte, relBase uint64, absPercpu bool, num int) ([]uint64, bool) {
	if relBase == 0 {
		return nil, false
	}
	addrs := make([]uint64, num)
	var prev uint64
	for i := range num {
		o := int32(le.Uint32(offs[4*i:]))
		var a uint64
		switch {
		case !absPercpu:
			a = relBase + uint64(uint32(o))
		case o >= 0:
			a = uint64(o)
		default:
			a = relBase - 1 - uint64(int64(o))
		}
		if a < prev {
			return nil, false
		}
		addrs[i], prev = a, a
	}
	return addrs, true
}
