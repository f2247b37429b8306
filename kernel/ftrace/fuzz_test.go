package ftrace

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse: any input gives a footprint or an error, never a panic, and
// the counts stay consistent with what was read.
func FuzzParse(f *testing.F) {
	for _, dir := range []string{"happy", "sad", "real"} {
		files, err := filepath.Glob(filepath.Join("testdata", dir, "*.txt"))
		if err != nil {
			f.Fatal(err)
		}
		for _, name := range files {
			b, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b, false)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, strict bool) {
		fp, err := Parse(bytes.NewReader(data), Options{Strict: strict, ExitWork: len(data)%2 == 0})
		if err != nil {
			if fp != nil {
				t.Fatal("footprint and error both returned")
			}
			return
		}
		calls := fp.Unattributed + fp.IRQ
		for name, sf := range fp.PerSyscall {
			n := 0
			for _, c := range sf.Functions {
				n += c
			}
			if sf.Depth < 1 || len(sf.Functions) == 0 {
				t.Fatalf("%s: depth %d with %d functions", name, sf.Depth, len(sf.Functions))
			}
			calls += n
		}
		// Every call is one line, so there cannot be more than lines.
		if lines := bytes.Count(data, []byte("\n")) + 1; calls > lines {
			t.Fatalf("%d calls from %d lines", calls, lines)
		}
		if strict && fp.Skipped != 0 {
			t.Fatalf("strict mode skipped %d lines", fp.Skipped)
		}
	})
}

// FuzzParseRaw: any pages give a footprint or an error wrapping ErrRaw,
// never a panic.
func FuzzParseRaw(f *testing.F) {
	for _, name := range []string{"tty_read", "nft_newrule"} {
		b, err := os.ReadFile(filepath.Join("testdata", "real", name+".raw"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b[:4096])
	}
	base := realRaw(f, "tty_read")
	f.Fuzz(func(t *testing.T, data []byte) {
		rt := base
		rt.CPUs = []io.Reader{bytes.NewReader(data)}
		fp, err := ParseRaw(rt, Options{})
		if err != nil {
			if fp != nil || !errors.Is(err, ErrRaw) {
				t.Fatalf("err %v with footprint %v", err, fp != nil)
			}
			return
		}
		// A record is at least 8 bytes: no more calls than that.
		if calls := fp.Unattributed + fp.IRQ; calls > len(data)/8 {
			t.Fatalf("%d calls from %d bytes", calls, len(data))
		}
	})
}
