package x86

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// ErrNoFunctions is returned when no function lies inside the text.
var ErrNoFunctions = errors.New("no function inside the text")

// Func is one function symbol: the input of Analyze. It can come from an ELF
// .symtab, System.map or a recovered kallsyms table.
type Func struct {
	Name string
	Addr uint64
	// Size in bytes; 0 means unknown, and Analyze uses the distance to the
	// next symbol at a higher address (or to the end of the text).
	Size uint64
}

// Options tunes Analyze. The zero value is the documented default.
type Options struct {
	// Workers is the number of goroutines; 0 means GOMAXPROCS.
	Workers int
	// Reference decodes every instruction with x86asm instead of the fast
	// length decoder. Results differ only where x86asm v0.33.0 misdecodes
	// (see insn_test.go: 79 system instructions in the 6.1 kernel).
	Reference bool
	// NoReturn lists functions that never return, in addition to
	// DefaultNoReturn and to the ones Analyze derives. nil means none extra.
	NoReturn []string
}

// DefaultNoReturn is objtool's global_noreturns list of Linux v6.1
// (tools/objtool/check.c, dead_end_function). Analyze adds every function
// that provably cannot return; see the package documentation.
var DefaultNoReturn = []string{
	"__invalid_creds", "__module_put_and_kthread_exit", "__reiserfs_panic",
	"__stack_chk_fail", "__ubsan_handle_builtin_unreachable", "cpu_bringup_and_idle",
	"cpu_startup_entry", "do_exit", "do_group_exit", "do_task_dead", "ex_handler_msr_mce",
	"fortify_panic", "kthread_complete_and_exit", "kthread_exit", "kunit_try_catch_throw",
	"lbug_with_loc", "machine_real_restart", "make_task_dead", "panic",
	"rewind_stack_and_make_dead", "sev_es_terminate", "snp_abort", "stop_this_cpu",
	"usercopy_abort", "xen_cpu_bringup_again", "xen_start_kernel",
	// later objtool lists (include/linux/objtool.h noreturns.h, v6.2+)
	"__fortify_panic", "__ubsan_handle_builtin_unreachable", "hlt_play_dead",
	"nmi_panic_self_stop", "panic_smp_self_stop", "x86_64_start_kernel",
	"x86_64_start_reservations", "start_kernel", "rest_init",
}

// ReturnThunks are the functions a `jmp` to which is a return: the
// -mfunction-return=thunk-extern target and its run-time alternatives.
var ReturnThunks = []string{
	"__x86_return_thunk", "zen_untrain_ret", "srso_return_thunk", "srso_alias_return_thunk",
	"retbleed_return_thunk", "__x86_return_skl", "srso_untrain_ret", "entry_untrain_ret",
}

// IndirectThunkPrefixes name the retpoline thunks: `call` to one is an
// indirect call, `jmp` to one an indirect jump (-mindirect-branch=thunk-extern).
var IndirectThunkPrefixes = []string{
	"__x86_indirect_thunk_", "__x86_indirect_call_thunk_", "__x86_indirect_jump_thunk_",
	"__x86_indirect_its_thunk_",
}

// IgnoredCallees are hooks whose call sites the kernel patches into NOPs at
// boot (ftrace). Calls to them make no call-graph edge.
var IgnoredCallees = []string{"__fentry__", "mcount", "__mcount"}

// FuncInfo is the analysis of one function.
type FuncInfo struct {
	Name    string
	Aliases []string // other symbols at the same address
	Addr    uint64
	Size    uint64 // as analysed: the symbol size, or derived
	Insns   int    // instructions decoded
	// Blocks, Edges and Exits describe the control-flow graph: basic blocks
	// without padding, edges between them, and edges to the virtual exit
	// node (ret, traps, tail calls, indirect jumps, noreturn calls).
	Blocks, Edges, Exits int
	// CC is McCabe's cyclomatic complexity E − N + 2 of that graph with the
	// exit node included: (Edges+Exits) − (Blocks+1) + 2. 0 for an empty
	// function.
	CC int
	// Calls are the callees (indexes into Program.Functions), sorted,
	// from direct calls and tail calls (jumps, conditional too, that leave
	// the function).
	Calls []int
	// Indirect are callees reached through indirect calls and jumps, as a
	// resolver outside this package (kernel/icall) found them: sorted, none
	// of them in Calls. Reach follows both.
	Indirect      []int
	IndirectCalls int // call *r/m and calls of retpoline thunks
	IndirectJumps int // jmp *r/m and jumps to retpoline thunks
	// Unresolved counts direct calls and jumps out of the function to
	// addresses in no known function.
	Unresolved int
	Undecoded  int  // bytes no decoder understood, skipped one at a time
	NoReturn   bool // listed, or derived: no path returns
}

// Program is the analysis of a kernel's text.
type Program struct {
	Base      uint64     // address of the first segment
	Functions []FuncInfo // by address
	byName    map[string]int
	segs      []Segment
	// segFirst[k] is the first function of segment k; segFirst[len(segs)]
	// is len(Functions).
	segFirst []int
	idx      *addrIndex
	// barrier[i]: reach does not enter function i (SetBarriers).
	barrier []bool
}

// SetBarriers names functions that reach never enters (nil: none), such
// as the crash paths (panic, __stack_chk_fail) that every function with a
// stack protector can call but no syscall runs in normal operation.
func (p *Program) SetBarriers(b []bool) { p.barrier = b }

// Barrier tells whether reach stops before function i.
func (p *Program) Barrier(i int) bool { return p.barrier != nil && p.barrier[i] }

// Lookup finds a function by any of its names.
func (p *Program) Lookup(name string) (int, bool) {
	i, ok := p.byName[name]
	return i, ok
}

// event is a control-flow relevant instruction: every instruction that is
// not Other, plus nothing else. Offsets are from the function start.
type event struct {
	off  uint32
	toff uint32 // internal target offset
	len  uint32
	kind Kind
	tgt  uint8 // tgtNone, tgtIn, tgtMid, tgtOut
	fcls uint8 // class of the callee for tgtOut
	to   int32 // callee function for tgtOut, -1 when unresolved
}

const (
	tgtNone = iota
	tgtIn   // an instruction start inside the function
	tgtMid  // inside the function but not an instruction start
	tgtOut  // outside the function
)

// function classes
const (
	clsNormal = iota
	clsReturnThunk
	clsIndirectThunk
	clsIgnored
)

type funcWork struct {
	cls      uint8
	noReturn int8 // -1 unknown, 0 returns, 1 noreturn
	returns  bool // has a ret-like exit
	tailTo   []int32
	insns    int
	// thunkCalls are direct calls of return or retpoline thunks, which
	// are not in FuncInfo.Calls but may turn out to be noreturn.
	thunkCalls []int32
}

// Segment is a range of code bytes mapped at an address: the kernel's
// .text, or the linked text of its modules.
type Segment struct {
	Addr uint64
	Data []byte
}

// Analyze decodes every function of text (mapped at base), builds its
// control-flow graph and the call graph. Functions outside text are dropped;
// a function reaching past the end of text is cut there.
func Analyze(text []byte, base uint64, funcs []Func, opt Options) (*Program, error) {
	return AnalyzeSegments([]Segment{{Addr: base, Data: text}}, funcs, opt)
}

// AnalyzeSegments is Analyze over several segments of code, such as the
// kernel's text and its modules' (calls between them are resolved like any
// other). Segments must not overlap; a function belongs to the segment
// holding its address and is cut at that segment's end.
func AnalyzeSegments(segs []Segment, funcs []Func, opt Options) (*Program, error) {
	p, fs, err := layout(segs, funcs)
	if err != nil {
		return nil, err
	}
	n := len(p.Functions)
	work := make([]funcWork, n)
	for i := range p.Functions {
		work[i].cls = classify(fs[i])
	}
	idx := newAddrIndex(p)
	p.idx = idx
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	// The first sweep builds every graph knowing only the listed noreturn
	// functions, and gathers what deriving the others needs. The second
	// sweep rebuilds the graphs of the functions that call a derived one.
	// Decoding twice costs less than keeping every function's events:
	// fresh memory is the dearer resource.
	listed := make([]bool, n)
	for _, list := range [][]string{DefaultNoReturn, opt.NoReturn} {
		for _, name := range list {
			if i, ok := p.byName[name]; ok {
				work[i].noReturn, listed[i] = 1, true
			}
		}
	}
	parallel(n, workers, func(lo, hi int) {
		var s sweeper
		var g cfgBuilder
		for i := lo; i < hi; i++ {
			evs := s.sweep(p, i, idx, work, opt.Reference)
			summarize(p, i, evs, &work[i])
			g.build(&p.Functions[i], evs, work, i)
		}
	})
	markNoReturn(p, work, listed)
	var again []int
	derived := func(c int) bool { return p.Functions[c].NoReturn && !listed[c] }
	for i := range p.Functions {
		if slices.ContainsFunc(p.Functions[i].Calls, derived) ||
			slices.ContainsFunc(work[i].thunkCalls, func(c int32) bool { return derived(int(c)) }) {
			again = append(again, i)
		}
	}
	parallel(len(again), workers, func(lo, hi int) {
		var s sweeper
		var g cfgBuilder
		for _, i := range again[lo:hi] {
			f := &p.Functions[i]
			f.Blocks, f.Edges, f.Exits, f.CC, f.Calls = 0, 0, 0, 0, nil
			f.IndirectCalls, f.IndirectJumps, f.Unresolved = 0, 0, 0
			evs := s.sweep(p, i, idx, work, opt.Reference)
			g.build(f, evs, work, i)
		}
	})
	return p, nil
}

// layout sorts and deduplicates funcs, derives missing sizes and cuts them
// to their segment. fs[i] lists every name of Functions[i].
func layout(segs []Segment, funcs []Func) (*Program, [][]string, error) {
	segs = slices.Clone(segs)
	slices.SortFunc(segs, func(a, b Segment) int { return cmpU64(a.Addr, b.Addr) })
	for k := 1; k < len(segs); k++ {
		if segs[k-1].Addr+uint64(len(segs[k-1].Data)) > segs[k].Addr {
			return nil, nil, fmt.Errorf("code segments at %#x and %#x overlap", segs[k-1].Addr, segs[k].Addr)
		}
	}
	segOf := func(a uint64) int {
		for k, sg := range segs {
			if a >= sg.Addr && a < sg.Addr+uint64(len(sg.Data)) {
				return k
			}
		}
		return -1
	}
	in := make([]Func, 0, len(funcs))
	for _, f := range funcs {
		if segOf(f.Addr) >= 0 {
			in = append(in, f)
		}
	}
	if len(in) == 0 {
		var b strings.Builder
		for k, sg := range segs {
			if k > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "[%#x, %#x)", sg.Addr, sg.Addr+uint64(len(sg.Data)))
		}
		return nil, nil, fmt.Errorf("%w %s", ErrNoFunctions, b.String())
	}
	// At one address, keep the largest size; the first name by sort order
	// becomes the function's name, so that output is deterministic.
	slices.SortFunc(in, func(a, b Func) int {
		switch {
		case a.Addr != b.Addr:
			return cmpU64(a.Addr, b.Addr)
		case a.Size != b.Size:
			return -cmpU64(a.Size, b.Size)
		}
		return strings.Compare(a.Name, b.Name)
	})
	p := &Program{Base: segs[0].Addr, segs: segs, byName: make(map[string]int, len(in)), Functions: make([]FuncInfo, 0, len(in))}
	names := make([][]string, 0, len(in))
	for _, f := range in {
		if k := len(p.Functions) - 1; k >= 0 && p.Functions[k].Addr == f.Addr {
			if f.Name != p.Functions[k].Name {
				p.Functions[k].Aliases = append(p.Functions[k].Aliases, f.Name)
				names[k] = append(names[k], f.Name)
			}
			if _, dup := p.byName[f.Name]; !dup {
				p.byName[f.Name] = k
			}
			continue
		}
		if _, dup := p.byName[f.Name]; !dup {
			p.byName[f.Name] = len(p.Functions)
		}
		p.Functions = append(p.Functions, FuncInfo{Name: f.Name, Addr: f.Addr, Size: f.Size})
		names = append(names, []string{f.Name})
	}
	p.segFirst = make([]int, len(segs)+1)
	k := 0
	for i := range p.Functions {
		f := &p.Functions[i]
		for f.Addr >= segs[k].Addr+uint64(len(segs[k].Data)) {
			k++
			p.segFirst[k] = i
		}
		end := segs[k].Addr + uint64(len(segs[k].Data))
		next := end
		if i+1 < len(p.Functions) && p.Functions[i+1].Addr < end {
			next = p.Functions[i+1].Addr
		}
		if f.Size == 0 {
			f.Size = next - f.Addr
		}
		if f.Addr+f.Size > end || f.Addr+f.Size < f.Addr {
			f.Size = end - f.Addr
		}
		if f.Size > 1<<31 {
			f.Size = 1 << 31
		}
	}
	for k++; k <= len(segs); k++ {
		p.segFirst[k] = len(p.Functions)
	}
	return p, names, nil
}

// Code returns the bytes of function i.
func (p *Program) Code(i int) []byte {
	f := &p.Functions[i]
	sg := p.segs[p.segment(i)]
	off := f.Addr - sg.Addr
	return sg.Data[off : off+f.Size]
}

// segment is the index of the segment holding function i.
func (p *Program) segment(i int) int {
	k, _ := slices.BinarySearch(p.segFirst[1:], i+1)
	return k
}

// Segments are the code segments analysed, by address.
func (p *Program) Segments() []Segment { return p.segs }

func cmpU64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func classify(names []string) uint8 {
	for _, n := range names {
		if slices.Contains(ReturnThunks, n) {
			return clsReturnThunk
		}
		for _, p := range IndirectThunkPrefixes {
			if strings.HasPrefix(n, p) {
				return clsIndirectThunk
			}
		}
		if slices.Contains(IgnoredCallees, n) {
			return clsIgnored
		}
	}
	return clsNormal
}

// parallel runs fn over [0,n) in chunks small enough to balance the load.
func parallel(n, workers int, fn func(lo, hi int)) {
	const chunk = 256
	var (
		mu   sync.Mutex
		next int
		wg   sync.WaitGroup
	)
	for w := 0; w < workers; w++ {
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

// sweeper decodes functions linearly, keeping its buffers between calls.
type sweeper struct {
	starts []uint64 // instruction-start bitmap of the current function
	evs    []event
}

// sweep decodes function i and returns its events, valid until the next
// call. It sets Insns and Undecoded.
func (s *sweeper) sweep(p *Program, i int, idx *addrIndex, work []funcWork, ref bool) []event {
	f := &p.Functions[i]
	var insns, bad int
	code := p.Code(i)
	words := (len(code) + 63) / 64
	if cap(s.starts) < words {
		s.starts = make([]uint64, words)
	}
	bits := s.starts[:words]
	clear(bits)
	evs := s.evs[:0]
	for off := 0; off < len(code); {
		var in Insn
		if code[off] == 0xcc {
			// A run of int3 is inter-function fill (up to megabytes where
			// the linker aligns a section) or SLS padding: one trap event.
			n := 1
			for off+n < len(code) && code[off+n] == 0xcc {
				n++
			}
			in = Insn{Len: n, Kind: Int3}
		} else {
			in = decode(code[off:], ref)
		}
		bits[off>>6] |= 1 << (off & 63)
		insns++
		if in.Kind == Bad {
			bad++
		}
		if in.Kind != Other && in.Kind != Bad {
			e := event{off: uint32(off), len: uint32(in.Len), kind: in.Kind, to: -1}
			if in.Kind == Cond || in.Kind == Jmp || in.Kind == Call {
				t := int64(off) + int64(in.Len) + in.Rel
				if t >= 0 && t < int64(len(code)) {
					e.tgt, e.toff = tgtIn, uint32(t)
				} else {
					e.tgt = tgtOut
					e.to = int32(idx.containing(f.Addr + uint64(t)))
					if e.to >= 0 {
						e.fcls = work[e.to].cls
					}
				}
			}
			evs = append(evs, e)
		}
		off += in.Len
	}
	for k := range evs {
		if e := &evs[k]; e.tgt == tgtIn && bits[e.toff>>6]&(1<<(e.toff&63)) == 0 {
			e.tgt = tgtMid
		}
	}
	s.evs = evs
	f.Insns, f.Undecoded = insns, bad
	return evs
}

// addrIndex finds the function containing an address in O(1): per
// segment, for each 64-byte granule, the last function starting at or
// before the granule's start.
type addrIndex struct {
	p     *Program
	first [][]int32 // per segment
}

const granule = 6 // log2 of the granule size

func newAddrIndex(p *Program) *addrIndex {
	x := &addrIndex{p: p, first: make([][]int32, len(p.segs))}
	for s, sg := range p.segs {
		first := make([]int32, uint64(len(sg.Data))>>granule+1)
		k := int32(p.segFirst[s] - 1)
		for g := range first {
			a := sg.Addr + uint64(g)<<granule
			for int(k+1) < p.segFirst[s+1] && p.Functions[k+1].Addr <= a {
				k++
			}
			first[g] = k
		}
		x.first[s] = first
	}
	return x
}

// containing returns the function whose [Addr, Addr+Size) holds a, or -1.
func (x *addrIndex) containing(a uint64) int {
	fs := x.p.Functions
	for s, sg := range x.p.segs {
		if a < sg.Addr || a-sg.Addr >= uint64(len(sg.Data)) {
			continue
		}
		k := int(x.first[s][(a-sg.Addr)>>granule])
		for k+1 < x.p.segFirst[s+1] && fs[k+1].Addr <= a {
			k++
		}
		if k < x.p.segFirst[s] || a >= fs[k].Addr+fs[k].Size {
			return -1
		}
		return k
	}
	return -1
}

// Containing returns the function whose code holds address a, or -1.
func (p *Program) Containing(a uint64) int {
	if p.idx == nil {
		return -1
	}
	return p.idx.containing(a)
}

// summarize records what markNoReturn needs from function i's events.
func summarize(p *Program, i int, evs []event, w *funcWork) {
	for _, e := range evs {
		switch {
		case e.kind == Ret, e.kind == JmpInd:
			w.returns = true
		case (e.kind == Jmp || e.kind == Cond) && e.tgt == tgtOut:
			if e.to < 0 || e.fcls == clsReturnThunk || e.fcls == clsIndirectThunk {
				w.returns = true
			} else if int(e.to) != i {
				w.tailTo = append(w.tailTo, e.to)
			}
		case (e.kind == Jmp || e.kind == Cond) && e.tgt == tgtMid:
			w.returns = true
		}
	}
	// How the code ends, trailing padding aside: a terminator, or a call
	// that must itself be noreturn, or plain code that runs into whatever
	// follows.
	end, k := uint32(p.Functions[i].Size), len(evs)-1
	for ; k >= 0; k-- {
		e := evs[k]
		if e.off+e.len != end || (e.kind != Nop && e.kind != Int3) {
			break
		}
		end = e.off
	}
	switch {
	case end == 0 || k < 0 || evs[k].off+evs[k].len != end:
		w.returns = true
	case evs[k].kind == Call && evs[k].tgt == tgtOut && evs[k].to >= 0:
		w.tailTo = append(w.tailTo, evs[k].to)
	case !terminates(evs[k].kind):
		w.returns = true
	}
	w.insns = p.Functions[i].Insns
	if w.insns == 0 {
		w.returns = true
	}
}

// markNoReturn sets NoReturn: listed functions, and functions with no
// ret-like exit whose every tail call goes to a noreturn function (objtool's
// dead_end_function rule, applied transitively; a cycle counts as returning).
func markNoReturn(p *Program, work []funcWork, listed []bool) {
	for i := range work {
		if !listed[i] {
			work[i].noReturn = -1
		}
	}
	var visit func(i int) bool
	visit = func(i int) bool {
		w := &work[i]
		switch w.noReturn {
		case 0:
			return false
		case 1:
			return true
		case 2: // on the stack: a cycle
			return false
		}
		if w.returns {
			w.noReturn = 0
			return false
		}
		w.noReturn = 2
		nr := true
		for _, t := range w.tailTo {
			if !visit(int(t)) {
				nr = false
				break
			}
		}
		w.noReturn = 0
		if nr {
			w.noReturn = 1
		}
		return nr
	}
	for i := range work {
		p.Functions[i].NoReturn = visit(i)
	}
}

func terminates(k Kind) bool {
	switch k {
	case Jmp, JmpInd, Ret, Trap, Int3:
		return true
	}
	return false
}

// thunkRegs names the register of each retpoline thunk suffix.
var thunkRegs = map[string]int8{
	"rax": RAX, "rcx": RCX, "rdx": RDX, "rbx": RBX, "rsp": RSP, "rbp": RBP, "rsi": RSI, "rdi": RDI,
	"r8": R8, "r9": R9, "r10": R10, "r11": R11, "r12": R12, "r13": R13, "r14": R14, "r15": R15,
}

// ThunkRegister tells whether function i is a retpoline thunk and, if so,
// the register holding the target of a call or jump to it
// (__x86_indirect_thunk_rax → RAX). A thunk known only by an array name
// (__x86_indirect_thunk_array, the rax thunk's alias) gives RAX.
func (p *Program) ThunkRegister(i int) (int8, bool) {
	f := &p.Functions[i]
	thunk := false
	for _, n := range append([]string{f.Name}, f.Aliases...) {
		for _, pre := range IndirectThunkPrefixes {
			if rest, ok := strings.CutPrefix(n, pre); ok {
				thunk = true
				if r, ok := thunkRegs[rest]; ok {
					return r, true
				}
			}
		}
	}
	if thunk {
		return RAX, true
	}
	return NoReg, false
}

// SetIndirect records the callees function i reaches through indirect
// calls (see FuncInfo.Indirect); callees already in Calls are left out.
func (p *Program) SetIndirect(i int, callees []int) {
	f := &p.Functions[i]
	out := make([]int, 0, len(callees))
	for _, c := range callees {
		if _, direct := slices.BinarySearch(f.Calls, c); !direct && c >= 0 && c < len(p.Functions) {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	f.Indirect = slices.Compact(out)
}
