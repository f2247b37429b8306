package analysis

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"sysweight/kernel/x86"
	"sysweight/syscalls"
	"sysweight/vuln/attrib"
)

// Methods selects the attribution methods that count.
type Methods uint8

const (
	MethodText     Methods = 1 << iota // vuln/attrib.Text
	MethodFunction                     // a named function reached by the syscall
	MethodFile                         // a function of a programFiles file reached by it
	MethodTrace                        // the syscall under a call trace's faulting frame (vuln/attrib.Read)
	MethodUAPI                         // a UAPI name the text writes (vuln/attrib.UAPI)
	MethodSite                         // the bug site reached through the call graph (SiteAttributor)
	MethodDispatch                     // the fixed file is an interface's dispatcher (vuln/attrib.Dispatch)
	MethodApart                        // a bug site in shared code, by its nearest syscalls (SiteAttributor.ApartLinks)
)

// methodNames are the methods in the order links are preferred.
var methodNames = []struct {
	bit  Methods
	name string
}{{MethodText, "text"}, {MethodTrace, "trace"}, {MethodUAPI, "uapi"}, {MethodSite, "site"},
	{MethodDispatch, "dispatch"}, {MethodApart, "apart"}, {MethodFunction, "function"}, {MethodFile, "file"}}

// ParseMethods reads a '+'-joined set of method names in any order: text,
// trace, uapi, site, dispatch, apart, function, file ("text+trace+uapi+site").
func ParseMethods(s string) (Methods, error) {
	var m Methods
	for _, part := range strings.Split(s, "+") {
		found := false
		for _, x := range methodNames {
			if strings.TrimSpace(part) == x.name {
				m |= x.bit
				found = true
			}
		}
		if !found {
			return 0, fmt.Errorf("attribution methods %q: unknown method %q (want text, trace, uapi, site, dispatch, apart, function or file joined by +)", s, part)
		}
	}
	return m, nil
}

func (m Methods) String() string {
	var parts []string
	for _, x := range methodNames {
		if m&x.bit != 0 {
			parts = append(parts, x.name)
		}
	}
	return strings.Join(parts, "+")
}

// DefaultMaxSyscalls is the K of the function and file methods: a function
// reached by more syscalls than this attributes nothing. It was chosen on
// vuln/attrib/testdata/sample.json (TestSampleCallGraph prints the sweep):
// precision is 0.93 for K = 4…8 and 0.80 at K = 10; 6 is the middle of
// that plateau.
const DefaultMaxSyscalls = 6

// AttribOptions tunes an Attributor. The zero value counts the text and
// function methods with DefaultMaxSyscalls.
type AttribOptions struct {
	Methods     Methods // 0 means MethodText|MethodFunction
	MaxSyscalls int     // K; 0 means DefaultMaxSyscalls
	// Always counts call-graph links even for a CVE the text method
	// attributes; by default they only fill in CVEs it leaves unattributed.
	Always bool
	// AllDepths keeps every syscall within K that reaches the function; by
	// default only those with the shortest call path to it count.
	AllDepths bool
	// Files maps functions to source files; the file method needs it, or a
	// Report given one with SetFileMap.
	Files *FileMap
}

// ErrNoFileMap means the file method was asked for without a FileMap.
var ErrNoFileMap = errors.New("the file method needs symbol-to-file data (a FileMap from the -dbg vmlinux's DWARF)")

// Attributor attributes CVEs to syscalls through one kernel's call graph. It
// is read-only after NewAttributor and safe for concurrent use.
type Attributor struct {
	g     *Graph
	table *syscalls.Table
	meth  Methods
	k     int
	opt   AttribOptions
	// byFile maps a source file to its functions that at least one and at
	// most k syscalls reach, by address.
	byFile map[string][]int32
}

// NewAttributor prepares attribution over r's call graph (r must come from
// Analyze or Open, not LoadReport).
func NewAttributor(r *Report, opt AttribOptions) (*Attributor, error) {
	if r == nil || r.graph == nil {
		return nil, ErrNoCallGraph
	}
	a := &Attributor{g: r.graph, table: syscalls.MustForArch(syscalls.X86_64), meth: opt.Methods, k: opt.MaxSyscalls, opt: opt}
	if a.meth == 0 {
		a.meth = MethodText | MethodFunction
	}
	if a.k <= 0 {
		a.k = DefaultMaxSyscalls
	}
	if a.meth&MethodFile != 0 {
		files := r.graph.file
		if opt.Files != nil {
			files, _ = opt.Files.resolve(r.graph)
		}
		if files == nil {
			return nil, ErrNoFileMap
		}
		a.byFile = map[string][]int32{}
		for f, name := range files {
			if name != "" && a.specific(int32(f)) {
				a.byFile[name] = append(a.byFile[name], int32(f))
			}
		}
	}
	return a, nil
}

// Methods are the methods that count.
func (a *Attributor) Methods() Methods { return a.meth }

// MaxSyscalls is K.
func (a *Attributor) MaxSyscalls() int { return a.k }

// specific reports a function that at least one and at most K syscalls
// reach: specific enough to say which syscalls a bug in it is reached from.
func (a *Attributor) specific(f int32) bool {
	c := a.g.count[f]
	return c > 0 && int(c) <= a.k
}

// Links attributes one CVE by the selected methods: one Link per syscall,
// sorted by syscall name, carrying the strongest method's evidence (text,
// then function, then file).
func (a *Attributor) Links(description string, programFiles []string) []attrib.Link {
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
func (a *Attributor) FunctionLinks(description string) []attrib.Link {
	var out []attrib.Link
	have := map[int]bool{}
	for _, name := range a.functionNames(description) {
		for _, f := range a.g.byName[name] {
			if !a.specific(f) {
				continue
			}
			best := 1 << 30
			if !a.opt.AllDepths {
				for k := range a.g.names {
					if a.g.reaches(k, f) {
						best = min(best, a.g.depth(k, f))
					}
				}
			}
			for k := range a.g.names {
				if have[k] || !a.g.reaches(k, f) || !a.opt.AllDepths && a.g.depth(k, f) > best {
					continue
				}
				have[k] = true
				out = append(out, attrib.Link{
					Syscall:  a.g.names[k],
					Method:   attrib.MethodFunction,
					Evidence: evidencePath(a.g.names[k], a.g.path(k, f)),
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
func (a *Attributor) FileLinks(files []string) []attrib.Link {
	if a.byFile == nil {
		return nil
	}
	type via struct {
		file string
		path []string
	}
	found := map[int]via{}
	for _, file := range files {
		for _, f := range a.byFile[cleanPath(file)] {
			best := 1 << 30
			if !a.opt.AllDepths {
				for k := range a.g.names {
					if a.g.reaches(k, f) {
						best = min(best, a.g.depth(k, f))
					}
				}
			}
			for k := range a.g.names {
				if !a.g.reaches(k, f) || !a.opt.AllDepths && a.g.depth(k, f) > best {
					continue
				}
				if b, ok := found[k]; ok && len(b.path) <= a.g.depth(k, f) {
					continue
				}
				found[k] = via{file, a.g.path(k, f)}
			}
		}
	}
	out := make([]attrib.Link, 0, len(found))
	for k, b := range found {
		out = append(out, attrib.Link{
			Syscall:  a.g.names[k],
			Method:   attrib.MethodFile,
			Evidence: cleanPath(b.file) + ": " + evidencePath(a.g.names[k], b.path),
		})
	}
	slices.SortFunc(out, func(x, y attrib.Link) int { return strings.Compare(x.Syscall, y.Syscall) })
	return out
}

func (g *Graph) reaches(k int, f int32) bool {
	return g.set[int(f)*g.words+k/64]&(1<<(k%64)) != 0
}

// depth is the length of the path from syscall k's entry to f.
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
func (a *Attributor) functionNames(s string) []string {
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
func (a *Attributor) candidate(s string, i, j int) bool {
	tok := s[i:j]
	if _, ok := a.g.byName[tok]; !ok {
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
