package score

import (
	"math"
	"slices"
	"strings"
	"testing"

	"sysweight/exposure"
	"sysweight/syscalls"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }

func testWeights(t *testing.T, o Options) *Weights {
	t.Helper()
	raw := Raw{Present: []Metric{CVEs}, Values: map[string]map[Metric]float64{
		"read":   {CVEs: 3},
		"keyctl": {CVEs: 7},
	}}
	w, err := NewWeights(syscalls.MustForArch(syscalls.X86_64), raw, o)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestLogWeightsAndScore(t *testing.T) {
	w := testWeights(t, DefaultOptions())
	// log(1+3)/log(1+7) = log 4 / log 8 = 2/3; keyctl is the max → 1.
	if r, _ := w.Of("read"); !near(r.Value, 2.0/3) {
		t.Errorf("w(read) = %v, want 2/3", r.Value)
	}
	if k, _ := w.Of("keyctl"); !near(k.Value, 1) {
		t.Errorf("w(keyctl) = %v, want 1", k.Value)
	}
	if !near(w.Total, 5.0/3) {
		t.Errorf("total = %v, want 5/3", w.Total)
	}
	if len(w.Missing) != 5 || len(w.Used) != 1 {
		t.Errorf("used %v missing %v", w.Used, w.Missing)
	}
	e, err := exposure.New("r", syscalls.X86_64, exposure.Provenance{Source: exposure.Declared}, []exposure.Entry{
		{Syscall: "read", Degree: 1}, {Syscall: "keyctl", Degree: 0.5}, {Syscall: "write", Degree: 1}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := Compute(e, w)
	if err != nil {
		t.Fatal(err)
	}
	// 1·2/3 + 0.5·1 + 1·0 = 7/6; normalised (7/6)/(5/3) = 0.7.
	if !near(s.Score, 7.0/6) || !near(s.Normalized, 0.7) || s.Exposed != 3 || s.Partial != 1 {
		t.Errorf("score = %+v", s)
	}
}

func TestLinearAndAlpha(t *testing.T) {
	o := DefaultOptions()
	o.Norm = NormLinear
	if err := o.ParseAlpha("cves=2"); err != nil {
		t.Fatal(err)
	}
	w := testWeights(t, o)
	if r, _ := w.Of("read"); !near(r.Value, 2*3.0/7) {
		t.Errorf("w(read) = %v, want 6/7", r.Value)
	}
	for _, bad := range []string{"cves", "cves=-1", "foo=1", "cves=x"} {
		if err := o.ParseAlpha(bad); err == nil {
			t.Errorf("ParseAlpha(%q) accepted", bad)
		}
	}
}

func TestCompareRatioAndDiff(t *testing.T) {
	w := testWeights(t, DefaultOptions())
	a, _ := exposure.FromSet("a", syscalls.X86_64, exposure.Provenance{}, []string{"read"})
	b, _ := exposure.FromSet("b", syscalls.X86_64, exposure.Provenance{}, []string{"read", "keyctl"})
	ss, err := Compare([]*exposure.Exposure{a, b}, w, "a")
	if err != nil {
		t.Fatal(err)
	}
	// b/a = (2/3 + 1)/(2/3) = 2.5
	if ss[0].Ratio == nil || !near(*ss[0].Ratio, 1) || !near(*ss[1].Ratio, 2.5) {
		t.Errorf("ratios %+v %+v", ss[0], ss[1])
	}
	rows, _ := Diff(a, b, w)
	if len(rows) != 1 || rows[0].Syscall != "keyctl" || !near(rows[0].Delta, 1) {
		t.Errorf("diff = %+v", rows)
	}
	ss, _ = Compare([]*exposure.Exposure{a, b}, w, "missing")
	if ss[0].Ratio != nil {
		t.Errorf("ratio without baseline = %v", *ss[0].Ratio)
	}
}

func TestRank(t *testing.T) {
	o := DefaultOptions()
	o.Norm = NormRank
	w := testWeights(t, o)
	// Sorted values: all-zero syscalls first, then 3 at index n-2, 7 at
	// n-1; rank(3) = (n-2)/(n-1), rank(7) = 1.
	n := float64(syscalls.MustForArch(syscalls.X86_64).Len())
	if r, _ := w.Of("read"); !near(r.Value, (n-2)/(n-1)) {
		t.Errorf("rank(read) = %v", r.Value)
	}
}

func TestSortByScore(t *testing.T) {
	s := []Score{{Runtime: "b", Score: 1}, {Runtime: "c", Score: 3}, {Runtime: "a", Score: 1}, {Runtime: "d", Score: 2.5}}
	SortByScore(s)
	var got []string
	for _, x := range s {
		got = append(got, x.Runtime)
	}
	if want := []string{"c", "d", "a", "b"}; !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}

// A syscall the target kernel lacks weighs 0, stays out of the
// normalisation and of Σ w, and a configuration that allows it exposes
// nothing by it. By hand (linear): without cachestat's 20 CVEs in the
// max, w(read) = 3/7 and w(keyctl) = 1, Σ w = 10/7; read at 1, keyctl at
// 0.5 and cachestat at 1 score 3/7 + 1/2 = 13/14, with 2 exposed (1
// partial) and 1 absent. With cachestat counted, w(read) would be 3/20.
func TestAbsentSyscalls(t *testing.T) {
	o := DefaultOptions()
	o.Norm = NormLinear
	raw := Raw{Present: []Metric{CVEs}, Values: map[string]map[Metric]float64{
		"read": {CVEs: 3}, "keyctl": {CVEs: 7}, "cachestat": {CVEs: 20},
	}, Release: "6.1", Absent: []string{"cachestat"}}
	w, err := NewWeights(syscalls.MustForArch(syscalls.X86_64), raw, o)
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := w.Of("read"); !near(r.Value, 3.0/7) {
		t.Errorf("w(read) = %v, want 3/7", r.Value)
	}
	if c, _ := w.Of("cachestat"); c.Value != 0 || !c.Absent || c.Raw[CVEs] != 20 {
		t.Errorf("cachestat: %+v, want weight 0, absent, raw 20", c)
	}
	if !near(w.Total, 10.0/7) || w.Release != "6.1" || !slices.Equal(w.Absent, []string{"cachestat"}) {
		t.Errorf("total %v release %q absent %v", w.Total, w.Release, w.Absent)
	}
	e, err := exposure.New("r", syscalls.X86_64, exposure.Provenance{Source: exposure.Declared}, []exposure.Entry{
		{Syscall: "read", Degree: 1}, {Syscall: "keyctl", Degree: 0.5}, {Syscall: "cachestat", Degree: 1}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := Compute(e, w)
	if err != nil {
		t.Fatal(err)
	}
	if !near(s.Score, 13.0/14) || s.Exposed != 2 || s.Partial != 1 || s.Absent != 1 || len(s.Contributions) != 2 {
		t.Errorf("score = %+v", s)
	}
	// Diff leaves it out: nothing changes on the target when it does.
	e2, _ := exposure.New("r2", syscalls.X86_64, exposure.Provenance{Source: exposure.Declared}, []exposure.Entry{
		{Syscall: "read", Degree: 1}, {Syscall: "keyctl", Degree: 0.5}})
	if rows, _ := Diff(e, e2, w); len(rows) != 0 {
		t.Errorf("diff over an absent syscall: %+v", rows)
	}
	raw.Absent = []string{"nosuchcall"}
	if _, err := NewWeights(syscalls.MustForArch(syscalls.X86_64), raw, o); err == nil {
		t.Error("an absent name outside the table was accepted")
	}
}

// A score splits by metric: Parts[k] = Σ_s e(s)·α_k·norm_k(s). By hand
// (linear, α_cves = 2, α_exploits = 1): norm_cves(read) = 3/7,
// norm_cves(keyctl) = 1, norm_exploits(read) = 0, norm_exploits(keyctl) =
// 4/4 = 1, norm_exploits(bpf) = 1/4. read at 1, keyctl at 0.5 and bpf at 1:
// cves part 2·(3/7 + 0.5·1) = 13/7, exploits part 0.5·1 + 1/4 = 3/4; the
// score 13/7 + 3/4 = 73/28; the metrics missing from the DB have no part.
func TestScoreParts(t *testing.T) {
	o := DefaultOptions()
	o.Norm = NormLinear
	if err := o.ParseAlpha("cves=2"); err != nil {
		t.Fatal(err)
	}
	raw := Raw{Present: []Metric{CVEs, Exploits}, Values: map[string]map[Metric]float64{
		"read": {CVEs: 3}, "keyctl": {CVEs: 7, Exploits: 4}, "bpf": {Exploits: 1},
	}}
	w, err := NewWeights(syscalls.MustForArch(syscalls.X86_64), raw, o)
	if err != nil {
		t.Fatal(err)
	}
	e, err := exposure.New("r", syscalls.X86_64, exposure.Provenance{Source: exposure.Declared}, []exposure.Entry{
		{Syscall: "read", Degree: 1}, {Syscall: "keyctl", Degree: 0.5}, {Syscall: "bpf", Degree: 1}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := Compute(e, w)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Parts) != 2 || !near(s.Parts[CVEs], 13.0/7) || !near(s.Parts[Exploits], 0.75) {
		t.Errorf("parts %v, want cves 13/7, exploits 3/4", s.Parts)
	}
	if !near(s.Score, 73.0/28) {
		t.Errorf("score %v, want 73/28", s.Score)
	}
}

// fakeDB is a MetricSource with two metrics present.
type fakeDB struct{ names []string }

func (f fakeDB) MetricNames() []string { return f.names }
func (f fakeDB) MetricValues() map[string]map[string]float64 {
	return map[string]map[string]float64{"read": {"cves": 3, "reach": 10, "complexity": 7}}
}

// RawOf keeps the metrics the source says it provides as present, reads
// the values by name (a metric it does not list is absent, not zero, in
// Present) and refuses a name that is no metric.
func TestRawOf(t *testing.T) {
	raw, err := RawOf(fakeDB{[]string{"cves", "reach"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(raw.Present) != 2 || raw.Present[0] != CVEs || raw.Present[1] != Reach {
		t.Errorf("present %v, want [cves reach]", raw.Present)
	}
	if v := raw.Values["read"]; v[CVEs] != 3 || v[Reach] != 10 || v[Complexity] != 7 || v[Exploits] != 0 {
		t.Errorf("values %v", v)
	}
	if _, err := RawOf(fakeDB{[]string{"cves", "popularity"}}); err == nil || !strings.Contains(err.Error(), `"popularity"`) {
		t.Errorf("unknown metric: %v", err)
	}
}

func TestForTableByName(t *testing.T) {
	w := testWeights(t, DefaultOptions())
	a, missing := w.ForTable(syscalls.MustForArch(syscalls.AArch64))
	if a.Arch != syscalls.AArch64 || a.Evidence != syscalls.X86_64 {
		t.Fatalf("arch %s, evidence %s", a.Arch, a.Evidence)
	}
	// aarch64 read is 63 and keyctl 219 (scmp_sys_resolver -a aarch64);
	// their weights are x86_64's: 2/3 and 1.
	r, _ := a.Of("read")
	k, _ := a.Of("keyctl")
	if r.Nr != 63 || k.Nr != 219 || !near(r.Value, 2.0/3) || !near(k.Value, 1) {
		t.Errorf("read %d %v, keyctl %d %v; want 63 2/3, 219 1", r.Nr, r.Value, k.Nr, k.Value)
	}
	if _, ok := a.Of("open"); ok {
		t.Error("aarch64 has no open")
	}
	if !near(a.Total, 5.0/3) {
		t.Errorf("total = %v, want 5/3", a.Total)
	}
	if same, _ := w.ForTable(syscalls.MustForArch(syscalls.X86_64)); same != w {
		t.Error("x86_64 to x86_64 should be w itself")
	}
	t.Logf("aarch64 names x86_64 lacks: %v", missing)
}

// The other way round, weights over aarch64 carried to x86_64: the x86_64
// names aarch64 lacks (open, fork, arch_prctl) weigh 0 and are listed.
func TestForTableMissing(t *testing.T) {
	raw := Raw{Present: []Metric{CVEs}, Values: map[string]map[Metric]float64{"read": {CVEs: 3}, "keyctl": {CVEs: 7}}}
	w, err := NewWeights(syscalls.MustForArch(syscalls.AArch64), raw, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	x, missing := w.ForTable(syscalls.MustForArch(syscalls.X86_64))
	for _, n := range []string{"open", "fork", "arch_prctl"} {
		if !slices.Contains(missing, n) {
			t.Errorf("%s not listed as missing", n)
		}
		if o, ok := x.Of(n); !ok || o.Value != 0 {
			t.Errorf("%s: %+v %v, want weight 0", n, o, ok)
		}
	}
	if slices.Contains(missing, "read") || !near(x.Total, 5.0/3) {
		t.Errorf("read listed missing, or total %v, want 5/3", x.Total)
	}
	if k, _ := x.Of("keyctl"); k.Nr != 250 { // arch/x86/entry/syscalls/syscall_64.tbl
		t.Errorf("keyctl nr %d, want 250", k.Nr)
	}
}
