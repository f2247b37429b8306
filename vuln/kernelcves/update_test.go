package kernelcves

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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
)

func TestUpdate(t *testing.T) {
	body, err := os.ReadFile("testdata/kernel_cves.json")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	tries := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tries++; tries == 1 {
			w.Header().Set("Retry-After", "30")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Write(body)
	}))
	defer srv.Close()
	now := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	clock := &fetch.FakeClock{T: now}
	cache := t.TempDir()
	f := &Feed{URL: srv.URL + "/kernel_cves.json", Clock: clock, Retries: 1, Backoff: time.Second}
	if err := f.Update(context.Background(), cache); err != nil {
		t.Fatal(err)
	}
	// 429 with Retry-After: 30 waits 30 s, longer than the 1 s backoff.
	if len(clock.Slept) != 1 || clock.Slept[0] != 30*time.Second {
		t.Errorf("slept %v, want [30s]", clock.Slept)
	}
	p, err := vuln.ReadProvenance(Dir(cache))
	if err != nil {
		t.Fatal(err)
	}
	want := vuln.Provenance{Feed: FeedName, URL: f.URL, FetchedAt: now.Add(30 * time.Second), SHA256: hex.EncodeToString(sum[:]), Records: 3, Rejected: 1}
	if p != want {
		t.Errorf("provenance %+v, want %+v", p, want)
	}
	if got, _ := os.ReadFile(filepath.Join(Dir(cache), FileName)); string(got) != string(body) {
		t.Error("cached file differs from the download")
	}
	recs, err := f.Load(cache)
	if err != nil || len(recs) != 3 {
		t.Errorf("Load: %d, %v", len(recs), err)
	}

	// A bad download leaves the good copy alone.
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"CVE-2099-0001": {"cvss2": "x"}}`))
	}))
	defer bad.Close()
	err = (&Feed{URL: bad.URL}).Update(context.Background(), cache)
	if !errors.Is(err, ErrBadFile) || !strings.Contains(err.Error(), "CVE-2099-0001: field cvss2") {
		t.Errorf("bad file: err = %v", err)
	}
	err = (&Feed{URL: srv.URL, SHA256: strings.Repeat("a", 64)}).Update(context.Background(), cache)
	if !errors.Is(err, fetch.ErrChecksum) {
		t.Errorf("checksum: err = %v", err)
	}
	if p2, _ := vuln.ReadProvenance(Dir(cache)); p2 != want {
		t.Errorf("provenance changed by failed updates: %+v", p2)
	}
	ents, _ := os.ReadDir(cache)
	if len(ents) != 1 {
		t.Errorf("cache holds %d entries, want only %s", len(ents), DirName)
	}
}
