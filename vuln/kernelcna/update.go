package kernelcna

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"sysweight/internal/xz"
	"sysweight/vuln"
	"sysweight/vuln/internal/fetch"
)

// DefaultURL is cgit's snapshot of the vulns repository's master branch.
const DefaultURL = "https://git.kernel.org/pub/scm/linux/security/vulns.git/snapshot/vulns-master.tar.gz"

// DirName is the feed's folder in the cache directory.
const DirName = "kernel-cna"

// ErrEmpty is returned when a downloaded snapshot holds no records.
var ErrEmpty = errors.New("snapshot holds no published records")

// Feed downloads the vulns repository as a tarball (.tar.gz, .tar.xz or
// plain .tar, told apart by their magic bytes) and keeps only
// cve/published/**/CVE-*.json and .cvss in cacheDir/kernel-cna.
type Feed struct {
	URL     string       // "" means DefaultURL
	SHA256  string       // expected sha256 of the tarball; "" checks none
	HTTP    *http.Client // nil: http.DefaultClient
	Clock   vuln.Clock   // nil: vuln.SystemClock
	Retries int          // retries on 403/429/503 and network errors
	Backoff time.Duration
}

func (f *Feed) Name() string { return FeedName }

// Dir is where Update puts the tree under cacheDir.
func Dir(cacheDir string) string { return filepath.Join(cacheDir, DirName) }

func (f *Feed) url() string {
	if f.URL == "" {
		return DefaultURL
	}
	return f.URL
}

func (f *Feed) clock() vuln.Clock {
	if f.Clock == nil {
		return vuln.SystemClock{}
	}
	return f.Clock
}

// Update streams the tarball into a temporary folder beside the cached
// copy, verifies it (checksum, at least one record, every record and .cvss
// parses), writes provenance.json and only then swaps it in. On any error
// the previous copy is left as it was.
func (f *Feed) Update(ctx context.Context, cacheDir string) error {
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return fmt.Errorf("updating %s: %w", FeedName, err)
	}
	tmp, err := os.MkdirTemp(cacheDir, "."+DirName+".tmp*")
	if err != nil {
		return fmt.Errorf("updating %s: %w", FeedName, err)
	}
	defer os.RemoveAll(tmp) // after a successful swap it no longer exists
	prov, err := f.fetchInto(ctx, tmp)
	if err != nil {
		return fmt.Errorf("updating %s: %w", FeedName, err)
	}
	if err := fetch.WriteProvenance(tmp, prov); err != nil {
		return fmt.Errorf("updating %s: %w", FeedName, err)
	}
	if err := fetch.SwapDir(tmp, Dir(cacheDir)); err != nil {
		return fmt.Errorf("updating %s: %w", FeedName, err)
	}
	return nil
}

func (f *Feed) fetchInto(ctx context.Context, tmp string) (vuln.Provenance, error) {
	g := &fetch.Getter{HTTP: f.HTTP, Clock: f.Clock, MaxRetries: f.Retries, Backoff: f.Backoff, UserAgent: "sysweight"}
	resp, err := g.Get(ctx, f.url(), nil)
	if err != nil {
		return vuln.Provenance{}, err
	}
	defer resp.Body.Close()
	hr := fetch.NewHashReader(resp.Body)
	n, err := extract(hr, tmp)
	if err != nil {
		return vuln.Provenance{}, fmt.Errorf("%s: %w", f.url(), err)
	}
	// Hash the whole download, including any padding after the archive.
	if _, err := io.Copy(io.Discard, hr); err != nil {
		return vuln.Provenance{}, fmt.Errorf("%s: %w", f.url(), err)
	}
	sum := hr.Sum()
	if err := fetch.CheckSum(f.url(), sum, f.SHA256); err != nil {
		return vuln.Provenance{}, err
	}
	if n == 0 {
		return vuln.Provenance{}, fmt.Errorf("%s: %w", f.url(), ErrEmpty)
	}
	recs, st, err := ReadDir(tmp)
	if err != nil {
		return vuln.Provenance{}, fmt.Errorf("verifying snapshot: %w", err)
	}
	if len(recs) == 0 {
		return vuln.Provenance{}, fmt.Errorf("%s: %w", f.url(), ErrEmpty)
	}
	return vuln.Provenance{Feed: FeedName, URL: f.url(), FetchedAt: f.clock().Now(), SHA256: sum,
		Records: len(recs), Rejected: st.Rejected}, nil
}

// extract unpacks the record files of a (compressed) tar stream into dir
// and returns how many it wrote.
func extract(r io.Reader, dir string) (int, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	magic, _ := br.Peek(6)
	var tr *tar.Reader
	switch {
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return 0, fmt.Errorf("opening gzip stream: %w", err)
		}
		tr = tar.NewReader(zr)
	case bytes.Equal(magic, []byte{0xfd, '7', 'z', 'X', 'Z', 0}):
		xr, err := xz.NewReader(br)
		if err != nil {
			return 0, fmt.Errorf("opening xz stream: %w", err)
		}
		tr = tar.NewReader(xr)
	default:
		tr = tar.NewReader(br)
	}
	made := map[string]bool{}
	n := 0
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, fmt.Errorf("reading tarball: %w", err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		// classify accepts only cve/published/YYYY/CVE-YYYY-N.{json,cvss}, so
		// rel cannot climb out of dir.
		rel, _, kind := classify(h.Name)
		if kind == notMember {
			continue
		}
		if h.Size > maxMember {
			return n, fmt.Errorf("tarball member %s: %d bytes, want at most %d: %w", h.Name, h.Size, maxMember, ErrBadRecord)
		}
		dst := filepath.Join(dir, filepath.FromSlash(rel))
		if d := filepath.Dir(dst); !made[d] {
			if err := os.MkdirAll(d, 0o755); err != nil {
				return n, err
			}
			made[d] = true
		}
		if err := writeMember(dst, tr, h.Size); err != nil {
			return n, fmt.Errorf("tarball member %s: %w", h.Name, err)
		}
		n++
	}
}

func writeMember(dst string, r io.Reader, size int64) error {
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, err = io.CopyN(out, r, size)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// Load reads the records of the cached copy that Update made.
func (f *Feed) Load(cacheDir string) ([]vuln.Record, error) {
	recs, _, err := ReadDir(Dir(cacheDir))
	return recs, err
}
