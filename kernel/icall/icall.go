package icall

import (
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"sysweight/kernel/btf"
	"sysweight/kernel/x86"
)

// Slot is an initialised 8-byte pointer in kernel or module data: the
// bytes at Addr hold Target.
type Slot struct {
	Addr, Target uint64
}

// Object is a data symbol: a global or static variable.
type Object struct {
	Name       string
	Addr, Size uint64
	Module     int32 // -1 for vmlinux
}

// Region is a range of data addresses (a section).
type Region struct {
	Addr, Size uint64
}

// Kernel is what Resolve reads: the analysed code, which module each
// function belongs to, the BTF, and the initialised data.
type Kernel struct {
	Prog *x86.Program
	// Module[i] is the module of function i, -1 for vmlinux.
	Module []int32
	// BTF is vmlinux's; ModBTF[m] module m's split BTF on top of it (nil
	// when the module has none).
	BTF    *btf.Spec
	ModBTF []*btf.Spec
	// Slots are every initialised pointer, sorted by Addr; Objects the
	// data symbols, sorted by Addr; Data the data ranges (for telling a
	// data address from a constant).
	Slots   []Slot
	Objects []Object
	Data    []Region
	// Aux is code outside every function that functions jump through and
	// back: vmlinux's .altinstr_aux, where static_cpu_has's default jump
	// tests the feature bit before the alternatives patch it away.
	Aux []x86.Segment
}

// Options tunes Resolve; the zero value is the default.
type Options struct {
	// Workers bounds the goroutines; 0 means GOMAXPROCS.
	Workers int
	// MaxUntypedSlots: a call through a function pointer loaded at offset
	// o of an object of unknown type resolves to the members at offset o
	// of every struct whose prototype agrees with the arguments passed,
	// when there are at most this many such members (0: 6); otherwise it
	// stays unresolved.
	MaxUntypedSlots int
	// MaxUntypedTargets: such a call also stays unresolved when its
	// members hold more than this many functions together (0: 800; < 0: no
	// bound). Those are generic members (a module's init, a work item's
	// func) reached through two loads with no argument to type them; on
	// Debian's 6.1 cloud kernel the bound takes 3,800 functions out of the
	// hub core and no traced footprint function out of reach.
	MaxUntypedTargets int
	// NoProtoOnly leaves calls through function-pointer parameters and
	// variables (no struct member known) unresolved instead of resolving
	// them to every address-taken function of the same prototype.
	NoProtoOnly bool
	// NoEscapes leaves out the functions whose address escapes (is passed
	// on or stored where no member type is known) from the member slots of
	// their prototype.
	NoEscapes bool
}

// How a call site was resolved.
const (
	ViaConst    = "const"    // the pointer is a constant function address
	ViaTable    = "table"    // an element of an initialised table of functions
	ViaMember   = "member"   // a function-pointer member of a known struct
	ViaUntyped  = "offset"   // a member at that offset, struct inferred from the arguments
	ViaProto    = "proto"    // a function-pointer variable: every address-taken function of its prototype
	ViaParam    = "param"    // a function-pointer parameter: what the direct callers pass
	ViaDowncast = "downcast" // a member of a struct that begins with the pointer's type (nlk_sk(sk)->netlink_rcv)
	ViaTask     = "taskwork" // a task_work callback queued before returning to user space
	ViaFault    = "fault"    // a user-memory access may fault into the page-fault handler
	ViaStatic   = "static"   // a static call's trampoline, retargeted by static_call_update
)

// Edge is a resolved indirect call: From may call To; Via names the member
// or table ("file_operations.read_iter", "table io_issue_defs") and How
// the rule.
type Edge struct {
	From, To int32
	How      string
	Via      string
}

// Stats counts what Resolve saw.
type Stats struct {
	// Sites are indirect calls and jumps (thunks included); by how they
	// were resolved, and Unresolved those left with no target.
	Sites      int
	ByHow      map[string]int
	Unresolved int
	// Ambiguous are untyped sites with more candidate members than
	// MaxUntypedSlots or more targets than MaxUntypedTargets.
	Ambiguous int
	// AddressTaken functions appear in data or have their address taken
	// in code; WithSignature of them have a BTF prototype.
	AddressTaken, WithSignature int
	// Objects holding function pointers, and how many got a struct type
	// by layout.
	FuncObjects, TypedObjects int
	// Edges is the number of distinct (caller, callee) pairs added.
	Edges int
}

// Site is one indirect call or jump and what resolved it.
type Site struct {
	Func    int32
	How     string // "" when unresolved
	Via     string
	Targets int
}

// Result is the resolution.
type Result struct {
	Edges []Edge // sorted by From, then To
	Sites []Site // by function
	Stats Stats
}

// Resolve finds the targets of the kernel's indirect calls by the type of
// what holds the function pointer (see the package documentation).
func Resolve(k *Kernel, opt Options) (*Result, error) {
	if k == nil || k.Prog == nil || k.BTF == nil {
		return nil, fmt.Errorf("icall: need the analysed program and vmlinux BTF")
	}
	if len(k.Module) != len(k.Prog.Functions) {
		return nil, fmt.Errorf("icall: %d module indexes for %d functions", len(k.Module), len(k.Prog.Functions))
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if opt.MaxUntypedSlots == 0 {
		opt.MaxUntypedSlots = 6
	}
	if opt.MaxUntypedTargets == 0 {
		opt.MaxUntypedTargets = 800
	}
	r := newResolver(k, opt)
	r.inferObjects()
	r.lsmHooks()
	r.taskSlot = r.slot("callback_head", 8, "func", "")
	r.flowAll()
	return r.resolve(), nil
}

// resolver holds the state of one Resolve.
type resolver struct {
	k     *Kernel
	opt   Options
	start map[uint64]int32 // function start address → index
	// lo and hi bound the functions' start addresses: most constants
	// funcAt is asked about are small numbers, answered without a lookup
	lo, hi uint64

	// sigs[f] is function f's canonical prototype ("" unknown); computed
	// up front.
	sigs []string

	slotMu   sync.Mutex
	slotIDs  map[slotKey]int32
	slotList []slotInfo
	cands    [][]int32        // candidate slot lists of downcast loads (vCand)
	candIDs  map[string]int32 // candList's ids by list

	// objects that hold function pointers and their inferred types
	objType map[int]objType // index into k.Objects → type

	// per-function results of the data-flow pass
	sites  [][]site
	stores [][]store
	taken  []bool // address taken in code or data

	thunk       []int8 // retpoline thunk register per function, −1 if none
	ignored     []bool // calls patched to NOPs at boot (__fentry__)
	retThunk    []bool // the return thunks: a jmp to one returns
	taskWorkAdd int32  // index of task_work_add, −1
	taskSlot    int32  // the slot callback_head.func

	lsm              lsmHooks                    // the LSM hook lists
	objFns           map[int][]objFn             // data object → the functions stored in it
	dataTargets      map[int32][]int32           // slot → functions stored there in typed data
	globalElem       map[int]string              // data object → struct type of the pointers it holds
	listCand         []bool                      // functions the list pass looks at (a register stored twice)
	listDone         []bool                      // candidates the first pass solved: the list pass need not
	listType         map[listKey]listKey         // list_head member → the entry member its next and prev point to
	fnParams         []uint8                     // per function: bit k set when parameter k (< 8) is a function pointer
	voidParams       []uint8                     // per function: bit k set when parameter k (< 8) is a void pointer
	voidCallers      []bool                      // per function: calls a function in voidWant (voidPass)
	voidWant         map[cbKey]bool              // void pointer parameters stored into void members, or passed to one
	voidTypes        map[voidKey]map[string]bool // void pointer members: the structs code stores in them
	proto            []btf.TypeID                // per function: its BTF prototype (in spec(i)), 0 unknown
	nameProto        []btf.TypeID                // per function: the prototype of its own name (not an alias), 0 unknown
	opsArg           []bool                      // per function: a parameter points to a struct with function-pointer members
	again            []bool                      // per function: analyse again once global types are known
	cb               map[cbKey]*cbSrc            // callback parameters: what direct callers pass
	cbAt             map[cbAtKey]*cbSrc          // what direct callers store in the stack objects they pass for void pointer parameters
	flows            [][2]int32                  // function pointers copied from one slot to another
	pflows           []pflow                     // callback parameters stored into slots
	escSlots         []int32                     // slots whose function pointers code stores untyped
	escParams        []cbKey                     // callback parameters code stores untyped
	gfns             []gfn                       // function pointers stored into globals
	gfnObj           map[int]bool                // data objects that gfns store into
	statics          []gfn                       // static_call_update calls: trampoline, new target
	nameType         map[int]string              // data object → the struct it is named after and fits
	staticCallUpdate int32                       // index of __static_call_update, −1
	outers           map[string]*outerType
	twoOnce          sync.Once
	holdOnce         sync.Once
	hold             map[holdKey][]*outerType
	holdAt           map[string][]heldAt    // by embedded struct name: its holders and offsets
	cloneParams      map[int32][6]cloneArg  // parameter types of clones, from their callers
	cloneArgs        map[int32]*[6]cloneArg // what calls pass to clones, merged (typeClones, typeLateClones)
	innerEsc         map[innerKey]bool      // embedded structs whose address the first pass saw passed to a call
	cloneTarget      map[uint64]bool        // the addresses of clones that make indirect calls
	pvOnce           sync.Once
	pvLo, pvHi       uint64          // pv_ops (pvOp)
	cloneFn          map[int32]uint8 // clones' parameters that some caller passes a function in
	embedOnce        sync.Once
	embed            map[holdKey][]string // embedders' index
	tdOnce           sync.Once
	tdMembers        map[holdKey]tdMember // typedefMember's index
	tdBySig          map[holdKey]tdMember // typedefBySig's index
	rareOnce         sync.Once
	castMu           sync.Mutex
	casts            map[[2]string]bool // castArg's answers
	chainMu          sync.Mutex
	chainCache       map[[3]uint32][]int32 // beforeChain's answers
	ptrNames         []string              // ptrFrom's keys, sorted
	threeMu          sync.Mutex
	threeSelf        map[[3]uint32][]int32                 // threeLevelSelf's answers
	ptrFrom          map[string]map[uint32]map[string]bool // by struct and offset: the structs it points to
	argSlots         map[string]int                        // by parameter type: how many member prototypes take it
	beforeMu         sync.Mutex
	before           map[uint32][]int32 // beforeAny's cache
	beforeSlotsMu    sync.Mutex
	beforeSlotsMemo  map[beforeKey][]int32 // beforeSlots' cache
	two              map[[2]uint32][]int32
	twoSelf          map[[2]uint32][]int32 // of two, the methods whose first parameter points to the struct holding the ops pointer
	stats            Stats
}

// slotKey names a function-pointer member: the innermost named struct or
// union holding it and the member's byte offset there.
type slotKey struct {
	container string
	off       uint32
	member    string // members of a union share an offset
}

type slotInfo struct {
	key    slotKey
	member string
	sig    string
	params []string // parsed from sig
}

func (r *resolver) slot(container string, off uint32, member, sig string) int32 {
	k := slotKey{container, off, member}
	r.slotMu.Lock()
	defer r.slotMu.Unlock()
	if id, ok := r.slotIDs[k]; ok {
		if s := &r.slotList[id]; s.sig == "" && sig != "" {
			s.sig, s.params = sig, params(sig)
		}
		return id
	}
	id := int32(len(r.slotList))
	r.slotIDs[k] = id
	r.slotList = append(r.slotList, slotInfo{key: k, member: member, sig: sig, params: params(sig)})
	return id
}

// slotSig is a slot's prototype; slots are interned concurrently during
// the data-flow pass.
func (r *resolver) slotSig(id int32) string {
	r.slotMu.Lock()
	defer r.slotMu.Unlock()
	return r.slotList[id].sig
}

// candList interns a list of candidate slots: the same list has the same
// id, so that states holding it compare equal (a fresh id at every step
// kept such states from ever converging: more visits, and functions that
// ran out of their visit budget).
func (r *resolver) candList(l []int32) int32 {
	key := make([]byte, 0, 4*len(l))
	for _, s := range l {
		key = append(key, byte(s), byte(s>>8), byte(s>>16), byte(s>>24))
	}
	r.slotMu.Lock()
	defer r.slotMu.Unlock()
	if id, ok := r.candIDs[string(key)]; ok {
		return id
	}
	if r.candIDs == nil {
		r.candIDs = map[string]int32{}
	}
	r.cands = append(r.cands, slices.Clone(l))
	id := int32(len(r.cands) - 1)
	r.candIDs[string(key)] = id
	return id
}

func (s *slotInfo) String() string {
	if strings.HasPrefix(s.key.container, privPrefix) {
		// privSlot's: by prototype, which the name leaves out
		return s.key.container + "+" + strconv.Itoa(int(s.key.off))
	}
	if s.member != "" {
		return s.key.container + "." + s.member
	}
	return s.key.container + "+" + strconv.Itoa(int(s.key.off))
}

func newResolver(k *Kernel, opt Options) *resolver {
	n := len(k.Prog.Functions)
	r := &resolver{k: k, opt: opt, start: make(map[uint64]int32, n), sigs: make([]string, n),
		slotIDs: map[slotKey]int32{}, objType: map[int]objType{},
		sites: make([][]site, n), stores: make([][]store, n), taken: make([]bool, n)}
	r.thunk = make([]int8, n)
	r.ignored = make([]bool, n)
	r.retThunk = make([]bool, n)
	r.taskWorkAdd = -1
	r.staticCallUpdate = -1
	r.lo = ^uint64(0)
	for i, f := range k.Prog.Functions {
		r.start[f.Addr] = int32(i)
		r.lo, r.hi = min(r.lo, f.Addr), max(r.hi, f.Addr)
		r.thunk[i] = -1
		if reg, ok := k.Prog.ThunkRegister(i); ok {
			r.thunk[i] = reg
		}
		for _, n := range append([]string{f.Name}, f.Aliases...) {
			r.ignored[i] = r.ignored[i] || slices.Contains(x86.IgnoredCallees, n)
			r.retThunk[i] = r.retThunk[i] || slices.Contains(x86.ReturnThunks, n)
		}
		if f.Name == "__static_call_update" && k.Module[i] < 0 {
			r.staticCallUpdate = int32(i)
		}
		if f.Name == "task_work_add" && k.Module[i] < 0 {
			r.taskWorkAdd = int32(i)
		}
	}
	r.fnParams = make([]uint8, n)
	r.voidParams = make([]uint8, n)
	r.proto = make([]btf.TypeID, n)
	r.nameProto = make([]btf.TypeID, n)
	r.again = make([]bool, n)
	parallel(n, opt.Workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			r.sigs[i], r.fnParams[i], r.voidParams[i] = r.funcSig(i)
		}
	})
	return r
}

// spec is the BTF that describes function i's code.
func (r *resolver) spec(i int) *btf.Spec {
	if m := r.k.Module[i]; m >= 0 && int(m) < len(r.k.ModBTF) && r.k.ModBTF[m] != nil {
		return r.k.ModBTF[m]
	}
	return r.k.BTF
}

// funcSig is the canonical prototype of function i by its exact name (a
// .isra or .constprop clone has another prototype and is never stored),
// and the mask of its function-pointer parameters.
func (r *resolver) funcSig(i int) (string, uint8, uint8) {
	sp := r.spec(i)
	f := &r.k.Prog.Functions[i]
	for k, n := range append([]string{f.Name}, f.Aliases...) {
		if strings.IndexByte(n, '.') >= 0 {
			continue
		}
		if p, ok := sp.FuncProto(n); ok {
			r.proto[i] = p
			if k == 0 {
				r.nameProto[i] = p // a call's prototype (returnOf, outParams, typeByUse, stackArgs)
			}
			var mask, void uint8
			for k := 0; k < 8; k++ { // 6 in registers, 2 on the stack
				t, ok := sp.ParamType(p, k)
				if !ok {
					break
				}
				switch pt, kind, ok := sp.Pointee(t); {
				case ok && kind == btf.KindFuncProto:
					mask |= 1 << k
				case ok && pt == 0:
					void |= 1 << k
				}
			}
			return sp.Signature(p), mask, void
		}
	}
	return "", 0, 0
}

// funcAt returns the function starting at a.
func (r *resolver) funcAt(a uint64) (int32, bool) {
	if a < r.lo || a > r.hi {
		return 0, false
	}
	i, ok := r.start[a]
	return i, ok
}

// inData tells whether a is a data address.
func (r *resolver) inData(a uint64) bool {
	rs := r.k.Data
	i, _ := slices.BinarySearchFunc(rs, a, func(x Region, a uint64) int {
		switch {
		case x.Addr+x.Size <= a:
			return -1
		case x.Addr > a:
			return 1
		}
		return 0
	})
	return i < len(rs) && rs[i].Addr <= a && a < rs[i].Addr+rs[i].Size
}

// slotAt returns the initialised pointer at a.
func (r *resolver) slotAt(a uint64) (uint64, bool) {
	s := r.k.Slots
	i, ok := slices.BinarySearchFunc(s, a, func(x Slot, a uint64) int {
		switch {
		case x.Addr < a:
			return -1
		case x.Addr > a:
			return 1
		}
		return 0
	})
	if !ok {
		return 0, false
	}
	return s[i].Target, true
}

// objectAt returns the index of the data object holding a.
func (r *resolver) objectAt(a uint64) (int, bool) {
	os := r.k.Objects
	i, _ := slices.BinarySearchFunc(os, a, func(x Object, a uint64) int {
		if x.Addr <= a {
			return -1
		}
		return 1
	})
	i--
	if i < 0 || a >= os[i].Addr+max(os[i].Size, 1) {
		return 0, false
	}
	return i, true
}

// params splits a canonical signature "ret(p1,p2)" into its parameters.
func params(sig string) []string {
	i := strings.IndexByte(sig, '(')
	if i < 0 || !strings.HasSuffix(sig, ")") {
		return nil
	}
	in := sig[i+1 : len(sig)-1]
	if in == "" {
		return []string{}
	}
	return strings.Split(in, ",")
}

// parallelW runs fn over [0,n) in chunks on workers goroutines, telling
// each call which goroutine (0…workers−1) runs it.
func parallelW(n, workers int, fn func(worker, lo, hi int)) {
	const chunk = 512
	var (
		mu   sync.Mutex
		next int
		wg   sync.WaitGroup
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				lo := next
				next += chunk
				mu.Unlock()
				if lo >= n {
					return
				}
				fn(w, lo, min(lo+chunk, n))
			}
		}()
	}
	wg.Wait()
}

// parallel runs fn over [0,n) in chunks.
func parallel(n, workers int, fn func(lo, hi int)) {
	const chunk = 512
	var (
		mu   sync.Mutex
		next int
		wg   sync.WaitGroup
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				lo := next
				next += chunk
				mu.Unlock()
				if lo >= n {
					return
				}
				fn(lo, min(lo+chunk, n))
			}
		}()
	}
	wg.Wait()
}

// lsmHooks is what calls through the LSM hook lists need (Linux 6.1,
// security/security.c call_int_hook): the security_hook_heads object,
// the hook slot of each of its members (an hlist_head per hook, named like
// the member of union security_list_options the list's entries hold), and
// the offset of the hook in struct security_hook_list.
type lsmHooks struct {
	heads   int // index into Objects, −1 when absent
	hooks   map[uint32]int32
	hookOff uint32
}

// pvOp tells whether a is in vmlinux's pv_ops, the paravirt operations
// that paravirt calls go through.
func (r *resolver) pvOp(a uint64) bool {
	r.pvOnce.Do(func() {
		for _, o := range r.k.Objects {
			if o.Name == "pv_ops" && o.Module < 0 {
				r.pvLo, r.pvHi = o.Addr, o.Addr+o.Size
			}
		}
	})
	return a >= r.pvLo && a < r.pvHi
}

func (r *resolver) lsmHooks() {
	r.lsm.heads = -1
	sp := r.k.BTF
	heads, ok1 := sp.Struct("security_hook_heads")
	list, ok2 := sp.Struct("security_hook_list")
	opts, ok3 := sp.Struct("security_list_options")
	if !ok1 || !ok2 || !ok3 {
		return
	}
	for i, o := range r.k.Objects {
		if o.Name == "security_hook_heads" && o.Module < 0 {
			r.lsm.heads = i
			break
		}
	}
	if r.lsm.heads < 0 {
		return
	}
	for k := 0; k < sp.NumMembers(list); k++ {
		if m := sp.Member(list, k); m.Name == "hook" {
			r.lsm.hookOff = m.BitOffset / 8
		}
	}
	sigs := map[string]string{}
	for k := 0; k < sp.NumMembers(opts); k++ {
		m := sp.Member(opts, k)
		if pt, kind, ok := sp.Pointee(m.Type); ok && kind == btf.KindFuncProto {
			sigs[m.Name] = sp.Signature(pt)
		}
	}
	r.lsm.hooks = map[uint32]int32{}
	for k := 0; k < sp.NumMembers(heads); k++ {
		m := sp.Member(heads, k)
		if sig, ok := sigs[m.Name]; ok {
			r.lsm.hooks[m.BitOffset/8] = r.slot("security_list_options", 0, m.Name, sig)
		}
	}
}
