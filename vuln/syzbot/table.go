package syzbot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"sort"
	"strings"

	"sysweight/internal/atomicfile"
	"sysweight/syscalls"
)

// AnalysisVersion names the analysis that produced a table. Bump it when a
// change to ParseRepro, the pseudo-syscall map or Build can change a table.
const AnalysisVersion = "syzbot-triggers/1"

// TFIDFFormula is what the TFIDF column holds.
const TFIDFFormula = "tfidf(s) = sum over bugs b of tf(s,b) * idf(s); " +
	"tf(s,b) = call sites of s in b's test body / call sites of all syscalls in it; " +
	"idf(s) = ln(N / (1 + df(s))); df(s) = bugs calling s; N = bugs with at least one call"

// ErrInvalidTable is returned by Validate and Decode for an inconsistent table.
var ErrInvalidTable = errors.New("invalid triggers table")

// Provenance records where a table came from and how it was made.
type Provenance struct {
	Repo     string `json:"repo"`
	Commit   string `json:"commit"`
	Date     string `json:"date"`
	Path     string `json:"path"`
	Arch     string `json:"arch"`
	Table    string `json:"syscall_table"`
	Analysis string `json:"analysis"`
	Formula  string `json:"tfidf_formula"`
	// Files counts the reproducers read; Invalid those syzbot marked
	// invalid; Duplicates those whose title an earlier file (by name)
	// already had; Bugs the rest, of which NoCalls had no syscall in the
	// body. Documents = Bugs − NoCalls is N of the formula.
	Files      int `json:"files"`
	Invalid    int `json:"invalid"`
	Duplicates int `json:"duplicates"`
	Bugs       int `json:"bugs"`
	NoCalls    int `json:"no_calls"`
	Documents  int `json:"documents"`
	// Bodies counts the bugs by the function read as the test body.
	Bodies map[string]int `json:"bodies"`
	// Left out of the counts, over all bugs: data-area mmaps, exits,
	// unresolved syscall names, and pseudo-syscalls by name (mapped ones
	// are counted as their syscall and listed in Pseudo).
	DataMmaps  int            `json:"data_mmaps"`
	Exits      int            `json:"exits"`
	Unresolved int            `json:"unresolved"`
	Pseudo     map[string]int `json:"pseudo_mapped"`
	Skipped    map[string]int `json:"pseudo_skipped"`
}

// Row is one syscall's trigger evidence.
type Row struct {
	Name  string  `json:"name"`
	Bugs  int     `json:"bugs"` // distinct bugs whose test body calls it
	TFIDF float64 `json:"tfidf"`
}

// Table is the per-syscall trigger evidence, ordered by name; it holds
// only syscalls that at least one bug's body calls.
type Table struct {
	Source   Provenance `json:"source"`
	Syscalls []Row      `json:"syscalls"`
}

// Source names the snapshot read.
type Source struct {
	Repo, Commit, Date string
}

// File is one reproducer file of the corpus, by its path.
type File struct {
	Path  string
	Repro Repro
}

// Build derives the table. files must be in path order: of several files
// with one title the first counts.
func Build(files []File, src Source, t *syscalls.Table) (*Table, error) {
	p := Provenance{Repo: src.Repo, Commit: src.Commit, Date: src.Date, Path: "linux/*.c", Arch: string(t.Arch),
		Table: t.Source + ", Linux " + t.Kernel, Analysis: AnalysisVersion, Formula: TFIDFFormula,
		Bodies: map[string]int{}, Pseudo: map[string]int{}, Skipped: map[string]int{}}
	seen := map[string]bool{}
	df := map[string]int{}
	tf := map[string]float64{}
	for _, f := range files {
		r := f.Repro
		p.Files++
		if r.Status == "invalid" || r.Status == "2" {
			p.Invalid++
			continue
		}
		key := strings.ToLower(strings.TrimSpace(r.Title))
		if key == "" {
			key = f.Path
		}
		if seen[key] {
			p.Duplicates++
			continue
		}
		seen[key] = true
		p.Bugs++
		p.Bodies[r.Body]++
		p.DataMmaps += r.DataMmaps
		p.Exits += r.Exits
		p.Unresolved += r.Unresolved
		for k, v := range r.Pseudo {
			p.Pseudo[k] += v
		}
		for k, v := range r.Skipped {
			p.Skipped[k] += v
		}
		total := 0
		for _, n := range r.Calls {
			total += n
		}
		if total == 0 {
			p.NoCalls++
			continue
		}
		p.Documents++
		names := make([]string, 0, len(r.Calls))
		for s := range r.Calls {
			names = append(names, s)
		}
		sort.Strings(names) // fixed summation order
		for _, s := range names {
			df[s]++
			tf[s] += float64(r.Calls[s]) / float64(total)
		}
	}
	tb := &Table{Source: p}
	for s, n := range df {
		idf := math.Log(float64(p.Documents) / float64(1+n))
		tb.Syscalls = append(tb.Syscalls, Row{Name: s, Bugs: n, TFIDF: round6(tf[s] * idf)})
	}
	sort.Slice(tb.Syscalls, func(i, j int) bool { return tb.Syscalls[i].Name < tb.Syscalls[j].Name })
	if err := tb.Validate(t); err != nil {
		return nil, fmt.Errorf("building triggers table: %w", err)
	}
	return tb, nil
}

func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }

// Row returns the row of syscall name.
func (tb *Table) Row(name string) (Row, bool) {
	i := sort.Search(len(tb.Syscalls), func(i int) bool { return tb.Syscalls[i].Name >= name })
	if i < len(tb.Syscalls) && tb.Syscalls[i].Name == name {
		return tb.Syscalls[i], true
	}
	return Row{}, false
}

var (
	commitRE = regexp.MustCompile(`^[0-9a-f]{40}$`)
	dateRE   = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
)

// Validate checks the provenance and that the rows are sorted, unique,
// known to t and within the counts.
func (tb *Table) Validate(t *syscalls.Table) error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalidTable, fmt.Sprintf(format, a...))
	}
	p := tb.Source
	switch {
	case p.Repo == "":
		return bad("source.repo is empty")
	case !commitRE.MatchString(p.Commit):
		return bad("source.commit %q is not a 40-digit hex commit", p.Commit)
	case !dateRE.MatchString(p.Date):
		return bad("source.date %q is not YYYY-MM-DD", p.Date)
	case p.Arch != string(t.Arch):
		return bad("source.arch %q, want %q", p.Arch, t.Arch)
	case p.Analysis == "" || p.Formula == "" || p.Table == "":
		return bad("source.analysis, tfidf_formula and syscall_table must be set")
	case p.Files != p.Invalid+p.Duplicates+p.Bugs || p.Bugs != p.NoCalls+p.Documents || p.Documents <= 0:
		return bad("source: files %d != invalid %d + duplicates %d + bugs %d, or bugs != no_calls %d + documents %d",
			p.Files, p.Invalid, p.Duplicates, p.Bugs, p.NoCalls, p.Documents)
	}
	for i, r := range tb.Syscalls {
		where := fmt.Sprintf("syscalls[%d] (%s)", i, r.Name)
		if _, ok := t.Number(r.Name); !ok {
			return bad("%s: not a %s syscall", where, t.Arch)
		}
		if i > 0 && tb.Syscalls[i-1].Name >= r.Name {
			return bad("%s: not after %s in name order", where, tb.Syscalls[i-1].Name)
		}
		if r.Bugs <= 0 || r.Bugs > p.Documents {
			return bad("%s: bugs %d, want 1 to %d", where, r.Bugs, p.Documents)
		}
		if math.IsNaN(r.TFIDF) || math.IsInf(r.TFIDF, 0) {
			return bad("%s: tfidf %v is not finite", where, r.TFIDF)
		}
	}
	return nil
}

// Encode writes tb as indented JSON, one row per line.
func (tb *Table) Encode(w io.Writer) error {
	head, err := json.MarshalIndent(tb.Source, "  ", "  ")
	if err != nil {
		return fmt.Errorf("encoding triggers table: %w", err)
	}
	var b bytes.Buffer
	b.WriteString("{\n  \"source\": ")
	b.Write(head)
	b.WriteString(",\n  \"syscalls\": [")
	for i, r := range tb.Syscalls {
		rb, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("encoding triggers table: %w", err)
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n    ")
		b.Write(rb)
	}
	b.WriteString("\n  ]\n}\n")
	_, err = w.Write(b.Bytes())
	return err
}

// Decode reads a table and validates it against t.
func Decode(r io.Reader, t *syscalls.Table) (*Table, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var tb Table
	if err := dec.Decode(&tb); err != nil {
		return nil, fmt.Errorf("decoding triggers table: %w", err)
	}
	if err := tb.Validate(t); err != nil {
		return nil, fmt.Errorf("decoding triggers table: %w", err)
	}
	return &tb, nil
}

// WriteFile writes tb to name atomically (internal/atomicfile).
func WriteFile(name string, tb *Table) error {
	var buf bytes.Buffer
	if err := tb.Encode(&buf); err != nil {
		return err
	}
	return atomicfile.WriteFile(name, buf.Bytes())
}

// String summarises the provenance in one line.
func (p Provenance) String() string {
	short := p.Commit
	if len(short) > 12 {
		short = short[:12]
	}
	return fmt.Sprintf("%s@%s (%s), %s: %d reproducers, %d bugs (%d invalid and %d same-title left out), %s",
		p.Repo, short, p.Date, p.Path, p.Files, p.Bugs, p.Invalid, p.Duplicates, p.Analysis)
}
