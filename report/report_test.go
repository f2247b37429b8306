package report

import (
	"bytes"
	"testing"
)

func TestFormats(t *testing.T) {
	tb := Table{Header: []string{"NAME", "SCORE"}, Rows: [][]string{{"a|b", "1.5"}, {"c,d", "2"}}, Align: "lr"}
	cases := map[Format]string{
		// RFC 4180: a field with a comma is quoted.
		CSV: "NAME,SCORE\na|b,1.5\n\"c,d\",2\n",
		// GitHub Markdown: a pipe inside a cell is escaped; right-aligned
		// columns use ---:.
		Markdown: "| NAME | SCORE |\n| --- | ---: |\n| a\\|b | 1.5 |\n| c,d | 2 |\n",
		Text:     "NAME  SCORE\na|b   1.5\nc,d   2\n",
	}
	for f, want := range cases {
		var buf bytes.Buffer
		if err := tb.Write(&buf, f); err != nil {
			t.Fatal(err)
		}
		if buf.String() != want {
			t.Errorf("%s:\n%q\nwant\n%q", f, buf.String(), want)
		}
	}
	if err := tb.Write(&bytes.Buffer{}, JSON); err == nil {
		t.Error("table JSON accepted")
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"": Text, "table": Text, "JSON": JSON, "md": Markdown, "csv": CSV} {
		if f, err := ParseFormat(in); err != nil || f != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, f, err)
		}
	}
	if _, err := ParseFormat("yaml"); err == nil {
		t.Error("yaml accepted")
	}
}

// Text keeps the lines as they are; Markdown makes paragraphs of them,
// apart from the table by a blank line; CSV and JSON leave them out.
func TestAboveBelow(t *testing.T) {
	const text = "\nscore 1.5  (2 partial)\n  metrics: a, b\n\nlegend\n"
	cases := map[Format][2]string{
		Text:     {text, text},
		Markdown: {"score 1.5  (2 partial)\nmetrics: a, b\n\nlegend\n\n", "\nscore 1.5  (2 partial)\nmetrics: a, b\n\nlegend\n"},
		CSV:      {"", ""},
		JSON:     {"", ""},
	}
	for f, want := range cases {
		var above, below bytes.Buffer
		if err := WriteAbove(&above, f, text); err != nil {
			t.Fatal(err)
		}
		if err := WriteBelow(&below, f, text); err != nil {
			t.Fatal(err)
		}
		if above.String() != want[0] || below.String() != want[1] {
			t.Errorf("%s: above %q below %q, want %q and %q", f, above.String(), below.String(), want[0], want[1])
		}
	}
}
