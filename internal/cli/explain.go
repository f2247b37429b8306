package cli

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"sysweight/report"
	"sysweight/score"
	"sysweight/vuln/db"
)

type explainOptions struct {
	limit int
}

// explanation is the JSON schema of explain.
type explanation struct {
	Syscall    string             `json:"syscall"`
	Nr         int                `json:"nr"`
	Weight     float64            `json:"weight"`
	Rank       int                `json:"rank"`
	Raw        map[string]float64 `json:"raw"`
	Normalized map[string]float64 `json:"normalized"`
	Severity   struct {
		ScoredV3 int `json:"scored_v3"`
		ScoredV2 int `json:"scored_v2"`
		Unscored int `json:"unscored"`
	} `json:"severity_scores"`
	CVEs         []explainedCVE `json:"cves"`
	Exploits     []string       `json:"exploits,omitempty"`
	TopFunctions []db.FuncCC    `json:"top_functions,omitempty"`
}

type explainedCVE struct {
	ID          string    `json:"id"`
	Score       float64   `json:"score,omitempty"`
	CVSSVersion string    `json:"cvss_version,omitempty"`
	Feed        string    `json:"feed"`
	Evidence    []db.Link `json:"evidence"`
}

func newExplainCmd(g *globalOptions) *cobra.Command {
	o := &explainOptions{}
	cmd := &cobra.Command{
		Use:   "explain SYSCALL",
		Short: "Show the evidence behind a syscall's weight: its CVEs, exploits and kernel functions",
		Long: `Show a syscall's weight, its raw and normalised metrics, and the records
behind them: every attributed CVE with its CVSS score and the evidence of the
attribution (method and matched text), its exploits and its most complex
reachable kernel functions when the DB has them.

JSON output: {"syscall", "nr", "weight", "rank", "raw", "normalized",
"severity_scores": {"scored_v3", "scored_v2", "unscored"},
"cves": [{"id", "score", "cvss_version", "feed", "evidence": [{"syscall",
"method", "evidence"}]}], "exploits", "top_functions": [{"name", "cc"}]}`,
		Example: `  sysweight explain keyctl
  sysweight explain bpf -o json | jq -r '.cves[].id'
  sysweight explain setsockopt --limit 0`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runExplain(g, o, args[0], cmd.OutOrStdout())
		},
	}
	cmd.Flags().IntVar(&o.limit, "limit", 30, "how many CVEs to list in table output (0: all)")
	return cmd
}

func runExplain(g *globalOptions, o *explainOptions, name string, w io.Writer) error {
	format, err := g.outputFormat()
	if err != nil {
		return err
	}
	d, weights, err := g.loadWeights()
	if err != nil {
		return err
	}
	rec, ok := d.Syscall(name)
	if !ok {
		return fmt.Errorf("syscall %q is not in the %s table", name, d.Meta.Arch)
	}
	wt, _ := weights.Of(name)
	ex := explanation{Syscall: name, Nr: rec.Nr, Weight: wt.Value, Raw: map[string]float64{}, Normalized: map[string]float64{},
		Exploits: rec.ExploitIDs, TopFunctions: rec.TopFuncs}
	for i, t := range weights.Top(0) {
		if t.Syscall == name {
			ex.Rank = i + 1
		}
	}
	for _, m := range weights.Used {
		ex.Raw[string(m)] = wt.Raw[m]
		ex.Normalized[string(m)] = wt.Normalized[m]
	}
	ex.Severity.ScoredV3, ex.Severity.ScoredV2, ex.Severity.Unscored = rec.ScoredV3, rec.ScoredV2, rec.Unscored
	for _, id := range rec.CVEIDs {
		c, ok := d.CVE(id)
		if !ok {
			return fmt.Errorf("weight DB: %s lists %s, which has no record", name, id)
		}
		ec := explainedCVE{ID: c.ID, Score: c.Score, CVSSVersion: c.CVSSVersion, Feed: c.Feed}
		for _, l := range c.Links {
			if l.Syscall == name {
				ec.Evidence = append(ec.Evidence, l)
			}
		}
		ex.CVEs = append(ex.CVEs, ec)
	}
	sort.SliceStable(ex.CVEs, func(i, j int) bool { return ex.CVEs[i].Score > ex.CVEs[j].Score })
	return presentExplain(w, format, ex, weights, o.limit)
}

func presentExplain(w io.Writer, f report.Format, ex explanation, ws *score.Weights, limit int) error {
	if f == report.JSON {
		return report.WriteJSON(w, ex)
	}
	if f == report.Text {
		fmt.Fprintf(w, "%s (nr %d): weight %.3f, rank %d of %d\n", ex.Syscall, ex.Nr, ex.Weight, ex.Rank, len(ws.List))
		for _, m := range ws.Used {
			fmt.Fprintf(w, "  %-10s raw %-10s normalized %.3f\n", m, strconv.FormatFloat(ex.Raw[string(m)], 'f', -1, 64), ex.Normalized[string(m)])
		}
		fmt.Fprintf(w, "  severity sums %d CVSS v3 and %d v2 scores; %d CVEs unscored\n", ex.Severity.ScoredV3, ex.Severity.ScoredV2, ex.Severity.Unscored)
		if len(ex.TopFunctions) > 0 {
			var fs []string
			for _, fn := range ex.TopFunctions {
				fs = append(fs, fmt.Sprintf("%s (CC %d)", fn.Name, fn.CC))
			}
			fmt.Fprintf(w, "  most complex reachable functions: %s\n", strings.Join(fs, ", "))
		}
		if len(ex.Exploits) > 0 {
			fmt.Fprintf(w, "  exploits: %s\n", strings.Join(ex.Exploits, ", "))
		}
		fmt.Fprintf(w, "\n%d CVEs, highest score first:\n", len(ex.CVEs))
	}
	t := report.Table{Header: []string{"CVE", "CVSS", "VERSION", "FEED", "METHOD", "EVIDENCE"}, Align: "lrllll"}
	cves := ex.CVEs
	if f == report.Text && limit > 0 && len(cves) > limit {
		cves = cves[:limit]
	}
	for _, c := range cves {
		var methods, evidence []string
		for _, l := range c.Evidence {
			methods = append(methods, l.Method)
			evidence = append(evidence, l.Evidence)
		}
		sc := "-"
		if c.CVSSVersion != "" {
			sc = fmtFloat(c.Score, 1)
		}
		t.Rows = append(t.Rows, []string{c.ID, sc, c.CVSSVersion, c.Feed, strings.Join(methods, ","), strings.Join(evidence, " | ")})
	}
	if err := t.Write(w, f); err != nil {
		return err
	}
	if f == report.Text && len(cves) < len(ex.CVEs) {
		fmt.Fprintf(w, "… %d more (--limit 0 lists all)\n", len(ex.CVEs)-len(cves))
	}
	return nil
}
