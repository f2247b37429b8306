package icall

import (
	"cmp"
	"math/bits"
	"slices"
	"strconv"
	"strings"

	"sysweight/kernel/btf"
	"sysweight/kernel/x86"
)

// vkind is what the data-flow pass knows of a register's value. It is
// 16 bits wide so that val has no padding (see val).
type vkind uint16

const (
	vUnk    vkind = iota
	vPtr          // pointer to struct t, off bytes in
	vFnPtr        // function pointer of prototype t, read from slot (−1: none); a: a default function + 1 (withDefault)
	vFunc         // the address of function a
	vAddr         // a data address a (idx: plus an unknown index)
	vTab          // a pointer read from an initialised table at a, with an index
	vULoad        // read at displacement off from a base of unknown type
	vZero         // zero
	vCand         // a function pointer of one of the slots of candidate list slot (a downcast)
	vStack        // the address of the stack slot at off (entry-relative)
	vHook         // a node of the LSM hook list of slot's hook (security_hook_heads)
	vCont         // container_of: a struct holding a struct t at offset off
	vPcpu         // the offset of a per-CPU variable of type t; plus a CPU's base, its address
	vRet          // the untyped pointer the call at a returned (kmalloc): typed by its use
	vFnArr        // a pointer into an array of function pointers of prototype t (asn1_decoder.actions)
	vFuncs        // the address of one of the functions of set a (funcSet), two or more
	vScalar       // a parameter declared a pointer to an integer type (const char *buf): no struct pointer
)

// val has no padding (a 16-bit k, a 64-bit vm): comparing two states,
// which the pass does after every block, is then a plain memory compare
// (at joins, meetInto compares single values with eq).
type val struct {
	k     vkind
	idx   bool
	param int8  // vFnPtr: k+1 when the value is the function's parameter k, unchanged
	outer int32 // vFnPtr: the slot in the outer struct (multi-layer), −1 none
	t     btf.TypeID
	slot  int32
	off   int64
	a     uint64
	// vm: vUnk read from a void pointer member (seq_file.private), or
	// vULoad read through such a value: that member's offset + 1. What
	// code stores into the object a void pointer member points to
	// (mounts_open_common: p = m->private; p->show = show) is what a
	// call through the same member reads back (m_show: p->show(m, …)).
	vm int64
}

// eq is a == b, field by field: the compiler inlines it, where == on a
// val calls memequal, and meetInto compares every register at every join.
// TestValEq holds it to every field.
func (a *val) eq(b *val) bool {
	return a.k == b.k && a.idx == b.idx && a.param == b.param && a.outer == b.outer &&
		a.t == b.t && a.slot == b.slot && a.off == b.off && a.a == b.a && a.vm == b.vm
}

// state is what the pass knows at one point: the registers, and the
// 8-byte stack slots the function spilled values to, by offset from rsp
// at entry (valid while rspOK).
type state struct {
	r     [16]val
	rsp   int32
	rspOK bool
	n     uint8
	// the first n stack slots: their offsets and values, apart so that
	// each array is plain memory to compare
	stkOff [maxStack]int32
	stk    [maxStack]val
}

const maxStack = 16

// forget makes the registers of mask unknown.
func (st *state) forget(mask uint16) {
	for ; mask != 0; mask &= mask - 1 {
		st.r[bits.TrailingZeros16(mask)] = val{}
	}
}

// stackDel removes stack slot i, moving the last one there.
func (st *state) stackDel(i int) {
	st.n--
	st.stkOff[i], st.stk[i] = st.stkOff[st.n], st.stk[st.n]
}

func (st *state) stackGet(off int32) val {
	for i := 0; i < int(st.n); i++ {
		if st.stkOff[i] == off {
			return st.stk[i]
		}
	}
	return val{}
}

// stackSet records v at off; an unknown value removes the slot.
func (st *state) stackSet(off int32, v val) {
	for i := 0; i < int(st.n); i++ {
		if st.stkOff[i] == off {
			if v.k == vUnk && v.param == 0 {
				st.stackDel(i)
				return
			}
			st.stk[i] = v
			return
		}
	}
	if (v.k != vUnk || v.param > 0) && int(st.n) < maxStack { // a void pointer parameter (typeVoids) stays
		st.stkOff[st.n], st.stk[st.n] = off, v
		st.n++
	}
}

// stackClobber forgets the slots a write of size bytes at off overlaps
// (8 when the size is not known): a 4-byte store at 4(%rsp) leaves the
// slot at 8(%rsp), where __splice_from_pipe keeps its actor.
func (st *state) stackClobber(off int32, size uint8) {
	w := int32(size)
	if w == 0 || w > 8 {
		w = 8
	}
	for i := 0; i < int(st.n); {
		if d := st.stkOff[i] - off; d > -8 && d < w {
			st.stackDel(i)
			continue
		}
		i++
	}
}

// movWidth is the number of bytes a mov to memory (88, 89, c6, c7)
// writes, or 0 for any other instruction (whose width kernel/x86's Op does
// not give exactly: a vector store writes 16 or 32).
func movWidth(b []byte) uint8 {
	w, rexW := uint8(4), false
	for i := 0; i < len(b) && i < 15; i++ {
		switch c := b[i]; {
		case c == 0x66:
			w = 2
		case c == 0xf0 || c == 0xf2 || c == 0xf3 || c == 0x2e || c == 0x36 || c == 0x3e || c == 0x26 || c == 0x64 || c == 0x65 || c == 0x67:
		case c&0xf0 == 0x40:
			rexW = c&8 != 0
			continue
		case c == 0x88 || c == 0xc6:
			return 1
		case c == 0x89 || c == 0xc7:
			if rexW {
				return 8
			}
			return w
		default:
			return 0
		}
		rexW = false
	}
	return 0
}

// meetInto merges st into t, the in-state of a block two paths reach, and
// reports whether t changed.
func meetInto(t *state, st *state, w *flowWorker) bool {
	changed := false
	for r := range t.r {
		if t.r[r].eq(&st.r[r]) {
			continue // most registers agree: no call
		}
		if m := meetFast(&t.r[r], &st.r[r], w); !m.eq(&t.r[r]) {
			t.r[r], changed = m, true
		}
	}
	if t.rspOK && (!st.rspOK || st.rsp != t.rsp) {
		t.rspOK, t.n, changed = false, 0, true
	}
	for i := 0; i < int(t.n); {
		if o := st.stackGet(t.stkOff[i]); !o.eq(&t.stk[i]) {
			if m := meetFast(&t.stk[i], &o, w); m.k != vUnk {
				t.stk[i], changed = m, true
				i++
				continue
			}
			t.stackDel(i)
			changed = true
			continue
		}
		i++
	}
	return changed
}

// meetFast is meet(*a, *b) for two values that differ, without the call
// when one is a plain unknown (no object tag, no void member), which every
// rule of meet leaves unknown: most registers that differ where paths
// join are clobbered on one of them.
func meetFast(a, b *val, w *flowWorker) val {
	if a.k == vUnk && a.slot == 0 && a.vm == 0 || b.k == vUnk && b.slot == 0 && b.vm == 0 {
		return val{}
	}
	return meet(*a, *b, w)
}

// holdsAt tells whether the struct p points to the start of holds a c.t at
// c.off, as a container_of c of a pointer to a c.t would find it.
func (w *flowWorker) holdsAt(p, c val) bool {
	if p.off != 0 || c.off <= 0 || c.off > 1<<20 {
		return false
	}
	f, ok := w.sp.FieldAt(p.t, uint32(c.off), 8)
	return ok && f.Offset == 0 && f.ContainerName != "" && f.ContainerName == w.sp.TagName(c.t)
}

// stackOff is the entry-relative offset of an operand based on rsp or on
// a register that holds a stack address: rbp in the functions gcc
// realigns the stack of (lea 8(%rsp),%r10; and $-32,%rsp; push %rbp;
// mov %rsp,%rbp), which keep their locals at negative offsets from rbp
// (fib_nl_delrule spills net to -0x138(%rbp)). The and is taken to move
// nothing, so such offsets are consistent within the function rather than
// exact.
func (st *state) stackOff(m x86.Mem) (int32, bool) {
	if m.Index != x86.NoReg || m.Seg != 0 || !st.rspOK {
		return 0, false
	}
	if m.Base == x86.RSP {
		return st.rsp + int32(m.Disp), true
	}
	if m.Base >= 0 && int(m.Base) < len(st.r) {
		if b := st.r[m.Base]; b.k == vStack {
			return int32(b.off) + int32(m.Disp), true
		}
	}
	return 0, false
}

// isMethodVal reports a function pointer read from memory: a member of a
// known struct, a candidate member, or an offset of an unknown one.
// withDefault is the method m met with the default function f: a function
// pointer notes f (index + 1 in a) when it notes none yet.
func withDefault(m, f val) val {
	if m.k == vFnPtr && m.a == 0 {
		m.a = f.a + 1
	}
	return m
}

func isMethodVal(v val) bool {
	return v.k == vFnPtr || v.k == vCand || v.k == vULoad && v.off >= 0
}

// meet is the value a register has on entry to a block two paths reach.
func meet(a, b val, w *flowWorker) val {
	if a == b {
		return a
	}
	// one of two or more functions (set_io_from_upio: p->serial_in =
	// iotype == UPIO_MEM32 ? mem32_serial_in : io_serial_in, a cmov):
	// what a store of it records is each
	if (a.k == vFunc || a.k == vFuncs) && (b.k == vFunc || b.k == vFuncs) {
		return w.funcUnion(a, b)
	}
	if a.k == vAddr || b.k == vAddr {
		// the address of a typed object on one path (clockid_to_kclock:
		// &clock_posix_cpu, or an element of posix_clocks): a pointer to
		// its struct
		if p, q := w.addrPtr(a), w.addrPtr(b); p.k == vPtr && p == q {
			return p
		}
	}
	// x ? x->m : NULL with x read from an untyped object (sysfs_file_ops:
	// kobj->ktype ? kobj->ktype->sysfs_ops : NULL, the NULL being x
	// itself): what is read through x
	if a.k == vULoad && b.k == vULoad && a.slot == b.slot && a.slot != 0 {
		if x, ok := chainOff(b, 1); ok && a.off >= 0 && x == uint32(a.off) && b.a>>24&(1<<20-1) == a.a&(1<<20-1) {
			return b
		}
		if x, ok := chainOff(a, 1); ok && b.off >= 0 && x == uint32(b.off) && a.a>>24&(1<<20-1) == b.a&(1<<20-1) {
			return a
		}
	}
	// x->m ?: x with x read from a void pointer member (kernfs_root(kn):
	// kn->parent ?: kn, kn being inode->i_private): x, the same kind of
	// object; what is read through it narrows it as before
	if a.k == vULoad && a.a == 0 && a.off >= 0 && b.k == vUnk && b.slot != 0 && a.slot == b.slot {
		return b
	}
	if b.k == vULoad && b.a == 0 && b.off >= 0 && a.k == vUnk && a.slot != 0 && a.slot == b.slot {
		return a
	}
	// NULL on one path, a typed pointer on the other (DEFINE_DELAYED_CALL
	// then ->get_link filling it): the typed pointer, or NULL
	if a.k == vZero && (b.k == vPtr || b.k == vFnPtr) {
		return b
	}
	if b.k == vZero && (a.k == vPtr || a.k == vFnPtr) {
		return a
	}
	// NULL on one path, an untyped call result on the other
	// (__irq_get_desc_lock: desc = radix_tree_lookup(…), NULL when a
	// check fails, returned as a struct irq_desc *): the result, which
	// its use may type
	if a.k == vZero && b.k == vRet {
		return b
	}
	if b.k == vZero && a.k == vRet {
		return a
	}
	// x ? x->priv : x with priv a void pointer member of x's struct
	// (kernfs_dentry_node: inode ? inode->i_private : NULL, the NULL
	// being the inode pointer tested): what x->priv reads
	if a.k == vPtr && a.off == 0 && b.k == vUnk && b.vm > 0 && w.voidMember(a.t, uint32(b.vm-1)) {
		return b
	}
	if b.k == vPtr && b.off == 0 && a.k == vUnk && a.vm > 0 && w.voidMember(b.t, uint32(a.vm-1)) {
		return a
	}
	// a method read from a struct, or a default function when it is NULL
	// (fc->fs_type->init_fs_context ?: legacy_init_fs_context, a cmov):
	// the method; a function pointer keeps the default in a, which its
	// calls reach as well (__do_proc_dointvec: conv ?: do_proc_dointvec_conv)
	if a.k == vFunc && isMethodVal(b) {
		return withDefault(b, a)
	}
	if b.k == vFunc && isMethodVal(a) {
		return withDefault(a, b)
	}
	if a.k == vFnPtr && b.k == vFnPtr {
		// the same pointer, with a default on one path
		x, y := a, b
		x.a, y.a = 0, 0
		if x == y {
			x.a = max(a.a, b.a)
			return x
		}
	}
	// an entry of a list the list pass typed on one path, a container_of
	// of a bare list_head on the other (__wake_up_common: the entry after
	// the bookmark, or the first of wq_head->head): the entry
	if a.k == vPtr && b.k == vCont && w.holdsAt(a, b) {
		return a
	}
	if b.k == vPtr && a.k == vCont && w.holdsAt(b, a) {
		return b
	}
	if a.k == vPtr && b.k == vPtr && a.t == b.t && a.off != b.off {
		// a pointer stepping through an array of its struct
		// (for_class_range(class, prev->sched_class, …): class++): an
		// element of it
		d := max(a.off, b.off) - min(a.off, b.off)
		if n := int64(w.sp.Size(a.t)); n > 0 && d%n == 0 {
			a.off = min(a.off, b.off)
			return a
		}
	}
	if a.k == vAddr && b.k == vAddr && (a.idx || b.idx || w.sameObject(a.a, b.a)) {
		// a pointer stepping through a global array (h++ over
		// softirq_vec in handle_softirqs; for_each_subsys's walk over
		// cgroup_subsys[] in cgroup_apply_control_enable, the address a
		// constant, the step an add): an element of it, index unknown
		lo, hi := min(a.a, b.a), max(a.a, b.a)
		if hi-lo < 1<<16 {
			return val{k: vAddr, a: lo, idx: true}
		}
	}
	return val{}
}

// site is an indirect call or jump found by the data-flow pass.
type site struct {
	v    val
	args [6]string // canonical pointer types of the argument registers, "" unknown
	// conts: an argument known only as container_of a struct at an
	// offset ("kobject+168": queue_attr_show's q, container_of(kobj,
	// struct request_queue, kobj)), which agrees with a parameter of a
	// struct that embeds it there
	conts [6]string
	// self: a call x->op->f(x, …) through an untyped x (seq_read_iter's
	// m, file->private_data): the first argument is the object the ops
	// pointer was read from
	self bool
	// self3: a call x->a->b->f(x, …), x read from an untyped object
	self3 bool
	// holder: k+1 when argument k is the untyped object the function
	// pointer was read from, x->f(…, x, …) (sysfs_kf_bin_read:
	// battr->read(file, kobj, battr, …), battr = of->kn->priv)
	holder int8
	// scalar: bit k when argument k is the caller's parameter declared a
	// pointer to an integer type (drv_attr_store passes its const char
	// *buf): it is no struct pointer
	scalar uint8
}

// objTag names the untyped pointer a load at insnAddr read (kept in an
// unknown value's slot field, and in the loads through it), so that a call
// can tell it is passed the object its function pointer came from.
func objTag(insnAddr uint64) int32 { return int32(insnAddr&0x7fffffff) | 1 }

// store records a function's address leaving the code: stored into a
// member (slot ≥ 0), stored elsewhere or passed on (slot −1), or queued as
// a task_work callback (task).
type store struct {
	fn    int32
	slot  int32
	outer int32 // the slot in the outer struct, −1 none
	task  bool
}

type gstore struct {
	addr uint64
	name string
}

// cbKey names parameter k of function fn.
type cbKey struct {
	fn int32
	k  int8
}

// cbSrc is what the direct calls of a function pass in one of its
// function-pointer parameters: functions, members, the callers' own
// parameters (forwarded), or something unknown.
type cbSrc struct {
	funcs   []int32
	slots   []int32
	fwd     []cbKey
	unknown bool
}

// add records one value a direct call passes, from function fn: a
// function, a member's functions, fn's own callback parameter passed on,
// or something unknown (NULL adds nothing).
func (src *cbSrc) add(v val, fn int32) {
	switch {
	case v.k == vFunc:
		src.funcs = append(src.funcs, int32(v.a))
	case v.k == vFnPtr && v.slot >= 0:
		src.slots = append(src.slots, v.slot)
	case v.k == vFnPtr && v.param > 0:
		src.fwd = append(src.fwd, cbKey{fn, v.param - 1})
	case v.k == vZero:
	default:
		src.unknown = true
	}
}

// mergeSources adds a worker's callback sources to the resolver's.
func mergeSources[K comparable](dst, src map[K]*cbSrc) {
	for k, s := range src {
		if t := dst[k]; t != nil {
			t.funcs = append(t.funcs, s.funcs...)
			t.slots = append(t.slots, s.slots...)
			t.fwd = append(t.fwd, s.fwd...)
			t.unknown = t.unknown || s.unknown
		} else {
			dst[k] = s
		}
	}
}

// flowAll runs the data-flow pass over every function that makes an
// indirect call or takes a function's address. A second pass over the
// functions with indirect calls knows the element types of global
// variables and arrays that the first pass saw struct pointers stored in.
func (r *resolver) flowAll() {
	p := r.k.Prog
	var gs []gstore
	r.cb = map[cbKey]*cbSrc{}
	r.cbAt = map[cbAtKey]*cbSrc{}
	r.innerEsc = map[innerKey]bool{}
	// clones (no prototype) that make indirect calls: their callers are
	// solved for what they pass them
	r.cloneTarget = map[uint64]bool{}
	for i := range p.Functions {
		if f := &p.Functions[i]; (f.IndirectCalls > 0 || f.IndirectJumps > 0) && r.proto[i] == 0 && containsDot(f.Name) {
			r.cloneTarget[f.Addr] = true
		}
	}
	r.listCand = make([]bool, len(p.Functions))
	r.listDone = make([]bool, len(p.Functions))
	workers := make([]*flowWorker, r.opt.Workers)
	for k := range workers {
		workers[k] = &flowWorker{r: r, pass1: true, cb: map[cbKey]*cbSrc{}}
	}
	parallelW(len(p.Functions), r.opt.Workers, func(k, lo, hi int) {
		for i := lo; i < hi; i++ {
			workers[k].function(i)
		}
	})
	for _, w := range workers {
		gs = append(gs, w.gstores...)
		r.flows = append(r.flows, w.flows...)
		r.pflows = append(r.pflows, w.pflows...)
		r.escSlots = append(r.escSlots, w.escSlots...)
		r.escParams = append(r.escParams, w.escParams...)
		r.gfns = append(r.gfns, w.gfns...)
		r.statics = append(r.statics, w.statics...)
		mergeSources(r.cbAt, w.cbAt)
		w.cbAt = nil
		mergeSources(r.cb, w.cb)
		for _, k := range w.inner {
			r.innerEsc[k] = true
		}
		w.inner = nil
		w.pass1, w.cb, w.gstores, w.flows, w.pflows, w.escSlots, w.escParams, w.gfns, w.statics = false, nil, nil, nil, nil, nil, nil, nil, nil
	}
	r.typeClones(workers)
	// the list pass: what code links into list heads types their walks.
	// The first pass noted the list stores of the candidates it solved;
	// a clone whose parameters typeClones has just typed is solved again
	// (its first-pass state had them unknown).
	for _, w := range workers {
		w.listOnly = true
		w.lentries = slices.DeleteFunc(w.lentries, func(s listStore) bool {
			if !r.retyped(s.fn) {
				return false
			}
			r.listDone[s.fn] = false
			return true
		})
	}
	for i, done := range r.listDone {
		if done && r.retyped(int32(i)) {
			r.listDone[i] = false
		}
	}
	parallelW(len(p.Functions), r.opt.Workers, func(k, lo, hi int) {
		for i := lo; i < hi; i++ {
			workers[k].function(i)
		}
	})
	for _, w := range workers {
		w.listOnly = false
		clear(w.members) // loads of list_head fields read differently now
	}
	r.typeLists(workers)
	// workers take chunks as they come: put what they found in one order,
	// so that the resolution (slotTargets cuts cycles of copies where its
	// walk meets them) does not depend on the scheduling
	sortFlows(r)
	r.globalTypes(gs)
	r.gfnObj = map[int]bool{}
	for _, g := range r.gfns {
		if o, ok := r.objectAt(g.addr); ok {
			r.gfnObj[o] = true
		}
	}
	for _, w := range workers {
		w.late = true
	}
	parallelW(len(p.Functions), r.opt.Workers, func(k, lo, hi int) {
		for i := lo; i < hi; i++ {
			workers[k].function(i) // only those marked again
		}
	})
	for _, w := range workers {
		w.late = false
	}
	if r.typeLateClones(workers) {
		parallelW(len(p.Functions), r.opt.Workers, func(k, lo, hi int) {
			for i := lo; i < hi; i++ {
				workers[k].function(i) // the clones typeLateClones marked
			}
		})
	}
	r.typeVoids(workers)
	for i := range r.stores {
		for _, s := range r.stores[i] {
			r.taken[s.fn] = true
		}
	}
}

type block struct {
	first, end int // op indexes
	succ       [2]int
	nsucc      int
	seen       bool
}

type flowWorker struct {
	r *resolver
	// voidOnly: a typeVoids pass, which notes void pointer stores and
	// arguments (vstores, vpstores, vargs) and nothing else
	voidOnly bool
	// voidStores: typeVoids' first round, which wants only the stores
	voidStores bool
	// listOnly: the list pass (typeLists), which notes list_head stores
	// (lstores, per function; lentries, the entries found) and nothing else
	listOnly bool
	lstores  []listStore
	lentries []listStore
	// listRead: the first pass read a list_head's next or prev, which the
	// list pass may type
	listRead bool
	vstores  []voidTyped
	vpstores []voidPStore
	vargs    map[cbKey]*voidSrc
	// cloneArgs: in the first pass, the struct types of what calls pass
	// to clones (.part, .isra, .constprop: no BTF prototype), by clone
	cloneArgs map[int32]*[6]cloneArg
	// late: the pass after globalTypes, which also notes what calls pass
	// to clones (typeLateClones); callsClone: the function calls a clone
	late       bool
	callsClone bool
	// fsets are the function sets of this function's vFuncs values,
	// interned by fsetIx (the sorted indexes as a string)
	fsets  [][]int32
	fsetIx map[string]int
	// inner: pointers into structs past their start passed to direct
	// calls (innerArgs), all functions of this worker, in the first pass
	inner []innerKey
	in    []state // in-state of each block
	// out-states: block b's is outs[outAt[b]] (outOK: computed), and
	// outs[spare] is where a visit steps, so that a changed out-state
	// is swapped in rather than copied
	outs    []state
	outAt   []int32
	spare   int32
	outOK   []bool
	preds   []int32 // predecessors of block b: preds[predOff[b]:predOff[b+1]]
	predOff []int32
	fill    []int32
	ops     []x86.Op
	offs    []uint32
	// callee[k]: the function op k calls or jumps to, −1 none
	// (calleeAt), noCallee until looked up; rets[k]: what a call of it
	// leaves in rax (returnOf)
	callee []int32
	rets   []val
	blocks []block
	isLead []bool
	work   []int
	inWork []bool
	mark   []uint8    // solveAcyclic's DFS marks
	order  []int32    // its postorder
	dfs    [][2]int32 // its stack: block, next successor

	fn        int
	sp        *btf.Spec
	addr, end uint64 // the function's start and end addresses
	entrySt   state  // its state at entry (entry), the first block's in-state
	// gstores are the struct pointers stored to globals, all functions
	// of this worker
	gstores []gstore
	// pass1: the first pass, which also records callback arguments in cb
	pass1   bool
	members map[memberKey]memberVal // member cache
	before  map[beforeKey][]int32   // beforeSlots cache
	// globalRead: this function read a global whose type the second pass
	// may know; with indirect calls, it is analysed again
	globalRead bool
	cb         map[cbKey]*cbSrc
	// cbAt: what direct callers store in the stack objects they pass for
	// void pointer parameters (stackFns), in the first pass
	cbAt map[cbAtKey]*cbSrc
	// flows are slot-to-slot copies of function pointers (from, to),
	// pflows parameter-to-slot ones, gfns function pointers stored into
	// globals
	flows     [][2]int32
	pflows    []pflow
	escSlots  []int32
	escParams []cbKey
	gfns      []gfn
	statics   []gfn // static_call_update: addr is the trampoline function
	// made are the function addresses this function's code materialises,
	// used those a store, call or callback argument accounts for
	made, used []int32
	// extra are further slots memberSlot found for the store being
	// recorded (a downcast that fits several structs)
	extra []int32
	// taskWork: the function queues task_work (calls task_work_add)
	taskWork bool
	// useType: the struct type each untyped call result (by call
	// address) is passed as to a direct callee, 0 when two disagree;
	// retType: those the next solve types the results by
	useType, retType map[uint64]btf.TypeID
	// voidUse: the void pointer member (offset + 1) each untyped call
	// result is stored into, −1 when two disagree; voidRet: those the next
	// solve reads the results as
	voidUse, voidRet map[uint64]int64
}

// function decodes function i, runs the data flow over its blocks to a
// fixed point and records its indirect call sites and the function
// addresses it lets out.
func (w *flowWorker) function(i int) {
	p := w.r.k.Prog
	f := &p.Functions[i]
	code := p.Code(i)
	if len(code) == 0 || w.r.thunk[i] >= 0 {
		return // a retpoline thunk's own jump is every indirect call's
	}
	w.fn, w.sp, w.addr, w.end = i, w.r.spec(i), f.Addr, f.Addr+f.Size
	w.ops, w.offs = w.ops[:0], w.offs[:0]
	switch {
	case w.voidOnly:
		if !w.r.voidCallers[i] {
			return
		}
	case w.listOnly:
		if !w.r.listCand[i] || w.r.listDone[i] {
			return
		}
	case !w.pass1 && !w.r.again[i]:
		return
	}
	interesting := f.IndirectCalls > 0 || f.IndirectJumps > 0 || w.r.fnParams[i] != 0 || w.voidOnly || w.listOnly
	// A function given a pointer to a struct with function-pointer members
	// may copy a function pointer from one member to another: it needs the
	// pass when it stores a register it loaded from memory (not the stack).
	copies := w.r.opsArg[i]
	var loaded, global uint16
	memStore := false    // a store to memory not on the stack (typeVoids' first round)
	var stored [16]uint8 // stores of each register to memory not on the stack
	for off := 0; off < len(code); {
		var op x86.Op
		if code[off] == 0xcc {
			// a run of int3: padding, one trap (as kernel/x86 sweeps it)
			n := 1
			for off+n < len(code) && code[off+n] == 0xcc {
				n++
			}
			op = x86.Op{Insn: x86.Insn{Len: n, Kind: x86.Int3}, Dst: x86.NoReg, Src: x86.NoReg}
		} else {
			op = x86.DecodeOp(code[off:])
		}
		if op.Len <= 0 {
			op.Len = 1
		}
		if op.Class == x86.OpStore && op.Mem.Base != x86.RSP && op.Mem.Base != x86.NoReg && op.Mem.Base != x86.RIP {
			memStore = true
			if w.pass1 && op.Src >= 0 && op.Src < 16 {
				// one register stored twice: maybe list_add's new entry
				// or INIT_LIST_HEAD (the list pass looks)
				if stored[op.Src]++; stored[op.Src] == 2 {
					w.r.listCand[i] = true
				}
			}
		}
		if !interesting {
			switch {
			case (op.Kind == x86.Call || op.Kind == x86.Jmp) && w.r.cloneTarget[f.Addr+uint64(off)+uint64(op.Len)+uint64(op.Rel)]:
				interesting = true // what it passes types the clone (typeClones)
			case w.takesAddress(&op, uint64(off)):
				interesting = true
			case op.Class == x86.OpStoreImm && op.Mem.Base == x86.RIP && w.r.inData(uint64(op.Imm)):
				interesting = true // a data address into a global (globalStore)
			case op.Class == x86.OpLea && w.globalAddr(&op, uint64(off)):
				global |= 1 << op.Dst // a global's address, maybe stored through
			case op.Class == x86.OpLoad && op.Mem.Base != x86.RSP:
				loaded |= 1 << op.Dst
			case op.Class == x86.OpStore && op.Mem.Base >= 0 && op.Mem.Base < 16 && global&(1<<op.Mem.Base) != 0:
				interesting = true
			case copies && op.Class == x86.OpStore && op.Mem.Base != x86.RSP && loaded&(1<<op.Src) != 0:
				interesting = true
			}
			if op.Writes != 0 && op.Class != x86.OpLea {
				global &^= op.Writes
			}
		}
		w.ops = append(w.ops, op)
		w.offs = append(w.offs, uint32(off))
		off += op.Len
	}
	if !interesting || w.voidStores && !memStore {
		return
	}
	w.taskWork = false
	w.globalRead = false
	w.listRead = false
	w.callsClone = false
	w.fsets = w.fsets[:0]
	clear(w.fsetIx)
	w.buildBlocks(len(code))
	w.entrySt = w.entry()
	clear(w.retType)
	clear(w.useType)
	clear(w.voidRet)
	clear(w.voidUse)
	w.solve()
	if len(w.voidUse) > 0 {
		// an allocation linked into a void pointer member after the code
		// filled it (simple_attr_open: attr = kzalloc(…); attr->get =
		// get; file->private_data = attr): solve again with the result
		// read as that member's object, so that the stores into it are
		// what a call through the member's object reads back
		// (simple_attr_read: attr = file->private_data; attr->get(…))
		if w.voidRet == nil {
			w.voidRet = map[uint64]int64{}
		}
		for a, vm := range w.voidUse {
			if vm > 0 {
				w.voidRet[a] = vm
			}
		}
	}
	if len(w.useType) > 0 || len(w.voidRet) > 0 {
		// an allocation typed by what the function passes it to
		// (create_cache: s = kmem_cache_zalloc(…); s->ctor = ctor;
		// __kmem_cache_create(s, …)): solve again with the results typed
		if w.retType == nil {
			w.retType = map[uint64]btf.TypeID{}
		}
		for a, t := range w.useType {
			if t != 0 {
				w.retType[a] = t
			}
		}
		if len(w.retType) > 0 || len(w.voidRet) > 0 {
			for b := range w.blocks {
				w.blocks[b].seen = false
			}
			w.solve()
		}
	}
	var sites []site
	var stores []store
	w.made, w.used = w.made[:0], w.used[:0]
	for b := range w.blocks {
		blk := &w.blocks[b]
		if !blk.seen {
			continue
		}
		st := w.in[b]
		for k := blk.first; k < blk.end; k++ {
			w.step(&st, k, &sites, &stores)
		}
	}
	if w.voidOnly {
		return // typeVoids: what the steps noted is all it wants
	}
	if w.listOnly {
		w.listEnd()
		return
	}
	if w.pass1 && w.r.listCand[i] {
		// what the list pass would note, from the same state
		w.listEnd()
		w.r.listDone[i] = true
	}
	if w.taskWork {
		for k := range stores {
			if stores[k].slot == w.r.taskSlot {
				stores[k].task = true
			}
		}
	}
	// A function address the code makes but that no store, call or
	// callback argument above accounts for went where the pass lost
	// track (a cmov between two destructors, a spill): it escapes.
	for _, st := range stores {
		w.used = append(w.used, st.fn)
	}
	for _, s := range sites {
		if s.v.k == vFunc {
			w.used = append(w.used, int32(s.v.a))
		}
	}
	for _, f := range w.made {
		if !slices.Contains(w.used, f) {
			stores = append(stores, store{fn: f, slot: -1, outer: -1})
			w.used = append(w.used, f)
		}
	}
	w.r.sites[i], w.r.stores[i] = sites, stores
	if w.pass1 && (w.globalRead || w.listRead) && (len(sites) > 0 || w.callsClone) {
		w.r.again[i] = true
	}
}

// takesAddress tells whether op names a function's address (lea, an
// immediate), which makes its function worth a data-flow pass.
func (w *flowWorker) takesAddress(op *x86.Op, off uint64) bool {
	switch op.Class {
	case x86.OpLea:
		if op.Mem.Base == x86.RIP {
			_, ok := w.r.funcAt(w.addr + off + uint64(op.Mem.Disp))
			return ok
		}
	case x86.OpStoreImm, x86.OpMoveImm, x86.OpPushImm:
		_, ok := w.r.funcAt(uint64(op.Imm))
		return ok || w.r.inData(uint64(op.Imm))
	case x86.OpStore, x86.OpCmpxchg:
		// a pointer stored into a global variable or array
		return op.Mem.Seg == 0 && (op.Mem.Base == x86.RIP || op.Mem.Base == x86.NoReg)
	}
	return false
}

// globalAddr tells whether a lea computes a global's address.
func (w *flowWorker) globalAddr(op *x86.Op, off uint64) bool {
	switch op.Mem.Base {
	case x86.RIP:
		return w.r.inData(w.addr + off + uint64(op.Mem.Disp))
	case x86.NoReg:
		return w.r.inData(uint64(op.Mem.Disp))
	}
	return false
}

func (w *flowWorker) buildBlocks(size int) {
	n := len(w.ops)
	if cap(w.isLead) < n+1 {
		w.isLead = make([]bool, n+1)
	}
	lead := w.isLead[:n+1]
	clear(lead)
	lead[0] = true
	index := func(off uint32) (int, bool) {
		lo, hi := 0, n
		for lo < hi {
			m := (lo + hi) / 2
			if w.offs[m] < off {
				lo = m + 1
			} else {
				hi = m
			}
		}
		return lo, lo < n && w.offs[lo] == off
	}
	for k, op := range w.ops {
		switch op.Kind {
		case x86.Cond, x86.Jmp:
			t := int64(w.offs[k]) + int64(op.Len) + op.Rel
			if t >= 0 && t < int64(size) {
				if j, ok := index(uint32(t)); ok {
					lead[j] = true
				}
			}
			lead[k+1] = true
		case x86.JmpInd, x86.Ret, x86.Trap, x86.Int3:
			lead[k+1] = true
		}
	}
	lead[n] = true
	// rets[k] is written with callee[k] and read only after it
	w.callee, w.rets = slices.Grow(w.callee[:0], n)[:n], slices.Grow(w.rets[:0], n)[:n]
	for k := range w.callee {
		w.callee[k] = noCallee
	}
	w.blocks = w.blocks[:0]
	start := 0
	for k := 1; k <= n; k++ {
		if lead[k] {
			w.blocks = append(w.blocks, block{first: start, end: k})
			start = k
		}
	}
	// successors
	blockOf := func(op int) int {
		lo, hi := 0, len(w.blocks)
		for lo < hi {
			m := (lo + hi) / 2
			if w.blocks[m].end <= op {
				lo = m + 1
			} else {
				hi = m
			}
		}
		return lo
	}
	for b := range w.blocks {
		blk := &w.blocks[b]
		last := w.ops[blk.end-1]
		add := func(s int) {
			if s >= 0 && s < len(w.blocks) && blk.nsucc < 2 {
				blk.succ[blk.nsucc] = s
				blk.nsucc++
			}
		}
		switch last.Kind {
		case x86.Cond, x86.Jmp:
			t := int64(w.offs[blk.end-1]) + int64(last.Len) + last.Rel
			if t >= 0 && t < int64(size) {
				if j, ok := index(uint32(t)); ok {
					add(blockOf(j))
				}
			} else if last.Kind == x86.Jmp {
				// out of the function to no function: static_cpu_has's
				// jump into .altinstr_aux, which comes back to one of
				// two labels here (walk_pgd_range's pgtable_l5_enabled)
				for _, back := range w.r.auxReturns(w.addr+uint64(t), w.addr, uint64(size)) {
					if j, ok := index(uint32(back - w.addr)); ok {
						add(blockOf(j))
					}
				}
			}
			if last.Kind == x86.Cond {
				add(b + 1)
			}
		case x86.JmpInd, x86.Ret, x86.Trap, x86.Int3:
		default:
			add(b + 1)
		}
	}
}

// noCallee marks a callee not looked up yet.
const noCallee = -2

// calleeAt is the function holding t, the target of op k out of the
// function, looked up once per function (with the value a call of it
// returns, w.rets[k]): the pass steps a block once per visit, and loops
// several times.
func (w *flowWorker) calleeAt(k int, t uint64) int {
	if c := w.callee[k]; c != noCallee {
		return int(c)
	}
	c := w.r.k.Prog.Containing(t)
	w.callee[k] = int32(c)
	if c >= 0 && w.ops[k].Kind == x86.Call {
		w.rets[k] = w.returnOf(c)
	}
	return c
}

// maxAux bounds the instructions read in an .altinstr_aux snippet.
const maxAux = 16

// auxReturns are the addresses in [lo, lo+size) that the code at a jumps
// back to, when a is in Aux code (not a function: a tail call is no jump
// back) and comes back before it ends in a jump, return or trap.
func (r *resolver) auxReturns(a, lo, size uint64) []uint64 {
	if _, ok := r.funcAt(a); ok {
		return nil
	}
	var code []byte
	for _, sg := range r.k.Aux {
		if a >= sg.Addr && a-sg.Addr < uint64(len(sg.Data)) {
			code = sg.Data[a-sg.Addr:]
			break
		}
	}
	var out []uint64
	for k, off := 0, 0; k < maxAux && off < len(code); k++ {
		in := x86.DecodeOp(code[off:])
		if in.Len <= 0 {
			break
		}
		off += in.Len
		switch in.Kind {
		case x86.Cond, x86.Jmp:
			if t := a + uint64(off) + uint64(in.Rel); t >= lo && t-lo < size {
				out = append(out, t)
			}
			if in.Kind == x86.Jmp {
				return out
			}
		case x86.JmpInd, x86.Ret, x86.Trap, x86.Int3:
			return out
		}
	}
	return out
}

// solve runs the forward data flow to a fixed point (bounded).
func (w *flowWorker) solve() {
	nb := len(w.blocks)
	if cap(w.inWork) < nb {
		w.inWork = make([]bool, nb)
	}
	inWork := w.inWork[:nb]
	clear(inWork)
	if cap(w.in) < nb {
		w.in = make([]state, nb+nb/2)
		w.outs = make([]state, nb+nb/2+1)
	}
	w.in, w.outs = w.in[:nb], w.outs[:nb+1]
	w.outAt = w.outAt[:0]
	for b := range nb {
		w.outAt = append(w.outAt, int32(b))
	}
	w.spare = int32(nb)
	if cap(w.outOK) < nb {
		w.outOK = make([]bool, nb+nb/2)
	}
	w.outOK = w.outOK[:nb]
	clear(w.outOK)
	// predecessors, for recomputing a block's in-state from what its
	// predecessors give now
	w.predOff = append(w.predOff[:0], make([]int32, nb+1)...)
	for b := range w.blocks {
		for s := 0; s < w.blocks[b].nsucc; s++ {
			w.predOff[w.blocks[b].succ[s]+1]++
		}
	}
	for b := 0; b < nb; b++ {
		w.predOff[b+1] += w.predOff[b]
	}
	w.preds = append(w.preds[:0], make([]int32, w.predOff[nb])...)
	fill := append(w.fill[:0], w.predOff[:nb]...)
	for b := range w.blocks {
		for s := 0; s < w.blocks[b].nsucc; s++ {
			t := w.blocks[b].succ[s]
			w.preds[fill[t]] = int32(b)
			fill[t]++
		}
	}
	w.fill = fill
	if w.solveAcyclic() {
		return
	}
	w.blocks[0].seen = true
	w.work = append(w.work[:0], 0)
	inWork[0] = true
	budget := 8*nb + 64
	// A block's in-state is the meet of its predecessors' out-states as
	// they are now (and the entry state for the first block), recomputed
	// at each visit: a meet accumulated into it would keep what a first,
	// partial visit saw (set_rq_online's class pointer, an address before
	// the loop's step makes it a struct sched_class *), which later
	// visits could only make less known. A FIFO read by index: reslicing
	// from the front would make every append reallocate.
	for head := 0; head < len(w.work) && budget > 0; head++ {
		budget--
		b := w.work[head]
		inWork[b] = false
		blk := &w.blocks[b]
		st := &w.outs[w.spare]
		w.visit(b, st)
		if w.outOK[b] && *st == *w.out(int32(b)) {
			continue
		}
		w.outAt[b], w.spare = w.spare, w.outAt[b]
		w.outOK[b] = true
		for s := 0; s < blk.nsucc; s++ {
			t := blk.succ[s]
			w.blocks[t].seen = true
			if !inWork[t] {
				inWork[t] = true
				w.work = append(w.work, t)
			}
		}
	}
}

// out is block b's out-state.
func (w *flowWorker) out(b int32) *state { return &w.outs[w.outAt[b]] }

// visit computes block b's in-state, the meet of its predecessors'
// out-states as they are now (and the entry state for the first block),
// keeps it in w.in[b], and steps through the block: st, which no
// predecessor's out-state may be, is its out-state.
func (w *flowWorker) visit(b int, st *state) {
	first := true
	if b == 0 {
		*st, first = w.entrySt, false
	}
	for _, p := range w.preds[w.predOff[b]:w.predOff[b+1]] {
		if !w.outOK[p] {
			continue
		}
		if first {
			*st, first = *w.out(p), false
		} else {
			meetInto(st, w.out(p), w)
		}
	}
	if first {
		*st = state{}
	}
	w.in[b] = *st
	blk := &w.blocks[b]
	for k := blk.first; k < blk.end; k++ {
		w.step(st, k, nil, nil)
	}
}

// solveAcyclic solves a function whose blocks reachable from the entry
// form no cycle (about a third of the functions solved, a fifth of the
// instructions stepped): in reverse postorder every block comes after its
// predecessors, so one visit each gives every block the meet of its
// predecessors' final out-states, which is where the worklist ends too,
// without the worklist's early visits from some predecessors only (their
// side effects, such as a call result's use noted from a partial state,
// were the one difference seen: __irq_get_desc_lock). It reports false,
// doing nothing, on a cycle.
func (w *flowWorker) solveAcyclic() bool {
	nb := len(w.blocks)
	// iterative DFS from block 0: mark 1 on the stack, 2 done
	mark := append(w.mark[:0], make([]uint8, nb)...)
	order := w.order[:0]
	stack := append(w.dfs[:0], [2]int32{0, 0})
	mark[0] = 1
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		b := &w.blocks[top[0]]
		if int(top[1]) < b.nsucc {
			t := b.succ[top[1]]
			top[1]++
			switch mark[t] {
			case 1:
				w.mark, w.order, w.dfs = mark, order, stack
				return false // a back edge
			case 0:
				mark[t] = 1
				stack = append(stack, [2]int32{int32(t), 0})
			}
			continue
		}
		mark[top[0]] = 2
		order = append(order, top[0])
		stack = stack[:len(stack)-1]
	}
	w.mark, w.order, w.dfs = mark, order, stack
	for i := len(order) - 1; i >= 0; i-- {
		b := int(order[i])
		blk := &w.blocks[b]
		blk.seen = true
		w.visit(b, w.out(int32(b))) // a block is not its own predecessor here
		w.outOK[b] = true
	}
	return true
}

// entry is the state at the function's start: its parameters' types.
func (w *flowWorker) entry() state {
	st := state{rspOK: true}
	p := w.r.k.Prog
	f := &p.Functions[w.fn]
	for _, n := range append([]string{f.Name}, f.Aliases...) {
		if len(n) == 0 || containsDot(n) {
			continue
		}
		proto, ok := w.sp.FuncProto(n)
		if !ok {
			continue
		}
		for k := 0; k < 6; k++ {
			t, ok := w.sp.ParamType(proto, k)
			if !ok {
				break
			}
			st.r[x86.ArgRegs[k]] = w.paramVal(t, k)
		}
		for k := 6; k < 8; k++ {
			// the first stack arguments, above the return address
			t, ok := w.sp.ParamType(proto, k)
			if !ok {
				break
			}
			if v := w.paramVal(t, k); v.k == vFnPtr || v.param > 0 {
				st.stackSet(int32(8+8*(k-6)), v)
			}
		}
		return st
	}
	if a, ok := w.r.cloneParams[int32(w.fn)]; ok && !w.pass1 {
		for k := range a {
			switch {
			case !a[k].known(w.sp):
			case a[k].sp != nil:
				st.r[x86.ArgRegs[k]] = val{k: vPtr, t: a[k].t}
			default:
				st.r[x86.ArgRegs[k]] = val{slot: objTag(w.addr + uint64(k)), vm: a[k].vm}
			}
		}
	}
	if mask := w.r.cloneFn[int32(w.fn)]; mask != 0 && !w.pass1 {
		// a callback its callers pass: calls through it reach what
		// they pass (paramTargets)
		for k := range x86.ArgRegs {
			if mask&(1<<k) != 0 {
				st.r[x86.ArgRegs[k]] = val{k: vFnPtr, param: int8(k + 1), slot: -1, outer: -1}
			}
		}
	}
	return st
}

// paramVal is the value of parameter k, of type t, at entry: a function
// pointer notes that it is parameter k, and so does a void pointer in
// typeVoids' passes.
func (w *flowWorker) paramVal(t btf.TypeID, k int) val {
	v := w.fromType(t)
	switch {
	case v.k == vFnPtr:
		v.param = int8(k + 1)
	case v.k == vUnk && w.voidOnly && w.r.voidParams[w.fn]&(1<<k) != 0:
		v = voidParam(k)
	case v.k == vUnk && w.r.voidParams[w.fn]&(1<<k) != 0:
		// a void pointer parameter: what is read through it may be
		// what the callers stored into the stack object they pass
		// (stackFns)
		v = voidParam(k)
	case v.k == vUnk:
		if _, pk, ok := w.sp.Pointee(t); ok && pk == btf.KindInt {
			v = val{k: vScalar}
		}
	}
	return v
}

// callArg is what a call about to be made passes as argument k (< 8): a
// register, or one of the first two stack slots.
func (st *state) callArg(k int) val {
	switch {
	case k < len(x86.ArgRegs):
		return st.r[x86.ArgRegs[k]]
	case st.rspOK:
		return st.stackGet(st.rsp + int32(8*(k-len(x86.ArgRegs))))
	}
	return val{}
}

func containsDot(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			return true
		}
	}
	return false
}

// fromType is the value of a variable of type t.
func (w *flowWorker) fromType(t btf.TypeID) val {
	pt, k, ok := w.sp.Pointee(t)
	if !ok {
		return val{}
	}
	switch k {
	case btf.KindStruct, btf.KindUnion:
		return val{k: vPtr, t: pt}
	case btf.KindFuncProto:
		return val{k: vFnPtr, t: pt, slot: -1, outer: -1}
	case btf.KindPtr:
		return w.fnArray(pt)
	}
	return val{}
}

// fnArray is the value of a pointer to p, a pointer type: an array of
// function pointers when p points to a function prototype.
func (w *flowWorker) fnArray(p btf.TypeID) val {
	if fp, k, ok := w.sp.Pointee(p); ok && k == btf.KindFuncProto {
		return val{k: vFnArr, t: fp}
	}
	return val{}
}

// fromField is the value loaded from a struct member.
func (w *flowWorker) fromField(f btf.Field) val {
	pt, k, ok := w.sp.Pointee(f.Type)
	if !ok {
		return val{}
	}
	switch k {
	case btf.KindStruct, btf.KindUnion:
		return val{k: vPtr, t: pt}
	case btf.KindFuncProto:
		sig := w.sp.Signature(pt)
		id := w.r.slot(f.ContainerName, f.Offset, f.Member, sig)
		outer := int32(-1)
		if f.Outer != "" {
			outer = w.r.slot(f.Outer, f.OuterOffset, f.ContainerName+"."+f.Member, sig)
		}
		return val{k: vFnPtr, t: pt, slot: id, outer: outer}
	case btf.KindPtr:
		return w.fnArray(pt)
	}
	return val{}
}

// constant is the value of an immediate or a RIP-relative address.
func (w *flowWorker) constant(a uint64) val {
	if fn, ok := w.r.funcAt(a); ok {
		return val{k: vFunc, a: uint64(fn)}
	}
	if a == 0 {
		return val{k: vZero}
	}
	if w.r.inData(a) {
		return val{k: vAddr, a: a}
	}
	return val{}
}

// global is the value read from the initialised data at a.
func (w *flowWorker) global(a uint64) val {
	if t, ok := w.r.slotAt(a); ok {
		// an empty list head points to itself: what the code stores
		// there later tells more than the initial value
		if o, ok := w.r.objectAt(a); !ok || t < w.r.k.Objects[o].Addr || t >= w.r.k.Objects[o].Addr+w.r.k.Objects[o].Size {
			return w.constant(t)
		}
		if v, ok := w.pointee(a); ok {
			return v
		}
		return w.constant(t)
	}
	if v, ok := w.pointee(a); ok {
		return v
	}
	if o, ok := w.r.objectAt(a); ok {
		if name := w.r.nameType[o]; name != "" && o != w.r.lsm.heads {
			// a global named after its struct type (kvm_x86_ops,
			// security_hook_heads)
			if t, ok := w.sp.Struct(name); ok {
				v := w.member(t, uint32(a-w.r.k.Objects[o].Addr), 0)
				if v.k != vULoad {
					return v
				}
			}
		}
		if w.r.gfnObj[o] {
			return val{k: vTab, a: a} // a function pointer the code stores there
		}
	}
	// a member of an object whose type layout inference found
	if o, ok := w.r.objectAt(a); ok {
		if o == w.r.lsm.heads {
			if id, ok := w.r.lsm.hooks[uint32(a-w.r.k.Objects[o].Addr)]; ok {
				return val{k: vHook, slot: id, outer: -1}
			}
		}
		if ot, ok := w.r.objType[o]; ok && len(ot.types) == 1 {
			t := ot.types[0]
			if ids := t.leaves[uint32((a-w.r.k.Objects[o].Addr)%uint64(t.size))]; len(ids) == 1 {
				return val{k: vFnPtr, slot: ids[0], outer: -1}
			}
		}
	}
	return val{}
}

// load is the value an 8-byte load from m reads.
func (w *flowWorker) load(st *state, m x86.Mem, insnAddr uint64) val {
	switch {
	case m.Seg == 0x65 && m.Base == x86.NoReg && m.Index == x86.NoReg:
		// %gs: a per-CPU variable (current_task, …)
		if _, t, ok := w.r.k.BTF.PercpuVar(uint32(m.Disp)); ok {
			return w.fromTypeIn(w.r.k.BTF, t)
		}
		return val{}
	case m.Seg != 0:
		return val{}
	case m.Base == x86.RIP:
		return w.global(insnAddr + uint64(m.Disp))
	case m.Base == x86.NoReg:
		a := uint64(m.Disp)
		if m.Index != x86.NoReg {
			return w.element(a)
		}
		return w.global(a)
	}
	b := st.r[m.Base]
	switch b.k {
	case vPtr:
		off := b.off + m.Disp
		if off >= 0 {
			v, void := w.memberVoid(b.t, uint32(off), m.Disp)
			if v.k == vUnk && m.Index == x86.NoReg {
				// a void pointer member (file->private_data): tagged
				v.slot = objTag(insnAddr)
				if void {
					v.vm = int64(int32(off) + 1)
				}
			}
			return v
		}
		if name := w.sp.TagName(b.t); name != "" && m.Index == x86.NoReg {
			// before the struct: a member of a struct holding it
			if slots := w.beforeSlots(name, uint32(-off)); len(slots) > 0 && len(slots) <= 32 {
				return val{k: vCand, slot: w.r.candList(slots), outer: -1}
			}
		}
		return val{k: vULoad, off: m.Disp}
	case vHook:
		// hlist_for_each_entry(P, &security_hook_heads.NAME, list)
		// P->hook.NAME(…): first and next are at offset 0, the hook at
		// offsetof(struct security_hook_list, hook)
		switch {
		case m.Disp == 0 && m.Index == x86.NoReg:
			return b
		case m.Disp == int64(w.r.lsm.hookOff) && m.Index == x86.NoReg:
			return val{k: vFnPtr, slot: b.slot, outer: -1}
		}
		return val{}
	case vAddr:
		var v val
		if o, ok := w.r.objectAt(b.a); ok && m.Index == x86.NoReg && !b.idx {
			if ob := &w.r.k.Objects[o]; b.a+uint64(m.Disp) < ob.Addr || b.a+uint64(m.Disp) >= ob.Addr+ob.Size {
				// past the object: the address was a list head's, and
				// the load reads an entry's member
				if name := w.r.globalElem[o]; name != "" {
					if t, ok := w.sp.Struct(name); ok && m.Disp >= 0 {
						return w.member(t, uint32(m.Disp), m.Disp)
					}
				}
				return val{k: vULoad, off: m.Disp}
			}
		}
		if m.Index != x86.NoReg || b.idx {
			v = w.element(b.a + uint64(m.Disp))
		} else {
			v = w.global(b.a + uint64(m.Disp))
		}
		if v.k == vUnk && m.Index == x86.NoReg {
			// a list head that points to itself until entries are
			// linked in: what is read through it is an entry's member
			return val{k: vULoad, off: m.Disp}
		}
		return v
	case vCont:
		if m.Index == x86.NoReg && m.Disp >= 0 {
			return w.containerLoad(b, uint32(m.Disp))
		}
		return val{}
	case vFnArr:
		// an element (asn1_ber_decoder: actions[machine[pc + 1]](…)):
		// a function pointer of the array's prototype; idx marks it
		return val{k: vFnPtr, t: b.t, slot: -1, outer: -1, idx: true}
	}
	if w.r.inData(uint64(m.Disp)) {
		// table(%rax): a global array indexed by a register the compiler
		// used as the base (the index, scaled beforehand)
		return w.element(uint64(m.Disp))
	}
	if b.k == vULoad && b.off >= 0 && m.Index == x86.NoReg {
		// read through a pointer read at b.off of an unknown struct:
		// the two offsets narrow the structs it can be (m->op->show);
		// a keeps the offsets of the loads before (chainA)
		return val{k: vULoad, off: m.Disp, a: chainA(b), slot: b.slot}
	}
	if b.k == vUnk && b.slot != 0 && m.Index == x86.NoReg {
		return val{k: vULoad, off: m.Disp, slot: b.slot, vm: b.vm}
	}
	if b.k == vUnk && b.param > 0 && m.Index == x86.NoReg {
		return val{k: vULoad, off: m.Disp, param: b.param}
	}
	return val{k: vULoad, off: m.Disp}
}

// A vULoad read through another keeps in a the offsets of up to three
// loads before it, each + 1 (0: none): the one it was read through in
// bits 0–23, the one before in bits 24–43, and the one before that in
// bits 44–63. kobj->ktype->sysfs_ops->show reads at 0 with a holding 8,
// 40 and the offset kobj was read at.
func chainA(b val) uint64 {
	p1 := uint64(b.off) + 1
	if b.off < 0 || p1 >= 1<<24 {
		return 0
	}
	p2, p3 := b.a&(1<<24-1), b.a>>24&(1<<20-1)
	if p2 >= 1<<20 {
		p2, p3 = 0, 0
	}
	return p1 | p2<<24 | p3<<44
}

// chainOff is the offset of the load k (1, 2 or 3) steps before a
// vULoad's, and whether it is known.
func chainOff(v val, k int) (uint32, bool) {
	var p uint64
	switch k {
	case 1:
		p = v.a & (1<<24 - 1)
	case 2:
		p = v.a >> 24 & (1<<20 - 1)
	case 3:
		p = v.a >> 44
	}
	return uint32(p - 1), p > 0
}

// element is the value read from an element (unknown index) of the global
// array holding a: a pointer of the type its elements were seen to hold,
// or one of the functions of an initialised table.
func (w *flowWorker) element(a uint64) val {
	if !w.r.inData(a) {
		return val{}
	}
	if v, ok := w.pointee(a); ok {
		return v
	}
	return val{k: vTab, a: a}
}

// pointee is the value of a pointer read from the global object holding
// a, when the code or the initialised data stores pointers of one struct
// type there (net_families holds struct net_proto_family pointers).
func (w *flowWorker) pointee(a uint64) (val, bool) {
	if w.r.globalElem == nil {
		w.globalRead = true // the second pass may know more
		return val{}, false
	}
	o, ok := w.r.objectAt(a)
	if !ok {
		return val{}, false
	}
	name, ok := w.r.globalElem[o]
	if !ok || name == "" {
		return val{}, false
	}
	if id, ok := w.sp.Struct(name); ok {
		return val{k: vPtr, t: id}, true
	}
	return val{}, false
}

// member is the value an 8-byte load at off of a struct t reads (disp is
// the load's displacement, for an unknown result), cached per worker: the
// same members are read all over the kernel.
func (w *flowWorker) member(t btf.TypeID, off uint32, disp int64) val {
	v, _ := w.memberVoid(t, off, disp)
	return v
}

// memberVoid is member, and whether the member is a void pointer
// (voidMember), from the same cache entry.
func (w *flowWorker) memberVoid(t btf.TypeID, off uint32, disp int64) (val, bool) {
	key := memberKey{w.sp, t, off}
	if m, ok := w.members[key]; ok {
		v := m.v
		if v.k == vULoad {
			v.off = disp
		}
		w.listRead = w.listRead || m.list
		return v, m.void
	}
	var m memberVal
	if f, ok := w.sp.FieldAt(t, off, 8); ok {
		pt, _, ok := w.sp.Pointee(f.Type)
		m.void = ok && pt == 0
		m.v = w.fromField(f)
		if lk, ok := w.listField(t, int64(off)); ok && lk.holder != "" {
			// a list_head's next or prev: what the list pass found
			// linked there
			m.list = true
			if v, ok := w.listLoad(lk); ok {
				m.v = v
			}
		}
	} else if d, ok := w.downcast(t, off); ok {
		m.v = d
	} else {
		m.v = val{k: vULoad, off: disp}
	}
	if w.members == nil {
		w.members = map[memberKey]memberVal{}
	}
	w.members[key] = m
	w.listRead = w.listRead || m.list
	return m.v, m.void
}

// beforeSlots is the resolver's beforeSlots, cached per worker as well (no
// lock): a load before list_head or rcu_head is stepped over and over.
func (w *flowWorker) beforeSlots(name string, back uint32) []int32 {
	k := beforeKey{name, back}
	if l, ok := w.before[k]; ok {
		return l
	}
	l := w.r.beforeSlots(name, back)
	if w.before == nil {
		w.before = map[beforeKey][]int32{}
	}
	w.before[k] = l
	return l
}

type beforeKey struct {
	name string
	back uint32
}

// memberVal is a cached member: its value, whether it is a list_head's
// next or prev of a named struct, and whether it is a void pointer.
type memberVal struct {
	v    val
	list bool
	void bool
}

type memberKey struct {
	sp  *btf.Spec
	t   btf.TypeID
	off uint32
}

// containerLoad reads off bytes into a struct known only to hold a struct
// of type c.t at offset c.off: the structs with such a member there tell
// what the load reads (a function-pointer member of one of them: vCand).
func (w *flowWorker) containerLoad(c val, off uint32) val {
	name := w.sp.TagName(c.t)
	if name == "" {
		return val{}
	}
	if size := w.sp.Size(c.t); uint64(off) >= uint64(c.off) && uint64(off) < uint64(c.off)+size {
		// inside the known member itself (the list_head's next)
		return w.member(c.t, off-uint32(c.off), int64(off))
	}
	var slots []int32
	holders := w.r.holders(name, uint32(c.off))
	for _, t := range holders {
		for _, id := range t.leaves[off] {
			if !slices.Contains(slots, id) {
				slots = append(slots, id)
			}
		}
	}
	if len(slots) > 0 && len(slots) <= 32 {
		return val{k: vCand, slot: w.r.candList(slots), outer: -1}
	}
	if len(slots) > 0 {
		return val{}
	}
	// a pointer member all the holders agree on (the next entry's
	// list_head while walking a list)
	ptr := ""
	for _, t := range holders {
		f, ok := t.sp.FieldAt(t.id, off, 8)
		if !ok {
			return val{}
		}
		pt, k, ok := t.sp.Pointee(f.Type)
		if !ok || k != btf.KindStruct && k != btf.KindUnion {
			return val{}
		}
		n := t.sp.TagName(pt)
		if n == "" || ptr != "" && n != ptr {
			return val{}
		}
		ptr = n
	}
	if ptr != "" {
		if id, ok := w.sp.Struct(ptr); ok {
			return val{k: vPtr, t: id}
		}
	}
	return val{}
}

// downcast reads off bytes into a pointer to t where t has no member:
// the code holds a pointer to a struct that begins with t (nlk_sk(sk) casts
// a struct sock * to struct netlink_sock *). The structs that extend t
// and have a pointer member there tell what it is: one struct type, or a
// list of candidate function-pointer members (vCand) that the call's
// arguments narrow.
func (w *flowWorker) downcast(t btf.TypeID, off uint32) (val, bool) {
	var slots []int32
	var ptr btf.TypeID
	ptrs := 0
	for _, e := range w.sp.Extenders(t) {
		if uint64(off) >= w.sp.Size(e) {
			continue
		}
		f, ok := w.sp.FieldAt(e, off, 8)
		if !ok {
			continue
		}
		switch v := w.fromField(f); v.k {
		case vFnPtr:
			if !slices.Contains(slots, v.slot) {
				slots = append(slots, v.slot)
			}
		case vPtr:
			if ptrs == 0 || v.t != ptr {
				ptrs++
			}
			ptr = v.t
		}
	}
	switch {
	case len(slots) > 0 && len(slots) <= 32:
		return val{k: vCand, slot: w.r.candList(slots), outer: -1}, true
	case len(slots) == 0 && ptrs == 1:
		return val{k: vPtr, t: ptr}, true
	}
	return val{}, false
}

// fromTypeIn is fromType for a type of another spec (vmlinux's per-CPU
// variables seen from a module): by struct name in this function's spec.
func (w *flowWorker) fromTypeIn(sp *btf.Spec, t btf.TypeID) val {
	if sp == w.sp {
		return w.fromType(t)
	}
	pt, k, ok := sp.Pointee(t)
	if !ok || k != btf.KindStruct && k != btf.KindUnion {
		return val{}
	}
	if id, ok := w.sp.Struct(sp.Name(pt)); ok {
		return val{k: vPtr, t: id}
	}
	return val{}
}

// addrPtr is v as a struct pointer when it is the address of a data
// object whose layout gave it one struct type; other values are returned
// as they are.
// sameObject reports two addresses in one data object.
func (w *flowWorker) sameObject(a, b uint64) bool {
	o, ok := w.r.objectAt(a)
	p, ok2 := w.r.objectAt(b)
	return ok && ok2 && o == p
}

func (w *flowWorker) addrPtr(v val) val {
	if v.k != vAddr || v.idx {
		return v
	}
	o, ok := w.r.objectAt(v.a)
	if !ok || w.r.k.Objects[o].Addr != v.a {
		return v
	}
	if ot, ok := w.r.objType[o]; ok && len(ot.types) == 1 {
		if id, ok := w.sp.Struct(ot.types[0].name); ok {
			return val{k: vPtr, t: id}
		}
	}
	return v
}

// percpu is the value of the constant c when it is the offset of a
// per-CPU variable of struct type (runqueues). Offsets below 4 KiB are
// left out: they are as often small constants and member offsets.
func (w *flowWorker) percpu(c int64) val {
	if c < 1<<12 || c >= 1<<31 {
		return val{}
	}
	if _, t, ok := w.r.k.BTF.PercpuVar(uint32(c)); ok {
		if u := w.r.k.BTF.Skip(t); w.r.k.BTF.Kind(u) == btf.KindStruct {
			return val{k: vPcpu, t: u}
		}
	}
	return val{}
}

// percpuAt is a per-CPU variable's offset v plus a CPU's base: a pointer
// to the variable (in the kernel's BTF, which module BTF extends).
func (w *flowWorker) percpuAt(v val) val {
	if v.k != vPcpu {
		return val{}
	}
	return val{k: vPtr, t: v.t}
}

// lea is the address m computes.
func (w *flowWorker) lea(st *state, m x86.Mem, insnAddr uint64) val {
	switch {
	case m.Seg != 0:
		return val{}
	case m.Base == x86.RIP:
		return w.constant(insnAddr + uint64(m.Disp))
	case m.Base == x86.NoReg:
		if m.Index != x86.NoReg && w.r.inData(uint64(m.Disp)) {
			return val{k: vAddr, a: uint64(m.Disp), idx: true}
		}
		return val{}
	}
	if m.Base == x86.RSP && m.Index == x86.NoReg && st.rspOK {
		return val{k: vStack, off: int64(st.rsp) + m.Disp}
	}
	b := st.r[m.Base]
	switch b.k {
	case vPtr:
		// with an index: the address of an element of an array of the
		// struct (&ss->cb[i]); the index is taken to step whole elements
		if b.off+m.Disp >= 0 {
			return val{k: vPtr, t: b.t, off: b.off + m.Disp}
		}
		if b.off == 0 && m.Index == x86.NoReg {
			return val{k: vCont, t: b.t, off: -m.Disp}
		}
	case vAddr:
		return val{k: vAddr, a: b.a + uint64(m.Disp), idx: b.idx || m.Index != x86.NoReg}
	case vStack:
		if m.Index == x86.NoReg {
			return val{k: vStack, off: b.off + m.Disp}
		}
	}
	if w.r.inData(uint64(m.Disp)) {
		return val{k: vAddr, a: uint64(m.Disp), idx: true}
	}
	return val{}
}

// argType is the canonical type of a pointer argument ("*s:file"), or "".
func (w *flowWorker) argType(v val) string {
	if v.k != vPtr || v.off != 0 {
		return ""
	}
	if n := w.sp.TagName(v.t); n != "" {
		if w.sp.Kind(v.t) == btf.KindUnion {
			return "*u:" + n
		}
		return "*s:" + n
	}
	return ""
}

// step interprets op k on st; with sites non-nil it also records.
func (w *flowWorker) step(st *state, k int, sites *[]site, stores *[]store) {
	op := &w.ops[k]
	insnAddr := w.addr + uint64(w.offs[k])
	rec := sites != nil
	escape := func(v val) {
		if rec && v.k == vFunc {
			*stores = append(*stores, store{fn: int32(v.a), slot: -1, outer: -1})
		}
	}
	callSite := func(v val) {
		if !rec {
			return
		}
		s := site{v: v}
		if v.k == vULoad && v.a == 0 && v.off >= 0 && v.slot != 0 {
			for k, reg := range x86.ArgRegs {
				if a := st.r[reg]; a.k == vUnk && a.slot == v.slot {
					s.holder = int8(k + 1)
					break
				}
			}
		}
		if a0 := st.r[x86.ArgRegs[0]]; v.k == vULoad && v.a > 0 && v.slot != 0 && a0.k == vUnk && a0.slot == v.slot {
			s.self = true
			if _, ok := chainOff(v, 2); ok {
				// x->a->b->f(x, …), x itself untyped (kernfs_iop_mkdir:
				// kernfs_root(kn)->syscall_ops->mkdir(kn, …))
				if _, deeper := chainOff(v, 3); !deeper {
					s.self, s.self3 = false, true
				}
			}
		}
		if a0 := st.r[x86.ArgRegs[0]]; v.k == vULoad && v.slot != 0 && a0.k == vULoad && a0.slot == v.slot && a0.off >= 0 {
			// x->a->b->f(x, …) with x read from an untyped object
			// (sysfs_kf_seq_show: ops->show(kobj, …), ops being
			// kobj->ktype->sysfs_ops)
			if o, ok := chainOff(v, 3); ok && o == uint32(a0.off) {
				s.self3 = true
			}
			// x->a->f(x, …) with x read from an untyped object
			// (tty_ioctl: tty->ops->ioctl(tty, …), tty being
			// file->private_data's tty_file_private.tty)
			if o, ok := chainOff(v, 2); ok && o == uint32(a0.off) {
				if _, deeper := chainOff(v, 3); !deeper {
					s.self = true
				}
			}
		}
		for i, r := range x86.ArgRegs {
			s.args[i] = w.argType(st.r[r])
			if st.r[r].k == vScalar {
				s.scalar |= 1 << i
			}
			if a := st.r[r]; a.k == vCont && a.off > 0 {
				if n := w.sp.TagName(a.t); n != "" {
					s.conts[i] = n + "+" + strconv.Itoa(int(a.off))
				}
			}
			escape(st.r[r])
		}
		*sites = append(*sites, s)
	}
	switch op.Kind {
	case x86.Call, x86.Jmp, x86.Cond:
		t := insnAddr + uint64(op.Len) + uint64(op.Rel)
		if t >= w.addr && t < w.end {
			break // a branch inside the function
		}
		callee := w.calleeAt(k, t)
		if callee >= 0 && w.r.retThunk[callee] && op.Kind == x86.Jmp {
			w.ret(st, escape) // jmp __x86_return_thunk
			return
		}
		if callee >= 0 && w.r.ignored[callee] {
			return // __fentry__: a NOP once the kernel runs
		}
		if callee >= 0 {
			if op.Kind == x86.Call || op.Kind == x86.Jmp {
				if w.r.thunk[callee] < 0 {
					w.typeByUse(st, int(callee))
				}
				if rec && w.pass1 && w.r.thunk[callee] < 0 {
					// a direct call (through a pointer, the embedded
					// object passed is the method's own: work->func(work))
					w.innerArgs(st)
				}
			}
			if reg := w.r.thunk[callee]; reg >= 0 {
				callSite(st.r[reg])
			} else if rec && (op.Kind == x86.Call || op.Kind == x86.Jmp) {
				// a call, or a tail call: both pass the arguments on
				mask := w.r.fnParams[callee]
				for k, r := range x86.ArgRegs {
					if mask&(1<<k) == 0 { // a callback parameter is followed instead
						escape(st.r[r])
					}
				}
				if w.late {
					w.noteCloneTypes(st, int32(callee))
				}
				if !w.pass1 {
					// what the first pass recorded for the callee's
					// callback parameters stays recorded
					mask := w.r.fnParams[callee]
					for k := range 8 {
						if mask&(1<<k) != 0 {
							w.usedArg(st.callArg(k))
						}
					}
				}
				if w.pass1 {
					w.callbackArgs(st, int32(callee))
					w.stackFns(st, int32(callee))
					w.noteCloneArgs(st, int32(callee))
					if int32(callee) == w.r.staticCallUpdate {
						// static_call_update(name, func): the trampoline
						// __SCT__name jumps to func from now on
						if t := st.r[x86.RSI]; t.k == vFunc {
							w.statics = append(w.statics, gfn{t.a, st.r[x86.RDX], int32(w.fn)})
						}
					}
				}
				if w.voidOnly && w.r.voidParams[callee] != 0 {
					w.voidArgs(st, int32(callee))
				}
				w.stackArgs(st, callee, stores)
				if int32(callee) == w.r.taskWorkAdd {
					w.taskWork = true
				}
			}
		}
		if op.Kind == x86.Call {
			if callee >= 0 && w.r.thunk[callee] >= 0 {
				// a retpoline call: the pointer's prototype tells what
				// it fills and returns
				w.indirectOut(st, st.r[w.r.thunk[callee]])
				return
			}
			w.outParams(st, callee)
			st.forget(x86.CallerSaved)
			if callee >= 0 {
				st.r[x86.RAX] = w.rets[k]
				if st.r[x86.RAX].k == vUnk {
					st.r[x86.RAX] = val{k: vRet, a: insnAddr}
					if t, ok := w.retType[insnAddr]; ok {
						st.r[x86.RAX] = val{k: vPtr, t: t}
					} else if vm, ok := w.voidRet[insnAddr]; ok {
						st.r[x86.RAX] = val{slot: objTag(insnAddr), vm: vm}
					}
				}
			}
		}
		return
	case x86.CallInd, x86.JmpInd:
		fn := val{}
		switch {
		case op.IndirectReg:
			fn = st.r[op.Src]
			callSite(fn)
		case op.HasMem:
			fn = w.load(st, op.Mem, insnAddr)
			callSite(fn)
		}
		if op.Kind == x86.CallInd {
			if op.HasMem && op.Mem.Base == x86.RIP && op.Mem.Index == x86.NoReg && w.r.pvOp(insnAddr+uint64(op.Mem.Disp)) {
				// a paravirt call (pgd_val: call *pv_ops+0x200): its
				// asm names what it clobbers, rax for the callee-saved
				// ones; the code keeps nothing else it declares
				// clobbered across it, so the other registers stand
				st.r[x86.RAX] = val{}
				return
			}
			w.indirectOut(st, fn)
		}
		return
	case x86.Ret:
		w.ret(st, escape)
		return
	}
	if op.RSPLost {
		st.rspOK, st.n = false, 0
	}
	st.rsp += int32(op.StackDelta)
	if op.StackDelta < 0 && op.Class != x86.OpPush && op.Class != x86.OpPushImm && st.rspOK {
		// push of memory (push 8(%rsp)): a value the pass does not follow
		st.stackClobber(st.rsp, 8)
	}
	if op.MemWrite && op.Class != x86.OpStore && op.HasMem {
		if off, ok := st.stackOff(op.Mem); ok {
			st.stackClobber(off, movWidth(w.r.k.Prog.Code(w.fn)[w.offs[k]:]))
		}
	}
	switch op.Class {
	case x86.OpLoad:
		if off, ok := st.stackOff(op.Mem); ok {
			st.r[op.Dst] = st.stackGet(off)
			break
		}
		st.r[op.Dst] = w.load(st, op.Mem, insnAddr)
	case x86.OpStore:
		if off, ok := st.stackOff(op.Mem); ok {
			st.stackClobber(off, op.Size)
			st.stackSet(off, st.r[op.Src])
			break
		}
		w.memStore(st, op.Mem, st.r[op.Src], insnAddr, rec, stores)
	case x86.OpCmpxchg:
		// a pointer published atomically into memory, where loads read
		// it as a plain store's (inet_add_protocol into inet_protos[])
		if _, ok := st.stackOff(op.Mem); !ok {
			w.memStore(st, op.Mem, st.r[op.Src], insnAddr, rec, stores)
		}
		st.forget(op.Writes)
	case x86.OpStoreImm:
		if v := w.constant(uint64(op.Imm)); rec && v.k == vFunc {
			w.made = append(w.made, int32(v.a))
		}
		if off, ok := st.stackOff(op.Mem); ok {
			st.stackClobber(off, op.Size)
			st.stackSet(off, w.constant(uint64(op.Imm)))
			break
		}
		w.storeTo(st, op.Mem, w.constant(uint64(op.Imm)), insnAddr, rec, stores)
		if rec {
			// a typed object's address into a global (pci_direct_init:
			// raw_pci_ops = &pci_direct_conf1)
			w.globalStore(st, op.Mem, w.addrPtr(w.constant(uint64(op.Imm))), insnAddr)
		}
	case x86.OpMove:
		if op.Src == x86.RSP {
			st.r[op.Dst] = val{}
			if st.rspOK {
				st.r[op.Dst] = val{k: vStack, off: int64(st.rsp)}
			}
			break
		}
		st.r[op.Dst] = st.r[op.Src]
	case x86.OpLea:
		st.r[op.Dst] = w.lea(st, op.Mem, insnAddr)
		if rec && st.r[op.Dst].k == vFunc {
			w.made = append(w.made, int32(st.r[op.Dst].a))
		}
	case x86.OpMoveImm:
		st.r[op.Dst] = w.constant(uint64(op.Imm))
		if rec && st.r[op.Dst].k == vFunc {
			w.made = append(w.made, int32(st.r[op.Dst].a))
		}
		if st.r[op.Dst].k == vUnk {
			st.r[op.Dst] = w.percpu(op.Imm)
		}
	case x86.OpPush:
		if st.rspOK {
			st.stackClobber(st.rsp, 8)
			st.stackSet(st.rsp, st.r[op.Src])
		}
	case x86.OpPushImm:
		// push $func: a stack argument (setup_vq pushes vp_notify as
		// vring_create_virtqueue's 8th)
		v := w.constant(uint64(op.Imm))
		if rec && v.k == vFunc {
			w.made = append(w.made, int32(v.a))
		}
		if st.rspOK {
			st.stackClobber(st.rsp, 8)
			st.stackSet(st.rsp, v)
		}
	case x86.OpCmov:
		st.r[op.Dst] = meet(st.r[op.Dst], st.r[op.Src], w)
	case x86.OpAddMem:
		// per_cpu_ptr(&var, cpu), this_cpu_ptr(&var): the variable's
		// offset plus a CPU's base, __per_cpu_offset[cpu] or
		// %gs:this_cpu_off (cpu_rq(cpu), this_rq())
		st.r[op.Dst] = w.percpuAt(st.r[op.Dst])
	case x86.OpAddImm:
		if op.Dst == x86.RSP {
			st.rsp += int32(op.Imm)
			break
		}
		v := st.r[op.Dst]
		switch {
		case v.k == vPtr && v.off+op.Imm >= 0:
			v.off += op.Imm
		case v.k == vPtr && v.off == 0 && op.Imm < 0:
			// container_of(ptr, type, member): a struct holding a t at
			// −Imm (a list_head in wait_queue_entry)
			v = val{k: vCont, t: v.t, off: -op.Imm}
		case v.k == vAddr:
			v.a += uint64(op.Imm)
		default:
			v = val{}
		}
		st.r[op.Dst] = v
	case x86.OpZero:
		st.r[op.Dst] = val{k: vZero}
	case x86.OpAddReg:
		// pointer plus an index (array element): the pointer's type stays
		d, s := st.r[op.Dst], st.r[op.Src]
		switch {
		case d.k == vPcpu && s.k != vPtr:
			st.r[op.Dst] = w.percpuAt(d)
		case s.k == vPcpu && d.k != vPtr:
			st.r[op.Dst] = w.percpuAt(s)
		case d.k == vPtr && s.k != vPtr, d.k == vFnArr && s.k != vPtr && s.k != vFnArr:
		case d.k != vPtr && d.k != vAddr && s.k == vPtr:
			st.r[op.Dst] = s
		case d.k == vAddr && s.k != vPtr:
			d.idx = true
			st.r[op.Dst] = d
		default:
			st.r[op.Dst] = val{}
		}
	default:
		st.forget(op.Writes)
	}
}

// callbackArgs records what a direct call passes to the callee's
// function-pointer parameters.
// cloneArg is the struct type callers pass for one parameter of a clone:
// the same on every call that passes a known one, or bad.
type cloneArg struct {
	sp  *btf.Spec
	t   btf.TypeID
	vm  int64 // or the object of a void pointer member (val.vm)
	bad bool
}

func (a *cloneArg) add(b cloneArg) {
	switch {
	case b.bad:
		a.bad = true
	case a.sp == nil && a.vm == 0:
		a.sp, a.t, a.vm = b.sp, b.t, b.vm
	case a.sp != b.sp || a.t != b.t || a.vm != b.vm:
		a.bad = true
	}
}

// known tells whether a is a type the clone's entry state can use.
func (a *cloneArg) known(sp *btf.Spec) bool {
	return !a.bad && (a.sp != nil && a.sp == sp || a.sp == nil && a.vm > 0)
}

// noteCloneArgs records what a call to a clone passes in its argument
// registers: pointers to the start of a known struct.
func (w *flowWorker) noteCloneArgs(st *state, callee int32) {
	if w.r.proto[callee] != 0 || !containsDot(w.r.k.Prog.Functions[callee].Name) {
		return
	}
	// what the call passes in each register, as callbackArgs records it
	// for a parameter BTF says is a function pointer: a clone has no
	// prototype, so typeClones takes the registers some caller passes a
	// function in for callbacks (__ip6_append_data.isra.0's getfrag)
	for k, reg := range x86.ArgRegs {
		v := st.r[reg]
		key := cbKey{callee, int8(k)}
		src := w.cb[key]
		if src == nil {
			if v.k != vFunc && v.k != vFnPtr {
				continue
			}
			src = &cbSrc{}
			w.cb[key] = src
		}
		src.add(v, int32(w.fn))
	}
	w.noteCloneTypes(st, callee)
}

// noteCloneTypes records the struct pointers a call to a clone passes.
func (w *flowWorker) noteCloneTypes(st *state, callee int32) {
	if w.r.proto[callee] != 0 || !containsDot(w.r.k.Prog.Functions[callee].Name) {
		return
	}
	w.callsClone = true
	if w.cloneArgs == nil {
		w.cloneArgs = map[int32]*[6]cloneArg{}
	}
	a := w.cloneArgs[callee]
	if a == nil {
		a = &[6]cloneArg{}
		w.cloneArgs[callee] = a
	}
	for k, reg := range x86.ArgRegs {
		switch v := st.r[reg]; {
		case v.k == vPtr && v.off == 0:
			a[k].add(cloneArg{sp: w.sp, t: v.t})
		case v.k == vUnk && v.vm > 0:
			// a void pointer member's object (simple_attr_write passes
			// file->private_data to simple_attr_write_xsigned.isra)
			a[k].add(cloneArg{vm: v.vm})
		}
	}
}

// typeClones gives each clone the parameter types its callers agree on
// (tty_init_dev.part.0's driver, a struct tty_driver *) and marks it for
// the second pass.
// retyped tells whether typeClones gave function f's parameters types
// (or callback sources) that its first-pass solve did not have.
func (r *resolver) retyped(f int32) bool {
	_, ok := r.cloneParams[f]
	return ok || r.cloneFn[f] != 0
}

func (r *resolver) typeClones(workers []*flowWorker) {
	r.cloneArgs = map[int32]*[6]cloneArg{}
	all := r.mergeCloneArgs(workers)
	r.cloneParams = map[int32][6]cloneArg{}
	r.cloneFn = map[int32]uint8{}
	for k, src := range r.cb {
		if int(k.k) < len(x86.ArgRegs) && r.proto[k.fn] == 0 && containsDot(r.k.Prog.Functions[k.fn].Name) &&
			(len(src.funcs) > 0 || len(src.slots) > 0 || len(src.fwd) > 0) {
			r.cloneFn[k.fn] |= 1 << k.k
			r.again[k.fn] = true
		}
	}
	for f, a := range all {
		for k := range a {
			if a[k].known(r.spec(int(f))) {
				r.cloneParams[f] = *a
				r.again[f] = true
				break
			}
		}
	}
}

// mergeCloneArgs adds what the workers saw passed to clones since the
// last call to r.cloneArgs, which it returns.
func (r *resolver) mergeCloneArgs(workers []*flowWorker) map[int32]*[6]cloneArg {
	all := r.cloneArgs
	for _, w := range workers {
		for f, a := range w.cloneArgs {
			t := all[f]
			if t == nil {
				t = &[6]cloneArg{}
				all[f] = t
			}
			for k := range a {
				if a[k].sp != nil || a[k].vm > 0 || a[k].bad {
					t[k].add(a[k])
				}
			}
		}
		w.cloneArgs = nil
	}
	return all
}

// typeLateClones adds what the pass after globalTypes saw passed to
// clones (console_unlock's con, read from the global console_drivers,
// passed to console_emit_next_record.constprop.0) to what the first pass
// saw, and marks for one more solve the clones whose parameter types that
// changes. It reports whether it marked any.
func (r *resolver) typeLateClones(workers []*flowWorker) bool {
	all := r.mergeCloneArgs(workers)
	clear(r.again)
	marked := false
	for f, a := range all {
		typed := false
		for k := range a {
			if a[k].known(r.spec(int(f))) {
				typed = true
				break
			}
		}
		if old, ok := r.cloneParams[f]; typed && (!ok || old != *a) {
			r.cloneParams[f] = *a
			r.again[f] = true
			marked = true
		}
	}
	return marked
}

func (w *flowWorker) callbackArgs(st *state, callee int32) {
	mask := w.r.fnParams[callee]
	for k := range 8 {
		if mask&(1<<k) == 0 {
			continue
		}
		arg := st.callArg(k)
		key := cbKey{callee, int8(k)}
		src := w.cb[key]
		if src == nil {
			src = &cbSrc{}
			w.cb[key] = src
		}
		w.addSource(src, arg)
		w.usedArg(arg)
	}
}

// addSource adds what v passes to src, each function of a vFuncs value
// on its own.
func (w *flowWorker) addSource(src *cbSrc, v val) {
	if v.k != vFuncs {
		src.add(v, int32(w.fn))
		return
	}
	for _, f := range w.fsets[v.a] {
		src.add(val{k: vFunc, a: uint64(f)}, int32(w.fn))
	}
}

// stackFns records the functions a call stores, in a stack object whose
// address it passes for a void pointer parameter, at the offsets below
// maxStackFnOff (sort: struct wrapper w = {cmp_func, swap_func};
// sort_r(…, &w), whose do_cmp calls ((struct wrapper *)priv)->cmp).
func (w *flowWorker) stackFns(st *state, callee int32) {
	void := w.r.voidParams[callee]
	for k := range 8 {
		if void&(1<<k) == 0 {
			continue
		}
		arg := st.callArg(k)
		if arg.k != vStack {
			continue
		}
		for o := int32(0); o < maxStackFnOff; o += 8 {
			v := st.stackGet(int32(arg.off) + o)
			if !(v.k == vFunc || v.k == vFuncs || v.k == vFnPtr && (v.slot >= 0 || v.param > 0)) {
				continue
			}
			key := cbAtKey{cbKey{callee, int8(k)}, uint32(o)}
			src := w.cbAt[key]
			if src == nil {
				src = &cbSrc{}
				if w.cbAt == nil {
					w.cbAt = map[cbAtKey]*cbSrc{}
				}
				w.cbAt[key] = src
			}
			w.addSource(src, v)
		}
	}
}

// maxStackFnOff bounds the offsets stackFns looks at.
const maxStackFnOff = 64

// cbAtKey is a void pointer parameter and an offset in the object it
// points to.
type cbAtKey struct {
	cbKey
	off uint32
}

// usedArg counts the functions a call passes for a callback parameter as
// accounted for.
func (w *flowWorker) usedArg(arg val) {
	switch arg.k {
	case vFunc:
		w.used = append(w.used, int32(arg.a))
	case vFuncs:
		w.used = append(w.used, w.fsets[arg.a]...)
	}
}

// globalStore records a struct pointer stored into a global variable or
// array, which tells the type of what loads from it read.
func (w *flowWorker) globalStore(st *state, m x86.Mem, v val, insnAddr uint64) {
	if v.k != vPtr || v.off != 0 || m.Seg != 0 {
		return
	}
	var a uint64
	switch {
	case m.Base == x86.RIP:
		a = insnAddr + uint64(m.Disp)
	case m.Base == x86.NoReg:
		a = uint64(m.Disp)
	case st.r[m.Base].k == vAddr:
		a = st.r[m.Base].a + uint64(m.Disp)
	default:
		return
	}
	if name := w.sp.TagName(v.t); name != "" && w.r.inData(a) {
		w.gstores = append(w.gstores, gstore{a, name})
	}
}

// memStore notes v stored into memory m that is not the stack: what it
// types, where function addresses go, and struct pointers kept in globals.
func (w *flowWorker) memStore(st *state, m x86.Mem, v val, insnAddr uint64, rec bool, stores *[]store) {
	w.typeByStore(st, m, v)
	if rec && w.voidOnly {
		w.voidStore(st, m, v)
	}
	if rec && (w.listOnly || w.pass1 && w.r.listCand[w.fn]) {
		w.listStoreOf(st, m, v)
	}
	w.storeTo(st, m, v, insnAddr, rec, stores)
	if rec {
		w.globalStore(st, m, v, insnAddr)
	}
}

// storeTo records a function address stored to memory: into a member of a
// known struct (a slot), or elsewhere (it escapes).
func (w *flowWorker) storeTo(st *state, m x86.Mem, v val, insnAddr uint64, rec bool, stores *[]store) {
	if !rec || v.k != vFunc && v.k != vFuncs && !(v.k == vFnPtr && (v.slot >= 0 || v.param > 0)) {
		return
	}
	slot, outer := int32(-1), int32(-1)
	if m.Seg == 0 && m.Base != x86.NoReg && m.Base != x86.RIP {
		// an index register steps through an array member whose element
		// holds the slot at the same offset, as loads read it
		// (new->hooks[n].hook = reg->hook)
		if b := st.r[m.Base]; b.k == vPtr && b.off+m.Disp >= 0 {
			slot, outer = w.memberSlot(w.sp, b.t, uint32(b.off+m.Disp), v)
		}
	}
	if slot < 0 && m.Seg == 0 {
		// into a global variable or array (softirq_vec[nr].action =
		// action): its loads and tables read what is stored there
		var a uint64
		switch {
		case m.Base == x86.RIP:
			a = insnAddr + uint64(m.Disp)
		case m.Base == x86.NoReg || st.r[m.Base].k != vAddr && w.r.inData(uint64(m.Disp)):
			a = uint64(m.Disp)
		case st.r[m.Base].k == vAddr:
			a = st.r[m.Base].a + uint64(m.Disp)
		}
		if a != 0 && w.r.inData(a) {
			if v.k == vFunc {
				// accounted for, in every pass
				w.used = append(w.used, int32(v.a))
			}
			if w.pass1 {
				w.gfns = append(w.gfns, gfn{a, v, int32(w.fn)})
			}
		}
		if a == 0 && v.k == vFnPtr && w.pass1 && (m.Base == x86.NoReg || st.r[m.Base].k != vStack) {
			switch {
			case v.slot >= 0:
				// a member's function pointer copied into memory of no
				// known type (nf_hook_entries from kvmalloc): the
				// member's functions escape
				w.escSlots = append(w.escSlots, v.slot)
			case v.param > 0:
				// a callback parameter stored into memory of no known
				// type: into the one struct member at that offset
				// declared with the parameter's typedef
				// (rtnl_register_internal: link = kzalloc(…);
				// link->doit = doit, an rtnl_doit_func, as struct
				// rtnl_link's doit is), or else what the callers pass
				// escapes
				k := cbKey{int32(w.fn), v.param - 1}
				if s := w.typedefSlot(st, m, int(v.param-1)); s >= 0 {
					w.pflows = append(w.pflows, pflow{k, s})
				} else {
					w.escParams = append(w.escParams, k)
				}
			}
		}
	}
	if slot < 0 && m.Seg == 0 && m.Base != x86.NoReg && m.Base != x86.RIP && m.Index == x86.NoReg && m.Disp >= 0 {
		// into the object a pointer read at offset o1 points to, its
		// type unknown (p = m->private; p->show = show): a member of
		// that object as the loads through a void pointer member at
		// o1 read it
		switch b := st.r[m.Base]; {
		case b.k == vUnk && b.vm > 0:
			slot = w.privSlot(uint32(b.vm-1), uint32(m.Disp), v)
		case b.k == vULoad && b.off >= 0:
			slot = w.privSlot(uint32(b.off), uint32(m.Disp), v)
		}
	}
	w.record(v, slot, outer, stores)
}

// typedefSlot is the slot of the one struct member, across the kernel's
// and the modules' BTF, that sits at the store's offset and is declared
// with the typedef of the storing function's parameter k (struct
// rtnl_link's doit, an rtnl_doit_func at offset 0), for a store through a
// register of unknown type; −1 when the parameter has no typedef, or no
// member or several structs' members fit. A typedef names one interface,
// where a prototype is shared by unrelated callbacks
// (rdma_nl_cbs.doit has rtnl_doit_func's prototype but not its name).
func (w *flowWorker) typedefSlot(st *state, m x86.Mem, k int) int32 {
	if m.Base == x86.NoReg || m.Base == x86.RIP || m.Index != x86.NoReg || m.Disp < 0 || m.Base == x86.RSP {
		return -1
	}
	if b := st.r[m.Base]; b.k != vUnk && b.k != vRet && b.k != vULoad {
		return -1
	}
	proto := w.r.proto[w.fn]
	if proto == 0 {
		return -1
	}
	pt, ok := w.sp.ParamType(proto, k)
	if !ok || w.sp.Kind(pt) != btf.KindTypedef {
		return -1
	}
	td := w.sp.Name(pt)
	if td == "" {
		return -1
	}
	e, ok := w.r.typedefMember(td, uint32(m.Disp))
	if !ok {
		return -1
	}
	return w.r.slot(e.container, uint32(m.Disp), e.member, e.sig)
}

// typedefFlow notes a copy into member d of struct t (in sp) of a value
// read at offset e.off from memory of no known type, when one struct
// member declared with a typedef sits at that offset with the
// destination's prototype: rtnetlink_rcv_msg's c.dump = link->dumpit, a
// struct netlink_dump_control on the stack passed to
// __netlink_dump_start, with link a struct rtnl_link nothing types, whose
// dumpit (an rtnl_dumpit_func at offset 8) typedefSlot filled.
func (w *flowWorker) typedefFlow(sp *btf.Spec, t btf.TypeID, d uint32, e val) {
	f, ok := sp.FieldAt(t, d, 8)
	if !ok {
		return
	}
	slot, outer := w.fieldSlots(sp, f)
	if slot < 0 {
		return
	}
	src, ok := w.r.typedefBySig(uint32(e.off), w.r.slotSig(slot))
	if !ok {
		return
	}
	from := w.r.slot(src.container, uint32(e.off), src.member, src.sig)
	w.flows = append(w.flows, [2]int32{from, slot})
	if outer >= 0 {
		w.flows = append(w.flows, [2]int32{from, outer})
	}
}

// tdMember is a function-pointer member declared with a typedef.
type tdMember struct{ container, member, sig string }

// typedefMember is the member at offset off, directly in a named struct,
// declared with typedef td, when exactly one struct has one there.
func (r *resolver) typedefMember(td string, off uint32) (tdMember, bool) {
	r.typedefIndex()
	e, ok := r.tdMembers[holdKey{td, off}]
	return e, ok
}

// typedefBySig is the member declared with a typedef at offset off
// whose prototype is sig, when exactly one struct has one there.
func (r *resolver) typedefBySig(off uint32, sig string) (tdMember, bool) {
	if sig == "" {
		return tdMember{}, false
	}
	r.typedefIndex()
	e, ok := r.tdBySig[holdKey{sig, off}]
	return e, ok
}

// typedefIndex indexes the function-pointer members declared with a
// typedef, directly in named structs, by typedef and offset and by
// prototype and offset; an entry two structs share is left out.
func (r *resolver) typedefIndex() {
	r.tdOnce.Do(func() {
		r.tdMembers = map[holdKey]tdMember{}
		r.tdBySig = map[holdKey]tdMember{}
		seen := map[holdKey]bool{}
		seenSig := map[holdKey]bool{}
		// add keeps the first member under k and drops k at the second
		add := func(m map[holdKey]tdMember, seen map[holdKey]bool, k holdKey, e tdMember) {
			if seen[k] {
				delete(m, k) // two structs: ambiguous
				return
			}
			seen[k] = true
			m[k] = e
		}
		r.eachStruct(func(sp *btf.Spec, id btf.TypeID, name string) {
			for i := range sp.NumMembers(id) {
				mb := sp.Member(id, i)
				if mb.BitSize != 0 || mb.BitOffset%8 != 0 || sp.Kind(mb.Type) != btf.KindTypedef {
					continue
				}
				p, kind, ok := sp.Pointee(mb.Type)
				if !ok || kind != btf.KindFuncProto {
					continue
				}
				e := tdMember{name, mb.Name, sp.Signature(p)}
				add(r.tdMembers, seen, holdKey{sp.Name(mb.Type), mb.BitOffset / 8}, e)
				add(r.tdBySig, seenSig, holdKey{e.sig, mb.BitOffset / 8}, e)
			}
		})
	})
}

// privPrefix names the slots of privSlot, "void@O1" (no BTF struct is
// named so).
const privPrefix = "void@"

// privSlot is the slot of a function stored at offset f of an object of
// unknown type that a pointer read at offset o1 points to, by the stored
// function's prototype (−1 when it has none).
func (w *flowWorker) privSlot(o1, f uint32, v val) int32 {
	var sig string
	switch {
	case v.k == vFunc:
		sig = w.r.sigs[v.a]
	case v.k == vFuncs:
		sig = w.funcsSig(v)
	case v.k == vFnPtr && v.slot >= 0:
		sig = w.r.slotSig(v.slot)
	case v.k == vFnPtr:
		sig = w.sp.Signature(v.t)
	}
	if sig == "" {
		return -1
	}
	return w.r.slot(privPrefix+strconv.Itoa(int(o1)), f, sig, sig)
}

// voidMember reports a void pointer member at off of struct t.
func (w *flowWorker) voidMember(t btf.TypeID, off uint32) bool {
	f, ok := w.sp.FieldAt(t, off, 8)
	if !ok {
		return false
	}
	pt, _, ok := w.sp.Pointee(f.Type)
	return ok && pt == 0
}

// gfn is a function pointer stored into a global.
type gfn struct {
	addr uint64
	v    val
	fn   int32 // the storing function (for a parameter)
}

// record notes a function address (or a function pointer read from
// another slot) stored into slot: a store, or a flow between slots.
func (w *flowWorker) record(v val, slot, outer int32, stores *[]store) {
	extra := w.extra
	w.extra = w.extra[:0]
	for _, s := range extra {
		w.record(v, s, -1, stores)
	}
	switch {
	case v.k == vFunc:
		*stores = append(*stores, store{fn: int32(v.a), slot: slot, outer: outer})
	case v.k == vFuncs:
		for _, f := range w.fsets[v.a] {
			*stores = append(*stores, store{fn: f, slot: slot, outer: outer})
		}
	case v.k == vFnPtr && v.slot >= 0 && slot >= 0 && v.slot != slot:
		w.flows = append(w.flows, [2]int32{v.slot, slot})
		if outer >= 0 {
			w.flows = append(w.flows, [2]int32{v.slot, outer})
		}
	case v.k == vFnPtr && v.param > 0 && slot >= 0 && w.pass1:
		// a callback parameter stored into a member (single_open's
		// op->show = show): the member gets what the callers pass
		k := cbKey{int32(w.fn), v.param - 1}
		w.pflows = append(w.pflows, pflow{k, slot})
		if outer >= 0 {
			w.pflows = append(w.pflows, pflow{k, outer})
		}
	}
}

// maxFuncSet bounds a vFuncs set: a larger join is unknown.
const maxFuncSet = 8

// funcUnion is the vFuncs value of the functions a or b may be (each a
// vFunc or a vFuncs), or unknown past maxFuncSet.
func (w *flowWorker) funcUnion(a, b val) val {
	var set []int32
	for _, v := range [2]val{a, b} {
		if v.k == vFunc {
			set = append(set, int32(v.a))
		} else {
			set = append(set, w.fsets[v.a]...)
		}
	}
	slices.Sort(set)
	set = slices.Compact(set)
	if len(set) > maxFuncSet {
		return val{}
	}
	var key strings.Builder
	for _, f := range set {
		key.WriteString(strconv.Itoa(int(f)))
		key.WriteByte(',')
	}
	if w.fsetIx == nil {
		w.fsetIx = map[string]int{}
	}
	k := key.String()
	ix, ok := w.fsetIx[k]
	if !ok {
		ix = len(w.fsets)
		w.fsets = append(w.fsets, set)
		w.fsetIx[k] = ix
	}
	return val{k: vFuncs, a: uint64(ix)}
}

// innerArgs notes the pointers into a struct, past its start, that a
// call passes (foo(&q->immediate)): an embedded struct whose address is
// passed on may get stores from code that does not know its container
// (innerEsc).
func (w *flowWorker) innerArgs(st *state) {
	for _, reg := range x86.ArgRegs {
		if v := st.r[reg]; v.k == vPtr && v.off > 0 && v.off < 1<<20 {
			if name := w.sp.TagName(v.t); name != "" {
				w.inner = append(w.inner, innerKey{name, uint32(v.off)})
			}
		}
	}
}

// innerKey is a struct and an offset in it.
type innerKey struct {
	outer string
	off   uint32
}

// funcsSig is the prototype the functions of a vFuncs value share, ""
// when they differ.
func (w *flowWorker) funcsSig(v val) string {
	set := w.fsets[v.a]
	sig := w.r.sigs[set[0]]
	for _, f := range set[1:] {
		if w.r.sigs[f] != sig {
			return ""
		}
	}
	return sig
}

// pflow is a callback parameter stored into a member slot.
type pflow struct {
	from cbKey
	to   int32
}

// memberSlot is the function-pointer member at off of struct t (in sp),
// its slot and its outer slot; for an offset past t, the member of the
// structs that begin with t whose prototype is the stored value's (a store
// through a downcast: nlk_sk(sk)->netlink_rcv = cfg->input).
func (w *flowWorker) memberSlot(sp *btf.Spec, t btf.TypeID, off uint32, v val) (int32, int32) {
	if f, ok := sp.FieldAt(t, off, 8); ok {
		return w.fieldSlots(sp, f)
	}
	var sig string
	switch v.k {
	case vFunc:
		sig = w.r.sigs[v.a]
	case vFuncs:
		sig = w.funcsSig(v)
	case vFnPtr:
		if v.slot >= 0 {
			sig = w.r.slotSig(v.slot)
		} else {
			sig = w.sp.Signature(v.t)
		}
	}
	if sig == "" {
		return -1, -1
	}
	slot, outer := int32(-1), int32(-1)
	for _, e := range sp.Extenders(t) {
		if uint64(off) >= sp.Size(e) {
			continue
		}
		f, ok := sp.FieldAt(e, off, 8)
		if !ok {
			continue
		}
		if pt, k, ok := sp.Pointee(f.Type); ok && k == btf.KindFuncProto && sp.Signature(pt) == sig {
			s, o := w.fieldSlots(sp, f)
			if slot >= 0 && s != slot {
				// several structs have a member of this prototype there;
				// the store may be to any of them
				w.extra = append(w.extra, s)
				continue
			}
			slot, outer = s, o
		}
	}
	return slot, outer
}

// fieldSlots names the slots of a function-pointer member.
func (w *flowWorker) fieldSlots(sp *btf.Spec, f btf.Field) (int32, int32) {
	pt, k, ok := sp.Pointee(f.Type)
	if !ok || k != btf.KindFuncProto {
		return -1, -1
	}
	sig := sp.Signature(pt)
	slot := w.r.slot(f.ContainerName, f.Offset, f.Member, sig)
	outer := int32(-1)
	if f.Outer != "" {
		outer = w.r.slot(f.Outer, f.OuterOffset, f.ContainerName+"."+f.Member, sig)
	}
	return slot, outer
}

// typeByUse notes the struct types of the untyped call results passed to
// callee's struct-pointer parameters.
func (w *flowWorker) typeByUse(st *state, callee int) {
	proto := w.r.nameProto[callee]
	var sp *btf.Spec
	for k, r := range x86.ArgRegs {
		a := st.r[r]
		if a.k != vRet {
			continue
		}
		if proto == 0 {
			return
		}
		if sp == nil {
			sp = w.r.spec(callee)
		}
		pt, ok := sp.ParamType(proto, k)
		if !ok {
			continue
		}
		if v := w.fromTypeIn(sp, pt); v.k == vPtr {
			w.noteUseType(a.a, v.t)
		}
	}
}

// noteUseType records that the call result of the call at addr is used as
// a t; a result used as two types is typed as neither.
func (w *flowWorker) noteUseType(addr uint64, t btf.TypeID) {
	if w.useType == nil {
		w.useType = map[uint64]btf.TypeID{}
	}
	if old, seen := w.useType[addr]; !seen {
		w.useType[addr] = t
	} else if old != t {
		w.useType[addr] = 0
	}
}

// typeByStore notes the struct type of an untyped call result stored into
// a struct-pointer member (kobj_map: p = kmalloc_array(…); … *s = p, s
// pointing to a struct probe *), as typeByUse does for parameters.
func (w *flowWorker) typeByStore(st *state, m x86.Mem, v val) {
	if v.k != vRet || m.Seg != 0 || m.Base < 0 || m.Base > 15 {
		return
	}
	b := st.r[m.Base]
	if b.k != vPtr || b.off+m.Disp < 0 {
		return
	}
	off := uint32(b.off + m.Disp)
	f, ok := w.sp.FieldAt(b.t, off, 8)
	if !ok {
		return
	}
	if t := w.fromField(f); t.k == vPtr {
		w.noteUseType(v.a, t.t)
	} else if w.voidMember(b.t, off) {
		// into a void pointer member: the member's object (voidRet)
		if w.voidUse == nil {
			w.voidUse = map[uint64]int64{}
		}
		if old, seen := w.voidUse[v.a]; !seen {
			w.voidUse[v.a] = int64(off) + 1
		} else if old != int64(off)+1 {
			w.voidUse[v.a] = -1
		}
	}
}

// outParams models what a call does to the caller's stack through the
// stack addresses it is passed: the callee may write anything at or above
// such an address, and a parameter T ** (sock_create_lite's struct socket
// **res) leaves a T * there.
func (w *flowWorker) outParams(st *state, callee int) {
	var sp *btf.Spec
	var proto btf.TypeID
	if callee >= 0 {
		sp, proto = w.r.spec(callee), w.r.nameProto[callee]
	}
	w.outArgs(st, sp, proto)
}

// indirectOut is the state after an indirect call through fn: the stack
// objects it receives by address are typed by the pointer's prototype
// (vfs_readlink's struct delayed_call, filled by ->get_link), the
// caller-saved registers lost, and the return value of the prototype's
// type.
func (w *flowWorker) indirectOut(st *state, fn val) {
	var proto btf.TypeID
	if fn.k == vFnPtr && w.sp.Kind(fn.t) == btf.KindFuncProto {
		proto = fn.t
	}
	w.outArgs(st, w.sp, proto)
	st.forget(x86.CallerSaved)
	if proto != 0 {
		st.r[x86.RAX] = w.fromType(w.sp.Ref(proto))
	}
}

// outArgs forgets the stack a call receives by address and types what
// the prototype proto (in sp; 0: unknown) says the callee fills there.
func (w *flowWorker) outArgs(st *state, sp *btf.Spec, proto btf.TypeID) {
	for k, r := range x86.ArgRegs {
		a := st.r[r]
		if a.k != vStack {
			continue
		}
		for i := 0; i < int(st.n); {
			if int64(st.stkOff[i]) >= a.off {
				st.stackDel(i)
				continue
			}
			i++
		}
		if proto == 0 {
			continue
		}
		if pt, ok := sp.ParamType(proto, k); ok {
			if inner, kind, ok := sp.Pointee(pt); ok && kind == btf.KindPtr {
				if v := w.fromTypeIn(sp, inner); v.k == vPtr {
					st.stackSet(int32(a.off), v)
				}
			} else if v := w.fromTypeIn(sp, pt); v.k == vPtr && v.off == 0 {
				// a struct on the stack the callee fills (struct
				// nft_expr_info by nf_tables_expr_parse): what its
				// pointer members hold afterwards is of their types
				w.stackStruct(st, a.off, v.t)
			}
		}
	}
}

// stackStruct types the 8-byte stack slots at off.. that hold the pointer
// members of a struct t placed there.
func (w *flowWorker) stackStruct(st *state, off int64, t btf.TypeID) {
	size := min(w.sp.Size(t), 256)
	for k := uint64(0); k+8 <= size; k += 8 {
		switch v := w.member(t, uint32(k), int64(k)); v.k {
		case vPtr, vFnPtr:
			st.stackSet(int32(off+int64(k)), v)
		}
	}
}

// stackArgs types the stack objects a direct call receives by address:
// when argument k points into the caller's stack and the callee's
// parameter k is a struct pointer, the function addresses stored in that
// struct's extent are stores into its members (a struct netlink_kernel_cfg
// filled on the stack with .input = nfnetlink_rcv, passed to
// netlink_kernel_create).
func (w *flowWorker) stackArgs(st *state, callee int, stores *[]store) {
	proto := w.r.nameProto[callee] // the callee's name's, unless it has a dot
	if proto == 0 {
		return
	}
	sp := w.r.spec(callee)
	for k, r := range x86.ArgRegs {
		a := st.r[r]
		if a.k != vStack {
			continue
		}
		pt, ok := sp.ParamType(proto, k)
		if !ok {
			break
		}
		t, kind, ok := sp.Pointee(pt)
		if !ok || kind != btf.KindStruct && kind != btf.KindUnion {
			continue
		}
		for i := 0; i < int(st.n); i++ {
			e := st.stk[i]
			d := int64(st.stkOff[i]) - a.off
			if d >= 0 && d <= 1<<16 && e.k == vULoad && e.off >= 0 && e.off <= 1<<16 {
				w.typedefFlow(sp, t, uint32(d), e)
				continue
			}
			if d < 0 || e.k != vFunc && e.k != vFnPtr || d > 1<<16 {
				continue
			}
			// past the parameter's struct, the struct on the stack
			// begins with it (fib6_clean_tree's struct fib6_cleaner c,
			// whose walker c.w it passes to fib6_walk, and c.func =
			// func): memberSlot looks among the structs that do
			slot, outer := w.memberSlot(sp, t, uint32(d), e)
			if slot >= 0 {
				w.record(e, slot, outer, stores)
			}
		}
	}
}

// ret is a return: the result escapes, and an allocation returned as the
// function's struct pointer (fib_rules_register: ops = kmemdup(tmpl, …);
// … return ops) is one.
func (w *flowWorker) ret(st *state, escape func(val)) {
	escape(st.r[x86.RAX])
	if v := st.r[x86.RAX]; v.k == vRet {
		if t := w.returnOf(w.fn); t.k == vPtr && t.off == 0 {
			w.noteUseType(v.a, t.t)
		}
	}
}

// returnOf is the value a call of function c leaves in rax.
func (w *flowWorker) returnOf(c int) val {
	proto := w.r.nameProto[c]
	if proto == 0 {
		return val{}
	}
	sp := w.r.spec(c)
	return w.fromTypeIn(sp, sp.Ref(proto))
}

// sortFlows orders the copies between slots, the parameters stored into
// slots, the escaped slots and parameters, and what callers pass for each
// callback parameter.
func sortFlows(r *resolver) {
	slices.SortFunc(r.flows, func(a, b [2]int32) int {
		if c := cmp.Compare(a[0], b[0]); c != 0 {
			return c
		}
		return cmp.Compare(a[1], b[1])
	})
	r.flows = slices.Compact(r.flows)
	slices.SortFunc(r.pflows, func(a, b pflow) int {
		if c := cmpCbKey(a.from, b.from); c != 0 {
			return c
		}
		return cmp.Compare(a.to, b.to)
	})
	r.pflows = slices.Compact(r.pflows)
	slices.Sort(r.escSlots)
	r.escSlots = slices.Compact(r.escSlots)
	slices.SortFunc(r.escParams, cmpCbKey)
	r.escParams = slices.Compact(r.escParams)
	for _, src := range r.cb {
		slices.Sort(src.funcs)
		src.funcs = slices.Compact(src.funcs)
		slices.Sort(src.slots)
		src.slots = slices.Compact(src.slots)
		slices.SortFunc(src.fwd, cmpCbKey)
		src.fwd = slices.Compact(src.fwd)
	}
}

// cmpCbKey orders callback parameters by function, then parameter.
func cmpCbKey(a, b cbKey) int {
	if c := cmp.Compare(a.fn, b.fn); c != 0 {
		return c
	}
	return cmp.Compare(a.k, b.k)
}
