package update

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"sysweight/vuln"
	"sysweight/vuln/kernelcna"
	"sysweight/vuln/kernelcves"
	"sysweight/vuln/nvd"
)

// Options configures every feed. Zero values mean each feed's defaults:
// the public URLs, no checksum, NVD's public rate limit.
type Options struct {
	KernelCNAURL     string // tarball of the vulns repository (.tar.gz/.tar.xz)
	KernelCNASHA256  string
	KernelCVEsURL    string
	KernelCVEsSHA256 string
	NVDURL           string
	NVDAPIKey        string
	NVDQuery         url.Values
	NVDPageSize      int
	NVDLimit         nvd.RateLimit
	HTTP             *http.Client
	Clock            vuln.Clock
	Retries          int           // 0 means DefaultRetries; negative means none
	Backoff          time.Duration // 0 means DefaultBackoff
}

const (
	DefaultRetries = 4
	// DefaultBackoff is the pause NVD recommends between requests.
	DefaultBackoff = 6 * time.Second
)

// Feeds returns the feeds in order of preference for Merge: the kernel
// CNA's own records first, then linux_kernel_cves for the years before it,
// then NVD.
func Feeds(o Options) []vuln.Feed {
	retries, backoff := o.Retries, o.Backoff
	if retries == 0 {
		retries = DefaultRetries
	}
	if retries < 0 {
		retries = 0
	}
	if backoff == 0 {
		backoff = DefaultBackoff
	}
	return []vuln.Feed{
		&kernelcna.Feed{URL: o.KernelCNAURL, SHA256: o.KernelCNASHA256, HTTP: o.HTTP, Clock: o.Clock, Retries: retries, Backoff: backoff},
		&kernelcves.Feed{URL: o.KernelCVEsURL, SHA256: o.KernelCVEsSHA256, HTTP: o.HTTP, Clock: o.Clock, Retries: retries, Backoff: backoff},
		&nvd.Feed{URL: o.NVDURL, APIKey: o.NVDAPIKey, Query: o.NVDQuery, PageSize: o.NVDPageSize, Limit: o.NVDLimit,
			HTTP: o.HTTP, Clock: o.Clock, Retries: retries, Backoff: backoff},
	}
}

// ErrUnknownFeed is returned by Select for a name no feed has.
var ErrUnknownFeed = errors.New("unknown feed")

// Select keeps the feeds with the given names, in the registry's order;
// no names keeps all.
func Select(feeds []vuln.Feed, names ...string) ([]vuln.Feed, error) {
	if len(names) == 0 {
		return feeds, nil
	}
	var out []vuln.Feed
	for _, n := range names {
		if !slices.ContainsFunc(feeds, func(f vuln.Feed) bool { return f.Name() == n }) {
			var known []string
			for _, f := range feeds {
				known = append(known, f.Name())
			}
			return nil, fmt.Errorf("feed %q: %w (have %v)", n, ErrUnknownFeed, known)
		}
	}
	for _, f := range feeds {
		if slices.Contains(names, f.Name()) {
			out = append(out, f)
		}
	}
	return out, nil
}

// Result is the outcome of one feed's update.
type Result struct {
	Feed string
	Err  error
	Took time.Duration
}

// Run updates the feeds side by side (they come from different servers),
// so that one feed's outage does not hold back the others. The results
// are in the feeds' order; the error joins the failures; each feed's cache
// is either fully replaced or untouched.
func Run(ctx context.Context, cacheDir string, feeds []vuln.Feed) ([]Result, error) {
	res := make([]Result, len(feeds))
	var wg sync.WaitGroup
	for i, f := range feeds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			err := ctx.Err()
			if err == nil {
				err = f.Update(ctx, cacheDir)
			}
			res[i] = Result{Feed: f.Name(), Err: err, Took: time.Since(start)}
		}()
	}
	wg.Wait()
	var errs []error
	for _, r := range res {
		if r.Err != nil {
			errs = append(errs, r.Err)
		}
	}
	return res, errors.Join(errs...)
}

// Load reads every feed's cached copy and merges the records by CVE id, in
// the feeds' order of preference. A feed that is not a vuln.Loader is
// skipped; a feed whose cache is missing or bad fails the load.
func Load(cacheDir string, feeds []vuln.Feed) ([]vuln.Record, error) {
	var all [][]vuln.Record
	for _, f := range feeds {
		l, ok := f.(vuln.Loader)
		if !ok {
			continue
		}
		recs, err := l.Load(cacheDir)
		if err != nil {
			return nil, fmt.Errorf("loading %s: %w", f.Name(), err)
		}
		all = append(all, recs)
	}
	return vuln.Merge(all...), nil
}
