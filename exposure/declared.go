package exposure

import (
	"fmt"
	"strings"

	"sysweight/seccomp"
	"sysweight/syscalls"
)

// FromPolicy evaluates every syscall of the policy's architecture over the
// corpus. A tuple reaches the host when any of the policy's filters (they
// belong to different processes or threads) lets it reach the kernel; the
// degree is the fraction of tuples that do. Rules whose verdict the
// evaluator cannot tell (seccomp.ActUnknown) make the result an error rather
// than a guess.
func FromPolicy(name string, p *seccomp.Policy, c *Corpus, prov Provenance) (*Exposure, error) {
	t, err := syscalls.ForArch(p.Arch)
	if err != nil {
		return nil, err
	}
	if prov.Source == "" {
		prov.Source = Declared
	}
	var entries []Entry
	for _, s := range t.All() {
		en, err := evalSyscall(s.Name, p, c)
		if err != nil {
			return nil, fmt.Errorf("exposure %s: %w", name, err)
		}
		if en.Degree > 0 {
			entries = append(entries, en)
		}
	}
	return New(name, p.Arch, prov, entries)
}

func evalSyscall(sys string, p *seccomp.Policy, c *Corpus) (Entry, error) {
	en := Entry{Syscall: sys}
	tuples := [][6]uint64{{}}
	if conditional(sys, p) {
		tuples = c.Tuples(sys)
	}
	reached, via, err := reach(sys, p, tuples)
	if err != nil {
		return en, err
	}
	allowed := 0
	for _, r := range reached {
		if r {
			allowed++
		}
	}
	en.Degree = float64(allowed) / float64(len(tuples))
	describe(&en, p, via)
	return en, nil
}

// conditional reports whether any filter of p has argument conditions for
// sys, so that its verdict can depend on the arguments.
func conditional(sys string, p *seccomp.Policy) bool {
	for _, f := range p.Filters {
		if f.Conditional(sys) {
			return true
		}
	}
	return false
}

// reach says, for each tuple, whether sys reaches the kernel under p: when
// any of its filters (they belong to different processes or threads) lets
// it; via says which filters let some tuple through.
func reach(sys string, p *seccomp.Policy, tuples [][6]uint64) (reached, via []bool, err error) {
	via = make([]bool, len(p.Filters))
	rules := make([]seccomp.SyscallRules, len(p.Filters))
	for fi, f := range p.Filters {
		rules[fi] = f.For(sys)
	}
	reached = make([]bool, len(tuples))
	for i := range tuples {
		for fi, f := range p.Filters {
			v := rules[fi].Evaluate(&tuples[i])
			if v.Action == seccomp.ActUnknown {
				return nil, nil, fmt.Errorf("filter %s: verdict for %s is unknown", f.Name, sys)
			}
			if v.Action.ReachesKernel() {
				reached[i] = true
				via[fi] = true
			}
		}
	}
	return reached, via, nil
}

// describe fills en's Via (the filters of p that let it through) and, when
// it is allowed only for some arguments, its Conditions.
func describe(en *Entry, p *seccomp.Policy, via []bool) {
	for fi, f := range p.Filters {
		if !via[fi] {
			continue
		}
		if len(p.Filters) > 1 || f.Name != "" {
			en.Via = append(en.Via, f.Name)
		}
		if en.Degree < 1 {
			en.Conditions = append(en.Conditions, describeRules(f, en.Syscall)...)
		}
	}
}

// Beyond is the part of p that base does not allow: for each syscall, the
// fraction of its argument tuples that p lets reach the kernel and base
// does not. Every degree 0 means p is within base (KEP-6061's question for
// a node's baseline profile); the degrees say by how much it is not. Both
// are evaluated over c's tuples for each syscall either conditions on (a
// single tuple for the others), the tuples FromPolicy uses, so where base
// allows a subset of what p allows the degree is p's degree less base's.
// A nil base is no filter: nothing is beyond it. The entries' Conditions
// and Via are p's, as FromPolicy gives them.
func Beyond(name string, p, base *seccomp.Policy, c *Corpus, prov Provenance) (*Exposure, error) {
	t, err := syscalls.ForArch(p.Arch)
	if err != nil {
		return nil, err
	}
	if base != nil && base.Arch != p.Arch {
		return nil, fmt.Errorf("exposure %s: %s policy beside a %s baseline", name, p.Arch, base.Arch)
	}
	var entries []Entry
	for _, s := range t.All() {
		if base == nil {
			break
		}
		tuples := [][6]uint64{{}}
		if conditional(s.Name, p) || conditional(s.Name, base) {
			tuples = c.Tuples(s.Name)
		}
		in, via, err := reach(s.Name, p, tuples)
		if err != nil {
			return nil, fmt.Errorf("exposure %s: %w", name, err)
		}
		out, _, err := reach(s.Name, base, tuples)
		if err != nil {
			return nil, fmt.Errorf("exposure %s: baseline: %w", name, err)
		}
		n := 0
		for i := range tuples {
			if in[i] && !out[i] {
				n++
			}
		}
		if n == 0 {
			continue
		}
		en := Entry{Syscall: s.Name, Degree: float64(n) / float64(len(tuples))}
		describe(&en, p, via)
		entries = append(entries, en)
	}
	return New(name, p.Arch, prov, entries)
}

// describeRules renders the rules of sys in f that decide where it reaches
// the kernel, prefixed by the filter name when it has one: the rules that
// let it through, and the blocking rules with conditions, since where one
// of those matches it wins over an allow (the most restrictive matching
// rule wins, as Filter.Evaluate and the kernel decide). gVisor's deny list
// is such a rule: mprotect is allowed always, but killed with PROT_EXEC
// (a kill like the filter's default, yet it overrides the allow).
func describeRules(f *seccomp.Filter, sys string) []string {
	var out []string
	for _, r := range f.RulesFor(sys) {
		if !r.Verdict.Action.ReachesKernel() && len(r.Conds) == 0 {
			continue
		}
		parts := make([]string, len(r.Conds))
		for i, c := range r.Conds {
			parts[i] = condString(sys, c)
		}
		s := "always"
		if len(parts) > 0 {
			s = strings.Join(parts, " && ")
		}
		if f.Name != "" && f.Name != "default" {
			s = f.Name + ": " + s
		}
		out = append(out, s+" → "+r.Verdict.String())
	}
	if f.Default.Action.ReachesKernel() {
		out = append(out, "otherwise → "+f.Default.String())
	}
	return out
}
