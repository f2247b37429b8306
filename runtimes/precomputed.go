package runtimes

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"

	"sysweight/exposure"
)

// PrecomputedFile is data/builtin-exposures.json: every built-in's
// exposure over the built-ins' shared corpus, as Exposures gives them,
// written by go generate (internal/genexposures).
type PrecomputedFile struct {
	Generated string               `json:"generated"`
	Exposures []*exposure.Exposure `json:"exposures"`
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
	for _, e := range f.Exposures {
		x, err := exposure.New(e.Name, e.Arch, e.Provenance, e.Entries)
		if err != nil {
			return nil, fmt.Errorf("embedded %s: %w", file, err)
		}
		out.byName[x.Name] = x
		out.order = append(out.order, x.Name)
	}
	return out, nil
})

// BuiltinExposures returns the exposures of the named built-ins as
// Exposures(Builtins()) evaluates them, from the file go generate writes
// (TestBuiltinExposuresUpToDate checks it is current), without decoding a
// rule set. ok is false when a name is not a built-in; the caller then
// evaluates as usual (Lookup says what is wrong with the name).
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
