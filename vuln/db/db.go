package db

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"sysweight/syscalls"
)

// SchemaVersion is the one place the weight DB's schema version is written.
// Bump it when a field changes meaning; Decode refuses other versions.
//
// Version 2 added the triggers metric (Syscall.Triggers, TriggersTFIDF,
// Meta.Triggers), each CVE's title, and a call path on links.
const SchemaVersion = 2

// Errors returned by Decode.
var (
	ErrSchema   = errors.New("unsupported weight DB schema")
	ErrChecksum = errors.New("weight DB checksum mismatch")
)

// Source is one input of a build, with its version.
type Source struct {
	Name    string `json:"name"`              // feed or input name
	Origin  string `json:"origin"`            // URL, repository or file
	Version string `json:"version,omitempty"` // commit, tag or package version
	Date    string `json:"date,omitempty"`    // date of that version
	Records int    `json:"records"`           // records read from it
	SHA256  string `json:"sha256,omitempty"`  // of the input file, when it was one file
}

// Meta describes a build.
type Meta struct {
	Built   string   `json:"built"` // RFC 3339, from the build's clock
	Arch    string   `json:"arch"`
	Table   string   `json:"table"`   // syscall table source and kernel
	Metrics []string `json:"metrics"` // metrics this DB provides
	Methods []string `json:"methods"` // attribution methods counted in cves/severity
	Sources []Source `json:"sources"`
	Kernel  string   `json:"kernel,omitempty"` // kernel image the complexity/reach metrics come from
	// KernelRelease is that kernel's major.minor ("6.1"), and KernelAbsent
	// the syscalls of the table it lacks (no entry function, or
	// sys_ni_syscall): with the table, that kernel's own syscall table.
	KernelRelease string   `json:"kernel_release,omitempty"`
	KernelAbsent  []string `json:"kernel_absent,omitempty"`
	Exploits      string   `json:"exploits,omitempty"` // exploit corpus the exploits metric comes from
	Triggers      string   `json:"triggers,omitempty"` // reproducer corpus the triggers metric comes from
	Notes         []string `json:"notes,omitempty"`
	Checksum      string   `json:"checksum"` // sha256 of the encoding with this field empty
}

// Link attributes a CVE to a syscall, with why.
type Link struct {
	Syscall  string `json:"syscall"`
	Method   string `json:"method"`   // text, trace, uapi, site, dispatch, apart, function, file, sibling
	Evidence string `json:"evidence"` // the matched text, bug site or file
	// Path is the call path from the syscall's entry to the bug site, entry
	// first, for the trace, site and file methods.
	Path []string `json:"path,omitempty"`
}

// CVE is one attributed CVE.
type CVE struct {
	ID string `json:"id"`
	// Title is the first line of the description (for kernel CNA records,
	// the fix's subject line), so that explanations read well.
	Title       string  `json:"title,omitempty"`
	Score       float64 `json:"score,omitempty"`
	CVSSVersion string  `json:"cvss_version,omitempty"` // "3.1", "3.0", "2.0"; empty when unscored
	Vector      string  `json:"vector,omitempty"`
	Feed        string  `json:"feed"`
	Links       []Link  `json:"links"`
}

// FuncCC is a kernel function with its cyclomatic complexity.
type FuncCC struct {
	Name string `json:"name"`
	CC   int    `json:"cc"`
}

// Syscall holds one syscall's raw metrics.
type Syscall struct {
	Name     string  `json:"name"`
	Nr       int     `json:"nr"`
	CVEs     int     `json:"cves"`
	Severity float64 `json:"severity"`
	// How the severity sum was made: CVEs scored with CVSS v3.x, with v2
	// only, and without any score (they count in cves, not in severity).
	ScoredV3   int      `json:"scored_v3"`
	ScoredV2   int      `json:"scored_v2"`
	Unscored   int      `json:"unscored"`
	Exploits   float64  `json:"exploits,omitempty"`
	ExploitIDs []string `json:"exploit_ids,omitempty"`
	TFIDF      float64  `json:"exploits_tfidf,omitempty"`
	// Triggers counts the distinct syzbot bugs whose reproducer's test body
	// calls the syscall; TriggersTFIDF is its TF-IDF variant.
	Triggers      float64  `json:"triggers,omitempty"`
	TriggersTFIDF float64  `json:"triggers_tfidf,omitempty"`
	Complexity    float64  `json:"complexity,omitempty"`
	Reach         float64  `json:"reach,omitempty"`
	TopFuncs      []FuncCC `json:"top_functions,omitempty"`
	CVEIDs        []string `json:"cve_ids,omitempty"`
}

// DB is the weight database.
type DB struct {
	Schema   int       `json:"schema"`
	Meta     Meta      `json:"meta"`
	Syscalls []Syscall `json:"syscalls"`

	// cves holds the attributed CVEs (the CVEs method). A decoded DB keeps
	// them raw until first asked for: most commands need only the
	// per-syscall metrics, and the CVE records are most of the file.
	cves      []CVE
	rawCVEs   json.RawMessage
	cveOnce   sync.Once
	cveErr    error
	bySyscall map[string]int
	byCVE     map[string]int
	sealed    []byte // Sealed
}

// Clock returns the build time; tests inject a fixed one.
type Clock func() time.Time

// Assemble fills per-syscall cves/severity from the attributed CVEs, orders
// everything deterministically and seals the checksum. cves must already
// carry their links; syscalls not linked by any CVE get zero counts. The
// fields of extra that carry a metric given by an input (every metric but
// cves and severity: CopyMetric) are copied per syscall name.
func Assemble(t *syscalls.Table, cves []CVE, meta Meta, extra map[string]Syscall, now Clock) (*DB, error) {
	d := &DB{Schema: SchemaVersion, Meta: meta}
	d.Meta.Arch = string(t.Arch)
	d.Meta.Table = t.Source + ", Linux " + t.Kernel
	d.Meta.Built = now().UTC().Format(time.RFC3339)
	recs := map[string]*Syscall{}
	for _, s := range t.All() {
		r := Syscall{Name: s.Name, Nr: s.Nr}
		if x, ok := extra[s.Name]; ok {
			for _, m := range metrics {
				if m.copy != nil {
					m.copy(&r, x)
				}
			}
		}
		d.Syscalls = append(d.Syscalls, r)
	}
	for i := range d.Syscalls {
		recs[d.Syscalls[i].Name] = &d.Syscalls[i]
	}
	for name := range extra {
		if recs[name] == nil {
			return nil, fmt.Errorf("assembling weight DB: metrics for %q, which is not in the %s table", name, t.Arch)
		}
	}
	sort.Slice(cves, func(i, j int) bool { return cves[i].ID < cves[j].ID })
	for ci := range cves {
		c := &cves[ci]
		sort.Slice(c.Links, func(i, j int) bool {
			if c.Links[i].Syscall != c.Links[j].Syscall {
				return c.Links[i].Syscall < c.Links[j].Syscall
			}
			return c.Links[i].Method < c.Links[j].Method
		})
		if len(c.Links) == 0 {
			continue
		}
		seen := map[string]bool{}
		for _, l := range c.Links {
			r := recs[l.Syscall]
			if r == nil {
				return nil, fmt.Errorf("assembling weight DB: %s links to %q, which is not in the %s table", c.ID, l.Syscall, t.Arch)
			}
			if seen[l.Syscall] {
				continue
			}
			seen[l.Syscall] = true
			r.CVEs++
			r.CVEIDs = append(r.CVEIDs, c.ID)
			switch {
			case c.CVSSVersion == "":
				r.Unscored++
			case c.CVSSVersion[0] == '3':
				r.ScoredV3++
				r.Severity += c.Score
			default:
				r.ScoredV2++
				r.Severity += c.Score
			}
		}
		d.cves = append(d.cves, *c)
	}
	for i := range d.Syscalls {
		// Round sums to a fixed precision so the encoding does not depend
		// on floating-point summation order.
		d.Syscalls[i].Severity = round(d.Syscalls[i].Severity)
	}
	if err := d.seal(); err != nil {
		return nil, err
	}
	return d, nil
}

func round(x float64) float64 {
	return float64(int64(x*1000+0.5)) / 1000
}

func (d *DB) seal() error {
	d.Meta.Checksum = ""
	b, err := d.encode()
	if err != nil {
		return err
	}
	sum := sha256.Sum256(b)
	d.Meta.Checksum = "sha256:" + hex.EncodeToString(sum[:])
	// The sealed encoding is the one just made with the checksum put in
	// its empty field (the first "checksum" key: Meta comes before the
	// syscalls and the CVEs).
	if i := bytes.Index(b, checksumKey); i >= 0 {
		at := i + len(checksumKey)
		d.sealed = slices.Concat(b[:at], []byte(d.Meta.Checksum), b[at:])
	}
	d.index()
	return nil
}

// Sealed returns the encoding made when Assemble sealed the DB: what
// Encode writes while nothing in the DB has changed since, without
// encoding it again (db build writes it). nil for a decoded DB.
func (d *DB) Sealed() []byte { return d.sealed }

func (d *DB) encode() ([]byte, error) {
	if err := d.loadCVEs(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", " ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(fileForm{d.Schema, d.Meta, d.Syscalls, d.cves}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// fileForm is a DB as its file holds it, in this order.
type fileForm struct {
	Schema   int       `json:"schema"`
	Meta     Meta      `json:"meta"`
	Syscalls []Syscall `json:"syscalls"`
	CVEs     []CVE     `json:"cves"`
}

// Encode writes the DB. The same DB always encodes to the same bytes.
func (d *DB) Encode(w io.Writer) error {
	b, err := d.encode()
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// checksumKey precedes the checksum value in an encoded DB.
var checksumKey = []byte(`"checksum": "`)

// Decode reads and verifies a DB: schema version, checksum, and that its
// syscalls are in the table of its architecture. The checksum is the sha256
// of the encoding with the checksum field empty; the encoding is canonical
// (Encode), so it is verified on the bytes as read.
func Decode(r io.Reader) (*DB, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("weight DB: %w", err)
	}
	return decode(b, true)
}

// decode is Decode of b; verify=false skips the checksum (the embedded
// DB's: the build fixed its bytes and TestDefaultChecksum verifies them),
// never the checks of the values. The CVE records are kept raw (read,
// not decoded) until first asked for.
func decode(b []byte, verify bool) (*DB, error) {
	var w struct {
		Schema   int             `json:"schema"`
		Meta     Meta            `json:"meta"`
		Syscalls []Syscall       `json:"syscalls"`
		CVEs     json.RawMessage `json:"cves"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("weight DB: invalid JSON at byte %d: %w", se.Offset, err)
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("weight DB: truncated after %d bytes: %w", len(b), err)
		}
		return nil, fmt.Errorf("weight DB: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("weight DB: data after the DB's object at byte %d", dec.InputOffset())
	}
	if w.Schema != SchemaVersion {
		return nil, fmt.Errorf("%w: file has schema %d, this sysweight reads %d", ErrSchema, w.Schema, SchemaVersion)
	}
	i := bytes.Index(b, checksumKey)
	if i < 0 || !bytes.HasPrefix(b[i+len(checksumKey):], []byte(w.Meta.Checksum+`"`)) || w.Meta.Checksum == "" {
		return nil, fmt.Errorf("%w: no canonical checksum field (recorded %q)", ErrChecksum, w.Meta.Checksum)
	}
	start := i + len(checksumKey)
	end := start + len(w.Meta.Checksum)
	if verify {
		h := sha256.New()
		h.Write(b[:start])
		h.Write(b[end:])
		if got := "sha256:" + hex.EncodeToString(h.Sum(nil)); got != w.Meta.Checksum {
			return nil, fmt.Errorf("%w: recorded %q, contents hash to %q", ErrChecksum, w.Meta.Checksum, got)
		}
	}
	d := &DB{Schema: w.Schema, Meta: w.Meta, Syscalls: w.Syscalls, rawCVEs: w.CVEs}
	if err := d.validate(); err != nil {
		return nil, err
	}
	return d, nil
}

// validate checks a decoded head's values (its syscalls are in its
// arch's table, check) and builds the syscall index.
func (d *DB) validate() error {
	arch, err := syscalls.ParseArch(d.Meta.Arch)
	if err != nil {
		return fmt.Errorf("weight DB: meta.arch: %w", err)
	}
	t := syscalls.MustForArch(arch)
	for _, s := range d.Syscalls {
		if nr, ok := t.Number(s.Name); !ok || nr != s.Nr {
			return fmt.Errorf("weight DB: syscall %s (nr %d) is not in the %s table", s.Name, s.Nr, arch)
		}
	}
	if err := d.check(); err != nil {
		return fmt.Errorf("weight DB: %w", err)
	}
	d.index()
	return nil
}

// decodeWithHead decodes b, a canonical DB, with its head taken from
// head (EncodeHead's form) when head was derived from b (same checksum)
// and the CVE records where head says they are; otherwise, or when head
// does not decode, it decodes b alone. b's checksum is not verified (the
// embedded DB's; TestDefaultChecksum does).
func decodeWithHead(b, head []byte) (*DB, error) {
	d, h, err := decodeHead(head)
	if err != nil || h.checksum == "" || d.Schema != SchemaVersion || d.Meta.Checksum != h.checksum {
		return decode(b, false)
	}
	i := bytes.Index(b, checksumKey)
	if i < 0 || !bytes.HasPrefix(b[i+len(checksumKey):], []byte(h.checksum+`"`)) ||
		h.cvesEnd > len(b) || h.cvesStart >= h.cvesEnd || b[h.cvesStart] != '[' || b[h.cvesEnd-1] != ']' {
		return decode(b, false)
	}
	d.rawCVEs = b[h.cvesStart:h.cvesEnd]
	if err := d.validate(); err != nil {
		return nil, err
	}
	return d, nil
}

// maxMetric bounds every per-syscall figure: the largest in the default
// DB is a complexity of 36,056; a billion is no kernel's.
const maxMetric = 1e9

// check verifies the values the checksum cannot: it proves the file is
// the one written, not that what was written makes sense (a DB edited and
// its checksum recomputed). Every metric the meta lists is known, every
// syscall appears once, counts are not negative and add up, the severity
// sum is at most 10 per scored CVE, and every figure is finite, not
// negative and at most maxMetric.
func (d *DB) check() error {
	for _, m := range d.Meta.Metrics {
		if !slices.Contains(Metrics, m) {
			return fmt.Errorf("meta.metrics: unknown metric %q (want one of %s)", m, strings.Join(Metrics, ", "))
		}
	}
	if r := d.Meta.KernelRelease; r != "" {
		var maj, min int
		if n, err := fmt.Sscanf(r, "%d.%d", &maj, &min); n != 2 || err != nil || maj <= 0 || min < 0 || fmt.Sprintf("%d.%d", maj, min) != r {
			return fmt.Errorf("meta.kernel_release %q: want MAJOR.MINOR, e.g. 6.1", r)
		}
	}
	if len(d.Meta.KernelAbsent) > 0 && d.Meta.KernelRelease == "" {
		return fmt.Errorf("meta.kernel_absent without meta.kernel_release")
	}
	seen := make(map[string]bool, len(d.Syscalls))
	for _, s := range d.Syscalls {
		seen[s.Name] = true
	}
	for i, n := range d.Meta.KernelAbsent {
		if !seen[n] {
			return fmt.Errorf("meta.kernel_absent[%d]: %q is not a syscall of this DB", i, n)
		}
		if i > 0 && n <= d.Meta.KernelAbsent[i-1] {
			return fmt.Errorf("meta.kernel_absent[%d]: %q: want the names sorted, each once", i, n)
		}
	}
	clear(seen)
	for i, s := range d.Syscalls {
		at := fmt.Sprintf("syscalls[%d] (%s)", i, s.Name)
		if seen[s.Name] {
			return fmt.Errorf("%s: listed twice", at)
		}
		seen[s.Name] = true
		for _, c := range []struct {
			name string
			n    int
		}{{"cves", s.CVEs}, {"scored_v3", s.ScoredV3}, {"scored_v2", s.ScoredV2}, {"unscored", s.Unscored}} {
			if c.n < 0 || c.n > maxMetric {
				return fmt.Errorf("%s: %s %d: want a count from 0 to %g", at, c.name, c.n, float64(maxMetric))
			}
		}
		if s.ScoredV3+s.ScoredV2+s.Unscored != s.CVEs {
			return fmt.Errorf("%s: scored_v3 %d + scored_v2 %d + unscored %d is not cves %d", at, s.ScoredV3, s.ScoredV2, s.Unscored, s.CVEs)
		}
		if len(s.CVEIDs) != 0 && len(s.CVEIDs) != s.CVEs {
			return fmt.Errorf("%s: %d cve_ids for cves %d", at, len(s.CVEIDs), s.CVEs)
		}
		for _, m := range metrics {
			for _, f := range m.figures(s) {
				if math.IsNaN(f.v) || f.v < 0 || f.v > maxMetric {
					return fmt.Errorf("%s: %s %g: want a number from 0 to %g", at, f.name, f.v, float64(maxMetric))
				}
			}
		}
		if s.Severity > 10*float64(s.ScoredV3+s.ScoredV2)+1e-6 {
			return fmt.Errorf("%s: severity %g: more than 10 for each of its %d scored CVEs", at, s.Severity, s.ScoredV3+s.ScoredV2)
		}
	}
	return nil
}

// loadCVEs decodes the CVE records kept raw by Decode.
func (d *DB) loadCVEs() error {
	d.cveOnce.Do(func() {
		if d.rawCVEs == nil {
			return
		}
		if err := json.Unmarshal(d.rawCVEs, &d.cves); err != nil {
			d.cveErr = fmt.Errorf("weight DB: cves: %w", err)
			return
		}
		d.rawCVEs = nil
		d.byCVE = make(map[string]int, len(d.cves))
		for i, c := range d.cves {
			if _, dup := d.byCVE[c.ID]; dup || c.ID == "" {
				d.cveErr = fmt.Errorf("weight DB: cves[%d]: id %q empty or listed twice", i, c.ID)
				return
			}
			if math.IsNaN(c.Score) || c.Score < 0 || c.Score > 10 {
				d.cveErr = fmt.Errorf("weight DB: cves[%d] (%s): score %g: want a CVSS score from 0 to 10", i, c.ID, c.Score)
				return
			}
			d.byCVE[c.ID] = i
		}
	})
	return d.cveErr
}

// CVEs returns the attributed CVEs, sorted by id (the DB's own slice: do
// not modify it). A decoded DB decodes them on the first call.
func (d *DB) CVEs() ([]CVE, error) {
	if err := d.loadCVEs(); err != nil {
		return nil, err
	}
	return d.cves, nil
}

// CVECount is the number of attributed CVEs.
func (d *DB) CVECount() (int, error) {
	if err := d.loadCVEs(); err != nil {
		return 0, err
	}
	return len(d.cves), nil
}

func (d *DB) index() {
	d.bySyscall = make(map[string]int, len(d.Syscalls))
	for i, s := range d.Syscalls {
		d.bySyscall[s.Name] = i
	}
	d.byCVE = make(map[string]int, len(d.cves))
	for i, c := range d.cves {
		d.byCVE[c.ID] = i
	}
}

// Syscall returns the record of name.
func (d *DB) Syscall(name string) (Syscall, bool) {
	i, ok := d.bySyscall[name]
	if !ok {
		return Syscall{}, false
	}
	return d.Syscalls[i], true
}

// CVE returns the record of id; ok is false when the DB has none, and
// err says when its CVE records do not decode (decoded on first use).
func (d *DB) CVE(id string) (CVE, bool, error) {
	if err := d.loadCVEs(); err != nil {
		return CVE{}, false, err // the records do not decode
	}
	i, ok := d.byCVE[id]
	if !ok {
		return CVE{}, false, nil
	}
	return d.cves[i], true, nil
}

// Arch is the DB's architecture.
func (d *DB) Arch() syscalls.Arch { return syscalls.Arch(d.Meta.Arch) }

// metric is one per-syscall metric of a DB: how its value is read from a
// syscall's record, the figures that carry it and its weighting evidence
// (checked on decoding), and how Assemble copies them from an input.
// Adding a metric is adding its fields to Syscall (and to the head's
// layout, head.go) and an entry here.
type metric struct {
	name    string
	value   func(Syscall) float64
	figures func(Syscall) []figure
	// copy copies the fields that carry the metric from an input's
	// record; nil for the metrics Assemble counts from the CVEs.
	copy func(dst *Syscall, src Syscall)
}

// figure is one floating-point field of a syscall's record, by its JSON
// name.
type figure struct {
	name string
	v    float64
}

// metrics lists every metric in DESIGN.md's order, which Metrics gives.
var metrics = []metric{
	{name: "cves",
		value:   func(s Syscall) float64 { return float64(s.CVEs) },
		figures: func(Syscall) []figure { return nil }}, // counts: check verifies them with the scored counts
	{name: "severity",
		value:   func(s Syscall) float64 { return s.Severity },
		figures: func(s Syscall) []figure { return []figure{{"severity", s.Severity}} }},
	{name: "exploits",
		value:   func(s Syscall) float64 { return s.Exploits },
		figures: func(s Syscall) []figure { return []figure{{"exploits", s.Exploits}, {"exploits_tfidf", s.TFIDF}} },
		copy: func(d *Syscall, s Syscall) {
			d.Exploits, d.ExploitIDs, d.TFIDF = s.Exploits, s.ExploitIDs, s.TFIDF
		}},
	{name: "complexity",
		value:   func(s Syscall) float64 { return s.Complexity },
		figures: func(s Syscall) []figure { return []figure{{"complexity", s.Complexity}} },
		copy:    func(d *Syscall, s Syscall) { d.Complexity, d.TopFuncs = s.Complexity, s.TopFuncs }},
	{name: "reach",
		value:   func(s Syscall) float64 { return s.Reach },
		figures: func(s Syscall) []figure { return []figure{{"reach", s.Reach}} },
		copy:    func(d *Syscall, s Syscall) { d.Reach = s.Reach }},
	{name: "triggers",
		value: func(s Syscall) float64 { return s.Triggers },
		figures: func(s Syscall) []figure {
			return []figure{{"triggers", s.Triggers}, {"triggers_tfidf", s.TriggersTFIDF}}
		},
		copy: func(d *Syscall, s Syscall) { d.Triggers, d.TriggersTFIDF = s.Triggers, s.TriggersTFIDF }},
}

// metricByName indexes metrics.
var metricByName = func() map[string]*metric {
	m := make(map[string]*metric, len(metrics))
	for i := range metrics {
		m[metrics[i].name] = &metrics[i]
	}
	return m
}()

// Metrics are the per-syscall metrics a DB can provide, by the names
// its meta.metrics lists them under.
var Metrics = func() []string {
	names := make([]string, len(metrics))
	for i, m := range metrics {
		names[i] = m.name
	}
	return names
}()

// MetricNames are the metrics this DB provides (meta.metrics).
func (d *DB) MetricNames() []string { return d.Meta.Metrics }

// MetricValues are every syscall's values of Metrics, by name (for
// score.RawOf).
func (d *DB) MetricValues() map[string]map[string]float64 {
	out := make(map[string]map[string]float64, len(d.Syscalls))
	for _, s := range d.Syscalls {
		v := make(map[string]float64, len(metrics))
		for _, m := range metrics {
			v[m.name] = m.value(s)
		}
		out[s.Name] = v
	}
	return out
}

// Metric is the syscall's value of a metric of Metrics, and false for a
// name that is not one.
func (s Syscall) Metric(name string) (float64, bool) {
	m, ok := metricByName[name]
	if !ok {
		return 0, false
	}
	return m.value(s), true
}

// CopyMetric copies the fields that carry metric name (its value and
// evidence) from src to dst, as Assemble copies them from its extra
// records. It is false, and copies nothing, for cves and severity (which
// Assemble counts from the CVEs) and for a name that is no metric.
func CopyMetric(name string, dst *Syscall, src Syscall) bool {
	m, ok := metricByName[name]
	if !ok || m.copy == nil {
		return false
	}
	m.copy(dst, src)
	return true
}
