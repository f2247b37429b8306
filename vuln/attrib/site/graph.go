package site

// Reach is what the function and file methods read of a kernel's call
// graph; kernel/analysis's Graph and ReachIndex implement it. Functions
// are indices into the graph, syscalls are names, and a depth counts the
// calls from a syscall's entry (the entry itself is at depth 0).
type Reach interface {
	// Lookup returns the functions named name, or name with a suffix
	// (foo.isra.0, foo.cold), ascending; none for a name the kernel lacks.
	// The list may be the graph's own: callers do not modify it.
	Lookup(name string) []int
	// Count is how many syscalls reach function f: 0 for a function no
	// syscall reaches and for one the graph does not index (a hub,
	// reached by most syscalls).
	Count(f int) int
	// Reachers calls yield once for each syscall that reaches function f
	// within maxDepth calls (maxDepth < 0: any number), with its depth and
	// whether its path runs through an incidental function (exit,
	// task_work, module init, a kprobe, a tracepoint, an interrupt:
	// vuln/attrib.Incidental), in an order of the graph's own. For a
	// function the graph does not index, hubs asks it to walk the call
	// graph back from f, through hubs and not through incidental
	// functions; a graph that cannot yields nothing.
	Reachers(f, maxDepth int, hubs bool, yield func(syscall string, depth int, incidental bool))
	// Path is a shortest call path from the syscall's entry to function f,
	// entry first; nil when the syscall does not reach f.
	Path(syscall string, f int) []string
	// FuncsInFile lists the functions defined in a source file
	// ("net/ipv4/tcp.c"), ascending; "" lists those of no known file.
	// The list may be the graph's own: callers do not modify it.
	FuncsInFile(file string) []int
	// HasFiles reports whether the graph knows the functions' source
	// files (kernel/analysis's FileMap).
	HasFiles() bool
}

// CallGraph is Reach and what the site method needs besides: carrying a
// linked syscall's path on to a site the CVE names (Attributor.SiteLinks).
// kernel/analysis's ReachIndex implements it.
type CallGraph interface {
	Reach
	// Extend returns path (from a syscall's entry, as Path gives it)
	// carried on to function f by a shortest call path from its last
	// function that passes no incidental function, when the whole stays
	// within maxDepth calls; nil otherwise.
	Extend(path []string, f, maxDepth int) []string
	// InlinedInto lists, when the kernel has no function of that name (a
	// static function the compiler inlined everywhere), the functions
	// that hold an inlined copy of it and the source files that declare
	// it; none when it has one, or when the graph does not know (no
	// DWARF).
	InlinedInto(name string) (into, files []string)
	// CalledAs lists the function-pointer members and tables through
	// which resolved indirect calls reach function f
	// ("file_operations.write", "table io_op_defs"); none when the graph
	// resolved no indirect call to it.
	CalledAs(f int) []string
	// ModuleDir is the source directory of the module holding function
	// f, from its .ko's path ("drivers/md/"); "" for vmlinux or when the
	// graph does not know.
	ModuleDir(f int) string
	// FileOf is the source file defining function f, as FuncsInFile
	// lists it under; "" when the graph does not know.
	FileOf(f int) string
}
