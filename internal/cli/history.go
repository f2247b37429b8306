package cli

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"sysweight/report"
	"sysweight/report/htmlreport"
	"sysweight/runtimes"
	"sysweight/score"
)

func newHistoryCmd(g *globalOptions) *cobra.Command {
	var families strings.Builder
	for _, f := range runtimes.HistoryFamilies {
		fmt.Fprintf(&families, "  %-12s %s (built-in %s)\n", f.Name, f.What, f.Builtin)
	}
	cmd := &cobra.Command{
		Use:   "history docker|podman|gvisor|firecracker",
		Short: "Score every version of a runtime's profile and name the syscalls each step changed",
		Long: `Score each version of a runtime family's seccomp profile, oldest first, with
what changed from the version before: the syscalls it starts exposing
(ADDED), stops exposing (REMOVED) and exposes for other arguments
(CHANGED, degree before→after), and DELTA, the change of score, which their
weighted changes add up to. NOTE says why a version changed no score: its
rules for this target did not change (other architectures, capabilities
outside the family's defaults), or they changed only for syscalls the
target kernel lacks or without changing a degree.

Families (derived from each version by go generate and make history and
embedded, with each version's commit, date and input checksum):
` + families.String() + `
Each version is resolved as its built-in is (x86_64, kernel 6.1, the
family's default capabilities) and scored as ` + "`sysweight score`" + ` scores that
version's profile: over the argument corpus of the built-ins and its own
rules. The table lists at most 6 syscalls a cell ("… +N"); csv and json
list them all.

JSON output: {"family", "description", "origin", "target", "builtin", "builtin_score",
 "versions": [{"version", "commit", "date", "source", "score", "normalized",
  "exposed", "partial", "absent" (omitted when 0), "delta",
  "added", "removed", "changed": [{"syscall", "degree_a", "degree_b", "weight", "delta"}],
  "rules_changed" (syscalls whose rules changed; null for the first version),
  "note", "notes" (provenance, e.g. runsc flags)}]}`,
		Example: `  sysweight history docker
  sysweight history gvisor -o markdown
  sysweight history firecracker -o json | jq '.versions[] | select(.delta != 0) | {version, delta, added: [.added[].syscall]}'
  sysweight history podman -o csv --norm rank`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return fmt.Errorf("history takes one family (%s), got %d arguments", familyNames(), len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runHistory(g, args[0], cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	return cmd
}

func familyNames() string {
	var names []string
	for _, f := range runtimes.HistoryFamilies {
		names = append(names, f.Name)
	}
	return strings.Join(names, ", ")
}

func runHistory(g *globalOptions, family string, w, stderr io.Writer) error {
	format, err := g.outputFormat()
	if err != nil {
		return err
	}
	h, err := historyOf(g, family)
	if err != nil {
		return err
	}
	fmt.Fprint(stderr, h.warn)
	return presentHistory(w, format, h)
}

// scoredHistory is what history computes for one family.
type scoredHistory struct {
	family  runtimes.HistoryFamily
	h       *runtimes.History
	steps   []score.Step
	weights *score.Weights
	warn    string
	builtin float64 // the score of the family's built-in
}

// historyOf scores every version of family; report draws the same values.
func historyOf(g *globalOptions, family string) (scoredHistory, error) {
	i := slices.IndexFunc(runtimes.HistoryFamilies, func(f runtimes.HistoryFamily) bool { return f.Name == family })
	if i < 0 {
		return scoredHistory{}, fmt.Errorf("history: %w %q (families: %s)", runtimes.ErrUnknownFamily, family, familyNames())
	}
	h, err := runtimes.LoadHistory(family)
	if err != nil {
		return scoredHistory{}, err
	}
	// The decode of the built-ins (the corpus) runs beside the DB's.
	wait := meanwhile(func() { runtimes.Builtins() })
	_, weights, warn, err := g.loadWeights(runtimes.DefaultKernel)
	wait()
	if err != nil {
		return scoredHistory{}, err
	}
	items := make([]runtimes.Named, len(h.Versions))
	for i, v := range h.Versions {
		items[i] = h.Named(v)
	}
	exps, err := runtimes.EvaluateEach(items)
	if err != nil {
		return scoredHistory{}, err
	}
	steps, err := score.Steps(exps, weights)
	if err != nil {
		return scoredHistory{}, err
	}
	fam := runtimes.HistoryFamilies[i]
	b, _, err := runtimes.BuiltinExposures([]string{fam.Builtin})
	if err != nil {
		return scoredHistory{}, err
	}
	bs, err := score.Compute(b[0], weights)
	if err != nil {
		return scoredHistory{}, err
	}
	return scoredHistory{family: fam, h: h, steps: steps, weights: weights, warn: warn, builtin: bs.Score}, nil
}

// report is the history as the report page draws it.
func (s scoredHistory) report() htmlreport.History {
	h := htmlreport.History{Family: s.h.Family, Builtin: s.family.Builtin, Description: s.h.Description}
	names := func(rows []score.DiffRow) (out []string) {
		for _, r := range rows {
			out = append(out, r.Syscall)
		}
		return out
	}
	for i, v := range s.h.Versions {
		st := s.steps[i]
		hv := htmlreport.HistoryVersion{Version: v.Version, Date: v.Date, Score: st.Score.Score, Normalized: st.Normalized,
			Delta: st.Delta, Added: names(st.Added), Removed: names(st.Removed), Changed: names(st.Changed)}
		for _, r := range st.Changed {
			hv.ChangedFrom, hv.ChangedTo = append(hv.ChangedFrom, r.DegreeA), append(hv.ChangedTo, r.DegreeB)
		}
		h.Versions = append(h.Versions, hv)
	}
	return h
}

type historyJSON struct {
	Family       string               `json:"family"`
	Description  string               `json:"description"`
	Origin       string               `json:"origin"`
	Target       string               `json:"target"`
	Builtin      string               `json:"builtin"`
	BuiltinScore float64              `json:"builtin_score"`
	Versions     []historyVersionJSON `json:"versions"`
}

type historyVersionJSON struct {
	Version      string          `json:"version"`
	Commit       string          `json:"commit,omitempty"`
	Date         string          `json:"date"`
	Source       string          `json:"source"`
	Score        float64         `json:"score"`
	Normalized   float64         `json:"normalized"`
	Exposed      int             `json:"exposed"`
	Partial      int             `json:"partial"`
	Absent       int             `json:"absent,omitempty"`
	Delta        float64         `json:"delta"`
	Added        []score.DiffRow `json:"added"`
	Removed      []score.DiffRow `json:"removed"`
	Changed      []score.DiffRow `json:"changed"`
	RulesChanged []string        `json:"rules_changed"`
	Note         string          `json:"note,omitempty"`
	Notes        []string        `json:"notes,omitempty"`
}

func (s scoredHistory) json() historyJSON {
	out := historyJSON{Family: s.h.Family, Description: s.h.Description, Origin: s.h.Origin, Target: s.h.Target, Builtin: s.family.Builtin, BuiltinScore: s.builtin}
	for i, v := range s.h.Versions {
		st := s.steps[i]
		nonNil := func(r []score.DiffRow) []score.DiffRow {
			if r == nil {
				return []score.DiffRow{}
			}
			return r
		}
		out.Versions = append(out.Versions, historyVersionJSON{Version: v.Version, Commit: v.Commit, Date: v.Date, Source: v.Source,
			Score: st.Score.Score, Normalized: st.Normalized, Exposed: st.Exposed, Partial: st.Partial, Absent: st.Absent,
			Delta: st.Delta, Added: nonNil(st.Added), Removed: nonNil(st.Removed), Changed: nonNil(st.Changed),
			RulesChanged: v.RulesChanged, Note: s.note(i), Notes: v.Notes})
	}
	return out
}

// note says what a step changed beyond its rows: nothing for this target,
// or rules that changed no degree, and why.
func (s scoredHistory) note(i int) string {
	v, st := s.h.Versions[i], s.steps[i]
	if i == 0 {
		return "first version"
	}
	var parts []string
	if len(v.DefaultsChanged) > 0 {
		parts = append(parts, "default action or filters changed: "+strings.Join(v.DefaultsChanged, ", "))
	}
	if len(v.RulesChanged) == 0 && len(v.DefaultsChanged) == 0 {
		return "rules for this target unchanged"
	}
	seen := map[string]bool{}
	for _, rows := range [][]score.DiffRow{st.Added, st.Removed, st.Changed} {
		for _, r := range rows {
			seen[r.Syscall] = true
		}
	}
	var absent, same []string
	for _, sys := range v.RulesChanged {
		if seen[sys] {
			continue
		}
		if wt, ok := s.weights.Of(sys); ok && wt.Absent {
			absent = append(absent, sys)
		} else {
			same = append(same, sys)
		}
	}
	if len(absent) > 0 {
		parts = append(parts, fmt.Sprintf("rules changed for syscalls kernel %s lacks: %s", s.weights.Release, strings.Join(absent, ", ")))
	}
	if len(same) > 0 {
		parts = append(parts, "rules changed, degree unchanged: "+strings.Join(same, ", "))
	}
	return strings.Join(parts, "; ")
}

// cellLimit is how many syscalls a table or markdown cell lists.
const cellLimit = 6

func rowNames(rows []score.DiffRow, limit int, degrees bool) string {
	if len(rows) == 0 {
		return "-"
	}
	var out []string
	for i, r := range rows {
		if limit > 0 && i == limit {
			out = append(out, fmt.Sprintf("… +%d", len(rows)-limit))
			break
		}
		if degrees {
			// two decimals, or four where two would show no change
			prec := 2
			if fmtFloat(r.DegreeA, 2) == fmtFloat(r.DegreeB, 2) {
				prec = 4
			}
			out = append(out, fmt.Sprintf("%s %s→%s", r.Syscall, fmtFloat(r.DegreeA, prec), fmtFloat(r.DegreeB, prec)))
		} else {
			out = append(out, r.Syscall)
		}
	}
	return strings.Join(out, " ")
}

func presentHistory(w io.Writer, f report.Format, s scoredHistory) error {
	if f == report.JSON {
		return report.WriteJSON(w, s.json())
	}
	limit := cellLimit
	if f == report.CSV {
		limit = 0
	}
	t := report.Table{Header: []string{"VERSION", "DATE", "SCORE", "NORMALIZED", "EXPOSED", "DELTA", "ADDED", "REMOVED", "CHANGED", "NOTE"}, Align: "llrrrrllll"}
	for i, v := range s.h.Versions {
		st := s.steps[i]
		delta := "-"
		if i > 0 {
			delta = fmt.Sprintf("%+.2f", st.Delta)
		}
		t.Rows = append(t.Rows, []string{v.Version, v.Date, fmtFloat(st.Score.Score, 2), fmtFloat(st.Normalized, 3), strconv.Itoa(st.Exposed),
			delta, rowNames(st.Added, limit, false), rowNames(st.Removed, limit, false), rowNames(st.Changed, limit, true), s.note(i)})
	}
	if err := report.WriteAbove(w, f, fmt.Sprintf("%s: %s\norigin: %s\ntarget: %s\n\n", s.h.Family, s.h.Description, s.h.Origin, s.h.Target)); err != nil {
		return err
	}
	if err := t.Write(w, f); err != nil {
		return err
	}
	first, last := s.steps[0], s.steps[len(s.steps)-1]
	note := fmt.Sprintf("\n%d versions, %s → %s: score %.2f → %.2f (%+.2f); the built-in %s scores %.2f.\nweights: %s over %s; metrics used: %v",
		len(s.steps), s.h.Versions[0].Date, s.h.Versions[len(s.h.Versions)-1].Date, first.Score.Score, last.Score.Score, last.Score.Score-first.Score.Score,
		s.family.Builtin, s.builtin, s.weights.Options.Norm, tableNote(s.weights), s.weights.Used)
	if len(s.weights.Missing) > 0 {
		note += fmt.Sprintf("; not in this DB: %v", s.weights.Missing)
	}
	return report.WriteBelow(w, f, note+"\n"+historyLegend)
}

const historyLegend = `DELTA: change of score from the version before; ADDED, REMOVED: syscalls exposed now and not before, and the reverse, heaviest change first; CHANGED: degree before→after.
`
