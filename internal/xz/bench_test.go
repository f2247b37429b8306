package xz_test

import (
	"bytes"
	"io"
	"testing"

	"sysweight/internal/xz"
)

// Benchmarks on the real inputs of TestRealFiles (they skip when absent).
// scripts/bench-xz.sh times the same decoding against the xz tool.

func benchDecode(b *testing.B, file int, cfg xz.Config) {
	f := realFiles[file]
	src := f.path(b)
	b.SetBytes(int64(f.size))
	for b.Loop() {
		if _, err := cfg.Decode(src); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeDeb1(b *testing.B) { benchDecode(b, 2, xz.Config{Workers: 1}) }
func BenchmarkDecodeDeb2(b *testing.B) { benchDecode(b, 2, xz.Config{Workers: 2}) }
func BenchmarkDecodeCNA(b *testing.B)  { benchDecode(b, 0, xz.Config{}) }

func BenchmarkReaderCNA(b *testing.B) {
	f := realFiles[0]
	src := f.path(b)
	b.SetBytes(int64(f.size))
	for b.Loop() {
		r, err := xz.NewReader(bytes.NewReader(src))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}
