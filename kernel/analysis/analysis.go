package analysis

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"sysweight/kernel/icall"
	"sysweight/kernel/image"
	"sysweight/kernel/kallsyms"
	"sysweight/kernel/x86"
	"sysweight/syscalls"
)

// Version is the analysis version recorded in every Report. Bump it when a
// change here or in kernel/x86 changes the figures for the same image.
const Version = 34

var (
	// ErrNoSyscalls means no x86-64 syscall entry symbol (__x64_sys_*) lies
	// in the image's text: not an x86-64 kernel, or the wrong symbols.
	ErrNoSyscalls = errors.New("no syscall entry symbols (__x64_sys_*) in the text")
	// ErrNoCallGraph means a Report was read back from JSON and has no call
	// graph; attribution needs an analysed image (Open).
	ErrNoCallGraph = errors.New("report has no call graph (read from JSON; analyse the image)")
	// ErrBadReport means a Report read back is malformed.
	ErrBadReport = errors.New("bad kernel analysis report")
)

// Options tunes Analyze. The zero value is the documented default.
type Options struct {
	// HubFraction and Top are kernel/x86's ReachOptions: a function reached
	// by more than HubFraction of the syscalls is a hub (0: 0.5), and Top
	// functions by CC are listed per syscall (0: 10).
	HubFraction float64
	Top         int
	// Workers bounds the decoding goroutines; 0 means GOMAXPROCS.
	Workers int
	// Symbols replaces the image's own symbols, e.g. a System.map or a
	// /proc/kallsyms of the running kernel. Module symbols are ignored, and
	// addresses are moved back by the KASLR slide between their _text and
	// the image's .text.
	Symbols []kallsyms.Symbol
	// Functions lists every analysed function in Report.Functions.
	Functions bool
	// Modules are analysed with the image: their functions join the call
	// graph with their module's name (see ModuleFile).
	Modules []ModuleFile
	// NoIndirect leaves indirect calls unresolved: the call graph has the
	// direct calls only (analysis version 1).
	NoIndirect bool
	// Resolve tunes the indirect-call resolution (kernel/icall).
	Resolve icall.Options
}

// Kernel identifies the analysed image.
type Kernel struct {
	File   string `json:"file,omitempty"`   // base name of the input
	SHA256 string `json:"sha256,omitempty"` // of the input file as given
	Banner string `json:"banner,omitempty"` // linux_banner from .rodata
	// Package is free provenance text from the caller, e.g. the Debian
	// package name and version the image came from.
	Package string `json:"package,omitempty"`
}

// Summary holds the counts of one analysis.
type Summary struct {
	Functions int `json:"functions"` // text symbols analysed
	// Syscalls have an entry point; NotImplemented of them are aliases of
	// sys_ni_syscall. Missing are the table's syscalls without an entry.
	Syscalls       int      `json:"syscalls"`
	NotImplemented int      `json:"not_implemented"`
	Missing        []string `json:"missing,omitempty"`
	// Hubs are functions reached by more than HubFraction of the syscalls.
	Hubs        int     `json:"hubs"`
	HubFraction float64 `json:"hub_fraction"`
	// IndirectCalls are the indirect call sites of the whole text; the call
	// graph cannot follow them. UndecodedBytes were skipped undecoded.
	IndirectCalls  int `json:"indirect_calls"`
	UndecodedBytes int `json:"undecoded_bytes"`
	// FunctionsWithFile have a source file from the FileMap given to Open
	// (0 without one).
	FunctionsWithFile int `json:"functions_with_file,omitempty"`
	// Modules analysed with the image, their functions (included in
	// Functions), and the symbols their relocations named that neither the
	// kernel nor another module defines.
	Modules           int              `json:"modules,omitempty"`
	ModuleFunctions   int              `json:"module_functions,omitempty"`
	UnresolvedSymbols int              `json:"unresolved_symbols,omitempty"`
	Indirect          *IndirectSummary `json:"indirect,omitempty"`
}

// IndirectSummary counts the resolution of indirect calls (kernel/icall).
type IndirectSummary struct {
	// Sites are indirect calls and jumps seen by the data-flow pass;
	// Resolved got at least one target, by rule (member, table, offset,
	// proto, const), and Unresolved none.
	Sites      int            `json:"sites"`
	Resolved   map[string]int `json:"resolved"`
	Unresolved int            `json:"unresolved"`
	// Edges added to the call graph; TaskWork of them are task_work
	// callbacks.
	Edges int `json:"edges"`
	// AddressTaken functions, WithSignature of them with a BTF prototype;
	// data objects holding function pointers and those typed by layout.
	AddressTaken  int `json:"address_taken"`
	WithSignature int `json:"with_signature"`
	FuncObjects   int `json:"func_objects"`
	TypedObjects  int `json:"typed_objects"`
}

// FuncCC is a function with its cyclomatic complexity.
type FuncCC struct {
	Name string `json:"name"`
	CC   int    `json:"cc"`
}

// Syscall holds one syscall's figures: Reach and Complexity leave the hubs
// out, the *All variants keep them, Shared = ReachAll − Reach.
type Syscall struct {
	Name           string   `json:"name"`
	Entry          string   `json:"entry"`
	NotImplemented bool     `json:"not_implemented,omitempty"`
	Reach          int      `json:"reach"`
	Complexity     int      `json:"complexity"`
	ReachAll       int      `json:"reach_all"`
	ComplexityAll  int      `json:"complexity_all"`
	Shared         int      `json:"shared"`
	IndirectCalls  int      `json:"indirect_calls"`
	Top            []FuncCC `json:"top,omitempty"`
}

// Function is one analysed function (Options.Functions).
type Function struct {
	Name     string `json:"name"`
	Addr     uint64 `json:"addr"`
	CC       int    `json:"cc"`
	Hub      bool   `json:"hub,omitempty"`
	Syscalls int    `json:"syscalls"` // reached by that many syscalls (0 for a hub: not indexed)
	File     string `json:"file,omitempty"`
}

// Report is the result of one analysis.
type Report struct {
	AnalysisVersion int        `json:"analysis_version"`
	Arch            string     `json:"arch"`
	Kernel          Kernel     `json:"kernel"`
	SymbolSource    string     `json:"symbol_source"` // symtab, kallsyms or map
	Summary         Summary    `json:"summary"`
	Syscalls        []Syscall  `json:"syscalls"` // in syscall-number order
	Functions       []Function `json:"functions,omitempty"`

	graph  *Graph // nil when read from JSON
	phases []Phase
}

// Phase is the wall time of one step of an analysis.
type Phase struct {
	Name string
	Time time.Duration
}

// Phases are the steps of the analysis that made r, with their times (nil
// for a Report read from JSON).
func (r *Report) Phases() []Phase { return r.phases }

// Graph is the report's call graph with the attribution index; nil for a
// Report read with LoadReport.
func (r *Report) Graph() *Graph { return r.graph }

// Syscall returns the figures of the named syscall.
func (r *Report) Syscall(name string) (Syscall, bool) {
	for _, s := range r.Syscalls {
		if s.Name == name {
			return s, true
		}
	}
	return Syscall{}, false
}

// AnalyzeFile is Analyze on a path; it also fills Kernel.File and
// Kernel.SHA256. Errors name the path.
func AnalyzeFile(path string, opt Options) (*Report, error) {
	start := time.Now()
	sum := make(chan hashResult, 1)
	go func() { sum <- hashFile(path) }()
	im, err := image.LoadFile(path)
	if err != nil {
		<-sum
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			if st, serr := os.Stat(path); serr == nil {
				err = fmt.Errorf("%w (truncated? the file has %d bytes)", err, st.Size())
			}
		}
		return nil, err
	}
	defer im.Close()
	read := time.Since(start)
	r, err := Analyze(im, opt)
	h := <-sum
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if h.err != nil {
		return nil, h.err
	}
	r.Kernel.File, r.Kernel.SHA256 = filepath.Base(path), h.sum
	r.phases = append([]Phase{{"read image", read}}, r.phases...)
	return r, nil
}

type hashResult struct {
	sum string
	err error
}

func hashFile(path string) hashResult {
	f, err := os.Open(path)
	if err != nil {
		return hashResult{err: err}
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return hashResult{err: fmt.Errorf("hashing %s: %w", path, err)}
	}
	return hashResult{sum: hex.EncodeToString(h.Sum(nil))}
}

// Analyze measures a loaded image: every text symbol in .text is decoded,
// the call graph built, and reach and complexity computed for every x86-64
// syscall with an entry point. The Report carries the call graph for
// attribution (Graph).
func Analyze(im *image.Image, opt Options) (*Report, error) {
	if im == nil || im.Vmlinux == nil {
		return nil, errors.New("analysis: no image")
	}
	v := im.Vmlinux
	var phases []Phase
	t0 := time.Now()
	lap := func(name string) {
		now := time.Now()
		phases = append(phases, Phase{name, now.Sub(t0)})
		t0 = now
	}
	text, err := v.Text()
	if err != nil {
		return nil, err
	}
	syms, source, err := symbols(v, text, opt.Symbols)
	if err != nil {
		return nil, err
	}
	funcs := textFuncs(syms)
	bann := banner(v, syms)
	lap("symbols")
	kp, err := collect(v, text, syms, funcs, opt.Modules, releaseOf(bann), opt.Workers)
	if err != nil {
		return nil, err
	}
	lap("modules, BTF, data")
	p, err := x86.AnalyzeSegments(kp.segs, kp.funcs, x86.Options{Workers: opt.Workers})
	if err != nil {
		return nil, err
	}
	mod := kp.moduleOf(p)
	p.SetBarriers(barriers(p))
	lap("decode, CFG, calls")
	var ind *icall.Result
	if !opt.NoIndirect {
		if ind, err = kp.resolveIndirect(p, mod, opt); err != nil {
			return nil, err
		}
	}
	lap("indirect calls")
	table := syscalls.MustForArch(syscalls.X86_64)
	sr, err := x86.SyscallMetrics(p, table, x86.ReachOptions{HubFraction: opt.HubFraction, Top: opt.Top})
	if err != nil {
		return nil, err
	}
	lap("reach")
	if len(sr.Metrics) == 0 {
		return nil, fmt.Errorf("%w (%d functions)", ErrNoSyscalls, len(p.Functions))
	}
	r := &Report{
		AnalysisVersion: Version,
		Arch:            string(syscalls.X86_64),
		Kernel:          Kernel{Banner: bann},
		SymbolSource:    source,
		Summary: Summary{
			Functions:      len(p.Functions),
			Syscalls:       len(sr.Metrics),
			NotImplemented: sr.NotImplemented,
			Missing:        sr.Missing,
			Hubs:           len(sr.Hubs),
			HubFraction:    sr.HubFraction,
		},
	}
	for _, f := range p.Functions {
		r.Summary.IndirectCalls += f.IndirectCalls
		r.Summary.UndecodedBytes += f.Undecoded
	}
	if kp.modules != nil {
		r.Summary.Modules = len(kp.modules.Modules)
		r.Summary.UnresolvedSymbols = len(kp.modules.Unresolved)
		for _, m := range mod {
			if m >= 0 {
				r.Summary.ModuleFunctions++
			}
		}
	}
	if ind != nil {
		st := ind.Stats
		r.Summary.Indirect = &IndirectSummary{Sites: st.Sites, Resolved: st.ByHow, Unresolved: st.Unresolved,
			Edges: st.Edges, AddressTaken: st.AddressTaken, WithSignature: st.WithSignature,
			FuncObjects: st.FuncObjects, TypedObjects: st.TypedObjects}
	}
	for _, name := range table.Names() {
		m, ok := sr.Metrics[name]
		if !ok {
			continue
		}
		s := Syscall{
			Name: name, Entry: m.Entry, NotImplemented: m.NotImplemented,
			Reach: m.Reach, Complexity: m.Complexity, ReachAll: m.ReachAll, ComplexityAll: m.ComplexityAll,
			Shared: m.Shared, IndirectCalls: m.IndirectCalls,
		}
		for _, t := range m.Top {
			s.Top = append(s.Top, FuncCC{t.Name, t.CC})
		}
		r.Syscalls = append(r.Syscalls, s)
	}
	r.graph = newGraph(p, sr, r.Syscalls, opt.Workers)
	r.graph.setModules(kp, mod, ind)
	lap("graph")
	r.phases = phases
	if opt.Functions {
		r.Functions = r.graph.functions(nil)
	}
	return r, nil
}

// symbols picks the symbol list: the caller's, rebased, or the image's.
func symbols(v *image.Vmlinux, text *image.Section, given []kallsyms.Symbol) ([]kallsyms.Symbol, string, error) {
	if given == nil {
		syms, src, err := v.Symbols()
		if err != nil {
			return nil, "", err
		}
		return syms, src.String(), nil
	}
	var own []kallsyms.Symbol
	for _, s := range given {
		if s.Module == "" {
			own = append(own, s)
		}
	}
	slide, err := kallsyms.KASLRSlide(own, text.Addr)
	if err != nil {
		return nil, "", fmt.Errorf("symbols: %w", err)
	}
	if slide != 0 {
		if own, err = kallsyms.Rebase(own, slide); err != nil {
			return nil, "", fmt.Errorf("symbols: %w", err)
		}
	}
	return own, "map", nil
}

// textFuncs turns the text symbols into x86.Funcs sized to the next symbol.
// ELF sizes are dropped on purpose: a stripped image's kallsyms has none,
// and with the same rule both give the same functions and figures (the
// .symtab sizes of Debian 6.1 shift three hubs and 336 syscalls' ReachAll).
func textFuncs(syms []kallsyms.Symbol) []x86.Func {
	out := make([]x86.Func, 0, len(syms))
	for _, s := range syms {
		if s.IsText() && s.Module == "" {
			out = append(out, x86.Func{Name: s.Name, Addr: s.Addr})
		}
	}
	return out
}

// banner returns linux_banner ("Linux version 6.1.0-… #1 SMP … (date)"):
// at the symbol's address when the symbols have it, else found in .rodata.
func banner(v *image.Vmlinux, syms []kallsyms.Symbol) string {
	for _, s := range syms {
		if s.Name == "linux_banner" {
			if b, err := v.ReadAddr(s.Addr, 256); err == nil {
				if got := findBanner(b); got != "" {
					return got
				}
			}
			break
		}
	}
	ro, err := v.Section(".rodata")
	if err != nil {
		return ""
	}
	return findBanner(ro.Data)
}

// findBanner returns the first "Linux version <digit>…" line of data,
// preferring one with a build number ("#1 SMP"): a 6.1 vmlinux also holds
// a copy with an empty one ("# SMP") from init/version-timestamp.c.
func findBanner(data []byte) string {
	const key = "Linux version "
	first := ""
	for off := 0; ; {
		i := bytes.Index(data[off:], []byte(key))
		if i < 0 {
			return first
		}
		i += off
		s := data[i:]
		// The printf formats elsewhere in .rodata ("Linux version %s")
		// do not start with the release's digit.
		if len(s) > len(key) && s[len(key)] >= '0' && s[len(key)] <= '9' {
			end := bytes.IndexAny(s, "\n\x00")
			if end < 0 || end > 512 {
				end = min(len(s), 512)
			}
			line := string(s[:end])
			if k := strings.Index(line, " #"); k >= 0 && k+2 < len(line) && line[k+2] >= '0' && line[k+2] <= '9' {
				return line
			}
			if first == "" {
				first = line
			}
		}
		off = i + len(key)
	}
}

// sortedNames returns the keys of m in order.
func sortedNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
