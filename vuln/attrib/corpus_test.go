package attrib

import (
	"archive/tar"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"sysweight/internal/xz"
)

// The two real CVE feeds (see ../shared/data/README.md). Tests read them in
// place, streaming; nothing from them is committed.
const (
	cnaArchive = "kernel-cna/kernel-cna-cves-2026-08-21.tar.xz"
	oldFeed    = "kernel-cves/linux_kernel_cves-2023-01-27.json.xz"
)

type corpus struct {
	desc map[string]string // CVE id → description
	feed map[string]string // CVE id → "cna" or "kernel-cves"
	err  error
}

var (
	corpusOnce sync.Once
	theCorpus  corpus
)

// sharedData is ../shared/data relative to the repository root.
func sharedData(tb testing.TB) string {
	tb.Helper()
	wd, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	dir := filepath.Join(wd, "..", "..", "..", "shared", "data") // vuln/attrib → repo root → ..
	if _, err := os.Stat(dir); err != nil {
		tb.Skipf("real CVE data absent (%s): %v", dir, err)
	}
	return dir
}

// loadCorpus reads every description of both feeds once per test binary. A
// CVE in both feeds keeps the kernel CNA text.
func loadCorpus(tb testing.TB) corpus {
	tb.Helper()
	dir := sharedData(tb)
	corpusOnce.Do(func() {
		c := corpus{desc: map[string]string{}, feed: map[string]string{}}
		if err := readOld(filepath.Join(dir, oldFeed), c); err != nil {
			c.err = err
		} else if err := readCNA(filepath.Join(dir, cnaArchive), c); err != nil {
			c.err = err
		}
		theCorpus = c
	})
	if theCorpus.err != nil {
		tb.Fatal(theCorpus.err)
	}
	return theCorpus
}

func readCNA(path string, c corpus) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := xz.NewReader(f)
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading %s: %w", path, err)
		}
		if !strings.Contains(h.Name, "cve/published/") || !strings.HasSuffix(h.Name, ".json") {
			continue
		}
		var rec struct {
			CVEMetadata struct {
				CVEID string `json:"cveId"`
			} `json:"cveMetadata"`
			Containers struct {
				CNA struct {
					Descriptions []struct {
						Value string `json:"value"`
					} `json:"descriptions"`
				} `json:"cna"`
			} `json:"containers"`
		}
		if err := json.NewDecoder(tr).Decode(&rec); err != nil {
			return fmt.Errorf("reading %s: %s: %w", path, h.Name, err)
		}
		if d := rec.Containers.CNA.Descriptions; len(d) > 0 && rec.CVEMetadata.CVEID != "" {
			c.desc[rec.CVEMetadata.CVEID] = d[0].Value
			c.feed[rec.CVEMetadata.CVEID] = "cna"
		}
	}
}

func readOld(path string, c corpus) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := xz.NewReader(f)
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	var recs map[string]struct {
		NVDText string `json:"nvd_text"`
	}
	if err := json.NewDecoder(zr).Decode(&recs); err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	for id, r := range recs {
		if r.NVDText != "" {
			c.desc[id] = r.NVDText
			c.feed[id] = "kernel-cves"
		}
	}
	return nil
}
