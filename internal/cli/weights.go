package cli

import (
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"

	"sysweight/report"
	"sysweight/runtimes"
	"sysweight/score"
)

func newWeightsCmd(g *globalOptions) *cobra.Command {
	var top int
	arch := &profileOptions{}
	cmd := &cobra.Command{
		Use:   "weights",
		Short: "List syscall weights, heaviest first",
		Long: `List w(s) = Σ_k α_k·norm_k(s) for each syscall with the raw metrics behind
it. Metrics the DB does not provide are left out and named.

JSON output: {"norm", "alpha", "used", "missing", "total", "weights":
[{"syscall", "nr", "raw": {metric: value}, "normalized": {metric: value},
"weight"}]}`,
		Example: `  sysweight weights --top 20
  sysweight weights --alpha cves=0,severity=1 --norm linear
  sysweight weights -o csv > weights.csv
  sysweight weights --arch aarch64   # aarch64 numbers, x86-64 weights by name`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := g.outputFormat()
			if err != nil {
				return err
			}
			if top < 0 {
				return fmt.Errorf("--top %d: want 0 (all) or more", top)
			}
			a, err := arch.targetArch()
			if err != nil {
				return err
			}
			_, w, warn, err := g.loadWeights(runtimes.DefaultKernel)
			if err != nil {
				return err
			}
			w, archWarn := forArch(w, a)
			warn += archWarn
			fmt.Fprint(cmd.ErrOrStderr(), warn)
			return presentWeights(cmd.OutOrStdout(), format, w, top)
		},
	}
	cmd.Flags().IntVar(&top, "top", 25, "how many syscalls to list (0: all)")
	cmd.Flags().StringVar(&arch.arch, "arch", "x86_64", archHelp)
	return cmd
}

func presentWeights(w io.Writer, f report.Format, ws *score.Weights, top int) error {
	list := ws.Top(top)
	if f == report.JSON {
		return report.WriteJSON(w, struct {
			Norm    score.Norm               `json:"norm"`
			Alpha   map[score.Metric]float64 `json:"alpha"`
			Used    []score.Metric           `json:"used"`
			Missing []score.Metric           `json:"missing"`
			Total   float64                  `json:"total"`
			Weights []score.Weight           `json:"weights"`
		}{ws.Options.Norm, ws.Options.Alpha, ws.Used, ws.Missing, ws.Total, list})
	}
	header := []string{"RANK", "SYSCALL", "WEIGHT"}
	align := "rlr"
	for _, m := range ws.Used {
		header = append(header, string(m))
		align += "r"
	}
	t := report.Table{Header: header, Align: align}
	for i, wt := range list {
		row := []string{strconv.Itoa(i + 1), wt.Syscall, fmtFloat(wt.Value, 3)}
		for _, m := range ws.Used {
			row = append(row, strconv.FormatFloat(wt.Raw[m], 'f', -1, 64))
		}
		t.Rows = append(t.Rows, row)
	}
	note := fmt.Sprintf("norm %s over %s; metrics used %v", ws.Options.Norm, tableNote(ws), ws.Used)
	if len(ws.Missing) > 0 {
		note += fmt.Sprintf("; not in this DB %v", ws.Missing)
	}
	if err := report.WriteAbove(w, f, note+fmt.Sprintf("; Σ w = %.2f\n\n", ws.Total)); err != nil {
		return err
	}
	return t.Write(w, f)
}
