package registry

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"sysweight/internal/infile"
	"sysweight/kernel/analysis"
	"sysweight/syscalls"
	"sysweight/vuln"
	"sysweight/vuln/db"
	"sysweight/vuln/exploitdb"
	"sysweight/vuln/kernelcna"
	"sysweight/vuln/kernelcves"
	"sysweight/vuln/nvd"
	"sysweight/vuln/syzbot"
)

// Registry is every input a weight DB is built from.
type Registry struct {
	// Feeds are the CVE feeds in order of preference for vuln.Merge.
	Feeds []Feed
	// Counted are the metrics db.Assemble counts from the attributed
	// CVEs of the feeds; they come first in the DB's meta.metrics.
	Counted []string
	// Tables are the per-syscall tables, in the order their metrics and
	// sources follow in the DB's metadata.
	Tables []Table
}

// A Feed is one source of CVE records.
type Feed struct {
	// Name names the feed in the DB's sources and in db update's --feeds.
	Name string
	// Flag is the stem of db build's --FLAG, --FLAG-version and
	// --FLAG-date; "" when db build reads the feed only from --cache.
	Flag string
	// Required: db build fails without it; the other feeds are optional.
	Required bool
	// Origin is the source's origin in the DB when no provenance.json
	// names a URL.
	Origin string
	// Usage is the help of db build's flags: the input, its version,
	// its date.
	Usage, VersionUsage, DateUsage string
	// About is db update's help line for the feed; a newline starts a
	// continuation line.
	About string
	// Settings are db update's flags for the feed (URL, checksum, key).
	Settings []Setting
	// New configures the fetcher db update runs; o carries every
	// feed's settings by flag name.
	New func(o Options) vuln.Feed
	// Cached is the file or directory New's fetcher leaves under the
	// cache directory, which db build --cache reads.
	Cached func(cache string) string
	// Read reads an input for db build, with a note for --timing ("" for
	// none).
	Read func(path string) ([]vuln.Record, string, error)
}

// Setting is a string flag of db update.
type Setting struct {
	Flag, Usage string
	Env         string // the default is this environment variable's value; "" for none
}

// Options configure every feed's fetcher: its settings by flag name
// (Feed.Settings) and what they share. vuln/update fills in the retry
// defaults.
type Options struct {
	Settings map[string]string
	HTTP     *http.Client
	Clock    vuln.Clock
	Retries  int
	Backoff  time.Duration
}

// A Table is one per-syscall table of db build, given as --FLAG:
// embedded, a file, or none.
type Table struct {
	Flag  string
	Usage string
	// Metrics are the DB metrics (db.Metrics) it fills, in meta.metrics'
	// order.
	Metrics []string
	// Embedded is the table that ships with sysweight; Decode reads one
	// from a file.
	Embedded func() (*Part, error)
	Decode   func(r io.Reader) (*Part, error)
}

// Part is what a table adds to a DB.
type Part struct {
	// Syscalls carry, per syscall name, the fields of the table's
	// metrics (db.CopyMetric copies them).
	Syscalls map[string]db.Syscall
	Source   db.Source
	// Note records what the metadata says of the table (meta.exploits,
	// meta.kernel…); nil for nothing.
	Note func(*db.Meta)
}

// Feed returns the feed named name.
func (r Registry) Feed(name string) (Feed, bool) {
	for _, f := range r.Feeds {
		if f.Name == name {
			return f, true
		}
	}
	return Feed{}, false
}

// FeedNames are the feeds' names, in order.
func (r Registry) FeedNames() []string {
	var names []string
	for _, f := range r.Feeds {
		names = append(names, f.Name)
	}
	return names
}

// Metrics are the metrics a build with every table gives, in meta.metrics'
// order.
func (r Registry) Metrics() []string {
	out := append([]string(nil), r.Counted...)
	for _, t := range r.Tables {
		out = append(out, t.Metrics...)
	}
	return out
}

// Default is sysweight's registry.
func Default() Registry {
	return Registry{
		Feeds:   []Feed{kernelCNA, kernelCVEs, nvdFeed},
		Counted: []string{"cves", "severity"},
		Tables:  []Table{exploitsTable, kernelTable, triggersTable},
	}
}

// The feeds, in order of preference for Merge: the kernel CNA's own
// records first, then linux_kernel_cves for the years before it, then NVD.
var (
	kernelCNA = Feed{
		Name:         kernelcna.FeedName,
		Flag:         "kernel-cna",
		Required:     true,
		Origin:       "Linux kernel CNA vulns repository (cve/published/**)",
		Usage:        "kernel CNA records: directory or .tar.xz (required unless --cache)",
		VersionUsage: "commit of the kernel CNA vulns repository the input holds",
		DateUsage:    "date (YYYY-MM-DD) of that commit (default: from the file name or provenance.json)",
		About:        "the kernel CNA vulns repository snapshot (cve/published/**)",
		Settings: []Setting{
			{Flag: "kernel-cna-url", Usage: "tarball of the kernel CNA vulns repository (default: the kernel.org snapshot)"},
			{Flag: "kernel-cna-sha256", Usage: "expected sha256 of that tarball"},
		},
		New: func(o Options) vuln.Feed {
			return &kernelcna.Feed{URL: o.Settings["kernel-cna-url"], SHA256: o.Settings["kernel-cna-sha256"],
				HTTP: o.HTTP, Clock: o.Clock, Retries: o.Retries, Backoff: o.Backoff}
		},
		Cached: kernelcna.Dir,
		Read:   readCNA,
	}
	kernelCVEs = Feed{
		Name:         kernelcves.FeedName,
		Flag:         "kernel-cves",
		Origin:       "github.com/nluedtke/linux_kernel_cves data/kernel_cves.json",
		Usage:        "linux_kernel_cves kernel_cves.json (optionally .xz)",
		VersionUsage: "commit of linux_kernel_cves the input holds",
		DateUsage:    "date (YYYY-MM-DD) of that commit (default: from the file name)",
		About:        "data/kernel_cves.json",
		Settings: []Setting{
			{Flag: "kernel-cves-url", Usage: "URL of linux_kernel_cves kernel_cves.json"},
		},
		New: func(o Options) vuln.Feed {
			return &kernelcves.Feed{URL: o.Settings["kernel-cves-url"], HTTP: o.HTTP, Clock: o.Clock, Retries: o.Retries, Backoff: o.Backoff}
		},
		Cached: func(cache string) string { return filepath.Join(kernelcves.Dir(cache), kernelcves.FileName) },
		Read:   readKernelCVEs,
	}
	nvdFeed = Feed{
		Name:   nvd.FeedName,
		Origin: "NVD CVE API 2.0",
		About: "CVSS scores from the NVD CVE API 2.0 (paged, rate limited\n" +
			"to 5 requests/30 s, or 50 with --nvd-api-key; resumes an\ninterrupted download)",
		Settings: []Setting{
			{Flag: "nvd-url", Usage: "NVD CVE API 2.0 endpoint"},
			{Flag: "nvd-api-key", Usage: "NVD API key (default: $NVD_API_KEY)", Env: "NVD_API_KEY"},
		},
		New: func(o Options) vuln.Feed {
			return &nvd.Feed{URL: o.Settings["nvd-url"], APIKey: o.Settings["nvd-api-key"],
				HTTP: o.HTTP, Clock: o.Clock, Retries: o.Retries, Backoff: o.Backoff}
		},
		Cached: func(cache string) string { return filepath.Join(nvd.Dir(cache), nvd.RecordsFile) },
		Read: func(path string) ([]vuln.Record, string, error) {
			recs, err := nvd.ReadRecords(path)
			if err != nil {
				return nil, "", fmt.Errorf("NVD records %s: %w", path, err)
			}
			return recs, "", nil
		},
	}
)

// readCNA reads the vulns repository's tree or a .tar.xz of it.
func readCNA(path string) ([]vuln.Record, string, error) {
	if err := infile.Check(path, true); err != nil {
		return nil, "", fmt.Errorf("kernel CNA input: %w", err)
	}
	var recs []vuln.Record
	var stats kernelcna.Stats
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		recs, stats, err = kernelcna.ReadDir(path)
		if err != nil {
			return nil, "", fmt.Errorf("kernel CNA %s: %w", path, err)
		}
	} else {
		f, err := infile.Open(path)
		if err != nil {
			return nil, "", fmt.Errorf("kernel CNA input: %w", err)
		}
		defer f.Close()
		recs, stats, err = kernelcna.ReadTarXZ(f)
		if err != nil {
			return nil, "", fmt.Errorf("kernel CNA %s: %w", path, err)
		}
	}
	return recs, fmt.Sprintf("kernel CNA: %d records, %d rejected skipped; xz %v",
		stats.Records, stats.Rejected, stats.Decompress.Round(time.Millisecond)), nil
}

func readKernelCVEs(path string) ([]vuln.Record, string, error) {
	f, err := infile.Open(path)
	if err != nil {
		return nil, "", fmt.Errorf("linux_kernel_cves input: %w", err)
	}
	defer f.Close()
	kf, err := kernelcves.Parse(f)
	if err != nil {
		return nil, "", fmt.Errorf("linux_kernel_cves %s: %w", path, err)
	}
	return kf.Records(), "", nil
}

// The tables, in the order of their metrics in meta.metrics.
var (
	exploitsTable = Table{
		Flag:     "exploits",
		Usage:    "per-syscall exploit table: embedded (the table derived from ExploitDB b4e29f1fa), a file, or none",
		Metrics:  []string{"exploits"},
		Embedded: func() (*Part, error) { return exploitsOf(exploitdb.Default()) },
		Decode: func(r io.Reader) (*Part, error) {
			return exploitsOf(exploitdb.Decode(r, syscalls.MustForArch(syscalls.X86_64)))
		},
	}
	kernelTable = Table{
		Flag:     "kernel-metrics",
		Usage:    "per-syscall kernel-code metrics (kernel analyze --out): embedded (Debian 6.1.0-56 cloud), a file, or none",
		Metrics:  []string{"complexity", "reach"},
		Embedded: func() (*Part, error) { return kernelPart(analysis.Default()) },
		Decode:   func(r io.Reader) (*Part, error) { return kernelPart(analysis.LoadReport(r)) },
	}
	triggersTable = Table{
		Flag:     "triggers",
		Usage:    "per-syscall triggers table: embedded (derived from syzkaller-repros 026c8891a19e), a file, or none",
		Metrics:  []string{"triggers"},
		Embedded: func() (*Part, error) { return triggersOf(syzbot.Default()) },
		Decode: func(r io.Reader) (*Part, error) {
			return triggersOf(syzbot.Decode(r, syscalls.MustForArch(syscalls.X86_64)))
		},
	}
)

func exploitsOf(tb *exploitdb.Table, err error) (*Part, error) {
	if err != nil {
		return nil, err
	}
	return ExploitsPart(tb), nil
}

// ExploitsPart is what an exploit table adds to the DB: per syscall the
// exploits that invoke it, their ids and TF-IDF.
func ExploitsPart(tb *exploitdb.Table) *Part {
	p := &Part{Syscalls: map[string]db.Syscall{}}
	for _, r := range tb.Syscalls {
		p.Syscalls[r.Name] = db.Syscall{Exploits: float64(r.Exploits), ExploitIDs: r.IDs, TFIDF: r.TFIDF}
	}
	files := 0
	for _, n := range tb.Source.Files {
		files += n
	}
	p.Source = db.Source{Name: "exploitdb", Origin: tb.Source.Repo + " " + strings.Join(tb.Source.Paths, ", "),
		Version: tb.Source.Commit, Date: tb.Source.Date, Records: files}
	note := tb.Source.String()
	p.Note = func(m *db.Meta) { m.Exploits = note }
	return p
}

func triggersOf(tb *syzbot.Table, err error) (*Part, error) {
	if err != nil {
		return nil, err
	}
	return TriggersPart(tb), nil
}

// TriggersPart is what a triggers table adds to the DB: per syscall the
// distinct bugs whose reproducer calls it, and their TF-IDF.
func TriggersPart(tb *syzbot.Table) *Part {
	p := &Part{Syscalls: map[string]db.Syscall{}}
	for _, r := range tb.Syscalls {
		p.Syscalls[r.Name] = db.Syscall{Triggers: float64(r.Bugs), TriggersTFIDF: r.TFIDF}
	}
	s := tb.Source
	p.Source = db.Source{Name: "syzbot", Origin: s.Repo + " " + s.Path, Version: s.Commit, Date: s.Date, Records: s.Files}
	note := s.String()
	p.Note = func(m *db.Meta) { m.Triggers = note }
	return p
}

func kernelPart(rep *analysis.Report, err error) (*Part, error) {
	if err != nil {
		return nil, err
	}
	return KernelFromReport(rep), nil
}
