package cli

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"sysweight/report"
	"sysweight/runtimes"
	"sysweight/score"
	"sysweight/vuln/db"
)

type explainOptions struct {
	limit int
}

// explanation is the JSON schema of explain.
type explanation struct {
	Syscall string  `json:"syscall"`
	Nr      int     `json:"nr"`
	Weight  float64 `json:"weight"`
	Rank    int     `json:"rank"`
	// AbsentFrom is the target kernel release that lacks the syscall
	// (it weighs 0 there), "" when the kernel has it or is not known.
	AbsentFrom string             `json:"absent_from,omitempty"`
	Raw        map[string]float64 `json:"raw"`
	Normalized map[string]float64 `json:"normalized"`
	Severity   struct {
		ScoredV3 int `json:"scored_v3"`
		ScoredV2 int `json:"scored_v2"`
		Unscored int `json:"unscored"`
	} `json:"severity_scores"`
	CVEs         []db.CVEEvidence `json:"cves"`
	Exploits     []string         `json:"exploits,omitempty"`
	TopFunctions []db.FuncCC      `json:"top_functions,omitempty"`
}

func newExplainCmd(g *globalOptions) *cobra.Command {
	o := &explainOptions{}
	cmd := &cobra.Command{
		Use:   "explain SYSCALL|CVE-ID",
		Short: "Show the evidence behind a syscall's weight, or the syscalls a CVE is attributed to",
		Long: `Show a syscall's weight, its raw and normalised metrics, and the records
behind them: every attributed CVE with its CVSS score and the evidence of the
attribution (method and matched text), its exploits and its most complex
reachable kernel functions when the DB has them.

Given a CVE id, show the CVE's title and score and the syscalls it is
attributed to: for each, the method (text, trace, uapi, site, dispatch,
sibling, …), the evidence and, for the trace, site and file methods, the
call path from the syscall's entry to the bug.

JSON output for a syscall: {"syscall", "nr", "weight", "rank", "raw",
"normalized", "severity_scores": {"scored_v3", "scored_v2", "unscored"},
"cves": [{"id", "title", "score", "cvss_version", "feed", "evidence":
[{"syscall", "method", "evidence", "path"}]}], "exploits", "top_functions":
[{"name", "cc"}]}. For a CVE: {"id", "title", "score", "cvss_version",
"vector", "feed", "links": [{"syscall", "method", "evidence", "path"}]}.`,
		Example: `  sysweight explain keyctl
  sysweight explain CVE-2016-8655
  sysweight explain bpf -o json | jq -r '.cves[].id'
  sysweight explain setsockopt --limit 0`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if isCVEID(args[0]) {
				return runExplainCVE(g, args[0], cmd.OutOrStdout())
			}
			return runExplain(g, o, args[0], cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	cmd.Flags().IntVar(&o.limit, "limit", 30, "how many CVEs and exploits to list in table output (0: all)")
	return cmd
}

func runExplain(g *globalOptions, o *explainOptions, name string, w, stderr io.Writer) error {
	format, err := g.outputFormat()
	if err != nil {
		return err
	}
	d, weights, warn, err := g.loadWeights(runtimes.DefaultKernel)
	if err != nil {
		return err
	}
	fmt.Fprint(stderr, warn)
	if _, ok := d.Syscall(name); !ok { // the argument is wrong, not the --db file
		return fmt.Errorf("syscall %q is not in the %s table", name, d.Meta.Arch)
	}
	ex, err := explainSyscall(d, weights, name)
	if err != nil {
		return g.dbError(err)
	}
	return presentExplain(w, format, ex, weights, o.limit)
}

// explainSyscall joins the DB's evidence behind name's weight
// (db.Explain) to the weight itself: explain's value, and report's
// drill-down. Its CVEs are ordered by score, highest first.
func explainSyscall(d *db.DB, weights *score.Weights, name string) (explanation, error) {
	ev, ok, err := d.Explain(name)
	if err != nil {
		return explanation{}, err
	}
	if !ok {
		return explanation{}, fmt.Errorf("syscall %q is not in the %s table", name, d.Meta.Arch)
	}
	rec := ev.Syscall
	wt, _ := weights.Of(name)
	ex := explanation{Syscall: name, Nr: rec.Nr, Weight: wt.Value, Raw: map[string]float64{}, Normalized: map[string]float64{},
		CVEs: ev.CVEs, Exploits: rec.ExploitIDs, TopFunctions: rec.TopFuncs}
	if wt.Absent {
		ex.AbsentFrom = weights.Release
	}
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
	return ex, nil
}

func presentExplain(w io.Writer, f report.Format, ex explanation, ws *score.Weights, limit int) error {
	if f == report.JSON {
		return report.WriteJSON(w, ex)
	}
	// --limit bounds the exploits and the CVEs of the table output.
	if f != report.Text {
		limit = 0
	}
	var note strings.Builder
	fmt.Fprintf(&note, "%s (nr %d): weight %.3f, rank %d of %d\n", ex.Syscall, ex.Nr, ex.Weight, ex.Rank, len(ws.List))
	if ex.AbsentFrom != "" {
		fmt.Fprintf(&note, "  kernel %s, the target, lacks %s (no entry function, or sys_ni_syscall): it weighs 0 whatever its metrics\n", ex.AbsentFrom, ex.Syscall)
	}
	for _, m := range ws.Used {
		fmt.Fprintf(&note, "  %-10s raw %-10s normalized %.3f\n", m, strconv.FormatFloat(ex.Raw[string(m)], 'f', -1, 64), ex.Normalized[string(m)])
	}
	fmt.Fprintf(&note, "  severity sums %d CVSS v3 and %d v2 scores; %d CVEs unscored\n", ex.Severity.ScoredV3, ex.Severity.ScoredV2, ex.Severity.Unscored)
	if len(ex.TopFunctions) > 0 {
		var fs []string
		for _, fn := range ex.TopFunctions {
			fs = append(fs, fmt.Sprintf("%s (CC %d)", fn.Name, fn.CC))
		}
		fmt.Fprintf(&note, "  most complex reachable functions: %s\n", strings.Join(fs, ", "))
	}
	if exploits := ex.Exploits; len(exploits) > 0 {
		more := ""
		if limit > 0 && len(exploits) > limit {
			more = fmt.Sprintf(", … %d more (--limit 0 lists all)", len(exploits)-limit)
			exploits = exploits[:limit]
		}
		fmt.Fprintf(&note, "  %d exploits: %s%s\n", len(ex.Exploits), strings.Join(exploits, ", "), more)
	}
	fmt.Fprintf(&note, "\n%d CVEs, highest score first:\n", len(ex.CVEs))
	if err := report.WriteAbove(w, f, note.String()); err != nil {
		return err
	}
	t := report.Table{Header: []string{"CVE", "CVSS", "VERSION", "FEED", "METHOD", "EVIDENCE"}, Align: "lrllll"}
	cves := ex.CVEs
	if limit > 0 && len(cves) > limit {
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
	if len(cves) < len(ex.CVEs) {
		fmt.Fprintf(w, "… %d more (--limit 0 lists all)\n", len(ex.CVEs)-len(cves))
	}
	return nil
}

// isCVEID reports "CVE-YYYY-NNNN…" in any case.
func isCVEID(s string) bool {
	if len(s) < len("CVE-2000-0000") || !strings.EqualFold(s[:4], "CVE-") {
		return false
	}
	y, n, ok := strings.Cut(s[4:], "-")
	if !ok || len(y) != 4 || len(n) < 4 {
		return false
	}
	for _, part := range []string{y, n} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return false
			}
		}
	}
	return true
}

func runExplainCVE(g *globalOptions, id string, w io.Writer) error {
	format, err := g.outputFormat()
	if err != nil {
		return err
	}
	d, err := g.loadDB()
	if err != nil {
		return err
	}
	id = strings.ToUpper(id)
	c, ok, err := d.CVE(id)
	if err != nil {
		return g.dbError(err)
	}
	if !ok {
		return fmt.Errorf("%s is not attributed to any syscall in this weight DB (methods %v): no link, or not in its feeds", id, d.Meta.Methods)
	}
	return presentExplainCVE(w, format, c)
}

func presentExplainCVE(w io.Writer, f report.Format, c db.CVE) error {
	if f == report.JSON {
		return report.WriteJSON(w, c)
	}
	if f == report.Text {
		sc := "no CVSS score"
		if c.CVSSVersion != "" {
			sc = "CVSS " + c.CVSSVersion + " " + fmtFloat(c.Score, 1)
		}
		fmt.Fprintf(w, "%s (%s; %s)\n", c.ID, sc, c.Feed)
		if c.Title != "" {
			fmt.Fprintf(w, "  %s\n", c.Title)
		}
		var names []string
		for _, l := range c.Links {
			if !slices.Contains(names, l.Syscall) {
				names = append(names, l.Syscall)
			}
		}
		fmt.Fprintf(w, "\nattributed to %d syscall(s): %s\n\n", len(names), strings.Join(names, ", "))
		for _, l := range c.Links {
			fmt.Fprintf(w, "%s (%s): %s\n", l.Syscall, l.Method, l.Evidence)
			if len(l.Path) > 0 {
				fmt.Fprintf(w, "  path: %s\n", strings.Join(l.Path, " → "))
			}
		}
		return nil
	}
	t := report.Table{Header: []string{"SYSCALL", "METHOD", "EVIDENCE", "PATH"}, Align: "llll"}
	for _, l := range c.Links {
		t.Rows = append(t.Rows, []string{l.Syscall, l.Method, l.Evidence, strings.Join(l.Path, " → ")})
	}
	return t.Write(w, f)
}
