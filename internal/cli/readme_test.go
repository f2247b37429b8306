package cli

import (
	"os"
	"path/filepath"
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
