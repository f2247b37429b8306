package cli

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Every input a command reads refuses what is not a regular file (or, where
// a directory is wanted, not a directory) before opening it: exit status 2,
// one line naming the input, at once. Before, a FIFO blocked in open(2)
// forever and a loop of links said "no file loop1 exists". Each runs the
// built binary within the budget (runBudget).
func TestNonRegularInput(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	loop := filepath.Join(dir, "loop1")
	if err := os.Symlink("loop2", loop); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("loop1", filepath.Join(dir, "loop2")); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat("/dev/null"); err != nil {
		t.Skipf("no /dev/null: %v", err)
	}
	// A kernel CNA tree with no records, so that db build reaches its other
	// inputs; and a regular file standing in for an image or a profile.
	cna := filepath.Join(dir, "cna")
	if err := os.MkdirAll(filepath.Join(cna, "cve", "published"), 0o755); err != nil {
		t.Fatal(err)
	}
	reg := filepath.Join("testdata", "sad", "truncated.json")
	out := filepath.Join(dir, "out.json")

	inputs := []struct {
		name, path, what string
	}{
		{"fifo", fifo, "is a named pipe (FIFO)"},
		{"directory", sub, "is a directory"},
		{"symlink loop", loop, ": too many levels of symbolic links"},
		{"device", "/dev/null", "is a character device"},
	}
	commands := []struct {
		name  string
		args  func(p string) []string
		dirOK bool // a directory is a valid input here: skip that case
	}{
		{"score", func(p string) []string { return []string{"score", p} }, false},
		{"exposure", func(p string) []string { return []string{"exposure", p} }, false},
		{"compare", func(p string) []string { return []string{"compare", "runc-docker", p} }, false},
		{"diff", func(p string) []string { return []string{"diff", "runc-docker", p} }, false},
		{"lint", func(p string) []string { return []string{"lint", p, "--out", out} }, false},
		{"lint --baseline", func(p string) []string { return []string{"lint", "nabla", "--baseline", p, "--out", out} }, false},
		{"weights --db", func(p string) []string { return []string{"weights", "--db", p} }, false},
		{"explain --db", func(p string) []string { return []string{"explain", "read", "--db", p} }, false},
		{"db info --db", func(p string) []string { return []string{"db", "info", "--db", p} }, false},
		{"score --db", func(p string) []string { return []string{"score", "runc-docker", "--db", p} }, false},
		{"kernel analyze", func(p string) []string { return []string{"kernel", "analyze", p} }, false},
		{"kernel analyze --symbols", func(p string) []string { return []string{"kernel", "analyze", reg, "--symbols", p} }, false},
		{"kernel analyze --dwarf", func(p string) []string { return []string{"kernel", "analyze", reg, "--dwarf", p} }, false},
		{"kernel analyze --modules", func(p string) []string { return []string{"kernel", "analyze", reg, "--modules", p} }, true},
		{"kernel reach", func(p string) []string { return []string{"kernel", "reach", p, "read"} }, false},
		{"db build --kernel-cna", func(p string) []string { return []string{"db", "build", "--kernel-cna", p, "--out", out} }, true},
		{"db build --kernel-cves", func(p string) []string {
			return []string{"db", "build", "--kernel-cna", cna, "--kernel-cna-date", "2026-01-01", "--kernel-cves", p, "--out", out}
		}, false},
		{"db build --exploits", func(p string) []string {
			return []string{"db", "build", "--kernel-cna", cna, "--exploits", p, "--out", out}
		}, false},
		{"db build --triggers", func(p string) []string {
			return []string{"db", "build", "--kernel-cna", cna, "--triggers", p, "--out", out}
		}, false},
		{"db build --kernel-metrics", func(p string) []string {
			return []string{"db", "build", "--kernel-cna", cna, "--kernel-metrics", p, "--out", out}
		}, false},
		{"db build --kernel-image", func(p string) []string {
			return []string{"db", "build", "--kernel-cna", cna, "--kernel-image", p, "--out", out}
		}, false},
	}
	for _, c := range commands {
		for _, in := range inputs {
			if c.dirOK && in.name == "directory" {
				continue
			}
			t.Run(c.name+"/"+in.name, func(t *testing.T) {
				code, stdout, stderr := runBudget(t, c.args(in.path)...)
				wantInputError(t, code, stdout, stderr)
				if !strings.Contains(stderr, in.path+" "+in.what) && !strings.Contains(stderr, in.path+in.what) {
					t.Errorf("stderr %q lacks %q", stderr, in.path+" "+in.what)
				}
				if _, err := os.Stat(out); err == nil {
					t.Errorf("%s was written", out)
				}
			})
		}
	}
}
