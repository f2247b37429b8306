package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteFile replaces a file's content and leaves mode 0644 and no
// temporary file beside it.
func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.json")
	if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, []byte("new\n")); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil || string(b) != "new\n" {
		t.Fatalf("content %q, %v; want %q", b, err, "new\n")
	}
	st, err := os.Stat(p)
	if err != nil || st.Mode().Perm() != 0o644 {
		t.Fatalf("mode %v, %v; want 0644", st.Mode().Perm(), err)
	}
	assertOnly(t, dir, "out.json")
}

// TestWriteFailure leaves the target as it was and removes the temporary
// file when the writer fails part way, and names the path in the error.
func TestWriteFailure(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.json")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := Write(p, func(w io.Writer) error {
		if _, err := w.Write([]byte("half")); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), p) {
		t.Fatalf("error %v; want boom, naming %s", err, p)
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Fatalf("target is %q after a failed write; want it untouched", b)
	}
	assertOnly(t, dir, "out.json")
}

// TestWriteNoDir fails with the path named when the directory is absent.
func TestWriteNoDir(t *testing.T) {
	p := filepath.Join(t.TempDir(), "absent", "out.json")
	err := WriteFile(p, []byte("x"))
	if err == nil || !strings.Contains(err.Error(), p) || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("error %v; want ErrNotExist naming %s", err, p)
	}
}

func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Fatalf("directory holds %v; want %v", got, names)
	}
}

// TestWriteWith names the temporary file by Prefix while it is written,
// and a Commit error renames nothing and removes it.
func TestWriteWith(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.json")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	stop := errors.New("interrupted")
	var during []string
	err := WriteWith(p, Options{Prefix: ".out.json.me-7.", Commit: func() error { return stop }}, func(w io.Writer) error {
		es, _ := os.ReadDir(dir)
		for _, e := range es {
			during = append(during, e.Name())
		}
		_, err := w.Write([]byte("new"))
		return err
	})
	if !errors.Is(err, stop) {
		t.Fatalf("error %v; want the Commit error", err)
	}
	if len(during) != 2 || !strings.HasPrefix(during[0], ".out.json.me-7.") {
		t.Fatalf("while writing the directory held %v; want .out.json.me-7.* beside out.json", during)
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Fatalf("target is %q after a refused commit; want it untouched", b)
	}
	assertOnly(t, dir, "out.json")
}
