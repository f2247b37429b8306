package seccomp

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"sysweight/syscalls"
)

// The property for every decoder: an error or a result, never a panic;
// errors are one line and carry the input name; results resolve and
// evaluate.

func checkDecodeErr(t *testing.T, err error) {
	t.Helper()
	if strings.Contains(err.Error(), "\n") {
		t.Fatalf("multi-line error: %q", err)
	}
	var de *DecodeError
	if !errors.As(err, &de) {
		t.Fatalf("error is not a *DecodeError: %v", err)
	}
	if de.Input != "fuzz" {
		t.Fatalf("error does not name the input: %v", err)
	}
}

var fuzzArgs = []*[6]uint64{args(), args(^uint64(0), 1, 2, 3, 4, 5), args(0x7E020000, 40)}

func evalAll(f *Filter) {
	for _, r := range f.Rules {
		for _, a := range fuzzArgs {
			f.Evaluate(r.Syscall, a)
		}
	}
}

func FuzzDecodeMoby(f *testing.F) {
	f.Add([]byte(`{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := DecodeMoby(bytes.NewReader(data), "fuzz")
		if err != nil {
			checkDecodeErr(t, err)
			return
		}
		for _, tg := range []Target{runcDocker, {Arch: syscalls.AArch64, Kernel: KernelVersion{4, 4}}} {
			fl, err := p.Resolve(tg)
			if err != nil {
				continue
			}
			evalAll(fl)
			if _, err := p.ResolveSpec(tg); err != nil {
				t.Fatalf("Resolve succeeded but ResolveSpec failed: %v", err)
			}
		}
	})
}

func FuzzDecodeOCI(f *testing.F) {
	f.Add([]byte(`{"ociVersion":"1.2.1","linux":{"seccomp":{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := DecodeOCI(bytes.NewReader(data), "fuzz")
		if err != nil {
			checkDecodeErr(t, err)
			return
		}
		fl, err := p.Resolve(Target{Arch: syscalls.X86_64})
		if err != nil {
			t.Fatalf("OCI profile failed to resolve: %v", err)
		}
		evalAll(fl)
	})
}

func FuzzDecodeFirecracker(f *testing.F) {
	f.Add([]byte(`{"vmm":{"default_action":"trap","filter_action":"allow","filter":[{"syscall":"read"}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := DecodeFirecracker(bytes.NewReader(data), "fuzz", syscalls.X86_64)
		if err != nil {
			checkDecodeErr(t, err)
			return
		}
		if len(p.Filters) == 0 {
			t.Fatal("policy without filters")
		}
		for _, fl := range p.Filters {
			evalAll(fl)
		}
	})
}

// Decode (sniffing) runs over the union of the three corpora in the plain
// test run, through the seeds below.
func TestDecodeSeedsDoNotPanic(t *testing.T) {
	for _, s := range []string{
		`{"ociVersion":"1"}`, `{"syscalls":null}`, `{"default_action":4}`, `{"a":{"default_action":"allow"}}`,
		`{"a":{"default_action":"allow","filter_action":"allow","filter":null}}`, `null`, `{}`, `[]`,
	} {
		if _, err := Decode(strings.NewReader(s), "fuzz", runcDocker); err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: multi-line error", s)
		}
	}
}
