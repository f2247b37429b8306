package btf

import (
	"slices"
	"strconv"
	"strings"
	"sync"
)

// lookups are the name indexes and caches of one Spec, built on first use.
type lookups struct {
	once  sync.Once
	funcs map[string]TypeID // FUNC name → its FUNC_PROTO (this spec only)
	// funcAlt holds the other FUNC_PROTOs of a name that several static
	// functions share (kernel/user_namespace.c's and fs/namespace.c's
	// m_start)
	funcAlt map[string][]TypeID
	named   map[string]TypeID // named struct/union → id (first; this spec only)
	// ext maps a struct to the structs of this spec whose first member
	// (at offset 0) is that struct: struct netlink_sock { struct sock sk;
	// … } extends sock.
	ext map[TypeID][]TypeID
	// extAll caches Extenders (transitive, base included)
	extMu  sync.Mutex
	extAll map[TypeID][]TypeID

	sigMu sync.Mutex
	sigs  map[TypeID]string
}

func (s *Spec) lk() *lookups {
	l := &s.idx
	l.once.Do(func() {
		l.funcs = make(map[string]TypeID)
		l.funcAlt = make(map[string][]TypeID)
		l.named = make(map[string]TypeID)
		l.sigs = make(map[TypeID]string)
		l.ext = make(map[TypeID][]TypeID)
		l.extAll = make(map[TypeID][]TypeID)
		for i, t := range s.types {
			if t.kind == KindStruct && t.vlen > 0 {
				if mt, off, bs := s.memberRaw(s, &s.types[i], 0); off == 0 && bs == 0 {
					if base := s.Skip(mt); s.Kind(base) == KindStruct {
						l.ext[base] = append(l.ext[base], s.firstID+TypeID(i))
					}
				}
			}
			switch t.kind {
			case KindFunc:
				n := s.str(t.name)
				if first, dup := l.funcs[n]; !dup {
					l.funcs[n] = TypeID(t.size)
				} else if p := TypeID(t.size); p != first && !slices.Contains(l.funcAlt[n], p) {
					l.funcAlt[n] = append(l.funcAlt[n], p)
				}
			case KindStruct, KindUnion:
				if t.name != 0 {
					n := s.str(t.name)
					if _, dup := l.named[n]; !dup {
						l.named[n] = s.firstID + TypeID(i)
					}
				}
			}
		}
	})
	return l
}

// Extenders lists the structs that begin with st (their first member, at
// offset 0, is an st), directly or through others, in s and its base:
// the types a pointer to st may be cast to (tcp_sock → … → sock). The
// result is shared: do not modify it.
func (s *Spec) Extenders(st TypeID) []TypeID {
	st = s.Skip(st)
	l := s.lk()
	l.extMu.Lock()
	if out, ok := l.extAll[st]; ok {
		l.extMu.Unlock()
		return out
	}
	l.extMu.Unlock()
	var out []TypeID
	seen := map[TypeID]bool{st: true}
	queue := []TypeID{st}
	for len(queue) > 0 && len(out) < 4096 {
		t := queue[0]
		queue = queue[1:]
		for sp := s; sp != nil; sp = sp.base {
			for _, e := range sp.lk().ext[t] {
				if !seen[e] {
					seen[e] = true
					out = append(out, e)
					queue = append(queue, e)
				}
			}
		}
	}
	l.extMu.Lock()
	l.extAll[st] = out
	l.extMu.Unlock()
	return out
}

// FuncProto returns the FUNC_PROTO of the function named name, looked up in
// s and then its base. A name that functions of different prototypes
// share (static functions of several files) has none: BTF does not say
// which is which.
func (s *Spec) FuncProto(name string) (TypeID, bool) {
	for sp := s; sp != nil; sp = sp.base {
		l := sp.lk()
		id, ok := l.funcs[name]
		if !ok {
			continue
		}
		if alt := l.funcAlt[name]; len(alt) > 0 {
			sig := sp.Signature(id)
			for _, a := range alt {
				if sp.Signature(a) != sig {
					return 0, false
				}
			}
		}
		return id, true
	}
	return 0, false
}

// NumFuncs is the number of FUNC records with distinct names in s (not
// its base).
func (s *Spec) NumFuncs() int { return len(s.lk().funcs) }

// Struct returns the named struct or union, looked up in s and its base.
func (s *Spec) Struct(name string) (TypeID, bool) {
	for sp := s; sp != nil; sp = sp.base {
		if id, ok := sp.lk().named[name]; ok {
			return id, true
		}
	}
	return 0, false
}

// Signature is the canonical text of a function prototype, the same for
// every spec that describes the same C prototype: return type and
// parameter types with typedefs and qualifiers removed, pointers to
// structs and unions by tag name, integers by size. Two functions can be
// stored in the same function-pointer member only if their signatures are
// equal (the kernel builds with -Werror=incompatible-pointer-types).
// Examples: "i8(*s:file,*i1,u8,*i8)" for file_operations.read.
func (s *Spec) Signature(proto TypeID) string {
	proto = s.Skip(proto)
	sp, i, ok := s.owner(proto)
	if !ok || sp.types[i].kind != KindFuncProto {
		return ""
	}
	l := sp.lk()
	l.sigMu.Lock()
	sig, ok := l.sigs[proto]
	l.sigMu.Unlock()
	if ok {
		return sig
	}
	var b strings.Builder
	s.canon(&b, s.Ref(proto), 0)
	b.WriteByte('(')
	for k, p := range s.Params(proto) {
		if k > 0 {
			b.WriteByte(',')
		}
		if p.Type == 0 {
			b.WriteString("...")
			continue
		}
		s.canon(&b, p.Type, 0)
	}
	b.WriteByte(')')
	sig = b.String()
	l.sigMu.Lock()
	l.sigs[proto] = sig
	l.sigMu.Unlock()
	return sig
}

// canon writes the canonical form of a type (see Signature).
func (s *Spec) canon(b *strings.Builder, id TypeID, depth int) {
	name := s.typedefName(id)
	id = s.Skip(id)
	if id == 0 {
		b.WriteByte('v')
		return
	}
	_, t := s.rec(id)
	if t == nil || depth > 4 {
		b.WriteByte('?')
		return
	}
	switch t.kind {
	case KindInt:
		// signedness is left out: the kernel passes size_t and ssize_t,
		// int and unsigned int through the same member types freely
		b.WriteByte('i')
		b.WriteString(strconv.Itoa(int(t.size)))
	case KindEnum, KindEnum64:
		b.WriteByte('i')
		b.WriteString(strconv.Itoa(int(t.size)))
	case KindFloat:
		b.WriteByte('f')
		b.WriteString(strconv.Itoa(int(t.size)))
	case KindPtr:
		b.WriteByte('*')
		s.canon(b, TypeID(t.size), depth+1)
	case KindArray:
		b.WriteByte('*')
		e, _, _ := s.ArrayElem(id)
		s.canon(b, e, depth+1)
	case KindStruct, KindUnion, KindFwd:
		if t.kind == KindUnion || t.kind == KindFwd && t.kflag {
			b.WriteString("u:")
		} else {
			b.WriteString("s:")
		}
		n := s.str(t.name)
		if n == "" {
			n = name // typedef struct { … } name_t
		}
		if n == "" {
			n = "?" + strconv.Itoa(int(t.size))
		}
		b.WriteString(n)
	case KindFuncProto:
		b.WriteString("f")
		b.WriteString(strconv.Itoa(int(t.vlen)))
	default:
		b.WriteByte('?')
	}
}

// typedefName is the name of the outermost typedef of id, if any.
func (s *Spec) typedefName(id TypeID) string {
	for range 64 {
		_, t := s.rec(id)
		if t == nil {
			return ""
		}
		switch t.kind {
		case KindTypedef:
			return s.str(t.name)
		case KindVolatile, KindConst, KindRestrict, KindTypeTag:
			id = TypeID(t.size)
		default:
			return ""
		}
	}
	return ""
}

// TagName is the name a struct or union is known by: its tag, or the
// typedef it was reached through when it has none.
func (s *Spec) TagName(id TypeID) string {
	td := s.typedefName(id)
	if n := s.Name(s.Skip(id)); n != "" {
		return n
	}
	return td
}

// Field is what a load of Size bytes at a byte offset of a struct finds.
type Field struct {
	// Type is the member's type (not skipped).
	Type TypeID
	// Container is the innermost named struct or union holding the member
	// (anonymous ones are part of their parent), ContainerName its tag,
	// and Offset the member's byte offset in it. These name a slot the
	// same way whichever outer struct embeds the container.
	Container     TypeID
	ContainerName string
	Offset        uint32
	// Member is the member's name (the innermost one).
	Member string
	// Outer is the struct the lookup started from and OuterOffset the
	// member's offset in it, when that is not the container (the member
	// is in an embedded named struct: sctp_inq.immediate is a work_struct,
	// so the function pointer in it has container work_struct and outer
	// sctp_inq). Multi-layer type analysis tells such members apart.
	Outer       string
	OuterOffset uint32
}

// FieldAt finds the member a load of size bytes at byte offset off of the
// struct or union st reads: the member starting at off with that size,
// descending into embedded structs, unions and arrays. In a union the
// first member that fits is taken, pointers before other types. ok is false
// when no member matches (a cast to a larger type, a bitfield, padding).
func (s *Spec) FieldAt(st TypeID, off uint32, size uint32) (Field, bool) {
	st = s.Skip(st)
	name := s.TagName(st)
	f, ok := s.fieldAt(st, name, st, off, 0, size, 0)
	if ok && f.Container != st && name != "" {
		f.Outer, f.OuterOffset = name, off
	}
	return f, ok
}

// fieldAt looks for the member at off (relative to st) in st, whose start
// is cstart bytes into the named container cid.
func (s *Spec) fieldAt(st TypeID, cname string, cid TypeID, off, cstart, size uint32, depth int) (Field, bool) {
	if depth > 16 {
		return Field{}, false
	}
	sp, t := s.rec(st)
	if t == nil || t.kind != KindStruct && t.kind != KindUnion {
		return Field{}, false
	}
	var fallback Field
	found := false
	keep := func(f Field) (Field, bool) {
		if t.kind == KindStruct || s.isPointer(f.Type) {
			return f, true
		}
		if !found {
			fallback, found = f, true
		}
		return Field{}, false
	}
	for k := 0; k < int(t.vlen); k++ {
		mt, bo, bs := s.memberRaw(sp, t, k)
		if bs != 0 || bo%8 != 0 {
			continue
		}
		mo := bo / 8
		if off < mo {
			if t.kind == KindStruct {
				break
			}
			continue
		}
		msz := s.Size(mt)
		if msz == 0 && off >= mo {
			// a flexible array member (hooks[]) runs to the end of the
			// allocation: any element; other unsized members: exact hits
			if e, n, ok := s.ArrayElem(mt); ok && n == 0 && s.Size(e) > 0 {
				msz = uint64(off-mo) + uint64(size)
			} else if off == mo {
				msz = uint64(size)
			}
		}
		if uint64(off) >= uint64(mo)+msz {
			continue
		}
		rel := off - mo
		u := s.Skip(mt)
		switch s.Kind(u) {
		case KindStruct, KindUnion:
			var f Field
			var ok bool
			if n := s.TagName(mt); n != "" {
				f, ok = s.fieldAt(u, n, u, rel, 0, size, depth+1)
			} else {
				f, ok = s.fieldAt(u, cname, cid, rel, cstart+mo, size, depth+1)
			}
			if ok {
				if r, done := keep(f); done {
					return r, true
				}
			}
		case KindArray:
			e, _, _ := s.ArrayElem(u)
			es := s.Size(e)
			if es == 0 {
				continue
			}
			idx := uint32(uint64(rel) / es)
			erel := uint32(uint64(rel) % es)
			if _, n, _ := s.ArrayElem(u); n != 0 && idx >= n {
				continue
			}
			eu := s.Skip(e)
			if k := s.Kind(eu); k == KindStruct || k == KindUnion {
				var f Field
				var ok bool
				if n := s.TagName(e); n != "" {
					f, ok = s.fieldAt(eu, n, eu, erel, 0, size, depth+1)
				} else {
					f, ok = s.fieldAt(eu, cname, cid, erel, cstart+mo+idx*uint32(es), size, depth+1)
				}
				if ok {
					if r, done := keep(f); done {
						return r, true
					}
				}
				continue
			}
			if erel == 0 && uint64(size) == es {
				f := Field{Type: e, Container: cid, ContainerName: cname, Offset: cstart + off, Member: s.str(sp.items[int(t.first)+k].name)}
				if r, done := keep(f); done {
					return r, true
				}
			}
		default:
			if rel == 0 && uint64(size) == msz {
				f := Field{Type: mt, Container: cid, ContainerName: cname, Offset: cstart + off, Member: s.str(sp.items[int(t.first)+k].name)}
				if r, done := keep(f); done {
					return r, true
				}
			}
		}
	}
	return fallback, found
}

func (s *Spec) isPointer(id TypeID) bool { return s.Kind(s.Skip(id)) == KindPtr }

// Pointee returns what a pointer type points to, skipped, and its kind;
// ok is false if id is not a pointer.
func (s *Spec) Pointee(id TypeID) (TypeID, Kind, bool) {
	p := s.Skip(id)
	if s.Kind(p) != KindPtr {
		return 0, KindUnknown, false
	}
	t := s.Skip(s.Ref(p))
	return t, s.Kind(t), true
}

// FuncPtrLeaf is a function-pointer member found by FuncPtrMembers.
type FuncPtrLeaf struct {
	Offset        uint32 // byte offset in the outer struct
	Proto         TypeID // the FUNC_PROTO
	Container     TypeID // innermost named struct or union
	ContainerName string
	ContainerOff  uint32 // byte offset in the container
	Member        string
}

// FuncPtrMembers lists every function-pointer member of a struct or union,
// embedded structs, unions and arrays of structs (their first element)
// included, with absolute offsets. It is what data-object type inference
// matches stored functions against.
func (s *Spec) FuncPtrMembers(st TypeID) []FuncPtrLeaf {
	var out []FuncPtrLeaf
	st = s.Skip(st)
	s.funcPtrs(st, s.TagName(st), st, 0, 0, 0, &out)
	return out
}

func (s *Spec) funcPtrs(st TypeID, cname string, cid TypeID, base, cbase uint32, depth int, out *[]FuncPtrLeaf) {
	if depth > 16 {
		return
	}
	sp, t := s.rec(st)
	if t == nil || t.kind != KindStruct && t.kind != KindUnion {
		return
	}
	for k := 0; k < int(t.vlen); k++ {
		mt, bo, bs := s.memberRaw(sp, t, k)
		if bs != 0 || bo%8 != 0 {
			continue
		}
		mo := bo / 8
		u := s.Skip(mt)
		switch s.Kind(u) {
		case KindStruct, KindUnion:
			if n := s.TagName(mt); n != "" {
				s.funcPtrs(u, n, u, base+mo, 0, depth+1, out)
			} else {
				s.funcPtrs(u, cname, cid, base+mo, cbase+mo, depth+1, out)
			}
		case KindArray:
			e, n, _ := s.ArrayElem(u)
			eu := s.Skip(e)
			if k := s.Kind(eu); (k == KindStruct || k == KindUnion) && n > 0 {
				if tn := s.TagName(e); tn != "" {
					s.funcPtrs(eu, tn, eu, base+mo, 0, depth+1, out)
				}
			}
		case KindPtr:
			if p := s.Skip(s.Ref(u)); s.Kind(p) == KindFuncProto {
				*out = append(*out, FuncPtrLeaf{Offset: base + mo, Proto: p, Container: cid, ContainerName: cname,
					ContainerOff: cbase + mo, Member: s.str(sp.items[int(t.first)+k].name)})
			}
		}
	}
}

// Embedded is a named struct or union embedded in another.
type Embedded struct {
	Name   string
	Offset uint32
}

// EmbeddedStructs lists the named structs and unions embedded in st at
// any depth, with absolute offsets.
func (s *Spec) EmbeddedStructs(st TypeID) []Embedded {
	var out []Embedded
	s.embedded(s.Skip(st), 0, 0, &out)
	return out
}

func (s *Spec) embedded(st TypeID, base uint32, depth int, out *[]Embedded) {
	sp, t := s.rec(st)
	if t == nil || t.kind != KindStruct && t.kind != KindUnion || depth > 8 {
		return
	}
	for k := 0; k < int(t.vlen); k++ {
		mt, bo, bs := s.memberRaw(sp, t, k)
		if bs != 0 || bo%8 != 0 {
			continue
		}
		u := s.Skip(mt)
		if kind := s.Kind(u); kind == KindStruct || kind == KindUnion {
			if n := s.TagName(mt); n != "" {
				*out = append(*out, Embedded{n, base + bo/8})
			}
			s.embedded(u, base+bo/8, depth+1, out)
		}
	}
}

// PtrLeaf is a member that points to a struct or union.
type PtrLeaf struct {
	Offset uint32 // byte offset in the outer struct
	Target TypeID // the struct or union pointed to (skipped)
}

// PointerMembers lists the members of st (embedded structs and unions
// included) that point to a struct or union, with absolute offsets.
func (s *Spec) PointerMembers(st TypeID) []PtrLeaf {
	var out []PtrLeaf
	s.ptrMembers(s.Skip(st), 0, 0, &out)
	return out
}

func (s *Spec) ptrMembers(st TypeID, base uint32, depth int, out *[]PtrLeaf) {
	sp, t := s.rec(st)
	if t == nil || t.kind != KindStruct && t.kind != KindUnion || depth > 8 {
		return
	}
	for k := 0; k < int(t.vlen); k++ {
		mt, bo, bs := s.memberRaw(sp, t, k)
		if bs != 0 || bo%8 != 0 {
			continue
		}
		u := s.Skip(mt)
		switch s.Kind(u) {
		case KindStruct, KindUnion:
			s.ptrMembers(u, base+bo/8, depth+1, out)
		case KindPtr:
			if p := s.Skip(s.Ref(u)); s.Kind(p) == KindStruct || s.Kind(p) == KindUnion {
				*out = append(*out, PtrLeaf{Offset: base + bo/8, Target: p})
			}
		}
	}
}

// PercpuVar returns the per-CPU variable at a byte offset of the
// .data..percpu section and its type, from the BTF datasec of that name
// (pahole encodes per-CPU variables only).
func (s *Spec) PercpuVar(off uint32) (name string, typ TypeID, ok bool) {
	l := s.percpu()
	lo, hi := 0, len(l)
	for lo < hi {
		m := (lo + hi) / 2
		if l[m].Offset+l[m].Size <= off {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(l) && l[lo].Offset == off {
		v := l[lo].Var
		return s.Name(v), s.Ref(v), true
	}
	return "", 0, false
}

func (s *Spec) percpu() []VarSecInfo {
	s.pcOnce.Do(func() {
		for i, t := range s.types {
			if t.kind == KindDatasec && s.str(t.name) == ".data..percpu" {
				s.pcVars = s.Datasec(s.firstID + TypeID(i))
				break
			}
		}
	})
	return s.pcVars
}
