package db

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"sysweight/syscalls"
)

func fixedClock() time.Time { return time.Date(2026, 8, 21, 0, 0, 0, 0, time.UTC) }

func sample(t *testing.T) *DB {
	t.Helper()
	cves := []CVE{
		{ID: "CVE-2016-0728", Score: 7.8, CVSSVersion: "3.1", Feed: "f", Links: []Link{{Syscall: "keyctl", Method: "text", Evidence: "keyctl syscall"}}},
		{ID: "CVE-2014-0001", Score: 4.9, CVSSVersion: "2.0", Feed: "f", Links: []Link{
			{Syscall: "keyctl", Method: "text", Evidence: "keyctl()"}, {Syscall: "add_key", Method: "text", Evidence: "add_key()"},
			{Syscall: "keyctl", Method: "function", Evidence: "keyctl → key_put"}}},
		{ID: "CVE-2024-1", Feed: "f", Links: []Link{{Syscall: "add_key", Method: "text", Evidence: "sys_add_key"}}},
		{ID: "CVE-2024-2", Score: 9.8, CVSSVersion: "3.1", Feed: "f"}, // no link: left out
	}
	d, err := Assemble(syscalls.MustForArch(syscalls.X86_64), cves, Meta{Metrics: []string{"cves", "severity"}}, nil, fixedClock)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestAssembleCounts(t *testing.T) {
	d := sample(t)
	k, _ := d.Syscall("keyctl")
	// keyctl: CVE-2016-0728 (v3 7.8) and CVE-2014-0001 (v2 4.9), the
	// latter linked twice but counted once.
	if k.CVEs != 2 || k.Severity != 12.7 || k.ScoredV3 != 1 || k.ScoredV2 != 1 || k.Unscored != 0 {
		t.Errorf("keyctl = %+v", k)
	}
	a, _ := d.Syscall("add_key")
	if a.CVEs != 2 || a.Severity != 4.9 || a.Unscored != 1 {
		t.Errorf("add_key = %+v", a)
	}
	if n, _ := d.CVECount(); n != 3 {
		t.Errorf("stored %d CVEs, want the 3 linked ones", n)
	}
	if d.Meta.Built != "2026-08-21T00:00:00Z" || d.Meta.Arch != "x86_64" {
		t.Errorf("meta = %+v", d.Meta)
	}
}

func TestDeterministicRoundTrip(t *testing.T) {
	var a, b bytes.Buffer
	if err := sample(t).Encode(&a); err != nil {
		t.Fatal(err)
	}
	if err := sample(t).Encode(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two builds from the same inputs differ")
	}
	d, err := Decode(bytes.NewReader(a.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var c bytes.Buffer
	d.Encode(&c)
	if !bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Fatal("decode+encode changed the bytes")
	}
}

func TestDecodeRejects(t *testing.T) {
	var buf bytes.Buffer
	sample(t).Encode(&buf)
	good := buf.String()
	cases := map[string]struct {
		in   string
		want error
		text string
	}{
		"tampered":  {strings.Replace(good, `"severity": 12.7`, `"severity": 99`, 1), ErrChecksum, "checksum mismatch"},
		"schema":    {strings.Replace(good, fmt.Sprintf(`"schema": %d`, SchemaVersion), `"schema": 99`, 1), ErrSchema, "schema 99"},
		"truncated": {good[:len(good)/2], nil, "weight DB"},
		"syntax":    {`{"schema": 1,,}`, nil, "byte 14"},
		"trailing":  {good + `{"schema": 2}`, nil, "data after the DB's object"},
	}
	for name, c := range cases {
		_, err := Decode(strings.NewReader(c.in))
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if c.want != nil && !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", name, err, c.want)
		}
		if !strings.Contains(err.Error(), c.text) {
			t.Errorf("%s: err %q lacks %q", name, err, c.text)
		}
	}
}

// A decoded DB gives its CVE records through CVEs, the same as the DB
// that was encoded.
func TestDecodedCVEs(t *testing.T) {
	d := sample(t)
	var buf bytes.Buffer
	if err := d.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := d.CVEs()
	cves, err := got.CVEs()
	if err != nil || len(want) != 3 || !reflect.DeepEqual(cves, want) {
		t.Errorf("decoded CVEs %+v (%v), want %+v", cves, err, want)
	}
}

func mustTable() *syscalls.Table { return syscalls.MustForArch(syscalls.X86_64) }

// TestDefaultKernelTable checks the embedded DB's view of Debian 6.1's
// syscall table against the releases the man pages give for each
// syscall's arrival: cachestat 6.5, fchmodat2 6.6, futex_wake 6.7,
// listmount and statmount 6.8, mseal 6.10, uretprobe 6.11, getxattrat
// 6.13 are absent; openat2 5.6, clone3 5.3, close_range 5.9,
// process_madvise 5.10, memfd_secret 5.14, futex_waitv 5.16 and
// set_mempolicy_home_node 5.17 are there, and _sysctl, removed in 5.5, is
// not. (All 39 names match sys_call_table read by hand from the -dbg
// vmlinux: internal/cli's TestCompareJSON says how.)
func TestDefaultKernelTable(t *testing.T) {
	d, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if d.Meta.KernelRelease != "6.1" || len(d.Meta.KernelAbsent) != 39 {
		t.Fatalf("kernel_release %q, %d absent; want 6.1 and 39", d.Meta.KernelRelease, len(d.Meta.KernelAbsent))
	}
	absent := map[string]bool{}
	for _, n := range d.Meta.KernelAbsent {
		absent[n] = true
	}
	for _, n := range []string{"cachestat", "fchmodat2", "futex_wake", "listmount", "statmount", "mseal", "uretprobe", "getxattrat", "_sysctl"} {
		if !absent[n] {
			t.Errorf("%s: want absent from 6.1", n)
		}
	}
	for _, n := range []string{"openat2", "clone3", "close_range", "process_madvise", "memfd_secret", "futex_waitv", "set_mempolicy_home_node", "read", "umount2"} {
		if absent[n] {
			t.Errorf("%s: want present in 6.1", n)
		}
	}
}

// The embedded DB is decoded without hashing it (Default), so the test
// does: its bytes hash to the checksum they record, through Decode.
func TestDefaultChecksum(t *testing.T) {
	if _, err := Decode(bytes.NewReader(DefaultBytes())); err != nil {
		t.Fatal(err)
	}
	d, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(d.Meta.Checksum, "sha256:") {
		t.Errorf("checksum %q", d.Meta.Checksum)
	}
}

// CVE reports records that do not decode instead of "no record" (they
// are decoded on first use, after Decode accepted the head and checksum).
func TestCVEError(t *testing.T) {
	d := sample(t)
	var buf bytes.Buffer
	if err := d.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	d2, err := Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if c, ok, err := d2.CVE("CVE-2016-0728"); err != nil || !ok || c.Score != 7.8 {
		t.Fatalf("CVE-2016-0728: %+v %v %v", c, ok, err)
	}
	if _, ok, err := d2.CVE("CVE-1999-0001"); ok || err != nil {
		t.Errorf("absent CVE: %v %v, want false and no error", ok, err)
	}
	d3 := &DB{rawCVEs: []byte(`[{"id": "CVE-1", "score": "high"}]`)}
	if _, ok, err := d3.CVE("CVE-1"); ok || err == nil || !strings.Contains(err.Error(), "cves") {
		t.Errorf("records that do not decode: %v %v, want an error", ok, err)
	}
}

// TestSealed: the encoding kept at sealing is Encode's, byte for byte,
// and decodes with its checksum verified; a decoded DB keeps none.
func TestSealed(t *testing.T) {
	d := sample(t)
	var b bytes.Buffer
	if err := d.Encode(&b); err != nil {
		t.Fatal(err)
	}
	if len(d.Sealed()) == 0 || !bytes.Equal(d.Sealed(), b.Bytes()) {
		t.Fatalf("Sealed() differs from Encode:\n%s\n---\n%s", d.Sealed(), b.Bytes())
	}
	x, err := Decode(bytes.NewReader(d.Sealed()))
	if err != nil {
		t.Fatalf("decoding the sealed bytes: %v", err)
	}
	if x.Sealed() != nil {
		t.Error("a decoded DB has sealed bytes")
	}
}
