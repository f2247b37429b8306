package secfile

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "disk")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// A disk is zeros beyond what was written.
	if err := f.Truncate(1 << 20); err != nil {
		t.Fatal(err)
	}
	w := NewWriter(f)
	if err := w.Write("a", []byte("one")); err != nil {
		t.Fatal(err)
	}
	if n, err := w.Copy("raw/x/cpu0", strings.NewReader(strings.Repeat("p", 5000))); err != nil || n != 5000 {
		t.Fatalf("Copy = %d, %v", n, err)
	}
	if err := w.Write("raw/x/cpu0", []byte("q")); err != nil {
		t.Fatal(err)
	}
	if err := w.Write("empty", nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	ix, err := Read(f)
	if err != nil {
		t.Fatal(err)
	}
	if !ix.Complete || len(ix.Sections) != 4 {
		t.Fatalf("complete %v, %d sections", ix.Complete, len(ix.Sections))
	}
	if got := strings.Join(ix.Names(), ","); got != "a,raw/x/cpu0,empty" {
		t.Errorf("names %s", got)
	}
	b, _ := ix.Bytes("raw/x/cpu0")
	if string(b) != strings.Repeat("p", 5000)+"q" || ix.Size("raw/x/cpu0") != 5001 {
		t.Errorf("raw/x/cpu0: %d bytes", len(b))
	}
	if b, _ := io.ReadAll(ix.Open("missing")); len(b) != 0 || ix.Has("missing") {
		t.Error("a missing section is not empty")
	}
}

// A guest that stops early leaves a file without "end", or a header of
// zeros where Copy had not yet written it.
func TestIncomplete(t *testing.T) {
	var buf writerAt
	w := NewWriter(&buf)
	w.Write("a", []byte("one"))
	ix, err := Read(bytes.NewReader(buf.b))
	if err != nil || ix.Complete || len(ix.Sections) != 1 {
		t.Fatalf("Read = %+v, %v; want one section, incomplete", ix, err)
	}
	zeros := append(bytes.Clone(buf.b), make([]byte, 2*HeaderSize)...)
	if ix, err := Read(bytes.NewReader(zeros)); err != nil || ix.Complete {
		t.Errorf("zeros after a section: %+v, %v", ix, err)
	}
}

func TestBad(t *testing.T) {
	var buf writerAt
	w := NewWriter(&buf)
	w.Write("a", []byte("one"))
	for name, in := range map[string][]byte{
		"cut header":   buf.b[:100],
		"cut data":     buf.b[:len(buf.b)-1],
		"not a header": append([]byte("garbage"), make([]byte, HeaderSize)...),
		"bad length":   bytes.Replace(bytes.Clone(buf.b), []byte("0000000000000003"), []byte("000000000000000g"), 1),
	} {
		if _, err := Read(bytes.NewReader(in)); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: %v, want ErrFormat", name, err)
		}
	}
	if _, err := Header("has space", 1); err == nil {
		t.Error("a name with a space")
	}
}

type writerAt struct{ b []byte }

func (w *writerAt) WriteAt(p []byte, off int64) (int, error) {
	if end := int(off) + len(p); end > len(w.b) {
		w.b = append(w.b, make([]byte, end-len(w.b))...)
	}
	copy(w.b[off:], p)
	return len(p), nil
}
