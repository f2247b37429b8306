package analysis

import (
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"

	"sysweight/kernel/btf"
	"sysweight/kernel/icall"
	"sysweight/kernel/image"
	"sysweight/kernel/kallsyms"
	"sysweight/kernel/module"
	"sysweight/kernel/x86"
)

// ModuleFile is one kernel module to analyse with the image: its name for
// messages (a path) and its bytes (an uncompressed .ko).
type ModuleFile struct {
	Path string
	Data []byte
}

// ErrWrongKernel means a module was built for another kernel release than
// the image.
var ErrWrongKernel = errors.New("module built for another kernel")

// Where module code and data are placed: the x86-64 module area
// (Documentation/arch/x86/x86_64/mm.rst), within ±2 GiB of the kernel text
// so that rel32 calls reach both ways.
const (
	moduleTextAddr = 0xffffffffc0000000
	moduleDataAddr = 0xffffffffd0000000
)

// kernelParts is what a whole-kernel analysis is built from.
type kernelParts struct {
	segs    []x86.Segment
	funcs   []x86.Func
	modules *module.Set
	btf     *btf.Spec
	modBTF  []*btf.Spec
	slots   []icall.Slot
	objects []icall.Object
	data    []icall.Region
	aux     []x86.Segment
	release string
	// faults are the instructions the exception tables list
	faults []uint64
}

// vmlinuxSlotSections are the sections scanned for initialised function
// and data pointers: read-only and writable data, module parameters, the
// built-in modules' version attributes (__modver: struct
// module_version_attribute, whose show /sys/module/*/version reads;
// Version 33) and the APIC driver table. .init.* are left out: their pointers serve boot
// only, which no syscall reaches.
var vmlinuxSlotSections = []string{".rodata", ".data", "__param", "__modver", ".data_nosave", ".apicdrivers"}

// collect gathers the parts: the image's text and symbols, its BTF and
// initialised pointers, and the modules linked against it.
func collect(v *image.Vmlinux, text *image.Section, syms []kallsyms.Symbol, funcs []x86.Func, mods []ModuleFile, release string, workers int) (*kernelParts, error) {
	kp := &kernelParts{segs: []x86.Segment{{Addr: text.Addr, Data: text.Data}}, funcs: funcs, release: release}
	// .init.text runs at boot only, so no syscall reaches it, but it is
	// where most callbacks are registered (open_softirq(NET_RX_SOFTIRQ,
	// net_rx_action), notifier and ops registrations): the resolver reads
	// its stores. Its functions come from the same symbols.
	if it, err := v.Section(".init.text"); err == nil && len(it.Data) > 0 {
		kp.segs = append(kp.segs, x86.Segment{Addr: it.Addr, Data: it.Data})
	}
	// .altinstr_aux holds static_cpu_has's feature tests, which text
	// jumps to and back from until the alternatives are applied: the
	// resolver follows those jumps back (icall.Kernel.Aux).
	if ax, err := v.Section(".altinstr_aux"); err == nil && len(ax.Data) > 0 {
		kp.aux = append(kp.aux, x86.Segment{Addr: ax.Addr, Data: ax.Data})
	}
	if b, err := v.Section(".BTF"); err == nil {
		s, err := btf.Parse(b.Data, nil)
		if err != nil {
			return nil, fmt.Errorf(".BTF: %w", err)
		}
		kp.btf = s
	}
	// Data: regions, objects (data symbols sized to the next symbol, the
	// only size kallsyms gives) and the pointers initialised in them.
	for _, s := range v.ELF.Sections {
		if s.Flags&elf.SHF_ALLOC == 0 || s.Flags&elf.SHF_EXECINSTR != 0 || s.Addr == 0 || s.Size == 0 {
			continue
		}
		kp.data = append(kp.data, icall.Region{Addr: s.Addr, Size: s.Size})
	}
	sorted := slices.Clone(syms)
	kallsyms.SortByAddr(sorted)
	for k, s := range sorted {
		if s.Module != "" || s.IsText() {
			continue
		}
		switch s.Type {
		case 'd', 'D', 'r', 'R', 'b', 'B':
		default:
			continue
		}
		size := uint64(0)
		if k+1 < len(sorted) && sorted[k+1].Addr > s.Addr {
			size = sorted[k+1].Addr - s.Addr
		}
		kp.objects = append(kp.objects, icall.Object{Name: s.Name, Addr: s.Addr, Size: size, Module: -1})
	}
	starts := make(map[uint64]bool, len(funcs))
	for _, f := range funcs {
		starts[f.Addr] = true
	}
	inRegion := func(a uint64) bool {
		for _, r := range kp.data {
			if a >= r.Addr && a-r.Addr < r.Size {
				return true
			}
		}
		return false
	}
	for _, name := range vmlinuxSlotSections {
		sec, err := v.Section(name)
		if err != nil {
			continue
		}
		d := sec.Data
		for off := (8 - sec.Addr%8) % 8; off+8 <= uint64(len(d)); off += 8 {
			t := binary.LittleEndian.Uint64(d[off:])
			if t < 0xffff800000000000 {
				continue
			}
			if starts[t] || inRegion(t) {
				kp.slots = append(kp.slots, icall.Slot{Addr: sec.Addr + off, Target: t})
			}
		}
	}
	if sec, err := v.Section("__ex_table"); err == nil {
		for off := 0; off+12 <= len(sec.Data); off += 12 {
			rel := int32(binary.LittleEndian.Uint32(sec.Data[off:]))
			kp.faults = append(kp.faults, sec.Addr+uint64(off)+uint64(int64(rel)))
		}
	}
	if len(mods) == 0 {
		kp.sortData()
		return kp, nil
	}
	// Modules.
	objs := make([]*module.Object, 0, len(mods))
	for _, m := range mods {
		o, err := module.Parse(m.Data, m.Path)
		if err != nil {
			return nil, err
		}
		if r := o.Release(); release != "" && r != "" && r != release {
			return nil, fmt.Errorf("%s: %w: vermagic %q, the image is %s", m.Path, ErrWrongKernel, r, release)
		}
		objs = append(objs, o)
	}
	addr := make(map[string]uint64, len(syms))
	for _, s := range syms {
		if s.Module != "" {
			continue
		}
		if _, ok := addr[s.Name]; !ok || s.IsGlobal() {
			addr[s.Name] = s.Addr
		}
	}
	set, err := module.Link(objs, func(n string) (uint64, bool) { a, ok := addr[n]; return a, ok }, moduleTextAddr, moduleDataAddr)
	if err != nil {
		return nil, err
	}
	kp.modules = set
	kp.faults = append(kp.faults, set.Faults...)
	kp.segs = append(kp.segs, x86.Segment{Addr: set.TextAddr, Data: set.Text})
	for _, f := range set.Funcs {
		kp.funcs = append(kp.funcs, x86.Func{Name: f.Name, Addr: f.Addr, Size: f.Size})
	}
	var dataEnd uint64 = moduleDataAddr
	for _, o := range set.Objects {
		kp.objects = append(kp.objects, icall.Object{Name: o.Name, Addr: o.Addr, Size: o.Size, Module: int32(o.Module)})
		dataEnd = max(dataEnd, o.Addr+o.Size)
	}
	for _, s := range set.Slots {
		kp.slots = append(kp.slots, icall.Slot{Addr: s.Addr, Target: s.Target})
		dataEnd = max(dataEnd, s.Addr+8)
	}
	kp.data = append(kp.data, icall.Region{Addr: moduleDataAddr, Size: dataEnd - moduleDataAddr})
	kp.modBTF = make([]*btf.Spec, len(objs))
	if kp.btf != nil {
		errs := make([]error, len(objs))
		parallelDo(len(objs), workers, func(i int) {
			if objs[i].BTF == nil {
				return
			}
			s, err := btf.Parse(objs[i].BTF, kp.btf)
			if err != nil {
				errs[i] = fmt.Errorf("%s: .BTF: %w", objs[i].File, err)
				return
			}
			kp.modBTF[i] = s
		})
		if err := errors.Join(errs...); err != nil {
			return nil, err
		}
	}
	kp.sortData()
	return kp, nil
}

func (kp *kernelParts) sortData() {
	slices.SortFunc(kp.slots, func(a, b icall.Slot) int { return cmpU64(a.Addr, b.Addr) })
	slices.SortFunc(kp.objects, func(a, b icall.Object) int { return cmpU64(a.Addr, b.Addr) })
	slices.SortFunc(kp.data, func(a, b icall.Region) int { return cmpU64(a.Addr, b.Addr) })
}

// moduleOf gives each analysed function its module index (−1: vmlinux).
func (kp *kernelParts) moduleOf(p *x86.Program) []int32 {
	out := make([]int32, len(p.Functions))
	for i, f := range p.Functions {
		out[i] = -1
		if kp.modules != nil {
			out[i] = int32(kp.modules.ModuleOf(f.Addr))
		}
	}
	return out
}

// resolveIndirect runs kernel/icall and records the edges in p.
func (kp *kernelParts) resolveIndirect(p *x86.Program, mod []int32, opt Options) (*icall.Result, error) {
	if kp.btf == nil {
		return nil, nil
	}
	ro := opt.Resolve
	if ro.Workers == 0 {
		ro.Workers = opt.Workers
	}
	res, err := icall.Resolve(&icall.Kernel{Prog: p, Module: mod, BTF: kp.btf, ModBTF: kp.modBTF,
		Slots: kp.slots, Objects: kp.objects, Data: kp.data, Aux: kp.aux}, ro)
	if err != nil {
		return nil, err
	}
	res.Edges = moveFputWork(p, res.Edges)
	res.Edges = sortCalls(append(res.Edges, kp.faultEdges(p)...))
	var callees []int
	for k := 0; k < len(res.Edges); {
		from := res.Edges[k].From
		callees = callees[:0]
		for ; k < len(res.Edges) && res.Edges[k].From == from; k++ {
			callees = append(callees, int(res.Edges[k].To))
		}
		p.SetIndirect(int(from), callees)
	}
	return res, nil
}

// releaseOf is the kernel release of a banner ("Linux version 6.1.0-… ").
func releaseOf(banner string) string {
	r, _, _ := strings.Cut(strings.TrimPrefix(banner, "Linux version "), " ")
	return r
}

func parallelDo(n, workers int, fn func(i int)) {
	if workers <= 0 {
		workers = 2
	}
	ch := make(chan int)
	done := make(chan struct{})
	for range workers {
		go func() {
			for i := range ch {
				fn(i)
			}
			done <- struct{}{}
		}()
	}
	for i := range n {
		ch <- i
	}
	close(ch)
	for range workers {
		<-done
	}
}

// fputQueuers are the functions that queue ____fput as task work when they
// drop a file's last reference; fputSyscalls are the syscalls whose purpose
// is to drop one, so that ->release runs when they return to user space.
// Every syscall that takes a file reference calls fput, but only these
// drop the last one in normal operation; an edge from fput would make the
// release and fasync methods of every file type look reachable from read,
// write and the rest.
var (
	fputQueuers  = []string{"fput", "fput_many"}
	fputSyscalls = []string{"close", "close_range", "dup2", "dup3"}
)

// moveFputWork moves the task_work edges of fputQueuers to the entries of
// fputSyscalls. edges stay sorted.
func moveFputWork(p *x86.Program, edges []icall.Edge) []icall.Edge {
	queuer := map[int32]bool{}
	for _, n := range fputQueuers {
		if i, ok := p.Lookup(n); ok {
			queuer[int32(i)] = true
		}
	}
	var moved []icall.Edge
	out := edges[:0]
	for _, e := range edges {
		if e.How == icall.ViaTask && queuer[e.From] {
			moved = append(moved, e)
			continue
		}
		out = append(out, e)
	}
	for _, e := range moved {
		for _, sc := range fputSyscalls {
			if i, ok := p.Lookup(x86.EntrySymbol(sc)); ok {
				out = append(out, icall.Edge{From: int32(i), To: e.To, How: e.How, Via: e.Via + " (on close)"})
			}
		}
	}
	return sortCalls(out)
}

// cmpCall orders edges by caller, then callee.
func cmpCall(a, b icall.Edge) int {
	if a.From != b.From {
		return int(a.From - b.From)
	}
	return int(a.To - b.To)
}

// sortCalls sorts edges by caller and callee and keeps one edge of each
// pair, as slices.SortFunc then CompactFunc by cmpCall do. The edges come
// sorted but for a few appended at the end (moved or fault edges), where
// pdqsort took 0.1 s on the package's 170,000: when no pair repeats, the
// result is the only sorted one, and merging the sorted prefix with the
// sorted rest gives it; a repeated pair keeps whichever edge pdqsort
// leaves first, so then it sorts as before.
func sortCalls(edges []icall.Edge) []icall.Edge {
	n := 1
	for n < len(edges) && cmpCall(edges[n-1], edges[n]) < 0 {
		n++
	}
	if n >= len(edges) {
		return edges
	}
	rest := slices.Clone(edges[n:])
	slices.SortFunc(rest, cmpCall)
	out := make([]icall.Edge, 0, len(edges))
	i, j := 0, 0
	for i < n || j < len(rest) {
		if i < n && j < len(rest) && cmpCall(edges[i], rest[j]) == 0 ||
			j > 0 && j < len(rest) && cmpCall(rest[j-1], rest[j]) == 0 {
			slices.SortFunc(edges, cmpCall)
			return slices.CompactFunc(edges, func(a, b icall.Edge) bool { return cmpCall(a, b) == 0 })
		}
		if j == len(rest) || i < n && cmpCall(edges[i], rest[j]) < 0 {
			out = append(out, edges[i])
			i++
		} else {
			out = append(out, rest[j])
			j++
		}
	}
	return out
}

// exitFuncs are the noreturn functions syscalls call on purpose (exit,
// exit_group), and do_task_dead, where do_exit schedules away for the
// last time; every other noreturn function (panic, __stack_chk_fail,
// make_task_dead, BUG paths) is a barrier: reach does not enter it.
var exitFuncs = []string{"do_exit", "do_group_exit", "do_task_dead"}

func barriers(p *x86.Program) []bool {
	b := make([]bool, len(p.Functions))
	for i, f := range p.Functions {
		b[i] = f.NoReturn && !slices.Contains(exitFuncs, f.Name)
	}
	return b
}

// faultHandler is the page-fault exception entry (arch/x86/mm/fault.c).
const faultHandler = "exc_page_fault"

// faultEdges model the page faults of user-memory accesses: a function
// with an exception-table entry (get_user, copy_from_user and friends,
// inlined or not) may fault there, and the fault handler runs in the
// syscall's context, so the function gets an edge to exc_page_fault.
func (kp *kernelParts) faultEdges(p *x86.Program) []icall.Edge {
	h, ok := p.Lookup(faultHandler)
	if !ok {
		return nil
	}
	var out []icall.Edge
	last := -1
	for _, a := range kp.faults {
		f := p.Containing(a)
		if f < 0 || f == last || f == h {
			continue
		}
		last = f
		out = append(out, icall.Edge{From: int32(f), To: int32(h), How: icall.ViaFault, Via: "__ex_table"})
	}
	return out
}
