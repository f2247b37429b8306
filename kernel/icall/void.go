package icall

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"sysweight/kernel/x86"
)

// Void pointer members (kernfs_node.priv, seq_file.private) have no type
// in BTF, so a call through what they point to (of->kn->priv->seq_show:
// cgroup_seqfile_show's cft->seq_show) matches any struct at those
// offsets. What code stores in them types them: a pointer to a struct
// stored there directly, or a function's void pointer parameter stored
// there (__kernfs_create_file: kn->priv = priv) and the structs its
// direct callers pass in it (cgroup_add_file passes a struct cftype *),
// following callers that pass their own void pointer parameter on. The
// structs found join the two- and three-level matches (buildTwoLevel) as
// if the member pointed to them. A member that holds more than
// maxVoidTypes structs stays untyped: so general a member narrows nothing.
const maxVoidTypes = 8

// voidKey names a void pointer member: the struct holding it and its
// byte offset there.
type voidKey struct {
	holder string
	off    uint32
}

// voidSrc is what direct calls pass in one void pointer parameter:
// pointers to the start of named structs, and the callers' own void
// pointer parameters passed on.
type voidSrc struct {
	types []string
	fwd   []cbKey
}

// voidPStore is a function's void pointer parameter p stored into the
// member key.
type voidPStore struct {
	key voidKey
	p   cbKey
}

// voidStore notes a store of v into memory m: a struct pointer or a void
// pointer parameter into a void pointer member of a typed object.
func (w *flowWorker) voidStore(st *state, m x86.Mem, v val) {
	if m.Seg != 0 || m.Base == x86.NoReg || m.Base == x86.RIP || m.Index != x86.NoReg {
		return
	}
	b := st.r[m.Base]
	if b.k != vPtr || b.off+m.Disp < 0 {
		return
	}
	off := uint32(b.off + m.Disp)
	switch {
	case v.k == vPtr && v.off == 0, v.k == vUnk && v.param > 0:
	default:
		return
	}
	holder := w.sp.TagName(b.t)
	if holder == "" || !w.voidMember(b.t, off) {
		return
	}
	key := voidKey{holder, off}
	if v.k == vUnk {
		w.vpstores = append(w.vpstores, voidPStore{key, cbKey{int32(w.fn), v.param - 1}})
		return
	}
	if name := w.sp.TagName(v.t); name != "" {
		w.vstores = append(w.vstores, voidTyped{key, name})
	}
}

// voidTyped is a pointer to struct typ stored into the member key.
type voidTyped struct {
	key voidKey
	typ string
}

// voidArgs notes what a direct call passes in the callee's void pointer
// parameters that voidWant asks for.
func (w *flowWorker) voidArgs(st *state, callee int32) {
	mask := w.r.voidParams[callee]
	for k := range 8 {
		key := cbKey{callee, int8(k)}
		if mask&(1<<k) == 0 || !w.r.voidWant[key] {
			continue
		}
		arg := st.callArg(k)
		if w.vargs == nil {
			w.vargs = map[cbKey]*voidSrc{}
		}
		src := w.vargs[key]
		if src == nil {
			src = &voidSrc{}
			w.vargs[key] = src
		}
		switch {
		case arg.k == vPtr && arg.off == 0:
			if name := w.sp.TagName(arg.t); name != "" && !slices.Contains(src.types, name) {
				src.types = append(src.types, name)
			}
		case arg.k == vUnk && arg.param > 0:
			if f := (cbKey{int32(w.fn), arg.param - 1}); !slices.Contains(src.fwd, f) {
				src.fwd = append(src.fwd, f)
			}
		}
	}
}

// voidParam is the value of void pointer parameter k at entry.
func voidParam(k int) val { return val{k: vUnk, param: int8(k + 1)} }

// typeVoids runs the passes that type void pointer members: the functions
// with void pointer parameters (their stores), then, round by round, the
// direct callers of the parameters found stored (what they pass).
func (r *resolver) typeVoids(workers []*flowWorker) {
	p := r.k.Prog
	n := len(p.Functions)
	callers := make([][]int32, n)
	for i := range p.Functions {
		for _, c := range p.Functions[i].Calls {
			if r.voidParams[c] != 0 && (len(callers[c]) == 0 || callers[c][len(callers[c])-1] != int32(i)) {
				callers[c] = append(callers[c], int32(i))
			}
		}
	}
	r.voidCallers = make([]bool, n)
	for i := range n {
		r.voidCallers[i] = r.voidParams[i] != 0
	}
	r.voidWant = map[cbKey]bool{}
	run := func() {
		for _, w := range workers {
			w.voidOnly = true
		}
		parallelW(n, r.opt.Workers, func(k, lo, hi int) {
			for i := lo; i < hi; i++ {
				workers[k].function(i)
			}
		})
		for _, w := range workers {
			w.voidOnly = false
		}
	}
	for _, w := range workers {
		w.voidStores = true
	}
	run()
	for _, w := range workers {
		w.voidStores = false
	}
	var pstores []voidPStore
	typed := map[voidKey]map[string]bool{}
	add := func(key voidKey, typ string) {
		if typed[key] == nil {
			typed[key] = map[string]bool{}
		}
		typed[key][typ] = true
	}
	vargs := map[cbKey]*voidSrc{}
	merge := func() []cbKey {
		var want []cbKey
		for _, w := range workers {
			for _, s := range w.vpstores {
				pstores = append(pstores, s)
				want = append(want, s.p)
			}
			for _, s := range w.vstores {
				add(s.key, s.typ)
			}
			for k, s := range w.vargs {
				t := vargs[k]
				if t == nil {
					t = &voidSrc{}
					vargs[k] = t
				}
				t.types = append(t.types, s.types...)
				t.fwd = append(t.fwd, s.fwd...)
				want = append(want, s.fwd...)
			}
			w.vpstores, w.vstores, w.vargs = nil, nil, nil
		}
		return want
	}
	want := merge()
	for round := 0; round < 6 && len(want) > 0; round++ {
		clear(r.voidCallers)
		any := false
		for _, k := range want {
			if r.voidWant[k] {
				continue
			}
			r.voidWant[k] = true
			for _, c := range callers[k.fn] {
				r.voidCallers[c], any = true, true
			}
		}
		if !any {
			break
		}
		run()
		want = merge()
	}
	for _, s := range pstores {
		seen := map[cbKey]bool{}
		var walk func(k cbKey)
		walk = func(k cbKey) {
			if seen[k] || len(seen) > 64 {
				return
			}
			seen[k] = true
			src := vargs[k]
			if src == nil {
				return
			}
			for _, t := range src.types {
				add(s.key, t)
			}
			for _, f := range src.fwd {
				walk(f)
			}
		}
		walk(s.p)
	}
	r.voidTypes = map[voidKey]map[string]bool{}
	for k, ts := range typed {
		if len(ts) <= maxVoidTypes {
			r.voidTypes[k] = ts
		}
	}
}

// voidKeys lists the typed void pointer members in a fixed order.
func (r *resolver) voidKeys() []voidKey {
	if r.voidTypes == nil {
		return nil
	}
	return slices.SortedFunc(maps.Keys(r.voidTypes), func(a, b voidKey) int {
		if c := strings.Compare(a.holder, b.holder); c != 0 {
			return c
		}
		return cmp.Compare(a.off, b.off)
	})
}

// voidTypesOf lists the structs typeVoids found in member key, sorted.
func (r *resolver) voidTypesOf(key voidKey) []string {
	return slices.Sorted(maps.Keys(r.voidTypes[key]))
}
