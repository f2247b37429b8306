package score

import (
	"fmt"
	"math"
	"sort"

	"sysweight/exposure"
)

// Contribution is one syscall's share of a score: e_R(s) · w(s).
type Contribution struct {
	Syscall string  `json:"syscall"`
	Degree  float64 `json:"degree"`
	Weight  float64 `json:"weight"`
	Value   float64 `json:"value"`
}

// Score is Score(R) = Σ_s e_R(s)·w(s), with the forms DESIGN.md reports.
type Score struct {
	Runtime    string  `json:"runtime"`
	Source     string  `json:"source"`
	Score      float64 `json:"score"`      // raw
	Normalized float64 `json:"normalized"` // Score / Σ_s w(s): 1.0 is no filter at all
	Exposed    int     `json:"exposed"`    // syscalls with degree > 0
	Partial    int     `json:"partial"`    // of which with 0 < degree < 1
	// Absent counts the syscalls the configuration lets through that the
	// target kernel lacks (Weights.Absent): not exposed, weighing 0.
	Absent int `json:"absent,omitempty"`
	// Ratio is Score / Score(baseline); nil when no baseline was scored or
	// the baseline scores 0.
	Ratio         *float64       `json:"ratio"`
	Baseline      string         `json:"baseline,omitempty"`
	Contributions []Contribution `json:"-"`
	// Parts splits Score by metric: Parts[k] = Σ_s e_R(s)·α_k·norm_k(s)
	// for each metric of Weights.Used, since w(s) = Σ_k α_k·norm_k(s).
	// They add up to Score up to rounding.
	Parts map[Metric]float64 `json:"-"`
}

// Compute scores e against w. The exposure must be for w's architecture.
func Compute(e *exposure.Exposure, w *Weights) (Score, error) {
	if e.Arch != w.Arch {
		return Score{}, fmt.Errorf("scoring %s: exposure is for %s, weights for %s", e.Name, e.Arch, w.Arch)
	}
	s := Score{Runtime: e.Name, Source: string(e.Provenance.Source), Parts: make(map[Metric]float64, len(w.Used))}
	for _, m := range w.Used {
		s.Parts[m] = 0
	}
	for _, en := range e.Entries {
		wt, ok := w.Of(en.Syscall)
		if !ok {
			return Score{}, fmt.Errorf("scoring %s: no weight for %s", e.Name, en.Syscall)
		}
		if wt.Absent {
			s.Absent++
			continue
		}
		v := en.Degree * wt.Value
		s.Score += v
		for _, m := range w.Used {
			s.Parts[m] += en.Degree * w.Options.Alpha[m] * wt.Normalized[m]
		}
		s.Exposed++
		if en.Degree < 1 {
			s.Partial++
		}
		s.Contributions = append(s.Contributions, Contribution{Syscall: en.Syscall, Degree: en.Degree, Weight: wt.Value, Value: v})
	}
	if w.Total > 0 {
		s.Normalized = s.Score / w.Total
	}
	sort.SliceStable(s.Contributions, func(i, j int) bool { return s.Contributions[i].Value > s.Contributions[j].Value })
	return s, nil
}

// Compare scores every exposure and sets Ratio against the one named
// baseline (when present among them and non-zero).
func Compare(exps []*exposure.Exposure, w *Weights, baseline string) ([]Score, error) {
	out := make([]Score, 0, len(exps))
	base := math.NaN()
	for _, e := range exps {
		s, err := Compute(e, w)
		if err != nil {
			return nil, err
		}
		if e.Name == baseline {
			base = s.Score
		}
		out = append(out, s)
	}
	if !math.IsNaN(base) && base > 0 {
		for i := range out {
			r := out[i].Score / base
			out[i].Ratio = &r
			out[i].Baseline = baseline
		}
	}
	return out, nil
}

// SortByScore orders scores by raw score, highest first; equal scores by
// runtime name.
func SortByScore(scores []Score) {
	sort.SliceStable(scores, func(i, j int) bool {
		if scores[i].Score != scores[j].Score {
			return scores[i].Score > scores[j].Score
		}
		return scores[i].Runtime < scores[j].Runtime
	})
}

// DiffRow is one syscall whose degree differs between two exposures.
type DiffRow struct {
	Syscall string  `json:"syscall"`
	DegreeA float64 `json:"degree_a"`
	DegreeB float64 `json:"degree_b"`
	Weight  float64 `json:"weight"`
	Delta   float64 `json:"delta"` // (degree_b - degree_a) · weight
}

// Diff lists the syscalls whose degree differs between a and b, largest
// absolute weighted change first.
func Diff(a, b *exposure.Exposure, w *Weights) ([]DiffRow, error) {
	if a.Arch != w.Arch || b.Arch != w.Arch {
		return nil, fmt.Errorf("diff: exposures are for %s and %s, weights for %s", a.Arch, b.Arch, w.Arch)
	}
	var rows []DiffRow
	for _, wt := range w.List {
		da, db := a.Degree(wt.Syscall), b.Degree(wt.Syscall)
		if da == db || wt.Absent {
			continue
		}
		rows = append(rows, DiffRow{Syscall: wt.Syscall, DegreeA: da, DegreeB: db, Weight: wt.Value, Delta: (db - da) * wt.Value})
	}
	sort.SliceStable(rows, func(i, j int) bool { return math.Abs(rows[i].Delta) > math.Abs(rows[j].Delta) })
	return rows, nil
}
