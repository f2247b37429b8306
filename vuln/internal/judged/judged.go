// Package judged reads the hand judgements kept in vuln/attrib/testdata
// (for each judged CVE, the syscalls that trigger it and those equally
// valid), for the tests of vuln/db and vuln/build that score the DB's
// links against them; neither package's tests can import the other's.
package judged

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
)

// CVE is one judgement: Want are the triggers, Also equally valid ones;
// None says why no syscall triggers it ("" when one does).
type CVE struct {
	ID   string   `json:"id"`
	Want []string `json:"want"`
	Also []string `json:"also"`
	None string   `json:"none"`
}

// Accepts reports a link to syscall s as right: s is in Want or Also.
func (c CVE) Accepts(s string) bool { return slices.Contains(c.Want, s) || slices.Contains(c.Also, s) }

// Read reads a judged file ({"cves": [...]}) and checks that it holds n
// CVEs.
func Read(path string, n int) ([]CVE, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f struct {
		CVEs []CVE `json:"cves"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(f.CVEs) != n {
		return nil, fmt.Errorf("%s: %d judged CVEs, want %d", path, len(f.CVEs), n)
	}
	return f.CVEs, nil
}
