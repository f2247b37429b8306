package db

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// rejudgeSets are the sets of sample 2 whose CVEs the second judge's
// sample was drawn from: every set judged then, main to holdout18.
var rejudgeSets = sample2Sets[:slices.Index(sample2Sets, "holdout18")+1]

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
	agree, aInB, aWant, bInA, bWant := 0, 0, 0, 0, 0
	for _, b := range second {
		a := first[b.ID]
		common := a.None != "" && b.None != ""
		for _, w := range a.Want {
			aWant++
			if b.Accepts(w) {
				aInB++
				common = true
			}
		}
		for _, w := range b.Want {
			bWant++
			if a.Accepts(w) {
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

// TestDefaultDBOnHoldoutsWeighted scores the embedded DB on the holdouts
// pooled (nineteen: 760 CVEs, 190 per stratum) two ways: each stratum
// counted as drawn (pooled), and each stratum's counts scaled to its
// population in the feeds (weighted: a ratio estimate for every record of
// the feeds, where the cna stratum is 538 of 16,880 records and cna-files
// 10,026). Measured in the fourteenth session, and checked by a separate
// script: pooled precision 0.846 (499 of 590), recall 0.546 (375 of 687);
// weighted precision 0.934, recall 0.359 (a bootstrap over CVEs within
// strata, 2,000 resamples: 95 % in [0.904, 0.958] and [0.314, 0.409]).
// The floors guard the figures.
func TestDefaultDBOnHoldoutsWeighted(t *testing.T) {
	d, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]prCount{}
	var pooled prCount
	for _, set := range sample2Sets[1:] { // the holdouts
		for _, e := range readSample2Set(t, set) {
			c, _, _ := d.CVE(e.ID)
			linked := map[string]bool{}
			for _, l := range c.Links {
				linked[l.Syscall] = true
			}
			n := scoreCVE(e.judgement, linked)
			x := by[e.stratum]
			x.add(n)
			by[e.stratum] = x
			pooled.add(n)
		}
	}
	// weighted scales each stratum by population/40; the holdouts hold
	// the same number in each stratum, so the ratios are the same.
	wp, wr := weighted(by)
	t.Logf("%d holdouts: pooled P %.3f (%d/%d) R %.3f (%d/%d); weighted P %.3f R %.3f",
		len(sample2Sets)-1, pooled.P(), pooled.correct, pooled.links, pooled.R(), pooled.found, pooled.want, wp, wr)
	if pooled.P() < 0.82 || pooled.R() < 0.52 || wp < 0.91 || wr < 0.33 {
		t.Errorf("pooled %.3f / %.3f, weighted %.3f / %.3f; measured 0.846 / 0.546 and 0.934 / 0.359", pooled.P(), pooled.R(), wp, wr)
	}
}
