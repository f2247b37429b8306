package score

import (
	"fmt"

	"sysweight/exposure"
)

// Step is one version of a history: its score and what changed from the
// version before it.
type Step struct {
	Score
	// Delta is Score − the previous version's Score; 0 for the first.
	Delta float64
	// The syscalls whose degree changed, as Diff orders them (largest
	// weighted change first): exposed now and not before, exposed before
	// and not now, exposed in both with another degree. Their Delta
	// values add up to the step's Delta.
	Added, Removed, Changed []DiffRow
}

// Steps scores the versions of one configuration, oldest first, and diffs
// each with the one before.
func Steps(exps []*exposure.Exposure, w *Weights) ([]Step, error) {
	steps := make([]Step, len(exps))
	for i, e := range exps {
		s, err := Compute(e, w)
		if err != nil {
			return nil, err
		}
		steps[i].Score = s
		if i == 0 {
			continue
		}
		rows, err := Diff(exps[i-1], e, w)
		if err != nil {
			return nil, fmt.Errorf("%s → %s: %w", exps[i-1].Name, e.Name, err)
		}
		steps[i].Delta = s.Score - steps[i-1].Score.Score
		for _, r := range rows {
			switch {
			case r.DegreeA == 0:
				steps[i].Added = append(steps[i].Added, r)
			case r.DegreeB == 0:
				steps[i].Removed = append(steps[i].Removed, r)
			default:
				steps[i].Changed = append(steps[i].Changed, r)
			}
		}
	}
	return steps, nil
}
