package icall

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"strings"

	"sysweight/kernel/btf"
)

// resolve matches every recorded call site to its targets.
func (r *resolver) resolve() *Result {
	n := len(r.k.Prog.Functions)
	st := &r.stats
	st.ByHow = map[string]int{}
	escaped := make([]bool, n)
	codeSlot := map[int32][]int32{}
	// bare: what code stores into a member of an embedded struct through
	// a pointer to that struct alone, its container unknown
	// (set_io_from_upio's p->serial_in = io_serial_in, p a struct
	// uart_port *): it may be any container's
	bare := map[int32][]int32{}
	var edges []Edge
	for i := range r.stores {
		for _, s := range r.stores[i] {
			switch {
			case s.task:
				edges = append(edges, Edge{From: int32(i), To: s.fn, How: ViaTask, Via: "callback_head.func"})
				st.ByHow[ViaTask]++
			case s.slot >= 0:
				codeSlot[s.slot] = append(codeSlot[s.slot], s.fn)
				if s.outer >= 0 {
					codeSlot[s.outer] = append(codeSlot[s.outer], s.fn)
				} else {
					bare[s.slot] = append(bare[s.slot], s.fn)
				}
			default:
				escaped[s.fn] = true
			}
		}
	}
	typedData := make([]bool, n)
	for _, l := range r.dataTargets {
		for _, f := range l {
			typedData[f] = true
		}
	}
	for _, fns := range r.objFns {
		for _, x := range fns {
			if !typedData[x.fn] {
				escaped[x.fn] = true
			}
		}
	}
	// functions in data outside any object
	for _, s := range r.k.Slots {
		if f, ok := r.funcAt(s.Target); ok {
			if _, in := r.objectAt(s.Addr); !in {
				escaped[f] = true
			}
		}
	}
	// the functions of a slot that code copies into untyped memory escape
	escapeSlot := func(id int32) {
		for _, f := range r.dataTargets[id] {
			escaped[f] = true
		}
		for _, f := range codeSlot[id] {
			escaped[f] = true
		}
	}
	for _, id := range r.escSlots {
		escapeSlot(id)
	}
	// what callers pass for a callback parameter stored untyped escapes,
	// through callers that pass their own parameter on
	seenParam := map[cbKey]bool{}
	var walkParam func(k cbKey)
	walkParam = func(k cbKey) {
		if seenParam[k] {
			return
		}
		seenParam[k] = true
		src := r.cb[k]
		if src == nil {
			return
		}
		for _, f := range src.funcs {
			escaped[f], r.taken[f] = true, true
		}
		for _, id := range src.slots {
			escapeSlot(id)
		}
		for _, f := range src.fwd {
			walkParam(f)
		}
	}
	for _, k := range r.escParams {
		walkParam(k)
	}
	bySig := map[string][]int32{}
	escBySig := map[string][]int32{}
	for f := range n {
		if !r.taken[f] {
			continue
		}
		st.AddressTaken++
		sig := r.sigs[f]
		if sig == "" {
			continue
		}
		st.WithSignature++
		bySig[sig] = append(bySig[sig], int32(f))
		if escaped[f] {
			escBySig[sig] = append(escBySig[sig], int32(f))
		}
	}
	// flowsInto[b] are the slots whose function pointers code copies into b
	flowsInto := map[int32][]int32{}
	for _, f := range r.flows {
		flowsInto[f[1]] = append(flowsInto[f[1]], f[0])
	}
	pflowsInto := map[int32][]cbKey{}
	for _, f := range r.pflows {
		pflowsInto[f.to] = append(pflowsInto[f.to], f.from)
	}
	memo := map[int32][]int32{}
	var slotTargets func(id int32) []int32
	slotTargets = func(id int32) []int32 {
		if l, ok := memo[id]; ok {
			return l
		}
		memo[id] = nil // a cycle of copies adds nothing more
		var l []int32
		l = append(l, r.dataTargets[id]...)
		l = append(l, codeSlot[id]...)
		if sig := r.slotList[id].sig; specific(sig) && !r.opt.NoEscapes {
			l = append(l, escBySig[sig]...)
		}
		for _, from := range flowsInto[id] {
			l = append(l, slotTargets(from)...)
		}
		for _, from := range pflowsInto[id] {
			l = append(l, r.paramTargets(from, slotTargets, bySig, r.slotList[id].sig)...)
		}
		slices.Sort(l)
		l = slices.Compact(l)
		memo[id] = l
		return l
	}
	gfnsIn := map[int][]gfn{}
	for _, g := range r.gfns {
		if o, ok := r.objectAt(g.addr); ok {
			gfnsIn[o] = append(gfnsIn[o], g)
		}
	}
	for _, sc := range r.statics {
		var l []int32
		switch v := sc.v; {
		case v.k == vFunc:
			l = []int32{int32(v.a)}
		case v.k == vFnPtr && v.slot >= 0:
			l = slotTargets(v.slot)
		case v.k == vFnPtr && v.param > 0:
			l = r.paramTargets(cbKey{sc.fn, v.param - 1}, slotTargets, bySig, "")
		}
		for _, t := range l {
			edges = append(edges, Edge{From: int32(sc.addr), To: t, How: ViaStatic, Via: "static_call_update"})
		}
		if len(l) > 0 {
			st.ByHow[ViaStatic]++
		}
	}
	byOff := map[uint32][]int32{}
	priv := map[[2]uint32][]int32{} // privSlot's slots by (o1, offset)
	for id := range r.slotList {
		s := &r.slotList[id]
		if o1, ok := strings.CutPrefix(s.key.container, privPrefix); ok {
			n, _ := strconv.Atoi(o1)
			priv[[2]uint32{uint32(n), s.key.off}] = append(priv[[2]uint32{uint32(n), s.key.off}], int32(id))
			continue
		}
		byOff[s.key.off] = append(byOff[s.key.off], int32(id))
	}
	var sites []Site
	add := func(from int, to []int32, how, via string) {
		for _, t := range to {
			edges = append(edges, Edge{From: int32(from), To: t, How: how, Via: via})
		}
		sites = append(sites, Site{Func: int32(from), How: how, Via: via, Targets: len(to)})
	}
	for i := range r.sites {
		for _, s := range r.sites[i] {
			st.Sites++
			before := len(sites)
			v := s.v
			if v.k == vFnPtr && v.a > 0 {
				// the default function used when the pointer is NULL
				add(i, []int32{int32(v.a - 1)}, ViaConst, "default")
			}
			switch {
			case v.k == vFunc:
				add(i, []int32{int32(v.a)}, ViaConst, "")
				st.ByHow[ViaConst]++
			case v.k == vFnPtr && v.slot >= 0:
				// multi-layer: a member of an embedded struct resolves by
				// the outer struct's slot when anything is stored there,
				// with what code stores through the embedded struct's
				// own pointers (its container unknown) when the embedded
				// struct may be reached that way (innerEscapes)
				if v.outer >= 0 {
					if l := r.ownTargets(v.outer, codeSlot); len(l) > 0 {
						if b := bare[v.slot]; len(b) > 0 && r.innerEscapes(v.outer, v.slot) {
							l = append(l, b...)
							slices.Sort(l)
							l = slices.Compact(l)
						}
						add(i, l, ViaMember, r.slotList[v.outer].String())
						st.ByHow[ViaMember]++
						break
					}
				}
				if l := slotTargets(v.slot); len(l) > 0 {
					add(i, l, ViaMember, r.slotList[v.slot].String())
					st.ByHow[ViaMember]++
				} else if l := escBySig[r.slotList[v.slot].sig]; len(l) > 0 && len(l) <= maxEmptyMember {
					// nothing is stored there that the pass sees: what
					// was stored came by a path it lost (kobj_map's
					// lock, stored into a kmalloc'd struct probe that
					// only a pointer to a pointer types): the escaped
					// functions of the member's prototype, a few
					add(i, l, ViaMember, r.slotList[v.slot].String())
					st.ByHow[ViaMember]++
				} else {
					st.Unresolved++
				}
			case v.k == vFnPtr && v.param > 0:
				l := r.paramTargets(cbKey{int32(i), v.param - 1}, slotTargets, bySig, r.spec(i).Signature(v.t))
				if len(l) > 0 {
					add(i, l, ViaParam, "")
					st.ByHow[ViaParam]++
				} else {
					st.Unresolved++
				}
			case v.k == vFnPtr && v.idx:
				// an element of an array of function pointers a member or
				// parameter points to (asn1_decoder.actions): the
				// address-taken functions of its prototype, when they are
				// few enough to be that array's kind (the ASN.1 actions)
				sig := r.spec(i).Signature(v.t)
				if l := bySig[sig]; len(l) > 0 && len(l) <= maxArrayTargets {
					add(i, l, ViaProto, sig)
					st.ByHow[ViaProto]++
				} else {
					st.Unresolved++
				}
			case v.k == vFnPtr && !r.opt.NoProtoOnly:
				sig := r.spec(i).Signature(v.t)
				if l := bySig[sig]; specific(sig) && len(l) > 0 {
					add(i, l, ViaProto, sig)
					st.ByHow[ViaProto]++
				} else {
					st.Unresolved++
				}
			case v.k == vTab:
				l, name, _ := r.tableFns(v.a)
				if o, ok := r.objectAt(v.a); ok {
					for _, g := range gfnsIn[o] {
						switch v := g.v; {
						case v.k == vFunc:
							l = append(l, int32(v.a))
						case v.k == vFnPtr && v.slot >= 0:
							l = append(l, slotTargets(v.slot)...)
						case v.k == vFnPtr && v.param > 0:
							l = append(l, r.paramTargets(cbKey{g.fn, v.param - 1}, slotTargets, bySig, "")...)
						}
					}
					name = r.k.Objects[o].Name
				}
				slices.Sort(l)
				if l = slices.Compact(l); len(l) > 0 {
					add(i, l, ViaTable, name)
					st.ByHow[ViaTable]++
				} else {
					st.Unresolved++
				}
			case v.k == vCand:
				cands := r.cands[v.slot]
				ids := cands
				if len(cands) > 1 {
					ids = r.narrow(cands, s.args, s.conts, s.scalar, slotTargets)
				}
				if len(ids) == 0 {
					st.Unresolved++
					break
				}
				for _, id := range ids {
					add(i, slotTargets(id), ViaDowncast, r.slotList[id].String())
				}
				st.ByHow[ViaDowncast]++
			case v.k == vULoad && v.param > 0 && v.off >= 0 && r.cbAt[cbAtKey{cbKey{int32(i), v.param - 1}, uint32(v.off)}] != nil:
				// read through a void pointer parameter from the stack
				// object the direct callers pass (stackFns): what they
				// stored there, and what their callers pass for the
				// callback parameters they stored
				src := r.cbAt[cbAtKey{cbKey{int32(i), v.param - 1}, uint32(v.off)}]
				l := slices.Clone(src.funcs)
				for _, s := range src.slots {
					l = append(l, slotTargets(s)...)
				}
				for _, f := range src.fwd {
					l = append(l, r.paramTargets(f, slotTargets, bySig, "")...)
				}
				slices.Sort(l)
				if l = slices.Compact(l); len(l) > 0 {
					add(i, l, ViaParam, "")
					st.ByHow[ViaParam]++
				} else {
					st.Unresolved++
				}
			case v.k == vULoad:
				var ids []int32
				switch {
				case v.off < 0 && v.a > 0:
					// container_of folded into a load through a pointer
					// read at known offsets (crypto_akcipher_verify:
					// crypto_akcipher_alg(req->base.tfm)->verify, the
					// container of tfm->__crt_alg): the members that far
					// before the structs those offsets point to
					ids = r.untyped(r.beforeChain(v), s.args, slotTargets, true)
					if countTargets(ids, slotTargets) > maxChainTargets {
						ids = nil // look-alikes of other kinds (see maxChainTargets)
					}
				case v.off < 0:
					// container_of folded into a load from a pointer of
					// unknown type: the members that far before an
					// embedded struct, singled out by the arguments
					ids = r.untyped(r.beforeAny(uint32(-v.off)), s.args, slotTargets, false)
				case v.a > 0 && s.self3:
					o1, _ := chainOff(v, 1)
					o0, _ := chainOff(v, 2)
					ids = r.untyped(r.threeLevelSelf(o0, o1, uint32(v.off)), s.args, slotTargets, true)
				case v.a > 0 && s.self:
					o1, _ := chainOff(v, 1)
					ids = r.untyped(r.twoLevelSelf(o1, uint32(v.off)), s.args, slotTargets, true)
				case v.a > 0:
					o1, _ := chainOff(v, 1)
					ids = r.untyped(r.twoLevel(o1, uint32(v.off)), s.args, slotTargets, true)
					if len(ids) == 0 {
						// no struct points to one with such a member
						// there that the arguments agree with
						// (rtnetlink_rcv_msg: link->doit(skb, nlh,
						// extack), link read from an array of pointers
						// itself read from rtnl_msg_handlers[]): the
						// members at that offset two or more typed
						// arguments agree with (one, a struct sock * or
						// struct device *, agrees with look-alikes)
						ids = r.untyped(r.agreeTwo(byOff[uint32(v.off)], s.args), s.args, slotTargets, false)
					}
				case s.holder > 0 && v.off >= 0:
					ids = r.holderSlots(byOff[uint32(v.off)], int(s.holder-1), s.args, slotTargets)
				default:
					ids = r.untyped(byOff[uint32(v.off)], s.args, slotTargets, false)
				}
				if v.vm > 0 && v.off >= 0 {
					ids = r.viaVoid(ids, priv[[2]uint32{uint32(v.vm - 1), uint32(v.off)}], s.args, slotTargets)
				}
				switch {
				case len(ids) == 0:
					st.Unresolved++
				case len(ids) > r.opt.MaxUntypedSlots || r.opt.MaxUntypedTargets > 0 && countTargets(ids, slotTargets) > r.opt.MaxUntypedTargets:
					st.Ambiguous++
					st.Unresolved++
				default:
					for _, id := range ids {
						add(i, slotTargets(id), ViaUntyped, r.slotList[id].String())
					}
					st.ByHow[ViaUntyped]++
				}
			default:
				st.Unresolved++
			}
			if len(sites) == before {
				sites = append(sites, Site{Func: int32(i)})
			} else if len(sites) > before+1 { // one site, several members
				n := 0
				for _, x := range sites[before:] {
					n += x.Targets
				}
				sites[before].Targets, sites[before].Via = n, sites[before].Via+" …"
				sites = sites[:before+1]
			}
		}
	}
	edges = sortEdges(edges, len(r.sites))
	edges = slices.CompactFunc(edges, func(a, b Edge) bool { return a.From == b.From && a.To == b.To })
	st.Edges = len(edges)
	return &Result{Edges: edges, Sites: sites, Stats: *st}
}

// agreeTwo keeps the slots whose prototype takes two or more of the typed
// arguments where the call passes them.
func (r *resolver) agreeTwo(ids []int32, args [6]string) []int32 {
	var out []int32
	for _, id := range ids {
		ps := r.slotList[id].params
		n := 0
		for k, a := range args {
			if a != "" && k < len(ps) && ps[k] == a {
				n++
			}
		}
		if n >= 2 {
			out = append(out, id)
		}
	}
	return out
}

// maxChainTargets bounds what a container_of through a chain of loads
// (beforeChain) may reach. On Debian's 6.1 package the rule resolves 21
// call sites: the crypto API's akcipher, ahash and shash calls, with
// look-alikes at the same offsets (Qdisc_ops, config_field) among 37 to 57
// functions; four shash init calls also match kvm_vcpu_arch's
// complete_userspace_io (137 functions of KVM), which this bound leaves
// out with them.
const maxChainTargets = 64

// maxArrayTargets bounds the functions an element of an array of function
// pointers may reach by prototype alone (see resolve).
const maxArrayTargets = 256

// innerEscapes tells whether code may store into the embedded struct
// that holds slot inner, at outer's place in its container, through a
// pointer to the embedded struct alone: when it is the container's first
// member (a pointer to one is a pointer to the other: set_io_from_upio's
// struct uart_port * is a struct uart_8250_port's), or when a call was
// seen passed its address (foo(&q->immediate)). Otherwise the container's
// own slot is taken to hold all its stores, as multi-layer type analysis
// does.
func (r *resolver) innerEscapes(outer, inner int32) bool {
	o, i := r.slotList[outer].key, r.slotList[inner].key
	if o.off < i.off {
		return false
	}
	start := o.off - i.off
	return start == 0 || r.innerEsc[innerKey{o.container, start}]
}

// ownTargets are the functions stored in a slot by data or code, without
// the prototype-matched escapes.
func (r *resolver) ownTargets(id int32, codeSlot map[int32][]int32) []int32 {
	l := append(slices.Clone(r.dataTargets[id]), codeSlot[id]...)
	slices.Sort(l)
	return slices.Compact(l)
}

// twoLevel are the function-pointer members at offset o2 of the structs
// that some struct points to from offset o1: what a call through
// x->a->b can reach when x's type is unknown (m->op->show).
func (r *resolver) twoLevel(o1, o2 uint32) []int32 {
	r.twoOnce.Do(r.buildTwoLevel)
	return r.two[[2]uint32{o1, o2}]
}

// twoLevelSelf are those of twoLevel(o1, o2) whose first parameter is a
// pointer to the struct that holds the pointer at o1: what a call
// x->op->show(x, …) can reach.
func (r *resolver) twoLevelSelf(o1, o2 uint32) []int32 {
	r.twoOnce.Do(r.buildTwoLevel)
	return r.twoSelf[[2]uint32{o1, o2}]
}

func (r *resolver) buildTwoLevel() {
	r.two = map[[2]uint32][]int32{}
	r.twoSelf = map[[2]uint32][]int32{}
	r.ptrFrom = map[string]map[uint32]map[string]bool{}
	for _, key := range r.voidKeys() {
		// the structs code stores in a void pointer member (typeVoids)
		for _, tn := range r.voidTypesOf(key) {
			r.addPointer(key.holder, key.off, tn)
		}
	}
	r.eachStruct(func(sp *btf.Spec, id btf.TypeID, name string) {
		for _, pm := range sp.PointerMembers(id) {
			r.addPointer(name, pm.Offset, sp.TagName(pm.Target))
		}
	})
}

// addPointer notes that struct holder points at offset off to a struct
// named target ("" when it has no name): in ptrFrom, and with the
// function-pointer members of target in two and, those whose first
// parameter is holder, in twoSelf.
func (r *resolver) addPointer(holder string, off uint32, target string) {
	if target != "" {
		if r.ptrFrom[holder] == nil {
			r.ptrFrom[holder] = map[uint32]map[string]bool{}
		}
		if r.ptrFrom[holder][off] == nil {
			r.ptrFrom[holder][off] = map[string]bool{}
		}
		r.ptrFrom[holder][off][target] = true
	}
	t, ok := r.outers[target]
	if !ok {
		return
	}
	s, u := "*s:"+holder, "*u:"+holder
	for o2, ids := range t.leaves {
		key := [2]uint32{off, o2}
		for _, id := range ids {
			if !slices.Contains(r.two[key], id) {
				r.two[key] = append(r.two[key], id)
			}
			if ps := r.slotList[id].params; len(ps) > 0 && (ps[0] == s || ps[0] == u) && !slices.Contains(r.twoSelf[key], id) {
				r.twoSelf[key] = append(r.twoSelf[key], id)
			}
		}
	}
}

// beforeChain is beforeSlots for a load at v.off < 0 through a pointer read
// at chainOff(v, 1) of a struct itself read at chainOff(v, 2) (nil when
// there is no such second offset):
// the members -v.off bytes before the structs such pointers point to whose
// first parameter is a struct X that starts such a chain (X at o2 → S1, S1
// at o1 → S): the object the chain was read from is passed first
// (crypto_akcipher_verify: alg->verify(req), alg the container of
// req->base.tfm->__crt_alg: akcipher_alg.verify(struct akcipher_request *)).
func (r *resolver) beforeChain(v val) []int32 {
	r.twoOnce.Do(r.buildTwoLevel)
	back := uint32(-v.off)
	o1, _ := chainOff(v, 1)
	o2, ok := chainOff(v, 2)
	if !ok {
		return nil
	}
	key := [3]uint32{o1, o2, back}
	r.chainMu.Lock()
	defer r.chainMu.Unlock()
	if l, ok := r.chainCache[key]; ok {
		return l
	}
	if r.ptrNames == nil {
		r.ptrNames = slices.Sorted(maps.Keys(r.ptrFrom))
		r.chainCache = map[[3]uint32][]int32{}
	}
	var self []int32
	addTo := func(l *[]int32, id int32) {
		if !slices.Contains(*l, id) {
			*l = append(*l, id)
		}
	}
	defer func() { r.chainCache[key] = self }()
	// what S1 leads to: the members back bytes before the structs its
	// pointer at o1 points to (many X share an S1)
	below := map[string][]int32{}
	for _, x := range r.ptrNames {
		for s1 := range r.ptrFrom[x][o2] {
			ids, ok := below[s1]
			if !ok {
				for _, s2 := range slices.Sorted(maps.Keys(r.ptrFrom[s1][o1])) {
					for _, id := range r.beforeSlots(s2, back) {
						addTo(&ids, id)
					}
				}
				below[s1] = ids
			}
			for _, id := range ids {
				if ps := r.slotList[id].params; len(ps) > 0 && (ps[0] == "*s:"+x || ps[0] == "*u:"+x) {
					addTo(&self, id)
				}
			}
		}
	}
	slices.Sort(self)
	return self
}

// threeLevelSelf are the function-pointer members at offset o2 of the
// structs that a struct points to from o1, itself pointed to from offset
// o0 of a struct X, whose first parameter is a pointer to X: what a call
// x->a->b->f(x, …) can reach (sysfs_kf_seq_show's
// kobj->ktype->sysfs_ops->show(kobj, …): sysfs_ops.show).
func (r *resolver) threeLevelSelf(o0, o1, o2 uint32) []int32 {
	r.twoOnce.Do(r.buildTwoLevel)
	key := [3]uint32{o0, o1, o2}
	r.threeMu.Lock()
	defer r.threeMu.Unlock()
	if l, ok := r.threeSelf[key]; ok {
		return l
	}
	var out []int32
	for x, from := range r.ptrFrom {
		for s1 := range from[o0] {
			for s2 := range r.ptrFrom[s1][o1] {
				t, ok := r.outers[s2]
				if !ok {
					continue
				}
				for _, id := range t.leaves[o2] {
					if ps := r.slotList[id].params; len(ps) > 0 && (ps[0] == "*s:"+x || ps[0] == "*u:"+x) && !slices.Contains(out, id) {
						out = append(out, id)
					}
				}
			}
		}
	}
	slices.Sort(out)
	if r.threeSelf == nil {
		r.threeSelf = map[[3]uint32][]int32{}
	}
	r.threeSelf[key] = out
	return out
}

// paramTargets resolves a call through a function's own function-pointer
// parameter to what its direct callers pass (following callers that pass
// their own parameter on); a parameter that some caller fills with an
// unknown value, or of a function whose address is taken (so that it has
// callers not seen), adds every address-taken function of the prototype
// when that is specific.
func (r *resolver) paramTargets(k cbKey, slotTargets func(int32) []int32, bySig map[string][]int32, sig string) []int32 {
	seen := map[cbKey]bool{}
	var out []int32
	open := false
	var walk func(k cbKey)
	walk = func(k cbKey) {
		if seen[k] || len(seen) > 64 {
			return
		}
		seen[k] = true
		if r.taken[k.fn] {
			open = true
		}
		src := r.cb[k]
		if src == nil {
			open = true // no direct caller seen
			return
		}
		out = append(out, src.funcs...)
		for _, s := range src.slots {
			out = append(out, slotTargets(s)...)
		}
		open = open || src.unknown
		for _, f := range src.fwd {
			walk(f)
		}
	}
	walk(k)
	if open && !r.opt.NoProtoOnly && specific(sig) {
		out = append(out, bySig[sig]...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// narrow keeps the candidate slots whose prototype agrees with every
// argument whose type is known, when at least one is.
func (r *resolver) narrow(cands []int32, args, conts [6]string, scalar uint8, targets func(int32) []int32) []int32 {
	known := scalar != 0
	for k, a := range args {
		known = known || a != "" || conts[k] != ""
	}
	if !known && len(cands) <= 4 {
		// nothing to narrow by: a few candidates stand
		var out []int32
		for _, id := range cands {
			if len(targets(id)) > 0 {
				out = append(out, id)
			}
		}
		return out
	}
	var out []int32
next:
	for _, id := range cands {
		ps := r.slotList[id].params
		matched := 0
		for k, a := range args {
			if k >= len(ps) {
				continue
			}
			if scalar&(1<<k) != 0 {
				// an integer pointer: no struct pointer parameter
				// (drv_attr_store's buf leaves driver_attribute.store
				// and bus_attribute.store, not device_attribute.store)
				if structParam(ps[k]) {
					continue next
				}
				matched++
				continue
			}
			if a == "" {
				if conts[k] != "" {
					if !r.embeds(ps[k], conts[k]) {
						continue next
					}
					matched++
				}
				continue
			}
			if ps[k] != a && !r.castArg(ps[k], a) {
				continue next
			}
			matched++
		}
		if matched > 0 && len(targets(id)) > 0 {
			out = append(out, id)
		}
	}
	return out
}

// viaVoid narrows a call through a void pointer member (m_show: p =
// m->private; p->show(m, …)) by what code stored through the same member
// (mounts_open_common: p = m->private; p->show = show): those stores'
// slots (priv, prototypes that no known argument contradicts), and of the
// members the offset rule found (ids) the ones of the same prototypes,
// which may be the same member stored through a typed pointer. Without
// such stores ids stand.
func (r *resolver) viaVoid(ids, priv []int32, args [6]string, targets func(int32) []int32) []int32 {
	priv = r.agreeing(priv, args, targets)
	if len(priv) == 0 {
		return ids
	}
	sigs := map[string]bool{}
	for _, id := range priv {
		sigs[r.slotList[id].sig] = true
	}
	out := priv
	for _, id := range ids {
		if sigs[r.slotList[id].sig] && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// holderSlots picks, among the slots at one offset, those whose prototype
// takes a pointer to the slot's own struct as parameter k, the argument
// that is the object the function pointer was read from (battr->read(…,
// battr, …): bin_attribute.read, whose third parameter is a struct
// bin_attribute *), and that no other known argument contradicts.
func (r *resolver) holderSlots(cands []int32, k int, args [6]string, targets func(int32) []int32) []int32 {
	var out []int32
next:
	for _, id := range cands {
		sl := &r.slotList[id]
		ps := sl.params
		if k >= len(ps) || ps[k] != "*s:"+sl.key.container {
			continue
		}
		for j, a := range args {
			if j != k && a != "" && j < len(ps) && structParam(ps[j]) && ps[j] != a && !r.castArg(ps[j], a) {
				continue next
			}
		}
		if len(targets(id)) > 0 {
			out = append(out, id)
		}
	}
	return out
}

// maxEmptyMember bounds the escaped functions a member nothing is seen
// stored into may reach.
const maxEmptyMember = 16

// agreeing are the slots of ids that have targets and whose prototype no
// known argument contradicts.
func (r *resolver) agreeing(ids []int32, args [6]string, targets func(int32) []int32) []int32 {
	var out []int32
next:
	for _, id := range ids {
		ps := r.slotList[id].params
		for k, a := range args {
			if a != "" && k < len(ps) && structParam(ps[k]) && ps[k] != a {
				continue next
			}
		}
		if len(targets(id)) > 0 {
			out = append(out, id)
		}
	}
	return out
}

// embeds reports a parameter of a struct that embeds the struct cont
// names ("kobject+168") at that offset.
func (r *resolver) embeds(param, cont string) bool {
	name, ok := strings.CutPrefix(param, "*s:")
	i := strings.LastIndexByte(cont, '+')
	if !ok || i < 0 {
		return false
	}
	off, err := strconv.Atoi(cont[i+1:])
	return err == nil && slices.Contains(r.embedders(cont[:i], uint32(off)), name)
}

// castArg reports a parameter of a struct that begins with the
// argument's struct (param "*s:device", arg "*s:kobject"): the pass knows
// the pointer only by the struct it was cast from. dev_attr_show calls
// dev_attr->show(dev, dev_attr, buf) with dev = kobj_to_dev(kobj) and
// dev_attr = to_dev_attr(attr), both container_of at offset 0, so the
// arguments read struct kobject and struct attribute.
func (r *resolver) castArg(param, arg string) bool {
	if !strings.HasPrefix(param, "*s:") || !strings.HasPrefix(arg, "*s:") {
		return false
	}
	k := [2]string{param, arg}
	r.castMu.Lock()
	defer r.castMu.Unlock()
	if v, ok := r.casts[k]; ok {
		return v
	}
	v := false
	if t, ok := r.k.BTF.Struct(arg[3:]); ok {
		for _, e := range r.k.BTF.Extenders(t) {
			if r.k.BTF.TagName(e) == param[3:] {
				v = true
				break
			}
		}
	}
	if r.casts == nil {
		r.casts = map[[2]string]bool{}
	}
	r.casts[k] = v
	return v
}

// specific tells whether a prototype names a struct or union pointer
// among its parameters or as its result. Matching by prototype alone is
// precise only for such prototypes: "int (*)(void *)" is the type of
// hundreds of unrelated callbacks (kthreads, iterators, comparators),
// "struct kobject *(*)(dev_t, int *, void *)" (kobj_probe_t) of two.
func specific(sig string) bool {
	return strings.IndexByte(sig, '(') >= 0 && (strings.Contains(sig, "*s:") || strings.Contains(sig, "*u:"))
}

// untyped picks, among the slots at one offset, those whose prototype
// agrees with every argument whose type is known, and that have targets.
// With no argument known nothing is picked.
func (r *resolver) untyped(cands []int32, args [6]string, targets func(int32) []int32, twoLevel bool) []int32 {
	var out []int32
	var nmatch []int
next:
	for _, id := range cands {
		ps := r.slotList[id].params
		matched, typed := 0, 0
		for k, a := range args {
			if a == "" || k >= len(ps) {
				continue // registers past the prototype's parameters hold leftovers
			}
			if ps[k] != a {
				continue next
			}
			matched++
		}
		for _, p := range ps {
			if structParam(p) {
				typed++
			}
		}
		// One typed argument agreeing is weak evidence (many members take
		// a struct file * or struct sock * first), unless it is every
		// struct the prototype takes or a struct few members take (struct
		// nft_ctx: nft_chain_validate's expr->ops->validate(ctx, …)); a
		// two-level offset is evidence of its own.
		if (matched >= 2 || matched > 0 && (matched == typed || r.rareArg(args, ps)) || twoLevel) && len(targets(id)) > 0 {
			out = append(out, id)
			nmatch = append(nmatch, matched)
		}
	}
	if best := slices.Max(append(nmatch, 0)); len(out) > r.opt.MaxUntypedSlots && best >= 2 {
		// too many to resolve: those that agree with the most typed
		// arguments, when that is two or more (rtnetlink_rcv_msg's
		// link->doit(skb, nlh, extack): rtnl_link.doit, not the handlers
		// of one parameter that the leftover registers cannot refute)
		var most []int32
		for k, id := range out {
			if nmatch[k] == best {
				most = append(most, id)
			}
		}
		out = most
	}
	return out
}

// rareArgSlots bounds how many member prototypes may take a struct for
// one agreeing argument of that type to single out a member.
const rareArgSlots = 32

// rareArg reports a first argument that agrees with ps and whose struct
// at most rareArgSlots member prototypes take, at any position (the
// context a method gets first; a tracepoint's probes get their data
// first, so their iterators do not match by a later argument).
func (r *resolver) rareArg(args [6]string, ps []string) bool {
	r.rareOnce.Do(func() {
		r.argSlots = map[string]int{}
		for _, sl := range r.slotList {
			if strings.HasPrefix(sl.key.container, privPrefix) {
				continue
			}
			seen := map[string]bool{}
			for _, p := range sl.params {
				if structParam(p) && !seen[p] {
					seen[p] = true
					r.argSlots[p]++
				}
			}
		}
	})
	a := args[0]
	return len(ps) > 0 && ps[0] == a && structParam(a) && r.argSlots[a] <= rareArgSlots
}

// structParam reports a parameter type that points to a struct or union.
func structParam(p string) bool { return strings.HasPrefix(p, "*s:") || strings.HasPrefix(p, "*u:") }

// countTargets is the number of functions the members ids hold, counted once
// per member.
func countTargets(ids []int32, targets func(int32) []int32) int {
	n := 0
	for _, id := range ids {
		n += len(targets(id))
	}
	return n
}

// sortEdges orders edges by From, To, How and Via. A calling function has
// a few edges, so it places them by From first (a counting sort) and sorts
// each function's; the order is total, so the result is a plain sort's.
func sortEdges(edges []Edge, nfn int) []Edge {
	cmpEdge := func(a, b Edge) int {
		if c := cmp.Compare(a.To, b.To); c != 0 {
			return c
		}
		if c := cmp.Compare(a.How, b.How); c != 0 {
			return c
		}
		return cmp.Compare(a.Via, b.Via)
	}
	start := make([]int32, nfn+1)
	for _, e := range edges {
		if e.From < 0 || int(e.From) >= nfn {
			slices.SortFunc(edges, func(a, b Edge) int {
				if c := cmp.Compare(a.From, b.From); c != 0 {
					return c
				}
				return cmpEdge(a, b)
			})
			return edges
		}
		start[e.From+1]++
	}
	for f := 0; f < nfn; f++ {
		start[f+1] += start[f]
	}
	out := make([]Edge, len(edges))
	next := slices.Clone(start[:nfn])
	for _, e := range edges {
		out[next[e.From]] = e
		next[e.From]++
	}
	for f := 0; f < nfn; f++ {
		if start[f+1]-start[f] > 1 {
			slices.SortFunc(out[start[f]:start[f+1]], cmpEdge)
		}
	}
	return out
}
