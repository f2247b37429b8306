package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// A context cancelled with Interrupted (what main does on SIGINT or
// SIGTERM) gives 128+n and one line, whatever the command returned, and
// no output: neither stdout nor the --out file nor its temporary file.
func TestInterrupted(t *testing.T) {
	dir := t.TempDir()
	cna := filepath.Join(dir, "cna")
	if err := os.MkdirAll(filepath.Join(cna, "cve", "published"), 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out", "db.json")
	if err := os.Mkdir(filepath.Dir(out), 0o755); err != nil {
		t.Fatal(err)
	}
	build := []string{"db", "build", "--kernel-cna", cna, "--kernel-cna-date", "2026-01-01", "--out", out}

	// Not interrupted, the same command writes its file: the checks below
	// are not vacuous.
	if code, _, stderr := run(t, build...); code != 0 {
		t.Fatalf("db build: exit %d: %s", code, stderr)
	}
	if err := os.Remove(out); err != nil {
		t.Fatalf("db build wrote no %s: %v", out, err)
	}

	cases := []struct {
		sig  syscall.Signal
		args []string
		code int
		line string
	}{
		{syscall.SIGINT, []string{"compare"}, 130, "sysweight: interrupted by SIGINT\n"},
		{syscall.SIGTERM, build, 143, "sysweight: interrupted by SIGTERM\n"},
		{syscall.SIGINT, append(build, "--kernel-cna-date", "2024-13-45"), 130, "sysweight: interrupted by SIGINT\n"}, // a usage error too: the signal wins
		{syscall.SIGTERM, []string{"suggest", "--syscalls", "read", "--out", filepath.Join(filepath.Dir(out), "p.json")}, 143, "sysweight: interrupted by SIGTERM\n"},
		{syscall.SIGINT, []string{"suggest", "--syscalls", "read"}, 130, "sysweight: interrupted by SIGINT\n"}, // the profile on stdout
	}
	for _, c := range cases {
		ctx, cancel := context.WithCancelCause(context.Background())
		cancel(Interrupted{Signal: c.sig})
		var stdout, stderr bytes.Buffer
		code := Main(ctx, c.args, &stdout, &stderr)
		if code != c.code || stderr.String() != c.line || stdout.Len() != 0 {
			t.Errorf("%v after %v: exit %d, stderr %q, stdout %d bytes; want %d, %q, nothing", c.args, c.sig, code, stderr.String(), stdout.Len(), c.code, c.line)
		}
		if ents, _ := os.ReadDir(filepath.Dir(out)); len(ents) != 0 {
			t.Errorf("%v after %v left %v", c.args, c.sig, ents[0].Name())
		}
	}
}

// writeAtomic renames nothing once its context is cancelled, and leaves no
// temporary file.
func TestWriteAtomicCancelled(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(Interrupted{Signal: syscall.SIGTERM})
	err := writeAtomic(ctx, filepath.Join(dir, "x.json"), []byte("{}"))
	if err == nil || err.Error() != "interrupted by SIGTERM" {
		t.Errorf("writeAtomic: %v, want interrupted by SIGTERM", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("left %s", ents[0].Name())
	}
	if err := writeAtomic(context.Background(), filepath.Join(dir, "x.json"), []byte("{}")); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "x.json")); err != nil || string(b) != "{}" {
		t.Errorf("x.json = %q, %v", b, err)
	}
}
