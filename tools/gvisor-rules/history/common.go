//go:build sysweight_gvisor_history

// The gVisor history extractor: history.go (the driver) builds this
// directory, with model.go and one sentry_*.go file, against one gVisor
// version in a module of its own, with pkg/seccomp's Install overlaid so
// that it records its arguments instead of installing a filter
// (overlayInstall in history.go). The rule values are read by reflection,
// by type name, so that one walker serves gVisor's two rule models:
// SyscallRules map[uintptr][]Rule (Rule: one array of argument matchers
// per alternative, before 2023-10) and SyscallRules{rules
// map[uintptr]SyscallRule} (MatchAll, PerArg, Or, And, since).

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"sort"

	"gvisor.dev/gvisor/pkg/seccomp"
)

// controllerFDSentinel stands for the control socket's fd, known only in a
// running sandbox (the same stand-in as variants.go).
const controllerFDSentinel = 0x5e5e0001

// extracted is one process's rule halves as gVisor computes them.
type extracted struct {
	name, process string
	allow, deny   any
	vars          map[uint64]string
}

// captured returns the arguments of each seccomp.Install call since the
// last call: the allow rules and, from 2022, the deny rules.
func captured() (allow, deny any, err error) {
	c := seccomp.SysweightCaptured
	seccomp.SysweightCaptured = nil
	if len(c) != 1 || len(c[0]) == 0 {
		return nil, nil, fmt.Errorf("seccomp.Install was called %d times, want once", len(c))
	}
	// (*Program).Install (2026): the program's rule sets, the deny set
	// first with no action (the default, kill), then the allow set.
	if p := reflect.ValueOf(c[0][0]); p.Kind() == reflect.Pointer && p.Elem().Kind() == reflect.Struct {
		sets := p.Elem().FieldByName("RuleSets")
		if !sets.IsValid() {
			return nil, nil, fmt.Errorf("Install's receiver %s has no RuleSets", p.Type())
		}
		for i := 0; i < sets.Len(); i++ {
			rs := sets.Index(i)
			switch {
			case rs.FieldByName("Action").IsZero() && deny == nil:
				deny = rs.FieldByName("Rules").Interface()
			case !rs.FieldByName("Action").IsZero() && allow == nil:
				allow = rs.FieldByName("Rules").Interface()
			default:
				return nil, nil, fmt.Errorf("program with %d rule sets: want one deny, one allow", sets.Len())
			}
		}
		if allow == nil {
			return nil, nil, errors.New("program without an allow rule set")
		}
		return allow, deny, nil
	}
	allow = c[0][0]
	if len(c[0]) > 1 {
		if _, isRules := c[0][1].(seccomp.SyscallRules); isRules {
			deny = c[0][1]
		}
	}
	return allow, deny, nil
}

func main() {
	sentry, flags, err := sentryRules()
	if err == nil {
		var gofer extracted
		if gofer, err = goferRules(); err == nil {
			err = emit([]extracted{sentry, gofer}, flags)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gvisor-history extractor:", err)
		os.Exit(1)
	}
}

// goferRules calls runsc/fsgofer/filter.Install, whose signature changed
// over the years (Install(), Install(Options)), with runsc's defaults:
// the zero Options with DirectFS set where it has that field and
// directfs was on by default.
func goferRules() (extracted, error) {
	if err := callInstall(goferInstall, map[string]any{"DirectFS": directFS}); err != nil {
		return extracted{}, fmt.Errorf("gofer: %w", err)
	}
	allow, deny, err := captured()
	if err != nil {
		return extracted{}, fmt.Errorf("gofer: %w", err)
	}
	return extracted{name: "gofer", process: "runsc gofer", allow: allow, deny: deny}, nil
}

// callInstall calls an Install function with zero arguments of its
// parameter types, each struct's fields named in set set to those values
// where the struct has them.
func callInstall(fn any, set map[string]any) error {
	f := reflect.ValueOf(fn)
	var args []reflect.Value
	for i := 0; i < f.Type().NumIn(); i++ {
		a := reflect.New(f.Type().In(i)).Elem()
		if a.Kind() == reflect.Struct {
			for name, v := range set {
				if fv := a.FieldByName(name); fv.IsValid() && fv.CanSet() {
					fv.Set(reflect.ValueOf(v).Convert(fv.Type()))
				}
			}
		}
		args = append(args, a)
	}
	out := f.Call(args)
	if len(out) == 1 && !out[0].IsNil() {
		return out[0].Interface().(error)
	}
	return nil
}

func emit(ins []extracted, flags []string) error {
	file := File{Schema: schemaVersion, GeneratedBy: "tools/gvisor-rules -history", Variant: "gvisor", Arch: "x86_64",
		RunscFlags: flags, Description: "runsc defaults of this version: " + fmt.Sprint(flags)}
	file.Notes = append(file.Notes, fmt.Sprintf("pid %d", os.Getpid()))
	for _, in := range ins {
		f := Filter{Name: in.name, Process: in.process, Default: "kill_process", BadArch: "kill_process"}
		for _, h := range []struct {
			action string
			rules  any
			dst    *[]Rule
		}{{"kill_process", in.deny, &f.Deny}, {"allow", in.allow, &f.Rules}} {
			if h.rules == nil {
				continue
			}
			w := walker{filter: in.name, vars: in.vars}
			rules, err := w.rules(reflect.ValueOf(h.rules), h.action)
			if err != nil {
				return fmt.Errorf("%s: %w", in.name, err)
			}
			*h.dst = rules
			file.Approx = append(file.Approx, w.approx...)
		}
		f.NumAllow = len(f.Rules)
		file.Filters = append(file.Filters, f)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(file)
}

type walker struct {
	filter string
	vars   map[uint64]string
	approx []Approx
}

// name is filled in by the driver, from the pinned gVisor's syscall table
// (generate.go's syscallName): importing this version's table would pull
// in the whole Sentry.
func name(nr int64) (string, error) { return fmt.Sprintf("nr%d", nr), nil }

// rules reads a SyscallRules value of either model.
func (w *walker) rules(v reflect.Value, action string) ([]Rule, error) {
	if v.Kind() == reflect.Struct { // since 2023-10: the rules map is a field
		v = v.FieldByName("rules")
	}
	if v.Kind() != reflect.Map || v.Type().Key().Kind() != reflect.Uintptr {
		return nil, fmt.Errorf("SyscallRules of type %s: no map[uintptr]…", v.Type())
	}
	keys := v.MapKeys()
	sort.Slice(keys, func(i, j int) bool { return keys[i].Uint() < keys[j].Uint() })
	var out []Rule
	for _, k := range keys {
		nr := int64(int32(uint32(k.Uint())))
		n, err := name(nr)
		if err != nil {
			return nil, err
		}
		r := v.MapIndex(k)
		var alts [][]Cond
		if r.Kind() == reflect.Slice && r.Type().Elem().Kind() == reflect.Array { // []Rule: one alternative each, none = any
			if r.Len() == 0 {
				alts = [][]Cond{{}}
			}
			for i := 0; i < r.Len(); i++ {
				a, err := w.perArg(r.Index(i), n, nr)
				if err != nil {
					return nil, err
				}
				alts = append(alts, a...)
			}
		} else if alts, err = w.dnf(r, n, nr); err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		out = append(out, Rule{Syscall: n, Nr: nr, Action: action, Alternatives: simplify(alts)})
	}
	return out, nil
}

// dnf expands a SyscallRule tree (MatchAll, PerArg, Or, And) into
// alternatives of conjunctions, as tools/gvisor-rules' translator does.
func (w *walker) dnf(v reflect.Value, n string, nr int64) ([][]Cond, error) {
	for v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	switch v.Type().Name() {
	case "MatchAll":
		return [][]Cond{{}}, nil
	case "PerArg":
		return w.perArg(v, n, nr)
	case "Or":
		var out [][]Cond
		for i := 0; i < v.Len(); i++ {
			a, err := w.dnf(v.Index(i), n, nr)
			if err != nil {
				return nil, err
			}
			out = append(out, a...)
		}
		return out, nil
	case "And":
		out := [][]Cond{{}}
		for i := 0; i < v.Len(); i++ {
			a, err := w.dnf(v.Index(i), n, nr)
			if err != nil {
				return nil, err
			}
			var next [][]Cond
			for _, x := range out {
				for _, y := range a {
					next = append(next, append(slices.Clone(x), y...))
				}
			}
			out = next
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown rule type %s", v.Type())
}

// perArg reads one array of argument matchers (index 6, where present,
// is the instruction pointer).
func (w *walker) perArg(v reflect.Value, n string, nr int64) ([][]Cond, error) {
	var conj []Cond
	for i := 0; i < v.Len(); i++ {
		m := v.Index(i)
		for m.Kind() == reflect.Interface {
			if m.IsNil() {
				break
			}
			m = m.Elem()
		}
		if m.Kind() == reflect.Interface && m.IsNil() {
			continue
		}
		c, ok, err := matcher(m)
		if err != nil {
			return nil, fmt.Errorf("%s arg %d: %w", n, i, err)
		}
		if !ok {
			continue
		}
		operand := fmt.Sprintf("arg%d", i)
		if i == 6 {
			operand = "rip"
		}
		widen := func(what, reason string) {
			w.approx = append(w.approx, Approx{Filter: w.filter, Syscall: n, Nr: nr, Operand: operand, Matcher: what, Reason: reason})
		}
		val := mustHex(c.Value)
		v, isVar := w.vars[val]
		if !isVar {
			v, isVar = w.vars[val&0xffffffff]
		}
		if !isVar && val>>32 != 0 {
			v, isVar = w.vars[val>>32]
		}
		if isVar && c.ValueTwo == "" {
			widen(c.Op+" "+v, "compares with the runtime value "+v+", known only in a running sandbox; widened to any value")
			continue
		}
		if mustHex(c.Value) == controllerFDSentinel {
			widen(c.Op+" controller_fd", "compares with the runtime value controller_fd, known only in a running sandbox; widened to any value")
			continue
		}
		if i == 6 {
			widen(c.Op+" "+c.Value, "checks the instruction pointer, which the argument model cannot express; widened to any value")
			continue
		}
		c.Arg = i
		conj = append(conj, c)
	}
	return [][]Cond{conj}, nil
}

// matcher maps one of gVisor's value matchers, by type name, to a 64-bit
// unsigned comparison; ok is false for "any value".
func matcher(m reflect.Value) (Cond, bool, error) {
	hex := func(v uint64) string { return fmt.Sprintf("%#x", v) }
	switch m.Type().Name() {
	case "AllowAny", "MatchAny", "AnyValue":
		return Cond{}, false, nil
	case "AllowValue", "EqualTo":
		return Cond{Op: "eq", Value: hex(m.Uint())}, true, nil
	case "NotEqual":
		return Cond{Op: "ne", Value: hex(m.Uint())}, true, nil
	case "GreaterThan":
		return Cond{Op: "gt", Value: hex(m.Uint())}, true, nil
	case "GreaterThanOrEqual":
		return Cond{Op: "ge", Value: hex(m.Uint())}, true, nil
	case "LessThan":
		return Cond{Op: "lt", Value: hex(m.Uint())}, true, nil
	case "LessThanOrEqual":
		return Cond{Op: "le", Value: hex(m.Uint())}, true, nil
	case "NonNegativeFD":
		// high 32 bits zero and bit 31 clear: arg <= 0x7fffffff.
		return Cond{Op: "le", Value: hex(0x7fffffff)}, true, nil
	case "maskedEqual":
		mask, val := m.FieldByName("mask"), m.FieldByName("value")
		if mask.Kind() == reflect.Uintptr && val.Kind() == reflect.Uintptr {
			return Cond{Op: "masked_eq", Value: hex(mask.Uint()), ValueTwo: hex(val.Uint())}, true, nil
		}
	}
	return Cond{}, false, fmt.Errorf("no exact translation for gVisor matcher %s", m.Type())
}

// simplify drops repeated alternatives and collapses the rule to [[]]
// when one alternative is unconditional (translate.go's simplify).
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

func mustHex(s string) uint64 {
	var v uint64
	fmt.Sscanf(s, "0x%x", &v)
	return v
}
