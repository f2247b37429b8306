package update

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"sysweight/vuln"
	"sysweight/vuln/registry"
)

const (
	DefaultRetries = 4
	// DefaultBackoff is the pause NVD recommends between requests.
	DefaultBackoff = 6 * time.Second
)

// Feeds returns the fetchers of the registry's feeds, in its order
// (of preference for Merge), configured from o. o's Retries 0 means
// DefaultRetries, negative none; Backoff 0 means DefaultBackoff.
func Feeds(r registry.Registry, o registry.Options) []vuln.Feed {
	if o.Retries == 0 {
		o.Retries = DefaultRetries
	}
	if o.Retries < 0 {
		o.Retries = 0
	}
	if o.Backoff == 0 {
		o.Backoff = DefaultBackoff
	}
	var feeds []vuln.Feed
	for _, f := range r.Feeds {
		feeds = append(feeds, f.New(o))
	}
	return feeds
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
