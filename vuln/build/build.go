// Package build assembles the weight DB from the inputs a registry lists
// (vuln/registry): it reads each CVE feed given (the kernel CNA records,
// linux_kernel_cves, NVD scores when cached), merges them by CVE id,
// attributes each CVE to syscalls (package vuln/attrib), joins the
// metrics of each per-syscall table given (exploits, kernel code,
// triggers), and hands the result to db.Assemble. It owns the wiring, not
// the list of inputs, the parsing or the schema.
package build

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"sysweight/syscalls"
	"sysweight/vuln"
	"sysweight/vuln/attrib"
	"sysweight/vuln/db"
	"sysweight/vuln/registry"
)

// Input is one feed file or directory with its version.
type Input struct {
	Path    string
	Version string // commit or tag; empty: unknown
	Date    string // YYYY-MM-DD of that version; empty: taken from the file name or provenance.json
}

// Inputs name everything a build reads.
type Inputs struct {
	// Registry lists the feeds and tables; nil means registry.Default().
	Registry *registry.Registry
	// Feeds are the CVE feeds' inputs by feed name (registry.Feed.Name):
	// a required feed's must be given, the others may be absent.
	Feeds map[string]Input
	// Tables are the per-syscall tables by flag (registry.Table.Flag); a
	// table absent leaves its metrics out.
	Tables map[string]*registry.Part
	// Attribute links a CVE to syscalls; nil means the text, trace and uapi
	// methods (attrib.Read). Methods names what it counts, for the
	// metadata.
	Attribute func(attrib.Input) []attrib.Link
	Methods   []string
	// Sources are further inputs the attribution read (the member rule's
	// second kernel), recorded after the feeds' and tables'.
	Sources []db.Source
	// Prepare, when set, makes the attribution while the feeds are read
	// (loading a cached kernel call graph is a third of reading the CNA
	// tree, and neither waits for the other). Build calls it once,
	// concurrently with the reading, waits for it whatever happens,
	// and uses what it returns in place of Attribute and as further
	// Sources. Its error fails the build (before a feed's error).
	Prepare func() (Prepared, error)
	// Built is the build time recorded in the DB. Zero means the newest
	// input date, which keeps builds from the same inputs byte-identical.
	Built time.Time
}

// Prepared is what Inputs.Prepare makes.
type Prepared struct {
	Attribute func(attrib.Input) []attrib.Link
	Sources   []db.Source
	// Note says how it was made ("reach index from DIR"), for Timing.
	Note string
}

// Timing reports where a build spent its time. Prepare ran beside Read.
type Timing struct {
	Prepare, Read, Attribute, Assemble time.Duration
	PrepareNote                        string   // Prepared.Note
	Notes                              []string // what the feeds' readers say of their reading
}

var dateRE = regexp.MustCompile(`(\d{4}-\d{2}-\d{2})`)

// Build reads the inputs and assembles the DB for table t.
func Build(in Inputs, t *syscalls.Table) (*db.DB, Timing, error) {
	var tm Timing
	start := time.Now()
	reg := registry.Default()
	if in.Registry != nil {
		reg = *in.Registry
	}
	var prepared Prepared
	var prepErr error
	done := make(chan struct{})
	if in.Prepare != nil {
		go func() {
			defer close(done)
			prepared, prepErr = in.Prepare()
			tm.Prepare, tm.PrepareNote = time.Since(start), prepared.Note
		}()
	} else {
		close(done)
	}
	sources, feeds, err := readFeeds(reg, in.Feeds, &tm)
	tm.Read = time.Since(start)
	<-done
	switch {
	case prepErr != nil:
		return nil, tm, prepErr
	case err != nil:
		return nil, tm, err
	}
	merged := vuln.Merge(feeds...)
	if in.Prepare != nil {
		in.Attribute = prepared.Attribute
		in.Sources = append(in.Sources, prepared.Sources...)
	}

	start = time.Now()
	attribute := in.Attribute
	methods := in.Methods
	if attribute == nil {
		attribute = func(in attrib.Input) []attrib.Link {
			f := attrib.Read(in, t)
			return append(append(f.Text, f.Trace...), f.UAPI...)
		}
		methods = []string{string(attrib.MethodText), string(attrib.MethodTrace), string(attrib.MethodUAPI)}
	}
	cves := attributeAll(merged, attribute)
	tm.Attribute = time.Since(start)

	start = time.Now()
	metrics := append([]string(nil), reg.Counted...)
	extra := map[string]db.Syscall{}
	var notes []func(*db.Meta)
	for _, tb := range reg.Tables {
		p := in.Tables[tb.Flag]
		if p == nil {
			continue
		}
		metrics = append(metrics, tb.Metrics...)
		for name, v := range p.Syscalls {
			x := extra[name]
			for _, m := range tb.Metrics {
				if !db.CopyMetric(m, &x, v) {
					return nil, tm, fmt.Errorf("table %s: metric %q is not one a table gives (want one of %s)", tb.Flag, m, strings.Join(db.Metrics, ", "))
				}
			}
			extra[name] = x
		}
		sources = append(sources, p.Source)
		if p.Note != nil {
			notes = append(notes, p.Note)
		}
	}
	sources = append(sources, in.Sources...)
	built := in.Built
	if built.IsZero() {
		for _, s := range sources {
			d, err := time.Parse("2006-01-02", s.Date)
			if err == nil && d.After(built) {
				built = d
			}
		}
	}
	meta := db.Meta{
		Metrics: metrics,
		Methods: methods,
		Sources: sources,
		Notes: []string{
			"severity sums the CVSS v3.x base score of each CVE where a feed gives one, else v2; per syscall the DB records how many of each",
			fmt.Sprintf("%d CVE records read, %d attributed to at least one syscall", len(merged), countLinked(cves)),
		},
	}
	for _, note := range notes {
		note(&meta)
	}
	d, err := db.Assemble(t, cves, meta, extra, func() time.Time { return built })
	tm.Assemble = time.Since(start)
	return d, tm, err
}

// readFeeds reads the registry's feeds that in gives (every required
// one), with their sources, noting what the readers say in tm.
func readFeeds(reg registry.Registry, in map[string]Input, tm *Timing) ([]db.Source, [][]vuln.Record, error) {
	var sources []db.Source
	var feeds [][]vuln.Record
	for _, f := range reg.Feeds {
		fi := in[f.Name]
		if fi.Path == "" && !f.Required {
			continue
		}
		recs, note, err := f.Read(fi.Path)
		if err != nil {
			return nil, nil, err
		}
		if note != "" {
			tm.Notes = append(tm.Notes, note)
		}
		src, err := source(f.Name, f.Origin, fi, len(recs))
		if err != nil {
			return nil, nil, err
		}
		sources = append(sources, src)
		feeds = append(feeds, recs)
	}
	return sources, feeds, nil
}

// maxTitle bounds a CVE's title in the DB.
const maxTitle = 200

// Title is the first line of a record's description, or of its subject
// when the description is empty; for a kernel CNA record, the line after
// "In the Linux kernel, the following vulnerability has been resolved:",
// which is the fix's subject. Cut at maxTitle bytes (on a rune boundary)
// with "…".
func Title(r vuln.Record) string {
	t := attrib.Subject(r.Description)
	if t == "" {
		t = strings.TrimSpace(r.Description)
		if i := strings.IndexByte(t, '\n'); i >= 0 {
			t = strings.TrimSpace(t[:i])
		}
	}
	if t == "" {
		t = r.Subject
	}
	if len(t) > maxTitle {
		cut := maxTitle
		for cut > 0 && !utf8.RuneStart(t[cut]) {
			cut--
		}
		t = strings.TrimRight(t[:cut], " ") + "…"
	}
	return t
}

func countLinked(cves []db.CVE) int {
	n := 0
	for _, c := range cves {
		if len(c.Links) > 0 {
			n++
		}
	}
	return n
}

// attributeAll runs the attribution over every record on all cores.
func attributeAll(recs []vuln.Record, attribute func(attrib.Input) []attrib.Link) []db.CVE {
	out := make([]db.CVE, len(recs))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(recs); i += workers {
				r := &recs[i]
				c := db.CVE{ID: r.ID, Feed: r.Feed}
				if best, ok := r.BestCVSS(); ok {
					c.Score, c.CVSSVersion, c.Vector = best.Score, best.Version, best.Vector
				}
				for _, l := range attribute(attrib.Input{Description: r.Description, Subject: r.Subject, ProgramFiles: r.ProgramFiles}) {
					c.Links = append(c.Links, db.Link{Syscall: l.Syscall, Method: string(l.Method), Evidence: l.Evidence, Path: l.Path})
				}
				if len(c.Links) > 0 {
					c.Title = Title(*r)
				}
				out[i] = c
			}
		}(w)
	}
	wg.Wait()
	return out
}

// source describes an input. Its date comes from the Input, else from a
// provenance.json beside a directory (written by db update), else from a
// YYYY-MM-DD in the file name; its sha256 is of the file, for file inputs.
func source(name, origin string, in Input, n int) (db.Source, error) {
	s := db.Source{Name: name, Origin: origin, Version: in.Version, Date: in.Date, Records: n}
	if st, err := os.Stat(in.Path); err == nil && st.IsDir() {
		if p, err := vuln.ReadProvenance(in.Path); err == nil {
			if s.Origin == "" || p.URL != "" {
				s.Origin = p.URL
			}
			if s.Date == "" {
				s.Date = p.FetchedAt.UTC().Format("2006-01-02")
			}
			s.SHA256 = p.SHA256
		}
	} else {
		sum, err := fileSHA256(in.Path)
		if err != nil {
			return s, err
		}
		s.SHA256 = sum
		if p, err := vuln.ReadProvenance(filepath.Dir(in.Path)); err == nil && s.Date == "" {
			s.Date = p.FetchedAt.UTC().Format("2006-01-02")
			if p.URL != "" {
				s.Origin = p.URL
			}
		}
	}
	if s.Date == "" {
		if m := dateRE.FindString(filepath.Base(in.Path)); m != "" {
			s.Date = m
		}
	}
	if s.Date == "" {
		return s, fmt.Errorf("%s: no date for input %s: pass it (the build records it, and uses the newest as build time)", name, in.Path)
	}
	s.Origin = strings.TrimSpace(s.Origin)
	return s, nil
}
