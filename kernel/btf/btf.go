package btf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"sync"
	"unsafe"
)

// Kind is a BTF type kind (include/uapi/linux/btf.h, BTF_KIND_*).
type Kind uint8

// The kinds of BTF v1 up to Linux 6.x.
const (
	KindUnknown Kind = iota
	KindInt
	KindPtr
	KindArray
	KindStruct
	KindUnion
	KindEnum
	KindFwd
	KindTypedef
	KindVolatile
	KindConst
	KindRestrict
	KindFunc
	KindFuncProto
	KindVar
	KindDatasec
	KindFloat
	KindDeclTag
	KindTypeTag
	KindEnum64
	kindMax
)

var kindNames = [...]string{"unknown", "int", "ptr", "array", "struct", "union", "enum", "fwd",
	"typedef", "volatile", "const", "restrict", "func", "func_proto", "var", "datasec", "float",
	"decl_tag", "type_tag", "enum64"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind%d", k)
}

// TypeID names a type; 0 is void. In split BTF (a module's), IDs continue
// after the base's last one.
type TypeID uint32

var (
	// ErrNotBTF means the data does not start with the BTF magic.
	ErrNotBTF = errors.New("not BTF (no 0xeb9f magic)")
	// ErrBadBTF means the data is BTF but malformed.
	ErrBadBTF = errors.New("malformed BTF")
)

// Error locates a malformed BTF record.
type Error struct {
	Offset int    // byte offset in the data
	Detail string // what was expected
}

func (e *Error) Error() string { return fmt.Sprintf("BTF at byte %d: %s", e.Offset, e.Detail) }
func (e *Error) Unwrap() error { return ErrBadBTF }

// typ is one type record, compacted. For struct, union, enum, enum64,
// func_proto and datasec, items[first:first+vlen] hold the members,
// parameters, values or variables; for array, items[first] holds the element
// type in typ and the count in off.
type typ struct {
	name  uint32 // string offset (split: global, base strings first)
	kind  Kind
	kflag bool
	vlen  uint16
	size  uint32 // size, or referenced type for ptr/typedef/modifiers/func/var/decl_tag
	first uint32
}

// item is a member, parameter, enum value, datasec variable or array
// descriptor.
type item struct {
	name uint32
	typ  uint32 // member/param/var type; enum: low 32 bits of the value
	off  uint32 // member: bit offset (and bitfield size << 24 with kflag); datasec: byte offset; array: count; enum64: high bits
	size uint32 // datasec: byte size
}

// Spec is parsed BTF: the vmlinux's, or a module's split BTF on top of it.
// It is read-only after Parse and safe for concurrent use.
type Spec struct {
	base    *Spec
	firstID TypeID // first ID defined here (1, or base.next)
	types   []typ  // IDs firstID … firstID+len-1
	items   []item
	strs    []byte // this spec's own strings
	strBase uint32 // string offsets below it are the base's

	idx    lookups // name indexes, built on first use
	pcOnce sync.Once
	pcVars []VarSecInfo // the .data..percpu datasec, by offset
}

// Parse reads BTF data (a .BTF section). For a module's split BTF, base is
// the vmlinux Spec it refers to; otherwise nil. The Spec, and the names it
// returns, keep referring to data, which must not change afterwards.
func Parse(data []byte, base *Spec) (*Spec, error) {
	const hdrMin = 24
	if len(data) < 4 || binary.LittleEndian.Uint16(data) != 0xeb9f {
		if len(data) >= 2 && binary.BigEndian.Uint16(data) == 0xeb9f {
			return nil, fmt.Errorf("%w: big-endian BTF is not supported", ErrBadBTF)
		}
		return nil, ErrNotBTF
	}
	if len(data) < hdrMin {
		return nil, &Error{0, fmt.Sprintf("header needs %d bytes, have %d", hdrMin, len(data))}
	}
	le := binary.LittleEndian
	if v := data[2]; v != 1 {
		return nil, &Error{2, fmt.Sprintf("version %d, want 1", v)}
	}
	hdrLen := le.Uint32(data[4:])
	typeOff, typeLen := le.Uint32(data[8:]), le.Uint32(data[12:])
	strOff, strLen := le.Uint32(data[16:]), le.Uint32(data[20:])
	if hdrLen < hdrMin || uint64(hdrLen) > uint64(len(data)) {
		return nil, &Error{4, fmt.Sprintf("header length %d outside [24, %d]", hdrLen, len(data))}
	}
	body := data[hdrLen:]
	if uint64(typeOff)+uint64(typeLen) > uint64(len(body)) {
		return nil, &Error{8, fmt.Sprintf("type section [%d, +%d) past the end (%d bytes)", typeOff, typeLen, len(body))}
	}
	if uint64(strOff)+uint64(strLen) > uint64(len(body)) {
		return nil, &Error{16, fmt.Sprintf("string section [%d, +%d) past the end (%d bytes)", strOff, strLen, len(body))}
	}
	s := &Spec{base: base, firstID: 1, strs: body[strOff : strOff+strLen]}
	if base != nil {
		s.firstID = base.next()
		s.strBase = base.strEnd()
	} else if strLen == 0 || s.strs[0] != 0 {
		return nil, &Error{int(hdrLen + strOff), "string section must start with an empty string"}
	}
	tb := body[typeOff : typeOff+typeLen]
	pos0 := int(hdrLen + typeOff)
	// A record is at least 12 bytes; reserve for a typical mix.
	s.types = make([]typ, 0, len(tb)/24)
	s.items = make([]item, 0, len(tb)/16)
	for p := 0; p < len(tb); {
		if len(tb)-p < 12 {
			return nil, &Error{pos0 + p, "truncated type record"}
		}
		name, info, size := le.Uint32(tb[p:]), le.Uint32(tb[p+4:]), le.Uint32(tb[p+8:])
		t := typ{name: name, kind: Kind(info >> 24 & 0x1f), kflag: info>>31 != 0, vlen: uint16(info), size: size}
		if info&0xffff0000&^0x9f000000 != 0 {
			return nil, &Error{pos0 + p + 4, fmt.Sprintf("info %#x has reserved bits set", info)}
		}
		if t.kind == KindUnknown || t.kind >= kindMax {
			return nil, &Error{pos0 + p + 4, fmt.Sprintf("unknown kind %d", t.kind)}
		}
		p += 12
		var per int // bytes per trailing item
		n := int(t.vlen)
		switch t.kind {
		case KindInt, KindVar, KindDeclTag:
			per, n = 4, 1
		case KindArray:
			per, n = 12, 1
		case KindStruct, KindUnion, KindDatasec, KindEnum64:
			per = 12
		case KindEnum, KindFuncProto:
			per = 8
		default:
			n = 0
		}
		if len(tb)-p < per*n {
			return nil, &Error{pos0 + p, fmt.Sprintf("%s record needs %d more bytes", t.kind, per*n)}
		}
		t.first = uint32(len(s.items))
		switch t.kind {
		case KindInt, KindVar, KindDeclTag:
			s.items = append(s.items, item{off: le.Uint32(tb[p:])})
			t.first = uint32(len(s.items) - 1)
		case KindArray:
			s.items = append(s.items, item{typ: le.Uint32(tb[p:]), name: le.Uint32(tb[p+4:]), off: le.Uint32(tb[p+8:])})
		case KindStruct, KindUnion:
			for k := 0; k < n; k++ {
				q := tb[p+12*k:]
				s.items = append(s.items, item{name: le.Uint32(q), typ: le.Uint32(q[4:]), off: le.Uint32(q[8:])})
			}
		case KindDatasec:
			for k := 0; k < n; k++ {
				q := tb[p+12*k:]
				s.items = append(s.items, item{typ: le.Uint32(q), off: le.Uint32(q[4:]), size: le.Uint32(q[8:])})
			}
		case KindEnum64:
			for k := 0; k < n; k++ {
				q := tb[p+12*k:]
				s.items = append(s.items, item{name: le.Uint32(q), typ: le.Uint32(q[4:]), off: le.Uint32(q[8:])})
			}
		case KindEnum, KindFuncProto:
			for k := 0; k < n; k++ {
				q := tb[p+8*k:]
				s.items = append(s.items, item{name: le.Uint32(q), typ: le.Uint32(q[4:])})
			}
		}
		p += per * n
		s.types = append(s.types, t)
	}
	if err := s.check(pos0); err != nil {
		return nil, err
	}
	return s, nil
}

// check verifies that every type reference and string offset is in range,
// so that the accessors never index out of bounds.
func (s *Spec) check(pos0 int) error {
	next := uint32(s.next())
	end := s.strEnd()
	str := func(i int, o uint32) error {
		if o >= end {
			return &Error{pos0, fmt.Sprintf("type %d: string offset %d past the strings (%d)", uint32(s.firstID)+uint32(i), o, end)}
		}
		return nil
	}
	ref := func(i int, id uint32) error {
		if id >= next {
			return &Error{pos0, fmt.Sprintf("type %d refers to type %d, beyond the last (%d)", uint32(s.firstID)+uint32(i), id, next-1)}
		}
		return nil
	}
	for i, t := range s.types {
		if err := str(i, t.name); err != nil {
			return err
		}
		switch t.kind {
		case KindPtr, KindTypedef, KindVolatile, KindConst, KindRestrict, KindFunc, KindVar, KindDeclTag, KindTypeTag:
			if err := ref(i, t.size); err != nil {
				return err
			}
		case KindFuncProto:
			if err := ref(i, t.size); err != nil {
				return err
			}
		}
		switch t.kind {
		case KindArray:
			if err := ref(i, s.items[t.first].typ); err != nil {
				return err
			}
		case KindStruct, KindUnion, KindFuncProto, KindDatasec:
			for _, it := range s.items[t.first : t.first+uint32(t.vlen)] {
				if err := ref(i, it.typ); err != nil {
					return err
				}
				if t.kind != KindDatasec {
					if err := str(i, it.name); err != nil {
						return err
					}
				}
			}
		case KindEnum, KindEnum64:
			for _, it := range s.items[t.first : t.first+uint32(t.vlen)] {
				if err := str(i, it.name); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// next is the first ID after this spec's types.
func (s *Spec) next() TypeID { return s.firstID + TypeID(len(s.types)) }

func (s *Spec) strEnd() uint32 { return s.strBase + uint32(len(s.strs)) }

// NumTypes is one more than the largest valid TypeID (base types included).
func (s *Spec) NumTypes() int { return int(s.next()) }

// Base is the spec this split BTF builds on, or nil.
func (s *Spec) Base() *Spec { return s.base }

// owner returns the spec defining id and the index of its record; ok is
// false for void and out-of-range IDs.
func (s *Spec) owner(id TypeID) (*Spec, int, bool) {
	for sp := s; sp != nil; sp = sp.base {
		if id >= sp.firstID {
			i := int(id - sp.firstID)
			if i < len(sp.types) {
				return sp, i, true
			}
			return nil, 0, false
		}
	}
	return nil, 0, false
}

func (s *Spec) rec(id TypeID) (*Spec, *typ) {
	sp, i, ok := s.owner(id)
	if !ok {
		return nil, nil
	}
	return sp, &sp.types[i]
}

// str returns the string at global offset o.
func (s *Spec) str(o uint32) string {
	sp := s
	for sp.base != nil && o < sp.strBase {
		sp = sp.base
	}
	o -= sp.strBase
	if int(o) >= len(sp.strs) {
		return ""
	}
	b := sp.strs[o:]
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	if len(b) == 0 {
		return ""
	}
	// The string aliases the section, which Parse's caller keeps
	// unchanged (see Parse): names are looked up by the hundred thousand.
	return unsafe.String(&b[0], len(b))
}

// Kind of a type; KindUnknown for void or an invalid ID.
func (s *Spec) Kind(id TypeID) Kind {
	if _, t := s.rec(id); t != nil {
		return t.kind
	}
	return KindUnknown
}

// Name of a type ("" for anonymous ones and void).
func (s *Spec) Name(id TypeID) string {
	if _, t := s.rec(id); t != nil {
		return s.str(t.name)
	}
	return ""
}

// Ref is the type a ptr, typedef, modifier, func, var or decl_tag refers
// to; for a func_proto, its return type.
func (s *Spec) Ref(id TypeID) TypeID {
	if _, t := s.rec(id); t != nil {
		switch t.kind {
		case KindPtr, KindTypedef, KindVolatile, KindConst, KindRestrict, KindFunc, KindVar,
			KindDeclTag, KindTypeTag, KindFuncProto:
			return TypeID(t.size)
		}
	}
	return 0
}

// Skip follows typedefs and qualifiers (const, volatile, restrict,
// type_tag) to the underlying type. It stops after 64 steps (a cycle in
// malformed BTF).
func (s *Spec) Skip(id TypeID) TypeID {
	for range 64 {
		_, t := s.rec(id)
		if t == nil {
			return id
		}
		switch t.kind {
		case KindTypedef, KindVolatile, KindConst, KindRestrict, KindTypeTag:
			id = TypeID(t.size)
		default:
			return id
		}
	}
	return 0
}

// Size is the byte size of a type after Skip: of a struct, union, enum,
// int, float or datasec its own, of a pointer 8, of an array count ×
// element size; 0 when unknown, when the product overflows, or when
// arrays and modifiers chain for more than 64 steps (a cycle in a
// malformed blob: an array of itself).
func (s *Spec) Size(id TypeID) uint64 {
	n := uint64(1) // the product of the array counts so far
	times := func(size uint64) uint64 {
		hi, lo := bits.Mul64(n, size)
		if hi != 0 {
			return 0
		}
		return lo
	}
	for range 64 {
		id = s.Skip(id)
		sp, t := s.rec(id)
		if t == nil {
			return 0
		}
		switch t.kind {
		case KindPtr:
			return times(8)
		case KindStruct, KindUnion, KindEnum, KindEnum64, KindInt, KindFloat, KindDatasec:
			return times(uint64(t.size))
		case KindArray:
			a := sp.items[t.first]
			if n = times(uint64(a.off)); n == 0 {
				return 0
			}
			id = TypeID(a.typ)
		default:
			return 0
		}
	}
	return 0
}

// Member is a struct or union member.
type Member struct {
	Name string
	Type TypeID
	// BitOffset from the start of the struct; BitSize is non-zero for a
	// bitfield.
	BitOffset, BitSize uint32
}

// NumMembers is the number of members, parameters, values or variables of
// a struct, union, func_proto, enum or datasec.
func (s *Spec) NumMembers(id TypeID) int {
	if _, t := s.rec(id); t != nil {
		switch t.kind {
		case KindStruct, KindUnion, KindFuncProto, KindEnum, KindEnum64, KindDatasec:
			return int(t.vlen)
		}
	}
	return 0
}

// Member returns member k of a struct or union.
func (s *Spec) Member(id TypeID, k int) Member {
	sp, t := s.rec(id)
	if t == nil || (t.kind != KindStruct && t.kind != KindUnion) || k < 0 || k >= int(t.vlen) {
		return Member{}
	}
	it := sp.items[int(t.first)+k]
	m := Member{Name: s.str(it.name), Type: TypeID(it.typ), BitOffset: it.off}
	if t.kflag {
		m.BitOffset, m.BitSize = it.off&0xffffff, it.off>>24
	}
	return m
}

// memberRaw is Member without the name string (no allocation).
func (s *Spec) memberRaw(sp *Spec, t *typ, k int) (TypeID, uint32, uint32) {
	it := sp.items[int(t.first)+k]
	if t.kflag {
		return TypeID(it.typ), it.off & 0xffffff, it.off >> 24
	}
	return TypeID(it.typ), it.off, 0
}

// Param is a parameter of a func_proto.
type Param struct {
	Name string
	Type TypeID
}

// Params lists the parameters of a func_proto (after Skip). A trailing
// parameter of type 0 means "...".
func (s *Spec) Params(id TypeID) []Param {
	sp, t := s.rec(s.Skip(id))
	if t == nil || t.kind != KindFuncProto {
		return nil
	}
	out := make([]Param, t.vlen)
	for k := range out {
		it := sp.items[int(t.first)+k]
		out[k] = Param{Name: s.str(it.name), Type: TypeID(it.typ)}
	}
	return out
}

// ParamType is the type of parameter k of a func_proto, and whether it
// exists.
func (s *Spec) ParamType(proto TypeID, k int) (TypeID, bool) {
	sp, t := s.rec(s.Skip(proto))
	if t == nil || t.kind != KindFuncProto || k < 0 || k >= int(t.vlen) {
		return 0, false
	}
	return TypeID(sp.items[int(t.first)+k].typ), true
}

// ArrayElem returns an array's element type and count.
func (s *Spec) ArrayElem(id TypeID) (TypeID, uint32, bool) {
	sp, t := s.rec(s.Skip(id))
	if t == nil || t.kind != KindArray {
		return 0, 0, false
	}
	a := sp.items[t.first]
	return TypeID(a.typ), a.off, true
}

// VarSecInfo is a variable of a datasec.
type VarSecInfo struct {
	Var          TypeID // a KindVar
	Offset, Size uint32
}

// Datasec lists the variables of a datasec.
func (s *Spec) Datasec(id TypeID) []VarSecInfo {
	sp, t := s.rec(id)
	if t == nil || t.kind != KindDatasec {
		return nil
	}
	out := make([]VarSecInfo, t.vlen)
	for k := range out {
		it := sp.items[int(t.first)+k]
		out[k] = VarSecInfo{Var: TypeID(it.typ), Offset: it.off, Size: it.size}
	}
	return out
}

// Each calls fn for every type defined in this spec (not its base), in ID
// order, with its kind and name offset resolved lazily through Name.
func (s *Spec) Each(fn func(id TypeID, k Kind)) {
	for i, t := range s.types {
		fn(s.firstID+TypeID(i), t.kind)
	}
}

// FirstID is the first type ID this spec defines (1 for a base).
func (s *Spec) FirstID() TypeID { return s.firstID }
