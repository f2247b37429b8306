package fetch

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestSwapDir(t *testing.T) {
	root := t.TempDir()
	dst := filepath.Join(root, "feed")
	for i, content := range []string{"one", "two"} {
		tmp := filepath.Join(root, ".tmp")
		os.MkdirAll(tmp, 0o755)
		if err := WriteFileAtomic(filepath.Join(tmp, "f"), []byte(content)); err != nil {
			t.Fatal(err)
		}
		if err := SwapDir(tmp, dst); err != nil {
			t.Fatalf("swap %d: %v", i, err)
		}
		if b, _ := os.ReadFile(filepath.Join(dst, "f")); string(b) != content {
			t.Errorf("swap %d: dst holds %q", i, b)
		}
	}
	ents, _ := os.ReadDir(root)
	if len(ents) != 1 {
		t.Errorf("root holds %d entries, want only feed (no .old, no temp files)", len(ents))
	}
	// A missing tmp fails and puts the previous copy back.
	if err := SwapDir(filepath.Join(root, "nope"), dst); err == nil {
		t.Fatal("swap of a missing dir succeeded")
	}
	if b, _ := os.ReadFile(filepath.Join(dst, "f")); string(b) != "two" {
		t.Errorf("previous copy not restored: %q", b)
	}
}

func TestGetBackoffDoubles(t *testing.T) {
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n++; n <= 3 {
			w.WriteHeader(http.StatusForbidden) // NVD's "rate limit exceeded"
			return
		}
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	clock := &FakeClock{}
	g := &Getter{Clock: clock, MaxRetries: 3, Backoff: time.Second}
	resp, err := g.Get(context.Background(), srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}
	if len(clock.Slept) != 3 || clock.Slept[0] != want[0] || clock.Slept[1] != want[1] || clock.Slept[2] != want[2] {
		t.Errorf("slept %v, want %v", clock.Slept, want)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := g.Get(ctx, srv.URL, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}
