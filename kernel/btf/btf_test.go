package btf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
)

// blob writes BTF: a header, the type records (each a list of uint32
// words) and the string section.
func blob(types [][]uint32, strs string) []byte {
	var tb bytes.Buffer
	for _, rec := range types {
		for _, w := range rec {
			binary.Write(&tb, binary.LittleEndian, w)
		}
	}
	var b bytes.Buffer
	hdr := []uint32{0, 24, 0, uint32(tb.Len()), uint32(tb.Len()), uint32(len(strs))}
	binary.Write(&b, binary.LittleEndian, uint16(0xeb9f))
	b.WriteByte(1)
	b.WriteByte(0)
	for _, w := range hdr[1:] {
		binary.Write(&b, binary.LittleEndian, w)
	}
	b.Write(tb.Bytes())
	b.WriteString(strs)
	return b.Bytes()
}

func info(k Kind, vlen int) uint32 { return uint32(k)<<24 | uint32(vlen) }

// strings: offsets of each name in the section below
const strs = "\x00int\x00s\x00a\x00f\x00fn\x00ops\x00inner\x00g\x00outer\x00in\x00"

const (
	sInt   = 1
	sS     = 5
	sA     = 7
	sF     = 9
	sFn    = 11
	sOps   = 14
	sInner = 18
	sG     = 24
	sOuter = 26
	sIn    = 32
)

// A small type graph, numbered by hand:
//
//	[1] int (4 bytes)           [2] ptr → [3]
//	[3] struct s {int a; int (*f)(struct s *);}   (16 bytes)
//	[4] func_proto int (struct s *)               [5] ptr → [4]
//	[6] func fn → [4]
//	[7] struct inner {int (*g)(struct s *);}      (8 bytes)
//	[8] struct outer {int a; struct inner in;}    (16 bytes; in at 8)
func sample() []byte {
	return blob([][]uint32{
		{sInt, info(KindInt, 0), 4, 32},
		{0, info(KindPtr, 0), 3},
		{sS, info(KindStruct, 2), 16, sA, 1, 0, sF, 5, 64},
		{0, info(KindFuncProto, 1), 1, 0, 2},
		{0, info(KindPtr, 0), 4},
		{sFn, info(KindFunc, 0), 4},
		{sInner, info(KindStruct, 1), 8, sG, 5, 0},
		{sOuter, info(KindStruct, 2), 16, sA, 1, 0, sIn, 7, 64},
	}, strs)
}

func TestParseSample(t *testing.T) {
	s, err := Parse(sample(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.NumTypes() != 9 {
		t.Errorf("NumTypes %d, want 9 (8 types and void)", s.NumTypes())
	}
	if s.Kind(3) != KindStruct || s.Name(3) != "s" || s.Size(3) != 16 {
		t.Errorf("type 3: %v %q %d", s.Kind(3), s.Name(3), s.Size(3))
	}
	p, ok := s.FuncProto("fn")
	if !ok || p != 4 {
		t.Fatalf("FuncProto(fn) = %d, %v", p, ok)
	}
	if sig := s.Signature(p); sig != "i4(*s:s)" {
		t.Errorf("Signature = %q", sig)
	}
	f, ok := s.FieldAt(3, 8, 8)
	if !ok || f.Member != "f" || f.ContainerName != "s" || f.Offset != 8 || f.Outer != "" {
		t.Errorf("FieldAt(s, 8) = %+v, %v", f, ok)
	}
	if pt, k, ok := s.Pointee(f.Type); !ok || k != KindFuncProto || pt != 4 {
		t.Errorf("Pointee of s.f = %d %v %v", pt, k, ok)
	}
	// a member of an embedded named struct: container inner, outer outer
	f, ok = s.FieldAt(8, 8, 8)
	if !ok || f.Member != "g" || f.ContainerName != "inner" || f.Offset != 0 || f.Outer != "outer" || f.OuterOffset != 8 {
		t.Errorf("FieldAt(outer, 8) = %+v, %v", f, ok)
	}
	if _, ok := s.FieldAt(3, 4, 8); ok {
		t.Error("FieldAt(s, 4, 8) found a member in padding")
	}
	leaves := s.FuncPtrMembers(8)
	if len(leaves) != 1 || leaves[0].Offset != 8 || leaves[0].ContainerName != "inner" || leaves[0].Member != "g" {
		t.Errorf("FuncPtrMembers(outer) = %+v", leaves)
	}
	if id, ok := s.Struct("outer"); !ok || id != 8 {
		t.Errorf("Struct(outer) = %d %v", id, ok)
	}
}

func TestParseBad(t *testing.T) {
	good := sample()
	badRef := bytes.Clone(good)
	// the ptr [2] → 3 becomes → 99
	binary.LittleEndian.PutUint32(badRef[24+16+8:], 99)
	badStr := bytes.Clone(good)
	binary.LittleEndian.PutUint32(badStr[24:], 9999)
	badKind := bytes.Clone(good)
	binary.LittleEndian.PutUint32(badKind[24+4:], 31<<24)
	for name, c := range map[string]struct {
		data []byte
		err  error
	}{
		"empty":     {nil, ErrNotBTF},
		"not btf":   {[]byte("ELF\x00 and more bytes than that"), ErrNotBTF},
		"truncated": {good[:30], ErrBadBTF},
		"header":    {good[:20], ErrBadBTF},
		"bad ref":   {badRef, ErrBadBTF},
		"bad str":   {badStr, ErrBadBTF},
		"bad kind":  {badKind, ErrBadBTF},
	} {
		_, err := Parse(c.data, nil)
		if !errors.Is(err, c.err) {
			t.Errorf("%s: %v, want %v", name, err, c.err)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(sample())
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Parse(b, nil)
		if err != nil {
			return
		}
		// every accessor must stay in bounds on whatever parsed
		for id := TypeID(0); int(id) < s.NumTypes(); id++ {
			_ = s.Name(id)
			_ = s.Size(id)
			_, _ = s.FieldAt(id, 8, 8)
			_ = s.FuncPtrMembers(id)
			_ = s.Signature(id)
			_ = s.Extenders(id)
		}
	})
}

// TestSizeArrays checks Size on arrays: int[3][4] is 48 bytes (C's
// layout: 3 × 4 × sizeof(int)); an array of itself, which only a
// malformed blob has (the fuzzer's 9eb3ad1c3a705472 recursed until the
// stack overflowed), and a size past 2^64 are unknown (0).
func TestSizeArrays(t *testing.T) {
	s, err := Parse(blob([][]uint32{
		{sInt, info(KindInt, 0), 4, 32},             // [1] int
		{0, info(KindArray, 0), 0, 3, 1, 3},         // [2] [3] of [3]
		{0, info(KindArray, 0), 0, 1, 1, 4},         // [3] [4] of int
		{0, info(KindArray, 0), 0, 4, 1, 2},         // [4] [2] of itself
		{0, info(KindArray, 0), 0, 6, 1, 1<<32 - 1}, // [5] [2^32-1] of [6]
		{0, info(KindArray, 0), 0, 1, 1, 1<<32 - 1}, // [6] [2^32-1] of int
	}, strs), nil)
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[TypeID]uint64{2: 48, 3: 16, 4: 0, 5: 0, 6: (1<<32 - 1) * 4} {
		if got := s.Size(id); got != want {
			t.Errorf("Size(%d) = %d, want %d", id, got, want)
		}
	}
}
