package nvd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"sysweight/internal/atomicfile"
	"sysweight/internal/infile"
	"sysweight/vuln"
	"sysweight/vuln/internal/fetch"
)

// DefaultURL is the CVE API 2.0 endpoint.
const DefaultURL = "https://services.nvd.nist.gov/rest/json/cves/2.0"

// MaxPageSize is the API's largest resultsPerPage for CVEs.
const MaxPageSize = 2000

const (
	DirName     = "nvd"          // the feed's folder in the cache directory
	RecordsFile = "records.json" // []vuln.Record, sorted by id
	stateFile   = "state.json"   // progress of an unfinished update
	partialDir  = ".nvd.partial" // pages fetched so far, beside DirName
)

// DefaultQuery selects every CVE whose configurations match any version of
// the Linux kernel (virtualMatchString accepts a CPE with wildcards; cpeName
// needs one exact CPE).
func DefaultQuery() url.Values {
	return url.Values{"virtualMatchString": {"cpe:2.3:o:linux:linux_kernel:*:*:*:*:*:*:*:*"}}
}

// RateLimit allows Requests requests in any window of length Per.
type RateLimit struct {
	Requests int
	Per      time.Duration
}

// NVD's published limits (nvd.nist.gov/developers/start-here).
var (
	PublicLimit = RateLimit{Requests: 5, Per: 30 * time.Second}
	KeyLimit    = RateLimit{Requests: 50, Per: 30 * time.Second}
)

// ErrStalled is returned when a page holds no results although the total
// says more remain, which would otherwise loop for ever.
var ErrStalled = errors.New("nvd paging made no progress")

// Feed downloads NVD's records for a query into cacheDir/nvd.
type Feed struct {
	URL      string       // "" means DefaultURL
	APIKey   string       // sent as the apiKey header; raises the rate limit
	Query    url.Values   // nil means DefaultQuery(); startIndex and resultsPerPage are set by Update
	PageSize int          // 0 means MaxPageSize
	Limit    RateLimit    // zero means PublicLimit, or KeyLimit with an APIKey
	HTTP     *http.Client // nil: http.DefaultClient
	Clock    vuln.Clock   // nil: vuln.SystemClock
	Retries  int          // retries of one page on 403/429/503 and network errors
	Backoff  time.Duration
}

func (f *Feed) Name() string { return FeedName }

// Dir is where Update puts the records under cacheDir.
func Dir(cacheDir string) string { return filepath.Join(cacheDir, DirName) }

func (f *Feed) settings() (base string, q url.Values, size int, lim RateLimit, clock vuln.Clock) {
	base, q, size, lim, clock = f.URL, url.Values{}, f.PageSize, f.Limit, f.Clock
	if base == "" {
		base = DefaultURL
	}
	src := f.Query
	if src == nil {
		src = DefaultQuery()
	}
	for k, v := range src {
		if k != "startIndex" && k != "resultsPerPage" {
			q[k] = v
		}
	}
	if size <= 0 || size > MaxPageSize {
		size = MaxPageSize
	}
	if lim.Requests <= 0 || lim.Per <= 0 {
		lim = PublicLimit
		if f.APIKey != "" {
			lim = KeyLimit
		}
	}
	if clock == nil {
		clock = vuln.SystemClock{}
	}
	return
}

// state is the progress persisted after every page.
type state struct {
	Query        string    `json:"query"` // URL without startIndex: a different query starts over
	NextIndex    int       `json:"nextIndex"`
	Pages        int       `json:"pages"`
	TotalResults int       `json:"totalResults"`
	Rejected     int       `json:"rejected"`
	Started      time.Time `json:"started"`
}

// Update pages through the query from startIndex 0, or from where an
// interrupted run stopped, writing each page's records and the progress to
// cacheDir/.nvd.partial as it goes. When the last page is in, it writes
// records.json and provenance.json and swaps the folder in for
// cacheDir/nvd.
func (f *Feed) Update(ctx context.Context, cacheDir string) error {
	if err := f.update(ctx, cacheDir); err != nil {
		return fmt.Errorf("updating %s: %w", FeedName, err)
	}
	return nil
}

func (f *Feed) update(ctx context.Context, cacheDir string) (err error) {
	base, q, size, lim, clock := f.settings()
	q.Set("resultsPerPage", strconv.Itoa(size))
	queryURL := base + "?" + q.Encode()
	part := filepath.Join(cacheDir, partialDir)
	st, err := loadState(part, queryURL)
	if err != nil {
		return err
	}
	if st.Pages == 0 {
		if err := os.RemoveAll(part); err != nil {
			return err
		}
		if err := os.MkdirAll(part, 0o755); err != nil {
			return err
		}
		st = state{Query: queryURL, Started: clock.Now()}
		defer func() {
			if err != nil && st.Pages == 0 {
				// nothing to resume from: the cache as it was
				os.RemoveAll(part)
			}
		}()
	}
	limiter := &limiter{lim: lim, clock: clock}
	g := &fetch.Getter{HTTP: f.HTTP, Clock: clock, MaxRetries: f.Retries, Backoff: f.Backoff,
		UserAgent: "sysweight", Before: limiter.wait}
	hdr := http.Header{}
	if f.APIKey != "" {
		hdr.Set("apiKey", f.APIKey)
	}
	for st.Pages == 0 || st.NextIndex < st.TotalResults {
		q.Set("startIndex", strconv.Itoa(st.NextIndex))
		pageURL := base + "?" + q.Encode()
		p, err := f.page(ctx, g, pageURL, hdr)
		if err != nil {
			return err
		}
		if p.StartIndex != st.NextIndex {
			return fmt.Errorf("%s: field startIndex: want %d, got %d: %w", pageURL, st.NextIndex, p.StartIndex, ErrBadPage)
		}
		if p.Results == 0 && p.StartIndex < p.TotalResults {
			return fmt.Errorf("%s: empty page at %d of %d: %w", pageURL, p.StartIndex, p.TotalResults, ErrStalled)
		}
		b, err := json.Marshal(p.Records)
		if err != nil {
			return err
		}
		if err := atomicfile.WriteFile(filepath.Join(part, pageName(st.Pages)), b); err != nil {
			return err
		}
		st.Pages++
		st.NextIndex += p.Results
		st.TotalResults = p.TotalResults
		st.Rejected += len(p.Rejected)
		if err := writeJSON(filepath.Join(part, stateFile), st); err != nil {
			return err
		}
	}
	return finish(part, Dir(cacheDir), st, vuln.Provenance{Feed: FeedName, URL: queryURL, FetchedAt: clock.Now()})
}

func (f *Feed) page(ctx context.Context, g *fetch.Getter, pageURL string, hdr http.Header) (*Page, error) {
	resp, err := g.Get(ctx, pageURL, hdr)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	p, err := ParsePage(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", pageURL, err)
	}
	return p, nil
}

func pageName(i int) string { return fmt.Sprintf("page-%06d.json", i) }

// loadState returns the saved progress for queryURL, or a zero state when
// there is none or it belongs to another query.
func loadState(part, queryURL string) (state, error) {
	b, err := os.ReadFile(filepath.Join(part, stateFile))
	if errors.Is(err, os.ErrNotExist) {
		return state{}, nil
	}
	if err != nil {
		return state{}, err
	}
	var st state
	if json.Unmarshal(b, &st) != nil || st.Query != queryURL {
		return state{}, nil // unreadable or another query: start over
	}
	for i := range st.Pages {
		if _, err := os.Stat(filepath.Join(part, pageName(i))); err != nil {
			return state{}, nil
		}
	}
	return st, nil
}

// finish merges the pages into records.json, writes provenance and swaps
// the partial folder in as dst.
func finish(part, dst string, st state, prov vuln.Provenance) error {
	var all []vuln.Record
	for i := range st.Pages {
		b, err := os.ReadFile(filepath.Join(part, pageName(i)))
		if err != nil {
			return err
		}
		var recs []vuln.Record
		if err := json.Unmarshal(b, &recs); err != nil {
			return fmt.Errorf("%s: %w", pageName(i), err)
		}
		all = append(all, recs...)
	}
	// A CVE can appear on two pages when NVD's list shifts between
	// requests; Merge keeps one record per id.
	all = vuln.Merge(all)
	b, err := json.MarshalIndent(all, "", " ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if err := atomicfile.WriteFile(filepath.Join(part, RecordsFile), b); err != nil {
		return err
	}
	prov.SHA256 = fetch.SHA256(b)
	prov.Records = len(all)
	prov.Rejected = st.Rejected
	if err := fetch.WriteProvenance(part, prov); err != nil {
		return err
	}
	for i := range st.Pages {
		os.Remove(filepath.Join(part, pageName(i)))
	}
	os.Remove(filepath.Join(part, stateFile))
	return fetch.SwapDir(part, dst)
}

func writeJSON(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, b)
}

// limiter keeps at most lim.Requests request starts in any window of
// lim.Per, measured on the injected clock.
type limiter struct {
	mu    sync.Mutex
	lim   RateLimit
	clock vuln.Clock
	sent  []time.Time
}

func (l *limiter) wait(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.sent) >= l.lim.Requests {
		oldest := l.sent[len(l.sent)-l.lim.Requests]
		if d := oldest.Add(l.lim.Per).Sub(l.clock.Now()); d > 0 {
			if err := l.clock.Sleep(ctx, d); err != nil {
				return err
			}
		}
	}
	l.sent = append(l.sent, l.clock.Now())
	if len(l.sent) > l.lim.Requests {
		l.sent = l.sent[len(l.sent)-l.lim.Requests:]
	}
	return nil
}

// Load reads the records file of the cached copy that Update made.
func (f *Feed) Load(cacheDir string) ([]vuln.Record, error) {
	return ReadRecords(filepath.Join(Dir(cacheDir), RecordsFile))
}

// ReadRecords reads a records.json written by Update.
func ReadRecords(path string) ([]vuln.Record, error) {
	b, err := infile.ReadFile(path) // a FIFO in the cache would block
	if err != nil {
		return nil, err
	}
	var recs []vuln.Record
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&recs); err != nil {
		return nil, fmt.Errorf("decoding %s: %w", path, err)
	}
	return recs, nil
}
