package analysis

import (
	"runtime"
	"slices"
	"strings"
	"sync"

	"sysweight/kernel/icall"
	"sysweight/kernel/x86"
)

// Graph is the call graph of one analysis with the reverse index that
// attribution needs. It is built once by Analyze and then only read, so it
// is safe for concurrent use.
type Graph struct {
	prog *x86.Program
	hub  []bool
	// names are the indexed syscalls (implemented, entry not a hub), in the
	// report's order; entry[k] is syscall k's entry function.
	names []string
	entry []int32
	// words is the bitset width; set[f*words:(f+1)*words] holds the
	// syscalls that reach function f (hubs have none: they are not
	// indexed), count[f] its population.
	words int
	set   []uint64
	count []int32
	// tree[k] is syscall k's BFS tree over non-hub functions, built on
	// first use (treeOf).
	tree []bfsTree
	once []sync.Once
	// byName maps every symbol name, and each name cut at its first '.'
	// (foo.isra.0, foo.cold → foo), to functions.
	byName map[string][]int32
	// file is each function's source file (FileMap), "" when unknown;
	// byFile the functions of each file (setFiles).
	file   []string
	byFile map[string][]int32
	// inlined maps a function name to the functions holding an inlined
	// copy of it and the files declaring it (FileMap.Inlined), for names
	// with no symbol of their own.
	inlined map[string]Inlining
	// module[f] indexes modules and moduleDirs (−1: vmlinux).
	module     []int32
	modules    []string
	moduleDirs []string
	// via labels the indirect edges: (from, to) → the member or table
	// the call goes through ("file_operations.read_iter").
	via map[[2]int32]string
	ind *icall.Result
	// calledAs: CalledAs's index, built on first use
	calledAsOnce sync.Once
	calledAs     map[int32][]string
}

// Resolution is the indirect-call resolution the graph was built with (nil
// with Options.NoIndirect or without BTF).
func (g *Graph) Resolution() *icall.Result { return g.ind }

// Program is the analysed code.
func (g *Graph) Program() *x86.Program { return g.prog }

// setModules records the module of each function and the labels of the
// resolved indirect edges.
func (g *Graph) setModules(kp *kernelParts, mod []int32, ind *icall.Result) {
	g.module, g.ind = mod, ind
	if kp.modules != nil {
		for _, o := range kp.modules.Modules {
			g.modules = append(g.modules, o.Name)
			g.moduleDirs = append(g.moduleDirs, moduleDir(o.File))
		}
	}
	if ind != nil {
		g.via = make(map[[2]int32]string, len(ind.Edges))
		for _, e := range ind.Edges {
			label := e.How
			if e.Via != "" {
				label = e.How + " " + e.Via
			}
			g.via[[2]int32{e.From, e.To}] = label
		}
	}
}

// Module is the name of the module holding function f, "" for vmlinux.
func (g *Graph) Module(f int) string {
	if g.module == nil || g.module[f] < 0 || int(g.module[f]) >= len(g.modules) {
		return ""
	}
	return g.modules[g.module[f]]
}

// ModuleDir is the source directory of the module holding function f, as
// its .ko's path in the package gives it ("drivers/md/" for
// .../kernel/drivers/md/dm-crypt.ko); "" for vmlinux, or when the module
// was read from elsewhere.
func (g *Graph) ModuleDir(f int) string {
	if g.module == nil || g.module[f] < 0 || int(g.module[f]) >= len(g.moduleDirs) {
		return ""
	}
	return g.moduleDirs[g.module[f]]
}

// moduleDir is the directory under lib/modules/RELEASE/kernel/ of a
// module file's path, with a trailing '/'; "" for a path not under it.
func moduleDir(path string) string {
	_, rest, ok := strings.Cut(path, "/kernel/")
	if !ok || !strings.HasPrefix(path, "lib/modules/") && !strings.Contains(path, "/lib/modules/") {
		return ""
	}
	i := strings.LastIndexByte(rest, '/')
	if i < 0 {
		return ""
	}
	return rest[:i+1]
}

// CalledAs lists, for function f, the function-pointer members and
// tables through which resolved indirect calls reach it
// ("file_operations.write", "proc_ops.proc_write", "table io_op_defs"):
// the methods it is stored as. Calls resolved by prototype or parameter
// name no member and are left out. Sorted, without repeats.
func (g *Graph) CalledAs(f int) []string {
	g.calledAsOnce.Do(g.indexCalledAs)
	return g.calledAs[int32(f)]
}

func (g *Graph) indexCalledAs() {
	g.calledAs = map[int32][]string{}
	if g.ind == nil {
		return
	}
	for _, e := range g.ind.Edges {
		if m := calledAsLabel(e); m != "" && !slices.Contains(g.calledAs[e.To], m) {
			g.calledAs[e.To] = append(g.calledAs[e.To], m)
		}
	}
	for _, l := range g.calledAs {
		slices.Sort(l)
	}
}

// calledAsLabel is the member or table an edge goes through, "" when it
// names none.
func calledAsLabel(e icall.Edge) string {
	switch e.How {
	case icall.ViaMember, icall.ViaUntyped, icall.ViaDowncast:
		return e.Via
	case icall.ViaTable:
		return "table " + e.Via
	}
	return ""
}

// Via labels the call from → to when it is an indirect call the resolver
// found ("member file_operations.read_iter"); "" for a direct call.
func (g *Graph) Via(from, to int) string {
	return g.via[[2]int32{int32(from), int32(to)}]
}

// bfsTree is one syscall's breadth-first walk: the functions reached,
// sorted, and each one's parent (a function index, −1 for the entry).
type bfsTree struct {
	fn     []int32
	parent []int32
}

func (t *bfsTree) parentOf(f int32) (int32, bool) {
	i, ok := slices.BinarySearch(t.fn, f)
	if !ok {
		return 0, false
	}
	return t.parent[i], true
}

// newGraph indexes the syscalls of list that are implemented and whose
// entry is not a hub.
func newGraph(p *x86.Program, sr *x86.SyscallReport, list []Syscall, workers int) *Graph {
	n := len(p.Functions)
	g := &Graph{prog: p, hub: make([]bool, n), byName: make(map[string][]int32, n)}
	for _, h := range sr.Hubs {
		g.hub[h] = true
	}
	for _, s := range list {
		if s.NotImplemented {
			continue
		}
		e, ok := p.Lookup(s.Entry)
		if !ok || g.hub[e] {
			continue
		}
		g.names = append(g.names, s.Name)
		g.entry = append(g.entry, int32(e))
	}
	g.words = (len(g.names) + 63) / 64
	g.set = make([]uint64, n*g.words)
	g.count = make([]int32, n)
	g.tree = make([]bfsTree, len(g.names))
	g.once = make([]sync.Once, len(g.names))
	// Who reaches what comes from the reach sets kernel/x86 computed for
	// the metrics, renumbered to this graph's syscalls; BFS trees (call
	// paths) are built when first asked for.
	rs := sr.Sets
	rsk := make([]int, len(g.names))
	for k, e := range g.entry {
		rsk[k], _ = slices.BinarySearch(rs.Entries, int(e))
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	x86Parallel(n, workers, func(lo, hi int) {
		for f := lo; f < hi; f++ {
			if g.hub[f] {
				continue
			}
			of := rs.Of(f)
			empty := true
			for _, w := range of {
				if w != 0 {
					empty = false
					break
				}
			}
			if empty {
				continue
			}
			row := g.set[f*g.words : (f+1)*g.words]
			c := 0
			for k, rk := range rsk {
				if of[rk/64]&(1<<(rk%64)) != 0 {
					row[k/64] |= 1 << (k % 64)
					c++
				}
			}
			g.count[f] = int32(c)
		}
	})
	for i, f := range p.Functions {
		g.addName(f.Name, int32(i))
		for _, a := range f.Aliases {
			g.addName(a, int32(i))
		}
	}
	return g
}

// treeOf is syscall k's BFS tree.
func (g *Graph) treeOf(k int) *bfsTree {
	g.once[k].Do(func() {
		n := len(g.prog.Functions)
		var buf []int32
		g.tree[k] = g.bfs(k, make([]int32, n), make([]int32, n), &buf)
	})
	return &g.tree[k]
}

// x86Parallel runs fn over [0,n) in chunks on workers goroutines.
func x86Parallel(n, workers int, fn func(lo, hi int)) {
	const chunk = 4096
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for lo := range next {
				fn(lo, min(lo+chunk, n))
			}
		}()
	}
	for lo := 0; lo < n; lo += chunk {
		next <- lo
	}
	close(next)
	wg.Wait()
}

// bfs walks from syscall k's entry without entering hubs. Every function a
// hub reaches is a hub too (x86.Program.Reach), so the walk finds every
// non-hub function the syscall reaches, each by a shortest path.
func (g *Graph) bfs(k int, parent, stamp []int32, buf *[]int32) bfsTree {
	mark := int32(k + 1)
	e := g.entry[k]
	queue := append((*buf)[:0], e)
	stamp[e], parent[e] = mark, -1
	for h := 0; h < len(queue); h++ {
		f := queue[h]
		fi := &g.prog.Functions[f]
		for _, cs := range [2][]int{fi.Calls, fi.Indirect} {
			for _, c := range cs {
				if stamp[c] != mark && !g.hub[c] && !g.prog.Barrier(c) {
					stamp[c], parent[c] = mark, f
					queue = append(queue, int32(c))
				}
			}
		}
	}
	*buf = queue
	t := bfsTree{fn: slices.Clone(queue)}
	slices.Sort(t.fn)
	t.parent = make([]int32, len(t.fn))
	for i, f := range t.fn {
		t.parent[i] = parent[f]
	}
	return t
}

func (g *Graph) addName(name string, f int32) {
	add := func(k string) {
		if l := g.byName[k]; !slices.Contains(l, f) {
			g.byName[k] = append(l, f)
		}
	}
	add(name)
	if i := strings.IndexByte(name, '.'); i > 0 {
		add(name[:i])
	}
}

// Lookup returns the functions named name (or name.suffix), by address.
func (g *Graph) Lookup(name string) []int {
	l := g.byName[name]
	out := make([]int, len(l))
	for i, f := range l {
		out[i] = int(f)
	}
	slices.Sort(out)
	return out
}

// Name is function f's symbol name.
func (g *Graph) Name(f int) string { return g.prog.Functions[f].Name }

// Hub reports whether function f is a hub (shared by most syscalls).
func (g *Graph) Hub(f int) bool { return g.hub[f] }

// Syscalls returns the syscalls that reach function f, in report order;
// nil for a hub.
func (g *Graph) Syscalls(f int) []string {
	var out []string
	for k := range g.names {
		if g.set[f*g.words+k/64]&(1<<(k%64)) != 0 {
			out = append(out, g.names[k])
		}
	}
	return out
}

// Count is how many syscalls reach function f (0 for a hub).
func (g *Graph) Count(f int) int { return int(g.count[f]) }

func (g *Graph) reaches(k int, f int32) bool {
	return g.set[int(f)*g.words+k/64]&(1<<(k%64)) != 0
}

// depth is the number of functions on the path from syscall k's entry to
// f (1 for the entry), 1<<30 when the BFS tree lacks f.
func (g *Graph) depth(k int, f int32) int {
	n := 0
	for f >= 0 {
		p, ok := g.treeOf(k).parentOf(f)
		if !ok {
			return 1 << 30
		}
		n++
		f = p
	}
	return n
}

// Reachers calls yield for each syscall that reaches function f within
// maxDepth calls (maxDepth < 0: any number), in the report's order, with
// the calls from its entry. A hub has none: the graph does not index hubs
// and does not walk back to them (hubs is there for the interface of
// vuln/attrib/site, which the ReachIndex answers). No path is incidental:
// the graph knows no incidental rule.
func (g *Graph) Reachers(f, maxDepth int, hubs bool, yield func(syscall string, depth int, incidental bool)) {
	for k := range g.names {
		if !g.reaches(k, int32(f)) {
			continue
		}
		d := g.depth(k, int32(f)) - 1
		if maxDepth >= 0 && d > maxDepth {
			continue
		}
		yield(g.names[k], d, false)
	}
}

// setFiles records each function's source file and indexes them by file.
func (g *Graph) setFiles(files []string) {
	g.file = files
	g.byFile = map[string][]int32{}
	for f, name := range files {
		g.byFile[name] = append(g.byFile[name], int32(f))
	}
}

// Inlining is where a function the kernel has no symbol for went: the
// functions holding an inlined copy of it and the source files declaring
// it (more than one when static functions of one name in several files
// were all inlined), each sorted.
type Inlining struct {
	Into, Files []string
}

// inlinedMap keeps, of the inlinings, those of names the graph has no
// function for.
func inlinedMap(in []Inline, known func(string) bool) map[string]Inlining {
	m := map[string]Inlining{}
	for _, i := range in {
		if !known(i.Name) && known(i.Into) {
			x := m[i.Name]
			x.Into = append(x.Into, i.Into)
			if i.File != "" {
				x.Files = append(x.Files, i.File)
			}
			m[i.Name] = x
		}
	}
	for k, x := range m {
		slices.Sort(x.Into)
		slices.Sort(x.Files)
		m[k] = Inlining{slices.Compact(x.Into), slices.Compact(x.Files)}
	}
	return m
}

// InlinedInto lists, for a function name the kernel has no function of
// (a static function inlined everywhere), the functions that hold an
// inlined copy of it and the files that declare it, sorted; none without
// a FileMap's inlinings (SetFileMap) or for a name the kernel has.
func (g *Graph) InlinedInto(name string) (into, files []string) {
	x := g.inlined[name]
	return x.Into, x.Files
}

// FuncsInFile lists the functions defined in a source file
// ("net/ipv4/tcp.c"), ascending; "" lists those of no known file (every
// function before SetFileMap).
func (g *Graph) FuncsInFile(file string) []int {
	file = cleanPath(file)
	if g.file == nil {
		if file != "" {
			return nil
		}
		out := make([]int, len(g.prog.Functions))
		for f := range out {
			out[f] = f
		}
		return out
	}
	return int32s(g.byFile[file])
}

// HasFiles reports whether a FileMap gave the functions their source
// files (SetFileMap).
func (g *Graph) HasFiles() bool { return g.file != nil }

func int32s(l []int32) []int {
	if len(l) == 0 {
		return nil
	}
	out := make([]int, len(l))
	for i, f := range l {
		out[i] = int(f)
	}
	return out
}

// Path returns a shortest call path from syscall's entry to function f,
// entry first, or nil when the syscall does not reach f.
func (g *Graph) Path(syscall string, f int) []string {
	k := slices.Index(g.names, syscall)
	if k < 0 {
		return nil
	}
	return g.path(k, int32(f))
}

// Step is one function of a call path: its name, its module ("" for
// vmlinux) and, when the call into it is indirect, how the resolver found
// it ("member file_operations.read_iter", "table io_issue_defs").
type Step struct {
	Func   string `json:"func"`
	Module string `json:"module,omitempty"`
	Via    string `json:"via,omitempty"`
}

// PathVia is Path with modules and the indirect hops marked.
func (g *Graph) PathVia(syscall string, f int) []Step {
	k := slices.Index(g.names, syscall)
	if k < 0 {
		return nil
	}
	var rev []Step
	for c := int32(f); c >= 0; {
		p, ok := g.treeOf(k).parentOf(c)
		if !ok {
			return nil
		}
		st := Step{Func: g.prog.Functions[c].Name, Module: g.Module(int(c))}
		if p >= 0 {
			st.Via = g.Via(int(p), int(c))
		}
		rev = append(rev, st)
		c = p
	}
	slices.Reverse(rev)
	return rev
}

func (g *Graph) path(k int, f int32) []string {
	var rev []string
	for f >= 0 {
		p, ok := g.treeOf(k).parentOf(f)
		if !ok {
			return nil
		}
		rev = append(rev, g.prog.Functions[f].Name)
		f = p
	}
	slices.Reverse(rev)
	return rev
}

// functions lists every function for Report.Functions.
func (g *Graph) functions(file []string) []Function {
	out := make([]Function, len(g.prog.Functions))
	for i, f := range g.prog.Functions {
		out[i] = Function{Name: f.Name, Addr: f.Addr, CC: f.CC, Hub: g.hub[i], Syscalls: int(g.count[i])}
		if file != nil {
			out[i].File = file[i]
		}
	}
	return out
}

// Reached is one function a syscall reaches, with a shortest call path.
type Reached struct {
	Func   int
	Depth  int  // calls from the entry (the entry is 0)
	Hub    bool // shared infrastructure, left out of reach and complexity
	parent int32
}

// Walk lists every function the syscall reaches through direct and
// resolved indirect calls, hubs included, in breadth-first order (so by
// depth), with parents for Path. Barrier functions (crash paths) are not
// entered. nil when the syscall has no implemented entry.
func (g *Graph) Walk(syscall string) *Walk {
	k := slices.Index(g.names, syscall)
	if k < 0 {
		return nil
	}
	n := len(g.prog.Functions)
	parent := make([]int32, n)
	for i := range parent {
		parent[i] = -2
	}
	e := g.entry[k]
	parent[e] = -1
	w := &Walk{g: g, index: map[int]int{}}
	queue := []int32{e}
	depth := []int32{0}
	for h := 0; h < len(queue); h++ {
		f := queue[h]
		w.list = append(w.list, Reached{Func: int(f), Depth: int(depth[h]), Hub: g.hub[f], parent: parent[f]})
		w.index[int(f)] = h
		fi := &g.prog.Functions[f]
		for _, cs := range [2][]int{fi.Calls, fi.Indirect} {
			for _, c := range cs {
				if parent[c] == -2 && !g.prog.Barrier(c) {
					parent[c] = f
					queue = append(queue, int32(c))
					depth = append(depth, depth[h]+1)
				}
			}
		}
	}
	return w
}

// Walk is the result of Graph.Walk.
type Walk struct {
	g     *Graph
	list  []Reached
	index map[int]int
}

// Functions are the functions reached, by depth.
func (w *Walk) Functions() []Reached { return w.list }

// Reaches tells whether function f is reached.
func (w *Walk) Reaches(f int) bool { _, ok := w.index[f]; return ok }

// Path is a shortest call path from the entry to f, with modules and the
// indirect hops marked; nil when f is not reached.
func (w *Walk) Path(f int) []Step {
	i, ok := w.index[f]
	if !ok {
		return nil
	}
	var rev []Step
	for {
		r := w.list[i]
		st := Step{Func: w.g.prog.Functions[r.Func].Name, Module: w.g.Module(r.Func)}
		if r.parent >= 0 {
			st.Via = w.g.Via(int(r.parent), r.Func)
		}
		rev = append(rev, st)
		if r.parent < 0 {
			break
		}
		i = w.index[int(r.parent)]
	}
	slices.Reverse(rev)
	return rev
}

// CC is function f's cyclomatic complexity.
func (g *Graph) CC(f int) int { return g.prog.Functions[f].CC }
