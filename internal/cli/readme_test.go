package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The README's comparison table is what `compare -o markdown` prints on the
// embedded DB, the summary paragraph below it included: a rebuilt DB (make
// weightdb) must come with the table it gives.
func TestREADMECompareTable(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, "compare", "-o", "markdown")
	if code != 0 {
		t.Fatalf("compare: exit %d: %s", code, errs)
	}
	const head = "| RUNTIME | SOURCE | SCORE |"
	i := strings.Index(string(b), head)
	if i < 0 {
		t.Fatalf("README.md has no table starting %q", head)
	}
	if !strings.HasPrefix(string(b)[i:], out) {
		t.Errorf("README.md's comparison table is not what compare prints on the embedded DB; paste `go run ./cmd/sysweight compare -o markdown`:\ncompare:\n%s", out)
	}
}

// The pass-through matrix time that the README gives is the one
// mk/passthrough.mk gives, and it holds the runs of the committed matrix:
// their wall_seconds add up to no more than it (6.8 + 6.9 + 6.3 + 24.8 +
// 40.9 + 18.8 = 104.6 s for the six runtimes of 2026-11-27).
func TestPassthroughMatrixTime(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	mk, err := os.ReadFile(filepath.Join("..", "..", "mk", "passthrough.mk"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`writes .runtimes/data/measured/.\. It took (\d+) s`).FindSubmatch(bytes.Join(bytes.Fields(readme), []byte(" ")))
	if m == nil {
		t.Fatal("README.md gives no time for make passthrough-matrix")
	}
	secs, _ := strconv.ParseFloat(string(m[1]), 64)
	if !bytes.Contains(mk, []byte(string(m[1])+" s here")) {
		t.Errorf("mk/passthrough.mk does not give the README's %s s", m[1])
	}
	files, _ := filepath.Glob(filepath.Join("..", "..", "runtimes", "data", "measured", "*.json"))
	sum, n := 0.0, 0
	for _, f := range files {
		if strings.HasSuffix(f, ".exposure.json") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var run struct {
			Wall float64 `json:"wall_seconds"`
		}
		if err := json.Unmarshal(b, &run); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		sum += run.Wall
		n++
	}
	if n != 6 || sum > secs || sum < secs/2 {
		t.Errorf("%d matrix files with %.1f s of runs; the README says %v s for six", n, sum, secs)
	}
}

// Every command has a row in the README's command table.
func TestREADMECommandTable(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range NewRootCmd(nil, nil).Commands() {
		if c.Hidden || c.Name() == "help" || c.Name() == "completion" {
			continue
		}
		if !strings.Contains(string(b), "\n| `"+c.Name()) {
			t.Errorf("README.md's command table has no row for %s", c.Name())
		}
	}
}
