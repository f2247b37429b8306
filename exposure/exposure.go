package exposure

import (
	"fmt"
	"sort"

	"sysweight/syscalls"
)

// Source says how an Exposure was obtained, in DESIGN.md's order of realism.
type Source string

const (
	Declared    Source = "declared"    // a seccomp profile or rule set, evaluated
	Installed   Source = "installed"   // the BPF filter dumped from a live process
	Observed    Source = "observed"    // host syscalls recorded while a workload ran
	PassThrough Source = "passthrough" // a probe inside the sandbox, host traced
	Unfiltered  Source = "unfiltered"  // no filter at all: every syscall reaches the host
)

// Provenance names where an Exposure's inputs came from.
type Provenance struct {
	Source  Source   `json:"source"`
	Origin  string   `json:"origin"`            // file, module or package the rules come from
	Version string   `json:"version,omitempty"` // tag, commit or package version
	Date    string   `json:"date,omitempty"`    // date of that version, YYYY-MM-DD
	Notes   []string `json:"notes,omitempty"`
}

// Entry is one syscall's exposure. Degree 0 means the host never sees the
// syscall from this configuration; 1 means it always does; a value in
// between is the fraction of the argument corpus the rules let through.
type Entry struct {
	Syscall    string   `json:"syscall"`
	Nr         int      `json:"nr"`
	Degree     float64  `json:"degree"`
	Conditions []string `json:"conditions,omitempty"` // the rule conditions, when argument-dependent
	Via        []string `json:"via,omitempty"`        // the filters (threads, processes) that let it through
}

// Exposure is the per-syscall degree of exposure of one configuration on
// one architecture. Entries holds only syscalls with Degree > 0, ordered by
// number; every other syscall of the table has degree 0.
type Exposure struct {
	Name       string        `json:"name"`
	Arch       syscalls.Arch `json:"arch"`
	Provenance Provenance    `json:"provenance"`
	Entries    []Entry       `json:"entries"`
	index      map[string]int
}

// New builds an Exposure from entries, dropping zero degrees, checking
// names and degrees, and ordering by syscall number.
func New(name string, arch syscalls.Arch, prov Provenance, entries []Entry) (*Exposure, error) {
	t, err := syscalls.ForArch(arch)
	if err != nil {
		return nil, err
	}
	e := &Exposure{Name: name, Arch: arch, Provenance: prov}
	seen := map[string]bool{}
	for _, en := range entries {
		nr, ok := t.Number(en.Syscall)
		if !ok {
			return nil, fmt.Errorf("exposure %s: syscall %q is not in the %s table", name, en.Syscall, arch)
		}
		if en.Degree < 0 || en.Degree > 1 || en.Degree != en.Degree {
			return nil, fmt.Errorf("exposure %s: degree %v of %s is outside [0,1]", name, en.Degree, en.Syscall)
		}
		if seen[en.Syscall] {
			return nil, fmt.Errorf("exposure %s: syscall %s listed twice", name, en.Syscall)
		}
		seen[en.Syscall] = true
		if en.Degree == 0 {
			continue
		}
		en.Nr = nr
		e.Entries = append(e.Entries, en)
	}
	sort.Slice(e.Entries, func(i, j int) bool { return e.Entries[i].Nr < e.Entries[j].Nr })
	e.reindex()
	return e, nil
}

func (e *Exposure) reindex() {
	e.index = make(map[string]int, len(e.Entries))
	for i, en := range e.Entries {
		e.index[en.Syscall] = i
	}
}

// Degree returns the degree of syscall (0 when absent).
func (e *Exposure) Degree(syscall string) float64 {
	en, _ := e.Entry(syscall)
	return en.Degree
}

// Entry returns the entry of syscall. Reads never write: New builds the
// index; an Exposure made otherwise (a literal, a bare json.Unmarshal) is
// searched entry by entry, so concurrent readers are safe either way.
func (e *Exposure) Entry(syscall string) (Entry, bool) {
	if e.index == nil {
		for _, en := range e.Entries {
			if en.Syscall == syscall {
				return en, true
			}
		}
		return Entry{}, false
	}
	i, ok := e.index[syscall]
	if !ok {
		return Entry{}, false
	}
	return e.Entries[i], true
}

// Count is the number of syscalls with a non-zero degree: the plain
// "allowed syscalls" count that most comparisons stop at.
func (e *Exposure) Count() int { return len(e.Entries) }

// Unconfined is the exposure of a process with no filter: every syscall of
// arch's table at degree 1.
func Unconfined(name string, arch syscalls.Arch, prov Provenance) (*Exposure, error) {
	t, err := syscalls.ForArch(arch)
	if err != nil {
		return nil, err
	}
	var entries []Entry
	for _, s := range t.All() {
		entries = append(entries, Entry{Syscall: s.Name, Degree: 1})
	}
	return New(name, arch, prov, entries)
}

// FromSet is the exposure of a plain allow-list: each name at degree 1.
func FromSet(name string, arch syscalls.Arch, prov Provenance, names []string) (*Exposure, error) {
	var entries []Entry
	for _, n := range names {
		entries = append(entries, Entry{Syscall: n, Degree: 1})
	}
	return New(name, arch, prov, entries)
}
