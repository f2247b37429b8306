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
	conditional := false
	for _, f := range p.Filters {
		if f.Conditional(sys) {
			conditional = true
		}
	}
	tuples := [][6]uint64{{}}
	if conditional {
		tuples = c.Tuples(sys)
	}
	via := make([]bool, len(p.Filters))
	rules := make([]seccomp.SyscallRules, len(p.Filters))
	for fi, f := range p.Filters {
		rules[fi] = f.For(sys)
	}
	allowed := 0
	for i := range tuples {
		reached := false
		for fi, f := range p.Filters {
			v := rules[fi].Evaluate(&tuples[i])
			if v.Action == seccomp.ActUnknown {
				return en, fmt.Errorf("filter %s: verdict for %s is unknown", f.Name, sys)
			}
			if v.Action.ReachesKernel() {
				reached = true
				via[fi] = true
			}
		}
		if reached {
			allowed++
		}
	}
	en.Degree = float64(allowed) / float64(len(tuples))
	for fi, f := range p.Filters {
		if !via[fi] {
			continue
		}
		if len(p.Filters) > 1 || f.Name != "" {
			en.Via = append(en.Via, f.Name)
		}
		if en.Degree < 1 {
			en.Conditions = append(en.Conditions, describeRules(f, sys)...)
		}
	}
	return en, nil
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
