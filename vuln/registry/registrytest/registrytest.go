// Package registrytest holds a feed and a table for tests that show a
// registry's entries reach db update and db build with no other edit: a
// feed of one CVE record and a table of the triggers metric, both
// read from files the tests write.
package registrytest

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"

	"sysweight/vuln"
	"sysweight/vuln/db"
	"sysweight/vuln/registry"
)

// FeedName and TableFlag name the fakes; IDSetting is the feed's db
// update flag, the id of its one record.
const (
	FeedName  = "fake"
	TableFlag = "fake-table"
	IDSetting = "fake-id"
)

// Description is the fake record's, which the text method attributes to
// keyctl; Score its CVSS v3.1 base score.
const (
	Description = "A flaw in the keyctl() syscall."
	Score       = 5.5
)

// Feed is a feed whose fetcher writes one record, with the id of its
// setting, to CACHE/fake/records.json, and whose reader reads that file.
func Feed() registry.Feed {
	return registry.Feed{
		Name:         FeedName,
		Flag:         FeedName,
		Origin:       "a feed of the test",
		Usage:        "records of the fake feed",
		VersionUsage: "its version",
		DateUsage:    "its date",
		About:        "a feed of the test",
		Settings:     []registry.Setting{{Flag: IDSetting, Usage: "id of the fake record"}},
		New: func(o registry.Options) vuln.Feed {
			return fetcher{vuln.Record{ID: o.Settings[IDSetting], Feed: FeedName, Description: Description,
				CVSS: []vuln.CVSS{{Version: "3.1", Score: Score, Source: FeedName}}}}
		},
		Cached: func(cache string) string { return filepath.Join(cache, FeedName, "records.json") },
		Read: func(path string) ([]vuln.Record, string, error) {
			b, err := os.ReadFile(path)
			if err != nil {
				return nil, "", err
			}
			var recs []vuln.Record
			return recs, "fake: read", json.Unmarshal(b, &recs)
		},
	}
}

type fetcher struct{ rec vuln.Record }

func (f fetcher) Name() string { return FeedName }
func (f fetcher) Update(_ context.Context, cacheDir string) error {
	b, err := json.Marshal([]vuln.Record{f.rec})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(cacheDir, FeedName), 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(cacheDir, FeedName, "records.json"), b, 0o644)
}

// Table is a table of the triggers metric: a JSON object of syscall
// names and their triggers. Its embedded copy gives keyctl 3.
func Table() registry.Table {
	return registry.Table{
		Flag:     TableFlag,
		Usage:    "triggers of the fake table: embedded, a file, or none",
		Metrics:  []string{"triggers"},
		Embedded: func() (*registry.Part, error) { return part(map[string]float64{"keyctl": 3}), nil },
		Decode: func(r io.Reader) (*registry.Part, error) {
			var v map[string]float64
			if err := json.NewDecoder(r).Decode(&v); err != nil {
				return nil, err
			}
			return part(v), nil
		},
	}
}

func part(v map[string]float64) *registry.Part {
	p := &registry.Part{Syscalls: map[string]db.Syscall{},
		Source: db.Source{Name: TableFlag, Origin: "a table of the test", Date: "2026-01-01", Records: len(v)},
		Note:   func(m *db.Meta) { m.Triggers = "fake table" }}
	for name, n := range v {
		// Exploits is set and must not be copied: it is no metric of the table.
		p.Syscalls[name] = db.Syscall{Triggers: n, Exploits: 9}
	}
	return p
}
