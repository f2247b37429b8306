// Package build assembles the weight DB from the feeds: it reads the kernel
// CNA records and linux_kernel_cves (and NVD scores when cached), merges
// them by CVE id, attributes each CVE to syscalls (package vuln/attrib),
// joins the kernel-code and exploit metrics when given, and hands the
// result to db.Assemble. It owns the wiring, not the parsing or the schema.
package build

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"sysweight/internal/infile"
	"sysweight/syscalls"
	"sysweight/vuln"
	"sysweight/vuln/attrib"
	"sysweight/vuln/db"
	"sysweight/vuln/exploitdb"
	"sysweight/vuln/kernelcna"
	"sysweight/vuln/kernelcves"
	"sysweight/vuln/nvd"
	"sysweight/vuln/syzbot"
)

// Input is one feed file or directory with its version.
type Input struct {
	Path    string
	Version string // commit or tag; empty: unknown
	Date    string // YYYY-MM-DD of that version; empty: taken from the file name or provenance.json
}

// Inputs name everything a build reads.
type Inputs struct {
	KernelCNA  Input // directory (vulns repo layout) or .tar.xz
	KernelCVEs Input // kernel_cves.json, optionally .xz; Path may be empty
	NVD        Input // NVD records as db update writes them; Path may be empty
	// Exploits is the per-syscall exploit table (package vuln/exploitdb);
	// nil leaves the exploits metric out.
	Exploits *exploitdb.Table
	// Triggers is the per-syscall table of syzbot reproducers (package
	// vuln/syzbot); nil leaves the triggers metric out.
	Triggers *syzbot.Table
	// Kernel holds per-syscall code metrics (complexity, reach, top
	// functions) with the name of the kernel they come from; nil leaves
	// them out.
	Kernel *KernelMetrics
	// Attribute links a CVE to syscalls; nil means the text, trace and uapi
	// methods (attrib.Read). Methods names what it counts, for the
	// metadata.
	Attribute func(attrib.Input) []attrib.Link
	Methods   []string
	// Built is the build time recorded in the DB. Zero means the newest
	// input date, which keeps builds from the same inputs byte-identical.
	Built time.Time
}

// KernelMetrics are the code metrics of one kernel image.
type KernelMetrics struct {
	Kernel string // image, version and analysis, for the DB metadata
	// Release is the kernel's major.minor, Absent the syscalls of the
	// table it has no entry for or leaves to sys_ni_syscall (sorted):
	// with the table, the kernel's own syscall table.
	Release  string
	Absent   []string
	Source   db.Source
	Syscalls map[string]db.Syscall // Complexity, Reach, TopFuncs
}

// Timing reports where a build spent its time.
type Timing struct {
	Read, Attribute, Assemble time.Duration
	CNA                       kernelcna.Stats
}

var dateRE = regexp.MustCompile(`(\d{4}-\d{2}-\d{2})`)

// Build reads the inputs and assembles the DB for table t.
func Build(in Inputs, t *syscalls.Table) (*db.DB, Timing, error) {
	var tm Timing
	start := time.Now()
	var sources []db.Source
	var feeds [][]vuln.Record

	cna, stats, err := readCNA(in.KernelCNA.Path)
	if err != nil {
		return nil, tm, err
	}
	tm.CNA = stats
	src, err := source("kernel-cna", "Linux kernel CNA vulns repository (cve/published/**)", in.KernelCNA, len(cna))
	if err != nil {
		return nil, tm, err
	}
	sources = append(sources, src)
	feeds = append(feeds, cna)

	if in.KernelCVEs.Path != "" {
		recs, err := readKernelCVEs(in.KernelCVEs.Path)
		if err != nil {
			return nil, tm, err
		}
		src, err := source("linux_kernel_cves", "github.com/nluedtke/linux_kernel_cves data/kernel_cves.json", in.KernelCVEs, len(recs))
		if err != nil {
			return nil, tm, err
		}
		sources = append(sources, src)
		feeds = append(feeds, recs)
	}
	if in.NVD.Path != "" {
		recs, err := nvd.ReadRecords(in.NVD.Path)
		if err != nil {
			return nil, tm, fmt.Errorf("NVD records %s: %w", in.NVD.Path, err)
		}
		src, err := source("nvd", "NVD CVE API 2.0", in.NVD, len(recs))
		if err != nil {
			return nil, tm, err
		}
		sources = append(sources, src)
		feeds = append(feeds, recs)
	}
	merged := vuln.Merge(feeds...)
	tm.Read = time.Since(start)

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
	metrics := []string{"cves", "severity"}
	extra := map[string]db.Syscall{}
	var exploitsNote, kernelNote string
	if tb := in.Exploits; tb != nil {
		metrics = append(metrics, "exploits")
		for _, r := range tb.Syscalls {
			x := extra[r.Name]
			x.Exploits, x.ExploitIDs, x.TFIDF = float64(r.Exploits), r.IDs, r.TFIDF
			extra[r.Name] = x
		}
		files := 0
		for _, n := range tb.Source.Files {
			files += n
		}
		sources = append(sources, db.Source{Name: "exploitdb", Origin: tb.Source.Repo + " " + strings.Join(tb.Source.Paths, ", "),
			Version: tb.Source.Commit, Date: tb.Source.Date, Records: files})
		exploitsNote = tb.Source.String()
	}
	var release string
	var absent []string
	if k := in.Kernel; k != nil {
		metrics = append(metrics, "complexity", "reach")
		for name, m := range k.Syscalls {
			x := extra[name]
			x.Complexity, x.Reach, x.TopFuncs = m.Complexity, m.Reach, m.TopFuncs
			extra[name] = x
		}
		sources = append(sources, k.Source)
		kernelNote = k.Kernel
		if k.Release != "" {
			release, absent = k.Release, k.Absent
		}
	}
	var triggersNote string
	if tb := in.Triggers; tb != nil {
		metrics = append(metrics, "triggers")
		for _, r := range tb.Syscalls {
			x := extra[r.Name]
			x.Triggers, x.TriggersTFIDF = float64(r.Bugs), r.TFIDF
			extra[r.Name] = x
		}
		p := tb.Source
		sources = append(sources, db.Source{Name: "syzbot", Origin: p.Repo + " " + p.Path, Version: p.Commit, Date: p.Date, Records: p.Files})
		triggersNote = p.String()
	}
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
		Metrics:       metrics,
		Methods:       methods,
		Sources:       sources,
		Kernel:        kernelNote,
		KernelRelease: release,
		KernelAbsent:  absent,
		Exploits:      exploitsNote,
		Triggers:      triggersNote,
		Notes: []string{
			"severity sums the CVSS v3.x base score of each CVE where a feed gives one, else v2; per syscall the DB records how many of each",
			fmt.Sprintf("%d CVE records read, %d attributed to at least one syscall", len(merged), countLinked(cves)),
		},
	}
	d, err := db.Assemble(t, cves, meta, extra, func() time.Time { return built })
	tm.Assemble = time.Since(start)
	return d, tm, err
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

func readCNA(path string) ([]vuln.Record, kernelcna.Stats, error) {
	if err := infile.Check(path, true); err != nil {
		return nil, kernelcna.Stats{}, fmt.Errorf("kernel CNA input: %w", err)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		recs, stats, err := kernelcna.ReadDir(path)
		if err != nil {
			return nil, stats, fmt.Errorf("kernel CNA %s: %w", path, err)
		}
		return recs, stats, nil
	}
	f, err := infile.Open(path)
	if err != nil {
		return nil, kernelcna.Stats{}, fmt.Errorf("kernel CNA input: %w", err)
	}
	defer f.Close()
	recs, stats, err := kernelcna.ReadTarXZ(f)
	if err != nil {
		return nil, stats, fmt.Errorf("kernel CNA %s: %w", path, err)
	}
	return recs, stats, nil
}

func readKernelCVEs(path string) ([]vuln.Record, error) {
	f, err := infile.Open(path)
	if err != nil {
		return nil, fmt.Errorf("linux_kernel_cves input: %w", err)
	}
	defer f.Close()
	kf, err := kernelcves.Parse(io.Reader(f))
	if err != nil {
		return nil, fmt.Errorf("linux_kernel_cves %s: %w", path, err)
	}
	return kf.Records(), nil
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
