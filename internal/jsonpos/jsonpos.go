// Package jsonpos places encoding/json's errors in the input they came
// from, as a line and a column, so that a user who feeds a broken file is
// told where. It owns that only: decoding and checking values is the
// caller's.
package jsonpos

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// LineCol converts a byte offset into a 1-based line and byte column;
// offsets outside data are clamped to it.
func LineCol(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	before := data[:off]
	line = bytes.Count(before, []byte{'\n'}) + 1
	col = int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// Error is a decoding error with its place in the input.
type Error struct {
	Line, Col int // 1-based
	Err       error
}

func (e *Error) Error() string { return fmt.Sprintf("line %d, column %d: %v", e.Line, e.Col, e.Err) }
func (e *Error) Unwrap() error { return e.Err }

// Place returns err, an error of json.Unmarshal or of a json.Decoder over
// data, with the line and column it concerns: the offending byte of a
// syntax error, the end of a truncated input, the value of a type error,
// the key of an unknown field (Decoder.DisallowUnknownFields). An error it
// cannot place comes back as it is.
func Place(data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &se):
		off := se.Offset
		if off > 0 && !strings.Contains(se.Error(), "unexpected end") {
			off-- // Offset counts the offending byte
		}
		return at(data, off, fmt.Errorf("invalid JSON: %w", err))
	case errors.As(err, &te):
		return at(data, te.Offset, errors.New(strings.TrimPrefix(err.Error(), "json: ")))
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return at(data, int64(len(data)), errors.New("invalid JSON: unexpected end of input"))
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		// the first key so spelled; a value that holds the same string
		// before it would mislead, and keys are rarely values
		if i := bytes.Index(data, []byte(name)); i >= 0 {
			return at(data, int64(i), fmt.Errorf("unknown field %s", name))
		}
	}
	return err
}

func at(data []byte, off int64, err error) error {
	l, c := LineCol(data, off)
	return &Error{Line: l, Col: c, Err: err}
}
