package db

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"sysweight/vuln/internal/judged"
)

// The judged evaluation sample of issue 9 (vuln/attrib/testdata/SAMPLE2.md):
// 160 CVEs drawn at random in four strata before any method was tuned on
// them, each judged by reading the record and the kernel source (want,
// also, none, with reasons). The 40 holdout CVEs, judged by the same
// protocol, are scored once by TestDefaultDBOnHoldout.
const sample2Dir = "../attrib/testdata"

var sample2Strata = []string{"trace", "kernelcves", "cna-files", "cna"}

// sample2Population is each stratum's size in the feeds (SAMPLE2.md).
var sample2Population = map[string]float64{"trace": 4062, "kernelcves": 2254, "cna-files": 10026, "cna": 538}

// judgement is one judged CVE of the sample.
type judgement = judged.CVE

type sample2CVE struct {
	stratum string
	judgement
}

func readSample2(t *testing.T) []sample2CVE { return readSample2Set(t, "main") }

// sample2Sets are the judged sets of the draw, "main" first, then the
// holdouts in the order they were drawn.
var sample2Sets = []string{"main", "holdout", "holdout2", "holdout3", "holdout4", "holdout5", "holdout6",
	"holdout7", "holdout8", "holdout9", "holdout10", "holdout11", "holdout12", "holdout13", "holdout14",
	"holdout15", "holdout16", "holdout17", "holdout18", "holdout19", "holdout20", "holdout21", "holdout22", "holdout23"}

// readSample2Set reads the judgements of one set of the draw (a name in
// sample2Sets): "main" from sample2-judged-*.json, 40 per stratum; a
// holdout from sample2-HOLDOUT-*.json, 10 per stratum.
func readSample2Set(t *testing.T, which string) []sample2CVE {
	t.Helper()
	var draw struct {
		CVEs []struct{ ID, Stratum, Set string } `json:"cves"`
	}
	b, err := os.ReadFile(filepath.Join(sample2Dir, "sample2-draw.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &draw); err != nil {
		t.Fatal(err)
	}
	set, stratum := map[string]string{}, map[string]string{}
	for _, c := range draw.CVEs {
		set[c.ID], stratum[c.ID] = c.Set, c.Stratum
	}
	var out []sample2CVE
	for _, s := range sample2Strata {
		var f struct {
			Stratum string      `json:"stratum"`
			CVEs    []judgement `json:"cves"`
		}
		prefix := "sample2-" + which + "-"
		if which == "main" {
			prefix = "sample2-judged-"
		}
		name := filepath.Join(sample2Dir, prefix+s+".json")
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &f); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, j := range f.CVEs {
			if set[j.ID] != which || stratum[j.ID] != s {
				t.Fatalf("%s: %s is %q/%q in the draw, want %s/%s", name, j.ID, set[j.ID], stratum[j.ID], which, s)
			}
			out = append(out, sample2CVE{s, j})
		}
	}
	n := 40
	if which == "main" {
		n = 160
	}
	if len(out) != n {
		t.Fatalf("%d judged %s CVEs, want %d", len(out), which, n)
	}
	return out
}

// prCount counts links (correct when the syscall is in want ∪ also) and
// want pairs (found when linked).
type prCount struct{ links, correct, want, found int }

func (c *prCount) add(o prCount) {
	c.links += o.links
	c.correct += o.correct
	c.want += o.want
	c.found += o.found
}

func (c prCount) P() float64 {
	if c.links == 0 {
		return 1
	}
	return float64(c.correct) / float64(c.links)
}

func (c prCount) R() float64 {
	if c.want == 0 {
		return 1
	}
	return float64(c.found) / float64(c.want)
}

// scoreCVE scores one CVE's linked syscalls.
func scoreCVE(j judgement, linked map[string]bool) prCount {
	ok, want := map[string]bool{}, map[string]bool{}
	for _, w := range j.Want {
		ok[w], want[w] = true, true
	}
	for _, a := range j.Also {
		ok[a] = true
	}
	c := prCount{want: len(want)}
	for s := range linked {
		c.links++
		if ok[s] {
			c.correct++
		}
		if want[s] {
			c.found++
		}
	}
	return c
}

// weighted scales each stratum's counts to its population: a ratio
// estimate for the whole feed.
func weighted(by map[string]prCount) (p, r float64) {
	var c, l, f, w float64
	for s, x := range by {
		k := sample2Population[s] / 40
		c += k * float64(x.correct)
		l += k * float64(x.links)
		f += k * float64(x.found)
		w += k * float64(x.want)
	}
	return c / l, f / w
}

// TestDefaultDBOnSample2 scores the embedded DB's links on the judged
// sample, by stratum and by method, and guards the figures measured when
// the DB was built (docs/attribution.md). The acceptance of issue 9
// (precision ≥ 0.90, recall ≥ 0.75) is not met on today's call graph; the
// figures are logged for the report.
func TestDefaultDBOnSample2(t *testing.T) {
	d, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	sample := readSample2(t)
	methods := map[string]bool{}
	by := map[string]map[string]prCount{} // system → stratum → counts
	for _, e := range sample {
		c, _, _ := d.CVE(e.ID)
		all := map[string]bool{}
		perMethod := map[string]map[string]bool{}
		for _, l := range c.Links {
			all[l.Syscall] = true
			if perMethod[l.Method] == nil {
				perMethod[l.Method] = map[string]bool{}
			}
			perMethod[l.Method][l.Syscall] = true
		}
		for _, m := range d.Meta.Methods {
			methods[m] = true
		}
		systems := map[string]map[string]bool{"DB": all}
		for m := range methods {
			systems["method "+m] = perMethod[m]
		}
		for name, linked := range systems {
			if by[name] == nil {
				by[name] = map[string]prCount{}
			}
			x := by[name][e.stratum]
			x.add(scoreCVE(e.judgement, linked))
			by[name][e.stratum] = x
		}
	}
	var names []string
	for n := range by {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	fmt.Fprintf(&b, "embedded DB (methods %v) on sample 2 (160 main CVEs):\n", d.Meta.Methods)
	for _, n := range names {
		var pooled prCount
		for _, s := range sample2Strata {
			x := by[n][s]
			pooled.add(x)
			fmt.Fprintf(&b, "  %-16s %-10s links %3d correct %3d P %.3f | want %3d found %3d R %.3f\n", n, s, x.links, x.correct, x.P(), x.want, x.found, x.R())
		}
		wp, wr := weighted(by[n])
		fmt.Fprintf(&b, "  %-16s %-10s links %3d correct %3d P %.3f | want %3d found %3d R %.3f (weighted P %.3f R %.3f)\n",
			n, "pooled", pooled.links, pooled.correct, pooled.P(), pooled.want, pooled.found, pooled.R(), wp, wr)
	}
	t.Log(b.String())
	var pooled prCount
	for _, s := range sample2Strata {
		pooled.add(by["DB"][s])
	}
	// Floors a little under the figures measured at the DB's commit
	// (pooled P 0.872, R 0.634 with the member rule, whose one named
	// module method on this set, tun_sendmsg, is wrong with its two
	// siblings; P 0.892, R 0.634 with the sibling method, which adds the
	// other socket sends and receives, accept4, openat and ftruncate to a
	// linked one and back; P 0.885, R 0.614
	// on analysis v19's graph with the dispatch
	// method reading interface names in records without files and file
	// names such as ioctl.c, and AF_ALG's control messages mapped to
	// sendmsg; P 0.871,
	// R 0.586 on analysis v16's graph with the
	// "read|write()" fix; 0.863 / 0.586 without it; 0.861 / 0.579 on
	// v7's; 0.853 / 0.579 on the vmlinuz-only graph before): a change that
	// loses them fails.
	if pooled.P() < 0.86 || pooled.R() < 0.60 {
		t.Errorf("default DB on sample 2: pooled precision %.3f, recall %.3f; measured 0.872 / 0.634 when it was built", pooled.P(), pooled.R())
	}
	if tr := by["method trace"]; tr != nil {
		var c prCount
		for _, x := range tr {
			c.add(x)
		}
		if c.P() < 0.95 {
			t.Errorf("trace method precision %.3f, want ≥ 0.95 (measured 1.000)", c.P())
		}
	}
}

// TestDefaultDBOnHoldout scores the embedded DB on the holdout set of
// sample 2: 40 CVEs (10 per stratum) drawn with the main set, judged by
// the same protocol and kept from everyone who built or tuned the methods.
// They were scored once, after the methods and the DB were final
// (2026-12-04): pooled precision 0.870 (20 of 23 links), recall 0.526 (20 of
// 38 wanted pairs); the DB before issue 9 had 0.833 / 0.395 on them. The
// floors guard those figures; they are not targets to tune against.
func TestDefaultDBOnHoldout(t *testing.T) {
	p, r := scoreDefaultDBOn(t, "holdout")
	if p < 0.85 || r < 0.50 {
		t.Errorf("holdout: pooled precision %.3f, recall %.3f; measured 0.870 / 0.526", p, r)
	}
}

// TestDefaultDBOnHoldout2 scores the embedded DB on the second holdout:
// the next 10 CVEs per stratum of the same seeded shuffle, drawn and judged
// (by a judge who saw neither the methods nor their output) before the
// 2026-12-05 changes to the call graph. First scored on 2026-12-05, on the
// DB of analysis v7: pooled precision 0.789 (15 of 19 links), recall 0.429
// (15 of 35 wanted pairs); by stratum trace 1.000/0.444, kernelcves
// 0.667/0.222, cna-files no links/0.000, cna 0.750/0.750. The floors guard
// that figure; they are not targets to tune against.
func TestDefaultDBOnHoldout2(t *testing.T) {
	p, r := scoreDefaultDBOn(t, "holdout2")
	if p < 0.75 || r < 0.40 {
		t.Errorf("holdout2: pooled precision %.3f, recall %.3f; measured 0.789 / 0.429", p, r)
	}
}

// TestDefaultDBOnHoldout3 scores the embedded DB on the third holdout,
// drawn and judged by another independent judge before the text method
// was tuned on the main set. First scored on 2026-12-05 on the DB of
// analysis v9, before that tuning: pooled precision 0.947 (18 of 19
// links), recall 0.486 (17 of 35 wanted pairs); by stratum trace
// 1.000/0.500, kernelcves 0.667/0.200, cna-files 1.000/0.286, cna
// 1.000/0.833. The floors guard that figure.
func TestDefaultDBOnHoldout3(t *testing.T) {
	p, r := scoreDefaultDBOn(t, "holdout3")
	if p < 0.90 || r < 0.45 {
		t.Errorf("holdout3: pooled precision %.3f, recall %.3f; measured 0.947 / 0.486", p, r)
	}
}

// TestDefaultDBOnHoldout4 scores the embedded DB on the fourth holdout,
// drawn and judged by another independent judge (2026-12-05, 12 of 40
// judged none, 7 with low confidence) before the third session of that
// day changed the call graph and the methods. First scored then, on the
// DB of analysis v17: pooled precision 0.818 (18 of 22 links), recall
// 0.562 (18 of 32 wanted pairs); by stratum trace 1.000/0.857, kernelcves
// 1.000/0.375, cna-files 1.000/0.167, cna 0.667/0.727. The floors guard
// that figure.
func TestDefaultDBOnHoldout4(t *testing.T) {
	p, r := scoreDefaultDBOn(t, "holdout4")
	if p < 0.80 || r < 0.53 {
		t.Errorf("holdout4: pooled precision %.3f, recall %.3f; measured 0.818 / 0.562", p, r)
	}
}

// TestDefaultDBOnHoldout5 scores the embedded DB on the fifth holdout,
// drawn and judged by another independent judge (2026-12-05, fourth
// session; 10 of 40 judged none, 3 with low confidence) before that
// session changed anything. First scored then, on the DB of analysis v20:
// pooled precision 0.800 (20 of 25 links), recall 0.559 (19 of 34 wanted
// pairs); by stratum trace 0.800/0.429, kernelcves 1.000/0.667, cna-files
// no links/0.000, cna 0.714/0.909. The floors guard that figure.
func TestDefaultDBOnHoldout5(t *testing.T) {
	p, r := scoreDefaultDBOn(t, "holdout5")
	if p < 0.78 || r < 0.53 {
		t.Errorf("holdout5: pooled precision %.3f, recall %.3f; measured 0.800 / 0.559", p, r)
	}
}

// TestDefaultDBOnHoldout6 scores the embedded DB on the sixth holdout,
// drawn at the start of the sixth session of 2026-12-05 and judged by
// another independent judge (9 of 40 judged none, 6 with low confidence)
// before any attribution change; the DB was scored once the judge had
// finished (analysis v27, whose links are v26's: no CVE moved): pooled
// precision 0.897 (26 of 29 links), recall 0.568 (21 of 37 wanted
// pairs); by stratum trace 1.000/0.500, kernelcves 1.000/0.625,
// cna-files 1.000/0.286, cna 0.786/0.800. The floors guard that figure.
func TestDefaultDBOnHoldout6(t *testing.T) {
	p, r := scoreDefaultDBOn(t, "holdout6")
	if p < 0.87 || r < 0.54 {
		t.Errorf("holdout6: pooled precision %.3f, recall %.3f; measured 0.897 / 0.568", p, r)
	}
}

// TestDefaultDBOnHoldout7 scores the embedded DB on the seventh holdout,
// drawn at the start of the session of 2026-12-06 and judged by another
// independent judge (12 of 40 judged none, 5 with low confidence) before
// any attribution change. The session changed no default method (the
// apart method is opt-in and adds no link here); scored once at its end:
// pooled precision 0.704 (19 of 27 links), recall 0.410 (16 of 39 wanted
// pairs); by stratum trace 0.667/0.250, kernelcves 1.000/0.571,
// cna-files no links/0.000, cna 0.650/0.667. Then the text method
// learnt to read a quoted C reproducer by its last call (a rule the issue
// asks for, which one of this holdout's CVEs, CVE-2026-64109, showed
// too, so what follows is not an independent figure): 0.792 (19 of 24),
// 0.410. The floors guard the first figure.
func TestDefaultDBOnHoldout7(t *testing.T) {
	p, r := scoreDefaultDBOn(t, "holdout7")
	if p < 0.68 || r < 0.38 {
		t.Errorf("holdout7: pooled precision %.3f, recall %.3f; measured 0.704 / 0.410", p, r)
	}
}

// TestDefaultDBOnHoldout8 scores the embedded DB on holdout8: positions
// 110–119 of each stratum's shuffle, drawn at the start of the ninth
// session before any change and judged by another independent judge who
// saw neither the tool's output nor the DB (7 of 40 judged none, 9 with
// low confidence). Scored once, after the session's one attribution
// change (bug sites inlined everywhere, looked up through their holders,
// which makes no link on it: the DB of the session's start scores the
// same): pooled precision 0.917 (22 of 24 links), recall 0.385 (20 of 52
// wanted pairs); by stratum trace 1.000/0.538, kernelcves 1.000/0.143,
// cna-files no links/0.000, cna 0.857/0.688. The floors guard that
// figure. (The sibling method of the tenth session makes it 0.923 / 0.404:
// no longer an independent figure.)
func TestDefaultDBOnHoldout8(t *testing.T) {
	p, r := scoreDefaultDBOn(t, "holdout8")
	if p < 0.90 || r < 0.36 {
		t.Errorf("holdout8: pooled precision %.3f, recall %.3f; measured 0.917 / 0.385", p, r)
	}
}

// TestDefaultDBOnHoldout9 scores the embedded DB on holdout9: positions
// 120–129 of each stratum's shuffle, drawn at the start of the tenth
// session before any change and judged by another independent judge who
// saw neither the tool's output nor the DB (11 of 40 judged none, 8 with
// low confidence). Scored once, after the session's one attribution
// change (the sibling method, tuned on the other sets): pooled precision
// 0.909 (20 of 22 links), recall 0.514 (18 of 35 wanted pairs); by
// stratum trace 1.000/0.750, kernelcves 1.000/0.333, cna-files no
// links/0.000, cna 0.857/0.714. The DB of the session's start scores
// 0.900 (18 of 20), 0.514: the method's two links here are right and
// find no wanted pair. The two trace rules added after that scoring
// (lockdep's "-> #0" stack, the fixed function in an auxiliary stack)
// leave it unchanged; the sibling families added after (accept, open,
// truncate), tuned on it among the others, make it 0.917 / 0.571. The
// floors guard the first figure.
func TestDefaultDBOnHoldout9(t *testing.T) {
	p, r := scoreDefaultDBOn(t, "holdout9")
	if p < 0.88 || r < 0.49 {
		t.Errorf("holdout9: pooled precision %.3f, recall %.3f; measured 0.909 / 0.514", p, r)
	}
}

// TestDefaultDBOnHoldout10 scores the embedded DB on holdout10: positions
// 130–139 of each stratum's shuffle, drawn in the tenth session after
// holdout9 was scored and before any later change, judged by another
// independent judge who saw neither the tool's output nor the DB (9 of 40
// judged none, 5 with low confidence), and scored once after the
// session's last attribution change: pooled precision 0.955 (21 of 22
// links), recall 0.543 (19 of 35 wanted pairs); by stratum trace
// 1.000/0.750, kernelcves 1.000/0.250, cna-files no links/0.000, cna
// 0.929/0.846. The DB of the session's start scores 0.950 (19 of 20),
// 0.543: the session's changes add two right sibling links here. The
// floors guard the figure.
func TestDefaultDBOnHoldout10(t *testing.T) {
	p, r := scoreDefaultDBOn(t, "holdout10")
	if p < 0.93 || r < 0.51 {
		t.Errorf("holdout10: pooled precision %.3f, recall %.3f; measured 0.955 / 0.543", p, r)
	}
}

// TestDefaultDBOnHoldout11 scores the embedded DB on holdout11: positions
// 140–149 of each stratum's shuffle, drawn at the start of the eleventh
// session before any change, judged by another independent judge who saw
// neither the tool's output nor the DB (12 of 40 judged none, 5 with low
// confidence), and scored once on the DB of the session's start: pooled
// precision 0.654 (17 of 26 links), recall 0.406 (13 of 32 wanted
// pairs); by stratum trace 0.778/0.500, kernelcves no links/0.000,
// cna-files no links/0.000, cna 0.588/0.667. One CVE (CVE-2026-46015, a
// listener's close that names accept(), poll() and epoll_wait() as the
// waiters it fails to wake) gives 5 of the 9 wrong links. The floors
// guard the figure.
func TestDefaultDBOnHoldout11(t *testing.T) {
	p, r := scoreDefaultDBOn(t, "holdout11")
	if p < 0.62 || r < 0.37 {
		t.Errorf("holdout11: pooled precision %.3f, recall %.3f; measured 0.654 / 0.406", p, r)
	}
}

// TestDefaultDBOnHoldout12 scores the embedded DB on holdout12: positions
// 150–159 of each stratum's shuffle, drawn in the eleventh session after
// holdout11 was scored and before any change, judged by another
// independent judge (7 of 40 judged none, 8 with low confidence), and
// scored once after the session's one attribution change (the site
// method's member rule), which changes nothing here: pooled precision
// 0.741 (20 of 27 links), recall 0.395 (15 of 38 wanted pairs); by
// stratum trace 1.000/0.333, kernelcves 1.000/0.500, cna-files
// 1.000/0.091, cna 0.588/0.636. A syzkaller program quoted in one record
// (CVE-2025-71067: openat$nullb, mkdirat, ioctl$FS_IOC_SETFLAGS set up a
// mount) gives 4 of the 7 wrong links. The floors guard the figure.
func TestDefaultDBOnHoldout12(t *testing.T) {
	p, r := scoreDefaultDBOn(t, "holdout12")
	if p < 0.70 || r < 0.36 {
		t.Errorf("holdout12: pooled precision %.3f, recall %.3f; measured 0.741 / 0.395", p, r)
	}
}

// TestDefaultDBOnHoldout13 scores the embedded DB on holdout13: positions
// 160–169 of each stratum's shuffle, drawn in the eleventh session after
// holdout12 was scored and before the session's later changes (module
// methods by the member rule, the register dump's ORIG_RAX), judged by
// another independent judge (12 of 40 judged none, 11 with low
// confidence), and scored once after them: pooled precision 0.818 (18 of
// 22 links), recall 0.548 (17 of 31 wanted pairs); by stratum trace
// 1.000/0.571, kernelcves 1.000/0.571, cna-files 1.000/0.125, cna
// 0.667/0.889. The session's starting DB scores 0.800 (16 of 20) / 0.484:
// the member rule's two links here are right, the later changes add
// nothing. The floors guard the figure.
func TestDefaultDBOnHoldout13(t *testing.T) {
	p, r := scoreDefaultDBOn(t, "holdout13")
	if p < 0.77 || r < 0.51 {
		t.Errorf("holdout13: pooled precision %.3f, recall %.3f; measured 0.818 / 0.548", p, r)
	}
}

// TestDefaultDBOnHoldout14 scores the embedded DB on holdout14: positions
// 170–179 of each stratum's shuffle, drawn at the start of the twelfth
// session before any change, judged by another independent judge (9 of
// 40 judged none, 8 with low confidence), and scored once on the
// session's starting DB: pooled precision 0.719 (23 of 32 links), recall
// 0.432 (16 of 37 wanted pairs); by stratum trace 0.875/0.400, kernelcves
// 1.000/0.250, cna-files 1.000/0.125, cna 0.579/0.818. Six of the nine
// wrong links are one CVE's (CVE-2026-52928: the sendmsg() and recvmsg()
// that reject MSG_OOB, named beside the SIOCATMARK ioctl the judge wants,
// and their siblings). The session's changes leave it as it was. The
// floors guard the figure.
func TestDefaultDBOnHoldout14(t *testing.T) {
	p, r := scoreDefaultDBOn(t, "holdout14")
	if p < 0.68 || r < 0.40 {
		t.Errorf("holdout14: pooled precision %.3f, recall %.3f; measured 0.719 / 0.432", p, r)
	}
}

// TestDefaultDBOnHoldout15 scores the embedded DB on holdout15: positions
// 180–189, drawn in the twelfth session right after holdout14 was scored
// and before any method changed, judged by another independent judge (7
// of 40 judged none, 7 with low confidence), and scored once after the
// session's changes (the auxiliary stacks' one syscall, a netlink input
// frame in a cut trace, "a NAME call"): pooled precision 0.818 (27 of 33
// links), recall 0.500 (19 of 38 wanted pairs); by stratum trace
// 1.000/0.667, kernelcves 1.000/0.364, cna-files no links/0.000, cna
// 0.684/0.900. The session's starting DB scores 0.812 (26 of 32) / 0.474:
// the changes add one link here, right. The member table's additions,
// written later without reading this set's judgements, add three more
// (CVE-2024-36978's multiq_tune, a Qdisc_ops.change: sendmsg and its
// siblings), right: 0.833 (30 of 36) / 0.526, by stratum cna-files
// 1.000/0.125. The floors guard the figure.
func TestDefaultDBOnHoldout15(t *testing.T) {
	p, r := scoreDefaultDBOn(t, "holdout15")
	if p < 0.79 || r < 0.49 {
		t.Errorf("holdout15: pooled precision %.3f, recall %.3f; measured 0.833 / 0.526", p, r)
	}
}

// TestDefaultDBOnHoldout16 scores the embedded DB on holdout16: positions
// 190–199, drawn in the twelfth session after its member-table additions
// and the shared-name rule, judged by another independent judge (13 of 40
// judged none, 4 with low confidence), and scored once, on that DB, which
// no later change altered: pooled precision 0.905 (19 of 21 links),
// recall 0.552 (16 of 29 wanted pairs); by stratum trace 1.000/0.600,
// kernelcves 0.500/0.333, cna-files no links/0.000, cna 0.900/0.818. The
// session's starting DB scores the same: none of its changes reaches
// these CVEs, nor does the generic kernel's member rule adopted after.
// The floors guard the figure.
func TestDefaultDBOnHoldout16(t *testing.T) {
	p, r := scoreDefaultDBOn(t, "holdout16")
	if p < 0.85 || r < 0.51 {
		t.Errorf("holdout16: pooled precision %.3f, recall %.3f; measured 0.905 / 0.552", p, r)
	}
}

// TestDefaultDBOnHoldout17 scores the embedded DB on holdout17: positions
// 200–209, drawn at the start of the thirteenth session before any
// change, judged by another independent judge (7 of 40 judged none, 6
// with low confidence), and scored once, on the session's starting DB:
// pooled precision 0.677 (21 of 31 links), recall 0.417 (15 of 36 wanted
// pairs); by stratum trace 1.000/0.400, kernelcves 1.000/0.300,
// cna-files 1.000/0.200, cna 0.545/0.636. Six of the ten wrong links are
// one CVE's (CVE-2021-4442: an strace listing of a reproducer whose
// mmap, mprotect, socket and sendmsg set up the TCP_QUEUE_SEQ
// setsockopt the judge wants). The floors guard the figure.
func TestDefaultDBOnHoldout17(t *testing.T) {
	p, r := scoreDefaultDBOn(t, "holdout17")
	if p < 0.64 || r < 0.39 {
		t.Errorf("holdout17: pooled precision %.3f, recall %.3f; measured 0.677 / 0.417", p, r)
	}
}

// TestDefaultDBOnHoldout18 scores the embedded DB on holdout18: positions
// 210–219, drawn in the thirteenth session after holdout17 was scored and
// the bare-syscall-name fix was in, judged by another independent judge
// (10 of 40 judged none, 3 with low confidence), and scored once, on that
// DB: pooled precision 0.792 (38 of 48 links), recall 0.763 (29 of 38
// wanted pairs); by stratum trace 1.000/0.917, kernelcves 0.909/0.875,
// cna-files 0.000/0.000, cna 0.600/0.846. The session's starting DB scores
// the same. Its recall is the highest of any holdout, holdout17's among
// the lowest (0.417): sets of 40 CVEs vary that much. The floors guard
// the figure.
func TestDefaultDBOnHoldout18(t *testing.T) {
	p, r := scoreDefaultDBOn(t, "holdout18")
	if p < 0.75 || r < 0.73 {
		t.Errorf("holdout18: pooled precision %.3f, recall %.3f; measured 0.792 / 0.763", p, r)
	}
}

// TestDefaultDBOnHoldout19 scores the embedded DB on holdout19: positions
// 220–229, drawn at the start of the fourteenth session before any
// change, judged by another independent judge (11 of 40 judged none, 8
// with low confidence; this judge judged from the records and its own
// knowledge of the kernel, without reading the source), and scored once,
// on the session's starting DB: pooled precision 0.900 (27 of 30 links),
// recall 0.528 (19 of 36 wanted pairs); by stratum trace 1.000/0.364,
// kernelcves 1.000/0.250, cna-files 0.875/0.333, cna 0.857/1.000. The
// floors guard the figure.
func TestDefaultDBOnHoldout19(t *testing.T) {
	p, r := scoreDefaultDBOn(t, "holdout19")
	if p < 0.86 || r < 0.50 {
		t.Errorf("holdout19: pooled precision %.3f, recall %.3f; measured 0.900 / 0.528", p, r)
	}
}

// TestDefaultDBOnHoldout20 scores the embedded DB on holdout20: positions
// 230–239, drawn at the start of the fifteenth session before any change,
// judged by another independent judge (4 of 40 judged none, 5 with low
// confidence; it checked the kernel source for 11 of the 40 and says so
// in each reason), and scored once, on the session's starting DB: pooled
// precision 0.800 (28 of 35 links), recall 0.526 (20 of 38 wanted pairs);
// by stratum trace 0.786/0.667, kernelcves 1.000/0.556, cna-files no
// link/0.000 (0 of 9), cna 0.733/0.818. The floors guard the figure.
func TestDefaultDBOnHoldout20(t *testing.T) {
	p, r := scoreDefaultDBOn(t, "holdout20")
	if p < 0.78 || r < 0.50 {
		t.Errorf("holdout20: pooled precision %.3f, recall %.3f; measured 0.800 / 0.526", p, r)
	}
}

// TestDefaultDBOnHoldout21 scores the embedded DB on holdout21: positions
// 240–249, drawn later in the fifteenth session, after analysis Version
// 33 and before any attribution change, judged by another independent
// judge (5 of 40 judged none, 5 with low confidence; it checked the
// source for 13), and scored once, on the DB of Version 33: pooled
// precision 0.967 (29 of 30 links), recall 0.422 (19 of 45 wanted pairs);
// by stratum trace 1.000/0.600, kernelcves 1.000/0.182, cna-files
// 1.000/0.077, cna 0.923/0.909. The floors guard the figure.
func TestDefaultDBOnHoldout21(t *testing.T) {
	p, r := scoreDefaultDBOn(t, "holdout21")
	if p < 0.93 || r < 0.40 {
		t.Errorf("holdout21: pooled precision %.3f, recall %.3f; measured 0.967 / 0.422", p, r)
	}
}

// TestDefaultDBOnHoldout22 scores the embedded DB on holdout22: positions
// 250–259, drawn at the start of the sixteenth session before any change,
// judged by another independent judge (7 of 40 judged none, 7 with low
// confidence; it checked the source for 6), and scored once, on the
// session's starting DB (analysis Version 34): pooled precision 0.848 (28
// of 33 links), recall 0.477 (21 of 44 wanted pairs); by stratum trace
// 1.000/0.400, kernelcves 1.000/0.600, cna-files 1.000/0.125, cna
// 0.722/0.636. The floors guard the figure.
func TestDefaultDBOnHoldout22(t *testing.T) {
	p, r := scoreDefaultDBOn(t, "holdout22")
	if p < 0.82 || r < 0.45 {
		t.Errorf("holdout22: pooled precision %.3f, recall %.3f; measured 0.848 / 0.477", p, r)
	}
}

// TestDefaultDBOnHoldout23 scores the embedded DB on holdout23: positions
// 260–269, drawn at the start of the seventeenth session before any
// change, judged by another independent judge (9 of 40 judged none, 6 with
// low confidence; it checked the source for 8), and scored once, on the
// session's starting DB (analysis Version 34): pooled precision 0.909 (20
// of 22 links), recall 0.447 (17 of 38 wanted pairs); by stratum trace
// 1.000/0.364, kernelcves 0.667/0.222, cna-files 1.000/0.167, cna
// 0.929/0.833. The floors guard the figure.
func TestDefaultDBOnHoldout23(t *testing.T) {
	p, r := scoreDefaultDBOn(t, "holdout23")
	if p < 0.86 || r < 0.42 {
		t.Errorf("holdout23: pooled precision %.3f, recall %.3f; measured 0.909 / 0.447", p, r)
	}
}

// scoreDefaultDBOn logs, by stratum and pooled, the precision and recall of
// the embedded DB's links on one judged set and returns the pooled figures.
func scoreDefaultDBOn(t *testing.T, which string) (p, r float64) {
	t.Helper()
	d, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	var pooled prCount
	var b strings.Builder
	by := map[string]prCount{}
	set := readSample2Set(t, which)
	for _, e := range set {
		c, _, _ := d.CVE(e.ID)
		linked := map[string]bool{}
		for _, l := range c.Links {
			linked[l.Syscall] = true
		}
		x := by[e.stratum]
		x.add(scoreCVE(e.judgement, linked))
		by[e.stratum] = x
	}
	for _, s := range sample2Strata {
		x := by[s]
		pooled.add(x)
		fmt.Fprintf(&b, "  %-10s links %2d correct %2d P %.3f | want %2d found %2d R %.3f\n", s, x.links, x.correct, x.P(), x.want, x.found, x.R())
	}
	t.Logf("embedded DB on %s (%d CVEs):\n%s  pooled     links %2d correct %2d P %.3f | want %2d found %2d R %.3f",
		which, len(set), b.String(), pooled.links, pooled.correct, pooled.P(), pooled.want, pooled.found, pooled.R())
	return pooled.P(), pooled.R()
}
