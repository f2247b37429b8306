package vuln

import (
	"context"
	"slices"
	"strconv"
	"strings"
)

// CVSS is one base score of a CVE.
type CVSS struct {
	Version string  `json:"version"` // "3.1", "3.0", "3.x" (minor version not stated by the feed) or "2.0"
	Score   float64 `json:"score"`
	Vector  string  `json:"vector,omitempty"`
	Source  string  `json:"source"` // the feed (and, for NVD, the scoring body) that gave it
}

// IsV3 reports whether c is a CVSS v3.x score.
func (c CVSS) IsV3() bool { return strings.HasPrefix(c.Version, "3") }

// IsV2 reports whether c is a CVSS v2 score.
func (c CVSS) IsV2() bool { return strings.HasPrefix(c.Version, "2") }

// Record is one CVE as one feed (or, after Merge, several feeds) reports it.
type Record struct {
	ID          string `json:"id"`
	Description string `json:"description,omitempty"`
	// Subject is the fix commit's subject line when a feed gives it apart
	// from the description (linux_kernel_cves' cmt_msg); "" otherwise.
	Subject      string   `json:"subject,omitempty"`
	Published    string   `json:"published,omitempty"` // as the feed wrote it (RFC 3339 or a date)
	CVSS         []CVSS   `json:"cvss,omitempty"`
	ProgramFiles []string `json:"programFiles,omitempty"` // kernel source files the CNA names
	Functions    []string `json:"functions,omitempty"`    // kernel functions, when a feed names them
	Feed         string   `json:"feed"`                   // feed name; after Merge, names joined by ","
}

// BestCVSS returns the first v3.x score of r, else its first v2 score; ok is
// false when r has neither. "First" is the order of r.CVSS, which Merge keeps
// in the order the feeds were given, so the caller's feed order is the
// preference between sources.
func (r Record) BestCVSS() (CVSS, bool) {
	for _, c := range r.CVSS {
		if c.IsV3() {
			return c, true
		}
	}
	for _, c := range r.CVSS {
		if c.IsV2() {
			return c, true
		}
	}
	return CVSS{}, false
}

// Feed is one source of vulnerability records that `sysweight db update`
// can download. Update fetches the feed into its own folder under cacheDir,
// verifies it, and replaces the previous copy only when the new one is good.
type Feed interface {
	Name() string
	Update(ctx context.Context, cacheDir string) error
}

// Loader is implemented by feeds whose downloaded copy can be read back as
// records; it is separate from Feed so that a feed of other evidence (such
// as exploits) need not produce CVE records.
type Loader interface {
	Load(cacheDir string) ([]Record, error)
}

// Merge combines records from several feeds by CVE id. For each id the
// description, subject and publication date come from the first record
// that has them; CVSS scores are united, keeping the first score for each
// (source, version) pair; program files and functions are united in order
// of first appearance; Feed lists the contributing feeds in order. Pass the
// feeds in order of preference. The result is sorted by CompareID.
func Merge(feeds ...[]Record) []Record {
	byID := map[string]int{}
	var out []Record
	for _, recs := range feeds {
		for _, r := range recs {
			i, ok := byID[r.ID]
			if !ok {
				byID[r.ID] = len(out)
				out = append(out, Record{ID: r.ID})
				i = len(out) - 1
			}
			m := &out[i]
			if m.Description == "" {
				m.Description = r.Description
			}
			if m.Subject == "" {
				m.Subject = r.Subject
			}
			if m.Published == "" {
				m.Published = r.Published
			}
			for _, c := range r.CVSS {
				if !slices.ContainsFunc(m.CVSS, func(d CVSS) bool { return d.Source == c.Source && d.Version == c.Version }) {
					m.CVSS = append(m.CVSS, c)
				}
			}
			m.ProgramFiles = appendNew(m.ProgramFiles, r.ProgramFiles)
			m.Functions = appendNew(m.Functions, r.Functions)
			for _, f := range strings.Split(r.Feed, ",") {
				if f != "" && !slices.Contains(strings.Split(m.Feed, ","), f) {
					if m.Feed != "" {
						m.Feed += ","
					}
					m.Feed += f
				}
			}
		}
	}
	SortRecords(out)
	return out
}

func appendNew(dst, src []string) []string {
	for _, s := range src {
		if !slices.Contains(dst, s) {
			dst = append(dst, s)
		}
	}
	return dst
}

// SortRecords orders records by CompareID.
func SortRecords(recs []Record) {
	slices.SortFunc(recs, func(a, b Record) int { return CompareID(a.ID, b.ID) })
}

// CompareID orders CVE ids by year, then by number, so that CVE-2024-999
// comes before CVE-2024-1000; ids not of the form CVE-YYYY-N sort after the
// well-formed ones, by plain string order.
func CompareID(a, b string) int {
	ya, na, oka := splitID(a)
	yb, nb, okb := splitID(b)
	switch {
	case oka && okb:
		if ya != yb {
			return cmpInt(ya, yb)
		}
		if na != nb {
			return cmpInt(na, nb)
		}
		return strings.Compare(a, b)
	case oka:
		return -1
	case okb:
		return 1
	}
	return strings.Compare(a, b)
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ValidID reports whether id has the form CVE-YYYY-NNNN (four or more digits).
func ValidID(id string) bool {
	_, _, ok := splitID(id)
	return ok
}

func splitID(id string) (year, num int, ok bool) {
	rest, found := strings.CutPrefix(id, "CVE-")
	if !found || len(rest) < 9 || rest[4] != '-' {
		return 0, 0, false
	}
	ys, ns := rest[:4], rest[5:]
	if !allDigits(ys) || len(ns) < 4 || len(ns) > 9 || !allDigits(ns) {
		return 0, 0, false
	}
	year, _ = strconv.Atoi(ys)
	num, _ = strconv.Atoi(ns)
	return year, num, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
