package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"sysweight/lint"
	"sysweight/report"
	"sysweight/runtimes"
	"sysweight/score"
)

type lintOptions struct {
	profileOptions
	baseline     string
	heavy        int
	failAbove    float64
	failOnExcess bool
	out          string
	// given tells a flag the user gave (the command's FlagSet.Changed).
	given func(name string) bool
}

// sarifFormat is lint's fifth output format, besides report's four.
const sarifFormat = "sarif"

func newLintCmd(g *globalOptions) *cobra.Command {
	o := &lintOptions{}
	cmd := &cobra.Command{
		Use:   "lint PROFILE|RUNTIME ... [--baseline RUNTIME|PROFILE] [--fail-above X] [-o sarif]",
		Short: "Findings on seccomp profiles for CI: heavy syscalls allowed outright, excess over a baseline, rules that never apply",
		Long: `Lint each profile (a Docker/Moby, OCI config.json, Firecracker or gVisor
file, resolved for --caps and --kernel as score resolves it, or a built-in
runtime) and report findings under stable rule ids:

  SW001 DefaultAllow        error    the default action lets every syscall
                                     no rule names reach the kernel (a deny
                                     list), or there is no filter at all
  SW002 HeavyUnconditional  note     one of the --heavy N heaviest syscalls
                                     is allowed for every argument
  SW003 BeyondBaseline      warning  with --baseline: the syscall reaches
                                     the kernel for arguments the baseline
                                     blocks (how much, and its weight)
  SW004 UnknownSyscall      warning  a name no Linux architecture has (a
                                     typo): runc leaves its rules out
  SW005 NeverMatches        warning  a rule whose conditions can never all
                                     hold: arg & mask == datum with datum
                                     bits outside the mask, arg < 0, ranges
                                     of one argument that do not meet
  SW006 Shadowed            warning  a rule that never applies: a more
                                     restrictive rule for the same syscall
                                     matches whenever it does

Names of other architectures' syscalls (socketcall, chown32) are no
finding: runc leaves them out on the target arch (--arch), as every
command does. An argument index above 5, an unknown action or operator are bad input
(exit 2), as for score. At most 1000 findings of one rule are listed per
profile; the rest are counted ("omitted").

Heavy (SW002): the N heaviest syscalls of the target kernel by the weights
in use (--db, --alpha, --norm), N = --heavy (default 20, 0 turns SW002
off); "allowed for every argument" is degree 1.

Score: each profile's normalised score is the one compare -o json gives
for it (with the same --baseline when that is a file; a built-in changes
nothing). Each profile is evaluated on its own, so its results do not
depend on the other arguments.

Baseline (--baseline RUNTIME|PROFILE, e.g. the node's runtime default):
is the profile within the baseline (KEP-6061's question), and by how much
not? For each syscall, the fraction of the argument corpus the profile
lets reach the kernel and the baseline does not (exact on the corpus when
both are profiles or one is no filter; against a measured exposure, the
difference of the degrees, a lower bound), and its weight; the summary
gives their count and Σ beyond(s)·w(s). Syscalls the target kernel lacks
are left out, as diff leaves them out.

Gates, for CI: --fail-above X (a normalised score, 0 to 1) fails a profile
scoring above X; --fail-on-excess (with --baseline) fails a profile not
within the baseline. Findings alone fail nothing. The output is written
first, in full, then each failure is one line on stderr.

Exit status: 0 when no gate fails (findings or not); 3 when a gate fails;
2 for bad input or usage (a broken profile, an unknown baseline, --fail-above
outside 0..1: one line naming the input, the place and what was expected;
nothing written); 1 when the environment failed (writing --out).

Output (-o): table (default), markdown and csv list the findings (PROFILE,
LINE, RULE, LEVEL, SYSCALL, MESSAGE), table and markdown with each
profile's summary and the gate's verdict below; json is a list with one
object per profile:
  {"profile", "source", "score", "normalized", "exposed", "heavy",
   "baseline": null or {"name", "normalized" (the baseline's own, over
     the profile's corpus), "within", "beyond_syscalls", "beyond_score",
     "beyond_normalized", "exact"},
   "findings": [{"rule_id", "level", "syscall", "filter", "message", "path"
     (JSON path in the profile), "line", "column" (bytes), "weight", "rank",
     "degree", "baseline_degree", "beyond", "fingerprint"}],
   "omitted": {RULE: count} (only when findings were left out),
   "failed": [the gates it fails, one line each]}
(fields that do not apply are left out); sarif is SARIF 2.1.0 for GitHub
code scanning: every rule with its security-severity, results at the line
of the syscall's name in the profile (a path relative to the checkout when
the profile was named so), partialFingerprints "sysweight/v1" that hash
the rule, the profile, the syscall and what was found, not the line. A
built-in has no file: its results carry a logical location (its name).
--out FILE writes any format to FILE (through a temporary file renamed
into place) instead of stdout.`,
		Example: `  sysweight lint my-profile.json
  sysweight lint my-profile.json --baseline runc-docker --fail-on-excess
  sysweight lint profiles/*.json -o sarif --out sysweight.sarif --fail-above 0.5
  sysweight lint crun-podman --baseline runc-docker -o json | jq '.[0].baseline'
  sysweight lint deploy/seccomp.json --heavy 50 --caps CAP_NET_ADMIN   # its capabilities alone`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runLint(cmd.Context(), g, o, args, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	o.profileOptions.addFlags(cmd)
	o.profileOptions.findsUnknown = true
	f := cmd.Flags()
	f.StringVar(&o.baseline, "baseline", "", "runtime or profile the profiles must stay within (SW003; e.g. runc-docker)")
	f.IntVar(&o.heavy, "heavy", 20, "the N heaviest syscalls count as heavy for SW002 (0: off)")
	f.Float64Var(&o.failAbove, "fail-above", 0, "exit 3 when a profile's normalised score is above X (0 to 1)")
	f.BoolVar(&o.failOnExcess, "fail-on-excess", false, "exit 3 when a profile is not within --baseline")
	f.StringVar(&o.out, "out", "", "write the output to FILE instead of stdout")
	o.given = f.Changed
	return cmd
}

// format is lint's output format: report's four or sarif.
func (o *lintOptions) format(g *globalOptions) (string, error) {
	if strings.EqualFold(g.format, sarifFormat) {
		return sarifFormat, nil
	}
	f, err := report.ParseFormat(g.format)
	if err != nil {
		return "", fmt.Errorf("unknown format %q (want table, json, csv, markdown or sarif)", g.format)
	}
	return string(f), nil
}

// gate checks the gate flags.
func (o *lintOptions) gate() (lint.Gate, error) {
	var gt lint.Gate
	if o.given != nil && o.given("fail-above") {
		x := o.failAbove
		if math.IsNaN(x) || x < 0 || x > 1 {
			return gt, fmt.Errorf("--fail-above %v: want a normalised score from 0 to 1", x)
		}
		gt.FailAbove = &x
	}
	if o.failOnExcess {
		if o.baseline == "" {
			return gt, fmt.Errorf("--fail-on-excess needs --baseline RUNTIME|PROFILE, the configuration to stay within")
		}
		gt.FailOnExcess = true
	}
	return gt, nil
}

func runLint(ctx context.Context, g *globalOptions, o *lintOptions, args []string, w, stderr io.Writer) error {
	format, err := o.format(g)
	if err != nil {
		return err
	}
	gate, err := o.gate()
	if err != nil {
		return err
	}
	if o.heavy < 0 {
		return fmt.Errorf("--heavy %d: want 0 (off) or more", o.heavy)
	}
	if o.out != "" {
		if err := checkOutPath(o.out); err != nil {
			return err
		}
	}
	weights, warn, err := o.weightsBeside(g)
	if err != nil {
		return err
	}
	items, err := o.resolve(args, stderr)
	if err != nil {
		return err
	}
	var base *runtimes.Named
	if o.baseline != "" {
		b, _, err := o.resolveOne(o.baseline)
		if err != nil {
			return fmt.Errorf("--baseline: %w", err)
		}
		base = &b
	}
	fmt.Fprint(stderr, warn)
	results := make([]lint.Result, len(args))
	for i, it := range items {
		if results[i], err = o.lintOne(args[i], it, base, weights, gate); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := presentLint(&buf, format, results, weights); err != nil {
		return err
	}
	if o.out != "" {
		if err := writeAtomic(ctx, o.out, buf.Bytes()); err != nil {
			return envError{err}
		}
		n := 0
		for _, r := range results {
			n += len(r.Findings)
		}
		fmt.Fprintf(w, "wrote %s: %s, %s\n", o.out, report.Count(len(results), "profile"), report.Count(n, "finding"))
	} else if _, err := w.Write(buf.Bytes()); err != nil {
		return err
	}
	failed := false
	for _, r := range results {
		for _, f := range r.Failed {
			fmt.Fprintf(stderr, "sysweight: lint: gate failed: %s: %s\n", r.Profile, f)
			failed = true
		}
	}
	if failed {
		return exitStatus(exitGate)
	}
	return nil
}

// lintOne evaluates it (and the baseline) over their own corpus, as
// compare evaluates its arguments, and lints it.
func (o *lintOptions) lintOne(arg string, it runtimes.Named, base *runtimes.Named, weights *score.Weights, gate lint.Gate) (lint.Result, error) {
	named := []runtimes.Named{it}
	if base != nil {
		named = append(named, *base)
	}
	corpus, err := runtimes.CorpusOf(o.mustArch(), named)
	if err != nil {
		return lint.Result{}, err
	}
	exps, err := runtimes.EvaluateOn(named, corpus)
	if err != nil {
		return lint.Result{}, err
	}
	in := lint.Input{Profile: lint.Config{Name: arg, Policy: it.Policy, Exposure: exps[0]},
		Corpus: corpus, Weights: weights, Heavy: o.heavy, Gate: gate}
	if _, err := runtimes.Lookup(arg); err == nil {
		in.Profile.Builtin = true
	} else { // a file
		if in.Profile.Doc, err = readProfileFile(arg); err != nil {
			return lint.Result{}, err
		}
		in.Profile.URI = lint.FileURI(arg)
	}
	if base != nil {
		in.Baseline = &lint.Config{Name: o.baseline, Policy: base.Policy, Exposure: exps[1]}
	}
	return lint.Check(in)
}

func presentLint(w io.Writer, format string, results []lint.Result, weights *score.Weights) error {
	wnote := fmt.Sprintf("%s over %s; metrics used: %v", weights.Options.Norm, tableNote(weights), weights.Used)
	switch format {
	case sarifFormat:
		return report.WriteJSON(w, lint.SARIF(results, wnote))
	case string(report.JSON):
		return report.WriteJSON(w, results)
	}
	f := report.Format(format)
	t := report.Table{Header: []string{"PROFILE", "LINE", "RULE", "LEVEL", "SYSCALL", "MESSAGE"}, Align: "lrllll"}
	for _, r := range results {
		for _, fd := range r.Findings {
			line := "-"
			if fd.Line > 0 {
				line = strconv.Itoa(fd.Line)
			}
			sys := fd.Syscall
			if fd.Filter != "" {
				sys = fd.Filter + ": " + sys
			}
			t.Rows = append(t.Rows, []string{r.Profile, line, fd.RuleID, fd.Level, sys, fd.Message})
		}
	}
	if err := t.Write(w, f); err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("\n")
	for _, r := range results {
		b.WriteString(r.Summary() + "\n")
	}
	fmt.Fprintf(&b, "\nweights: %s\n%s", wnote, lintLegend)
	return report.WriteBelow(w, f, b.String())
}

const lintLegend = `RULE: SW001 default action allows, SW002 heavy syscall allowed for every argument, SW003 beyond the baseline, SW004 unknown syscall name, SW005 conditions never hold, SW006 rule shadowed (sysweight lint --help).
`
