package kernelcves

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"sysweight/internal/atomicfile"
	"sysweight/vuln"
	"sysweight/vuln/internal/fetch"
)

// DefaultURL is the file on the project's master branch.
const DefaultURL = "https://raw.githubusercontent.com/nluedtke/linux_kernel_cves/master/data/kernel_cves.json"

const (
	DirName  = "kernel-cves"      // the feed's folder in the cache directory
	FileName = "kernel_cves.json" // the file in it
)

// maxDownload bounds the download; the 2023 file is 4 MB.
const maxDownload = 256 << 20

// ErrEmpty is returned when a downloaded file holds no entries.
var ErrEmpty = errors.New("kernel_cves.json holds no entries")

// Feed downloads kernel_cves.json into cacheDir/kernel-cves.
type Feed struct {
	URL     string       // "" means DefaultURL
	SHA256  string       // expected sha256; "" checks none
	HTTP    *http.Client // nil: http.DefaultClient
	Clock   vuln.Clock   // nil: vuln.SystemClock
	Retries int
	Backoff time.Duration
}

func (f *Feed) Name() string { return FeedName }

// Dir is where Update puts the file under cacheDir.
func Dir(cacheDir string) string { return filepath.Join(cacheDir, DirName) }

func (f *Feed) url() string {
	if f.URL == "" {
		return DefaultURL
	}
	return f.URL
}

// Update downloads the file, checks that it parses and holds entries, and
// swaps the folder in with its provenance.json; on error the previous copy
// stays.
func (f *Feed) Update(ctx context.Context, cacheDir string) error {
	if err := f.update(ctx, cacheDir); err != nil {
		return fmt.Errorf("updating %s: %w", FeedName, err)
	}
	return nil
}

func (f *Feed) update(ctx context.Context, cacheDir string) error {
	g := &fetch.Getter{HTTP: f.HTTP, Clock: f.Clock, MaxRetries: f.Retries, Backoff: f.Backoff, UserAgent: "sysweight"}
	resp, err := g.Get(ctx, f.url(), nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxDownload+1))
	if err != nil {
		return fmt.Errorf("%s: %w", f.url(), err)
	}
	if len(b) > maxDownload {
		return fmt.Errorf("%s: larger than %d bytes", f.url(), maxDownload)
	}
	sum := fetch.SHA256(b)
	if err := fetch.CheckSum(f.url(), sum, f.SHA256); err != nil {
		return err
	}
	parsed, err := Parse(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("%s: %w", f.url(), err)
	}
	if len(parsed.Entries) == 0 {
		return fmt.Errorf("%s: %w", f.url(), ErrEmpty)
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(cacheDir, "."+DirName+".tmp*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := atomicfile.WriteFile(filepath.Join(tmp, FileName), b); err != nil {
		return err
	}
	clock := f.Clock
	if clock == nil {
		clock = vuln.SystemClock{}
	}
	prov := vuln.Provenance{Feed: FeedName, URL: f.url(), FetchedAt: clock.Now(), SHA256: sum,
		Records: len(parsed.Entries), Rejected: len(parsed.Rejected)}
	if err := fetch.WriteProvenance(tmp, prov); err != nil {
		return err
	}
	return fetch.SwapDir(tmp, Dir(cacheDir))
}

// Load reads the cached copy that Update made.
func (f *Feed) Load(cacheDir string) ([]vuln.Record, error) {
	fh, err := os.Open(filepath.Join(Dir(cacheDir), FileName))
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	parsed, err := Parse(fh)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(Dir(cacheDir), FileName), err)
	}
	return parsed.Records(), nil
}
