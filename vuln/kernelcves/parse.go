package kernelcves

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"sysweight/internal/xz"
	"sysweight/vuln"
)

// FeedName names this feed in Records, CVSS sources and provenance.
const FeedName = "linux_kernel_cves"

// ErrBadFile is wrapped by every error about malformed input.
var ErrBadFile = errors.New("bad kernel_cves.json")

// Entry is one CVE of the file: the Record sysweight uses plus the fields
// of linux_kernel_cves that have no place in a Record.
type Entry struct {
	vuln.Record
	CWE                 string // NVD's CWE name, e.g. "Race Conditions"
	Fixes               string // commit that fixed it
	Breaks              string // commit that introduced it
	AffectedVersions    string // e.g. "v2.6.22-rc1 to v4.9-rc2"
	LastAffectedVersion string
}

// File is a parsed kernel_cves.json.
type File struct {
	Entries  []Entry  // sorted by CVE id; rejected CVEs are left out
	Rejected []string // ids marked "rejected": true
}

// Records returns the entries' Records.
func (f *File) Records() []vuln.Record {
	out := make([]vuln.Record, len(f.Entries))
	for i, e := range f.Entries {
		out[i] = e.Record
	}
	return out
}

type entryJSON struct {
	NVDText             string          `json:"nvd_text"`
	CmtMsg              string          `json:"cmt_msg"`
	CVSS2               json.RawMessage `json:"cvss2"`
	CVSS3               json.RawMessage `json:"cvss3"`
	CWE                 string          `json:"cwe"`
	Fixes               string          `json:"fixes"`
	Breaks              string          `json:"breaks"`
	AffectedVersions    string          `json:"affected_versions"`
	LastAffectedVersion string          `json:"last_affected_version"`
	Rejected            bool            `json:"rejected"`
}

var xzMagic = []byte{0xfd, '7', 'z', 'X', 'Z', 0}

// Parse reads kernel_cves.json, or the same file xz-compressed (told by
// its magic bytes).
func Parse(r io.Reader) (*File, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	if magic, _ := br.Peek(len(xzMagic)); bytes.Equal(magic, xzMagic) {
		xr, err := xz.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("opening xz stream: %w", err)
		}
		r = xr
	} else {
		r = br
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading kernel_cves.json: %w", err)
	}
	return parse(b)
}

func parse(b []byte) (*File, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, jsonError("", err)
	}
	ids := make([]string, 0, len(raw))
	for id := range raw {
		ids = append(ids, id)
	}
	// Report the first bad entry in file-independent, stable order.
	sort.Slice(ids, func(i, j int) bool { return vuln.CompareID(ids[i], ids[j]) < 0 })
	f := &File{}
	for _, id := range ids {
		if !vuln.ValidID(id) {
			return nil, fmt.Errorf("key %q: want a CVE id (CVE-YYYY-NNNN): %w", id, ErrBadFile)
		}
		e, rejected, err := parseEntry(id, raw[id])
		if err != nil {
			return nil, err
		}
		if rejected {
			f.Rejected = append(f.Rejected, id)
			continue
		}
		f.Entries = append(f.Entries, e)
	}
	return f, nil
}

func parseEntry(id string, b json.RawMessage) (Entry, bool, error) {
	var j entryJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return Entry{}, false, jsonError(id, err)
	}
	if j.Rejected {
		return Entry{}, true, nil
	}
	e := Entry{
		Record:              vuln.Record{ID: id, Description: j.NVDText, Subject: strings.TrimSpace(j.CmtMsg), Feed: FeedName},
		CWE:                 j.CWE,
		Fixes:               j.Fixes,
		Breaks:              j.Breaks,
		AffectedVersions:    j.AffectedVersions,
		LastAffectedVersion: j.LastAffectedVersion,
	}
	for _, v := range []struct {
		field string
		raw   json.RawMessage
		names [][2]string
		vals  map[string]string
	}{
		{"cvss3", j.CVSS3, v3Names, v3Values},
		{"cvss2", j.CVSS2, v2Names, v2Values},
	} {
		c, ok, err := parseCVSS(id, v.field, v.raw, v.names, v.vals)
		if err != nil {
			return Entry{}, false, err
		}
		if ok {
			e.CVSS = append(e.CVSS, c)
		}
	}
	return e, false, nil
}

// The file spells each metric out ("Attack Vector": "Local"); these map
// names and values back to vector notation (FIRST CVSS v3.1 section 6, v2
// guide section 2.4).
var (
	v3Names = [][2]string{{"Attack Vector", "AV"}, {"Attack Complexity", "AC"}, {"Privileges Required", "PR"},
		{"User Interaction", "UI"}, {"Scope", "S"}, {"Confidentiality", "C"}, {"Integrity", "I"}, {"Availability", "A"}}
	v3Values = map[string]string{"Network": "N", "Adjacent": "A", "Adjacent Network": "A", "Local": "L", "Physical": "P",
		"Low": "L", "High": "H", "None": "N", "Required": "R", "Unchanged": "U", "Changed": "C"}
	v2Names = [][2]string{{"Access Vector", "AV"}, {"Access Complexity", "AC"}, {"Authentication", "Au"},
		{"Confidentiality Impact", "C"}, {"Integrity Impact", "I"}, {"Availability Impact", "A"}}
	v2Values = map[string]string{"Network Accessible": "N", "Adjacent Network": "A", "Local Access": "L",
		"Low": "L", "Medium": "M", "High": "H", "None": "N", "Single": "S", "Multiple": "M",
		"Partial": "P", "Complete": "C"}
)

// parseCVSS reads a cvss2/cvss3 value: absent or null; a bare score
// ("7.8"); or an object of spelled-out metrics, a score (string or number)
// and sometimes the raw vector. The score is the file's (NVD's); the vector
// comes from "raw", else is rebuilt from the metrics.
func parseCVSS(id, field string, raw json.RawMessage, names [][2]string, vals map[string]string) (vuln.CVSS, bool, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return vuln.CVSS{}, false, nil
	}
	c := vuln.CVSS{Version: "2.0", Source: FeedName}
	if field == "cvss3" {
		c.Version = "3.x" // the file does not say 3.0 or 3.1 unless "raw" does
	}
	if raw[0] == '"' {
		score, err := parseScore(raw)
		if err != nil {
			return vuln.CVSS{}, false, fmt.Errorf("%s: field %s: %v: %w", id, field, err, ErrBadFile)
		}
		c.Score = score
		return c, true, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return vuln.CVSS{}, false, fmt.Errorf("%s: field %s: want an object or a score string: %w", id, field, ErrBadFile)
	}
	var parts []string
	for _, n := range names {
		var v string
		if err := json.Unmarshal(m[n[0]], &v); err != nil || m[n[0]] == nil {
			return vuln.CVSS{}, false, fmt.Errorf("%s: field %s.%s: want a string: %w", id, field, n[0], ErrBadFile)
		}
		abbr, ok := vals[v]
		if !ok {
			return vuln.CVSS{}, false, fmt.Errorf("%s: field %s.%s: unknown value %q: %w", id, field, n[0], v, ErrBadFile)
		}
		parts = append(parts, n[1]+":"+abbr)
	}
	c.Vector = strings.Join(parts, "/")
	if r, ok := m["raw"]; ok {
		var v string
		if err := json.Unmarshal(r, &v); err != nil {
			return vuln.CVSS{}, false, fmt.Errorf("%s: field %s.raw: want a string: %w", id, field, ErrBadFile)
		}
		s, err := vuln.ScoreVector(v)
		if err != nil {
			return vuln.CVSS{}, false, fmt.Errorf("%s: field %s.raw: %w", id, field, err)
		}
		if strings.TrimPrefix(strings.TrimPrefix(s.Vector, "CVSS:"+s.Version+"/"), "CVSS:3.0/") != c.Vector {
			return vuln.CVSS{}, false, fmt.Errorf("%s: field %s.raw: %q disagrees with the spelled-out metrics %s: %w", id, field, v, c.Vector, ErrBadFile)
		}
		c.Version, c.Vector = s.Version, s.Vector
	}
	if sc, ok := m["score"]; ok {
		score, err := parseScore(sc)
		if err != nil {
			return vuln.CVSS{}, false, fmt.Errorf("%s: field %s.score: %v: %w", id, field, err, ErrBadFile)
		}
		c.Score = score
		return c, true, nil
	}
	// No score given: compute it from the vector.
	v := c.Vector
	if field == "cvss3" && !strings.HasPrefix(v, "CVSS:") {
		v = "CVSS:3.1/" + v
	}
	s, err := vuln.ScoreVector(v)
	if err != nil {
		return vuln.CVSS{}, false, fmt.Errorf("%s: field %s: %w", id, field, err)
	}
	c.Score = s.Score
	return c, true, nil
}

// parseScore accepts 7.8 or "7.8".
func parseScore(raw json.RawMessage) (float64, error) {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		s = string(raw)
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f < 0 || f > 10 {
		return 0, fmt.Errorf("want a score from 0 to 10, got %.40s", raw)
	}
	return f, nil
}

func jsonError(id string, err error) error {
	where := ""
	if id != "" {
		where = id + ": "
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("%soffset %d: %v: %w", where, se.Offset, se, ErrBadFile)
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = "(top level)"
		}
		return fmt.Errorf("%sfield %s: want %s, got JSON %s: %w", where, field, te.Type, te.Value, ErrBadFile)
	}
	return fmt.Errorf("%s%v: %w", where, err, ErrBadFile)
}
