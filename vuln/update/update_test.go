package update

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sysweight/vuln"
	"sysweight/vuln/internal/fetch"
	"sysweight/vuln/kernelcna"
	"sysweight/vuln/nvd"
	"sysweight/vuln/registry"
)

// cnaSnapshot packs the kernelcna fixture tree as cgit would.
func cnaSnapshot(t *testing.T) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	root := "../kernelcna/testdata/happy"
	err := filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		tw.WriteHeader(&tar.Header{Name: "vulns-master/" + filepath.ToSlash(rel), Mode: 0o644, Size: int64(len(b)), Typeflag: tar.TypeReg})
		_, err = tw.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	tw.Close()
	zw.Close()
	return buf.Bytes()
}

func server(t *testing.T, nvdDown bool) *httptest.Server {
	cna := cnaSnapshot(t)
	kc, err := os.ReadFile("../kernelcves/testdata/kernel_cves.json")
	if err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile("../nvd/testdata/page.json")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/vulns-master.tar.gz", func(w http.ResponseWriter, r *http.Request) { w.Write(cna) })
	mux.HandleFunc("/kernel_cves.json", func(w http.ResponseWriter, r *http.Request) { w.Write(kc) })
	mux.HandleFunc("/rest/json/cves/2.0", func(w http.ResponseWriter, r *http.Request) {
		if nvdDown {
			http.NotFound(w, r)
			return
		}
		w.Write(page)
	})
	s := httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

func options(s *httptest.Server) registry.Options {
	return registry.Options{
		Settings: map[string]string{
			"kernel-cna-url":  s.URL + "/vulns-master.tar.gz",
			"kernel-cves-url": s.URL + "/kernel_cves.json",
			"nvd-url":         s.URL + "/rest/json/cves/2.0",
		},
		Clock: &fetch.FakeClock{T: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)},
	}
}

func TestRunAndLoad(t *testing.T) {
	s := server(t, false)
	feeds := Feeds(registry.Default(), options(s))
	var names []string
	for _, f := range feeds {
		names = append(names, f.Name())
	}
	if strings.Join(names, ",") != "kernel-cna,linux_kernel_cves,nvd" {
		t.Errorf("feeds %v", names)
	}
	cache := t.TempDir()
	res, err := Run(context.Background(), cache, feeds)
	if err != nil || len(res) != 3 {
		t.Fatalf("Run: %v %v", res, err)
	}
	for _, dir := range []string{"kernel-cna", "kernel-cves", "nvd"} {
		if _, err := vuln.ReadProvenance(filepath.Join(cache, dir)); err != nil {
			t.Errorf("%s: %v", dir, err)
		}
	}
	recs, err := Load(cache, feeds)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	byID := map[string]vuln.Record{}
	for _, r := range recs {
		ids = append(ids, r.ID)
		byID[r.ID] = r
	}
	// Union of the three fixtures, rejected ones left out.
	if strings.Join(ids, " ") != "CVE-2016-5195 CVE-2099-0001 CVE-2099-0002 CVE-2099-0999 CVE-2099-1000" {
		t.Errorf("ids %v", ids)
	}
	// CVE-2099-0001 is in the CNA fixture (.cvss 8.8) and the NVD page
	// (NVD 5.5, the CNA's 8.8 via NVD, a v3.0 7.5): the CNA's text and
	// score come first.
	r := byID["CVE-2099-0001"]
	if b, _ := r.BestCVSS(); b.Score != 8.8 || b.Source != "kernel-cna" || r.Feed != "kernel-cna,nvd" || len(r.CVSS) != 4 ||
		!strings.Contains(r.Description, "keyctl_fixture") {
		t.Errorf("CVE-2099-0001 = %+v", r)
	}
	// CVE-2099-0002 has no CNA score; linux_kernel_cves gives v3.0 5.9.
	r = byID["CVE-2099-0002"]
	if b, _ := r.BestCVSS(); b.Score != 5.9 || b.Version != "3.0" || r.Feed != "kernel-cna,linux_kernel_cves" {
		t.Errorf("CVE-2099-0002 = %+v", r)
	}
}

func TestRunGoesOnAfterFailure(t *testing.T) {
	s := server(t, true)
	feeds := Feeds(registry.Default(), options(s))
	cache := t.TempDir()
	res, err := Run(context.Background(), cache, feeds)
	if err == nil || !strings.Contains(err.Error(), "updating nvd") || len(res) != 3 || res[0].Err != nil || res[1].Err != nil {
		t.Fatalf("Run: %+v, %v", res, err)
	}
	if _, err := os.Stat(filepath.Join(cache, "kernel-cves", "kernel_cves.json")); err != nil {
		t.Error(err)
	}
	// NVD failed before its first page: nothing to resume from is left
	if _, err := os.Stat(filepath.Join(cache, ".nvd.partial")); !os.IsNotExist(err) {
		t.Errorf(".nvd.partial after a failure on the first page: %v", err)
	}
	if _, err := Load(cache, feeds); err == nil || !strings.Contains(err.Error(), "loading nvd") {
		t.Errorf("Load with nvd missing: %v", err)
	}
	sel, err := Select(feeds, kernelcna.FeedName, "linux_kernel_cves")
	if err != nil || len(sel) != 2 {
		t.Fatalf("Select: %v %v", sel, err)
	}
	if recs, err := Load(cache, sel); err != nil || len(recs) != 4 {
		t.Errorf("Load of two feeds: %d records, %v", len(recs), err)
	}
	if _, err := Select(feeds, "exploitdb"); !errors.Is(err, ErrUnknownFeed) {
		t.Errorf("Select unknown: %v", err)
	}
}

func TestFeedsDefaults(t *testing.T) {
	f := Feeds(registry.Default(), registry.Options{})[2].(*nvd.Feed)
	if f.Retries != DefaultRetries || f.Backoff != DefaultBackoff || f.URL != "" {
		t.Errorf("nvd feed defaults: %+v", f)
	}
	if f := Feeds(registry.Default(), registry.Options{Retries: -1})[0].(*kernelcna.Feed); f.Retries != 0 {
		t.Errorf("Retries -1 gives %d", f.Retries)
	}
}

// slowFeed takes d to fail.
type slowFeed struct {
	name string
	d    time.Duration
}

func (f slowFeed) Name() string { return f.name }
func (f slowFeed) Update(ctx context.Context, dir string) error {
	select {
	case <-time.After(f.d):
	case <-ctx.Done():
	}
	return errors.New(f.name + " is down")
}

func TestRunSideBySide(t *testing.T) {
	feeds := []vuln.Feed{slowFeed{"a", 300 * time.Millisecond}, slowFeed{"b", 300 * time.Millisecond}, slowFeed{"c", 300 * time.Millisecond}}
	start := time.Now()
	res, err := Run(context.Background(), t.TempDir(), feeds)
	took := time.Since(start)
	if err == nil || len(res) != 3 || res[0].Feed != "a" || res[1].Feed != "b" || res[2].Feed != "c" {
		t.Fatalf("Run: %+v, %v", res, err)
	}
	for _, r := range res {
		if r.Err == nil || r.Took < 300*time.Millisecond {
			t.Errorf("%s: %v after %v", r.Feed, r.Err, r.Took)
		}
	}
	// one after the other they take 900 ms
	if took > 800*time.Millisecond {
		t.Errorf("three feeds of 300 ms took %v: not side by side", took)
	}
}
