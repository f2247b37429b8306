package tracefs

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ErrFormat is wrapped by errors about a malformed tracefs format file.
var ErrFormat = errors.New("bad tracefs format")

// Field is one field of a tracefs event record.
type Field struct {
	Name   string // "args" for "unsigned long args[6]"
	Type   string // "unsigned long"
	Offset int
	Size   int
	Signed bool
}

// Format is a parsed tracefs events/GROUP/NAME/format file (or
// events/header_page, which has fields but no name or ID).
type Format struct {
	Name   string
	ID     int
	Fields []Field
}

// Field returns the field called name.
func (f *Format) Field(name string) (Field, bool) {
	for _, fl := range f.Fields {
		if fl.Name == name {
			return fl, true
		}
	}
	return Field{}, false
}

// maxRecord bounds field offsets: the kernel's perf trace buffer is
// PERF_MAX_TRACE_SIZE (2048) bytes and a ring buffer page is 4 KiB.
const maxRecord = 1 << 16

// ParseFormat reads a tracefs format file.
func ParseFormat(r io.Reader) (*Format, error) {
	f := &Format{ID: -1}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(text, "name:"):
			f.Name = strings.TrimSpace(strings.TrimPrefix(text, "name:"))
		case strings.HasPrefix(text, "ID:"):
			id, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(text, "ID:")))
			if err != nil || id < 0 {
				return nil, fmt.Errorf("%w: line %d: ID %q is not a non-negative integer", ErrFormat, line, strings.TrimPrefix(text, "ID:"))
			}
			f.ID = id
		case strings.HasPrefix(text, "field:"):
			fl, err := parseField(text)
			if err != nil {
				return nil, fmt.Errorf("%w: line %d: %v", ErrFormat, line, err)
			}
			f.Fields = append(f.Fields, fl)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading format: %w", err)
	}
	if len(f.Fields) == 0 {
		return nil, fmt.Errorf("%w: no field lines", ErrFormat)
	}
	return f, nil
}

// parseField parses "field:unsigned long args[6];\toffset:16;\tsize:48;\tsigned:0;".
func parseField(text string) (Field, error) {
	var fl Field
	var haveOff, haveSize bool
	for _, part := range strings.Split(text, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		key, val, ok := strings.Cut(part, ":")
		if !ok {
			return fl, fmt.Errorf("part %q: want key:value", part)
		}
		val = strings.TrimSpace(val)
		switch key {
		case "field":
			decl := val
			if i := strings.IndexByte(decl, '['); i >= 0 {
				decl = decl[:i]
			}
			decl = strings.TrimSpace(decl)
			i := strings.LastIndexAny(decl, " \t*")
			if i < 0 || i == len(decl)-1 {
				return fl, fmt.Errorf("field declaration %q: want type and name", val)
			}
			fl.Name = decl[i+1:]
			fl.Type = strings.TrimSpace(decl[:i+1])
		case "offset", "size", "signed":
			n, err := strconv.Atoi(val)
			if err != nil || n < 0 || n > maxRecord {
				return fl, fmt.Errorf("%s %q: want an integer in [0,%d]", key, val, maxRecord)
			}
			switch key {
			case "offset":
				fl.Offset, haveOff = n, true
			case "size":
				fl.Size, haveSize = n, true
			default:
				fl.Signed = n != 0
			}
		}
	}
	if fl.Name == "" || !haveOff || !haveSize {
		return fl, fmt.Errorf("field %q: want field, offset and size", text)
	}
	return fl, nil
}
