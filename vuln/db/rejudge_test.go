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
	checkSecondJudge(t, rejudgeSets, "rejudge-sample2-", [5]int{38, 30, 32, 31, 32},
		[2]dbVsJudge{{0.750, 0.625, 0.70, 0.58}, {0.750, 0.625, 0.70, 0.58}})
}

// TestSecondJudgeAgreesOnHoldout23 repeats the check on a fresh set. In
// the seventeenth session all 40 CVEs of holdout23, drawn and judged
// blind at the session's start, went to a second independent judge with
// the same protocol, who saw neither the first judgements nor the DB
// (rejudge-holdout23-*.json; 9 judged none, 8 with low confidence, source
// read for 10). Counted by a separate script as well: the judges agree on
// all 40 (both none, or a trigger in common); the second accepts all 38
// of the first's wanted pairs, the first all 35 of the second's. The
// session's starting DB scores precision 0.909 (20 of 22) against
// either, recall 0.447 (17 of 38) against the first and 0.486 (17 of 35)
// against the second: where the DB misses, both judges read the same
// trigger from the record.
func TestSecondJudgeAgreesOnHoldout23(t *testing.T) {
	checkSecondJudge(t, []string{"holdout23"}, "rejudge-holdout23-", [5]int{40, 38, 38, 35, 35},
		[2]dbVsJudge{{0.909, 0.447, 0.86, 0.42}, {0.909, 0.486, 0.86, 0.45}})
}

// dbVsJudge is the embedded DB's precision and recall against one judge
// as measured, and the floors that guard them.
type dbVsJudge struct{ p, r, pFloor, rFloor float64 }

// checkSecondJudge compares a second judge's files (prefix) with the
// first judgements of sets: the agreement counts of agreement must be
// counted (as a separate script counted them), and the embedded DB scored
// against the first judge and the second must stay above db's floors.
func checkSecondJudge(t *testing.T, sets []string, prefix string, counted [5]int, db [2]dbVsJudge) {
	t.Helper()
	first := map[string]sample2CVE{}
	for _, set := range sets {
		for _, c := range readSample2Set(t, set) {
			first[c.ID] = c
		}
	}
	second := readRejudged(t, prefix, first)
	agree, aInB, aWant, bInA, bWant := agreement(first, second)
	t.Logf("judges agree on %d of %d CVEs; the second accepts %d of the first's %d wanted pairs, the first %d of the second's %d",
		agree, len(second), aInB, aWant, bInA, bWant)
	if got := [5]int{agree, aInB, aWant, bInA, bWant}; got != counted {
		t.Errorf("agreement %d/%d, %d/%d, %d/%d; counted by a separate script %d/%d, %d/%d, %d/%d",
			agree, len(second), aInB, aWant, bInA, bWant, counted[0], len(second), counted[1], counted[2], counted[3], counted[4])
	}
	for i, who := range []string{"first", "second"} {
		n, m := againstJudge(t, first, second, who), db[i]
		t.Logf("embedded DB against the %s judge on these %d: P %.3f (%d/%d) R %.3f (%d/%d)", who, len(second), n.P(), n.correct, n.links, n.R(), n.found, n.want)
		if n.P() < m.pFloor || n.R() < m.rFloor {
			t.Errorf("against the %s judge: P %.3f, R %.3f; measured %.3f / %.3f on the starting DB of the session that judged them", who, n.P(), n.R(), m.p, m.r)
		}
	}
}

// readRejudged reads a second judge's four files (prefix + stratum +
// ".json" in sample2Dir, 10 CVEs each), every CVE one of first's in the
// same stratum.
func readRejudged(t *testing.T, prefix string, first map[string]sample2CVE) []sample2CVE {
	t.Helper()
	var second []sample2CVE
	for _, s := range sample2Strata {
		name := filepath.Join(sample2Dir, prefix+s+".json")
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
	return second
}

// agreement counts the CVEs where two judges agree (both none, or a
// wanted syscall of one that the other accepts) and how many of each
// one's wanted pairs the other accepts (want ∪ also).
func agreement(first map[string]sample2CVE, second []sample2CVE) (agree, aInB, aWant, bInA, bWant int) {
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
				common = true
			}
		}
		if common {
			agree++
		}
	}
	return
}

// againstJudge scores the embedded DB on the second judge's CVEs against
// the first judge's judgements or the second's.
func againstJudge(t *testing.T, first map[string]sample2CVE, second []sample2CVE, who string) prCount {
	t.Helper()
	d, err := Default()
	if err != nil {
		t.Fatal(err)
	}
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
	return n
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
