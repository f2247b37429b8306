package db

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

// The committed head is what EncodeHead makes of the committed DB: `go
// generate ./vuln/db` (make weightdb runs it) was run after the DB changed.
func TestDefaultHeadUpToDate(t *testing.T) {
	d, err := decode(defaultDB, true)
	if err != nil {
		t.Fatal(err)
	}
	head, err := d.EncodeHead()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(head, defaultHead) {
		t.Fatal("vuln/db/data/weights-x86_64.head is not the head of weights-x86_64.json: run go generate ./vuln/db")
	}
}

// Decoding with the head gives the DB the JSON alone gives: the same
// metadata, metrics and lists of every syscall, and the same CVE records.
func TestDecodeWithHead(t *testing.T) {
	want, err := decode(defaultDB, true)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeWithHead(defaultDB, defaultHead)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Meta, want.Meta) || got.Schema != want.Schema {
		t.Errorf("meta from the head %+v, want %+v", got.Meta, want.Meta)
	}
	if len(got.Syscalls) != len(want.Syscalls) {
		t.Errorf("%d syscalls, want %d", len(got.Syscalls), len(want.Syscalls))
	}
	for i := range want.Syscalls {
		if !reflect.DeepEqual(got.Syscalls[i], want.Syscalls[i]) {
			t.Fatalf("syscall %d from the head %+v, want %+v", i, got.Syscalls[i], want.Syscalls[i])
		}
	}
	n, err := got.CVECount()
	if err != nil {
		t.Fatal(err)
	}
	m, _ := want.CVECount()
	if n != m || n == 0 {
		t.Errorf("%d CVEs with the head, %d without", n, m)
	}
	c, ok, err := got.CVE("CVE-2016-8655")
	if err != nil || !ok || len(c.Links) == 0 {
		t.Errorf("CVE-2016-8655 with the head: %+v %v %v", c, ok, err)
	}
}

// A head that was not derived from the DB (another checksum) or does not
// decode is not used: the JSON alone decides.
func TestDecodeWithStaleHead(t *testing.T) {
	want, err := decode(defaultDB, false)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := decode(defaultDB, false)
	d.Meta.Checksum = "sha256:" + string(bytes.Repeat([]byte("0"), 64))
	d.Syscalls[0].CVEs = 12345 // what a stale head would say
	stale, err := d.EncodeHead()
	if err != nil {
		t.Fatal(err)
	}
	for name, head := range map[string][]byte{"stale": stale, "empty": nil, "truncated": defaultHead[:len(defaultHead)/2]} {
		got, err := decodeWithHead(defaultDB, head)
		if err != nil {
			t.Fatalf("%s head: %v", name, err)
		}
		if !reflect.DeepEqual(got.Syscalls, want.Syscalls) {
			t.Errorf("%s head: the syscalls differ from the JSON's", name)
		}
	}
}

// Every truncation of a head, and bytes past its end, give an error that
// wraps errHead, never a panic.
func TestDecodeHeadRejects(t *testing.T) {
	for n := 0; n < len(defaultHead); n += 1 + n/50 {
		if _, _, err := decodeHead(defaultHead[:n]); !errors.Is(err, errHead) {
			t.Fatalf("head cut at %d bytes: %v, want an errHead", n, err)
		}
	}
	if _, _, err := decodeHead(append(append([]byte(nil), defaultHead...), 0)); !errors.Is(err, errHead) {
		t.Errorf("a byte after the head: %v", err)
	}
	if _, _, err := decodeHead(defaultHead); err != nil {
		t.Errorf("the committed head: %v", err)
	}
}

func FuzzDecodeHead(f *testing.F) {
	f.Add(defaultHead[:4096])
	f.Add(append(append([]byte(nil), headMagic...), 0x01, 'x', 0x02, '{', '}', 0xff, 0xff, 0xff, 0xff, 0x0f))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, _, err := decodeHead(b)
		if err == nil && d == nil {
			t.Fatal("no DB and no error")
		}
		if err != nil && !errors.Is(err, errHead) {
			t.Fatalf("error %v does not wrap errHead", err)
		}
	})
}
