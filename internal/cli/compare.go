package cli

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"sysweight/exposure"
	"sysweight/report"
	"sysweight/runtimes"
	"sysweight/score"
	"sysweight/syscalls"
	"sysweight/vuln/db"
)

type compareOptions struct {
	profileOptions
	baseline string
}

func newCompareCmd(g *globalOptions) *cobra.Command {
	o := &compareOptions{}
	cmd := &cobra.Command{
		Use:   "compare [RUNTIME|PROFILE ...]",
		Short: "Score runtimes side by side (default: every built-in)",
		Long: `Score each runtime configuration: the raw score Σ e(s)·w(s), the score
normalised by Σ w(s) (1.0 is a process with no filter at all), the plain count
of syscalls that reach the host, and the ratio to the baseline. Rows are
ordered by score, highest first (equal scores by name).

Columns: SOURCE is how the exposure was obtained: declared (a seccomp profile
or rule set, evaluated), passthrough (measured: a probe inside the sandbox
made each syscall with the host traced), unfiltered (no filter: every
syscall), installed (a dumped BPF filter) or observed (a traced workload).
EXPOSED counts the syscalls with degree > 0; PARTIAL counts those of them the
rules let through only for some arguments (0 < degree < 1). The table output
ends with the weights used and this legend; markdown gives them as
paragraphs, csv only the rows.

JSON output is a list of objects:
  {"runtime", "source", "score", "normalized", "exposed", "partial", "absent" (omitted when 0),
   "ratio" (null without a baseline), "baseline"}`,
		Example: `  sysweight compare
  sysweight compare runc-docker crun-podman gvisor-systrap
  sysweight compare runc-docker ./custom.json -o markdown
  sysweight compare -o json | jq '.[] | select(.normalized < 0.2) | .runtime'`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCompare(g, o, args, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	o.profileOptions.addFlags(cmd)
	cmd.Flags().StringVar(&o.baseline, "baseline", runtimes.Baseline, "runtime the ratio is taken against")
	return cmd
}

func runCompare(g *globalOptions, o *compareOptions, args []string, w, stderr io.Writer) error {
	format, err := g.outputFormat()
	if err != nil {
		return err
	}
	c, err := o.compare(g, args, stderr)
	if err != nil {
		return err
	}
	return presentCompare(w, format, c.scores, c.weights)
}

// compared is what compare computes: the DB, the weights and the scores,
// ordered by score, with each score's contributions and metric parts.
type compared struct {
	db      *db.DB
	weights *score.Weights
	scores  []score.Score
	items   []runtimes.Named // in the order of args; nil for built-ins read precomputed
}

// compare scores args (every built-in when there are none) as compare
// does; report draws the same values.
func (o *compareOptions) compare(g *globalOptions, args []string, stderr io.Writer) (compared, error) {
	tgt, err := o.target()
	if err != nil {
		return compared{}, err
	}
	// Built-ins only, as they are: their exposures were evaluated when the
	// binary was built (runtimes.BuiltinExposures), so no rule set is
	// decoded and nothing is evaluated. Whichever path it will be, its data
	// decodes on the other core while the weight DB decodes.
	builtinsOnly := tgt.Arch == syscalls.X86_64 && (o.changed == nil || !o.changed("caps") && !o.changed("kernel"))
	for _, a := range args {
		if _, err := os.Stat(a); err == nil {
			builtinsOnly = false // a profile file
		}
	}
	load := runtimes.Builtins
	if builtinsOnly {
		load = func() []*runtimes.Runtime { _, _ = runtimes.BuiltinNames(); return nil }
	}
	wait := meanwhile(func() { load() })
	d, weights, warn, err := g.loadWeights(tgt.Kernel)
	wait()
	if err != nil {
		return compared{}, err
	}
	weights, archWarn := forArch(weights, tgt.Arch)
	warn += archWarn
	if len(args) == 0 {
		if args, err = runtimes.BuiltinNames(); err != nil {
			return compared{}, err
		}
		if tgt.Arch != syscalls.X86_64 {
			// every built-in: those with x86_64 rules only are skipped,
			// with a note (named one by one, they are an error)
			var keep, skipped []string
			for _, r := range runtimes.Builtins() {
				if r.Supports(tgt.Arch) {
					keep = append(keep, r.Name)
				} else {
					skipped = append(skipped, r.Name)
				}
			}
			args = keep
			warn += fmt.Sprintf("sysweight: note: --arch %s: skipped the built-ins with x86_64 rules only: %s\n", tgt.Arch, strings.Join(skipped, ", "))
		}
	}
	if builtinsOnly {
		want := args
		if !slices.Contains(args, o.baseline) {
			want = append(slices.Clip(args), o.baseline)
		}
		exps, ok, err := runtimes.BuiltinExposures(want)
		if err != nil {
			return compared{}, err
		}
		if ok {
			fmt.Fprint(stderr, warn)
			scores, err := scoreAll(exps, weights, o.baseline, len(want) == len(args))
			return compared{db: d, weights: weights, scores: scores}, err
		}
	}
	items, err := o.resolve(args, stderr)
	if err != nil {
		return compared{}, err
	}
	fmt.Fprint(stderr, warn)
	all := items
	baselineIn := false
	for _, it := range items {
		baselineIn = baselineIn || it.Name == o.baseline
	}
	if !baselineIn {
		b, _, err := o.resolveOne(o.baseline)
		if err != nil {
			return compared{}, fmt.Errorf("--baseline: %w", err)
		}
		all = append(items[:len(items):len(items)], b)
	}
	exps, err := runtimes.Evaluate(tgt.Arch, all)
	if err != nil {
		return compared{}, err
	}
	scores, err := scoreAll(exps, weights, o.baseline, baselineIn)
	return compared{db: d, weights: weights, scores: scores, items: items}, err
}

// meanwhile runs f on another goroutine, so that it decodes on the other
// core while the caller decodes the weight DB, and returns a function that
// waits for it: nothing is left running behind a command.
func meanwhile(f func()) (wait func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	return func() { <-done }
}

// scoreAll scores exps, the baseline last when it was added (baselineIn
// false) and then left out, ordered by score.
func scoreAll(exps []*exposure.Exposure, weights *score.Weights, baseline string, baselineIn bool) ([]score.Score, error) {
	scores, err := score.Compare(exps, weights, baseline)
	if err != nil {
		return nil, err
	}
	if !baselineIn {
		scores = scores[:len(scores)-1]
	}
	score.SortByScore(scores)
	return scores, nil
}

func presentCompare(w io.Writer, f report.Format, scores []score.Score, weights *score.Weights) error {
	if f == report.JSON {
		return report.WriteJSON(w, scores)
	}
	t := report.Table{Header: []string{"RUNTIME", "SOURCE", "SCORE", "NORMALIZED", "EXPOSED", "PARTIAL", "RATIO"}, Align: "llrrrrr"}
	for _, s := range scores {
		ratio := "-"
		if s.Ratio != nil {
			ratio = strconv.FormatFloat(*s.Ratio, 'f', 3, 64)
		}
		t.Rows = append(t.Rows, []string{s.Runtime, s.Source, fmtFloat(s.Score, 2), fmtFloat(s.Normalized, 3),
			strconv.Itoa(s.Exposed), strconv.Itoa(s.Partial), ratio})
	}
	if err := t.Write(w, f); err != nil {
		return err
	}
	note := fmt.Sprintf("\nweights: %s over %s; metrics used: %v", weights.Options.Norm, tableNote(weights), weights.Used)
	if len(weights.Missing) > 0 {
		note += fmt.Sprintf("; not in this DB: %v", weights.Missing)
	}
	return report.WriteBelow(w, f, note+"\n"+compareLegend)
}

// tableNote says over which syscalls the weights are: the table's, less
// those the target kernel lacks.
func tableNote(w *score.Weights) string {
	by := ""
	if w.Evidence != "" && w.Evidence != w.Arch {
		by = fmt.Sprintf(", each the weight of the %s syscall of its name (evaluation only)", w.Evidence)
	}
	if len(w.Absent) == 0 {
		return fmt.Sprintf("%d syscalls%s", len(w.List), by)
	}
	return fmt.Sprintf("the %d syscalls of kernel %s (the %d of the %s table it lacks, %s …, weigh 0 and expose nothing)%s",
		len(w.List)-len(w.Absent), w.Release, len(w.Absent), w.Arch, strings.Join(w.Absent[:min(3, len(w.Absent))], ", "), by)
}

// compareLegend explains the columns below the table (and in --help).
const compareLegend = `EXPOSED: syscalls with degree > 0; PARTIAL: those of them allowed only for some arguments (0 < degree < 1).
SOURCE: declared = a profile or rule set, evaluated; passthrough = measured by a probe inside the sandbox, host traced; unfiltered = no filter.
`
