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
