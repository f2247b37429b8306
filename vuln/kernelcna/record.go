package kernelcna

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"sysweight/vuln"
)

// FeedName names this feed in Records, CVSS sources and provenance.
const FeedName = "kernel-cna"

var (
	// ErrBadRecord is wrapped by every error about a malformed record or
	// .cvss file.
	ErrBadRecord = errors.New("bad kernel cna record")
	// ErrRejected is returned (wrapped) for a record whose
	// cveMetadata.state is REJECTED; such records are skipped, not failures.
	ErrRejected = errors.New("rejected cve record")
)

// cveRecord holds the few fields of a CVE JSON 5 record that sysweight
// uses; decodeRecord skips the rest (the version ranges are most of each
// file). The json tags let tests decode the same struct with encoding/json
// to check decodeRecord against it.
type cveRecord struct {
	CVEMetadata struct {
		CVEID         string `json:"cveId"`
		State         string `json:"state"`
		DatePublished string `json:"datePublished"`
	} `json:"cveMetadata"`
	Containers struct {
		CNA struct {
			Descriptions []description `json:"descriptions"`
			Affected     []affected    `json:"affected"`
			Metrics      []metric      `json:"metrics"`
		} `json:"cna"`
	} `json:"containers"`
}

type description struct {
	Lang  string `json:"lang"`
	Value string `json:"value"`
}

type affected struct {
	ProgramFiles []string `json:"programFiles"`
}

type metric struct {
	V31 *cvssJSON `json:"cvssV3_1"`
	V30 *cvssJSON `json:"cvssV3_0"`
}

// cvssJSON is a metrics entry; the score is recomputed from the vector.
type cvssJSON struct {
	VectorString string `json:"vectorString"`
}

// ParseRecord parses one CVE JSON 5 record of the kernel CNA. The CVSS it
// returns comes from the record's own metrics (vector only; the score is
// recomputed); the readers replace it with the .cvss file's when there is
// one. A REJECTED record returns its id and an error wrapping ErrRejected.
func ParseRecord(r io.Reader) (vuln.Record, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return vuln.Record{}, fmt.Errorf("reading record: %w", err)
	}
	rec, _, err := parseRecord(b)
	return rec, err
}

// parseRecord also returns the raw record, so that tests can compare the
// CNA's published baseScore with ours.
func parseRecord(b []byte) (vuln.Record, *cveRecord, error) {
	var c cveRecord
	if err := decodeRecord(b, &c); err != nil {
		return vuln.Record{}, nil, err
	}
	id := c.CVEMetadata.CVEID
	if id == "" {
		return vuln.Record{}, nil, fmt.Errorf("field cveMetadata.cveId: missing: %w", ErrBadRecord)
	}
	if !vuln.ValidID(id) {
		return vuln.Record{}, nil, fmt.Errorf("field cveMetadata.cveId: want CVE-YYYY-NNNN, got %q: %w", id, ErrBadRecord)
	}
	rec := vuln.Record{ID: id, Published: c.CVEMetadata.DatePublished, Feed: FeedName}
	switch c.CVEMetadata.State {
	case "PUBLISHED":
	case "REJECTED":
		return rec, &c, fmt.Errorf("%s: %w", id, ErrRejected)
	default:
		return vuln.Record{}, nil, fmt.Errorf("%s: field cveMetadata.state: want PUBLISHED or REJECTED, got %q: %w", id, c.CVEMetadata.State, ErrBadRecord)
	}
	cna := &c.Containers.CNA
	for _, d := range cna.Descriptions {
		if d.Lang == "en" || strings.HasPrefix(d.Lang, "en-") {
			rec.Description = d.Value
			break
		}
	}
	if rec.Description == "" && len(cna.Descriptions) > 0 {
		rec.Description = cna.Descriptions[0].Value
	}
	if rec.Description == "" {
		return vuln.Record{}, nil, fmt.Errorf("%s: field containers.cna.descriptions: want a non-empty description: %w", id, ErrBadRecord)
	}
	seen := map[string]bool{}
	for _, a := range cna.Affected {
		for _, f := range a.ProgramFiles {
			if !seen[f] {
				seen[f] = true
				rec.ProgramFiles = append(rec.ProgramFiles, f)
			}
		}
	}
	for i, m := range cna.Metrics {
		for _, j := range []*cvssJSON{m.V31, m.V30} {
			if j == nil {
				continue
			}
			s, err := vuln.ScoreVector(j.VectorString)
			if err != nil {
				return vuln.Record{}, nil, fmt.Errorf("%s: field containers.cna.metrics[%d].vectorString: %w", id, i, err)
			}
			s.Source = FeedName
			rec.CVSS = append(rec.CVSS, s)
		}
	}
	return rec, &c, nil
}

// ParseCVSS parses a .cvss file of the vulns repository: a first line
// "<CNA org id> <CVSS 3.1 vector>", then the rationale for each metric, which
// is not kept. The score is computed from the vector.
func ParseCVSS(r io.Reader) (vuln.CVSS, error) {
	line, err := bufio.NewReaderSize(r, 256).ReadString('\n')
	if err != nil && err != io.EOF {
		return vuln.CVSS{}, fmt.Errorf("reading cvss: %w", err)
	}
	return parseCVSSLine(line)
}

func parseCVSS(b []byte) (vuln.CVSS, error) {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	return parseCVSSLine(string(b))
}

func parseCVSSLine(line string) (vuln.CVSS, error) {
	f := strings.Fields(line)
	if len(f) != 2 || !strings.HasPrefix(f[1], "CVSS:3") {
		if len(line) > 80 {
			line = line[:80] + "…"
		}
		return vuln.CVSS{}, fmt.Errorf("line 1: want \"<org id> CVSS:3.x/…\", got %q: %w", line, ErrBadRecord)
	}
	c, err := vuln.ScoreVector(f[1])
	if err != nil {
		return vuln.CVSS{}, fmt.Errorf("line 1: %w", err)
	}
	c.Source = FeedName
	return c, nil
}
