package nvd

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"sysweight/vuln"
)

// FeedName names this feed in Records and provenance; CVSS sources are
// "nvd" for NVD's own (Primary) scores and "nvd:<source>" for the others
// NVD republishes, such as a CNA's.
const FeedName = "nvd"

// ErrBadPage is wrapped by every error about a malformed API response.
var ErrBadPage = errors.New("bad nvd api response")

// Page is one response of the CVE API.
type Page struct {
	ResultsPerPage int
	StartIndex     int
	TotalResults   int
	Timestamp      string
	Results        int           // vulnerabilities in this page, rejected ones included
	Records        []vuln.Record // in the page's order, rejected CVEs left out
	Rejected       []string      // ids whose vulnStatus is "Rejected"
}

type pageJSON struct {
	ResultsPerPage  *int   `json:"resultsPerPage"`
	StartIndex      *int   `json:"startIndex"`
	TotalResults    *int   `json:"totalResults"`
	Format          string `json:"format"`
	Version         string `json:"version"`
	Timestamp       string `json:"timestamp"`
	Vulnerabilities *[]struct {
		CVE *cveJSON `json:"cve"`
	} `json:"vulnerabilities"`
}

type cveJSON struct {
	ID           string `json:"id"`
	Published    string `json:"published"`
	VulnStatus   string `json:"vulnStatus"`
	Descriptions []struct {
		Lang  string `json:"lang"`
		Value string `json:"value"`
	} `json:"descriptions"`
	Metrics struct {
		V31 []metricJSON `json:"cvssMetricV31"`
		V30 []metricJSON `json:"cvssMetricV30"`
		V2  []metricJSON `json:"cvssMetricV2"`
	} `json:"metrics"`
}

type metricJSON struct {
	Source   string `json:"source"`
	Type     string `json:"type"` // "Primary" (NVD's own) or "Secondary"
	CVSSData struct {
		Version      string   `json:"version"`
		VectorString string   `json:"vectorString"`
		BaseScore    *float64 `json:"baseScore"`
	} `json:"cvssData"`
}

// ParsePage parses one API response.
func ParsePage(r io.Reader) (*Page, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading nvd page: %w", err)
	}
	var j pageJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return nil, jsonError(err)
	}
	if j.Format != "" && j.Format != "NVD_CVE" {
		return nil, fmt.Errorf("field format: want NVD_CVE, got %q: %w", j.Format, ErrBadPage)
	}
	for _, f := range []struct {
		name string
		v    *int
	}{{"resultsPerPage", j.ResultsPerPage}, {"startIndex", j.StartIndex}, {"totalResults", j.TotalResults}} {
		if f.v == nil {
			return nil, fmt.Errorf("field %s: missing: %w", f.name, ErrBadPage)
		}
		if *f.v < 0 {
			return nil, fmt.Errorf("field %s: want >= 0, got %d: %w", f.name, *f.v, ErrBadPage)
		}
	}
	if j.Vulnerabilities == nil {
		return nil, fmt.Errorf("field vulnerabilities: missing: %w", ErrBadPage)
	}
	p := &Page{ResultsPerPage: *j.ResultsPerPage, StartIndex: *j.StartIndex, TotalResults: *j.TotalResults,
		Timestamp: j.Timestamp, Results: len(*j.Vulnerabilities)}
	for i, v := range *j.Vulnerabilities {
		if v.CVE == nil {
			return nil, fmt.Errorf("field vulnerabilities[%d].cve: missing: %w", i, ErrBadPage)
		}
		rec, err := record(v.CVE)
		if err != nil {
			return nil, fmt.Errorf("field vulnerabilities[%d].cve.%w", i, err)
		}
		if v.CVE.VulnStatus == "Rejected" {
			p.Rejected = append(p.Rejected, rec.ID)
			continue
		}
		p.Records = append(p.Records, rec)
	}
	return p, nil
}

func record(c *cveJSON) (vuln.Record, error) {
	if !vuln.ValidID(c.ID) {
		return vuln.Record{}, fmt.Errorf("id: want CVE-YYYY-NNNN, got %q: %w", c.ID, ErrBadPage)
	}
	rec := vuln.Record{ID: c.ID, Published: c.Published, Feed: FeedName}
	for _, d := range c.Descriptions {
		if d.Lang == "en" {
			rec.Description = d.Value
			break
		}
	}
	for _, group := range []struct {
		name    string
		version string
		ms      []metricJSON
	}{{"cvssMetricV31", "3.1", c.Metrics.V31}, {"cvssMetricV30", "3.0", c.Metrics.V30}, {"cvssMetricV2", "2.0", c.Metrics.V2}} {
		// NVD's own score first, so that BestCVSS prefers it.
		for _, primary := range []bool{true, false} {
			for i, m := range group.ms {
				if (m.Type == "Primary") != primary {
					continue
				}
				if m.CVSSData.BaseScore == nil {
					return vuln.Record{}, fmt.Errorf("metrics.%s[%d].cvssData.baseScore: missing (%s): %w", group.name, i, c.ID, ErrBadPage)
				}
				s := *m.CVSSData.BaseScore
				if s < 0 || s > 10 {
					return vuln.Record{}, fmt.Errorf("metrics.%s[%d].cvssData.baseScore: want 0 to 10, got %v (%s): %w", group.name, i, s, c.ID, ErrBadPage)
				}
				src := "nvd"
				if m.Source != "nvd@nist.gov" {
					src = "nvd:" + m.Source
				}
				v := m.CVSSData.Version
				if v == "" {
					v = group.version
				}
				rec.CVSS = append(rec.CVSS, vuln.CVSS{Version: v, Score: s, Vector: m.CVSSData.VectorString, Source: src})
			}
		}
	}
	return rec, nil
}

func jsonError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("offset %d: %v: %w", se.Offset, se, ErrBadPage)
	case errors.As(err, &te):
		return fmt.Errorf("offset %d: field %s: want %s, got JSON %s: %w", te.Offset, te.Field, te.Type, te.Value, ErrBadPage)
	}
	return fmt.Errorf("%v: %w", err, ErrBadPage)
}
