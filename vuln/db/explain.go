package db

import (
	"fmt"
	"sort"
)

// Evidence is what the DB holds behind one syscall's metrics: its record
// and every CVE attributed to it, each with the links to that syscall
// alone. It is the DB's half of `sysweight explain SYSCALL` and of the
// report's drill-down; the weight, rank and normalised metrics are
// score's.
type Evidence struct {
	Syscall Syscall
	// CVEs are in the order of Syscall.CVEIDs (by id), then stably by
	// CVSS score, highest first (unscored CVEs score 0).
	CVEs []CVEEvidence
}

// CVEEvidence is a CVE as the evidence of one syscall's metrics.
type CVEEvidence struct {
	ID          string  `json:"id"`
	Title       string  `json:"title,omitempty"`
	Score       float64 `json:"score,omitempty"`
	CVSSVersion string  `json:"cvss_version,omitempty"`
	Feed        string  `json:"feed"`
	// Evidence are the CVE's links to the syscall (one per method that
	// found it), in the DB's order.
	Evidence []Link `json:"evidence"`
}

// Explain gathers the evidence behind name's metrics. ok is false when
// the DB's table has no syscall name; err says that the DB's CVE records
// do not decode or do not hold a CVE the syscall lists.
func (d *DB) Explain(name string) (ev Evidence, ok bool, err error) {
	rec, ok := d.Syscall(name)
	if !ok {
		return Evidence{}, false, nil
	}
	ev.Syscall = rec
	for _, id := range rec.CVEIDs {
		c, ok, err := d.CVE(id)
		if err != nil {
			return Evidence{}, true, err
		}
		if !ok {
			return Evidence{}, true, fmt.Errorf("weight DB: %s lists %s, which has no record", name, id)
		}
		ec := CVEEvidence{ID: c.ID, Title: c.Title, Score: c.Score, CVSSVersion: c.CVSSVersion, Feed: c.Feed}
		for _, l := range c.Links {
			if l.Syscall == name {
				ec.Evidence = append(ec.Evidence, l)
			}
		}
		ev.CVEs = append(ev.CVEs, ec)
	}
	sort.SliceStable(ev.CVEs, func(i, j int) bool { return ev.CVEs[i].Score > ev.CVEs[j].Score })
	return ev, true, nil
}
