package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"sysweight/report/htmlreport"
	"sysweight/runtimes"
	"sysweight/vuln/attrib"
	"sysweight/vuln/db"
)

type reportOptions struct {
	compareOptions
	out     string
	top     int
	history string // families whose history to draw: "all" or a comma list
	// formatGiven: -o/--format was on the command line; report writes
	// HTML whatever it says, so it is refused rather than ignored.
	formatGiven func() bool
}

func newReportCmd(g *globalOptions) *cobra.Command {
	o := &reportOptions{}
	cmd := &cobra.Command{
		Use:   "report [RUNTIME|PROFILE ...] --out FILE",
		Short: "Write the comparison as one self-contained HTML page (default: every built-in)",
		Long: `Write one HTML file that needs nothing else (no script, no network, no
other file) with:
  - the comparison: the normalised score of each runtime as a bar stacked by
    metric (metric k's part is Σ_s e(s)·α_k·norm_k(s) / Σ_s w(s)), and the
    table compare prints;
  - the heaviest syscalls of each runtime (e(s)·w(s) and its share; --top);
  - a heat map of syscalls × runtimes, coloured by degree × weight;
  - a drill-down per syscall some runtime exposes: what explain shows (its
    metrics, its CVEs with CVSS scores and attribution methods, exploits,
    most complex kernel functions);
  - the provenance of the weight DB (db info) and of each runtime (runtimes);
  - with --history, the normalised score of each version of the families
    named over time (a step line each) and the versions that changed it,
    as sysweight history scores them.

The numbers are those compare, explain, db info and runtimes compute, with
the same arguments and flags (--db, --alpha, --norm, --caps, --kernel,
--baseline). Each bar carries them as data attributes (data-runtime,
data-score, data-normalized; data-metric and data-part on each segment),
in full precision. The same inputs give the same bytes.

The file is --out FILE (-o is the global --format flag, which report does
not take): written to a temporary file beside it and renamed. Bad
arguments write nothing.`,
		Example: `  sysweight report --out report.html
  sysweight report runc-docker gvisor-systrap kata-firecracker --out report.html
  sysweight report ./my-profile.json runc-docker --out mine.html --top 20
  sysweight report --alpha cves=0,severity=0 --out code-only.html   # weights from kernel code alone
  sysweight report --history all --out trend.html                   # with the docker, podman, gvisor and firecracker histories`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runReport(cmd.Context(), g, o, args, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	o.profileOptions.addFlags(cmd)
	cmd.Flags().StringVar(&o.baseline, "baseline", runtimes.Baseline, "runtime the ratio is taken against")
	cmd.Flags().StringVar(&o.out, "out", "", "the HTML file to write (required)")
	cmd.Flags().IntVar(&o.top, "top", 10, "how many of each runtime's heaviest syscalls to list (0: all)")
	cmd.Flags().StringVar(&o.history, "history", "", "also draw the version history of these families (all, or a list of "+familyNames()+"), as sysweight history scores them")
	o.formatGiven = func() bool { return cmd.Flags().Changed("format") }
	return cmd
}

func runReport(ctx context.Context, g *globalOptions, o *reportOptions, args []string, w, stderr io.Writer) error {
	if o.formatGiven != nil && o.formatGiven() {
		return fmt.Errorf("report writes HTML to --out FILE; -o/--format %q is not for report (did you mean --out %s?)", g.format, g.format)
	}
	if o.out == "" {
		return fmt.Errorf("report needs --out FILE, the HTML file to write")
	}
	if o.top < 0 {
		return fmt.Errorf("--top %d: want 0 (all) or more", o.top)
	}
	if err := checkOutPath(o.out); err != nil {
		return err
	}
	families, err := historyFamilies(o.history)
	if err != nil {
		return err
	}
	c, err := o.compare(g, args, stderr)
	if err != nil {
		return err
	}
	r, err := reportOf(c, o.top)
	if err != nil {
		return g.dbError(err)
	}
	for _, fam := range families {
		h, err := historyOf(g, fam)
		if err != nil {
			return err
		}
		r.Histories = append(r.Histories, h.report())
	}
	var buf bytes.Buffer
	if err := htmlreport.Write(&buf, r); err != nil {
		return err
	}
	if err := writeAtomic(ctx, o.out, buf.Bytes()); err != nil {
		return envError{err}
	}
	fmt.Fprintf(w, "wrote %s: %d runtime(s), %d syscall(s) exposed, %d bytes\n", o.out, len(r.Runtimes), len(r.Syscalls), buf.Len())
	return nil
}

// historyFamilies reads --history: "" none, "all" every family, else a
// comma list of families.
func historyFamilies(list string) ([]string, error) {
	switch list {
	case "":
		return nil, nil
	case "all":
		var all []string
		for _, f := range runtimes.HistoryFamilies {
			all = append(all, f.Name)
		}
		return all, nil
	}
	var out []string
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if !slices.ContainsFunc(runtimes.HistoryFamilies, func(h runtimes.HistoryFamily) bool { return h.Name == f }) {
			return nil, fmt.Errorf("--history %s: unknown family %q (all, or some of %s)", list, f, familyNames())
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out, nil
}

// checkOutPath refuses an --out that cannot be a file before any work: a
// directory, or a path whose directory does not exist.
func checkOutPath(path string) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("--out %s: a directory; want a file name", path)
	}
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("--out %s: no directory %s", path, dir)
	case err != nil:
		return fmt.Errorf("--out %s: %w", path, err)
	case !fi.IsDir():
		return fmt.Errorf("--out %s: %s is not a directory", path, dir)
	}
	return nil
}

// reportOf lays the values of compare, explain, db info and runtimes out
// for htmlreport; it computes no score of its own but the split of each
// normalised score by metric (score.Score.Parts over Σ w).
func reportOf(c compared, top int) (*htmlreport.Report, error) {
	ws := c.weights
	r := &htmlreport.Report{Norm: string(ws.Options.Norm), WeightsNote: tableNote(ws), Total: ws.Total}
	for _, m := range ws.Used {
		r.Metrics = append(r.Metrics, htmlreport.Metric{Name: string(m), Alpha: ws.Options.Alpha[m]})
	}
	builtins := map[string]runtimeInfo{}
	for _, b := range builtinInfos() {
		builtins[b.Name] = b
	}
	// degree of each exposed syscall, per runtime (index in c.scores)
	exposed := map[string][]float64{}
	for i, s := range c.scores {
		rt := htmlreport.Runtime{Name: s.Runtime, Source: s.Source, Score: s.Score, Normalized: s.Normalized, Ratio: s.Ratio,
			Exposed: s.Exposed, Partial: s.Partial, Absent: s.Absent}
		if s.Ratio != nil {
			r.Baseline = s.Baseline
		}
		for _, m := range ws.Used {
			p := 0.0
			if ws.Total > 0 {
				p = s.Parts[m] / ws.Total
			}
			rt.Parts = append(rt.Parts, p)
		}
		n := len(s.Contributions)
		if top > 0 {
			n = min(n, top)
		}
		for _, ct := range s.Contributions[:n] {
			rt.Top = append(rt.Top, htmlreport.Contribution{Syscall: ct.Syscall, Degree: ct.Degree, Weight: ct.Weight, Value: ct.Value})
		}
		if b, ok := builtins[s.Runtime]; ok {
			rt.Description, rt.Origin, rt.Version, rt.Date = b.Description, b.Origin, b.Version, b.Date
		} else {
			for _, it := range c.items {
				if it.Name == s.Runtime {
					p := it.Provenance
					rt.Origin, rt.Version, rt.Date, rt.Notes = p.Origin, p.Version, p.Date, p.Notes
				}
			}
		}
		for _, ct := range s.Contributions {
			if exposed[ct.Syscall] == nil {
				exposed[ct.Syscall] = make([]float64, len(c.scores))
			}
			exposed[ct.Syscall][i] = ct.Degree
		}
		r.Runtimes = append(r.Runtimes, rt)
	}
	// A CVE's title is shown at its first listing, under the heaviest
	// syscall it is attributed to; later listings keep the evidence.
	titled := map[string]bool{}
	for _, wt := range ws.Top(0) { // heaviest first, as explain ranks
		degrees, ok := exposed[wt.Syscall]
		if !ok {
			continue
		}
		ex, err := explainSyscall(c.db, ws, wt.Syscall)
		if err != nil {
			return nil, err
		}
		s := htmlreport.Syscall{Name: ex.Syscall, Nr: ex.Nr, Rank: ex.Rank, Weight: ex.Weight, Degrees: degrees,
			ScoredV3: ex.Severity.ScoredV3, ScoredV2: ex.Severity.ScoredV2, Unscored: ex.Severity.Unscored,
			Exploits: ex.Exploits, TopFunctions: ex.TopFunctions}
		for _, m := range ws.Used {
			s.Raw = append(s.Raw, ex.Raw[string(m)])
			s.Normalized = append(s.Normalized, ex.Normalized[string(m)])
		}
		for _, cv := range ex.CVEs {
			row := htmlreport.CVE{ID: cv.ID, Title: cv.Title, Score: cv.Score, CVSSVersion: cv.CVSSVersion, Feed: cv.Feed, Links: cv.Evidence}
			if as, ok := siblingOnly(cv.Evidence); ok && exposed[as] != nil {
				// the title and evidence are in the sibling's list
				row.Title, row.Links = "", []db.Link{{Method: string(attrib.MethodSibling), Evidence: "as " + as + " (listed there)"}}
			}
			if titled[cv.ID] {
				row.Title = ""
			} else if row.Title != "" {
				titled[cv.ID] = true
			}
			s.CVEs = append(s.CVEs, row)
		}
		r.Syscalls = append(r.Syscalls, s)
	}
	info, err := infoOf(c.db)
	if err != nil {
		return nil, err
	}
	r.DB = htmlreport.DB{Schema: info.Schema, Meta: info.Meta, CVEs: info.CVEs, SyscallsWithCVEs: info.WithCVEs, Syscalls: len(c.db.Syscalls)}
	return r, nil
}

// siblingOnly tells whether a CVE reaches a syscall only as the sibling
// of another (attrib.Siblings), and which: its row then points to that
// syscall's, when the report lists it too, and keeps the page small.
func siblingOnly(links []db.Link) (string, bool) {
	as := ""
	for _, l := range links {
		s, ok := attrib.SiblingOf(l.Evidence)
		if l.Method != string(attrib.MethodSibling) || !ok || as != "" && s != as {
			return "", false
		}
		as = s
	}
	return as, as != ""
}
