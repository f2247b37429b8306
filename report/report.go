package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Format is an output format.
type Format string

const (
	Text     Format = "table"
	JSON     Format = "json"
	CSV      Format = "csv"
	Markdown Format = "markdown"
)

// ParseFormat accepts table, json, csv and markdown (md).
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "table", "text", "":
		return Text, nil
	case "json":
		return JSON, nil
	case "csv":
		return CSV, nil
	case "markdown", "md":
		return Markdown, nil
	}
	return "", fmt.Errorf("unknown format %q (want table, json, csv or markdown)", s)
}

// Table is a header and rows of cells. Align holds, per column, 'r' for
// right-aligned numbers in Markdown; anything else is left.
type Table struct {
	Header []string
	Rows   [][]string
	Align  string
}

// Write renders t as text, CSV or Markdown. For JSON use WriteJSON with the
// command's own value, whose schema is documented.
func (t *Table) Write(w io.Writer, f Format) error {
	switch f {
	case CSV:
		cw := csv.NewWriter(w)
		if err := cw.Write(t.Header); err != nil {
			return err
		}
		if err := cw.WriteAll(t.Rows); err != nil {
			return err
		}
		cw.Flush()
		return cw.Error()
	case Markdown:
		var b strings.Builder
		b.WriteString("| " + strings.Join(escapeMD(t.Header), " | ") + " |\n|")
		for i := range t.Header {
			if i < len(t.Align) && t.Align[i] == 'r' {
				b.WriteString(" ---: |")
			} else {
				b.WriteString(" --- |")
			}
		}
		b.WriteString("\n")
		for _, r := range t.Rows {
			b.WriteString("| " + strings.Join(escapeMD(r), " | ") + " |\n")
		}
		_, err := io.WriteString(w, b.String())
		return err
	case JSON:
		return fmt.Errorf("table: JSON output needs the command's own value")
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(t.Header, "\t"))
	for _, r := range t.Rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

func escapeMD(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = strings.ReplaceAll(c, "|", `\|`)
	}
	return out
}

// Count says "1 runtime", "2 runtimes": n and noun, plural unless n is 1.
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// WriteJSON encodes v indented, with a trailing newline.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// WriteAbove writes text that goes above a table without being part of it
// (a summary): as it is for Text; for Markdown as a paragraph, each line
// with its leading spaces dropped, then a blank line; for CSV and JSON not
// at all, so that a CSV file holds only the header and the rows.
func WriteAbove(w io.Writer, f Format, text string) error {
	switch f {
	case Text:
		_, err := io.WriteString(w, text)
		return err
	case Markdown:
		_, err := io.WriteString(w, markdownParagraphs(text)+"\n")
		return err
	}
	return nil
}

// WriteBelow is WriteAbove for text below a table (a legend, a footnote):
// for Markdown a blank line, then the paragraph.
func WriteBelow(w io.Writer, f Format, text string) error {
	switch f {
	case Text:
		_, err := io.WriteString(w, text)
		return err
	case Markdown:
		_, err := io.WriteString(w, "\n"+markdownParagraphs(text))
		return err
	}
	return nil
}

// markdownParagraphs trims the lines of text and keeps one blank line
// between paragraphs, none at either end; the result ends with a newline.
func markdownParagraphs(text string) string {
	var b strings.Builder
	blank := false
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			blank = b.Len() > 0
			continue
		}
		if blank {
			b.WriteString("\n")
			blank = false
		}
		b.WriteString(l + "\n")
	}
	return b.String()
}
