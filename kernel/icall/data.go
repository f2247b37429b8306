package icall

import (
	"slices"
	"strings"

	"sysweight/kernel/btf"
)

// outerType is a named struct or union that has function-pointer members,
// as data-object type inference matches it: its size and, by absolute
// offset, the slot each function-pointer member is.
type outerType struct {
	name string
	size uint32
	// union: a union of function pointers (security_list_options) fits
	// any one function of a member's prototype, never several: its
	// members are alternatives
	union bool
	sp    *btf.Spec
	id    btf.TypeID
	// outer maps an absolute offset to the slot named by this type and
	// that offset, when the member lies in an embedded named struct
	outer map[uint32][]int32
	// leaves maps an absolute offset to the slots of the function-pointer
	// members there: one in a struct, several in a union of them
	// (security_list_options holds every LSM hook at offset 0).
	leaves map[uint32][]int32
}

// objType is what inference found for one data object: the struct types
// (several when the layout fits more than one) of which it is one or an
// array.
type objType struct {
	types []*outerType
}

// objFn is a function pointer stored in a data object.
type objFn struct {
	off uint64
	fn  int32
}

// typeIndex is built from every BTF spec: outer types by name, and for
// each prototype the (type, offset) pairs of members of that prototype.
type typeIndex struct {
	outers map[string]*outerType
	bySig  map[string][]sigLeaf
}

type sigLeaf struct {
	t   *outerType
	abs uint32
}

func (r *resolver) buildTypeIndex() *typeIndex {
	ix := &typeIndex{outers: map[string]*outerType{}, bySig: map[string][]sigLeaf{}}
	add := func(sp *btf.Spec) {
		sp.Each(func(id btf.TypeID, k btf.Kind) {
			if k != btf.KindStruct && k != btf.KindUnion {
				return
			}
			name := sp.TagName(id)
			if name == "" {
				return
			}
			if _, seen := ix.outers[name]; seen {
				return
			}
			leaves := sp.FuncPtrMembers(id)
			if len(leaves) == 0 {
				return
			}
			t := &outerType{name: name, size: uint32(sp.Size(id)), union: k == btf.KindUnion, sp: sp, id: id, leaves: make(map[uint32][]int32, len(leaves)), outer: map[uint32][]int32{}}
			if t.size == 0 {
				return
			}
			ix.outers[name] = t
			for _, l := range leaves {
				sig := sp.Signature(l.Proto)
				t.leaves[l.Offset] = append(t.leaves[l.Offset], r.slot(l.ContainerName, l.ContainerOff, l.Member, sig))
				if l.ContainerName != name {
					t.outer[l.Offset] = append(t.outer[l.Offset], r.slot(name, l.Offset, l.ContainerName+"."+l.Member, sig))
				}
				ix.bySig[sig] = append(ix.bySig[sig], sigLeaf{t, l.Offset})
			}
		})
	}
	add(r.k.BTF)
	for _, sp := range r.k.ModBTF {
		if sp != nil {
			add(sp)
		}
	}
	return ix
}

// inferObjects finds, for every data object holding function pointers,
// the struct types whose layout it matches: every function pointer sits at
// a function-pointer member of the same prototype, in one element or an
// array of them. Each stored function then belongs to the slot of that
// member (dataTargets); a function in an object no type fits is only
// address-taken.
func (r *resolver) inferObjects() {
	ix := r.buildTypeIndex()
	r.outers = ix.outers
	// globals named after their struct type
	r.nameType = map[int]string{}
	for o, ob := range r.k.Objects {
		sp := r.k.BTF
		if ob.Module >= 0 && int(ob.Module) < len(r.k.ModBTF) && r.k.ModBTF[ob.Module] != nil {
			sp = r.k.ModBTF[ob.Module]
		}
		if t, ok := sp.Struct(ob.Name); ok && sizeFits(ob.Size, sp.Size(t)) && ob.Size < 2*sp.Size(t)+64 {
			r.nameType[o] = ob.Name
		}
	}
	// functions that take a pointer to a struct with function-pointer
	// members may copy function pointers between members: they get the
	// data-flow pass
	r.opsArg = make([]bool, len(r.proto))
	parallel(len(r.proto), r.opt.Workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			p := r.proto[i]
			if p == 0 {
				continue
			}
			sp := r.spec(i)
			for k := 0; k < 6; k++ {
				t, ok := sp.ParamType(p, k)
				if !ok {
					break
				}
				if pt, kind, ok := sp.Pointee(t); ok && (kind == btf.KindStruct || kind == btf.KindUnion) {
					if _, ops := ix.outers[sp.TagName(pt)]; ops {
						r.opsArg[i] = true
						break
					}
				}
			}
		}
	})
	r.objFns = map[int][]objFn{}
	r.dataTargets = map[int32][]int32{}
	// Group the function slots by object.
	os := r.k.Objects
	for _, s := range r.k.Slots {
		f, ok := r.funcAt(s.Target)
		if !ok {
			continue
		}
		r.taken[f] = true
		o, ok := r.objectAt(s.Addr)
		if !ok {
			continue
		}
		r.objFns[o] = append(r.objFns[o], objFn{s.Addr - os[o].Addr, f})
	}
	r.stats.FuncObjects = len(r.objFns)
	for o, fns := range r.objFns {
		size := os[o].Size
		// seed: the stored function whose prototype has the fewest members
		seed := -1
		for j, x := range fns {
			if sig := r.sigs[x.fn]; sig != "" {
				if seed < 0 || len(ix.bySig[sig]) < len(ix.bySig[r.sigs[fns[seed].fn]]) {
					seed = j
				}
			}
		}
		if seed < 0 {
			continue
		}
		var found []*outerType
		for _, c := range ix.bySig[r.sigs[fns[seed].fn]] {
			d := fns[seed].off
			if d < uint64(c.abs) || (d-uint64(c.abs))%uint64(c.t.size) != 0 || !sizeFits(size, uint64(c.t.size)) {
				continue
			}
			if slices.Contains(found, c.t) || !r.fits(c.t, fns) || c.t.union && len(fns) > 1 {
				continue
			}
			found = append(found, c.t)
		}
		if len(found) == 0 {
			continue
		}
		if len(found) > 1 {
			// several layouts fit: keep those that leave the least of the
			// object unexplained, and of those the largest type (one
			// struct module rather than an array of a smaller type whose
			// members happen to have the same prototypes)
			best, big := uint64(1<<62), uint32(0)
			for _, t := range found {
				best = min(best, size%uint64(t.size))
			}
			found = slices.DeleteFunc(found, func(t *outerType) bool { return size%uint64(t.size) != best })
			for _, t := range found {
				big = max(big, t.size)
			}
			found = slices.DeleteFunc(found, func(t *outerType) bool { return t.size != big })
		}
		r.objType[o] = objType{types: found}
		r.stats.TypedObjects++
		for _, t := range found {
			for _, x := range fns {
				for _, id := range r.slotsFor(t, x) {
					r.dataTargets[id] = append(r.dataTargets[id], x.fn)
				}
				for _, id := range t.outer[uint32(x.off%uint64(t.size))] {
					if sig := r.sigs[x.fn]; sig == "" || r.slotList[id].sig == sig {
						r.dataTargets[id] = append(r.dataTargets[id], x.fn)
					}
				}
			}
		}
	}
	for id, l := range r.dataTargets {
		slices.Sort(l)
		r.dataTargets[id] = slices.Compact(l)
	}
}

// sizeFits tells whether an object of size bytes (to the next symbol, so
// padding included; 0 if unknown) can be one struct of tsize bytes or an
// array of them: what is left over must be alignment padding.
func sizeFits(size, tsize uint64) bool {
	if size == 0 {
		return true
	}
	return size >= tsize && size%tsize < 64
}

// fits tells whether every function pointer of an object sits at a
// function-pointer member of t with the function's prototype.
func (r *resolver) fits(t *outerType, fns []objFn) bool {
	for _, x := range fns {
		if len(r.slotsFor(t, x)) == 0 {
			return false
		}
	}
	return true
}

// slotsFor are the members of t that the function stored at x.off can
// be: those at that offset with its prototype (all of them when its
// prototype is unknown).
func (r *resolver) slotsFor(t *outerType, x objFn) []int32 {
	ids := t.leaves[uint32(x.off%uint64(t.size))]
	sig := r.sigs[x.fn]
	if sig == "" {
		return ids
	}
	for k, id := range ids {
		if r.slotList[id].sig != sig {
			// rare: filter into a fresh slice
			var out []int32
			for _, id := range ids[k:] {
				if r.slotList[id].sig == sig {
					out = append(out, id)
				}
			}
			return append(ids[:k:k], out...)
		}
	}
	return ids
}

// tableFns returns the functions stored in the data object holding a, at
// a's offset modulo the element size of its type (or every function
// pointer when it has none: an array of plain function pointers).
func (r *resolver) tableFns(a uint64) ([]int32, string, bool) {
	o, ok := r.objectAt(a)
	if !ok {
		return nil, "", false
	}
	fns := r.objFns[o]
	if len(fns) == 0 {
		return nil, "", false
	}
	d := a - r.k.Objects[o].Addr
	var out []int32
	if t, ok := r.objType[o]; ok {
		for _, x := range fns {
			for _, ty := range t.types {
				if x.off%uint64(ty.size) == d%uint64(ty.size) {
					out = append(out, x.fn)
					break
				}
			}
		}
	} else {
		for _, x := range fns {
			if x.off%8 == d%8 {
				out = append(out, x.fn)
			}
		}
	}
	return out, r.k.Objects[o].Name, len(out) > 0
}

// globalTypes sets globalElem: for each data object, the struct type of
// the pointers it holds, from the stores the first data-flow pass saw and
// from its initialised pointers to typed objects. An object seen with two
// types gets none.
func (r *resolver) globalTypes(gs []gstore) {
	elem := map[int]string{}
	set := func(o int, name string) {
		if old, ok := elem[o]; ok && old != name {
			elem[o] = ""
			return
		}
		elem[o] = name
	}
	for _, g := range gs {
		if o, ok := r.objectAt(g.addr); ok {
			set(o, g.name)
		}
	}
	for _, s := range r.k.Slots {
		to, ok := r.objectAt(s.Target)
		if !ok || r.k.Objects[to].Addr != s.Target {
			continue
		}
		t, ok := r.objType[to]
		if !ok || len(t.types) != 1 {
			continue
		}
		if from, ok := r.objectAt(s.Addr); ok {
			set(from, t.types[0].name)
		}
	}
	r.globalElem = elem
}

// embedders are the structs of every BTF (vmlinux's and the modules')
// that embed a struct named member at offset off, by name.
func (r *resolver) embedders(member string, off uint32) []string {
	if member == "" {
		return nil
	}
	r.embedOnce.Do(func() {
		r.embed = map[holdKey][]string{}
		r.eachStruct(func(sp *btf.Spec, id btf.TypeID, name string) {
			for _, e := range sp.EmbeddedStructs(id) {
				k := holdKey{e.Name, e.Offset}
				if !slices.Contains(r.embed[k], name) {
					r.embed[k] = append(r.embed[k], name)
				}
			}
		})
	})
	return r.embed[holdKey{member, off}]
}

// eachStruct calls fn once per named struct of vmlinux's BTF and then the
// modules', the first definition of a name winning.
func (r *resolver) eachStruct(fn func(sp *btf.Spec, id btf.TypeID, name string)) {
	seen := map[string]bool{}
	add := func(sp *btf.Spec) {
		sp.Each(func(id btf.TypeID, k btf.Kind) {
			if k != btf.KindStruct {
				return
			}
			name := sp.TagName(id)
			if name == "" || seen[name] {
				return
			}
			seen[name] = true
			fn(sp, id, name)
		})
	}
	add(r.k.BTF)
	for _, sp := range r.k.ModBTF {
		if sp != nil {
			add(sp)
		}
	}
}

// holders are the structs with function-pointer members that hold a
// struct named member at byte offset off (embedded, at any depth).
func (r *resolver) holders(member string, off uint32) []*outerType {
	r.holdOnce.Do(r.buildHolders)
	return r.hold[holdKey{member, off}]
}

// buildHolders indexes the structs with function-pointer members by the
// structs they embed: by name and offset (hold), and by name (holdAt).
func (r *resolver) buildHolders() {
	r.hold = map[holdKey][]*outerType{}
	r.holdAt = map[string][]heldAt{}
	for _, t := range r.outers {
		for _, e := range t.sp.EmbeddedStructs(t.id) {
			k := holdKey{e.Name, e.Offset}
			r.hold[k] = append(r.hold[k], t)
			r.holdAt[e.Name] = append(r.holdAt[e.Name], heldAt{t, e.Offset})
		}
	}
	for _, l := range r.hold {
		slices.SortFunc(l, func(a, b *outerType) int { return strings.Compare(a.name, b.name) })
	}
	for _, l := range r.holdAt {
		slices.SortFunc(l, func(a, b heldAt) int {
			if c := strings.Compare(a.t.name, b.t.name); c != 0 {
				return c
			}
			return int(a.off) - int(b.off)
		})
	}
}

// heldAt is a struct with function-pointer members holding another struct
// at byte offset off.
type heldAt struct {
	t   *outerType
	off uint32
}

// beforeSlots are the function-pointer slots that a load at back bytes
// before an embedded struct named member reads, in the structs that hold
// it (container_of folded into the load: PROC_I(inode)->op.proc_get_link
// reads at a negative offset from the inode).
// The holders never change, so each answer is kept (callers do not change
// it): beforeChain asks for the same ones over and over.
func (r *resolver) beforeSlots(member string, back uint32) []int32 {
	r.holdOnce.Do(r.buildHolders)
	k := beforeKey{member, back}
	r.beforeSlotsMu.Lock()
	defer r.beforeSlotsMu.Unlock()
	if l, ok := r.beforeSlotsMemo[k]; ok {
		return l
	}
	if r.beforeSlotsMemo == nil {
		r.beforeSlotsMemo = map[beforeKey][]int32{}
	}
	out := r.holdersBefore(member, back)
	r.beforeSlotsMemo[k] = out
	return out
}

func (r *resolver) holdersBefore(member string, back uint32) []int32 {
	var out []int32
	for _, h := range r.holdAt[member] {
		if h.off < back {
			continue
		}
		for _, id := range h.t.leaves[h.off-back] {
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	return out
}

// beforeAny is beforeSlots for an embedded struct of unknown type: the
// slots back bytes before any struct that a struct with function-pointer
// members embeds (PROC_I(inode)->op.proc_show where inode came from
// seq_file's void *private). It is a long list: the call's arguments
// narrow it (untyped). Cached by back.
func (r *resolver) beforeAny(back uint32) []int32 {
	r.holdOnce.Do(r.buildHolders)
	r.beforeMu.Lock()
	defer r.beforeMu.Unlock()
	if l, ok := r.before[back]; ok {
		return l
	}
	seen := map[int32]bool{}
	var out []int32
	for _, hs := range r.holdAt {
		for _, h := range hs {
			if h.off < back {
				continue
			}
			for _, id := range h.t.leaves[h.off-back] {
				if !seen[id] {
					seen[id] = true
					out = append(out, id)
				}
			}
		}
	}
	slices.Sort(out)
	if r.before == nil {
		r.before = map[uint32][]int32{}
	}
	r.before[back] = out
	return out
}

type holdKey struct {
	name string
	off  uint32
}
