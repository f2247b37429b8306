package jsonpos

import (
	"bytes"
	"encoding/json"
	"testing"
)

// The places below were counted by hand in each input: line 1 starts at
// offset 0, the column counts bytes from 1.
func TestPlace(t *testing.T) {
	type doc struct {
		Name  string  `json:"name"`
		Count float64 `json:"count"`
	}
	for _, c := range []struct {
		in   string
		want string
	}{
		// the comma is the 3rd byte of line 2
		{"{\n  ,\"name\": 1}", "line 2, column 3: invalid JSON: invalid character ',' looking for beginning of object key string"},
		// cut after the colon, the 8th byte of line 2: the end is column 9
		{"{\n \"name\":", "line 2, column 9: invalid JSON: unexpected end of input"},
		// the string "x" starts at column 11 of line 2; json's offset is
		// past the value, at column 14
		{"{\"name\": \"a\",\n \"count\": \"x\"}", "line 2, column 14: cannot unmarshal string into Go struct field doc.count of type float64"},
		// "frobs" at column 2 of line 3
		{"{\"name\": \"a\",\n\"count\": 1,\n \"frobs\": 2}", `line 3, column 2: unknown field "frobs"`},
		{"", "line 1, column 1: invalid JSON: unexpected end of input"},
	} {
		dec := json.NewDecoder(bytes.NewReader([]byte(c.in)))
		dec.DisallowUnknownFields()
		var d doc
		err := Place([]byte(c.in), dec.Decode(&d))
		if err == nil || err.Error() != c.want {
			t.Errorf("%q: %v\n want %s", c.in, err, c.want)
		}
	}
	if Place(nil, nil) != nil {
		t.Error("Place(nil) is not nil")
	}
}

func TestLineCol(t *testing.T) {
	data := []byte("ab\ncd\n\nef")
	for _, c := range []struct {
		off       int64
		line, col int
	}{{0, 1, 1}, {1, 1, 2}, {2, 1, 3}, {3, 2, 1}, {6, 3, 1}, {7, 4, 1}, {9, 4, 3}, {99, 4, 3}} {
		if l, col := LineCol(data, c.off); l != c.line || col != c.col {
			t.Errorf("offset %d: %d:%d, want %d:%d", c.off, l, col, c.line, c.col)
		}
	}
}

func FuzzPlace(f *testing.F) {
	f.Add([]byte(`{"name": "a", "count": "x"}`))
	f.Add([]byte(`{"frobs": 1}`))
	f.Add([]byte("{\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		var v struct {
			Name  string         `json:"name"`
			Count float64        `json:"count"`
			M     map[string]int `json:"m"`
		}
		_ = Place(b, dec.Decode(&v))
		_ = Place(b, json.Unmarshal(b, &v))
	})
}
