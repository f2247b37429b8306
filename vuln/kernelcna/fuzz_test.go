package kernelcna

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"sysweight/vuln"
)

// FuzzParseRecord: an error or a record, never a panic; what decodeRecord
// accepts is valid JSON, and whatever encoding/json calls invalid JSON
// decodeRecord rejects too.
func FuzzParseRecord(f *testing.F) {
	f.Add([]byte(`{"cveMetadata":{"cveId":"CVE-2099-0001","state":"PUBLISHED"},"containers":{"cna":{"descriptions":[{"lang":"en","value":"a\u00e9\n"}],"affected":[{"programFiles":["mm/gup.c"]}],"metrics":[{"cvssV3_1":{"vectorString":"CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"}}]}}}`))
	f.Add([]byte(`{"cveMetadata":{"cveId":"CVE-2099-0003","state":"REJECTED"}}`))
	f.Add([]byte(`[1, -2.5e+3, true, null, "\ud800"]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		rec, _, err := parseRecord(b)
		if err != nil {
			if !errors.Is(err, ErrBadRecord) && !errors.Is(err, ErrRejected) && !errors.Is(err, vuln.ErrBadVector) {
				t.Fatalf("error %v wraps no sentinel", err)
			}
		} else if rec.ID == "" || rec.Description == "" {
			t.Fatalf("accepted record without id or description: %+v", rec)
		}
		var c cveRecord
		if decodeRecord(b, &c) == nil && !json.Valid(b) {
			t.Fatalf("decodeRecord accepted invalid JSON %q", b)
		}
		if !json.Valid(b) {
			return
		}
		// On valid JSON with the schema's exact key spelling (encoding/json
		// also matches keys case-insensitively), both decoders agree.
		var theirs cveRecord
		if json.Unmarshal(b, &theirs) == nil && !foldedKeys(b) {
			var ours cveRecord
			if err := decodeRecord(b, &ours); err == nil {
				checkDecodeMatches(t, "fuzz", b)
			}
		}
	})
}

func FuzzParseCVSS(f *testing.F) {
	f.Add([]byte("f4215fc3-5b6b-47ff-a258-f7189bd81038 CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H\n\nAV:L - why\n"))
	f.Add([]byte("x CVSS:3.0/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:N"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseCVSS(bytes.NewReader(b))
		if err != nil {
			if !errors.Is(err, ErrBadRecord) && !errors.Is(err, vuln.ErrBadVector) {
				t.Fatalf("error %v wraps no sentinel", err)
			}
			return
		}
		if !c.IsV3() || c.Score < 0 || c.Score > 10 {
			t.Fatalf("ParseCVSS(%q) = %+v", b, c)
		}
	})
}

var schemaKeys = []string{"cveMetadata", "cveId", "state", "datePublished", "containers", "cna",
	"descriptions", "lang", "value", "affected", "programFiles", "metrics", "cvssV3_1", "cvssV3_0", "vectorString"}

// foldedKeys reports whether b has an object key that differs from a
// schema key only in case, which encoding/json would match and we do not.
func foldedKeys(b []byte) bool {
	d := json.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := d.Token()
		if err != nil {
			return false
		}
		k, ok := tok.(string)
		if !ok {
			continue
		}
		for _, s := range schemaKeys {
			if k != s && strings.EqualFold(k, s) {
				return true
			}
		}
	}
}
