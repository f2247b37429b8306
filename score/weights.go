package score

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"sysweight/syscalls"
)

// Metric names a per-syscall metric of DESIGN.md.
type Metric string

const (
	CVEs       Metric = "cves"       // kernel CVEs attributed to the syscall
	Severity   Metric = "severity"   // sum of their CVSS base scores
	Exploits   Metric = "exploits"   // public exploits whose code invokes it
	Complexity Metric = "complexity" // sum of cyclomatic complexity of reachable kernel functions
	Reach      Metric = "reach"      // number of reachable kernel functions
	Triggers   Metric = "triggers"   // distinct syzbot bugs whose reproducer calls it
)

// Metrics lists every metric in DESIGN.md order.
var Metrics = []Metric{CVEs, Severity, Exploits, Complexity, Reach, Triggers}

// MetricSource is a weight DB as score reads it (vuln/db's *DB), in plain
// types so that neither package imports the other: the metrics it
// provides, by name, and each syscall's values of them.
type MetricSource interface {
	MetricNames() []string
	MetricValues() map[string]map[string]float64 // syscall → metric → value
}

// RawOf reads the metrics of a DB. Metrics it does not provide are absent,
// not zero; a name that is no Metric is an error.
func RawOf(src MetricSource) (Raw, error) {
	raw := Raw{Values: map[string]map[Metric]float64{}}
	for _, n := range src.MetricNames() {
		m, err := ParseMetric(n)
		if err != nil {
			return Raw{}, err
		}
		raw.Present = append(raw.Present, m)
	}
	for name, vals := range src.MetricValues() {
		v := make(map[Metric]float64, len(Metrics))
		for _, m := range Metrics {
			v[m] = vals[string(m)]
		}
		raw.Values[name] = v
	}
	return raw, nil
}

// ParseMetric accepts a metric name.
func ParseMetric(s string) (Metric, error) {
	for _, m := range Metrics {
		if string(m) == s {
			return m, nil
		}
	}
	names := make([]string, len(Metrics))
	for i, m := range Metrics {
		names[i] = string(m)
	}
	return "", fmt.Errorf("unknown metric %q (want one of %s)", s, strings.Join(names, ", "))
}

// Norm maps a raw metric value to [0,1] given the metric's maximum over the
// table.
type Norm string

const (
	NormLog    Norm = "log"    // log(1+x)/log(1+max): the default; damps the few syscalls with very many CVEs
	NormLinear Norm = "linear" // x/max
	NormRank   Norm = "rank"   // fraction of syscalls with a smaller value (ties share the rank)
)

// ParseNorm accepts a normalisation name.
func ParseNorm(s string) (Norm, error) {
	switch Norm(s) {
	case NormLog, NormLinear, NormRank:
		return Norm(s), nil
	}
	return "", fmt.Errorf("unknown normalisation %q (want log, linear or rank)", s)
}

// Options are the coefficients α_k and the normalisation.
type Options struct {
	Alpha map[Metric]float64
	Norm  Norm
}

// DefaultOptions weights every metric equally (α = 1) and normalises with
// log(1+x)/log(1+max). Metrics the DB does not have are left out of the sum
// and reported in Weights.Missing.
func DefaultOptions() Options {
	a := map[Metric]float64{}
	for _, m := range Metrics {
		a[m] = 1
	}
	return Options{Alpha: a, Norm: NormLog}
}

// MaxAlpha bounds a metric's coefficient: the weights and scores stay
// finite (a weight sums at most a few metrics of at most 1 each, times
// their coefficients, and a score a few hundred weights).
const MaxAlpha = 1e6

// ParseAlpha reads "cves=1,severity=2" into o.Alpha, leaving unnamed metrics
// as they are.
func (o *Options) ParseAlpha(s string) error {
	if s == "" {
		return nil
	}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return fmt.Errorf("coefficient %q: want METRIC=NUMBER", kv)
		}
		m, err := ParseMetric(strings.TrimSpace(k))
		if err != nil {
			return err
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || !(f >= 0 && f <= MaxAlpha) { // NaN fails both
			return fmt.Errorf("coefficient %q: want a number from 0 to %g", kv, float64(MaxAlpha))
		}
		o.Alpha[m] = f
	}
	return nil
}

// Weight is one syscall's metrics, their normalised values and the weight.
type Weight struct {
	Syscall    string             `json:"syscall"`
	Nr         int                `json:"nr"`
	Raw        map[Metric]float64 `json:"raw"`
	Normalized map[Metric]float64 `json:"normalized"`
	Value      float64            `json:"weight"`
	// Absent: the target kernel lacks the syscall (Raw.Absent); it weighs
	// 0, whatever its metrics say.
	Absent bool `json:"absent,omitempty"`
}

// Weights are the weights of every syscall of one table.
type Weights struct {
	Arch syscalls.Arch
	// Evidence is the architecture the metrics were measured on: Arch,
	// unless ForTable carried the weights to another table by name.
	Evidence syscalls.Arch
	Options  Options
	Used     []Metric // metrics present and with α > 0
	Missing  []Metric // metrics the source did not provide
	Max      map[Metric]float64
	List     []Weight // by syscall number
	Total    float64  // Σ_s w(s): the score of a process with no filter
	// Release and Absent are Raw's: the target kernel and the syscalls of
	// the table it lacks.
	Release string
	Absent  []string
	index   map[string]int
}

// ErrNoMetrics means no metric with a positive coefficient is available.
var ErrNoMetrics = errors.New("no metric with a positive coefficient is available")

// Raw is the input to NewWeights: per syscall, the raw metric values. present
// names the metrics the source provides; a metric not in present is missing,
// not zero.
type Raw struct {
	Values  map[string]map[Metric]float64
	Present []Metric
	// Absent names the syscalls of the table that the target kernel
	// (Release, "6.1") lacks: they weigh 0 and stay out of the
	// normalisation and of Total, and a configuration that allows them
	// exposes nothing by them.
	Release string
	Absent  []string
}

// NewWeights normalises raw over table t and combines the metrics:
// w(s) = Σ_k α_k · norm_k(s).
func NewWeights(t *syscalls.Table, raw Raw, o Options) (*Weights, error) {
	w := &Weights{Arch: t.Arch, Evidence: t.Arch, Options: o, Max: map[Metric]float64{}, index: map[string]int{}}
	present := map[Metric]bool{}
	for _, m := range raw.Present {
		present[m] = true
	}
	for _, m := range Metrics {
		switch {
		case !present[m]:
			w.Missing = append(w.Missing, m)
		case o.Alpha[m] > 0:
			w.Used = append(w.Used, m)
		}
	}
	if len(w.Used) == 0 {
		return nil, ErrNoMetrics
	}
	for name := range raw.Values {
		if _, ok := t.Number(name); !ok {
			return nil, fmt.Errorf("weights: syscall %q is not in the %s table", name, t.Arch)
		}
	}
	absent := map[string]bool{}
	for _, name := range raw.Absent {
		if _, ok := t.Number(name); !ok {
			return nil, fmt.Errorf("weights: absent syscall %q is not in the %s table", name, t.Arch)
		}
		absent[name] = true
	}
	if len(absent) > 0 {
		w.Release = raw.Release
		w.Absent = slices.Sorted(maps.Keys(absent))
	}
	var all []syscalls.Syscall
	for _, s := range t.All() {
		if !absent[s.Name] {
			all = append(all, s)
		}
	}
	for _, m := range w.Used {
		for _, s := range all {
			if v := raw.Values[s.Name][m]; v > w.Max[m] {
				w.Max[m] = v
			}
		}
	}
	ranks := map[Metric]map[float64]float64{}
	if o.Norm == NormRank {
		for _, m := range w.Used {
			ranks[m] = rankOf(all, raw.Values, m)
		}
	}
	for _, s := range t.All() {
		wt := Weight{Syscall: s.Name, Nr: s.Nr, Raw: map[Metric]float64{}, Normalized: map[Metric]float64{}, Absent: absent[s.Name]}
		for _, m := range w.Used {
			if wt.Absent {
				wt.Raw[m], wt.Normalized[m] = raw.Values[s.Name][m], 0
				continue
			}
			x := raw.Values[s.Name][m]
			wt.Raw[m] = x
			n := normalize(o.Norm, x, w.Max[m], ranks[m])
			wt.Normalized[m] = n
			wt.Value += o.Alpha[m] * n
		}
		w.index[s.Name] = len(w.List)
		w.List = append(w.List, wt)
		w.Total += wt.Value
	}
	return w, nil
}

func normalize(n Norm, x, max float64, rank map[float64]float64) float64 {
	if max <= 0 || x <= 0 {
		return 0
	}
	switch n {
	case NormLinear:
		return x / max
	case NormRank:
		return rank[x]
	default:
		return math.Log1p(x) / math.Log1p(max)
	}
}

// rankOf maps each value to the fraction of syscalls whose value is smaller,
// rescaled so the largest value maps to 1.
func rankOf(all []syscalls.Syscall, vals map[string]map[Metric]float64, m Metric) map[float64]float64 {
	xs := make([]float64, len(all))
	for i, s := range all {
		xs[i] = vals[s.Name][m]
	}
	sort.Float64s(xs)
	out := map[float64]float64{}
	top := 0
	for i, x := range xs {
		if i == 0 || x != xs[i-1] {
			out[x] = float64(i)
			top = i
		}
	}
	for x, r := range out {
		if top > 0 {
			out[x] = r / float64(top)
		}
	}
	return out
}

// Of returns the weight of syscall.
func (w *Weights) Of(syscall string) (Weight, bool) {
	i, ok := w.index[syscall]
	if !ok {
		return Weight{}, false
	}
	return w.List[i], true
}

// Top returns the n heaviest syscalls (all when n <= 0), heaviest first;
// ties by number.
func (w *Weights) Top(n int) []Weight {
	out := append([]Weight(nil), w.List...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Value > out[j].Value })
	if n > 0 && n < len(out) {
		out = out[:n]
	}
	return out
}

// ForTable returns w carried over to table t by syscall name, for
// evaluating another architecture: each syscall of t weighs what the
// syscall of the same name weighs in w (the weights stay w's evidence, an
// x86-64 kernel's), and a name w lacks weighs 0 and is listed in missing.
// Total is the sum over t, so Normalized is a share of t's syscalls.
// Syscalls of w that t lacks (aarch64 has no open, stat, fork) are simply
// not there.
func (w *Weights) ForTable(t *syscalls.Table) (out *Weights, missing []string) {
	if t.Arch == w.Arch {
		return w, nil
	}
	out = &Weights{Arch: t.Arch, Evidence: w.Evidence, Options: w.Options, Used: w.Used, Missing: w.Missing, Max: w.Max,
		Release: w.Release, index: map[string]int{}}
	for _, s := range t.All() {
		wt, ok := w.Of(s.Name)
		if !ok {
			missing = append(missing, s.Name)
			wt = Weight{Syscall: s.Name, Raw: map[Metric]float64{}, Normalized: map[Metric]float64{}}
		}
		wt.Nr = s.Nr
		if wt.Absent {
			out.Absent = append(out.Absent, s.Name)
		}
		out.index[s.Name] = len(out.List)
		out.List = append(out.List, wt)
		out.Total += wt.Value
	}
	return out, missing
}
