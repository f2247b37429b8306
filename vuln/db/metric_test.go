package db

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
)

// every is a record with a distinct value in every field of every metric:
// cves 1 (one scored v3 CVE of severity 2), exploits 3 (tfidf 0.3),
// complexity 4, reach 5, triggers 6 (tfidf 0.6).
var every = Syscall{CVEs: 1, Severity: 2, ScoredV3: 1, Exploits: 3, ExploitIDs: []string{"EDB-1"}, TFIDF: 0.3,
	Complexity: 4, TopFuncs: []FuncCC{{"f", 4}}, Reach: 5, Triggers: 6, TriggersTFIDF: 0.6}

// TestMetricsByName reads every metric by its name, copies each alone,
// and carries each through Assemble, the encoding and the binary head.
func TestMetricsByName(t *testing.T) {
	want := map[string]float64{"cves": 1, "severity": 2, "exploits": 3, "complexity": 4, "reach": 5, "triggers": 6}
	if len(want) != len(Metrics) {
		t.Fatalf("Metrics %v: the test knows %d", Metrics, len(want))
	}
	for _, m := range Metrics {
		if v, ok := every.Metric(m); !ok || v != want[m] {
			t.Errorf("Metric(%s) = %v, %v; want %v", m, v, ok, want[m])
		}
	}
	if _, ok := every.Metric("tfidf"); ok {
		t.Error("Metric(tfidf): no metric, but found")
	}
	// CopyMetric copies one metric's fields and no other's.
	var r Syscall
	if !CopyMetric("complexity", &r, every) || r.Complexity != 4 || len(r.TopFuncs) != 1 || r.Reach != 0 || r.Exploits != 0 {
		t.Errorf("CopyMetric(complexity) gave %+v", r)
	}
	if CopyMetric("cves", &r, every) || CopyMetric("bogus", &r, every) || r.CVEs != 0 {
		t.Errorf("CopyMetric of cves or of no metric copied: %+v", r)
	}

	// Through Assemble (the extra record's metrics), Encode and the head.
	cve := CVE{ID: "CVE-2099-0001", Score: 2, CVSSVersion: "3.1", Feed: "test", Links: []Link{{Syscall: "keyctl", Method: "text"}}}
	d, err := Assemble(mustTable(), []CVE{cve}, Meta{Metrics: Metrics}, map[string]Syscall{"keyctl": every}, fixedClock)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := d.Encode(&b); err != nil {
		t.Fatal(err)
	}
	head, err := EncodeHead(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	back, _, err := decodeHead(head) // the head alone: no fallback to the JSON
	if err != nil {
		t.Fatal(err)
	}
	if got := back.MetricValues()["keyctl"]; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("keyctl's metrics after the head: %v, want %v", got, want)
	}
	back.index()
	k, _ := back.Syscall("keyctl")
	if !slices.Equal(k.ExploitIDs, every.ExploitIDs) || k.TFIDF != 0.3 || k.TriggersTFIDF != 0.6 || len(k.TopFuncs) != 1 {
		t.Errorf("keyctl's evidence after the head: %+v", k)
	}
}
