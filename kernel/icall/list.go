package icall

import (
	"sysweight/kernel/btf"
	"sysweight/kernel/x86"
)

// List heads: a struct list_head says nothing of what it links, so a walk
// (list_for_each_entry(ops, &net->rules_ops, list)) loads a struct
// list_head * and steps back to a container that many structs could be
// (fib_rules_ops is one of hundreds with a list_head at 8). What code links
// into the list types it. list_add and list_add_tail, inlined, store the
// new entry's list_head twice (next->prev = new, prev->next = new) and the
// head's or a neighbour's once; INIT_LIST_HEAD stores a head into itself.
// So in one function a struct's list_head member stored two or more times
// into list_head fields is an entry member, and a typed list_head field it
// is stored into holds such entries (fib_rules_register → list_add_tail_rcu(
// &ops->list, &net->rules_ops): net.rules_ops holds fib_rules_ops at 8). A
// load of next or prev then reads a pointer to the entry's member: from a
// head, when all its entries are of one struct; from an entry member, the
// next entry (the head, where the walk ends, is not followed).

// listKey names a list_head member: the struct holding it and its offset.
type listKey struct {
	holder string
	off    uint32
}

// listStore is one store of a struct's list_head (val) into a list_head
// field (into; holder "" when the target's struct is unknown).
type listStore struct {
	into, val listKey
	fn        int32 // the function that stores
}

// listField tells whether a load or store of 8 bytes at off of struct t
// is a list_head's next or prev, and names that list_head.
func (w *flowWorker) listField(t btf.TypeID, off int64) (listKey, bool) {
	if off < 0 {
		return listKey{}, false
	}
	f, ok := w.sp.FieldAt(t, uint32(off), 8)
	if !ok || f.ContainerName != "list_head" || f.Member != "next" && f.Member != "prev" {
		return listKey{}, false
	}
	holder := w.sp.TagName(t)
	if holder == "list_head" {
		holder = "" // a bare list_head: its holder is unknown
	}
	return listKey{holder, uint32(off) - f.Offset}, true
}

// listStoreOf notes, in the list pass, a store of v into memory m when
// both are list_head members of structs (or m of an unknown one).
func (w *flowWorker) listStoreOf(st *state, m x86.Mem, v val) {
	if m.Seg != 0 || m.Base < 0 || int(m.Base) >= len(st.r) || m.Index != x86.NoReg {
		return
	}
	b := st.r[m.Base]
	if b.k != vPtr || v.k != vPtr {
		return
	}
	into, ok := w.listField(b.t, b.off+m.Disp)
	if !ok {
		return
	}
	// v points to a list_head embedded in its struct: its next is there
	val, ok := w.listField(v.t, v.off)
	if !ok || val.holder == "" || val.off != uint32(v.off) {
		return
	}
	w.lstores = append(w.lstores, listStore{into, val, int32(w.fn)})
}

// listEnd turns one function's list stores into entry facts: a member
// stored twice or more is an entry, and each typed field it went into
// holds it.
func (w *flowWorker) listEnd() {
	n := map[listKey]int{}
	for _, s := range w.lstores {
		n[s.val]++
	}
	for _, s := range w.lstores {
		if n[s.val] < 2 || s.into == s.val {
			continue
		}
		w.lentries = append(w.lentries, s)
	}
	w.lstores = w.lstores[:0]
}

// typeLists builds listType from what the list pass found: an entry
// member reads as itself; a field entries of one member went into (and
// that is no entry itself) reads as that member.
func (r *resolver) typeLists(workers []*flowWorker) {
	holds := map[listKey]map[listKey]bool{}
	entry := map[listKey]bool{}
	for _, w := range workers {
		for _, s := range w.lentries {
			entry[s.val] = true
			if s.into.holder == "" {
				continue
			}
			if holds[s.into] == nil {
				holds[s.into] = map[listKey]bool{}
			}
			holds[s.into][s.val] = true
		}
		w.lentries = nil
	}
	r.listType = map[listKey]listKey{}
	for k := range entry {
		r.listType[k] = k
	}
	for h, es := range holds {
		if entry[h] || len(es) != 1 {
			continue
		}
		for e := range es {
			r.listType[h] = e
		}
	}
}

// listLoad is what a load of a list_head's next or prev at key reads,
// when the list pass typed it: a pointer to the entry's member.
func (w *flowWorker) listLoad(key listKey) (val, bool) {
	e, ok := w.r.listType[key]
	if !ok {
		return val{}, false
	}
	id, ok := w.sp.Struct(e.holder)
	if !ok {
		return val{}, false
	}
	return val{k: vPtr, t: id, off: int64(e.off)}, true
}
