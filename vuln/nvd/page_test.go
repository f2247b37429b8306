package nvd

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"sysweight/vuln"
)

func TestParsePage(t *testing.T) {
	f, err := os.Open("testdata/page.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := ParsePage(f)
	if err != nil {
		t.Fatal(err)
	}
	if p.StartIndex != 0 || p.TotalResults != 3 || p.ResultsPerPage != 3 || p.Results != 3 || p.Timestamp != "2026-08-21T10:00:00.000" {
		t.Errorf("header = %+v", p)
	}
	if !reflect.DeepEqual(p.Rejected, []string{"CVE-2099-0003"}) || len(p.Records) != 2 {
		t.Fatalf("records %d, rejected %v", len(p.Records), p.Rejected)
	}
	// CVE-2016-5195 carries the scores NVD publishes for Dirty COW (7.8 and
	// 7.2, also in linux_kernel_cves).
	want := []vuln.CVSS{
		{Version: "3.1", Score: 7.8, Vector: "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", Source: "nvd"},
		{Version: "2.0", Score: 7.2, Vector: "AV:L/AC:L/Au:N/C:C/I:C/A:C", Source: "nvd"},
	}
	r := p.Records[0]
	if r.ID != "CVE-2016-5195" || r.Published != "2016-11-10T21:59:00.177" || !strings.HasPrefix(r.Description, "Race condition in mm/gup.c") || !reflect.DeepEqual(r.CVSS, want) {
		t.Errorf("record 0 = %+v", r)
	}
	// NVD's Primary score comes first even when listed second, and the
	// CNA's Secondary one is kept under its own source.
	want = []vuln.CVSS{
		{Version: "3.1", Score: 5.5, Vector: "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H", Source: "nvd"},
		{Version: "3.1", Score: 8.8, Vector: "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", Source: "nvd:416baaa9-dc9f-4396-8d5f-8c081fb06d67"},
		{Version: "3.0", Score: 7.5, Vector: "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", Source: "nvd"},
	}
	if got := p.Records[1].CVSS; !reflect.DeepEqual(got, want) {
		t.Errorf("record 1 CVSS = %+v", got)
	}
	// The fixture's scores agree with our calculator (hand-written, so
	// this guards against typos in it).
	for _, r := range p.Records {
		for _, c := range r.CVSS {
			if s, err := vuln.ScoreVector(c.Vector); err != nil || s.Score != c.Score {
				t.Errorf("%s: fixture score %v for %s, calculator %v %v", r.ID, c.Score, c.Vector, s.Score, err)
			}
		}
	}
}

func TestParsePageErrors(t *testing.T) {
	for in, want := range map[string]string{
		`{"startIndex":0,"totalResults":0,"vulnerabilities":[]}`:                                      "field resultsPerPage: missing",
		`{"resultsPerPage":1,"startIndex":0,"totalResults":1}`:                                        "field vulnerabilities: missing",
		`{"resultsPerPage":1,"startIndex":-1,"totalResults":1,"vulnerabilities":[]}`:                  "field startIndex: want >= 0, got -1",
		`{"resultsPerPage":1,"startIndex":0,"totalResults":1,"vulnerabilities":[{"cve":{"id":"x"}}]}`: `field vulnerabilities[0].cve.id: want CVE-YYYY-NNNN, got "x"`,
		`{"resultsPerPage":1,"startIndex":0,"totalResults":1,"vulnerabilities":[{}]}`:                 "field vulnerabilities[0].cve: missing",
		`{"resultsPerPage":"1"}`: "offset 21: field resultsPerPage: want int, got JSON string",
		`{"format":"CVE_RECORD","resultsPerPage":1,"startIndex":0,"totalResults":0,"vulnerabilities":[]}`:                                                                       `field format: want NVD_CVE, got "CVE_RECORD"`,
		`{"resultsPerPage":1,"startIndex":0,"totalResults":1,"vulnerabilities":[{"cve":{"id":"CVE-2099-0001","metrics":{"cvssMetricV2":[{"type":"Primary","cvssData":{}}]}}}]}`: "field vulnerabilities[0].cve.metrics.cvssMetricV2[0].cvssData.baseScore: missing (CVE-2099-0001)",
		`{"resultsPerPage":1,`: "unexpected end of JSON input",
	} {
		_, err := ParsePage(strings.NewReader(in))
		if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, ErrBadPage) {
			t.Errorf("ParsePage(%s): err = %v, want %q", in, err, want)
		}
	}
}

func FuzzParsePage(f *testing.F) {
	b, _ := os.ReadFile("testdata/page.json")
	f.Add(b)
	f.Add([]byte(`{"resultsPerPage":0,"startIndex":0,"totalResults":0,"vulnerabilities":[]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParsePage(strings.NewReader(string(b)))
		if err != nil {
			if !errors.Is(err, ErrBadPage) {
				t.Fatalf("error %v does not wrap ErrBadPage", err)
			}
			return
		}
		if p.Results != len(p.Records)+len(p.Rejected) {
			t.Fatalf("results %d != %d records + %d rejected", p.Results, len(p.Records), len(p.Rejected))
		}
		for _, r := range p.Records {
			if !vuln.ValidID(r.ID) {
				t.Fatalf("accepted id %q", r.ID)
			}
		}
	})
}
