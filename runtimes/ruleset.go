package runtimes

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"sysweight/exposure"
	"sysweight/seccomp"
	"sysweight/syscalls"
)

// ruleSetSchema versions the derived rule sets under data/. Bump it when a
// field changes meaning; decodeRuleSet refuses other versions.
const ruleSetSchema = 1

// ruleSet is a policy already resolved for one target, as sysweight embeds
// the policies it derives from other projects' profiles: only the rules and
// their conditions, with provenance, never the source file itself.
type ruleSet struct {
	Schema      int                 `json:"schema"`
	Name        string              `json:"name"`
	Arch        string              `json:"arch"`
	Target      string              `json:"target"` // the target the source was resolved for
	Provenance  exposure.Provenance `json:"provenance"`
	GeneratedBy string              `json:"generated_by"`
	Filters     []ruleSetFilter     `json:"filters"`
}

type ruleSetFilter struct {
	Name    string        `json:"name"`
	Default string        `json:"default"`
	Rules   []ruleSetRule `json:"rules"`
}

type ruleSetRule struct {
	Syscall string        `json:"syscall"`
	Action  string        `json:"action"`
	Conds   []ruleSetCond `json:"conds,omitempty"`
}

type ruleSetCond struct {
	Arg      uint8  `json:"arg"`
	Op       string `json:"op"`
	Value    string `json:"value"`
	ValueTwo string `json:"value_two,omitempty"`
	Bits     uint8  `json:"bits,omitempty"`
}

func verdictString(v seccomp.Verdict) string {
	if v.Action == seccomp.ActErrno {
		return "errno:" + strconv.FormatUint(uint64(v.Errno), 10)
	}
	return v.Action.String()
}

func parseVerdict(s string) (seccomp.Verdict, error) {
	if len(s) > 6 && s[:6] == "errno:" {
		n, err := strconv.ParseUint(s[6:], 10, 32)
		if err != nil {
			return seccomp.Verdict{}, fmt.Errorf("bad errno in %q", s)
		}
		return seccomp.Verdict{Action: seccomp.ActErrno, Errno: uint32(n)}, nil
	}
	for a := seccomp.ActAllow; a <= seccomp.ActKillProcess; a++ {
		if a.String() == s {
			return seccomp.Verdict{Action: a}, nil
		}
	}
	return seccomp.Verdict{}, fmt.Errorf("unknown action %q", s)
}

var opNames = map[seccomp.Op]string{seccomp.OpNE: "ne", seccomp.OpLT: "lt", seccomp.OpLE: "le",
	seccomp.OpEQ: "eq", seccomp.OpGE: "ge", seccomp.OpGT: "gt", seccomp.OpMaskedEQ: "masked_eq"}

// EncodeRuleSet writes p as a derived rule set, the form data/ holds.
func EncodeRuleSet(w io.Writer, name, target string, prov exposure.Provenance, p *seccomp.Policy) error {
	rs := ruleSet{Schema: ruleSetSchema, Name: name, Arch: string(p.Arch), Target: target, Provenance: prov,
		GeneratedBy: "runtimes/internal/genrules"}
	for _, f := range p.Filters {
		rf := ruleSetFilter{Name: f.Name, Default: verdictString(f.Default)}
		for _, r := range f.Rules {
			rf.Rules = append(rf.Rules, encodeRule(r))
		}
		rs.Filters = append(rs.Filters, rf)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	enc.SetEscapeHTML(false)
	return enc.Encode(rs)
}

func decodeRuleSet(r io.Reader, file string) (*ruleSet, *seccomp.Policy, error) {
	var rs ruleSet
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rs); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", file, err)
	}
	if rs.Schema != ruleSetSchema {
		return nil, nil, fmt.Errorf("%s: rule set schema %d, want %d", file, rs.Schema, ruleSetSchema)
	}
	arch, err := syscalls.ParseArch(rs.Arch)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", file, err)
	}
	p := &seccomp.Policy{Name: rs.Name, Arch: arch}
	for fi, rf := range rs.Filters {
		def, err := parseVerdict(rf.Default)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: filters[%d].default: %w", file, fi, err)
		}
		var rules []seccomp.Rule
		for ri, rr := range rf.Rules {
			rule, err := decodeRule(rr)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: filters[%d].rules[%d]%w", file, fi, ri, err)
			}
			rules = append(rules, rule)
		}
		f, err := seccomp.NewFilter(rf.Name, arch, def, rules)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: filters[%d]: %w", file, fi, err)
		}
		p.Filters = append(p.Filters, f)
	}
	return &rs, p, nil
}

// encodeRule is one rule as derived rule sets and histories hold it.
func encodeRule(r seccomp.Rule) ruleSetRule {
	rr := ruleSetRule{Syscall: r.Syscall, Action: verdictString(r.Verdict)}
	for _, c := range r.Conds {
		rc := ruleSetCond{Arg: c.Arg, Op: opNames[c.Op], Value: "0x" + strconv.FormatUint(c.Value, 16), Bits: c.Bits}
		if c.Op == seccomp.OpMaskedEQ {
			rc.ValueTwo = "0x" + strconv.FormatUint(c.ValueTwo, 16)
		}
		rr.Conds = append(rr.Conds, rc)
	}
	return rr
}

// decodeRule reverses encodeRule. Its errors start with the place in the
// rule (".action: …", ".conds[1]: …") for the caller to prefix.
func decodeRule(rr ruleSetRule) (seccomp.Rule, error) {
	v, err := parseVerdict(rr.Action)
	if err != nil {
		return seccomp.Rule{}, fmt.Errorf(".action: %w", err)
	}
	rule := seccomp.Rule{Syscall: rr.Syscall, Verdict: v}
	for ci, rc := range rr.Conds {
		c, err := decodeCond(rc)
		if err != nil {
			return seccomp.Rule{}, fmt.Errorf(".conds[%d]: %w", ci, err)
		}
		rule.Conds = append(rule.Conds, c)
	}
	return rule, nil
}

func decodeCond(rc ruleSetCond) (seccomp.Cond, error) {
	c := seccomp.Cond{Arg: rc.Arg, Bits: rc.Bits}
	if rc.Arg > 5 {
		return c, fmt.Errorf("arg %d out of range 0-5", rc.Arg)
	}
	if rc.Bits != 0 && rc.Bits != 32 {
		return c, fmt.Errorf("bits %d, want 0 or 32", rc.Bits)
	}
	for op, name := range opNames {
		if name == rc.Op {
			c.Op = op
		}
	}
	if c.Op == 0 {
		return c, fmt.Errorf("unknown op %q", rc.Op)
	}
	var err error
	if c.Value, err = strconv.ParseUint(rc.Value, 0, 64); err != nil {
		return c, fmt.Errorf("value %q: %w", rc.Value, err)
	}
	if c.Op == seccomp.OpMaskedEQ {
		if c.ValueTwo, err = strconv.ParseUint(rc.ValueTwo, 0, 64); err != nil {
			return c, fmt.Errorf("value_two %q: %w", rc.ValueTwo, err)
		}
	}
	return c, nil
}
