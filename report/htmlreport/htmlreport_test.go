package htmlreport

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sysweight/vuln/db"
)

var update = flag.Bool("update", false, "rewrite testdata/small.html from the current output")

// small is a fixed two-runtime, two-syscall report, its numbers made up
// and consistent: Σ w = 10; w(keyctl) = 3 = 1·1 + 2·1 (α_severity 2),
// w(read) = 2 = 1·0.5 + 2·0.75. "a" exposes both fully: score 5, parts
// cves (1 + 0.5)/10 = 0.15 and severity 2·(1 + 0.75)/10 = 0.35. "<b>"
// exposes read at 0.5: score 1, parts 0.025 and 0.075.
func small() *Report {
	ratio1, ratio2 := 1.0, 0.2
	return &Report{
		Metrics:     []Metric{{"cves", 1}, {"severity", 2}},
		Norm:        "log",
		WeightsNote: "385 syscalls",
		Total:       10,
		Baseline:    "a",
		Runtimes: []Runtime{
			{Name: "a", Source: "declared", Score: 5, Normalized: 0.5, Ratio: &ratio1, Exposed: 2, Parts: []float64{0.15, 0.35},
				Top:         []Contribution{{"keyctl", 1, 3, 3}, {"read", 1, 2, 2}},
				Description: "runtime a", Origin: "a.json", Version: "v1", Date: "2026-01-02"},
			{Name: "<b>", Source: "declared", Score: 1, Normalized: 0.1, Ratio: &ratio2, Exposed: 1, Partial: 1, Parts: []float64{0.025, 0.075},
				Top:    []Contribution{{"read", 0.5, 2, 1}},
				Origin: "</td><script>alert(1)</script>", Notes: []string{"read from x & y"}},
		},
		Syscalls: []Syscall{
			{Name: "keyctl", Nr: 250, Rank: 1, Weight: 3, Raw: []float64{4, 30.5}, Normalized: []float64{1, 1}, ScoredV3: 3, Unscored: 1,
				Degrees: []float64{1, 0},
				CVEs: []CVE{{ID: "CVE-2016-0728", Title: `keyctl "refcount" <overflow>`, Score: 7.8, CVSSVersion: "3.x", Feed: "linux_kernel_cves",
					Links: []db.Link{{Syscall: "keyctl", Method: "text", Evidence: "keyctl"}}},
					{ID: "CVE-2024-0001", Feed: "kernel-cna", Links: []db.Link{{Syscall: "keyctl", Method: "site", Evidence: "named key_put", Path: []string{"keyctl", "key_put"}}}},
					{ID: "CVE-2024-0002", Score: 5.5, CVSSVersion: "3.1", Feed: "kernel-cna", Links: []db.Link{{Syscall: "keyctl", Method: "uapi", Evidence: "KEYCTL_READ"}}}},
				Exploits:     []string{"EDB-39277"},
				TopFunctions: []db.FuncCC{{Name: "__keyctl_dh_compute", CC: 38}}},
			{Name: "read", Nr: 0, Rank: 2, Weight: 2, Raw: []float64{1, 5}, Normalized: []float64{0.5, 0.75}, Degrees: []float64{1, 0.5}},
		},
		DB: DB{Schema: 2, Meta: db.Meta{Built: "2026-11-16T00:00:00Z", Arch: "x86_64", Table: "t", Metrics: []string{"cves", "severity"},
			Methods: []string{"text"}, Checksum: "sha256:00", Sources: []db.Source{{Name: "kernel-cna", Origin: "o", Version: "v", Date: "2026-08-21", Records: 3}}},
			CVEs: 2, SyscallsWithCVEs: 1, Syscalls: 385},
	}
}

func render(t *testing.T, r *Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// The page of small is testdata/small.html (go test -update rewrites it),
// and the same Report gives the same bytes.
func TestGolden(t *testing.T) {
	got := render(t, small())
	path := filepath.Join("testdata", "small.html")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("the page differs from %s (go test ./report/htmlreport -update rewrites it)", path)
	}
	if again := render(t, small()); again != got {
		t.Error("two renderings of one Report differ")
	}
}

// Every string is escaped: a runtime named <b>, an origin that closes a
// cell and opens a script, a title with quotes and angle brackets.
// The CVSS column marks a score's version only when it is not v3.1, the
// version the column's head names.
func TestCVSSVersionMarked(t *testing.T) {
	page := render(t, small())
	for _, want := range []string{"CVSS <small>(v3.1 unless marked)</small>", "<td>CVE-2016-0728<td>7.8 <small>v3.x</small><td>", "<td>CVE-2024-0002<td>5.5<td>"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestEscaped(t *testing.T) {
	page := render(t, small())
	for _, bad := range []string{"<script", "<b>", "<overflow>"} {
		if strings.Contains(page, bad) {
			t.Errorf("page holds %q unescaped", bad)
		}
	}
	for _, want := range []string{`data-runtime="&lt;b&gt;"`, "&lt;/td&gt;&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;overflow&gt;", "x &amp; y"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

// The geometry, by hand: the scale is 600 px for 1.0 (no score above 1);
// bars start at x = 230; "a"'s cves part 0.15 is 90 px wide, its severity
// part 0.35 210 px from x = 320; "<b>"'s parts 0.025 and 0.075 are 15 and
// 45 px. In the heat map (cells 16 px from x = 150, heaviest weight 3),
// keyctl under "a" is 1·3/3 = the darkest colour, #bd0026; read under "a"
// 2/3 of the way, between the third and fourth stops (t·4 = 2.667:
// #fd8d3c + 0.667·(#f03b20 − #fd8d3c) = (244.3, 86.3, 41.3) → #f45629);
// read under "<b>" 0.5·2/3 = 1/3 (t·4 = 1.333: #fecc5c + 0.333·(#fd8d3c −
// #fecc5c) = (253.7, 183, 81.3) → #feb751), at x = 166.
func TestGeometry(t *testing.T) {
	page := render(t, small())
	for _, want := range []string{
		`data-metric="cves" data-part="0.15" x="230.00" y="8.0" width="90.00"`,
		`data-metric="severity" data-part="0.35" x="320.00" y="8.0" width="210.00"`,
		`data-metric="cves" data-part="0.025" x="230.00" y="32.0" width="15.00"`,
		`data-metric="severity" data-part="0.075" x="245.00" y="32.0" width="45.00"`,
		`<rect x="150" width="15" height="11" fill="#bd0026"><title>keyctl · a: 1.000 × 3.000</title>`,
		`<rect x="150" width="15" height="11" fill="#f45629"><title>read · a: 1.000 × 2.000</title>`,
		`<rect x="166" width="15" height="11" fill="#feb751"><title>read · &lt;b&gt;: 0.500 × 2.000</title>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	// keyctl is not exposed by "<b>": one cell in its row
	row := regexp.MustCompile(`(?s)<g class="hrow" data-syscall="keyctl".*?</g>`).FindString(page)
	if n := strings.Count(row, "<rect"); n != 1 {
		t.Errorf("keyctl's heat-map row has %d cells, want 1", n)
	}
	for _, c := range []struct {
		t    float64
		want string
	}{{0, "#ffffb2"}, {0.5, "#fd8d3c"}, {1, "#bd0026"}, {2, "#bd0026"}, {-1, "#ffffb2"}} {
		if got := heatFill(c.t); got != c.want {
			t.Errorf("heatFill(%v) = %s, want %s", c.t, got, c.want)
		}
	}
}

// A Report whose slices do not match its metrics or runtimes is refused.
func TestCheck(t *testing.T) {
	r := small()
	r.Runtimes[0].Parts = r.Runtimes[0].Parts[:1]
	if err := Write(&bytes.Buffer{}, r); err == nil || !strings.Contains(err.Error(), "1 metric parts for 2 metrics") {
		t.Errorf("short parts: %v", err)
	}
	r = small()
	r.Syscalls[1].Degrees = nil
	if err := Write(&bytes.Buffer{}, r); err == nil || !strings.Contains(err.Error(), "read") {
		t.Errorf("no degrees: %v", err)
	}
}

// The history section, by hand: two versions of one family, 2020-01-01
// (normalised 0.4) and 2021-07-02 (0.5, +read). The x axis runs from
// 2020-01-01 to 2022-01-01 (731 days) over 820 px from x = 50, the y axis
// from 0 to 0.5 (the next tenth above 0.5) over 260 px down from y = 270:
// the first point is at (50, 62), the second 548 days in, at
// x = 50 + 548/731·820 = 664.7, y = 270 − 260 = 10. The step line goes
// right, then up. Without histories the section is not there.
func TestHistoryChart(t *testing.T) {
	if page := render(t, small()); strings.Contains(page, `id="history"`) {
		t.Error("a report without histories has a history section")
	}
	r := small()
	r.Histories = []History{{Family: "fam<x>", Builtin: "a", Versions: []HistoryVersion{
		{Version: "v1", Date: "2020-01-01", Score: 4, Normalized: 0.4},
		{Version: "v2", Date: "2021-07-02", Score: 5, Normalized: 0.5, Delta: 1, Added: []string{"read"},
			Changed: []string{"socket"}, ChangedFrom: []float64{0.25}, ChangedTo: []float64{0.5}},
	}}}
	page := render(t, r)
	for _, want := range []string{
		`<a href="#history">history</a>`,
		`<path d="M50.0 62.0H664.7 V10.0" fill="none" stroke="#0072B2"`,
		`<circle cx="50.0" cy="62.0" r="3" fill="#0072B2" data-version="v1" data-date="2020-01-01" data-score="4" data-normalized="0.4">`,
		`<circle cx="664.7" cy="10.0" r="3" fill="#0072B2" data-version="v2" data-date="2021-07-02" data-score="5" data-normalized="0.5"><title>fam&lt;x&gt; v2 (2021-07-02): 5.00, normalised 0.500 (&#43;1.00); + read; ~ socket</title>`,
		`<td>fam&lt;x&gt;</td><td class="mono">v2</td><td>2021-07-02</td><td class="n">0.500</td><td class="n">&#43;1.00</td><td>read</td><td></td><td>socket 0.25→0.50</td>`,
		`>2020</text>`, `>2022</text>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	r.Histories[0].Versions[1].Date = "July 2021"
	if err := Write(&bytes.Buffer{}, r); err == nil {
		t.Error("a history date that is not YYYY-MM-DD was accepted")
	}
}
