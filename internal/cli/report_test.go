package cli

import (
	"context"
	"encoding/json"
	"html"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"sysweight/vuln/db"
)

// bar is one runtime's bar of the report, read back from its data
// attributes.
type bar struct {
	runtime           string
	score, normalized float64
	metrics           []string
	parts             []float64
}

var (
	barRE  = regexp.MustCompile(`(?s)<g class="bar" data-runtime="([^"]*)" data-score="([^"]*)" data-normalized="([^"]*)">(.*?)</g>`)
	segRE  = regexp.MustCompile(`<rect class="seg" data-metric="([^"]*)" data-part="([^"]*)"`)
	cellRE = regexp.MustCompile(`<title>([^<]*) · ([^<]*): [0-9.]+ × [0-9.]+</title>`)
)

func parseBars(t *testing.T, page string) []bar {
	t.Helper()
	var bars []bar
	num := func(s string) float64 {
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("data attribute %q: %v", s, err)
		}
		return x
	}
	for _, m := range barRE.FindAllStringSubmatch(page, -1) {
		b := bar{runtime: html.UnescapeString(m[1]), score: num(m[2]), normalized: num(m[3])}
		for _, s := range segRE.FindAllStringSubmatch(m[4], -1) {
			b.metrics = append(b.metrics, s[1])
			b.parts = append(b.parts, num(s[2]))
		}
		bars = append(bars, b)
	}
	return bars
}

// compareRow is a row of compare -o json.
type compareRow struct {
	Runtime    string  `json:"runtime"`
	Score      float64 `json:"score"`
	Normalized float64 `json:"normalized"`
	Exposed    int     `json:"exposed"`
}

func runJSON(t *testing.T, v any, args ...string) {
	t.Helper()
	code, out, errs := run(t, args...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, errs)
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("%v: %v", args, err)
	}
}

func writeReport(t *testing.T, args ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "report.html")
	code, out, errs := run(t, append([]string{"report", "--out", path}, args...)...)
	if code != 0 || !strings.HasPrefix(out, "wrote "+path+": ") {
		t.Fatalf("report %v: exit %d, stdout %q, stderr %q", args, code, out, errs)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// checkBars holds the bars to compare's rows: the same runtimes in the
// same order, the same scores to the last bit, and the metric parts of
// each bar adding up to its normalised score.
func checkBars(t *testing.T, bars []bar, rows []compareRow, metrics []string) {
	t.Helper()
	if len(bars) != len(rows) {
		t.Fatalf("%d bars, compare has %d rows", len(bars), len(rows))
	}
	for i, b := range bars {
		r := rows[i]
		if b.runtime != r.Runtime || b.score != r.Score || b.normalized != r.Normalized {
			t.Errorf("bar %d: %s %v %v; compare: %s %v %v", i, b.runtime, b.score, b.normalized, r.Runtime, r.Score, r.Normalized)
		}
		if !slices.Equal(b.metrics, metrics) {
			t.Errorf("%s: segments %v, want %v", b.runtime, b.metrics, metrics)
		}
		sum := 0.0
		for _, p := range b.parts {
			sum += p
		}
		if math.Abs(sum-b.normalized) > 1e-12 {
			t.Errorf("%s: parts add up to %v, normalised %v", b.runtime, sum, b.normalized)
		}
	}
}

// externalRE finds what would make a browser fetch something: a URL with
// a scheme or a protocol-relative one in an attribute that loads, CSS
// url() or @import with anything but a fragment.
var externalRE = regexp.MustCompile(`(?i)(\b(src|href|xlink:href|srcset|action|poster|data|background)\s*=\s*["']?\s*(https?:|//|ftp:|file:))|url\(\s*["']?\s*[^#"')\s]|@import`)

// The report of every built-in: one bar per built-in, its numbers those of
// compare -o json, metric parts that add up to the normalised score, no
// external resource, under 2 MB.
func TestReportMatchesCompare(t *testing.T) {
	page := writeReport(t)
	var rows []compareRow
	runJSON(t, &rows, "compare", "-o", "json")
	var builtins []runtimeInfo
	runJSON(t, &builtins, "runtimes", "-o", "json")
	bars := parseBars(t, page)
	checkBars(t, bars, rows, []string{"cves", "severity", "exploits", "complexity", "reach", "triggers"})
	var got, want []string
	for _, b := range bars {
		got = append(got, b.runtime)
	}
	for _, b := range builtins {
		want = append(want, b.Name)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("bars for %v, want one for each built-in %v", got, want)
	}
	// Each CVE's title is shown once, at its first listing (under the
	// heaviest syscall it is attributed to); the feed column is coded.
	titles := map[string]int{}
	for _, m := range cveRowRE.FindAllStringSubmatch(page, -1) {
		if m[3] != "CNA" && m[3] != "LKC" {
			t.Errorf("%s: feed %q", m[1], m[3])
		}
		if m[4] != "" {
			titles[m[1]]++
		}
	}
	if len(titles) < 3000 {
		t.Errorf("%d CVEs with a title", len(titles))
	}
	for id, n := range titles {
		if n > 1 {
			t.Errorf("%s's title shown %d times", id, n)
		}
	}
	if len(page) >= 2e6 {
		t.Errorf("report of every built-in is %d bytes, over 2 MB (2,000,000 bytes)", len(page))
	}
	t.Logf("%d bytes", len(page))
	if m := externalRE.FindString(page); m != "" {
		t.Errorf("reference to an external resource: %q", m)
	}
	if strings.Contains(page, "http://") || strings.Contains(page, "https://") || strings.Contains(page, "<script") {
		t.Error("the page names an http(s) URL or holds a script")
	}
}

// The metric parts recomputed from other commands' JSON: Σ_s e(s)·α_k·
// norm_k(s) / Σ w with the degrees of exposure -o json and the normalised
// metrics of weights -o json, for --alpha cves=2,reach=0 (so reach has no
// segment and cves counts twice). The heat map has one cell per syscall a
// runtime exposes (compare's count), the drill-downs are the syscalls some
// runtime exposes, and write's lists the CVEs explain write -o json does,
// in its order. Two runs give the same bytes.
func TestReportParts(t *testing.T) {
	names := []string{"nabla", "kata-firecracker"}
	flags := []string{"--alpha", "cves=2,reach=0"}
	page := writeReport(t, append(names, flags...)...)
	if again := writeReport(t, append(names, flags...)...); again != page {
		t.Error("two runs of the same report differ")
	}
	var rows []compareRow
	runJSON(t, &rows, append(append([]string{"compare", "-o", "json"}, names...), flags...)...)
	metrics := []string{"cves", "severity", "exploits", "complexity", "triggers"}
	alpha := map[string]float64{"cves": 2, "severity": 1, "exploits": 1, "complexity": 1, "triggers": 1}
	bars := parseBars(t, page)
	checkBars(t, bars, rows, metrics)

	var ws struct {
		Total   float64 `json:"total"`
		Weights []struct {
			Syscall    string             `json:"syscall"`
			Normalized map[string]float64 `json:"normalized"`
			Absent     bool               `json:"absent"`
		} `json:"weights"`
	}
	runJSON(t, &ws, append([]string{"weights", "--top", "0", "-o", "json"}, flags...)...)
	norm := map[string]map[string]float64{}
	absent := map[string]bool{}
	for _, w := range ws.Weights {
		norm[w.Syscall], absent[w.Syscall] = w.Normalized, w.Absent
	}
	cells := map[string]int{}
	for _, m := range cellRE.FindAllStringSubmatch(page, -1) {
		cells[html.UnescapeString(m[2])]++
	}
	exposedAny := map[string]bool{}
	for _, b := range bars {
		var e struct {
			Entries []struct {
				Syscall string  `json:"syscall"`
				Degree  float64 `json:"degree"`
			} `json:"entries"`
		}
		runJSON(t, &e, "exposure", b.runtime, "-o", "json")
		n := 0
		for k, m := range metrics {
			part := 0.0
			for _, en := range e.Entries {
				part += en.Degree * alpha[m] * norm[en.Syscall][m]
			}
			part /= ws.Total
			if math.Abs(part-b.parts[k]) > 1e-12 {
				t.Errorf("%s: %s part %v, from exposure and weights %v", b.runtime, m, b.parts[k], part)
			}
		}
		for _, en := range e.Entries {
			if en.Degree > 0 && !absent[en.Syscall] {
				exposedAny[en.Syscall] = true
				n++
			}
		}
		for _, r := range rows {
			if r.Runtime == b.runtime && (r.Exposed != n || cells[b.runtime] != n) {
				t.Errorf("%s: %d heat-map cells, compare exposed %d, exposure %d", b.runtime, cells[b.runtime], r.Exposed, n)
			}
		}
	}
	var drill []string
	for _, m := range regexp.MustCompile(`<details class="sc" id="sc-([a-z0-9_]+)"`).FindAllStringSubmatch(page, -1) {
		drill = append(drill, m[1])
	}
	want := slices.Sorted(func(yield func(string) bool) {
		for s := range exposedAny {
			if !yield(s) {
				return
			}
		}
	})
	slices.Sort(drill)
	if !slices.Equal(drill, want) {
		t.Errorf("drill-downs for %v, want the exposed %v", drill, want)
	}

	var ex explanation
	runJSON(t, &ex, "explain", "write", "-o", "json")
	block := regexp.MustCompile(`(?s)<details class="sc" id="sc-write".*?</details>`).FindString(page)
	var ids []string
	for _, m := range regexp.MustCompile(`<tr><td>(CVE-[0-9-]+)<td>`).FindAllStringSubmatch(block, -1) {
		ids = append(ids, m[1])
	}
	var wantIDs []string
	for _, c := range ex.CVEs {
		wantIDs = append(wantIDs, c.ID)
	}
	if len(wantIDs) == 0 || !slices.Equal(ids, wantIDs) {
		t.Errorf("write's drill-down lists %d CVEs, explain %d (or another order)", len(ids), len(wantIDs))
	}
	if len(ex.Exploits) == 0 || !strings.Contains(block, "exploits: "+strings.Join(ex.Exploits, ", ")+"</p>") {
		t.Errorf("write's drill-down lacks its %d exploits", len(ex.Exploits))
	}
}

// Chromium (Debian's chromium package; scripts/install-deps.sh installs
// it) loads the report of every built-in headless: no console message (a
// blocked resource or a script would log one), and the DOM it builds has
// one bar per runtime with compare's numbers, and a drill-down per row of
// the heat map.
func TestReportChromium(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (scripts/install-deps.sh installs Debian's chromium package): the report is not checked in a browser")
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if code, _, errs := run(t, "report", "--out", page); code != 0 {
		t.Fatalf("report: %s", errs)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--disable-gpu", "--no-sandbox", "--user-data-dir="+filepath.Join(dir, "profile"),
		"--enable-logging=stderr", "--v=0", "--dump-dom", "file://"+page)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	dom, err := cmd.Output()
	t.Logf("chromium: %v", time.Since(start).Round(time.Millisecond))
	if err != nil {
		t.Fatalf("chromium: %v: %s", err, stderr.String())
	}
	for _, l := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(l, ":CONSOLE") {
			t.Errorf("console: %s", l)
		}
	}
	var rows []compareRow
	runJSON(t, &rows, "compare", "-o", "json")
	checkBars(t, parseBars(t, string(dom)), rows, []string{"cves", "severity", "exploits", "complexity", "reach", "triggers"})
	nrows := strings.Count(string(dom), `<g class="hrow"`)
	if n := strings.Count(string(dom), `<details class="sc"`); n == 0 || n != nrows {
		t.Errorf("%d drill-downs for %d heat-map rows", n, nrows)
	}
}

// A CVE row points to its sibling's only when every link to the syscall
// is a sibling link from that one syscall.
func TestSiblingOnly(t *testing.T) {
	sib := func(ev string) db.Link { return db.Link{Syscall: "sendto", Method: "sibling", Evidence: ev} }
	for _, c := range []struct {
		links []db.Link
		as    string
		ok    bool
	}{
		{[]db.Link{sib("as sendmsg: sendmsg()")}, "sendmsg", true},
		{[]db.Link{sib("as sendmsg: sendmsg()"), sib("as sendmsg: net/x.c")}, "sendmsg", true},
		{[]db.Link{sib("as sendmsg: sendmsg()"), sib("as sendmmsg: sendmmsg()")}, "", false},
		{[]db.Link{sib("as sendmsg: sendmsg()"), {Syscall: "sendto", Method: "text", Evidence: "sendto()"}}, "", false},
		{[]db.Link{{Syscall: "sendto", Method: "trace", Evidence: "__sys_sendto"}}, "", false},
		{nil, "", false},
	} {
		if as, ok := siblingOnly(c.links); as != c.as || ok != c.ok {
			t.Errorf("%v: %q %v, want %q %v", c.links, as, ok, c.as, c.ok)
		}
	}
}

// cveRowRE is a row of a syscall's CVE table: id, CVSS cell, feed, title.
var cveRowRE = regexp.MustCompile(`<tr><td>(CVE-\d+-\d+)<td>(.*?)<td>([^<]*)<td>([^<]*)`)
