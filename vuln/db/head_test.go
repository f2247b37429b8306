package db

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// The committed head is what EncodeHead makes of the committed DB: `go
// generate ./vuln/db` (make weightdb runs it) was run after the DB changed.
func TestDefaultHeadUpToDate(t *testing.T) {
	head, err := EncodeHead(defaultDB)
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

// A head that was not derived from the DB (another checksum), whose
// offsets miss the CVE records, or that does not decode is not used: the
// JSON alone decides.
func TestDecodeWithStaleHead(t *testing.T) {
	want, err := decode(defaultDB, false)
	if err != nil {
		t.Fatal(err)
	}
	_, h, err := decodeHead(defaultHead)
	if err != nil {
		t.Fatal(err)
	}
	// the committed head with its checksum, or its offsets, changed
	rewrite := func(sum string, start, end int) []byte {
		w := headWriter{b: append([]byte(nil), headMagic...)}
		w.str(sum)
		w.uint(uint64(start))
		w.uint(uint64(end))
		r := headReader{s: string(defaultHead), off: len(headMagic)}
		r.str()
		r.offset()
		r.offset()
		return append(w.b, defaultHead[r.off:]...)
	}
	if b := rewrite(h.checksum, h.cvesStart, h.cvesEnd); !bytes.Equal(b, defaultHead) {
		t.Fatal("rewrite does not give back the committed head")
	}
	for name, head := range map[string][]byte{
		"other checksum": rewrite("sha256:"+strings.Repeat("0", 64), h.cvesStart, h.cvesEnd),
		"offsets off":    rewrite(h.checksum, h.cvesStart+1, h.cvesEnd),
		"offsets past":   rewrite(h.checksum, h.cvesStart, len(defaultDB)+10),
		"empty":          nil,
		"truncated":      defaultHead[:len(defaultHead)/2],
	} {
		got, err := decodeWithHead(defaultDB, head)
		if err != nil {
			t.Fatalf("%s head: %v", name, err)
		}
		if !reflect.DeepEqual(got.Syscalls, want.Syscalls) {
			t.Errorf("%s head: the syscalls differ from the JSON's", name)
		}
		if n, err := got.CVECount(); err != nil || n == 0 {
			t.Errorf("%s head: %d CVEs, %v", name, n, err)
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
