package main

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"

	"gvisor.dev/gvisor/pkg/seccomp"
)

// maxAlternatives bounds the OR-of-ANDs expansion of one syscall's rule; an
// And of Ors multiplies. gVisor's rules at the pinned version stay far below.
const maxAlternatives = 4096

// nonNegativeFDMax is the largest value seccomp.NonNegativeFD accepts: it
// requires the high 32 bits to be zero and bit 31 clear (pkg/seccomp
// NonNegativeFD.split: halfEqualTo(0) high, halfNotSet(1<<31) low), which is
// exactly the unsigned 64-bit comparison arg <= 0x7fffffff.
const nonNegativeFDMax = 0x7fffffff

var errUnknownRule = errors.New("unknown gVisor rule type")

// runtimeVars maps a value that stands in for a runtime variable (the
// sandbox's PID, the controller FD, a platform variable) to the variable's
// name. Comparisons against such values are widened to "any value": the real
// value exists only in a running sandbox.
type runtimeVars map[uint64]string

// sysnos returns the syscall numbers that sr has rules for, sorted. gVisor's
// SyscallRules has no iterator, so the keys are read by reflection; the
// generator test checks them against the exported Has and Size.
func sysnos(sr seccomp.SyscallRules) ([]uintptr, error) {
	v := reflect.ValueOf(sr)
	m := v.FieldByName("rules")
	if !m.IsValid() || m.Kind() != reflect.Map || m.Type().Key().Kind() != reflect.Uintptr {
		return nil, fmt.Errorf("seccomp.SyscallRules has no rules map[uintptr]... field at this gVisor version")
	}
	keys := make([]uintptr, 0, m.Len())
	for _, k := range m.MapKeys() {
		keys = append(keys, uintptr(k.Uint()))
	}
	slices.Sort(keys)
	if len(keys) != sr.Size() {
		return nil, fmt.Errorf("read %d syscall numbers, SyscallRules.Size says %d", len(keys), sr.Size())
	}
	return keys, nil
}

// translator turns gVisor SyscallRules into Rules and records approximations.
type translator struct {
	filter string
	action string
	vars   runtimeVars
	name   func(nr int64) (string, error)
	approx []Approx

	// Every matcher other than AnyValue gets an ordinal, in the
	// deterministic order of the walk (syscall number, then rule tree).
	// reprs[i] is gVisor's Repr of matcher i; pidSites holds the ordinals
	// that compare with this process's PID (see pidSites in pid.go).
	ordinal  int
	reprs    []string
	pidSites map[int]bool
}

func (t *translator) rules(sr seccomp.SyscallRules) ([]Rule, error) {
	nos, err := sysnos(sr)
	if err != nil {
		return nil, err
	}
	out := make([]Rule, 0, len(nos))
	for _, no := range nos {
		// Syscall numbers are compared as the int32 seccomp_data.nr, so a
		// uintptr key of ^0 (KVM's _SYS_KVM_RETURN_TO_HOST) is nr -1.
		nr := int64(int32(uint32(no)))
		if uint64(no) != uint64(uint32(no)) && uint64(no) != ^uint64(0) {
			return nil, fmt.Errorf("%s: syscall number %#x does not fit seccomp_data.nr", t.filter, no)
		}
		name, err := t.name(nr)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t.filter, err)
		}
		alts, err := t.dnf(sr.Get(no), name, nr)
		if err != nil {
			return nil, fmt.Errorf("%s: syscall %s (%d): %w", t.filter, name, nr, err)
		}
		out = append(out, Rule{Syscall: name, Nr: nr, Action: t.action, Alternatives: simplify(alts)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Nr < out[j].Nr })
	return out, nil
}

// dnf expands a rule tree into alternatives of conjunctions, the shape a
// libseccomp-style rule list has. It mirrors how pkg/seccomp renders the
// tree: MatchAll jumps to "matched", Or tries each child, And requires each,
// PerArg requires each non-nil argument matcher.
func (t *translator) dnf(r seccomp.SyscallRule, name string, nr int64) ([][]Cond, error) {
	switch r := r.(type) {
	case seccomp.MatchAll:
		return [][]Cond{{}}, nil
	case seccomp.PerArg:
		var conj []Cond
		for i, m := range r {
			c, ok, err := t.matcher(i, m, name, nr)
			if err != nil {
				return nil, err
			}
			if ok {
				conj = append(conj, c)
			}
		}
		return [][]Cond{conj}, nil
	case seccomp.Or:
		if len(r) == 0 {
			return nil, errors.New("empty Or (gVisor panics on it too)")
		}
		var out [][]Cond
		for _, sub := range r {
			alts, err := t.dnf(sub, name, nr)
			if err != nil {
				return nil, err
			}
			out = append(out, alts...)
			if len(out) > maxAlternatives {
				return nil, fmt.Errorf("more than %d alternatives", maxAlternatives)
			}
		}
		return out, nil
	case seccomp.And:
		if len(r) == 0 {
			return nil, errors.New("empty And (gVisor panics on it too)")
		}
		out := [][]Cond{{}}
		for _, sub := range r {
			alts, err := t.dnf(sub, name, nr)
			if err != nil {
				return nil, err
			}
			var next [][]Cond
			for _, a := range out {
				for _, b := range alts {
					next = append(next, append(slices.Clone(a), b...))
				}
			}
			if len(next) > maxAlternatives {
				return nil, fmt.Errorf("more than %d alternatives", maxAlternatives)
			}
			out = next
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w %T", errUnknownRule, r)
}

// matcher translates the matcher for operand i (0-5 arguments, 6 = RIP).
// ok is false when the matcher accepts every value (or is widened to).
func (t *translator) matcher(i int, m seccomp.ValueMatcher, name string, nr int64) (c Cond, ok bool, err error) {
	if m == nil {
		return Cond{}, false, nil
	}
	if _, any := m.(seccomp.AnyValue); any {
		return Cond{}, false, nil
	}
	ord := t.ordinal
	t.ordinal++
	t.reprs = append(t.reprs, m.Repr())
	c, repr, err := translateMatcher(m)
	if err != nil {
		return Cond{}, false, err
	}
	// The translation must print as gVisor prints the matcher: a check that
	// the reflected fields of unexported matchers were read right.
	if repr != m.Repr() {
		return Cond{}, false, fmt.Errorf("translated %T to %q but gVisor's Repr is %q", m, repr, m.Repr())
	}
	operand := fmt.Sprintf("arg%d", i)
	if i == seccomp.RuleIP {
		operand = "rip"
	}
	widen := func(matcher, reason string) (Cond, bool, error) {
		t.approx = append(t.approx, Approx{Filter: t.filter, Syscall: name, Nr: nr, Operand: operand, Matcher: matcher, Reason: reason})
		return Cond{}, false, nil
	}
	if t.pidSites[ord] {
		return widen("== self_pid", "compares with the runtime value self_pid (the process's own PID), known only in a running sandbox; widened to any value")
	}
	if v, isVar := t.vars[mustHex(c.Value)]; isVar && c.ValueTwo == "" {
		return widen(fmt.Sprintf("%s %s", opSymbol[c.Op], v),
			fmt.Sprintf("compares with the runtime value %s, known only in a running sandbox; widened to any value", v))
	}
	if i == seccomp.RuleIP {
		return widen(m.String(), "checks the instruction pointer, which the argument model cannot express; widened to any value")
	}
	c.Arg = i
	return c, true, nil
}

var opSymbol = map[string]string{"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "ge": ">=", "gt": ">", "masked_eq": "&"}

// translateMatcher maps a gVisor ValueMatcher to one exact 64-bit unsigned
// comparison, and returns the Repr gVisor would print for it. Each case
// mirrors the matcher's Render in pkg/seccomp/seccomp_rules.go.
func translateMatcher(m seccomp.ValueMatcher) (Cond, string, error) {
	switch m := m.(type) {
	case seccomp.EqualTo:
		v := uint64(m)
		if v == 0 {
			return Cond{Op: "eq", Value: hex(0)}, "== 0", nil
		}
		return Cond{Op: "eq", Value: hex(v)}, fmt.Sprintf("== %#x", v), nil
	case seccomp.NotEqual:
		return Cond{Op: "ne", Value: hex(uint64(m))}, fmt.Sprintf("!= %#x", uint64(m)), nil
	case seccomp.GreaterThan:
		return Cond{Op: "gt", Value: hex(uint64(m))}, fmt.Sprintf("> %#x", uint64(m)), nil
	case seccomp.GreaterThanOrEqual:
		return Cond{Op: "ge", Value: hex(uint64(m))}, fmt.Sprintf(">= %#x", uint64(m)), nil
	case seccomp.LessThan:
		return Cond{Op: "lt", Value: hex(uint64(m))}, fmt.Sprintf("< %#x", uint64(m)), nil
	case seccomp.LessThanOrEqual:
		return Cond{Op: "le", Value: hex(uint64(m))}, fmt.Sprintf("<= %#x", uint64(m)), nil
	case seccomp.NonNegativeFD:
		return Cond{Op: "le", Value: hex(nonNegativeFDMax)}, "NonNegativeFD", nil
	}
	// MaskedEqual and BitsAllowlist return the unexported maskedEqual.
	v := reflect.ValueOf(m)
	if v.Kind() == reflect.Struct && v.Type().Name() == "maskedEqual" && v.Type().PkgPath() == "gvisor.dev/gvisor/pkg/seccomp" {
		mask, val := v.FieldByName("mask"), v.FieldByName("value")
		if mask.Kind() == reflect.Uintptr && val.Kind() == reflect.Uintptr {
			return Cond{Op: "masked_eq", Value: hex(mask.Uint()), ValueTwo: hex(val.Uint())},
				fmt.Sprintf("& %#x == %#x", mask.Uint(), val.Uint()), nil
		}
	}
	return Cond{}, "", fmt.Errorf("no exact translation for gVisor matcher %T (%s)", m, m.Repr())
}

// simplify drops repeated alternatives (keeping the first) and collapses the
// rule to [[]] when any alternative is unconditional: OR with true is true.
func simplify(alts [][]Cond) [][]Cond {
	var out [][]Cond
	for _, a := range alts {
		if len(a) == 0 {
			return [][]Cond{{}}
		}
		sort.SliceStable(a, func(i, j int) bool { return a[i].Arg < a[j].Arg })
		if !slices.ContainsFunc(out, func(b []Cond) bool { return slices.Equal(a, b) }) {
			out = append(out, a)
		}
	}
	return out
}

func hex(v uint64) string { return fmt.Sprintf("%#x", v) }

func mustHex(s string) uint64 {
	var v uint64
	if _, err := fmt.Sscanf(s, "0x%x", &v); err != nil {
		panic(fmt.Sprintf("internal: bad hex %q", s))
	}
	return v
}
