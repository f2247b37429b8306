package kernelcna

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"sysweight/vuln"
	"sysweight/vuln/internal/fetch"
)

// snapshot builds a cgit-style snapshot (.tar.gz, everything under
// "vulns-master/") of the fixture tree plus files Update must drop.
func snapshot(t *testing.T) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(tarOf(t, "testdata/happy", "vulns-master/", map[string]string{
		"README":                                  "vulns repository",
		"scripts/bippy":                           "#!/bin/sh",
		"cve/published/2099/CVE-2099-0001.mbox":   "From: ...",
		"cve/published/2099/CVE-2099-0001.sha1":   "2222222222222222222222222222222222222222",
		"cve/reserved/2099/CVE-2099-0099":         "",
		"cve/published/2099/../../../escape.json": "{}",
	}))
	zw.Close()
	return buf.Bytes()
}

func serve(t *testing.T, h http.HandlerFunc) *httptest.Server {
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}

func listTree(t *testing.T, dir string) []string {
	var out []string
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(out)
	return out
}

var fixedNow = time.Date(2026, 8, 21, 12, 0, 0, 0, time.UTC)

func TestUpdate(t *testing.T) {
	body := snapshot(t)
	sum := sha256.Sum256(body)
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) { w.Write(body) })
	cache := t.TempDir()
	f := &Feed{URL: srv.URL + "/vulns-master.tar.gz", SHA256: hex.EncodeToString(sum[:]), Clock: &fetch.FakeClock{T: fixedNow}}
	if err := f.Update(context.Background(), cache); err != nil {
		t.Fatal(err)
	}
	got := listTree(t, cache)
	want := []string{
		"kernel-cna/cve/published/2099/CVE-2099-0001.cvss",
		"kernel-cna/cve/published/2099/CVE-2099-0001.json",
		"kernel-cna/cve/published/2099/CVE-2099-0002.json",
		"kernel-cna/cve/published/2099/CVE-2099-0003.json",
		"kernel-cna/cve/published/2099/CVE-2099-0004.cvss",
		"kernel-cna/provenance.json",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("cache holds\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	p, err := vuln.ReadProvenance(Dir(cache))
	if err != nil {
		t.Fatal(err)
	}
	wantP := vuln.Provenance{Feed: FeedName, URL: f.URL, FetchedAt: fixedNow, SHA256: hex.EncodeToString(sum[:]), Records: 2, Rejected: 1}
	if p != wantP {
		t.Errorf("provenance = %+v, want %+v", p, wantP)
	}
	recs, err := f.Load(cache)
	if err != nil || len(recs) != 2 {
		t.Errorf("Load = %d records, %v", len(recs), err)
	}
}

// updateTwice makes a good cache, then runs a second update against srv2
// and checks that it fails and leaves the cache exactly as it was.
func updateFailsUntouched(t *testing.T, f2 *Feed) error {
	t.Helper()
	body := snapshot(t)
	good := serve(t, func(w http.ResponseWriter, r *http.Request) { w.Write(body) })
	cache := t.TempDir()
	if err := (&Feed{URL: good.URL, Clock: &fetch.FakeClock{T: fixedNow}}).Update(context.Background(), cache); err != nil {
		t.Fatal(err)
	}
	before := listTree(t, cache)
	prov, _ := os.ReadFile(filepath.Join(Dir(cache), vuln.ProvenanceFile))
	err := f2.Update(context.Background(), cache)
	if err == nil {
		t.Fatal("second update succeeded")
	}
	if after := listTree(t, cache); strings.Join(after, ",") != strings.Join(before, ",") {
		t.Errorf("cache changed:\n%v\n%v", before, after)
	}
	if p2, _ := os.ReadFile(filepath.Join(Dir(cache), vuln.ProvenanceFile)); !bytes.Equal(prov, p2) {
		t.Error("provenance changed")
	}
	return err
}

func TestUpdateCorruptTarball(t *testing.T) {
	body := snapshot(t)
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) { w.Write(body[:len(body)-40]) })
	err := updateFailsUntouched(t, &Feed{URL: srv.URL})
	if !strings.Contains(err.Error(), "reading tarball") {
		t.Errorf("err = %v", err)
	}
}

func TestUpdateChecksumMismatch(t *testing.T) {
	body := snapshot(t)
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) { w.Write(body) })
	err := updateFailsUntouched(t, &Feed{URL: srv.URL, SHA256: strings.Repeat("0", 64)})
	if !errors.Is(err, fetch.ErrChecksum) {
		t.Errorf("err = %v, want ErrChecksum", err)
	}
}

func TestUpdateBadRecord(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(tarOf(t, "testdata/happy", "vulns-master/", map[string]string{
		"cve/published/2099/CVE-2099-0006.json": `{"cveMetadata":{"cveId":"CVE-2099-0006","state":"PUBLISHED"},"containers":{"cna":{"descriptions":5}}}`,
	}))
	zw.Close()
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) { w.Write(buf.Bytes()) })
	err := updateFailsUntouched(t, &Feed{URL: srv.URL})
	if !strings.Contains(err.Error(), "verifying snapshot: cve/published/2099/CVE-2099-0006.json: offset 97: field containers.cna.descriptions: want array, got number") {
		t.Errorf("err = %v", err)
	}
}

func TestUpdateEmpty(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(tarOf(t, "testdata/sad", "vulns-master/other/", nil))
	zw.Close()
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) { w.Write(buf.Bytes()) })
	err := updateFailsUntouched(t, &Feed{URL: srv.URL})
	if !errors.Is(err, ErrEmpty) {
		t.Errorf("err = %v, want ErrEmpty", err)
	}
}

func TestUpdateRetries(t *testing.T) {
	body := snapshot(t)
	tries := 0
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		tries++
		if tries == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Write(body)
	})
	clock := &fetch.FakeClock{T: fixedNow}
	f := &Feed{URL: srv.URL, Clock: clock, Retries: 2, Backoff: 10 * time.Second}
	if err := f.Update(context.Background(), t.TempDir()); err != nil {
		t.Fatal(err)
	}
	if tries != 2 || len(clock.Slept) != 1 || clock.Slept[0] != 10*time.Second {
		t.Errorf("tries %d, slept %v; want 2 tries and one 10s wait", tries, clock.Slept)
	}
	// 404 is final: no retry.
	srv404 := serve(t, func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	err := (&Feed{URL: srv404.URL, Clock: clock, Retries: 2}).Update(context.Background(), t.TempDir())
	if !errors.Is(err, fetch.ErrStatus) || !strings.Contains(err.Error(), "404") {
		t.Errorf("404: err = %v", err)
	}
}
