package db

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// rejudgeSets are the sets of sample 2 whose CVEs a second judge may
// judge again (every judged set of the draw).
var rejudgeSets = []string{"main", "holdout", "holdout2", "holdout3", "holdout4", "holdout5", "holdout6",
	"holdout7", "holdout8", "holdout9", "holdout10", "holdout11", "holdout12", "holdout13", "holdout14",
	"holdout15", "holdout16", "holdout17", "holdout18"}

// TestSecondJudgeAgrees measures how far the judgements of sample 2 are
// one judge's reading. In the thirteenth session 40 judged CVEs (10 per
// stratum, drawn at random with seed 20261213 from the 840 judged then:
// Python's random.Random(20261213).sample over each stratum's sorted ids)
// went to a second independent judge with the same protocol, who saw
// neither the first judgements nor the DB (rejudge-sample2-*.json).
// Counted from the two sets of files by a separate script as well: the judges agree on 38 of
// the 40 (both none, or a trigger in common); the second accepts (want ∪
// also) 30 of the first's 32 wanted pairs, the first 31 of the second's
// 32; the two CVEs apart are ones the first judge gave a sysfs write and
// the second none (a powerpc-only CPU offline path; an amdgpu firmware
// reload). Scored against either judge, the embedded DB of the session's
// start has precision 0.750 (21 of 28 links) and recall 0.625 (20 of
// 32): the gap to issue 9's 0.90 / 0.75 is not the judges' disagreement.
func TestSecondJudgeAgrees(t *testing.T) {
	first := map[string]sample2CVE{}
	for _, set := range rejudgeSets {
		for _, c := range readSample2Set(t, set) {
			first[c.ID] = c
		}
	}
	var second []sample2CVE
	for _, s := range sample2Strata {
		name := filepath.Join(sample2Dir, "rejudge-sample2-"+s+".json")
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var f struct {
			Stratum string      `json:"stratum"`
			CVEs    []judgement `json:"cves"`
		}
		if err := json.Unmarshal(b, &f); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if f.Stratum != s || len(f.CVEs) != 10 {
			t.Fatalf("%s: stratum %q with %d CVEs, want %s with 10", name, f.Stratum, len(f.CVEs), s)
		}
		for _, j := range f.CVEs {
			a, ok := first[j.ID]
			if !ok || a.stratum != s {
				t.Fatalf("%s: %s is not a judged CVE of stratum %s", name, j.ID, s)
			}
			second = append(second, sample2CVE{s, j})
		}
	}
	accepts := func(j judgement, s string) bool { return slices.Contains(j.Want, s) || slices.Contains(j.Also, s) }
	agree, aInB, aWant, bInA, bWant := 0, 0, 0, 0, 0
	for _, b := range second {
		a := first[b.ID]
		common := a.None != "" && b.None != ""
		for _, w := range a.Want {
			aWant++
			if accepts(b.judgement, w) {
				aInB++
				common = true
			}
		}
		for _, w := range b.Want {
			bWant++
			if accepts(a.judgement, w) {
				bInA++
			}
		}
		if common {
			agree++
		}
	}
	t.Logf("judges agree on %d of %d CVEs; the second accepts %d of the first's %d wanted pairs, the first %d of the second's %d",
		agree, len(second), aInB, aWant, bInA, bWant)
	if agree != 38 || aInB != 30 || aWant != 32 || bInA != 31 || bWant != 32 {
		t.Errorf("agreement %d/40, %d/%d, %d/%d; counted by a separate script 38/40, 30/32, 31/32", agree, aInB, aWant, bInA, bWant)
	}
	d, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"first", "second"} {
		var n prCount
		for _, b := range second {
			j := b.judgement
			if who == "first" {
				j = first[b.ID].judgement
			}
			c, _, _ := d.CVE(b.ID)
			linked := map[string]bool{}
			for _, l := range c.Links {
				linked[l.Syscall] = true
			}
			n.add(scoreCVE(j, linked))
		}
		t.Logf("embedded DB against the %s judge on these 40: P %.3f (%d/%d) R %.3f (%d/%d)", who, n.P(), n.correct, n.links, n.R(), n.found, n.want)
		if n.P() < 0.70 || n.R() < 0.58 {
			t.Errorf("against the %s judge: P %.3f, R %.3f; measured 0.750 / 0.625 on the session's starting DB", who, n.P(), n.R())
		}
	}
}
