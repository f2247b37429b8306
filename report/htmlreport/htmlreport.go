package htmlreport

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"sysweight/report"
	"sysweight/vuln/db"
)

// Report is everything the page shows. The caller computes every number;
// Write only lays them out.
type Report struct {
	// Metrics are the metrics the weights use, in DESIGN.md order, with
	// their coefficients α_k.
	Metrics []Metric
	Norm    string // the normalisation, e.g. "log"
	// WeightsNote says over which syscalls the weights are (compare's
	// note below its table).
	WeightsNote string
	Total       float64 // Σ_s w(s): the score of a process with no filter
	Baseline    string  // the runtime ratios are taken against; "" for none
	// Runtimes are ordered as compare orders them: by score, highest
	// first.
	Runtimes []Runtime
	// Syscalls are the rows of the heat map and the drill-downs: those
	// some runtime exposes, heaviest first.
	Syscalls []Syscall
	DB       DB
	// Histories are the version histories `sysweight history` scores
	// (report --history); the page draws them when there are any.
	Histories []History
}

// Metric is one metric of the weights and its coefficient.
type Metric struct {
	Name  string
	Alpha float64
}

// Runtime is one runtime's score, its metric parts and where its
// configuration comes from.
type Runtime struct {
	Name, Source             string
	Score, Normalized        float64
	Ratio                    *float64 // nil without a baseline
	Exposed, Partial, Absent int
	// Parts is the normalised score split by metric, one per
	// Report.Metrics: Σ_s e(s)·α_k·norm_k(s) / Σ_s w(s).
	Parts []float64
	// Top are the heaviest contributions e(s)·w(s), heaviest first.
	Top []Contribution
	// Provenance, as `sysweight runtimes` gives it (Notes for a profile
	// file).
	Description, Origin, Version, Date string
	Notes                              []string
}

// Contribution is one syscall's share of a runtime's score.
type Contribution struct {
	Syscall               string
	Degree, Weight, Value float64
}

// Syscall is one syscall's weight, the evidence behind it (what `sysweight
// explain` gives) and its degree of exposure in each runtime.
type Syscall struct {
	Name     string
	Nr, Rank int
	Weight   float64
	// Raw and Normalized are the metric values, one per Report.Metrics.
	Raw, Normalized              []float64
	ScoredV3, ScoredV2, Unscored int
	// Degrees holds e(s) per Report.Runtimes.
	Degrees      []float64
	CVEs         []CVE
	Exploits     []string
	TopFunctions []db.FuncCC
}

// CVE is one CVE attributed to the syscall, with the links that attribute
// it to this syscall.
type CVE struct {
	ID, Title   string
	Score       float64
	CVSSVersion string // "" when unscored
	Feed        string
	Links       []db.Link
}

// feedCodes are the CVE feeds' short names in the CVE tables (the table
// head says which is which): a page of every built-in lists some 6,000
// rows.
var feedCodes = map[string]string{"kernel-cna": "CNA", "linux_kernel_cves": "LKC"}

// feedCode is a feed's short name, the feed's own name when it has none.
func feedCode(feed string) string {
	if c, ok := feedCodes[feed]; ok {
		return c
	}
	return feed
}

// DB is the weight DB's provenance, as `sysweight db info` gives it.
type DB struct {
	Schema           int
	Meta             db.Meta
	CVEs             int // attributed CVEs
	SyscallsWithCVEs int
	Syscalls         int
}

//go:embed report.html.tmpl
var pageText string

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"f":     func(prec int, x float64) string { return strconv.FormatFloat(x, 'f', prec, 64) },
	"exact": func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) },
	"pct":   func(x float64) string { return strconv.FormatFloat(100*x, 'f', 1, 64) + "%" },
	"join":  strings.Join,
	"n":     report.Count,
	"feed":  feedCode,
	"add":   func(a, b float64) float64 { return a + b },
	"sub":   func(a, b float64) float64 { return a - b },
	"mul":   func(a, b float64) float64 { return a * b },
	"div": func(a, b float64) float64 {
		if b == 0 {
			return 0
		}
		return a / b
	},
	"deref": func(p *float64) float64 { return *p },
}).Parse(pageText))

// Write renders r as one HTML page. The output depends on r alone.
func Write(w io.Writer, r *Report) error {
	if err := r.check(); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := page.Execute(&buf, layout(r)); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// History is one runtime family's versions, oldest first, as
// `sysweight history FAMILY` scores them.
type History struct {
	Family, Builtin, Description string
	Versions                     []HistoryVersion
}

// HistoryVersion is one version: its score and the syscalls it changed.
type HistoryVersion struct {
	Version, Date            string // Date: YYYY-MM-DD
	Score, Normalized, Delta float64
	Added, Removed, Changed  []string
	ChangedFrom, ChangedTo   []float64 // degrees of Changed, before and after
}

// check holds r to the shape the layout needs, and its numbers to finite
// values.
func (r *Report) check() error {
	bad := func(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) }
	if bad(r.Total) {
		return fmt.Errorf("htmlreport: Σ w = %v", r.Total)
	}
	for _, rt := range r.Runtimes {
		if len(rt.Parts) != len(r.Metrics) {
			return fmt.Errorf("htmlreport: %s has %d metric parts for %d metrics", rt.Name, len(rt.Parts), len(r.Metrics))
		}
		if bad(rt.Score) || bad(rt.Normalized) {
			return fmt.Errorf("htmlreport: %s scores %v (normalised %v)", rt.Name, rt.Score, rt.Normalized)
		}
	}
	for _, h := range r.Histories {
		if len(h.Versions) == 0 {
			return fmt.Errorf("htmlreport: history %s has no version", h.Family)
		}
		for _, v := range h.Versions {
			if _, err := time.Parse(time.DateOnly, v.Date); err != nil {
				return fmt.Errorf("htmlreport: history %s %s: date %q", h.Family, v.Version, v.Date)
			}
			if bad(v.Score) || bad(v.Normalized) || bad(v.Delta) || len(v.ChangedFrom) != len(v.Changed) || len(v.ChangedTo) != len(v.Changed) {
				return fmt.Errorf("htmlreport: history %s %s: score %v (normalised %v, delta %v), %d changed with %d and %d degrees",
					h.Family, v.Version, v.Score, v.Normalized, v.Delta, len(v.Changed), len(v.ChangedFrom), len(v.ChangedTo))
			}
		}
	}
	for _, s := range r.Syscalls {
		if len(s.Raw) != len(r.Metrics) || len(s.Normalized) != len(r.Metrics) || len(s.Degrees) != len(r.Runtimes) {
			return fmt.Errorf("htmlreport: %s has %d raw, %d normalised metrics and %d degrees for %d metrics and %d runtimes",
				s.Name, len(s.Raw), len(s.Normalized), len(s.Degrees), len(r.Metrics), len(r.Runtimes))
		}
	}
	return nil
}
