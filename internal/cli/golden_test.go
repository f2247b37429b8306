package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGolden holds the output of the commands that need neither root nor
// the kernel cache, in every format each has, against
// testdata/golden/NAME.EXT (go test -run TestGolden -update rewrites
// them). The values themselves are checked elsewhere against hand counts
// and second tools (happy_test.go, output_test.go, readme_test.go, the
// packages' tests); these files hold the formats: a change of layout, of a
// column or of a summary line shows here as a diff to review.
// (k8s, lint and the commands added with them keep their own golden files.)
func TestGolden(t *testing.T) {
	formats := []struct{ format, ext string }{{"table", "txt"}, {"json", "json"}, {"csv", "csv"}, {"markdown", "md"}}
	cases := []struct {
		name string
		args []string
	}{
		{"compare", []string{"compare"}},
		{"compare-two", []string{"compare", "runc-docker", "gvisor-systrap"}},
		{"score", []string{"score", "runc-docker", "--top", "10"}},
		{"score-file", []string{"score", filepath.Join("testdata", "lint", "profile.json"), "--top", "5"}},
		{"exposure", []string{"exposure", "firecracker-v1.0.0"}},
		{"diff", []string{"diff", "runc-docker", "crun-podman"}},
		{"weights", []string{"weights", "--top", "10"}},
		{"runtimes", []string{"runtimes"}},
		{"explain-syscall", []string{"explain", "keyctl", "--limit", "5"}},
		{"explain-cve", []string{"explain", "CVE-2016-8655"}},
		{"db-info", []string{"db", "info"}},
	}
	for _, c := range cases {
		for _, f := range formats {
			code, out, errs := run(t, append(c.args, "-o", f.format)...)
			if code != 0 {
				t.Fatalf("%s -o %s: exit %d: %s", strings.Join(c.args, " "), f.format, code, errs)
			}
			checkGolden(t, filepath.Join("testdata", "golden", c.name+"."+f.ext), out, "TestGolden")
		}
	}
}

// checkGolden compares out with the golden file at path, or with -update
// writes it there. test names the test that -update should be run with.
func checkGolden(t *testing.T, path, out, test string) {
	t.Helper()
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if out != string(want) {
		t.Errorf("%s differs (go test -run %s -update rewrites it):\n%s", path, test, out)
	}
}
