package db

import (
	"bytes"
	"testing"
)

// BenchmarkDecodeDefault decodes the embedded DB, as every command does once.
func BenchmarkDecodeDefault(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := Decode(bytes.NewReader(defaultDB)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeDefaultWithHead decodes the embedded DB as Default does:
// the head from its binary form, the CVE records kept for later.
func BenchmarkDecodeDefaultWithHead(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := decodeWithHead(defaultDB, defaultHead); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeDefaultJSON decodes the embedded DB without its head, as
// Default did before the head file.
func BenchmarkDecodeDefaultJSON(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := decode(defaultDB, false); err != nil {
			b.Fatal(err)
		}
	}
}
