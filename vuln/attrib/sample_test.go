package attrib

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

type sampleFile struct {
	CVEs []struct {
		ID       string   `json:"id"`
		Feed     string   `json:"feed"`
		Category string   `json:"category"`
		Want     []string `json:"want"`
		Reason   string   `json:"reason"`
	} `json:"cves"`
}

func readSample(t *testing.T) sampleFile {
	t.Helper()
	b, err := os.ReadFile("testdata/sample.json")
	if err != nil {
		t.Fatal(err)
	}
	var s sampleFile
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("testdata/sample.json: %v", err)
	}
	return s
}

// TestSample measures the text method against the hand-verified sample: each
// CVE's want set was judged by reading its description (see sample.json).
// Precision and recall are over (CVE, syscall) pairs.
func TestSample(t *testing.T) {
	s := readSample(t)
	if len(s.CVEs) < 50 {
		t.Fatalf("sample has %d CVEs, want ≥ 50", len(s.CVEs))
	}
	start := time.Now()
	c := loadCorpus(t)
	t.Logf("read %d descriptions from ../shared/data in %v", len(c.desc), time.Since(start).Round(time.Millisecond))

	feedName := map[string]string{"cna": "kernel-cna", "kernel-cves": "kernel-cves"}
	type counts struct{ tp, fp, fn int }
	var all counts
	byCat := map[string]*counts{}
	for _, e := range s.CVEs {
		d, ok := c.desc[e.ID]
		if !ok {
			t.Errorf("%s: not in the feeds", e.ID)
			continue
		}
		if feedName[c.feed[e.ID]] != e.Feed {
			t.Errorf("%s: text read from %s, sample says %s", e.ID, feedName[c.feed[e.ID]], e.Feed)
		}
		got := map[string]string{}
		for _, l := range Text(d, x86) {
			got[l.Syscall] = l.Evidence
		}
		want := map[string]bool{}
		for _, w := range e.Want {
			if _, ok := x86.Number(w); !ok {
				t.Errorf("%s: want %q is not an x86_64 syscall", e.ID, w)
			}
			want[w] = true
		}
		cc := byCat[e.Category]
		if cc == nil {
			cc = &counts{}
			byCat[e.Category] = cc
		}
		var fps, fns []string
		for g, ev := range got {
			if want[g] {
				all.tp++
				cc.tp++
			} else {
				all.fp++
				cc.fp++
				fps = append(fps, g+" ("+ev+")")
			}
		}
		for w := range want {
			if _, ok := got[w]; !ok {
				all.fn++
				cc.fn++
				fns = append(fns, w)
			}
		}
		sort.Strings(fps)
		sort.Strings(fns)
		if len(fps)+len(fns) > 0 {
			t.Logf("%s [%s]: false %v, missed %v", e.ID, e.Category, fps, fns)
		}
	}
	ratio := func(a, b int) float64 {
		if b == 0 {
			return 1
		}
		return float64(a) / float64(b)
	}
	cats := make([]string, 0, len(byCat))
	for k := range byCat {
		cats = append(cats, k)
	}
	sort.Strings(cats)
	var b strings.Builder
	for _, k := range cats {
		cc := byCat[k]
		b.WriteString("  " + k + ": ")
		b.WriteString(formatPR(cc.tp, cc.fp, cc.fn, ratio))
		b.WriteString("\n")
	}
	p, r := ratio(all.tp, all.tp+all.fp), ratio(all.tp, all.tp+all.fn)
	t.Logf("sample: %d CVEs, %s\n%s", len(s.CVEs), formatPR(all.tp, all.fp, all.fn, ratio), b.String())
	if p < 0.9 {
		t.Errorf("precision %.3f < 0.9", p)
	}
	// The text method cannot see syscalls named only in prose or implied by
	// a subsystem; recall is reported, and guarded only against collapse.
	if r < 0.4 {
		t.Errorf("recall %.3f < 0.4", r)
	}
}

func formatPR(tp, fp, fn int, ratio func(a, b int) float64) string {
	return fmt.Sprintf("tp=%d fp=%d fn=%d precision=%.3f recall=%.3f", tp, fp, fn, ratio(tp, tp+fp), ratio(tp, tp+fn))
}

// BenchmarkTextCorpus runs Text over every description of both feeds
// (16,886 descriptions, 18.7 MB), one goroutine.
func BenchmarkTextCorpus(b *testing.B) {
	c := loadCorpus(b)
	descs := make([]string, 0, len(c.desc))
	size := 0
	for _, d := range c.desc {
		descs = append(descs, d)
		size += len(d)
	}
	b.SetBytes(int64(size))
	b.ResetTimer()
	cpu0 := cpuTime()
	for range b.N {
		for _, d := range descs {
			Text(d, x86)
		}
	}
	// CPU time is steadier than wall time on a shared machine.
	b.ReportMetric((cpuTime()-cpu0).Seconds()*1e3/float64(b.N), "cpu-ms/op")
}

// BenchmarkAttributeAll is the DB build's call: the whole corpus on all CPUs.
func BenchmarkAttributeAll(b *testing.B) {
	c := loadCorpus(b)
	b.ResetTimer()
	cpu0 := cpuTime()
	for range b.N {
		AttributeAll(c.desc, x86)
	}
	b.ReportMetric((cpuTime()-cpu0).Seconds()*1e3/float64(b.N), "cpu-ms/op")
}

// BenchmarkBaselineRegexp is the speed baseline Text is compared with: one
// RE2 alternation of every syscall name followed by "(" or "syscall"/"system
// call", which covers only two of Text's forms. It is slow, so it runs over
// the first 1,000 descriptions by CVE id; compare MB/s.
func BenchmarkBaselineRegexp(b *testing.B) {
	c := loadCorpus(b)
	re := regexp.MustCompile(`\b(` + strings.Join(x86.Names(), "|") + `)(\(| syscall| system call)`)
	ids := make([]string, 0, len(c.desc))
	for id := range c.desc {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	descs := make([]string, 0, 1000)
	size := 0
	for _, id := range ids[:min(1000, len(ids))] {
		descs = append(descs, c.desc[id])
		size += len(c.desc[id])
	}
	b.SetBytes(int64(size))
	b.ResetTimer()
	for range b.N {
		for _, d := range descs {
			re.FindAllStringSubmatchIndex(d, -1)
		}
	}
}
