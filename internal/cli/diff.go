package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"sysweight/report"
	"sysweight/runtimes"
	"sysweight/score"
)

func newDiffCmd(g *globalOptions) *cobra.Command {
	o := &profileOptions{}
	cmd := &cobra.Command{
		Use:   "diff A B",
		Short: "Show per-syscall exposure and weighted change from A to B",
		Long: `List the syscalls whose degree of exposure differs between A and B, with
their weight and the weighted change (degree_B − degree_A)·w, largest first.
A and B are built-in runtimes or profile files.

JSON output: {"a", "b", "score_a", "score_b", "rows": [{"syscall", "degree_a",
"degree_b", "weight", "delta"}]}`,
		Example: `  sysweight diff runc-docker crun-podman
  sysweight diff firecracker-v1.0.0 kata-firecracker
  sysweight diff runc-docker ./hardened.json -o csv`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDiff(g, o, args[0], args[1], cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	o.addFlags(cmd)
	return cmd
}

func runDiff(g *globalOptions, o *profileOptions, a, b string, w, stderr io.Writer) error {
	format, err := g.outputFormat()
	if err != nil {
		return err
	}
	weights, warn, err := o.weightsBeside(g)
	if err != nil {
		return err
	}
	items, err := o.resolve([]string{a, b}, stderr)
	if err != nil {
		return err
	}
	fmt.Fprint(stderr, warn)
	exps, err := runtimes.Evaluate(o.mustArch(), items)
	if err != nil {
		return err
	}
	rows, err := score.Diff(exps[0], exps[1], weights)
	if err != nil {
		return err
	}
	sa, _ := score.Compute(exps[0], weights)
	sb, _ := score.Compute(exps[1], weights)
	if format == report.JSON {
		return report.WriteJSON(w, struct {
			A      string          `json:"a"`
			B      string          `json:"b"`
			ScoreA float64         `json:"score_a"`
			ScoreB float64         `json:"score_b"`
			Rows   []score.DiffRow `json:"rows"`
		}{a, b, sa.Score, sb.Score, rows})
	}
	if err := report.WriteAbove(w, format, fmt.Sprintf("%s → %s: score %.2f → %.2f (%+.2f), exposed %d → %d\n\n", a, b, sa.Score, sb.Score, sb.Score-sa.Score, sa.Exposed, sb.Exposed)); err != nil {
		return err
	}
	t := report.Table{Header: []string{"SYSCALL", "DEGREE_A", "DEGREE_B", "WEIGHT", "DELTA"}, Align: "lrrrr"}
	for _, r := range rows {
		t.Rows = append(t.Rows, []string{r.Syscall, fmtFloat(r.DegreeA, 3), fmtFloat(r.DegreeB, 3), fmtFloat(r.Weight, 3), fmt.Sprintf("%+.3f", r.Delta)})
	}
	return t.Write(w, format)
}
