package fetch

import (
	"context"
	"errors"
	"io"
	"net"
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
		if err := os.WriteFile(filepath.Join(tmp, "f"), []byte(content), 0o644); err != nil {
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

// TestGetIdleServer: a server that accepts and never answers ends the try
// after Idle, and a body that stops sending ends the read.
func TestGetIdleServer(t *testing.T) {
	stop := make(chan struct{})
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/body" {
			w.Write([]byte("first bytes"))
			w.(http.Flusher).Flush()
		}
		select {
		case <-stop:
		case <-r.Context().Done():
		}
	}))
	defer s.Close()
	defer close(stop)
	g := &Getter{Idle: 200 * time.Millisecond}
	start := time.Now()
	_, err := g.Get(context.Background(), s.URL+"/headers", nil)
	if !errors.Is(err, ErrIdle) {
		t.Errorf("Get of a server that never answers: %v, want ErrIdle", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("gave up after %v, want about 200 ms", d)
	}
	resp, err := g.Get(context.Background(), s.URL+"/body", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	start = time.Now()
	b, err := io.ReadAll(resp.Body)
	if string(b) != "first bytes" || !errors.Is(err, ErrIdle) {
		t.Errorf("read of a stalled body: %q, %v; want the first bytes and ErrIdle", b, err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("read gave up after %v, want about 200 ms", d)
	}
}

// TestGetNoRetryWhenNameUnknown: a host name that does not resolve (.invalid
// never does, RFC 6761) fails at once, without the retries meant for
// overloaded servers.
func TestGetNoRetryWhenNameUnknown(t *testing.T) {
	tries := 0
	g := &Getter{MaxRetries: 4, Backoff: time.Hour, Clock: &FakeClock{T: time.Unix(0, 0)},
		Before: func(context.Context) error { tries++; return nil }}
	_, err := g.Get(context.Background(), "http://sysweight-test.invalid/feed.json", nil)
	var dns *net.DNSError
	if !errors.As(err, &dns) {
		t.Skipf("the resolver did not answer with a DNS error here: %v", err)
	}
	if tries != 1 {
		t.Errorf("%d tries for a name that does not resolve, want 1: %v", tries, err)
	}
}
