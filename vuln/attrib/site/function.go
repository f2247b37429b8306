package site

import (
	"path"
	"slices"
	"strings"

	"sysweight/kernel/x86"
	"sysweight/syscalls"
	"sysweight/vuln/attrib"
)

// FunctionOptions tunes a FunctionAttributor. The zero value counts the
// text and function methods with DefaultMaxSyscalls.
type FunctionOptions struct {
	Methods     Methods // 0 means MethodText|MethodFunction
	MaxSyscalls int     // K; 0 means DefaultMaxSyscalls
	// Always counts call-graph links even for a CVE the text method
	// attributes; by default they only fill in CVEs it leaves unattributed.
	Always bool
	// AllDepths keeps every syscall within K that reaches the function; by
	// default only those with the shortest call path to it count.
	AllDepths bool
}

// FunctionAttributor attributes CVEs to syscalls by the first call-graph
// methods, function and file, over the whole call graph (kernel/analysis's
// Graph, with a FileMap for the file method). It is read-only after
// NewFunctionAttributor and safe for concurrent use when its graph is.
type FunctionAttributor struct {
	g     Reach
	table *syscalls.Table
	meth  Methods
	k     int
	opt   FunctionOptions
	files bool // the file method runs
}

// NewFunctionAttributor prepares attribution over g (for kernel/analysis's
// Graph, that of a Report from Analyze or Open, not LoadReport, which has
// none).
func NewFunctionAttributor(g Reach, opt FunctionOptions) (*FunctionAttributor, error) {
	if g == nil {
		return nil, ErrNoCallGraph
	}
	a := &FunctionAttributor{g: g, table: syscalls.MustForArch(syscalls.X86_64), meth: opt.Methods, k: opt.MaxSyscalls, opt: opt}
	if a.meth == 0 {
		a.meth = MethodText | MethodFunction
	}
	if a.k <= 0 {
		a.k = DefaultMaxSyscalls
	}
	if a.meth&MethodFile != 0 {
		if !g.HasFiles() {
			return nil, ErrNoFileMap
		}
		a.files = true
	}
	return a, nil
}

// Methods are the methods that count.
func (a *FunctionAttributor) Methods() Methods { return a.meth }

// MaxSyscalls is K.
func (a *FunctionAttributor) MaxSyscalls() int { return a.k }

// specific reports a function that at least one and at most K syscalls
// reach: specific enough to say which syscalls a bug in it is reached from.
func (a *FunctionAttributor) specific(f int) bool {
	c := a.g.Count(f)
	return c > 0 && c <= a.k
}

// reachers lists the syscalls that reach f, in the graph's order.
func (a *FunctionAttributor) reachers(f int) []reached {
	var rs []reached
	a.g.Reachers(f, -1, false, func(s string, d int, _ bool) {
		rs = append(rs, reached{s, d, f})
	})
	return rs
}

// nearest is the smallest depth of rs (1<<30 for none).
func nearest(rs []reached) int {
	best := 1 << 30
	for _, r := range rs {
		best = min(best, r.depth)
	}
	return best
}

// Links attributes one CVE by the selected methods: one Link per syscall,
// sorted by syscall name, carrying the strongest method's evidence (text,
// then function, then file).
func (a *FunctionAttributor) Links(description string, programFiles []string) []attrib.Link {
	var out []attrib.Link
	have := map[string]bool{}
	add := func(ls []attrib.Link) {
		for _, l := range ls {
			if !have[l.Syscall] {
				have[l.Syscall] = true
				out = append(out, l)
			}
		}
	}
	if a.meth&MethodText != 0 {
		add(attrib.Text(description, a.table))
	}
	if len(out) > 0 && !a.opt.Always {
		return out
	}
	if a.meth&MethodFunction != 0 {
		add(a.FunctionLinks(description))
	}
	if a.meth&MethodFile != 0 && (len(out) == 0 || a.opt.Always) {
		add(a.FileLinks(programFiles))
	}
	slices.SortFunc(out, func(x, y attrib.Link) int { return strings.Compare(x.Syscall, y.Syscall) })
	return out
}

// FunctionLinks is the function method: each kernel function the
// description names ("key_validate()", or an exact symbol name with an
// underscore, as in a call trace "nft_setelem_free+0x1c/0x40") that at most
// K syscalls reach attributes the CVE to each of them. Syscall entry
// symbols (sys_x, __x64_sys_x, __do_sys_x) are left to the text method.
// The evidence is a shortest call path. Links are in the order the
// functions appear in the description.
func (a *FunctionAttributor) FunctionLinks(description string) []attrib.Link {
	var out []attrib.Link
	have := map[string]bool{}
	for _, name := range a.functionNames(description) {
		for _, f := range a.g.Lookup(name) {
			if !a.specific(f) {
				continue
			}
			rs := a.reachers(f)
			best := nearest(rs)
			for _, r := range rs {
				if have[r.syscall] || !a.opt.AllDepths && r.depth > best {
					continue
				}
				have[r.syscall] = true
				out = append(out, attrib.Link{
					Syscall:  r.syscall,
					Method:   attrib.MethodFunction,
					Evidence: evidencePath(r.syscall, a.g.Path(r.syscall, f)),
				})
			}
		}
	}
	return out
}

// FileLinks is the file method: every function defined in one of files
// (kernel source paths as the CNA writes them, "net/ipv4/tcp.c") that at
// most K syscalls reach attributes the CVE to each of them. The evidence
// is the file and the shortest call path into it.
func (a *FunctionAttributor) FileLinks(files []string) []attrib.Link {
	if !a.files {
		return nil
	}
	type via struct {
		file string
		path []string
	}
	found := map[string]via{}
	for _, file := range files {
		c := cleanPath(file)
		if c == "" {
			continue
		}
		for _, f := range a.g.FuncsInFile(c) {
			if !a.specific(f) {
				continue
			}
			rs := a.reachers(f)
			best := nearest(rs)
			for _, r := range rs {
				if !a.opt.AllDepths && r.depth > best {
					continue
				}
				// a path of n functions is n−1 calls deep
				if b, ok := found[r.syscall]; ok && len(b.path) <= r.depth+1 {
					continue
				}
				found[r.syscall] = via{file, a.g.Path(r.syscall, f)}
			}
		}
	}
	out := make([]attrib.Link, 0, len(found))
	for s, b := range found {
		out = append(out, attrib.Link{
			Syscall:  s,
			Method:   attrib.MethodFile,
			Evidence: cleanPath(b.file) + ": " + evidencePath(s, b.path),
		})
	}
	slices.SortFunc(out, func(x, y attrib.Link) int { return strings.Compare(x.Syscall, y.Syscall) })
	return out
}

// evidencePath renders a call path with the syscall's name for its entry,
// cut in the middle when long: "keyctl → keyctl_read_key → … → key_validate".
func evidencePath(syscall string, path []string) string {
	elems := append([]string{syscall}, path[min(1, len(path)):]...)
	if len(elems) > 5 {
		elems = append(append(elems[:2:2], "…"), elems[len(elems)-2:]...)
	}
	return strings.Join(elems, " → ")
}

// functionNames lists, in order and once each, the identifiers of a
// description that name kernel functions the function method may use.
func (a *FunctionAttributor) functionNames(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		if !isIdent(s[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(s) && isIdent(s[j]) {
			j++
		}
		if c := s[i]; (c == '_' || isLetter(c)) && a.candidate(s, i, j) && !slices.Contains(out, s[i:j]) {
			out = append(out, s[i:j])
		}
		i = j
	}
	return out
}

// candidate decides whether s[i:j] names a function.
func (a *FunctionAttributor) candidate(s string, i, j int) bool {
	tok := s[i:j]
	if !knownFunc(a.g, tok) {
		return false
	}
	call := j < len(s) && s[j] == '('
	if !call && !strings.Contains(tok, "_") {
		return false
	}
	switch {
	case i > 0 && (s[i-1] == '.' || s[i-1] == '/'): // member, path
		return false
	case i > 1 && s[i-2:i] == "->":
		return false
	case j+1 < len(s) && s[j] == '.' && strings.ContainsRune("chS", rune(s[j+1])) && (j+2 == len(s) || !isIdent(s[j+2])):
		return false // file name: tcp_input.c
	case unreliableFrame(s, i):
		return false
	}
	if _, ok := a.table.Number(tok); ok {
		return false // a syscall's own name: the text method's
	}
	return !entryForm(tok, a.table)
}

// entryForm reports a syscall's entry symbol or SYSCALL_DEFINE expansion:
// __x64_sys_bpf, __ia32_compat_sys_ioctl, sys_keyctl, __se_sys_x,
// __do_sys_x. The text method reads those; through the call graph they
// would say the same.
func entryForm(tok string, t *syscalls.Table) bool {
	if _, _, ok := x86.ParseEntry(tok); ok {
		return true
	}
	for _, p := range []string{"sys_", "__se_sys_", "__do_sys_", "compat_sys_", "__se_compat_sys_", "__do_compat_sys_"} {
		if rest, ok := strings.CutPrefix(tok, p); ok {
			if _, ok := t.Number(rest); ok {
				return true
			}
			if n, _, ok := x86.ParseEntry("__x64_sys_" + rest); ok {
				_, known := t.Number(n)
				return known
			}
		}
	}
	return false
}

// unreliableFrame reports a call-trace line "? ksys_write+0xf3/0x1c0": the
// unwinder found a stale return address, not a caller (as vuln/attrib).
func unreliableFrame(s string, a int) bool {
	k := a
	for k > 0 && s[k-1] == ' ' {
		k--
	}
	return k > 0 && s[k-1] == '?' && (k == 1 || strings.ContainsRune(" \t\n]", rune(s[k-2])))
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isIdent(c byte) bool { return isLetter(c) || c >= '0' && c <= '9' || c == '_' }

// cleanPath puts a source path as the CNA writes it ("./net/ipv4/tcp.c")
// in the form of the graph's files ("net/ipv4/tcp.c"), as
// kernel/analysis's FileMap does.
func cleanPath(p string) string {
	if p == "" {
		return ""
	}
	return strings.TrimPrefix(path.Clean(p), "./")
}
