package db

import (
	"bytes"
	"testing"
)

// FuzzDecode: any input gives a DB or an error, never a panic; a DB that
// decodes re-encodes to the same bytes (the encoding is canonical).
func FuzzDecode(f *testing.F) {
	var buf bytes.Buffer
	d, err := Assemble(mustTable(), []CVE{{ID: "CVE-2016-0728", Score: 7.8, CVSSVersion: "3.1", Feed: "f",
		Links: []Link{{Syscall: "keyctl", Method: "text", Evidence: "keyctl"}}}}, Meta{Metrics: []string{"cves"}}, nil, fixedClock)
	if err != nil {
		f.Fatal(err)
	}
	// three syscalls, not the table's 385: a seed of a few kB keeps each
	// run short, so the fuzzer explores instead of minimising (a 40 kB
	// seed gave about 800 runs in 15 s)
	var keep []Syscall
	for _, s := range d.Syscalls {
		if s.Name == "keyctl" || s.Name == "read" || s.Name == "bpf" {
			keep = append(keep, s)
		}
	}
	d.Syscalls = keep
	if err := d.seal(); err != nil {
		f.Fatal(err)
	}
	d.Encode(&buf)
	if _, err := Decode(bytes.NewReader(buf.Bytes())); err != nil || len(keep) != 3 || buf.Len() > 8<<10 {
		f.Fatalf("seed: %d syscalls, %d bytes, decodes: %v", len(keep), buf.Len(), err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(`{"schema": 1}`))
	f.Add([]byte(`{`))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := Decode(bytes.NewReader(b))
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := d.Encode(&out); err != nil {
			return // CVE records that do not decode
		}
		if !bytes.Equal(out.Bytes(), b) {
			t.Fatalf("decoded DB re-encodes differently")
		}
	})
}
