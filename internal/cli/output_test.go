package cli

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
)

// compare orders rows by score, highest first, ties by name. By
// definition runc-unconfined (no filter, normalized 1) scores highest among
// the built-ins, and nabla (7 syscalls, mostly fd-restricted) lowest.
func TestCompareSorted(t *testing.T) {
	code, out, errs := run(t, "compare", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rows []struct {
		Runtime string
		Score   float64
	}
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(rows); i++ {
		a, b := rows[i-1], rows[i]
		if a.Score < b.Score || a.Score == b.Score && a.Runtime > b.Runtime {
			t.Errorf("row %d %s (%v) before %s (%v)", i, a.Runtime, a.Score, b.Runtime, b.Score)
		}
	}
	if len(rows) < 2 || rows[0].Runtime != "runc-unconfined" || rows[len(rows)-1].Runtime != "nabla" {
		t.Errorf("first and last rows %v, want runc-unconfined … nabla", rows)
	}
	// Given runtimes are sorted too, the baseline (--baseline) left out.
	code, out, _ = run(t, "compare", "nabla", "runc-unconfined", "kata-firecracker", "-o", "csv")
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(recs) != 4 || recs[1][0] != "runc-unconfined" || recs[2][0] != "kata-firecracker" || recs[3][0] != "nabla" {
		t.Errorf("compare nabla runc-unconfined kata-firecracker: %d %v %q", code, err, out)
	}
}

// The table output explains PARTIAL and SOURCE below the rows, and
// --help does too; markdown gives the summary as a paragraph after a blank
// line; CSV holds the header and rows only (csv.Reader refuses a record
// with another number of fields).
func TestCompareLegendAndFormats(t *testing.T) {
	_, text, _ := run(t, "compare", "runc-docker", "nabla")
	for _, want := range []string{"\n\nweights: log over the 346 syscalls of kernel 6.1 (the 39 of the x86_64 table it lacks", "\nEXPOSED: syscalls with degree > 0; PARTIAL:", "\nSOURCE: declared = "} {
		if !strings.Contains(text, want) {
			t.Errorf("table output lacks %q:\n%s", want, text)
		}
	}
	_, help, _ := run(t, "compare", "--help")
	for _, want := range []string{"SOURCE is how the exposure was obtained", "PARTIAL counts", "ordered by score"} {
		if !strings.Contains(help, want) {
			t.Errorf("compare --help lacks %q", want)
		}
	}
	_, md, _ := run(t, "compare", "runc-docker", "nabla", "-o", "markdown")
	if !strings.Contains(md, "| nabla | declared |") || !strings.Contains(md, " |\n\nweights: log over the 346 syscalls of kernel 6.1") {
		t.Errorf("markdown: want the table, a blank line and the summary:\n%s", md)
	}
	for _, args := range [][]string{
		{"compare", "runc-docker", "nabla"}, {"exposure", "nabla"}, {"score", "nabla"}, {"diff", "nabla", "runc-docker"},
		{"weights"}, {"explain", "keyctl"}, {"db", "info"},
	} {
		code, out, errs := run(t, append(args, "-o", "csv")...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		if _, err := csv.NewReader(strings.NewReader(out)).ReadAll(); err != nil || strings.Contains(out, "\n\n") {
			t.Errorf("%v -o csv is not rows only: %v\n%s", args, err, out)
		}
		code, out, _ = run(t, append(args, "-o", "markdown")...)
		if code != 0 || !strings.Contains(out, "\n\n| ") && !strings.Contains(out, " |\n\n") {
			t.Errorf("%v -o markdown: no paragraph beside the table:\n%s", args, out)
		}
	}
}

// --limit bounds the exploit list as it bounds the CVEs: socket has 217
// exploits in the embedded DB (its raw exploits metric, the same count).
func TestExplainLimitExploits(t *testing.T) {
	code, out, errs := run(t, "explain", "socket", "--limit", "3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var line string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "exploits:") {
			line = l
		}
	}
	if !strings.HasPrefix(line, "  217 exploits: EDB-") || strings.Count(line, "EDB-") != 3 || !strings.HasSuffix(line, ", … 214 more (--limit 0 lists all)") {
		t.Errorf("exploits line %q, want 3 of 217 and 214 more", line)
	}
	if !strings.Contains(out, "\nexploits   raw 217") && !strings.Contains(out, "  exploits   raw 217 ") {
		t.Errorf("raw exploits metric is not 217:\n%s", out)
	}
	_, all, _ := run(t, "explain", "socket", "--limit", "0")
	for _, l := range strings.Split(all, "\n") {
		if strings.Contains(l, "exploits:") && strings.Count(l, "EDB-") != 217 {
			t.Errorf("--limit 0 lists %d exploits, want 217", strings.Count(l, "EDB-"))
		}
	}
}
