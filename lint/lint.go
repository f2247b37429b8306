package lint

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"sysweight/exposure"
	"sysweight/report"
	"sysweight/score"
	"sysweight/seccomp"
	"sysweight/syscalls"
)

// Rule ids. They are stable: a rule keeps its id across releases, and a
// new kind of finding gets the next one.
const (
	DefaultAllow       = "SW001"
	HeavyUnconditional = "SW002"
	BeyondBaseline     = "SW003"
	UnknownSyscall     = "SW004"
	NeverMatches       = "SW005"
	Shadowed           = "SW006"
)

// Levels, SARIF's: what a finding asks of the reader.
const (
	LevelError   = "error"
	LevelWarning = "warning"
	LevelNote    = "note"
)

// Rule describes one kind of finding.
type Rule struct {
	ID    string
	Name  string // SARIF's reportingDescriptor name: PascalCase
	Short string // one sentence
	Full  string // what it means and what to do
	Level string
	// Severity is GitHub code scanning's security-severity, 0 to 10
	// (9.0 and up critical, 7.0 high, 4.0 medium, 0.1 low).
	Severity float64
}

// Rules lists every rule, by id. SARIF output names them all, in this
// order, so that a result's ruleIndex does not depend on the results.
var Rules = []Rule{{
	ID: DefaultAllow, Name: "DefaultAllow", Level: LevelError, Severity: 8.0,
	Short: "The filter's default action lets every syscall no rule names reach the kernel.",
	Full: "A default action of allow (or log, trace, notify) makes the profile a deny list: every syscall it does not name, " +
		"including ones added to the kernel later, reaches the host kernel. A config.json without linux.seccomp has no filter at all. " +
		"Start from a default of SCMP_ACT_ERRNO and allow what the workload needs.",
}, {
	ID: HeavyUnconditional, Name: "HeavyUnconditional", Level: LevelNote, Severity: 3.0,
	Short: "One of the heaviest syscalls by kernel CVEs, exploits, syzbot bugs and code complexity is allowed for every argument.",
	Full: "The syscall ranks among the N heaviest (--heavy) by sysweight's weight: the kernel CVEs attributed to it and their CVSS scores, " +
		"the public exploits and syzbot reproducers that call it, and the size and complexity of the kernel code it reaches. " +
		"The profile lets it through whatever its arguments are. Where the workload needs only some arguments, restrict them with args; " +
		"where it needs none, drop the syscall.",
}, {
	ID: BeyondBaseline, Name: "BeyondBaseline", Level: LevelWarning, Severity: 6.0,
	Short: "The profile lets the syscall reach the kernel for arguments the baseline does not.",
	Full: "The profile is not within the baseline (--baseline, e.g. the node's runtime default): for some argument values of this syscall " +
		"it allows what the baseline blocks. The finding gives the fraction of the argument corpus concerned and its weight; " +
		"the sum over all such syscalls is how far the profile is from being within the baseline.",
}, {
	ID: UnknownSyscall, Name: "UnknownSyscall", Level: LevelWarning, Severity: 5.0,
	Short: "The profile names a syscall that no Linux architecture has.",
	Full: "No Linux architecture has a syscall of this name (golang.org/x/sys's tables): probably a typo. " +
		"runc leaves such a rule out, so the syscall it meant keeps the default action: blocked if it was meant to be allowed, " +
		"allowed if the default allows and it was meant to be blocked.",
}, {
	ID: NeverMatches, Name: "NeverMatches", Level: LevelWarning, Severity: 4.0,
	Short: "The rule's argument conditions can never all hold, so the rule never applies.",
	Full: "The conditions exclude each other or cannot hold for any value: a masked test whose datum has bits outside its mask " +
		"((arg & mask) == datum), a comparison below 0 or above the argument's largest value (comparisons are unsigned), " +
		"or ranges of one argument that do not meet. The rule never decides anything; the syscall gets whatever else applies.",
}, {
	ID: Shadowed, Name: "Shadowed", Level: LevelWarning, Severity: 4.0,
	Short: "The rule never applies: a more restrictive rule for the same syscall matches whenever it does.",
	Full: "Another rule of the same filter for the same syscall has a subset of this rule's conditions (or none) and a more restrictive action. " +
		"sysweight, as the kernel across stacked filters, lets the most restrictive matching action win, so this rule never decides: " +
		"the profile gives one syscall two verdicts for the same arguments. Remove one of the two or make their conditions disjoint.",
}}

// RuleByID returns the rule with id.
func RuleByID(id string) (Rule, bool) {
	for _, r := range Rules {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}

// Config is a runtime configuration to lint or to lint against.
type Config struct {
	Name string // as the user gave it: a profile file or a built-in's name
	// URI is where the profile file is for SARIF (a relative path with /,
	// or a file: URI); "" for a built-in. Fingerprints hash it.
	URI string
	// Doc is the profile file's content, for line numbers; nil for a
	// built-in or a measured exposure.
	Doc []byte
	// Policy is the decoded profile; nil for no filter at all or for a
	// measured or observed exposure.
	Policy *seccomp.Policy
	// Exposure is the configuration evaluated as compare evaluates it.
	Exposure *exposure.Exposure
	// Builtin: a built-in runtime, whose rule sets are checked where they
	// are generated (gVisor's KVM rules name a pseudo-syscall on
	// purpose), so SW004 does not look at its names.
	Builtin bool
}

// Input is what Check needs.
type Input struct {
	Profile  Config
	Baseline *Config // nil: no baseline
	// Corpus is the one Profile and Baseline were evaluated over
	// (runtimes.CorpusOf), to count the tuples beyond the baseline.
	Corpus  *exposure.Corpus
	Weights *score.Weights
	// Heavy: the Heavy heaviest syscalls of the target kernel (by
	// Weights) count as heavy for SW002; 0 turns SW002 off.
	Heavy int
	Gate  Gate
}

// Gate is what fails a CI run.
type Gate struct {
	// FailAbove fails a profile whose normalised score is above it; nil
	// fails none.
	FailAbove *float64
	// FailOnExcess fails a profile that is not within the baseline.
	FailOnExcess bool
}

// Result is the outcome of Check for one profile.
type Result struct {
	Profile    string  `json:"profile"`
	Source     string  `json:"source"`
	Score      float64 `json:"score"`
	Normalized float64 `json:"normalized"`
	Exposed    int     `json:"exposed"`
	Heavy      int     `json:"heavy"`
	// Baseline is nil without one.
	Baseline *BaselineResult `json:"baseline"`
	Findings []Finding       `json:"findings"`
	// Omitted counts, per rule, the findings past MaxPerRule that are not
	// listed.
	Omitted map[string]int `json:"omitted,omitempty"`
	// Failed says, one line each, which gates the profile fails.
	Failed []string `json:"failed"`
	uri    string   // Config.URI
}

// BaselineResult answers whether the profile is within the baseline and
// by how much not.
type BaselineResult struct {
	Name       string  `json:"name"`
	Normalized float64 `json:"normalized"` // the baseline's own normalised score, over the profile's corpus
	Within     bool    `json:"within"`
	// Syscalls counts those with some part beyond the baseline, Score
	// sums beyond(s)·w(s) over them and Normalized that over Σ w.
	Syscalls         int     `json:"beyond_syscalls"`
	BeyondScore      float64 `json:"beyond_score"`
	BeyondNormalized float64 `json:"beyond_normalized"`
	// Exact: counted over the corpus's argument tuples; false: the
	// difference of degrees, a lower bound, as a measured exposure has no
	// rules.
	Exact bool `json:"exact"`
}

// Finding is one result of a rule.
type Finding struct {
	RuleID  string `json:"rule_id"`
	Level   string `json:"level"`
	Syscall string `json:"syscall,omitempty"`
	Filter  string `json:"filter,omitempty"` // the filter (thread, process) of a profile with several
	Message string `json:"message"`
	// Path is the JSON path in the profile the finding points at; Line
	// and Column (bytes) its place, 0 when there is no file.
	Path   string `json:"path,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
	// Weight and Rank (by weight, 1 the heaviest) of the syscall, for
	// SW002 and SW003.
	Weight float64 `json:"weight,omitempty"`
	Rank   int     `json:"rank,omitempty"`
	// Degrees, for SW002 and SW003: the profile's, the baseline's, and
	// the part beyond the baseline (the fraction of tuples the profile
	// allows and the baseline does not).
	Degree         *float64 `json:"degree,omitempty"`
	BaselineDegree *float64 `json:"baseline_degree,omitempty"`
	Beyond         *float64 `json:"beyond,omitempty"`
	// Fingerprint is stable across runs and line moves: a hash of the
	// rule id, the profile, the filter, the syscall and what the rule
	// found (a name, a rule's conditions).
	Fingerprint string `json:"fingerprint"`

	detail      string                                // hashed into the fingerprint
	related     string                                // path of a rule the message names
	relatedLine int                                   // its line
	message     func(related seccomp.Position) string // when the message names another place
}

// Check lints in.Profile.
func Check(in Input) (Result, error) {
	p, w := in.Profile, in.Weights
	s, err := score.Compute(p.Exposure, w)
	if err != nil {
		return Result{}, err
	}
	r := Result{Profile: p.Name, Source: s.Source, Score: s.Score, Normalized: s.Normalized, Exposed: s.Exposed,
		Heavy: in.Heavy, Findings: []Finding{}, Failed: []string{}, uri: p.URI}
	var fs []Finding
	fs = append(fs, defaultAllow(p, w)...)
	fs = append(fs, heavy(p, w, in.Heavy)...)
	if in.Baseline != nil {
		b, more, err := beyond(p, *in.Baseline, in.Corpus, w)
		if err != nil {
			return Result{}, err
		}
		r.Baseline = b
		fs = append(fs, more...)
	}
	if p.Policy != nil {
		if !p.Builtin {
			fs = append(fs, unknownNames(p.Policy)...)
		}
		fs = append(fs, neverMatches(p.Policy)...)
		fs = append(fs, shadowed(p.Policy)...)
	}
	r.Findings, r.Omitted = finish(fs, p)
	r.Failed = in.Gate.failures(r)
	return r, nil
}

func (g Gate) failures(r Result) []string {
	out := []string{}
	if g.FailAbove != nil && r.Normalized > *g.FailAbove {
		out = append(out, fmt.Sprintf("normalised score %.3f is above --fail-above %g", r.Normalized, *g.FailAbove))
	}
	if g.FailOnExcess && r.Baseline != nil && !r.Baseline.Within {
		out = append(out, fmt.Sprintf("not within %s: %s beyond it, weight %.2f (--fail-on-excess)", r.Baseline.Name, report.Count(r.Baseline.Syscalls, "syscall"), r.Baseline.BeyondScore))
	}
	return out
}

// Summary is r in one line: the score, the findings, the baseline's
// answer and the gates failed.
func (r Result) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: normalised score %.3f (score %.2f, %s exposed), %s", r.Profile, r.Normalized, r.Score, report.Count(r.Exposed, "syscall"), report.Count(len(r.Findings), "finding"))
	if bl := r.Baseline; bl != nil {
		if bl.Within {
			fmt.Fprintf(&b, "; within %s (%.3f)", bl.Name, bl.Normalized)
		} else {
			fmt.Fprintf(&b, "; not within %s (%.3f): %s beyond it, weight %.2f (%.3f normalised)",
				bl.Name, bl.Normalized, report.Count(bl.Syscalls, "syscall"), bl.BeyondScore, bl.BeyondNormalized)
			if !bl.Exact {
				b.WriteString(", at least (the degrees of a measured exposure)")
			}
		}
	}
	if len(r.Omitted) > 0 {
		var parts []string
		for _, rl := range Rules {
			if n := r.Omitted[rl.ID]; n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n, rl.ID))
			}
		}
		fmt.Fprintf(&b, " (and %s not listed: at most %d of a rule)", strings.Join(parts, ", "), MaxPerRule)
	}
	if len(r.Failed) > 0 {
		fmt.Fprintf(&b, "; gate failed: %s", strings.Join(r.Failed, "; "))
	}
	return b.String()
}

// present are the weights of the target kernel's syscalls, heaviest first
// (those it lacks weigh 0 and are left out).
func present(w *score.Weights) []score.Weight {
	var out []score.Weight
	for _, wt := range w.Top(0) {
		if !wt.Absent {
			out = append(out, wt)
		}
	}
	return out
}

func ranks(w *score.Weights) map[string]int {
	m := map[string]int{}
	for i, wt := range present(w) {
		m[wt.Syscall] = i + 1
	}
	return m
}

// defaultAllow: SW001, per filter whose default reaches the kernel, or for
// a configuration with no filter.
func defaultAllow(p Config, w *score.Weights) []Finding {
	if p.Policy == nil {
		if p.Exposure.Provenance.Source != exposure.Unfiltered {
			return nil // a measured or observed exposure: no profile to speak of
		}
		return []Finding{{RuleID: DefaultAllow, Message: fmt.Sprintf("no seccomp filter: every syscall reaches the kernel (%d syscalls, weight %.2f of %.2f)",
			len(present(w)), w.Total, w.Total)}}
	}
	var out []Finding
	for _, f := range p.Policy.Filters {
		if !f.Default.Action.ReachesKernel() {
			continue
		}
		n, sum := 0, 0.0
		for _, wt := range present(w) {
			if len(f.RulesFor(wt.Syscall)) == 0 {
				n++
				sum += wt.Value
			}
		}
		out = append(out, Finding{RuleID: DefaultAllow, Filter: filterName(p.Policy, f), Path: f.DefaultPath,
			Message: fmt.Sprintf("default action %s: every syscall no rule names reaches the kernel (%d of the %d syscalls, weight %.2f of %.2f)",
				f.Default, n, len(present(w)), sum, w.Total)})
	}
	return out
}

// heavy: SW002, the n heaviest syscalls at degree 1.
func heavy(p Config, w *score.Weights, n int) []Finding {
	var out []Finding
	for i, wt := range present(w) {
		if i >= n {
			break
		}
		if p.Exposure.Degree(wt.Syscall) != 1 {
			continue
		}
		f, path := allowedAt(p.Policy, wt.Syscall)
		one := 1.0
		out = append(out, Finding{RuleID: HeavyUnconditional, Syscall: wt.Syscall, Filter: f, Path: path,
			Weight: wt.Value, Rank: i + 1, Degree: &one,
			Message: fmt.Sprintf("%s is allowed for every argument; it ranks %d of %d by weight (%.3f), among the %d heaviest (--heavy)",
				wt.Syscall, i+1, len(present(w)), wt.Value, n)})
	}
	return out
}

// beyond: SW003 per syscall, and the summary.
func beyond(p, b Config, c *exposure.Corpus, w *score.Weights) (*BaselineResult, []Finding, error) {
	bs, err := score.Compute(b.Exposure, w)
	if err != nil {
		return nil, nil, err
	}
	res := &BaselineResult{Name: b.Name, Normalized: bs.Normalized}
	degrees := map[string]float64{} // beyond, per syscall
	switch {
	case p.Policy != nil && b.Policy != nil:
		e, err := exposure.Beyond(p.Name, p.Policy, b.Policy, c, exposure.Provenance{})
		if err != nil {
			return nil, nil, err
		}
		for _, en := range e.Entries {
			degrees[en.Syscall] = en.Degree
		}
		res.Exact = true
	default:
		// No rules on one side: with no filter there (unfiltered) the
		// difference of degrees is exact; against a measured exposure it
		// is a lower bound.
		res.Exact = isUnfiltered(p) || isUnfiltered(b)
		for _, en := range p.Exposure.Entries {
			if d := en.Degree - b.Exposure.Degree(en.Syscall); d > 0 {
				degrees[en.Syscall] = d
			}
		}
	}
	rank := ranks(w)
	var out []Finding
	for _, wt := range w.List { // by number; finish orders the findings
		d, ok := degrees[wt.Syscall]
		if !ok || wt.Absent {
			continue
		}
		res.Syscalls++
		res.BeyondScore += d * wt.Value
		dp, db := p.Exposure.Degree(wt.Syscall), b.Exposure.Degree(wt.Syscall)
		f, path := allowedAt(p.Policy, wt.Syscall)
		how := "for every argument"
		if d < 1 {
			how = fmt.Sprintf("for %.1f%% of its argument values", 100*d)
		}
		out = append(out, Finding{RuleID: BeyondBaseline, Syscall: wt.Syscall, Filter: f, Path: path,
			Weight: wt.Value, Rank: rank[wt.Syscall], Degree: ptr(dp), BaselineDegree: ptr(db), Beyond: ptr(d),
			detail: b.Name,
			Message: fmt.Sprintf("%s reaches the kernel beyond %s %s (degree %.3f here, %.3f there): %.3f of its weight %.3f",
				wt.Syscall, b.Name, how, dp, db, d*wt.Value, wt.Value)})
	}
	res.Within = res.Syscalls == 0
	if w.Total > 0 {
		res.BeyondNormalized = res.BeyondScore / w.Total
	}
	return res, out, nil
}

func isUnfiltered(c Config) bool {
	return c.Policy == nil && c.Exposure.Provenance.Source == exposure.Unfiltered
}

func ptr(x float64) *float64 { return &x }

// allowedAt names the filter and the JSON path of what lets sys reach the
// kernel under p: the first rule for it whose action does, one without
// conditions first, else a default that does.
func allowedAt(p *seccomp.Policy, sys string) (filter, path string) {
	if p == nil {
		return "", ""
	}
	for _, conditional := range []bool{false, true} {
		for _, f := range p.Filters {
			for _, r := range f.RulesFor(sys) {
				if r.Verdict.Action.ReachesKernel() && (len(r.Conds) > 0) == conditional && seccomp.CanMatch(r.Conds) {
					return filterName(p, f), r.Path
				}
			}
		}
	}
	for _, f := range p.Filters {
		if f.Default.Action.ReachesKernel() {
			return filterName(p, f), f.DefaultPath
		}
	}
	return "", ""
}

// filterName names f when p has several filters (threads, processes).
func filterName(p *seccomp.Policy, f *seccomp.Filter) string {
	if len(p.Filters) > 1 {
		return f.Name
	}
	return ""
}

// unknownNames: SW004, names no architecture has.
func unknownNames(p *seccomp.Policy) []Finding {
	var out []Finding
	for _, f := range p.Filters {
		for i, n := range f.Unresolved {
			if syscalls.Known(n) {
				continue // another architecture's (socketcall, chown32): runc skips it too
			}
			out = append(out, Finding{RuleID: UnknownSyscall, Syscall: n, Filter: filterName(p, f), Path: f.UnresolvedPaths[i], detail: n,
				Message: fmt.Sprintf("%q is a syscall of no Linux architecture (a typo?): the rules naming it are left out", n)})
		}
	}
	return out
}

func rule(r seccomp.Rule) string {
	conds := make([]string, len(r.Conds))
	for i, c := range r.Conds {
		conds[i] = c.String()
	}
	if len(conds) == 0 {
		return "always → " + r.Verdict.String()
	}
	return strings.Join(conds, " && ") + " → " + r.Verdict.String()
}

// neverMatches: SW005.
func neverMatches(p *seccomp.Policy) []Finding {
	var out []Finding
	for _, f := range p.Filters {
		for _, r := range f.Rules {
			if seccomp.CanMatch(r.Conds) {
				continue
			}
			out = append(out, Finding{RuleID: NeverMatches, Syscall: r.Syscall, Filter: filterName(p, f), Path: r.Path, detail: rule(r),
				Message: fmt.Sprintf("the conditions of this %s rule (%s) can never all hold: it never applies", r.Syscall, rule(r))})
		}
	}
	return out
}

// shadowed: SW006, a rule that can match but never decides because
// another rule of the same filter and syscall matches whenever it does
// (its conditions are a subset of the rule's, or none) with a more
// restrictive action. For each rule it looks up the subsets of its
// conditions among the other rules' condition sets: 2^k lookups for k
// conditions, so past maxSubsetConds only the empty set and the rule's
// own set are looked up.
func shadowed(p *seccomp.Policy) []Finding {
	var out []Finding
	for _, f := range p.Filters {
		seen := map[string]bool{}
		for _, r := range f.Rules {
			if seen[r.Syscall] {
				continue
			}
			seen[r.Syscall] = true
			rules := f.RulesFor(r.Syscall)
			if !slices.ContainsFunc(rules, func(b seccomp.Rule) bool { return b.Verdict.Action != rules[0].Verdict.Action }) {
				continue // one action: nothing is stricter
			}
			// the most restrictive rule of each condition set, first in
			// profile order among equals
			strictest := map[string]int{}
			for i, b := range rules {
				k := condKey(b.Conds)
				if j, ok := strictest[k]; !ok || b.Verdict.Action > rules[j].Verdict.Action {
					strictest[k] = i
				}
			}
			for _, a := range rules {
				if !seccomp.CanMatch(a.Conds) {
					continue // SW005's
				}
				j, ok := shadowOf(a, rules, strictest)
				if !ok {
					continue
				}
				b := rules[j]
				out = append(out, Finding{RuleID: Shadowed, Syscall: a.Syscall, Filter: filterName(p, f), Path: a.Path,
					detail: rule(a) + " / " + rule(b), related: b.Path,
					message: func(at seccomp.Position) string {
						where := "another rule"
						if at.Line > 0 {
							where = fmt.Sprintf("the rule on line %d", at.Line)
						}
						return fmt.Sprintf("this %s rule (%s) never applies: %s (%s) matches whenever it does and is more restrictive",
							a.Syscall, rule(a), where, rule(b))
					}})
			}
		}
	}
	return out
}

// maxSubsetConds bounds the conditions whose every subset shadowOf looks
// up (2^10 lookups).
const maxSubsetConds = 10

// shadowOf returns the index of a rule in rules that shadows a: a more
// restrictive action on a subset of a's conditions.
func shadowOf(a seccomp.Rule, rules []seccomp.Rule, strictest map[string]int) (int, bool) {
	conds := uniqueConds(a.Conds)
	try := func(sub []seccomp.Cond) (int, bool) {
		j, ok := strictest[condKey(sub)]
		return j, ok && rules[j].Verdict.Action > a.Verdict.Action
	}
	if len(conds) > maxSubsetConds {
		if j, ok := try(nil); ok {
			return j, true
		}
		return try(conds)
	}
	sub := make([]seccomp.Cond, 0, len(conds))
	for m := 0; m < 1<<len(conds); m++ {
		sub = sub[:0]
		for i, c := range conds {
			if m&(1<<i) != 0 {
				sub = append(sub, c)
			}
		}
		if j, ok := try(sub); ok {
			return j, true
		}
	}
	return 0, false
}

func uniqueConds(cs []seccomp.Cond) []seccomp.Cond {
	var out []seccomp.Cond
	for _, c := range cs {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// condKey is a set of conditions as a map key: the same for the same set
// in any order or with repeats.
func condKey(cs []seccomp.Cond) string {
	keys := make([]string, 0, len(cs))
	var b []byte
	for _, c := range uniqueConds(cs) {
		b = append(b[:0], c.Arg, byte(c.Op), c.Bits)
		b = strconv.AppendUint(b, c.Value, 16)
		b = append(b, '/')
		b = strconv.AppendUint(b, c.ValueTwo, 16)
		keys = append(keys, string(b))
	}
	sort.Strings(keys)
	return strings.Join(keys, ",")
}

// MaxPerRule bounds the findings of one rule listed for a profile; the
// rest are counted in Result.Omitted. A profile at the 16 MiB input limit
// can hold 150,000 shadowed rules; listing them all would make an output
// of 100 MB that no reader takes in.
const MaxPerRule = 1000

// finish fingerprints the findings, drops repeats (the same fingerprint:
// identical rules), keeps the first MaxPerRule of each rule in the order
// they were found (profile order for SW004-SW006), locates them in the
// profile, fills levels and messages and orders them: by line, then
// rule, syscall and message.
func finish(fs []Finding, p Config) ([]Finding, map[string]int) {
	where := p.URI
	if where == "" {
		where = p.Name
	}
	var kept []Finding
	seen := map[string]bool{}
	per := map[string]int{}
	omitted := map[string]int{}
	for _, f := range fs {
		sum := sha256.Sum256([]byte(strings.Join([]string{f.RuleID, where, f.Filter, f.Syscall, f.detail}, "\x00")))
		f.Fingerprint = hex.EncodeToString(sum[:16])
		if seen[f.Fingerprint] {
			continue
		}
		seen[f.Fingerprint] = true
		if per[f.RuleID] == MaxPerRule {
			omitted[f.RuleID]++
			continue
		}
		per[f.RuleID]++
		kept = append(kept, f)
	}
	var paths []string
	for _, f := range kept {
		if f.Path != "" {
			paths = append(paths, f.Path)
		}
		if f.related != "" {
			paths = append(paths, f.related)
		}
	}
	var pos map[string]seccomp.Position
	if p.Doc != nil && len(paths) > 0 {
		pos = seccomp.Locate(p.Doc, paths)
	}
	for i := range kept {
		f := &kept[i]
		r, _ := RuleByID(f.RuleID)
		f.Level = r.Level
		if at, ok := pos[f.Path]; ok && f.Path != "" {
			f.Line, f.Column = at.Line, at.Col
		}
		if f.message != nil {
			f.Message = f.message(pos[f.related])
			f.relatedLine = pos[f.related].Line
		}
	}
	sort.SliceStable(kept, func(i, j int) bool {
		a, b := kept[i], kept[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.RuleID != b.RuleID {
			return a.RuleID < b.RuleID
		}
		if a.Syscall != b.Syscall {
			return a.Syscall < b.Syscall
		}
		return a.Message < b.Message
	})
	if kept == nil {
		kept = []Finding{}
	}
	if len(omitted) == 0 {
		omitted = nil
	}
	return kept, omitted
}
