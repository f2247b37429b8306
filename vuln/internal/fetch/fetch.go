// Package fetch holds the download plumbing the vulnerability feeds share:
// GET with retry and backoff, hashing while streaming, atomic file writes
// and directory swaps. It knows nothing of any feed's format.
package fetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"sysweight/internal/atomicfile"
	"sysweight/vuln"
)

// ErrStatus is wrapped by errors for HTTP responses other than 200.
var ErrStatus = errors.New("unexpected http status")

// ErrChecksum is wrapped when a download's sha256 is not the expected one.
var ErrChecksum = errors.New("checksum mismatch")

// Getter issues GET requests, retrying the answers that mean "later":
// 429 and 503, and 403, which NVD sends when a client exceeds its rate.
type Getter struct {
	HTTP       *http.Client // nil: http.DefaultClient
	Clock      vuln.Clock   // nil: vuln.SystemClock
	MaxRetries int          // retries after the first try; 0 means none
	Backoff    time.Duration
	UserAgent  string
	// Before, if set, runs before every try (NVD's rate limiter waits here,
	// so retries count against the rate too).
	Before func(ctx context.Context) error
	// Idle bounds how long a try waits for the response's headers, and
	// then for each read of its body to make progress; 0 means
	// DefaultIdle. A server that accepts and never answers ends the try.
	Idle time.Duration
}

// DefaultIdle is Getter.Idle's default.
const DefaultIdle = 60 * time.Second

// ErrIdle is wrapped when a server sends nothing for Getter.Idle.
var ErrIdle = errors.New("no data from the server")

// permanent reports a transport error that trying again will not cure:
// the host name does not resolve (offline, or a typo), or no route leads
// to it.
func permanent(err error) bool {
	var dns *net.DNSError
	return errors.As(err, &dns) || errors.Is(err, syscall.ENETUNREACH) || errors.Is(err, syscall.EHOSTUNREACH)
}

// idleBody is a response body whose reads must make progress within idle:
// each read pushes the deadline on; Close releases the request.
type idleBody struct {
	io.ReadCloser
	timer  *time.Timer
	idle   time.Duration
	cancel context.CancelFunc
	ctx    context.Context // the try's: cancelled when idle ran out
	parent context.Context
}

func (b *idleBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.timer.Reset(b.idle)
	}
	if err != nil && err != io.EOF && b.ctx.Err() != nil && b.parent.Err() == nil {
		err = fmt.Errorf("%w for %v", ErrIdle, b.idle)
	}
	return n, err
}

func (b *idleBody) Close() error {
	b.timer.Stop()
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

func (g *Getter) clock() vuln.Clock {
	if g.Clock == nil {
		return vuln.SystemClock{}
	}
	return g.Clock
}

// Retryable reports whether status is one Get retries.
func Retryable(status int) bool {
	return status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable || status == http.StatusForbidden
}

// Get returns a 200 response (the caller closes its body) or an error. It
// waits Backoff, 2·Backoff, 4·Backoff… between tries, or the server's
// Retry-After when that is longer.
func (g *Getter) Get(ctx context.Context, url string, hdr http.Header) (*http.Response, error) {
	client := g.HTTP
	if client == nil {
		client = http.DefaultClient
	}
	wait := g.Backoff
	idle := g.Idle
	if idle <= 0 {
		idle = DefaultIdle
	}
	for try := 0; ; try++ {
		if g.Before != nil {
			if err := g.Before(ctx); err != nil {
				return nil, fmt.Errorf("fetching %s: %w", url, err)
			}
		}
		tctx, cancel := context.WithCancel(ctx)
		timer := time.AfterFunc(idle, cancel)
		req, err := http.NewRequestWithContext(tctx, http.MethodGet, url, nil)
		if err != nil {
			timer.Stop()
			cancel()
			return nil, fmt.Errorf("fetching %s: %w", url, err)
		}
		for k, v := range hdr {
			req.Header[k] = v
		}
		if g.UserAgent != "" {
			req.Header.Set("User-Agent", g.UserAgent)
		}
		resp, err := client.Do(req)
		if err != nil || resp.StatusCode != http.StatusOK {
			timer.Stop()
		}
		var lastErr error
		switch {
		case err != nil:
			cancel()
			if ctx.Err() != nil {
				return nil, fmt.Errorf("fetching %s: %w", url, ctx.Err())
			}
			if tctx.Err() != nil && !permanent(err) {
				err = fmt.Errorf("%w for %v", ErrIdle, idle)
			}
			lastErr = fmt.Errorf("fetching %s: %w", url, err)
			if permanent(err) {
				return nil, lastErr
			}
		case resp.StatusCode == http.StatusOK:
			timer.Reset(idle)
			resp.Body = &idleBody{ReadCloser: resp.Body, timer: timer, idle: idle, cancel: cancel, ctx: tctx, parent: ctx}
			return resp, nil
		default:
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
			cancel()
			lastErr = fmt.Errorf("fetching %s: %s: %w", url, resp.Status, ErrStatus)
			if !Retryable(resp.StatusCode) {
				return nil, lastErr
			}
			if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && time.Duration(s)*time.Second > wait {
				wait = time.Duration(s) * time.Second
			}
		}
		if try >= g.MaxRetries {
			return nil, fmt.Errorf("%w (gave up after %d tries)", lastErr, try+1)
		}
		if err := g.clock().Sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("fetching %s: %w", url, err)
		}
		wait *= 2
	}
}

// HashReader hashes what is read through it with sha256.
type HashReader struct {
	R io.Reader
	h hash.Hash
	N int64
}

func NewHashReader(r io.Reader) *HashReader { return &HashReader{R: r, h: sha256.New()} }

func (h *HashReader) Read(p []byte) (int, error) {
	n, err := h.R.Read(p)
	h.h.Write(p[:n])
	h.N += int64(n)
	return n, err
}

// Sum returns the lowercase hex sha256 of the bytes read so far.
func (h *HashReader) Sum() string { return hex.EncodeToString(h.h.Sum(nil)) }

// SHA256 returns the lowercase hex sha256 of b.
func SHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// CheckSum compares a computed sum with an expected one ("" expects none).
func CheckSum(what, got, want string) error {
	if want != "" && got != want {
		return fmt.Errorf("%s: sha256 %s, want %s: %w", what, got, want, ErrChecksum)
	}
	return nil
}

// SwapDir puts the finished directory tmp in place of dst: dst moves
// aside, tmp is renamed to dst, and the old copy is removed. Both must be on
// the same file system (make tmp beside dst).
func SwapDir(tmp, dst string) error {
	old := dst + ".old"
	if err := os.RemoveAll(old); err != nil {
		return err
	}
	hadOld := true
	if err := os.Rename(dst, old); errors.Is(err, os.ErrNotExist) {
		hadOld = false
	} else if err != nil {
		return fmt.Errorf("moving %s aside: %w", dst, err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		if hadOld {
			os.Rename(old, dst) // put the previous copy back
		}
		return fmt.Errorf("swapping in %s: %w", dst, err)
	}
	return os.RemoveAll(old)
}

// WriteProvenance writes dir/provenance.json atomically.
func WriteProvenance(dir string, p vuln.Provenance) error {
	b, err := jsonIndent(p)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(dir, vuln.ProvenanceFile), b)
}
