package kernelcna

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"sysweight/vuln"
)

const happyDir = "testdata/happy/cve/published/2099"

func TestParseRecord(t *testing.T) {
	f, err := os.Open(filepath.Join(happyDir, "CVE-2099-0001.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := ParseRecord(f)
	if err != nil {
		t.Fatal(err)
	}
	want := vuln.Record{
		ID: "CVE-2099-0001",
		Description: "In the Linux kernel, the following vulnerability has been resolved:\n\n" +
			"keys: fix a made-up use-after-free in keyctl_fixture()\n\n" +
			"This record is a hand-written test fixture in the layout of the kernel\nCNA's vulns repository.",
		Published: "2099-01-02T03:04:05.000Z",
		// Read off the fixture: affected[0] and [1] share keyctl.c.
		ProgramFiles: []string{"security/keys/keyctl.c", "security/keys/key.c", "include/linux/key.h"},
		// The record's own metrics vector; 7.8 as worked in vuln's cvss_test.go.
		CVSS: []vuln.CVSS{{Version: "3.1", Score: 7.8, Vector: "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", Source: FeedName}},
		Feed: FeedName,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseRecord:\n got %#v\nwant %#v", got, want)
	}
}

func TestParseRecordEscapes(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(happyDir, "CVE-2099-0002.json"))
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := parseRecord(b)
	if err != nil {
		t.Fatal(err)
	}
	// The fixture writes \" \u00e9 \\ \t; decoded by hand.
	wantDesc := "In the Linux kernel, the following vulnerability has been resolved:\n\nfs: \"quoted\" café \\ fixture\ttab"
	if got.Description != wantDesc || !slices.Equal(got.ProgramFiles, []string{"fs/namei.c"}) || got.CVSS != nil || got.Published != "" {
		t.Errorf("got %#v", got)
	}
}

func TestParseRecordRejected(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(happyDir, "CVE-2099-0003.json"))
	if err != nil {
		t.Fatal(err)
	}
	rec, _, err := parseRecord(b)
	if !errors.Is(err, ErrRejected) || rec.ID != "CVE-2099-0003" {
		t.Errorf("parseRecord(rejected) = %v, %v; want id and ErrRejected", rec.ID, err)
	}
}

func TestParseRecordErrors(t *testing.T) {
	// Offsets counted with Python's str.index on the fixtures.
	tests := map[string]string{
		"bad-state.json":         `CVE-2099-0009: field cveMetadata.state: want PUBLISHED or REJECTED, got "DRAFT"`,
		"missing-id.json":        "field cveMetadata.cveId: missing",
		"bad-id.json":            `field cveMetadata.cveId: want CVE-YYYY-NNNN, got "CVE-99-1"`,
		"type-mismatch.json":     "offset 153: field containers.cna.affected[].programFiles: want array, got string",
		"truncated.json":         "offset 123: field containers.cna.descriptions: want ',' or ']' in array, got end of input",
		"trailing.json":          "offset 128: want end of input after the record, got object",
		"no-description.json":    "CVE-2099-0009: field containers.cna.descriptions: want a non-empty description",
		"bad-metric-vector.json": `field containers.cna.metrics[0].vectorString: cvss vector "CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H": offset 9: metric AV`,
	}
	for name, want := range tests {
		b, err := os.ReadFile(filepath.Join("testdata/sad", name))
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = parseRecord(b)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want it to contain %q", name, err, want)
		}
		if !errors.Is(err, ErrBadRecord) && !errors.Is(err, vuln.ErrBadVector) {
			t.Errorf("%s: err %v wraps neither ErrBadRecord nor vuln.ErrBadVector", name, err)
		}
		// encoding/json must reject the syntax errors too: a second opinion
		// that these inputs are bad for the reason given.
		if strings.Contains(want, "end of input") && json.Valid(b) {
			t.Errorf("%s: encoding/json accepts it", name)
		}
	}
}

func TestParseCVSS(t *testing.T) {
	f, err := os.Open(filepath.Join(happyDir, "CVE-2099-0001.cvss"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := ParseCVSS(f)
	if err != nil {
		t.Fatal(err)
	}
	// AV:L/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H: 8.8, worked in vuln's cvss_test.go.
	want := vuln.CVSS{Version: "3.1", Score: 8.8, Vector: "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", Source: FeedName}
	if got != want {
		t.Errorf("ParseCVSS = %+v, want %+v", got, want)
	}
	for name, want := range map[string]string{
		"missing-metric.cvss": "line 1: cvss vector \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H\": offset 40: metric A: base metric missing",
		"no-org.cvss":         `line 1: want "<org id> CVSS:3.x/…", got "CVSS:3.1/`,
	} {
		b, err := os.ReadFile(filepath.Join("testdata/sad", name))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := parseCVSS(b); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want it to contain %q", name, err, want)
		}
	}
}

// decodeRecord must agree with encoding/json on every field it decodes.
func TestDecodeMatchesEncodingJSON(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(happyDir, "*.json"))
	if len(files) != 3 {
		t.Fatalf("found %d fixtures, want 3", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checkDecodeMatches(t, f, b)
	}
}

func checkDecodeMatches(t *testing.T, name string, b []byte) {
	t.Helper()
	var ours, theirs cveRecord
	errOurs := decodeRecord(b, &ours)
	errTheirs := json.Unmarshal(b, &theirs)
	if (errOurs == nil) != (errTheirs == nil) {
		t.Errorf("%s: decodeRecord err %v, encoding/json err %v", name, errOurs, errTheirs)
		return
	}
	if errOurs == nil && !reflect.DeepEqual(normalize(ours), normalize(theirs)) {
		t.Errorf("%s: decodeRecord and encoding/json differ:\n ours   %+v\n theirs %+v", name, ours, theirs)
	}
}

// normalize makes empty and nil slices equal: encoding/json gives [] for
// "[]" where decodeRecord leaves nil, and neither matters to parseRecord.
func normalize(c cveRecord) cveRecord {
	cna := &c.Containers.CNA
	if len(cna.Descriptions) == 0 {
		cna.Descriptions = nil
	}
	if len(cna.Affected) == 0 {
		cna.Affected = nil
	}
	if len(cna.Metrics) == 0 {
		cna.Metrics = nil
	}
	for i := range cna.Affected {
		if len(cna.Affected[i].ProgramFiles) == 0 {
			cna.Affected[i].ProgramFiles = nil
		}
	}
	return c
}

// TestMayBeSpecial: the word test of rawString's fast path is true for
// every word holding a quote, a backslash, a control character or a
// non-ASCII byte at any position, whatever the other bytes, and false for
// words of plain printable ASCII only (so that the fast path is taken).
func TestMayBeSpecial(t *testing.T) {
	word := func(b [8]byte) uint64 { return binary.LittleEndian.Uint64(b[:]) }
	plain := []byte(" !#09AZaz[]~{}/-")
	for _, fill := range plain {
		var w [8]byte
		for i := range w {
			w[i] = fill
		}
		if mayBeSpecial(word(w)) {
			t.Errorf("%q×8 flagged", fill)
		}
		for pos := range 8 {
			for c := 0; c < 256; c++ {
				v := w
				v[pos] = byte(c)
				special := c == '"' || c == '\\' || c < 0x20 || c >= 0x80
				if special && !mayBeSpecial(word(v)) {
					t.Fatalf("%q with %#x at %d not flagged", fill, c, pos)
				}
				if !special && mayBeSpecial(word(v)) {
					t.Fatalf("%q with plain %q at %d flagged", fill, byte(c), pos)
				}
			}
		}
	}
	// every pair of bytes at two positions, one of them special
	for c := 0; c < 256; c++ {
		for d := 0; d < 256; d++ {
			w := [8]byte{'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a'}
			w[2], w[6] = byte(c), byte(d)
			special := func(x int) bool { return x == '"' || x == '\\' || x < 0x20 || x >= 0x80 }
			if (special(c) || special(d)) && !mayBeSpecial(word(w)) {
				t.Fatalf("%#x, %#x not flagged", c, d)
			}
		}
	}
}
