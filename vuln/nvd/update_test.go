package nvd

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"sysweight/vuln"
	"sysweight/vuln/internal/fetch"
)

// fakeNVD serves the CVE API 2.0 over a fixed list of CVEs in NVD's
// response format (as in testdata/page.json), honouring startIndex and
// resultsPerPage. fail, if set, may answer a request instead.
type fakeNVD struct {
	mu       sync.Mutex
	vulns    []string // "cve" objects
	starts   []int    // startIndex of each request, in order
	sizes    []string
	keys     []string
	queries  []string
	fail     func(n, start int) int // status to send instead, or 0
	requests int
}

// cve writes one vulnerability the way NVD does: an NVD Primary CVSS 3.1
// metric and the fields around it. Scores are the calculator's (checked in
// TestParsePage for this vector family).
func cve(id, status, vector string, score float64) string {
	return fmt.Sprintf(`{"cve":{"id":%q,"sourceIdentifier":"416baaa9-dc9f-4396-8d5f-8c081fb06d67","published":"2099-01-01T00:00:00.000","lastModified":"2099-01-02T00:00:00.000","vulnStatus":%q,"cveTags":[],
"descriptions":[{"lang":"en","value":"In the Linux kernel, fixture %s."}],
"metrics":{"cvssMetricV31":[{"source":"nvd@nist.gov","type":"Primary","cvssData":{"version":"3.1","vectorString":%q,"baseScore":%v,"baseSeverity":"HIGH"},"exploitabilityScore":1.8,"impactScore":5.9}]},
"weaknesses":[],"configurations":[],"references":[]}}`, id, status, id, vector, score)
}

const v78 = "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H" // 7.8, worked in vuln/cvss_test.go

func newFake(n int) *fakeNVD {
	f := &fakeNVD{}
	for i := 1; i <= n; i++ {
		status := "Analyzed"
		if i == 3 {
			status = "Rejected"
		}
		f.vulns = append(f.vulns, cve(fmt.Sprintf("CVE-2099-%04d", i), status, v78, 7.8))
	}
	return f
}

func (f *fakeNVD) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	q := r.URL.Query()
	start, _ := strconv.Atoi(q.Get("startIndex"))
	size, _ := strconv.Atoi(q.Get("resultsPerPage"))
	f.requests++
	f.starts = append(f.starts, start)
	f.sizes = append(f.sizes, q.Get("resultsPerPage"))
	f.keys = append(f.keys, r.Header.Get("apiKey"))
	f.queries = append(f.queries, q.Get("virtualMatchString"))
	if f.fail != nil {
		if code := f.fail(f.requests, start); code != 0 {
			w.WriteHeader(code)
			return
		}
	}
	end := min(start+size, len(f.vulns))
	if start > end {
		start = end
	}
	fmt.Fprintf(w, `{"resultsPerPage":%d,"startIndex":%d,"totalResults":%d,"format":"NVD_CVE","version":"2.0","timestamp":"2099-01-03T00:00:00.000","vulnerabilities":[%s]}`,
		end-start, start, len(f.vulns), strings.Join(f.vulns[start:end], ","))
}

var t0 = time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)

func TestUpdatePaging(t *testing.T) {
	fake := newFake(6)
	srv := httptest.NewServer(fake)
	defer srv.Close()
	clock := &fetch.FakeClock{T: t0}
	cache := t.TempDir()
	f := &Feed{URL: srv.URL, APIKey: "k-123", PageSize: 2, Clock: clock, Limit: RateLimit{Requests: 2, Per: 30 * time.Second}}
	if err := f.Update(context.Background(), cache); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fake.starts, []int{0, 2, 4}) || !reflect.DeepEqual(fake.sizes, []string{"2", "2", "2"}) {
		t.Errorf("requests: starts %v sizes %v; want [0 2 4] pages of 2", fake.starts, fake.sizes)
	}
	if fake.keys[0] != "k-123" || fake.queries[0] != "cpe:2.3:o:linux:linux_kernel:*:*:*:*:*:*:*:*" {
		t.Errorf("apiKey %q, virtualMatchString %q", fake.keys[0], fake.queries[0])
	}
	// 2 requests per 30 s: the third waits until 30 s after the first.
	if !reflect.DeepEqual(clock.Slept, []time.Duration{30 * time.Second}) {
		t.Errorf("slept %v, want [30s]", clock.Slept)
	}
	recs, err := f.Load(cache)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range recs {
		ids = append(ids, r.ID)
		if b, _ := r.BestCVSS(); b.Score != 7.8 || b.Source != "nvd" {
			t.Errorf("%s: best %+v", r.ID, b)
		}
	}
	if strings.Join(ids, " ") != "CVE-2099-0001 CVE-2099-0002 CVE-2099-0004 CVE-2099-0005 CVE-2099-0006" {
		t.Errorf("ids = %v (0003 is Rejected)", ids)
	}
	b, _ := os.ReadFile(filepath.Join(Dir(cache), RecordsFile))
	sum := sha256.Sum256(b)
	p, err := vuln.ReadProvenance(Dir(cache))
	if err != nil {
		t.Fatal(err)
	}
	want := vuln.Provenance{Feed: FeedName, URL: srv.URL + "?resultsPerPage=2&virtualMatchString=cpe%3A2.3%3Ao%3Alinux%3Alinux_kernel%3A%2A%3A%2A%3A%2A%3A%2A%3A%2A%3A%2A%3A%2A%3A%2A",
		FetchedAt: t0.Add(30 * time.Second), SHA256: hex.EncodeToString(sum[:]), Records: 5, Rejected: 1}
	if p != want {
		t.Errorf("provenance\n got %+v\nwant %+v", p, want)
	}
	if strings.Contains(p.URL, "k-123") {
		t.Error("provenance leaks the API key")
	}
	ents, _ := os.ReadDir(Dir(cache))
	if len(ents) != 2 {
		t.Errorf("nvd dir holds %d files, want records.json and provenance.json", len(ents))
	}
	if _, err := os.Stat(filepath.Join(cache, partialDir)); !os.IsNotExist(err) {
		t.Errorf("partial folder left behind: %v", err)
	}
}

func TestUpdateRateLimitDefaults(t *testing.T) {
	base, _, size, lim, _ := (&Feed{}).settings()
	if base != DefaultURL || size != 2000 || lim != PublicLimit {
		t.Errorf("defaults: %s %d %+v", base, size, lim)
	}
	if _, _, _, lim, _ := (&Feed{APIKey: "k"}).settings(); lim != (RateLimit{50, 30 * time.Second}) {
		t.Errorf("with key: %+v", lim)
	}
}

func TestUpdate429ThenSuccess(t *testing.T) {
	fake := newFake(2)
	fake.fail = func(n, start int) int {
		if n == 1 {
			return http.StatusTooManyRequests
		}
		return 0
	}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	clock := &fetch.FakeClock{T: t0}
	f := &Feed{URL: srv.URL, Clock: clock, Retries: 3, Backoff: 6 * time.Second}
	cache := t.TempDir()
	if err := f.Update(context.Background(), cache); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fake.starts, []int{0, 0}) || !reflect.DeepEqual(clock.Slept, []time.Duration{6 * time.Second}) {
		t.Errorf("starts %v slept %v; want [0 0] and one 6s backoff", fake.starts, clock.Slept)
	}
	if recs, _ := f.Load(cache); len(recs) != 2 {
		t.Errorf("%d records", len(recs))
	}
	// Retries run out: the error names the status.
	fake.fail = func(int, int) int { return http.StatusServiceUnavailable }
	err := (&Feed{URL: srv.URL, Clock: clock, Retries: 2}).Update(context.Background(), t.TempDir())
	if !errors.Is(err, fetch.ErrStatus) || !strings.Contains(err.Error(), "503") || !strings.Contains(err.Error(), "gave up after 3 tries") {
		t.Errorf("err = %v", err)
	}
}

func TestUpdateResume(t *testing.T) {
	fake := newFake(6)
	broken := true
	fake.fail = func(n, start int) int {
		if start == 4 && broken {
			return http.StatusInternalServerError // not retried
		}
		return 0
	}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	cache := t.TempDir()
	f := &Feed{URL: srv.URL, PageSize: 2, Clock: &fetch.FakeClock{T: t0}, Retries: 2}
	err := f.Update(context.Background(), cache)
	if err == nil || !strings.Contains(err.Error(), "500") {
		t.Fatalf("first run: err = %v, want the 500", err)
	}
	b, err := os.ReadFile(filepath.Join(cache, partialDir, stateFile))
	if err != nil {
		t.Fatal(err)
	}
	var st state
	json.Unmarshal(b, &st)
	if st.NextIndex != 4 || st.Pages != 2 || st.TotalResults != 6 || st.Rejected != 1 {
		t.Errorf("saved state %+v, want next 4 after 2 pages", st)
	}
	if _, err := os.Stat(Dir(cache)); !os.IsNotExist(err) {
		t.Error("unfinished update created the nvd folder")
	}
	broken = false
	if err := f.Update(context.Background(), cache); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fake.starts, []int{0, 2, 4, 4}) {
		t.Errorf("starts %v, want [0 2 4 4]: the second run resumes at 4", fake.starts)
	}
	recs, _ := f.Load(cache)
	p, _ := vuln.ReadProvenance(Dir(cache))
	if len(recs) != 5 || p.Records != 5 || p.Rejected != 1 {
		t.Errorf("%d records, provenance %+v", len(recs), p)
	}

	// Another query does not resume the old progress.
	fake.fail = func(n, start int) int {
		if start == 2 {
			return http.StatusNotFound
		}
		return 0
	}
	f.Update(context.Background(), cache)
	fake.fail = nil
	fake.starts = nil
	f2 := *f
	f2.Query = map[string][]string{"keywordSearch": {"linux kernel"}}
	if err := f2.Update(context.Background(), cache); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fake.starts, []int{0, 2, 4}) {
		t.Errorf("new query starts %v, want from 0", fake.starts)
	}
}

func TestUpdateStalled(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"resultsPerPage":0,"startIndex":0,"totalResults":9,"format":"NVD_CVE","version":"2.0","timestamp":"x","vulnerabilities":[]}`)
	}))
	defer srv.Close()
	err := (&Feed{URL: srv.URL, Clock: &fetch.FakeClock{T: t0}}).Update(context.Background(), t.TempDir())
	if !errors.Is(err, ErrStalled) {
		t.Errorf("err = %v, want ErrStalled", err)
	}
}

func TestUpdateWrongStartIndex(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"resultsPerPage":1,"startIndex":7,"totalResults":9,"format":"NVD_CVE","version":"2.0","timestamp":"x","vulnerabilities":[]}`)
	}))
	defer srv.Close()
	err := (&Feed{URL: srv.URL, Clock: &fetch.FakeClock{T: t0}}).Update(context.Background(), t.TempDir())
	if !errors.Is(err, ErrBadPage) || !strings.Contains(err.Error(), "field startIndex: want 0, got 7") {
		t.Errorf("err = %v", err)
	}
}
