package site

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"sort"
	"strings"

	"sysweight/syscalls"
	"sysweight/vuln/attrib"
)

// DefaultMethods are the methods the weight DB counts by default: the
// ones that passed the acceptance on the judged sample (see README).
const DefaultMethods = MethodText | MethodTrace | MethodUAPI | MethodSite | MethodDispatch | MethodSibling

// Options tunes an Attributor. The zero value is the default.
type Options struct {
	Methods Methods // 0 means DefaultMethods
	// MaxSyscalls is K: a bug site reached by more syscalls is too general
	// to name its trigger, and links only to the dispatchers among them
	// (0: DefaultMaxSyscalls).
	MaxSyscalls int
	// Always counts the site and file methods even for a CVE the text,
	// trace or uapi method attributes; by default they only fill in.
	Always bool
	// MaxDepth bounds the call path from a syscall to a bug site: longer
	// paths in a static graph without indirect calls run through detours
	// (epoll_ctl → … → device_add → bus_for_each_drv) rather than the way
	// the bug is reached (0: DefaultMaxDepth; <0: no bound).
	MaxDepth int
	// Dispatchers lets a bug site reached by more than K syscalls link to
	// the nearest dispatchers among them (Dispatchers) instead of to none.
	Dispatchers bool
	// ProseWithTrace keeps the text method's links for a CVE whose call
	// trace names the syscall under the faulting frame; by default the
	// trace decides and syscalls the prose mentions beside it (set-up,
	// context) do not count.
	ProseWithTrace bool
	// Members is a second kernel's graph (Debian's generic package, with
	// the drivers the main one does not build), read only for the member
	// rule of bug sites the main graph lacks and has not inlined; the
	// evidence of such a link says "(kernel-members)", the DB source's
	// name. Judged blind on 25 of the 197 CVEs it changed outside the
	// judged sets: 39 of its 47 added links right (docs/attribution.md).
	Members Members
}

// Members is what the member rule reads of a second kernel's graph;
// kernel/analysis's ReachIndex implements it.
type Members interface {
	Lookup(name string) []int
	CalledAs(f int) []string
	ModuleDir(f int) string
}

// DefaultMaxDepth is Options.MaxDepth's default.
const DefaultMaxDepth = 8

// The apart rule's bounds: at most apartMax nearest syscalls, every other
// one at least apartGap calls farther than the farthest of them.
const (
	apartMax = 3
	apartGap = 3
)

// Attributor attributes CVEs to syscalls by every method: text, trace
// and uapi read the text (vuln/attrib.Read); site and file follow the bug
// site or the CNA's programFiles through a CallGraph (kernel/analysis's
// ReachIndex). It is read-only and safe for concurrent use when its
// CallGraph is.
type Attributor struct {
	g    CallGraph
	t    *syscalls.Table
	meth Methods
	k    int
	opt  Options
	// maxDepth is MaxDepth resolved.
	maxDepth int
	files    bool // the file method runs: selected, and the graph has files
	// fileless are the graph's functions of no known source file
	// (g.FuncsInFile(""), ascending: the modules' functions when the file
	// map is vmlinux's), listed once here rather than for every site
	fileless []int
}

// NewAttributor prepares attribution over g; g may be nil when only text
// methods are selected.
func NewAttributor(g CallGraph, opt Options) (*Attributor, error) {
	a := &Attributor{g: g, t: syscalls.MustForArch(syscalls.X86_64), meth: opt.Methods, k: opt.MaxSyscalls, opt: opt}
	if a.meth == 0 {
		a.meth = DefaultMethods
	}
	if a.k <= 0 {
		a.k = DefaultMaxSyscalls
	}
	switch {
	case opt.MaxDepth == 0:
		a.maxDepth = DefaultMaxDepth
	case opt.MaxDepth < 0:
		a.maxDepth = 1 << 30
	default:
		a.maxDepth = opt.MaxDepth
	}
	if a.meth&(MethodSite|MethodApart|MethodFile|MethodFunction) != 0 && g == nil {
		return nil, ErrNoCallGraph
	}
	if a.meth&MethodFile != 0 {
		if !g.HasFiles() {
			return nil, ErrNoFileMap
		}
		a.files = true
	}
	if g != nil {
		a.fileless = g.FuncsInFile("")
	}
	return a, nil
}

// Methods are the methods that count.
func (a *Attributor) Methods() Methods { return a.meth }

// Attribution is the result for one CVE.
type Attribution struct {
	// Links are the links that count, sorted by syscall, then by method in
	// order of preference (text, trace, uapi, site, dispatch, apart, function,
	// file, sibling).
	Links []attrib.Link
	// ByMethod holds every selected method's own links, before the
	// fill-in rule; Dropped the trace syscalls left out as incidental.
	ByMethod map[attrib.Method][]attrib.Link
	Dropped  []attrib.Link
}

// Links returns the counted links of one CVE (for vuln/build).
func (a *Attributor) Links(in attrib.Input) []attrib.Link { return a.Attribute(in).Links }

// Attribute runs the selected methods. The trace, uapi and text methods
// are the direct evidence, the text method only when no call trace names
// the syscall under the faulting frame (ProseWithTrace keeps it); the site
// method counts only for a CVE they leave unattributed, the dispatch method
// only when the site method finds nothing either, then the apart method
// (the site method's apart rule, not a default method), and the file
// method last (unless Always). The sibling method adds, to whatever the
// others linked, the syscalls that share a linked one's path
// (attrib.Siblings).
func (a *Attributor) Attribute(in attrib.Input) Attribution {
	fd := attrib.Read(in, a.t)
	res := Attribution{ByMethod: map[attrib.Method][]attrib.Link{}, Dropped: fd.Dropped}
	if a.meth&MethodText != 0 {
		res.ByMethod[attrib.MethodText] = fd.Text
	}
	if a.meth&MethodTrace != 0 {
		res.ByMethod[attrib.MethodTrace] = fd.Trace
	}
	if a.meth&MethodUAPI != 0 {
		res.ByMethod[attrib.MethodUAPI] = fd.UAPI
	}
	var out []attrib.Link
	take := func(m attrib.Method) {
		out = append(out, res.ByMethod[m]...)
	}
	if len(res.ByMethod[attrib.MethodTrace]) == 0 || a.opt.ProseWithTrace || a.opt.Always {
		take(attrib.MethodText)
	}
	take(attrib.MethodTrace)
	take(attrib.MethodUAPI)
	// The fill-in methods, each only when the ones before found nothing;
	// their bug sites are read only then.
	files := func() []string {
		if len(in.ProgramFiles) > 0 {
			return in.ProgramFiles
		}
		return siteFiles(nil, fd.Sites())
	}
	fill := []struct {
		bit Methods
		m   attrib.Method
		run func() []attrib.Link
	}{
		{MethodSite, attrib.MethodSite, func() []attrib.Link {
			return a.SiteLinks(fd.Sites(), files())
		}},
		{MethodDispatch, attrib.MethodDispatch, func() []attrib.Link {
			if l := attrib.Dispatch(files()); l != nil || len(in.ProgramFiles) > 0 {
				return l
			}
			return attrib.DispatchText(in.Description)
		}},
		{MethodApart, attrib.MethodApart, func() []attrib.Link {
			return a.ApartLinks(fd.Sites(), files())
		}},
		{MethodFile, attrib.MethodFile, func() []attrib.Link {
			return a.FileLinks(files())
		}},
	}
	for _, x := range fill {
		if a.meth&x.bit == 0 || len(out) > 0 && !a.opt.Always {
			continue
		}
		res.ByMethod[x.m] = x.run()
		take(x.m)
	}
	if a.meth&MethodSibling != 0 {
		res.ByMethod[attrib.MethodSibling] = attrib.Siblings(out)
		take(attrib.MethodSibling)
	}
	order := map[attrib.Method]int{attrib.MethodText: 0, attrib.MethodTrace: 1, attrib.MethodUAPI: 2, attrib.MethodSite: 3,
		attrib.MethodDispatch: 4, attrib.MethodApart: 5, attrib.MethodFunction: 6, attrib.MethodFile: 7, attrib.MethodSibling: 8}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Syscall != out[j].Syscall {
			return out[i].Syscall < out[j].Syscall
		}
		return order[out[i].Method] < order[out[j].Method]
	})
	res.Links = out
	return res
}

// Dispatchers are syscalls that select kernel code by an argument (a
// request number, a message type, an option, a command): when a bug site is
// reached by more than K syscalls, the dispatchers among them are the ones
// through which user space picks that code on purpose, and the others reach
// it as a side effect. sendmsg stands for netlink's requests.
var Dispatchers = map[string]bool{
	"ioctl": true, "sendmsg": true, "setsockopt": true, "getsockopt": true, "bpf": true,
	"keyctl": true, "prctl": true, "fcntl": true, "io_uring_enter": true, "io_uring_register": true,
	"ptrace": true, "perf_event_open": true, "seccomp": true, "madvise": true, "futex": true,
	"mount": true, "fsconfig": true, "quotactl": true, "add_key": true,
}

// siteFiles are the CNA's programFiles, or else the source files the text
// names.
func siteFiles(programFiles []string, sites []attrib.Site) []string {
	if len(programFiles) > 0 {
		return programFiles
	}
	var files []string
	for _, s := range sites {
		if s.Func == "" && s.File != "" {
			files = append(files, s.File)
		}
	}
	return files
}

// reached is one syscall's shortest way to a bug site.
type reached struct {
	syscall string
	depth   int
	f       int
}

// knownFunc reports whether the kernel has a function named fn.
func knownFunc(g Reach, fn string) bool { return len(g.Lookup(fn)) > 0 }

// elsewhere reports a function the main graph lacks (and has not
// inlined) that the members graph holds: the member rule reads it there.
func (a *Attributor) elsewhere(fn string) bool {
	return a.opt.Members != nil && !knownFunc(a.g, fn) && !a.inlined(fn) && len(a.opt.Members.Lookup(fn)) > 0
}

// MaxInlinedInto bounds the functions an inlined site may stand for: a
// static function the compiler inlined into at most this many functions
// (nft_set_desc_concat_parse into nf_tables_newset) is looked up as
// them; one inlined more widely is a helper (lock_sock, kmalloc) and
// names no place.
const MaxInlinedInto = 4

// inlinedFuncs returns, for a name the kernel has no function for, the
// functions holding an inlined copy of it (at most MaxInlinedInto names)
// and their names joined for the evidence; none otherwise.
func (a *Attributor) inlinedFuncs(name string) ([]int, string) {
	into, _ := a.g.InlinedInto(name)
	if len(into) == 0 || len(into) > MaxInlinedInto || knownFunc(a.g, name) {
		return nil, ""
	}
	var fs []int
	for _, n := range into {
		fs = append(fs, a.g.Lookup(n)...)
	}
	slices.Sort(fs)
	return slices.Compact(fs), strings.Join(into, ", ")
}

// reachOf lists the syscalls that reach any function named name, each with
// its shortest path, leaving out those whose path runs through exit,
// task_work, module init, a kprobe or a kworker.
func (a *Attributor) reachOf(name string) []reached {
	return a.reachOfFuncs(a.g.Lookup(name))
}

// reachOfFuncs is reachOf for the functions fs.
func (a *Attributor) reachOfFuncs(fs []int) []reached {
	best := map[string]reached{}
	for _, f := range fs {
		// A hub is reached by more than half the syscalls, so by more
		// than K: only the dispatcher rule can use it.
		a.g.Reachers(f, -1, a.opt.Dispatchers, func(s string, d int, incidental bool) {
			if incidental {
				return
			}
			if b, ok := best[s]; ok && b.depth <= d {
				return
			}
			best[s] = reached{s, d, f}
		})
	}
	out := make([]reached, 0, len(best))
	for _, r := range best {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].depth != out[j].depth {
			return out[i].depth < out[j].depth
		}
		return out[i].syscall < out[j].syscall
	})
	return out
}

// choose picks the syscalls a bug site is attributed to: when at most K
// syscalls reach it within MaxDepth calls, the nearest (shortest path);
// with Dispatchers, the nearest dispatchers among more; else none.
func (a *Attributor) choose(rs []reached) []reached {
	if len(rs) == 0 || rs[0].depth > a.maxDepth {
		return nil
	}
	pool := rs
	if len(rs) > a.k {
		if !a.opt.Dispatchers {
			return nil
		}
		pool = nil
		for _, r := range rs {
			if Dispatchers[r.syscall] {
				pool = append(pool, r)
			}
		}
		if len(pool) == 0 {
			return nil
		}
	}
	d := pool[0].depth
	var out []reached
	for _, r := range pool {
		if r.depth == d {
			out = append(out, r)
		}
	}
	return out
}

// SiteLinks is the site method: the bug sites of a description, strongest
// role first (crash, subject, named, frame, fixes), are looked up in the
// call graph; the first role whose sites reach any syscall decides. Each
// crash, subject and named site links to the syscalls choose picks, with
// the call path as evidence; of a call trace's frames only the innermost
// that links counts. Which sites may link is siteCounts's rule. A site
// the call graph does not reach whose name is an operations method
// ("packet_setsockopt") links to that method's syscall.
func (a *Attributor) SiteLinks(sites []attrib.Site, files []string) []attrib.Link {
	inFiles := map[string]bool{}
	for _, f := range files {
		inFiles[cleanPath(f)] = true
	}
	out := a.siteRoles(sites, inFiles, false)
	slices.SortFunc(out, func(x, y attrib.Link) int { return strings.Compare(x.Syscall, y.Syscall) })
	return out
}

// ApartLinks is the apart method: the site method's second pass, for a
// CVE that neither the site method nor the dispatch method links: the
// same sites, in the same order, linked by the apart rule (see apart).
// It is not a default method: on the judged samples its few links were
// wrong (docs/attribution.md).
func (a *Attributor) ApartLinks(sites []attrib.Site, files []string) []attrib.Link {
	inFiles := map[string]bool{}
	for _, f := range files {
		inFiles[cleanPath(f)] = true
	}
	out := a.siteRoles(sites, inFiles, true)
	slices.SortFunc(out, func(x, y attrib.Link) int { return strings.Compare(x.Syscall, y.Syscall) })
	return out
}

// siteRoles runs the sites role by role, strongest first, until one
// links; with apart, a site that links by no other rule may link by the
// apart rule (a second pass, so that the rule fills in only where no
// site links by reach alone). A site that may not link (siteCounts)
// because the graph cannot place it in the record's files, a module's
// function, may still link by the member rule alone: a method a syscall
// calls (vsock_connectible_recvmsg, a proto_ops.recvmsg, named in a
// record on net/vmw_vsock/af_vsock.c) is that syscall's code wherever its
// file is. On 25 CVEs drawn at random from those it changed, judged
// blind, 34 of its 41 links (siblings included) were right
// (docs/attribution.md).
func (a *Attributor) siteRoles(sites []attrib.Site, inFiles map[string]bool, apart bool) []attrib.Link {
	var out []attrib.Link
	have := map[string]bool{}
	for i := 0; i < len(sites); {
		role := sites[i].Role
		j := i
		for j < len(sites) && sites[j].Role == role {
			j++
		}
		for _, s := range sites[i:j] {
			if s.Func == "" {
				continue
			}
			n := len(out)
			switch {
			case a.siteCounts(s, inFiles):
				out = a.siteLinks(s, out, have, apart, inFiles)
			case len(inFiles) > 0 && (knownFunc(a.g, s.Func) || a.elsewhere(s.Func)) && a.unplaced(s.Func, inFiles):
				out = append(out, a.memberLinks(s, have, inFiles)...)
			}
			if role == attrib.RoleFrame && len(out) > n {
				break
			}
		}
		if len(out) > 0 {
			a.deepen(out, sites[:i], inFiles)
			break
		}
		i = j
	}
	return out
}

// deepen carries a link's path on to a site of a stronger role (sites:
// those before the role that linked, strongest first) that did not link by
// itself (reached by more than K syscalls: shared code) when the linked
// syscall reaches it through the linked site within MaxDepth:
// CVE-2016-8655's fix subject names packet_set_ring, which every syscall
// reaches, and its text "the packet_set_ring and packet_setsockopt
// functions"; setsockopt links by packet_setsockopt, and its evidence
// becomes the path on to packet_set_ring. The links stay the same.
func (a *Attributor) deepen(out []attrib.Link, sites []attrib.Site, inFiles map[string]bool) {
	for i := range out {
		l := &out[i]
		if len(l.Path) == 0 {
			continue
		}
		via := l.Path[len(l.Path)-1]
		for _, s := range sites {
			if s.Func == "" || s.Func == via || !knownFunc(a.g, s.Func) || !a.siteCounts(s, inFiles) {
				continue
			}
			for _, f := range a.g.Lookup(s.Func) {
				p := a.g.Extend(l.Path, f, a.maxDepth)
				if p != nil {
					l.Evidence += " → " + strings.Join(p[len(l.Path):], " → ")
					l.Path = p
					break
				}
			}
			if l.Path[len(l.Path)-1] != via {
				break
			}
		}
	}
}

// siteCounts decides whether a site may link. With files (programFiles, or
// files the text names) a subject, named, frame or Fixes site must be
// defined in one of them: the fixed code is there ("fix a leak when
// device_add() fails" fixes the caller of device_add). A crash site counts
// wherever it is, and so does a named function the prose points at ("the
// FUNC function", "FUNC() in FILE"). Without files, every site but a merely
// mentioned function counts.
func (a *Attributor) siteCounts(s attrib.Site, files map[string]bool) bool {
	if s.Role == attrib.RoleCrash || s.Role == attrib.RoleNamed && s.Phrase {
		return true
	}
	if len(files) > 0 {
		// A subject's function the graph cannot place in a file (a
		// module's: absent from the image, or present with no file) is
		// still the fixed function the subject names, so it counts. One
		// inlined everywhere is placed by the file declaring it.
		return a.definedIn(s.Func, files) || s.Role == attrib.RoleSubject && a.unplaced(s.Func, files)
	}
	return s.Role != attrib.RoleNamed
}

// unplaced reports a function the graph cannot place in a file: one the
// kernel image does not hold, and not inlined from a known file, or one
// whose every copy (copies: the record's, when modules share the name)
// has no known file (a module's: the file map comes from vmlinux's
// DWARF).
func (a *Attributor) unplaced(fn string, files map[string]bool) bool {
	if len(a.g.Lookup(fn)) == 0 {
		return !a.inlined(fn)
	}
	fs := a.copies(fn, files)
	for _, f := range fs {
		if _, ok := slices.BinarySearch(a.fileless, f); !ok {
			return false
		}
	}
	return len(fs) > 0
}

// copies are the functions named fn that a record on files may mean:
// every copy, unless modules of two source directories define the name
// (static functions: the SMB client's crypt_message and dm-crypt's).
// Then vmlinux's copies count, and a module's only when it is in the same
// part of the tree as one of the record's source files (sameTree), so
// that a record naming no source file means none of them.
func (a *Attributor) copies(fn string, files map[string]bool) []int {
	return copiesIn(a.g, fn, files)
}

func copiesIn(g Members, fn string, files map[string]bool) []int {
	fs := g.Lookup(fn)
	dir := ""
	shared := false
	for _, f := range fs {
		if d := g.ModuleDir(f); d != "" {
			if dir != "" && d != dir {
				shared = true
			}
			dir = d
		}
	}
	if !shared {
		return fs
	}
	var out []int
	for _, f := range fs {
		if d := g.ModuleDir(f); d == "" || sameTree(d, files) {
			out = append(out, f)
		}
	}
	return out
}

// sameTree reports whether a module's source directory and the directory
// of one of the record's source files (headers aside) are in the same
// part of the kernel tree: their first two path components agree, or
// those of one are the other's ("fs/smb" for the SMB client's module and
// a file of fs/smb/client/; "net" for a file of net/ and a module of
// net/sched/).
func sameTree(dir string, files map[string]bool) bool {
	top := treeTop(strings.TrimSuffix(dir, "/"))
	for f := range files {
		if strings.HasPrefix(f, "include/") || strings.HasSuffix(f, ".h") {
			continue
		}
		ft := treeTop(path.Dir(f))
		if ft == top || strings.HasPrefix(top, ft+"/") || strings.HasPrefix(ft, top+"/") {
			return true
		}
	}
	return false
}

// treeTop is a directory's first two components ("fs/smb", "drivers/md").
func treeTop(p string) string {
	i := strings.IndexByte(p, '/')
	if i < 0 {
		return p
	}
	if j := strings.IndexByte(p[i+1:], '/'); j >= 0 {
		return p[:i+1+j]
	}
	return p
}

// inlined reports a name the kernel has no function for but knows as
// inlined into others, with the file declaring it.
func (a *Attributor) inlined(fn string) bool {
	into, files := a.g.InlinedInto(fn)
	return len(into) > 0 && len(files) > 0
}

// definedIn reports a function defined in one of files.
func (a *Attributor) definedIn(fn string, files map[string]bool) bool {
	if len(files) == 0 {
		return false
	}
	fs := a.g.Lookup(fn)
	if len(fs) == 0 {
		// A function inlined everywhere is where it is declared, not
		// where its copies are: a helper of a header (mm_cpumask,
		// xa_alloc_cyclic) is inlined into code of many files.
		_, declared := a.g.InlinedInto(fn)
		for _, f := range declared {
			if files[f] {
				return true
			}
		}
		return false
	}
	for _, f := range fs {
		if files[a.g.FileOf(f)] {
			return true
		}
	}
	return false
}

// siteLinks appends one site's links; with apart, by the apart rule
// when no other links it.
func (a *Attributor) siteLinks(s attrib.Site, out []attrib.Link, have map[string]bool, apart bool, inFiles map[string]bool) []attrib.Link {
	var rs []reached
	isKnown := knownFunc(a.g, s.Func)
	if isKnown {
		rs = a.reachOf(s.Func)
	}
	if len(rs) == 0 {
		if sc, ok := attrib.OpsSyscall(s.Func); ok && attrib.OpsMethodIn(s.Func, slices.Collect(maps.Keys(inFiles))) {
			if _, known := a.t.Number(sc); known {
				if !have[sc] {
					have[sc] = true
					out = append(out, attrib.Link{Syscall: sc, Method: attrib.MethodSite,
						Evidence: s.Role.String() + " " + s.Func + ": the ." + strings.TrimPrefix(attrib.OpsSuffix(s.Func), "_") + " method of " + sc})
				}
				return out
			}
		}
	}
	how := ""
	if !isKnown {
		fs, into := a.inlinedFuncs(s.Func)
		if rs = a.reachOfFuncs(fs); len(rs) > 0 {
			how = " (inlined into " + into + ")"
		}
	}
	chosen := a.choose(rs)
	if len(chosen) == 0 && (isKnown || a.elsewhere(s.Func)) {
		if l := a.memberLinks(s, have, inFiles); len(l) > 0 {
			return append(out, l...)
		}
	}
	if len(chosen) == 0 && apart && apartRole(s.Role) && isKnown {
		chosen, how = a.apart(s.Func)
	}
	m := attrib.MethodSite
	if strings.HasPrefix(how, " (shared code") {
		m = attrib.MethodApart
	}
	for _, r := range chosen {
		if have[r.syscall] {
			continue
		}
		have[r.syscall] = true
		p := a.g.Path(r.syscall, r.f)
		out = append(out, attrib.Link{Syscall: r.syscall, Method: m,
			Evidence: s.Role.String() + " " + s.Func + how + ": " + evidencePath(r.syscall, p), Path: p})
	}
	return out
}

// maxMemberSyscalls bounds the syscalls a site may link to by the
// methods it is stored as: more name no one way in.
const maxMemberSyscalls = 2

// memberLinks is the site rule for a function the call graph reaches only
// through shared code (or from more than K syscalls) that the kernel
// stores as a method a syscall calls: pktgen_thread_write is pktgen's
// proc_ops.proc_write, which write calls through proc_reg_write
// (attrib.MemberSyscalls). It links to those syscalls, at most
// maxMemberSyscalls of them, with the member as evidence and no path:
// the static graph's shortest path to a method runs through whatever the
// over-approximate indirect calls allow (openat to a driver's open
// through NFS's layout return), not the way the method is called. The
// member comes from the resolution of indirect calls (the struct and
// member each call site loads from), not from the function's name.
// Methods only: walking back over direct calls to the nearest method
// (strn_len, called from pktgen_thread_write) added 16 links on the
// judged sets at one call back, 7 right, and 35 at up to three, 13
// right (docs/attribution.md).
func (a *Attributor) memberLinks(s attrib.Site, have map[string]bool, files map[string]bool) []attrib.Link {
	var scs []string
	member := map[string]string{}
	var g Members = a.g
	where := ""
	if a.elsewhere(s.Func) {
		g, where = a.opt.Members, " (kernel-members)"
	}
	for _, f := range copiesIn(g, s.Func, files) {
		for _, m := range g.CalledAs(f) {
			for _, sc := range attrib.MemberSyscalls(m) {
				if _, known := a.t.Number(sc); !known {
					continue
				}
				if _, ok := member[sc]; !ok {
					member[sc] = m
					scs = append(scs, sc)
				}
			}
		}
	}
	if len(scs) > maxMemberSyscalls {
		return nil
	}
	var out []attrib.Link
	for _, sc := range scs {
		if have[sc] {
			continue
		}
		have[sc] = true
		out = append(out, attrib.Link{Syscall: sc, Method: attrib.MethodSite,
			Evidence: s.Role.String() + " " + s.Func + ": the " + member[sc] + " method" + where + ", which " + sc + " calls"})
	}
	return out
}

// apartRole tells whether a site of this role may link by the apart rule:
// a crash site or the fix subject's function, the places where the bug
// shows or is fixed. A function the prose names, a trace frame or a
// Fixes: subject is weaker evidence, and in a sample of the rule's links
// drawn at random (30 CVEs, judged blind; docs/attribution.md) 16 of the
// 25 links of named sites were right against 13 of 15 of crash and
// subject sites.
func apartRole(r attrib.SiteRole) bool { return r == attrib.RoleCrash || r == attrib.RoleSubject }

// notApart are syscalls the apart rule never links: ioctl, whose static
// reach is the widest of all (every driver's unlocked_ioctl), so that
// being near it says little about a site (2 of its 8 links in that sample
// were right), and restart_syscall, which re-enters an interrupted call
// and triggers nothing of its own.
var notApart = map[string]bool{"ioctl": true, "restart_syscall": true}

// apart is the rule for a bug site in shared code, one that more than K
// syscalls reach, most often a hub that every syscall reaches by some
// long detour of the static graph: it links to its nearest syscalls when
// they stand apart from the rest. The nearest are the syscalls within one
// call of the nearest one, at most apartMax of them, within MaxDepth; the
// next syscall must be at least apartGap calls farther than the farthest
// of them. ext4_orphan_cleanup, which all 329 syscalls reach, is 6 calls
// from mount and fsconfig and 10 or more from any other; collapse_file is
// 4 from madvise, 5 from process_madvise and 8 or more from the rest. A
// site without such a gap (proc_pid_stack: pread64 4, read and preadv 5,
// readv 6, …) links to nothing. how describes the rule for the evidence.
func (a *Attributor) apart(name string) (out []reached, how string) {
	limit := a.maxDepth + 1 + apartGap
	best := map[string]reached{}
	for _, f := range a.g.Lookup(name) {
		// For a hub the walk back stops at limit, which keeps it cheap.
		a.g.Reachers(f, limit, true, func(s string, d int, incidental bool) {
			if incidental || notApart[s] {
				return
			}
			if b, ok := best[s]; !ok || d < b.depth {
				best[s] = reached{s, d, f}
			}
		})
	}
	rs := make([]reached, 0, len(best))
	for _, r := range best {
		rs = append(rs, r)
	}
	sort.Slice(rs, func(i, j int) bool {
		if rs[i].depth != rs[j].depth {
			return rs[i].depth < rs[j].depth
		}
		return rs[i].syscall < rs[j].syscall
	})
	if len(rs) == 0 || rs[0].depth > a.maxDepth {
		return nil, ""
	}
	n := 0
	for n < len(rs) && rs[n].depth <= rs[0].depth+1 {
		n++
	}
	if n > apartMax {
		return nil, ""
	}
	far := rs[n-1].depth
	if n < len(rs) && rs[n].depth-far < apartGap {
		return nil, ""
	}
	span := fmt.Sprint(rs[0].depth)
	if far != rs[0].depth {
		span += "–" + fmt.Sprint(far)
	}
	next := fmt.Sprintf("none within %d", limit)
	if n < len(rs) {
		next = fmt.Sprintf("%d", rs[n].depth)
	}
	return rs[:n], fmt.Sprintf(" (shared code; nearest syscalls at %s calls, the next at %s)", span, next)
}

// FileLinks is the file method over the call graph: each function defined
// in one of files (programFiles, or a file the text names) that at least
// one and at most K syscalls reach links to its nearest syscalls; headers
// (include/) are left out, their inline functions being everywhere.
func (a *Attributor) FileLinks(files []string) []attrib.Link {
	if !a.files {
		return nil
	}
	type via struct {
		file  string
		depth int
		f     int
	}
	found := map[string]via{}
	for _, file := range files {
		file = cleanPath(file)
		if file == "" || strings.HasPrefix(file, "include/") || strings.HasSuffix(file, ".h") {
			continue
		}
		for _, f := range a.g.FuncsInFile(file) {
			n := a.g.Count(f)
			if n == 0 || n > a.k {
				continue
			}
			// closest: of every reacher; d: of those not incidental
			closest, d := -1, -1
			var rs []reached
			a.g.Reachers(f, -1, false, func(s string, depth int, incidental bool) {
				if closest < 0 || depth < closest {
					closest = depth
				}
				if !incidental {
					rs = append(rs, reached{s, depth, f})
					if d < 0 || depth < d {
						d = depth
					}
				}
			})
			if closest > a.maxDepth || len(rs) == 0 {
				continue
			}
			for _, r := range rs {
				if r.depth != d {
					continue
				}
				if b, ok := found[r.syscall]; ok && b.depth <= r.depth {
					continue
				}
				found[r.syscall] = via{file, r.depth, f}
			}
		}
	}
	out := make([]attrib.Link, 0, len(found))
	for s, v := range found {
		p := a.g.Path(s, v.f)
		out = append(out, attrib.Link{Syscall: s, Method: attrib.MethodFile, Evidence: v.file + ": " + evidencePath(s, p), Path: p})
	}
	slices.SortFunc(out, func(x, y attrib.Link) int { return strings.Compare(x.Syscall, y.Syscall) })
	return out
}
