package analysis

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"sysweight/internal/atomicfile"
)

// ReachIndexVersion names the layout of a ReachIndex; a cached index of
// another version is rebuilt.
const ReachIndexVersion = 9

// ReachIndex is the part of a kernel call graph that bug-site attribution
// needs, small enough to cache: for every function that at least one
// syscall reaches (hubs are not indexed), which syscalls reach it, the
// length of each one's shortest call path and the function before it on
// that path. It is built through the Graph's exported API only (Syscalls,
// Path, Lookup), so a richer graph (modules, resolved indirect calls)
// gives a richer index without a change here. It is read-only after
// NewReachIndex or LoadReachIndex and safe for concurrent use.
type ReachIndex struct {
	// Kernel identifies the image (sha256 of the analysed file) and
	// Source says where the file names came from; both are the cache key.
	Kernel   string
	Source   string
	Version  int
	Syscalls []string    // indexed syscalls, in report order
	Funcs    []IndexFunc // by the graph's function index
	// byName and byFile list functions ascending, each once; Lookup
	// and FuncsInFile hand these lists out (callers must not modify them)
	byName map[string][]int
	byFile map[string][]int // "" for the functions of no known file
	// Inlined maps a name the kernel has no function for to the
	// functions holding an inlined copy of it and the files declaring it
	// (Graph.InlinedInto).
	Inlined map[string]Inlining
	// graph answers for the functions not indexed (hubs): nil in an
	// index built by hand.
	graph *callGraph
	// incidental is the rule Reacher.Incidental and the walks of graph
	// follow; nil: no function is incidental.
	incidental func(fn string) string
}

// IndexFunc is one function of the index.
type IndexFunc struct {
	Name string
	File string // source file when a FileMap was given, else ""
	// Dir is a module function's source directory, from its .ko's path
	// in the package (Graph.ModuleDir: "drivers/md/"); "" for vmlinux.
	Dir   string
	Reach []Reacher // by depth, then syscall; empty for hubs and unreached functions
	// CalledAs are the members and tables through which resolved
	// indirect calls reach the function (Graph.CalledAs), hubs included.
	CalledAs []string
}

// Reacher is one syscall that reaches a function: Depth is the number of
// calls from the syscall's entry, Parent the function before it on a
// shortest path (−1 when the function is the entry). Incidental marks a
// path that runs through a function the index's incidental rule names
// (vuln/attrib.Incidental: exit, task_work, module init, a kprobe, a
// tracepoint, an interrupt): the syscall reaches the function only as a
// side effect.
type Reacher struct {
	Syscall    uint16
	Depth      uint16
	Parent     int32
	Incidental bool
}

// ErrNoFunctions means a Report was analysed without Options.Functions:
// the index needs every function's name and file.
var ErrNoFunctions = errors.New("report lists no functions (analyse with Options.Functions)")

// NewReachIndex indexes r's call graph. r must come from Analyze with
// Options.Functions (and SetFileMap for files). incidental names why a
// path through a function is incidental, "" when it is not; attribution
// owns that rule (vuln/attrib.Incidental) and hands it in. nil marks
// nothing incidental.
func NewReachIndex(r *Report, incidental func(fn string) string) (*ReachIndex, error) {
	g := r.Graph()
	if g == nil {
		return nil, ErrNoCallGraph
	}
	if len(r.Functions) == 0 {
		return nil, ErrNoFunctions
	}
	x := &ReachIndex{Kernel: r.Kernel.SHA256, Version: ReachIndexVersion, Funcs: make([]IndexFunc, len(r.Functions)), incidental: incidental}
	scIndex := map[string]uint16{}
	type pending struct {
		f      int
		parent string
	}
	todo := make([][]pending, len(r.Functions)) // per function, per Reach entry
	for f, fn := range r.Functions {
		x.Funcs[f] = IndexFunc{Name: fn.Name, File: fn.File, Dir: g.ModuleDir(f), CalledAs: g.CalledAs(f)}
		if fn.Hub {
			continue
		}
		for _, s := range g.Syscalls(f) {
			p := g.Path(s, f)
			if len(p) == 0 {
				continue
			}
			k, ok := scIndex[s]
			if !ok {
				k = uint16(len(x.Syscalls))
				scIndex[s] = k
				x.Syscalls = append(x.Syscalls, s)
			}
			parent := ""
			if len(p) >= 2 {
				parent = p[len(p)-2]
			}
			x.Funcs[f].Reach = append(x.Funcs[f].Reach, Reacher{Syscall: k, Depth: uint16(len(p) - 1), Parent: -1})
			todo[f] = append(todo[f], pending{f, parent})
		}
	}
	x.graph = newCallGraph(g, x, scIndex)
	x.Inlined = g.inlined
	x.index()
	// Resolve each path's previous function by name: of the functions of
	// that name, the one the same syscall reaches one call nearer.
	for f := range x.Funcs {
		for i, pd := range todo[f] {
			if pd.parent == "" {
				continue
			}
			r := &x.Funcs[f].Reach[i]
			for _, c := range g.Lookup(pd.parent) {
				if x.Funcs[c].Name != pd.parent {
					continue
				}
				if d, ok := x.depth(c, r.Syscall); ok && d+1 == r.Depth {
					r.Parent = int32(c)
					break
				}
			}
		}
	}
	for f := range x.Funcs {
		sortReach(x.Funcs[f].Reach)
	}
	x.markIncidental()
	return x, nil
}

// markIncidental sets Reacher.Incidental, nearest functions first: a path
// is incidental when its function is, or the path to its parent is. The
// rule is asked once per function, and the pairs are visited by depth in
// buckets.
func (x *ReachIndex) markIncidental() {
	inc := make([]bool, len(x.Funcs))
	var byDepth [][][2]int32
	for f, fn := range x.Funcs {
		if len(fn.Reach) == 0 {
			continue
		}
		inc[f] = x.isIncidental(fn.Name)
		for i, r := range fn.Reach {
			for int(r.Depth) >= len(byDepth) {
				byDepth = append(byDepth, nil)
			}
			byDepth[r.Depth] = append(byDepth[r.Depth], [2]int32{int32(f), int32(i)})
		}
	}
	for _, pairs := range byDepth {
		for _, p := range pairs {
			r := &x.Funcs[p[0]].Reach[p[1]]
			r.Incidental = inc[p[0]]
			if !r.Incidental && r.Parent >= 0 {
				for _, q := range x.Funcs[r.Parent].Reach {
					if q.Syscall == r.Syscall {
						r.Incidental = q.Incidental
						break
					}
				}
			}
		}
	}
}

// isIncidental applies the index's incidental rule.
func (x *ReachIndex) isIncidental(fn string) bool {
	return x.incidental != nil && x.incidental(fn) != ""
}

func sortReach(r []Reacher) {
	sort.Slice(r, func(i, j int) bool {
		if r[i].Depth != r[j].Depth {
			return r[i].Depth < r[j].Depth
		}
		return r[i].Syscall < r[j].Syscall
	})
}

func (x *ReachIndex) index() {
	// f ascends, and a name differs from its cut at '.', so each list
	// ascends with no function twice
	x.byName = make(map[string][]int, len(x.Funcs))
	x.byFile = map[string][]int{}
	for f, fn := range x.Funcs {
		x.byName[fn.Name] = append(x.byName[fn.Name], f)
		if i := strings.IndexByte(fn.Name, '.'); i > 0 {
			x.byName[fn.Name[:i]] = append(x.byName[fn.Name[:i]], f)
		}
		x.byFile[fn.File] = append(x.byFile[fn.File], f)
	}
}

func (x *ReachIndex) depth(f int, sc uint16) (uint16, bool) {
	for _, r := range x.Funcs[f].Reach {
		if r.Syscall == sc {
			return r.Depth, true
		}
	}
	return 0, false
}

// Lookup returns the functions named name (or name.suffix: foo.isra.0,
// foo.cold), by index, ascending. The list is the index's own: the
// caller must not modify it.
func (x *ReachIndex) Lookup(name string) []int {
	return x.byName[name]
}

// InlinedInto is Graph.InlinedInto.
func (x *ReachIndex) InlinedInto(name string) (into, files []string) {
	in := x.Inlined[name]
	return in.Into, in.Files
}

// Known reports whether name is a function of the kernel.
func (x *ReachIndex) Known(name string) bool { return len(x.byName[name]) > 0 }

// CalledAs is Graph.CalledAs.
func (x *ReachIndex) CalledAs(f int) []string { return x.Funcs[f].CalledAs }

// ModuleDir is Graph.ModuleDir.
func (x *ReachIndex) ModuleDir(f int) string { return x.Funcs[f].Dir }

// FileOf is the source file defining function f ("" when unknown).
func (x *ReachIndex) FileOf(f int) string { return x.Funcs[f].File }

// Reach returns the syscalls that reach function f, nearest first.
func (x *ReachIndex) Reach(f int) []Reacher { return x.Funcs[f].Reach }

// ReachAll is Reach for an indexed function; for a hub (reached by more
// than half the syscalls, so not indexed) it walks the call graph back
// from f, passing hubs and not incidental functions, and returns the
// syscalls that reach it, nearest first. nil without a graph.
func (x *ReachIndex) ReachAll(f int) []Reacher {
	if r := x.Funcs[f].Reach; len(r) > 0 || x.graph == nil {
		return r
	}
	return x.graph.reach(x, int32(f))
}

// ReachWithin is ReachAll cut at maxDepth calls: the syscalls that reach
// f within maxDepth calls, nearest first. For a hub the walk back stops
// at that depth, which keeps it cheap.
func (x *ReachIndex) ReachWithin(f, maxDepth int) []Reacher {
	if r := x.Funcs[f].Reach; len(r) > 0 || x.graph == nil {
		n := 0
		for n < len(r) && int(r[n].Depth) <= maxDepth {
			n++
		}
		return r[:n]
	}
	x.graph.prepare(x)
	return x.graph.reachWithin(int32(f), maxDepth)
}

// Count is how many syscalls reach function f.
func (x *ReachIndex) Count(f int) int { return len(x.Funcs[f].Reach) }

// Reachers calls yield for each syscall that reaches function f within
// maxDepth calls (maxDepth < 0: any number), nearest first, with the calls
// from its entry and Reacher.Incidental: Reach, or with hubs ReachAll and
// ReachWithin, which walk the call graph back from a hub. It serves
// vuln/attrib/site's Reach interface.
func (x *ReachIndex) Reachers(f, maxDepth int, hubs bool, yield func(syscall string, depth int, incidental bool)) {
	var rs []Reacher
	switch {
	case !hubs:
		rs = x.Reach(f)
	case maxDepth < 0:
		rs = x.ReachAll(f)
	default:
		rs = x.ReachWithin(f, maxDepth)
	}
	for _, r := range rs {
		if maxDepth >= 0 && int(r.Depth) > maxDepth {
			break // nearest first
		}
		yield(x.Syscalls[r.Syscall], int(r.Depth), r.Incidental)
	}
}

// SyscallName names a Reacher's syscall.
func (x *ReachIndex) SyscallName(r Reacher) string { return x.Syscalls[r.Syscall] }

// Path is the call path from the syscall's entry to function f, entry
// first, or nil when the syscall does not reach f.
func (x *ReachIndex) Path(syscall string, f int) []string {
	k := slices.Index(x.Syscalls, syscall)
	if k < 0 {
		return nil
	}
	var rev []string
	for cur, steps := f, 0; cur >= 0 && steps < 1<<12; steps++ {
		var r *Reacher
		for i := range x.Funcs[cur].Reach {
			if x.Funcs[cur].Reach[i].Syscall == uint16(k) {
				r = &x.Funcs[cur].Reach[i]
				break
			}
		}
		if r == nil {
			if cur != f || x.graph == nil {
				return nil
			}
			for _, c := range x.graph.path(x, uint16(k), int32(f)) {
				rev = append(rev, x.Funcs[c].Name)
			}
			return rev
		}
		rev = append(rev, x.Funcs[cur].Name)
		if r.Depth == 0 {
			break
		}
		cur = int(r.Parent)
	}
	slices.Reverse(rev)
	return rev
}

// Extend returns path (from a syscall's entry, as Path gives it) carried
// on to function f by a shortest non-incidental call path from its last
// function, when the whole stays within maxDepth calls; nil otherwise or
// without a call graph.
func (x *ReachIndex) Extend(path []string, f, maxDepth int) []string {
	if x.graph == nil || len(path) == 0 {
		return nil
	}
	budget := maxDepth - (len(path) - 1)
	if budget <= 0 {
		return nil
	}
	for _, from := range x.byName[path[len(path)-1]] {
		if x.Funcs[from].Name != path[len(path)-1] {
			continue
		}
		if h := x.graph.hop(x, int32(from), int32(f), budget); len(h) > 1 {
			out := slices.Clone(path)
			for _, c := range h[1:] {
				out = append(out, x.Funcs[c].Name)
			}
			return out
		}
	}
	return nil
}

// FuncsInFile lists the functions defined in a source file
// ("net/ipv4/tcp.c"), ascending; "" lists those of no known file. The
// list is the index's own: the caller must not modify it.
func (x *ReachIndex) FuncsInFile(file string) []int {
	return x.byFile[cleanPath(file)]
}

// HasFiles reports whether the index carries source files.
func (x *ReachIndex) HasFiles() bool {
	for _, fn := range x.Funcs {
		if fn.File != "" {
			return true
		}
	}
	return false
}

// reachMagic starts an encoded ReachIndex.
const reachMagic = "sysweight reach index\n"

// WriteTo writes the index in a compact binary form: the magic line, then
// uvarint-prefixed strings and uvarints: version, kernel, source, the
// syscalls, the source files, per function its name, file and
// reachers (syscall, depth, parent+1), the members functions are called
// as (the labels, then per function their indexes), the inlinings (name, then the
// holding functions and the declaring files, each counted), then the
// call graph. Reacher.Incidental is not stored:
// it follows the incidental rule of the reader (vuln/attrib.Incidental's
// current one) and is marked again on reading.
func (x *ReachIndex) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	bw := bufio.NewWriter(cw)
	var buf [binary.MaxVarintLen64]byte
	u := func(v uint64) { bw.Write(buf[:binary.PutUvarint(buf[:], v)]) }
	str := func(s string) { u(uint64(len(s))); bw.WriteString(s) }
	bw.WriteString(reachMagic)
	u(uint64(x.Version))
	str(x.Kernel)
	str(x.Source)
	u(uint64(len(x.Syscalls)))
	for _, s := range x.Syscalls {
		str(s)
	}
	var files strTable
	files.add("")
	for _, fn := range x.Funcs {
		files.add(fn.File)
		files.add(fn.Dir)
	}
	u(uint64(len(files.list)))
	for _, f := range files.list {
		str(f)
	}
	u(uint64(len(x.Funcs)))
	for _, fn := range x.Funcs {
		str(fn.Name)
		u(uint64(files.index[fn.File]))
		u(uint64(files.index[fn.Dir]))
		u(uint64(len(fn.Reach)))
		for _, r := range fn.Reach {
			u(uint64(r.Syscall))
			u(uint64(r.Depth))
			u(uint64(r.Parent + 1))
		}
	}
	// The members functions are called as: the labels, then each
	// function's (count, then label indexes).
	var labels strTable
	for _, fn := range x.Funcs {
		for _, m := range fn.CalledAs {
			labels.add(m)
		}
	}
	u(uint64(len(labels.list)))
	for _, m := range labels.list {
		str(m)
	}
	for _, fn := range x.Funcs {
		u(uint64(len(fn.CalledAs)))
		for _, m := range fn.CalledAs {
			u(uint64(labels.index[m]))
		}
	}
	// The inlinings, by name.
	names := make([]string, 0, len(x.Inlined))
	for n := range x.Inlined {
		names = append(names, n)
	}
	slices.Sort(names)
	u(uint64(len(names)))
	for _, n := range names {
		str(n)
		for _, l := range [][]string{x.Inlined[n].Into, x.Inlined[n].Files} {
			u(uint64(len(l)))
			for _, s := range l {
				str(s)
			}
		}
	}
	// The call graph: each syscall's entry (+1, 0 for none), then each
	// function's callees.
	if x.graph == nil {
		u(0)
	} else {
		u(1)
		for s := range x.Syscalls {
			u(uint64(x.graph.entry[s] + 1))
		}
		for f := range x.Funcs {
			cs := x.graph.to[x.graph.off[f]:x.graph.off[f+1]]
			u(uint64(len(cs)))
			for _, c := range cs {
				u(uint64(c))
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return cw.n, err
	}
	return cw.n, nil
}

// strTable numbers strings in the order they are first added, for
// WriteTo's tables of file names and member labels.
type strTable struct {
	index map[string]int
	list  []string
}

func (t *strTable) add(s string) {
	if t.index == nil {
		t.index = map[string]int{}
	}
	if _, ok := t.index[s]; !ok {
		t.index[s] = len(t.list)
		t.list = append(t.list, s)
	}
}

// ReadReachIndex reads what WriteTo wrote, marking incidental paths by
// incidental (as NewReachIndex).
func ReadReachIndex(r io.Reader, incidental func(fn string) string) (*ReachIndex, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reach index: %w", err)
	}
	return decodeReachIndex(b, incidental)
}

// decodeReachIndex is ReadReachIndex of the encoded bytes.
func decodeReachIndex(b []byte, incidental func(fn string) string) (*ReachIndex, error) {
	if !strings.HasPrefix(string(b[:min(len(b), len(reachMagic))]), reachMagic) {
		return nil, fmt.Errorf("reach index: not a reach index (no magic line)")
	}
	// one string of the whole encoding: the names are substrings of it,
	// not an allocation each (a cached index holds some 300,000)
	d := decoder{b: b, s: string(b), off: len(reachMagic)}
	x := &ReachIndex{Version: int(d.u()), incidental: incidental}
	if x.Version != ReachIndexVersion {
		return nil, fmt.Errorf("reach index: version %d, want %d", x.Version, ReachIndexVersion)
	}
	x.Kernel, x.Source = d.str(), d.str()
	ns := d.count(1 << 12)
	x.Syscalls = make([]string, ns)
	for i := range x.Syscalls {
		x.Syscalls[i] = d.str()
	}
	files := make([]string, d.count(1<<20))
	for i := range files {
		files[i] = d.str()
	}
	nf := d.count(1 << 24)
	x.Funcs = make([]IndexFunc, nf)
	var pool []Reacher
	for i := range x.Funcs {
		fn := &x.Funcs[i]
		fn.Name = d.str()
		if k, l := d.u(), d.u(); k < uint64(len(files)) && l < uint64(len(files)) {
			fn.File, fn.Dir = files[k], files[l]
		} else {
			d.fail("file index out of range")
		}
		n := d.count(1 << 16)
		if n == 0 {
			continue
		}
		if len(pool) < n {
			pool = make([]Reacher, max(n, 1<<14))
		}
		fn.Reach, pool = pool[:n:n], pool[n:]
		for j := range fn.Reach {
			sc, dep, par := d.u(), d.u(), d.u()
			if sc >= uint64(ns) || par > uint64(nf) {
				d.fail("reference out of range")
			}
			fn.Reach[j] = Reacher{Syscall: uint16(sc), Depth: uint16(dep), Parent: int32(par) - 1}
		}
		if d.err != nil {
			break
		}
	}
	labels := make([]string, d.count(1<<20))
	for i := range labels {
		labels[i] = d.str()
	}
	for i := 0; i < nf && d.err == nil; i++ {
		n := d.count(1 << 12)
		if n == 0 {
			continue
		}
		l := make([]string, n)
		for j := range l {
			k := d.u()
			if k >= uint64(len(labels)) {
				d.fail("member label out of range")
				break
			}
			l[j] = labels[k]
		}
		x.Funcs[i].CalledAs = l
	}
	if ni := d.count(1 << 22); ni > 0 {
		x.Inlined = make(map[string]Inlining, ni)
		list := func() []string {
			l := make([]string, d.count(1<<16))
			for k := range l {
				l[k] = d.str()
			}
			return l
		}
		for range ni {
			name := d.str()
			into := list()
			x.Inlined[name] = Inlining{Into: into, Files: list()}
		}
	}
	if d.u() == 1 {
		cg := &callGraph{entry: make([]int32, ns), off: make([]int32, nf+1)}
		for s := range cg.entry {
			e := d.u()
			if e > uint64(nf) {
				d.fail("entry out of range")
			}
			cg.entry[s] = int32(e) - 1
		}
		for f := 0; f < nf && d.err == nil; f++ {
			n := d.count(1 << 20)
			for range n {
				c := d.u()
				if c >= uint64(nf) {
					d.fail("callee out of range")
					break
				}
				cg.to = append(cg.to, int32(c))
			}
			cg.off[f+1] = int32(len(cg.to))
		}
		x.graph = cg
	}
	if d.err != nil {
		return nil, fmt.Errorf("reach index: %w", d.err)
	}
	if d.off != len(d.b) {
		return nil, fmt.Errorf("reach index: byte %d: %d bytes after the end", d.off, len(d.b)-d.off)
	}
	x.index()
	x.markIncidental()
	return x, nil
}

type decoder struct {
	b   []byte
	s   string // b as a string
	off int
	err error
}

func (d *decoder) fail(why string) {
	if d.err == nil {
		d.err = fmt.Errorf("byte %d: %s", d.off, why)
	}
}

func (d *decoder) u() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b[d.off:])
	if n <= 0 {
		d.fail("truncated")
		return 0
	}
	d.off += n
	return v
}

func (d *decoder) count(limit int) int {
	n := d.u()
	if n > uint64(limit) {
		d.fail("count too large")
		return 0
	}
	return int(n)
}

func (d *decoder) str() string {
	n := d.u()
	if d.err != nil || n > uint64(len(d.b)-d.off) {
		d.fail("truncated string")
		return ""
	}
	s := d.s[d.off : d.off+int(n)]
	d.off += int(n)
	return s
}

// CachedReachIndex returns the reach index of the kernel at imagePath (an
// image, or a Debian kernel package with its modules) with the file map at fileMapPath ("" for none), from cacheDir
// when an index of the same image (by sha256), file map and version is
// there, else by analysing the image and writing the index to cacheDir
// (atomically). cacheDir "" analyses without caching. hit says which.
// incidental is NewReachIndex's; it is not part of the cache key, as the
// marks are not stored.
func CachedReachIndex(imagePath, fileMapPath, cacheDir string, incidental func(fn string) string) (x *ReachIndex, hit bool, err error) {
	sum := hashFile(imagePath)
	if sum.err != nil {
		return nil, false, sum.err
	}
	source := ""
	if fileMapPath != "" {
		h := hashFile(fileMapPath)
		if h.err != nil {
			return nil, false, h.err
		}
		source = filepath.Base(fileMapPath) + " sha256:" + h.sum
	}
	name := ""
	if cacheDir != "" {
		key := sum.sum[:16]
		if source != "" {
			key += "-" + source[strings.LastIndexByte(source, ':')+1:][:16]
		}
		// the layout's version and the analysis's: a new resolution
		// rule changes the graph of the same image
		name = filepath.Join(cacheDir, fmt.Sprintf("reach-v%d-a%d-%s.bin", ReachIndexVersion, Version, key))
		// os.ReadFile reads the file at its size, where io.ReadAll
		// would grow and copy a buffer over its 10 MB
		if b, err := os.ReadFile(name); err == nil {
			x, err := decodeReachIndex(b, incidental)
			if err == nil && x.Kernel == sum.sum && x.Source == source {
				return x, true, nil
			}
		}
	}
	r, err := AnalyzePath(imagePath, "", Options{Functions: true})
	if err != nil {
		return nil, false, err
	}
	if fileMapPath != "" {
		m, err := LoadFileMap(fileMapPath)
		if err != nil {
			return nil, false, err
		}
		if n := r.SetFileMap(m); n == 0 {
			return nil, false, fmt.Errorf("%s: no function of %s found in it (another kernel build?)", fileMapPath, imagePath)
		}
	}
	x, err = NewReachIndex(r, incidental)
	if err != nil {
		return nil, false, err
	}
	x.Source = source
	if name != "" {
		if err := writeCache(name, x); err != nil {
			return nil, false, fmt.Errorf("caching the reach index: %w", err)
		}
	}
	return x, false, nil
}

func writeCache(name string, x *ReachIndex) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(name, func(w io.Writer) error {
		_, err := x.WriteTo(w)
		return err
	})
}
