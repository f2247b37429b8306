package db

import (
	"bytes"
	"errors"
	"fmt"
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
	if len(d.CVEs) != 3 {
		t.Errorf("stored %d CVEs, want the 3 linked ones", len(d.CVEs))
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

func mustTable() *syscalls.Table { return syscalls.MustForArch(syscalls.X86_64) }
