package kernelcves

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"sysweight/internal/xz/xztest"
	"sysweight/vuln"
)

func TestParse(t *testing.T) {
	b, err := os.ReadFile("testdata/kernel_cves.json")
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	// Expected values read off the fixture; 0999 sorts before 1000 and
	// 99999 (rejected) after both.
	want := []Entry{
		{Record: vuln.Record{ID: "CVE-2099-0002", Description: "A fixture flaw in net/fixture.c lets remote attackers modify packets.", Feed: FeedName,
			CVSS: []vuln.CVSS{
				{Version: "3.0", Score: 5.9, Vector: "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:N", Source: FeedName},
				{Version: "2.0", Score: 4.3, Vector: "AV:N/AC:M/Au:N/C:N/I:P/A:N", Source: FeedName},
			}},
			CWE: "Other", Fixes: "5555555555555555555555555555555555555555", Breaks: "4444444444444444444444444444444444444444"},
		{Record: vuln.Record{ID: "CVE-2099-0999", Feed: FeedName}, AffectedVersions: "unk to unk"},
		{Record: vuln.Record{ID: "CVE-2099-1000", Description: "Race condition in mm/fixture.c allows local users to gain privileges via the madvise() system call.", Subject: "mm: a hand-written fixture entry", Feed: FeedName,
			CVSS: []vuln.CVSS{
				{Version: "3.x", Score: 7.8, Vector: "AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", Source: FeedName},
				{Version: "2.0", Score: 7.2, Vector: "AV:L/AC:L/Au:N/C:C/I:C/A:C", Source: FeedName},
			}},
			CWE: "Race Conditions", Fixes: "2222222222222222222222222222222222222222", Breaks: "1111111111111111111111111111111111111111",
			AffectedVersions: "v2.6.22-rc1 to v4.9-rc2", LastAffectedVersion: "4.8.2"},
	}
	if !reflect.DeepEqual(f.Entries, want) {
		t.Errorf("entries:\n got %+v\nwant %+v", f.Entries, want)
	}
	if !reflect.DeepEqual(f.Rejected, []string{"CVE-2099-99999"}) {
		t.Errorf("rejected = %v", f.Rejected)
	}
	if recs := f.Records(); len(recs) != 3 || recs[2].ID != "CVE-2099-1000" {
		t.Errorf("Records = %v", recs)
	}

	// The same bytes xz-compressed parse the same.
	fx, err := Parse(bytes.NewReader(xztest.Compress(t, b)))
	if err != nil || !reflect.DeepEqual(fx, f) {
		t.Errorf("xz: %v, equal %v", err, reflect.DeepEqual(fx, f))
	}
}

func TestParseErrors(t *testing.T) {
	for in, want := range map[string]string{
		`{"CVE-2099-1": {}}`: `key "CVE-2099-1": want a CVE id`,
		`{"CVE-2099-0001": {"cvss3": {"Attack Vector": "Orbital"}}}`: `CVE-2099-0001: field cvss3.Attack Vector: unknown value "Orbital"`,
		`{"CVE-2099-0001": {"cvss2": "high"}}`:                       `CVE-2099-0001: field cvss2: want a score from 0 to 10, got "high"`,
		`{"CVE-2099-0001": {"nvd_text": 5}}`:                         `CVE-2099-0001: field nvd_text: want string, got JSON number`,
		`{"CVE-2099-0001": {"cvss2": [1]}}`:                          `CVE-2099-0001: field cvss2: want an object or a score string`,
		`{"CVE-2099-0001": {"cvss2": {"Access Vector": "Local Access", "Access Complexity": "Low", "Authentication": "Twice"}}}`: `field cvss2.Authentication: unknown value "Twice"`,
		`{"CVE-2099-0001": `: "offset 18: unexpected end of JSON input",
		`[]`:                 "field (top level): want map[string]json.RawMessage, got JSON array",
	} {
		_, err := Parse(strings.NewReader(in))
		if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, ErrBadFile) {
			t.Errorf("Parse(%s): err = %v, want %q", in, err, want)
		}
	}
	// raw and spelled-out metrics must agree.
	in := `{"CVE-2099-0001": {"cvss2": {"Access Complexity": "Low", "Access Vector": "Local Access", "Authentication": "None",
		"Availability Impact": "None", "Confidentiality Impact": "None", "Integrity Impact": "Partial", "raw": "AV:N/AC:L/Au:N/C:N/I:P/A:N"}}}`
	if _, err := Parse(strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), `disagrees with the spelled-out metrics AV:L/AC:L/Au:N/C:N/I:P/A:N`) {
		t.Errorf("raw mismatch: err = %v", err)
	}
}

// TestRealFile checks the 2023-01-27 file. Counts taken with jq: 2,285
// keys, 28 with "rejected": true. Every score in the file is NVD's; for the
// 3,850 entries with metrics our calculator must give the same score, a
// check of vuln.ScoreVector against NVD's calculator.
func TestRealFile(t *testing.T) {
	p := filepath.Join("..", "..", "..", "shared", "data", "kernel-cves", "linux_kernel_cves-2023-01-27.json.xz")
	fh, err := os.Open(p)
	if err != nil {
		t.Skipf("reference data %s not present: %v", p, err)
	}
	defer fh.Close()
	f, err := Parse(fh)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Entries) != 2257 || len(f.Rejected) != 28 {
		t.Errorf("%d entries, %d rejected; want 2257, 28", len(f.Entries), len(f.Rejected))
	}
	checked := 0
	for _, e := range f.Entries {
		for _, c := range e.CVSS {
			v := c.Vector
			if c.Version == "3.x" {
				v = "CVSS:3.1/" + v
			}
			s, err := vuln.ScoreVector(v)
			if err != nil || s.Score != c.Score {
				t.Errorf("%s: %s: file says %v, we compute %v (%v)", e.ID, v, c.Score, s.Score, err)
			}
			checked++
		}
	}
	if checked != 3850 {
		t.Errorf("checked %d scores, want 3850", checked)
	}
	// Dirty COW, as printed by jq '.["CVE-2016-5195"]'.
	for _, e := range f.Entries {
		if e.ID == "CVE-2016-5195" {
			b, _ := e.BestCVSS()
			if b.Score != 7.8 || e.Fixes != "19be0eaffa3ac7d8eb6784ad9bdbc7d67ed8e619" || !strings.HasPrefix(e.Description, "Race condition in mm/gup.c") {
				t.Errorf("CVE-2016-5195 = %+v", e)
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	b, _ := os.ReadFile("testdata/kernel_cves.json")
	f.Add(b)
	f.Add([]byte(`{"CVE-2099-0001":{"cvss3":{"raw":"CVSS:3.1/AV:N"}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := Parse(bytes.NewReader(b))
		if err != nil {
			if !errors.Is(err, ErrBadFile) && !errors.Is(err, vuln.ErrBadVector) && !strings.HasPrefix(err.Error(), "opening xz") && !strings.HasPrefix(err.Error(), "reading kernel_cves") {
				t.Fatalf("error %v wraps no sentinel", err)
			}
			return
		}
		for _, e := range file.Entries {
			if !vuln.ValidID(e.ID) {
				t.Fatalf("accepted id %q", e.ID)
			}
			for _, c := range e.CVSS {
				if c.Score < 0 || c.Score > 10 {
					t.Fatalf("%s: score %v", e.ID, c.Score)
				}
			}
		}
	})
}
