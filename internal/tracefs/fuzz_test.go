package tracefs

import (
	"bytes"
	"testing"
)

// Property: an error or a result, never a panic.
func FuzzParseFormat(f *testing.F) {
	f.Add([]byte("name: x\nID: 1\nformat:\n\tfield:long id;\toffset:8;\tsize:8;\tsigned:1;\n"))
	f.Add([]byte("\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if fm, err := ParseFormat(bytes.NewReader(b)); err == nil {
			for _, fl := range fm.Fields {
				if fl.Offset < 0 || fl.Size < 0 || fl.Name == "" {
					t.Fatalf("accepted field %+v", fl)
				}
			}
		}
		_, _ = ParsePageLayout(bytes.NewReader(b))
	})
}

// Property: an error or events inside the page, never a panic.
func FuzzParsePage(f *testing.F) {
	f.Add(page(1, 0, hdr(2, 1), 1, 2, hdr(rbTypeExtend, 1), 1, hdr(0, 1), 8, 5))
	f.Add(page(1, rbMissedEvents|rbMissedStored, hdr(rbTypePadding, 2), 4, 0, hdr(rbTypeStamp, 3), 1))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, pl := range []PageLayout{defaultPage, {CommitOffset: 8, CommitSize: 4, DataOffset: 12}} {
			_, _ = pl.Page(b).Events(func(_ uint64, rec []byte) {
				if len(rec) > len(b) {
					t.Fatalf("record of %d bytes from a %d-byte page", len(rec), len(b))
				}
			})
		}
	})
}

func FuzzParseStatsLost(f *testing.F) {
	f.Add([]byte("entries: 106\noverrun: 40080\ndropped events: 0\n"))
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = parseStatsLost(b) })
}
