package ftrace

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"sysweight/syscalls"
)

// FootprintsSchema is the version of the Footprints file format.
const FootprintsSchema = 1

// Footprints is the committed record of a traced boot: for each syscall
// that the guest's workloads made, the kernel functions that ran under its
// entry point, with call counts, the module of each module function, and
// which workloads made the syscall; with the provenance of the kernel, the
// emulator, the tracer and the workloads. It is derived by kfootprints
// from a trace that is not committed.
type Footprints struct {
	Schema     int                `json:"schema"`
	Provenance Provenance         `json:"provenance"`
	Workloads  []WorkloadRun      `json:"workloads"`
	Syscalls   []SyscallFunctions `json:"syscalls"`

	index map[string]int // syscall name → Syscalls index
	mods  map[string]string
}

// Provenance says where the footprints came from.
type Provenance struct {
	Date      string       `json:"date"`      // of the traced boot, UTC RFC 3339
	Generator string       `json:"generator"` // command, and the sysweight build that parsed the trace
	Kernel    KernelInfo   `json:"kernel"`
	QEMU      string       `json:"qemu"`    // qemu-system-x86_64 --version
	Machine   string       `json:"machine"` // accelerator, CPUs, memory
	Busybox   string       `json:"busybox"`
	Tracer    TracerInfo   `json:"tracer"`
	Modules   []string     `json:"modules"` // loaded in the guest, in load order
	Notes     []string     `json:"notes,omitempty"`
	TextCheck []TextCheck  `json:"text_check,omitempty"`
	Totals    FootprintSum `json:"totals"`
}

// KernelInfo names the traced kernel.
type KernelInfo struct {
	Package       string `json:"package"`
	Version       string `json:"version"`
	Release       string `json:"release"`
	VmlinuzSHA256 string `json:"vmlinuz_sha256"`
	Uname         string `json:"uname"`
}

// TracerInfo says how the trace was taken and read.
type TracerInfo struct {
	Tracer      string   `json:"tracer"`
	Options     []string `json:"options"` // tracefs trace_options as the guest read them back
	BufferKiB   int      `json:"buffer_kib"`
	Filter      string   `json:"filter"`
	Attribution string   `json:"attribution"`
}

// TextCheck records that the kernel's text rendering of a workload's
// trace, read by Parse, gave the same footprints as the binary pages read
// by ParseRaw.
type TextCheck struct {
	Workload string `json:"workload"`
	Lines    int    `json:"lines"`
	Same     bool   `json:"same"`
	Detail   string `json:"detail,omitempty"`
}

// FootprintSum totals the syscall footprints.
type FootprintSum struct {
	Syscalls       int `json:"syscalls"`
	Functions      int `json:"functions"`        // distinct functions under any syscall
	MedianFunction int `json:"median_functions"` // median footprint size
}

// WorkloadRun is one traced workload.
type WorkloadRun struct {
	Name    string   `json:"name"`
	Argv    []string `json:"argv"`
	Version string   `json:"version"` // the build or package of the program
	Exit    int      `json:"exit"`
	Seconds float64  `json:"seconds"` // guest wall time
	// RawBytes is the size of the ring-buffer pages read; Calls the
	// function calls traced in them.
	RawBytes int64 `json:"raw_bytes"`
	Calls    int64 `json:"calls"`
	// Lost is what the kernel reported lost: the overrun of the ring
	// buffer per its stats, plus events flagged missing in pages.
	Lost         int64 `json:"lost"`
	Syscalls     int   `json:"syscalls"`     // distinct syscalls seen
	Invocations  int   `json:"invocations"`  // syscall entries seen
	Unattributed int   `json:"unattributed"` // calls outside any syscall and interrupt
	IRQ          int   `json:"irq"`          // calls in interrupt context
	Abandoned    int   `json:"abandoned"`
	Unbalanced   int   `json:"unbalanced"`
	// Note says what the workload reported about itself (the probe: its
	// calls, their outcomes, the syscalls this kernel does not have).
	Note string `json:"note,omitempty"`
}

// SyscallFunctions is one syscall's footprint.
type SyscallFunctions struct {
	Name        string `json:"name"`
	Invocations int    `json:"invocations"`
	Depth       int    `json:"depth"`
	// Workloads counts the syscall's invocations per workload.
	Workloads map[string]int `json:"workloads"`
	// Functions ran below the entry point: the footprint.
	Functions []Function `json:"functions"`
	// ExitWork ran after the entry point returned, before the task was
	// back in user mode: task work (the __fput of a close), signal
	// delivery, rescheduling. It is not part of Functions.
	ExitWork []Function `json:"exit_work,omitempty"`
}

// Function is one kernel function in a footprint.
type Function struct {
	Name   string `json:"name"`
	Calls  int    `json:"calls"`
	Module string `json:"module,omitempty"` // "" for vmlinux
	// Aliases are the other names of the function's address in the
	// guest's kallsyms (the kernel prints the first): __x64_sys_getpid
	// for __do_sys_getpid, whose code the compiler made one.
	Aliases []string `json:"aliases,omitempty"`
}

// Syscall returns the footprint of a syscall; ok is false if the guest
// did not make it.
func (f *Footprints) Syscall(name string) (SyscallFunctions, bool) {
	i, ok := f.index[name]
	if !ok {
		return SyscallFunctions{}, false
	}
	return f.Syscalls[i], true
}

// SyscallNames returns the syscalls with a footprint, sorted.
func (f *Footprints) SyscallNames() []string {
	out := make([]string, len(f.Syscalls))
	for i, s := range f.Syscalls {
		out[i] = s.Name
	}
	return out
}

// Functions returns the names of the functions that ran under syscall,
// sorted, without aliases; nil if it was not seen.
func (f *Footprints) Functions(syscall string) []string {
	s, ok := f.Syscall(syscall)
	if !ok {
		return nil
	}
	out := make([]string, len(s.Functions))
	for i, fn := range s.Functions {
		out[i] = fn.Name
	}
	return out
}

// Module returns the module a traced function belongs to, "" for vmlinux
// or a function not in the footprints.
func (f *Footprints) Module(function string) string { return f.mods[function] }

// Ran reports whether function ran under syscall's entry point, under its
// own name or as an alias of a traced name.
func (f *Footprints) Ran(syscall, function string) bool {
	s, ok := f.Syscall(syscall)
	if !ok {
		return false
	}
	for _, fn := range s.Functions {
		if fn.Name == function || slices.Contains(fn.Aliases, function) {
			return true
		}
	}
	return false
}

// Workload returns the record of a workload by name.
func (f *Footprints) Workload(name string) (WorkloadRun, bool) {
	for _, w := range f.Workloads {
		if w.Name == name {
			return w, true
		}
	}
	return WorkloadRun{}, false
}

// LoadFootprints reads a Footprints file, JSON or gzip-compressed JSON, and
// checks it: the schema version, syscall names of the x86_64 table, sorted
// and unique names, positive counts, workloads that exist, and one module
// per function name. An error names the place: a byte offset with line and
// column for JSON that does not parse, the syscall and function otherwise.
func LoadFootprints(r io.Reader) (*Footprints, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("footprints: %w", err)
	}
	if len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("footprints: gzip: %w", err)
		}
		if b, err = io.ReadAll(zr); err != nil {
			return nil, fmt.Errorf("footprints: gzip: %w", err)
		}
	}
	var f Footprints
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("footprints: %s", jsonError(b, dec.InputOffset(), err))
	}
	if dec.More() {
		return nil, fmt.Errorf("footprints: %s: data after the object", position(b, dec.InputOffset()))
	}
	if err := f.check(); err != nil {
		return nil, fmt.Errorf("footprints: %w", err)
	}
	return &f, nil
}

// jsonError places a decoding error in the input; at is where the decoder
// stopped, for errors that carry no offset of their own (unknown fields).
func jsonError(b []byte, at int64, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	// Both offsets count the bytes read up to and including the bad one.
	case errors.As(err, &se):
		return fmt.Sprintf("%s: %v", position(b, se.Offset-1), se)
	case errors.As(err, &te):
		return fmt.Sprintf("%s: field %s: %s where %s was expected", position(b, te.Offset-1), te.Field, te.Value, te.Type)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Sprintf("%s: the input ends inside the object", position(b, int64(len(b))))
	}
	if q, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		// The decoder does not say where; the field's first use as a
		// key does.
		if name, uerr := strconv.Unquote(q); uerr == nil {
			if loc := regexp.MustCompile(regexp.QuoteMeta(strconv.Quote(name)) + `\s*:`).FindIndex(b); loc != nil {
				at = int64(loc[0])
			}
			return fmt.Sprintf("%s: unknown field %q", position(b, at), name)
		}
	}
	return fmt.Sprintf("%s: %v", position(b, at), err)
}

func position(b []byte, off int64) string {
	off = min(max(off, 0), int64(len(b)))
	line := 1 + bytes.Count(b[:off], []byte("\n"))
	col := off - int64(bytes.LastIndexByte(b[:off], '\n'))
	return fmt.Sprintf("byte %d (line %d, column %d)", off, line, col)
}

func (f *Footprints) check() error {
	if f.Schema != FootprintsSchema {
		return fmt.Errorf("schema %d, want %d", f.Schema, FootprintsSchema)
	}
	table := syscalls.MustForArch(syscalls.X86_64)
	workloads := map[string]bool{}
	for i, w := range f.Workloads {
		if w.Name == "" || workloads[w.Name] {
			return fmt.Errorf("workloads[%d]: name %q empty or repeated", i, w.Name)
		}
		workloads[w.Name] = true
	}
	f.index = make(map[string]int, len(f.Syscalls))
	f.mods = map[string]string{}
	for i, s := range f.Syscalls {
		where := fmt.Sprintf("syscalls[%d] (%s)", i, s.Name)
		if _, ok := table.Number(s.Name); !ok {
			return fmt.Errorf("%s: not an x86_64 syscall", where)
		}
		if i > 0 && f.Syscalls[i-1].Name >= s.Name {
			return fmt.Errorf("%s: not after %s; want syscalls sorted by name, each once", where, f.Syscalls[i-1].Name)
		}
		if s.Invocations <= 0 || s.Depth <= 0 || len(s.Functions) == 0 {
			return fmt.Errorf("%s: %d invocations, depth %d, %d functions; want all positive", where, s.Invocations, s.Depth, len(s.Functions))
		}
		sum := 0
		for w, n := range s.Workloads {
			if !workloads[w] || n <= 0 {
				return fmt.Errorf("%s: workload %q with %d invocations; want a listed workload and a positive count", where, w, n)
			}
			sum += n
		}
		if sum != s.Invocations {
			return fmt.Errorf("%s: workloads add up to %d invocations, want %d", where, sum, s.Invocations)
		}
		if err := f.checkFunctions(where+": functions", s.Functions); err != nil {
			return err
		}
		if err := f.checkFunctions(where+": exit_work", s.ExitWork); err != nil {
			return err
		}
		f.index[s.Name] = i
	}
	for fn, m := range f.mods {
		if m == "" {
			delete(f.mods, fn)
		}
	}
	return nil
}

func (f *Footprints) checkFunctions(where string, fns []Function) error {
	for j, fn := range fns {
		if !validName(fn.Name) || fn.Calls <= 0 {
			return fmt.Errorf("%s[%d] (%q): want a symbol name and a positive call count, got %d", where, j, fn.Name, fn.Calls)
		}
		if j > 0 && fns[j-1].Name >= fn.Name {
			return fmt.Errorf("%s[%d] (%s) not after %s; want functions sorted by name, each once", where, j, fn.Name, fns[j-1].Name)
		}
		if m, seen := f.mods[fn.Name]; seen && m != fn.Module {
			return fmt.Errorf("%s[%d] (%s): module %q here and %q elsewhere", where, j, fn.Name, fn.Module, m)
		}
		if fn.Module != "" && !validName(fn.Module) {
			return fmt.Errorf("%s[%d] (%s): module %q is not a module name", where, j, fn.Name, fn.Module)
		}
		for _, a := range fn.Aliases {
			if !validName(a) || a == fn.Name {
				return fmt.Errorf("%s[%d] (%s): alias %q", where, j, fn.Name, a)
			}
		}
		f.mods[fn.Name] = fn.Module
	}
	return nil
}

func validName(s string) bool { return s != "" && isSymbol(s) }

// BuildFootprints assembles the file from the footprint of each workload
// (in runs order) and names the module of each function: from the raw
// trace's addresses where ParseRaw saw them (Footprint.Modules), else by
// name from the guest's symbols when the name is in one module only.
func BuildFootprints(prov Provenance, runs []WorkloadRun, fps []*Footprint, syms *Symbols) (*Footprints, error) {
	if len(runs) != len(fps) {
		return nil, fmt.Errorf("footprints: %d workloads, %d footprints", len(runs), len(fps))
	}
	type acc struct {
		inv, depth int
		workloads  map[string]int
		calls      map[string]int
		exit       map[string]int
	}
	per := map[string]*acc{}
	mods := map[string]string{}
	for i, fp := range fps {
		for name, sf := range fp.PerSyscall {
			a := per[name]
			if a == nil {
				a = &acc{workloads: map[string]int{}, calls: map[string]int{}, exit: map[string]int{}}
				per[name] = a
			}
			a.inv += sf.Invocations
			a.depth = max(a.depth, sf.Depth)
			if sf.Invocations > 0 {
				a.workloads[runs[i].Name] += sf.Invocations
			}
			for fn, n := range sf.Functions {
				a.calls[fn] += n
			}
			for fn, n := range sf.ExitWork {
				a.exit[fn] += n
			}
		}
		for fn, m := range fp.Modules {
			if old, ok := mods[fn]; ok && old != m {
				return nil, fmt.Errorf("footprints: function %s seen in module %q and %q", fn, old, m)
			}
			mods[fn] = m
		}
	}
	f := &Footprints{Schema: FootprintsSchema, Provenance: prov, Workloads: runs}
	all := map[string]bool{}
	var sizes []int
	for _, name := range slices.Sorted(maps.Keys(per)) {
		a := per[name]
		if a.inv == 0 {
			// Only exit work was seen (its entry was before the
			// trace began): no footprint.
			continue
		}
		s := SyscallFunctions{Name: name, Invocations: a.inv, Depth: a.depth, Workloads: a.workloads}
		function := func(fn string, n int) Function {
			m, ok := mods[fn]
			if !ok && syms != nil {
				if ms := syms.Modules(fn); len(ms) == 1 {
					m = ms[0]
				}
			}
			var aliases []string
			if syms != nil {
				aliases = syms.Aliases(fn)
			}
			return Function{Name: fn, Calls: n, Module: m, Aliases: aliases}
		}
		for _, fn := range slices.Sorted(maps.Keys(a.calls)) {
			s.Functions = append(s.Functions, function(fn, a.calls[fn]))
			all[fn] = true
		}
		for _, fn := range slices.Sorted(maps.Keys(a.exit)) {
			s.ExitWork = append(s.ExitWork, function(fn, a.exit[fn]))
		}
		sizes = append(sizes, len(s.Functions))
		f.Syscalls = append(f.Syscalls, s)
	}
	slices.Sort(sizes)
	f.Provenance.Totals = FootprintSum{Syscalls: len(f.Syscalls), Functions: len(all)}
	if len(sizes) > 0 {
		f.Provenance.Totals.MedianFunction = sizes[len(sizes)/2]
	}
	if err := f.check(); err != nil {
		return nil, fmt.Errorf("footprints: %w", err)
	}
	return f, nil
}
