package runtimes

import (
	"bytes"
	"testing"
)

// FuzzDecodeRuleSet: a derived rule set decodes to a policy or an error,
// never a panic.
func FuzzDecodeRuleSet(f *testing.F) {
	b, err := dataFS.ReadFile("data/firecracker-v1.0.0.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b[:2000])
	f.Add([]byte(`{"schema":1,"name":"x","arch":"x86_64","filters":[{"name":"a","default":"errno:1","rules":[{"syscall":"read","action":"allow","conds":[{"arg":0,"op":"masked_eq","value":"0x1","value_two":"0x0"}]}]}]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		decodeRuleSet(bytes.NewReader(in), "fuzz")
	})
}

// FuzzDecodeExposure: a measured exposure decodes or errors, never panics.
func FuzzDecodeExposure(f *testing.F) {
	f.Add([]byte(`{"name":"x","arch":"x86_64","provenance":{"source":"passthrough","origin":"o"},"entries":[{"syscall":"read","nr":0,"degree":1}]}`))
	f.Add([]byte(`{"name":"x","arch":"x86_64","entries":[{"syscall":"read","degree":2}]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		decodeExposure(in, "fuzz")
	})
}
