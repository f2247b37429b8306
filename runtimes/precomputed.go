package runtimes

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"

	"sysweight/exposure"
	"sysweight/syscalls"
)

// PrecomputedFile is data/builtin-exposures.json: every built-in's
// exposure over the built-ins' shared corpus, as Exposures gives them,
// written by go generate (internal/genexposures). An exposure keeps its
// name, arch and provenance and, per syscall, the number and the degree:
// what a score needs, not the conditions (exposure evaluates those).
type PrecomputedFile struct {
	Generated string                `json:"generated"`
	Exposures []PrecomputedExposure `json:"exposures"`
}

// PrecomputedExposure is one exposure of PrecomputedFile.
type PrecomputedExposure struct {
	Name       string              `json:"name"`
	Arch       syscalls.Arch       `json:"arch"`
	Provenance exposure.Provenance `json:"provenance"`
	// Degrees are [number, degree] pairs, by number.
	Degrees [][2]float64 `json:"degrees"`
}

// Precompute turns exposures into the file's form.
func Precompute(exps []*exposure.Exposure) []PrecomputedExposure {
	out := make([]PrecomputedExposure, len(exps))
	for i, e := range exps {
		p := PrecomputedExposure{Name: e.Name, Arch: e.Arch, Provenance: e.Provenance}
		for _, en := range e.Entries {
			p.Degrees = append(p.Degrees, [2]float64{float64(en.Nr), en.Degree})
		}
		out[i] = p
	}
	return out
}

type precomputedSet struct {
	byName map[string]*exposure.Exposure
	order  []string
}

var precomputed = sync.OnceValues(func() (*precomputedSet, error) {
	const file = "data/builtin-exposures.json"
	b, err := dataFS.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var f PrecomputedFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("embedded %s: %w", file, err)
	}
	out := &precomputedSet{byName: make(map[string]*exposure.Exposure, len(f.Exposures))}
	for _, p := range f.Exposures {
		t, err := syscalls.ForArch(p.Arch)
		if err != nil {
			return nil, fmt.Errorf("embedded %s: %s: %w", file, p.Name, err)
		}
		entries := make([]exposure.Entry, 0, len(p.Degrees))
		for _, d := range p.Degrees {
			name, ok := t.Name(int(d[0]))
			if !ok || d[0] != float64(int(d[0])) {
				return nil, fmt.Errorf("embedded %s: %s: no syscall number %v", file, p.Name, d[0])
			}
			entries = append(entries, exposure.Entry{Syscall: name, Nr: int(d[0]), Degree: d[1]})
		}
		x, err := exposure.New(p.Name, p.Arch, p.Provenance, entries)
		if err != nil {
			return nil, fmt.Errorf("embedded %s: %w", file, err)
		}
		out.byName[x.Name] = x
		out.order = append(out.order, x.Name)
	}
	return out, nil
})

// BuiltinExposures returns the exposures of the named built-ins as
// Exposures(Builtins()) evaluates them, degrees only (no conditions), from
// the file go generate writes (TestBuiltinExposuresUpToDate checks it is
// current), without decoding a rule set. ok is false when a name is not a
// built-in; the caller then evaluates as usual (Lookup says what is wrong
// with the name).
func BuiltinExposures(names []string) (exps []*exposure.Exposure, ok bool, err error) {
	m, err := precomputed()
	if err != nil {
		return nil, false, err
	}
	for _, n := range names {
		e, found := m.byName[n]
		if !found {
			return nil, false, nil
		}
		exps = append(exps, e)
	}
	return exps, true, nil
}

// BuiltinNames lists the built-ins' names in Builtins' order, from the
// precomputed file: no rule set is decoded.
func BuiltinNames() ([]string, error) {
	m, err := precomputed()
	if err != nil {
		return nil, err
	}
	return m.order, nil
}
