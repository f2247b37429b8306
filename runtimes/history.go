package runtimes

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"sort"
	"strings"

	"sysweight/exposure"
	"sysweight/seccomp"
	"sysweight/syscalls"
)

// historySchema versions the files under data/history. Bump it when a
// field changes meaning; decodeHistory refuses other versions.
const historySchema = 1

// ErrUnknownFamily is returned by LoadHistory for a name HistoryFamilies
// does not hold.
var ErrUnknownFamily = errors.New("unknown runtime family")

// HistoryFamily is a runtime whose profile has a version history under
// data/history (internal/genhistory writes them).
type HistoryFamily struct {
	Name string
	// Builtin is the built-in the family's versions stand for: the newest
	// version is that built-in's profile or a later one.
	Builtin string
	// What the versions are, for --help and the report.
	What string
}

// HistoryFamilies lists the families with a history, in the order help
// and the report show them: the registry every caller iterates.
var HistoryFamilies = []HistoryFamily{
	{Name: "docker", Builtin: "runc-docker", What: "Docker's default seccomp profile, every version of moby's default.json (2016–2026), for Docker's 14 capabilities"},
	{Name: "podman", Builtin: "crun-podman", What: "Podman/CRI-O's default profile, containers/common pkg/seccomp/seccomp.json at each minor release, for Podman's 11 capabilities"},
	{Name: "gvisor", Builtin: "gvisor-systrap", What: "gVisor's Sentry and Gofer host rules with runsc's defaults of each version, one version a quarter (tools/gvisor-rules)"},
	{Name: "firecracker", Builtin: "kata-firecracker", What: "Firecracker's seccompiler filters (vmm, api, vcpu threads), every release from v0.25"},
}

// History is the versions of one family's profile, oldest first, each
// resolved for the family's target as the built-in is.
type History struct {
	Family      string
	Description string
	Origin      string // where the versions come from
	Target      string // what each version was resolved for
	Notes       []string
	Versions    []HistoryVersion
}

// HistoryVersion is one version with its policy.
type HistoryVersion struct {
	Version string // a tag, a pseudo-version or a short commit
	Commit  string
	Date    string // YYYY-MM-DD
	Source  string // the input it was derived from, with its sha256
	Notes   []string
	// Policy is the version's rules; a version that changed nothing
	// shares the policy of the one before.
	Policy *seccomp.Policy
	// RulesChanged names the syscalls whose rules differ from the
	// version before, in any filter, sorted; nil for the first version.
	RulesChanged []string
	// DefaultsChanged names the filters whose default action changed or
	// that were added or removed; nil for the first version.
	DefaultsChanged []string
}

// Named returns what Evaluate needs of v: its policy, named
// FAMILY@VERSION, with provenance.
func (h *History) Named(v HistoryVersion) Named {
	return Named{Name: h.Family + "@" + v.Version, Policy: v.Policy, Provenance: exposure.Provenance{
		Source: exposure.Declared, Origin: h.Origin, Version: v.Version, Date: v.Date, Notes: v.Notes}}
}

// historyFile is the committed form: the first version holds every rule,
// each later one what changed.
type historyFile struct {
	Schema      int              `json:"schema"`
	Family      string           `json:"family"`
	Description string           `json:"description"`
	Origin      string           `json:"origin"`
	Arch        string           `json:"arch"`
	Target      string           `json:"target"`
	GeneratedBy string           `json:"generated_by"`
	Notes       []string         `json:"notes,omitempty"`
	Versions    []historyVersion `json:"versions"`
}

type historyVersion struct {
	Version string   `json:"version"`
	Commit  string   `json:"commit,omitempty"`
	Date    string   `json:"date"`
	Source  string   `json:"source"`
	Notes   []string `json:"notes,omitempty"`
	// Filters holds the filters that changed: their new default, and the
	// whole rule list of each syscall whose rules changed.
	Filters []historyFilter `json:"filters,omitempty"`
}

type historyFilter struct {
	Name    string        `json:"name"`
	Removed bool          `json:"removed,omitempty"`
	Default string        `json:"default,omitempty"` // when new or changed
	Set     []ruleSetRule `json:"set,omitempty"`     // every rule of each syscall whose rules changed, by syscall
	Unset   []string      `json:"unset,omitempty"`   // syscalls that have no rule any more
}

// filterState is one filter of a version as the delta encoding sees it.
type filterState struct {
	def   string
	rules map[string][]ruleSetRule // by syscall, in the filter's order
}

func stateOf(f *seccomp.Filter) filterState {
	s := filterState{def: verdictString(f.Default), rules: map[string][]ruleSetRule{}}
	for _, r := range f.Rules {
		s.rules[r.Syscall] = append(s.rules[r.Syscall], encodeRule(r))
	}
	return s
}

// EncodeHistory writes h as data/history holds it. generatedBy names the
// generator.
func EncodeHistory(w io.Writer, h *History, generatedBy string) error {
	if len(h.Versions) == 0 {
		return errors.New("history has no version")
	}
	hf := historyFile{Schema: historySchema, Family: h.Family, Description: h.Description, Origin: h.Origin,
		Arch: string(h.Versions[0].Policy.Arch), Target: h.Target, GeneratedBy: generatedBy, Notes: h.Notes}
	prev := map[string]filterState{}
	for i, v := range h.Versions {
		if v.Policy.Arch != syscalls.Arch(hf.Arch) {
			return fmt.Errorf("version %s is for %s, the history for %s", v.Version, v.Policy.Arch, hf.Arch)
		}
		hv := historyVersion{Version: v.Version, Commit: v.Commit, Date: v.Date, Source: v.Source, Notes: v.Notes}
		cur := map[string]filterState{}
		for _, f := range v.Policy.Filters {
			if _, dup := cur[f.Name]; dup {
				return fmt.Errorf("version %s: two filters named %q", v.Version, f.Name)
			}
			s := stateOf(f)
			cur[f.Name] = s
			p, had := prev[f.Name]
			hfl := historyFilter{Name: f.Name}
			if !had || p.def != s.def {
				hfl.Default = s.def
			}
			for _, sys := range sortedKeys(s.rules) {
				if !had || !sameRules(p.rules[sys], s.rules[sys]) {
					hfl.Set = append(hfl.Set, s.rules[sys]...)
				}
			}
			for _, sys := range sortedKeys(p.rules) {
				if _, still := s.rules[sys]; !still {
					hfl.Unset = append(hfl.Unset, sys)
				}
			}
			if hfl.Default != "" || len(hfl.Set) > 0 || len(hfl.Unset) > 0 {
				hv.Filters = append(hv.Filters, hfl)
			}
		}
		for _, name := range sortedKeys(prev) {
			if _, ok := cur[name]; !ok {
				hv.Filters = append(hv.Filters, historyFilter{Name: name, Removed: true})
			}
		}
		if i == 0 && len(hv.Filters) == 0 {
			return fmt.Errorf("version %s has no filter", v.Version)
		}
		hf.Versions = append(hf.Versions, hv)
		prev = cur
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	enc.SetEscapeHTML(false)
	return enc.Encode(hf)
}

func sameRules(a, b []ruleSetRule) bool {
	return slices.EqualFunc(a, b, func(x, y ruleSetRule) bool {
		return x.Syscall == y.Syscall && x.Action == y.Action && slices.Equal(x.Conds, y.Conds)
	})
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// LoadHistory decodes the embedded history of family.
func LoadHistory(family string) (*History, error) {
	var names []string
	for _, f := range HistoryFamilies {
		if f.Name == family {
			file := path.Join("data", "history", family+".json")
			b, err := dataFS.ReadFile(file)
			if err != nil {
				return nil, err
			}
			h, err := decodeHistory(bytes.NewReader(b), file)
			if err != nil {
				return nil, fmt.Errorf("embedded %w", err)
			}
			return h, nil
		}
		names = append(names, f.Name)
	}
	return nil, fmt.Errorf("%w %q (with a history: %s)", ErrUnknownFamily, family, strings.Join(names, ", "))
}

func decodeHistory(r io.Reader, file string) (*History, error) {
	var hf historyFile
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&hf); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if hf.Schema != historySchema {
		return nil, fmt.Errorf("%s: history schema %d, want %d", file, hf.Schema, historySchema)
	}
	arch, err := syscalls.ParseArch(hf.Arch)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	h := &History{Family: hf.Family, Description: hf.Description, Origin: hf.Origin, Target: hf.Target, Notes: hf.Notes}
	state := map[string]*filterState{}
	var order []string // filters in the order they first appeared
	for vi, hv := range hf.Versions {
		at := fmt.Sprintf("%s: versions[%d] (%s)", file, vi, hv.Version)
		v := HistoryVersion{Version: hv.Version, Commit: hv.Commit, Date: hv.Date, Source: hv.Source, Notes: hv.Notes}
		changed := map[string]bool{}
		if vi > 0 {
			v.RulesChanged, v.DefaultsChanged = []string{}, []string{}
		}
		for fi, hfl := range hv.Filters {
			s := state[hfl.Name]
			switch {
			case hfl.Removed:
				if s == nil {
					return nil, fmt.Errorf("%s: filters[%d]: removes %q, which is not there", at, fi, hfl.Name)
				}
				for sys := range s.rules {
					changed[sys] = true
				}
				delete(state, hfl.Name)
				order = slices.DeleteFunc(order, func(n string) bool { return n == hfl.Name })
				v.DefaultsChanged = append(v.DefaultsChanged, hfl.Name)
				continue
			case s == nil:
				if hfl.Default == "" {
					return nil, fmt.Errorf("%s: filters[%d]: new filter %q without a default", at, fi, hfl.Name)
				}
				s = &filterState{rules: map[string][]ruleSetRule{}}
				state[hfl.Name] = s
				order = append(order, hfl.Name)
			}
			if hfl.Default != "" {
				s.def = hfl.Default
				if vi > 0 {
					v.DefaultsChanged = append(v.DefaultsChanged, hfl.Name)
				}
			}
			set := map[string][]ruleSetRule{}
			for _, r := range hfl.Set {
				set[r.Syscall] = append(set[r.Syscall], r)
			}
			for sys, rs := range set {
				s.rules[sys] = rs
				changed[sys] = true
			}
			for _, sys := range hfl.Unset {
				if _, ok := s.rules[sys]; !ok {
					return nil, fmt.Errorf("%s: filters[%d]: unsets %s, which has no rule", at, fi, sys)
				}
				delete(s.rules, sys)
				changed[sys] = true
			}
		}
		if vi > 0 {
			v.RulesChanged = append(v.RulesChanged, sortedKeys(changed)...)
		}
		if vi > 0 && len(hv.Filters) == 0 {
			// Unchanged: the same policy, which EvaluateEach evaluates once.
			v.Policy = h.Versions[vi-1].Policy
			h.Versions = append(h.Versions, v)
			continue
		}
		p := &seccomp.Policy{Name: hf.Family + "@" + hv.Version, Arch: arch}
		for _, name := range order {
			s := state[name]
			def, err := parseVerdict(s.def)
			if err != nil {
				return nil, fmt.Errorf("%s: filter %s: %w", at, name, err)
			}
			var rules []seccomp.Rule
			for _, sys := range sortedKeys(s.rules) {
				for ri, rr := range s.rules[sys] {
					rule, err := decodeRule(rr)
					if err != nil {
						return nil, fmt.Errorf("%s: filter %s: %s rule %d%w", at, name, sys, ri, err)
					}
					rules = append(rules, rule)
				}
			}
			f, err := seccomp.NewFilter(name, arch, def, rules)
			if err != nil {
				return nil, fmt.Errorf("%s: filter %s: %w", at, name, err)
			}
			p.Filters = append(p.Filters, f)
		}
		if len(p.Filters) == 0 {
			return nil, fmt.Errorf("%s: no filter", at)
		}
		v.Policy = p
		h.Versions = append(h.Versions, v)
	}
	if len(h.Versions) == 0 {
		return nil, fmt.Errorf("%s: no version", file)
	}
	return h, nil
}
