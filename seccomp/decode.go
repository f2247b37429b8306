package seccomp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"sysweight/internal/infile"
	"sysweight/internal/jsonpos"
)

// Format names a profile format this package decodes.
type Format string

const (
	FormatMoby         Format = "moby"         // Docker/Moby seccomp profile JSON (also containers/common)
	FormatLibcontainer Format = "libcontainer" // runc libcontainer configs.Seccomp JSON, Docker's first default.json (2016-02)
	FormatOCI          Format = "oci"          // OCI runtime config.json, linux.seccomp
	FormatFirecracker  Format = "firecracker"  // Firecracker seccompiler JSON
)

// Sentinel errors. Decoding errors are *DecodeError values wrapping one of
// these (or ErrUnknownAction / ErrUnknownOp), so errors.Is works on them.
var (
	// ErrNoSeccomp means the input asks for no seccomp filter at all: an OCI
	// config.json without linux.seccomp, or a Moby profile with neither
	// defaultAction nor syscalls (moby's setupSeccomp returns nil for it).
	// Callers must treat it as "unconfined", explicitly.
	ErrNoSeccomp = errors.New("no seccomp filter configured")
	// ErrUnknownFormat is returned by Decode when the input is none of the
	// formats it knows.
	ErrUnknownFormat = errors.New("unknown seccomp profile format")
	// ErrInvalidProfile covers malformed input: bad JSON, wrong JSON types,
	// missing or contradictory fields.
	ErrInvalidProfile = errors.New("invalid seccomp profile")
	// ErrUnknownArchName is a profile architecture spelling that neither
	// libseccomp nor moby knows.
	ErrUnknownArchName = errors.New("unknown architecture name")
	// ErrInvalidKernelVersion is a minKernel that is not "MAJOR.MINOR".
	ErrInvalidKernelVersion = errors.New("invalid kernel version")
	// ErrArgIndex is a syscall argument index outside 0..5.
	ErrArgIndex = errors.New("syscall argument index out of range")
	// ErrIncompleteTarget is returned by Resolve when the profile depends on
	// a part of the Target that was left unset (the kernel version).
	ErrIncompleteTarget = errors.New("target lacks information the profile needs")
)

// maxInput bounds what the decoders read; real profiles are under 100 KiB.
const maxInput = 16 << 20

// DecodeError is a decoding error with its place in the input.
type DecodeError struct {
	Input  string // the name given to the decoder, usually a file name
	Format Format
	Line   int    // 1-based; 0 when unknown
	Col    int    // 1-based, in bytes
	Path   string // JSON path, e.g. syscalls[3].args[0].op; "" for the document
	Err    error
}

func (e *DecodeError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "decoding %s profile %s", e.Format, e.Input)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
	}
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *DecodeError) Unwrap() error { return e.Err }

// doc is an input document being decoded; it turns paths and offsets into
// DecodeErrors with line and column.
type doc struct {
	name   string
	format Format
	data   []byte
	values []jsonValue // lazily filled by index()
}

func readInput(r io.Reader, name string, f Format) (*doc, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s profile %s: %w", f, name, err)
	}
	d := &doc{name: name, format: f, data: data}
	if len(data) > maxInput {
		return nil, d.errNoPath(maxInput, fmt.Errorf("%w: larger than %d bytes", ErrInvalidProfile, maxInput))
	}
	if off, ok := tooDeep(data, maxDepth); ok {
		return nil, d.errNoPath(off, fmt.Errorf("%w: nested deeper than %d levels", ErrInvalidProfile, maxDepth))
	}
	return d, nil
}

// maxDepth bounds the nesting of objects and arrays in a profile (real
// profiles nest at most 8 deep), so that decoding and locating an error
// cost time linear in the input.
const maxDepth = 64

// tooDeep returns the offset of the first '{' or '[' outside strings that
// opens level max+1, in one pass over data.
func tooDeep(data []byte, max int) (int64, bool) {
	depth, inStr, esc := 0, false, false
	for i, c := range data {
		switch {
		case inStr:
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
		case c == '"':
			inStr = true
		case c == '{' || c == '[':
			if depth++; depth > max {
				return int64(i), true
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return 0, false
}

// errNoPath makes an error at a byte offset without a path: for inputs too
// large or too deep to index.
func (d *doc) errNoPath(off int64, err error) *DecodeError {
	e := &DecodeError{Input: d.name, Format: d.format, Err: err}
	e.Line, e.Col = jsonpos.LineCol(d.data, off)
	return e
}

// errorf makes an error at path; the position is that of the value at
// path, or of its nearest enclosing value when path is absent (a missing
// field is reported at the object that lacks it).
func (d *doc) errorf(path string, err error) *DecodeError {
	e := &DecodeError{Input: d.name, Format: d.format, Path: path, Err: err}
	for p := path; ; p = parentPath(p) {
		if off, ok := d.offsetOf(p); ok {
			e.Line, e.Col = jsonpos.LineCol(d.data, off)
			break
		}
		if p == "" {
			break
		}
	}
	return e
}

// errAt makes an error at a byte offset; path, if empty, is filled with the
// innermost value that starts before off.
func (d *doc) errAt(off int64, path string, err error) *DecodeError {
	e := &DecodeError{Input: d.name, Format: d.format, Path: path, Err: err}
	e.Line, e.Col = jsonpos.LineCol(d.data, off)
	if path == "" {
		e.Path = d.pathAt(off)
	}
	return e
}

// jsonErr converts an encoding/json error into a DecodeError with the
// place it names. prefix is the path of the value that was unmarshalled.
func (d *doc) jsonErr(err error, base int64) *DecodeError {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		// Offset counts the offending byte; point at it, or at the end for
		// truncated input.
		off := base + se.Offset
		if off > 0 && off <= int64(len(d.data)) && !strings.Contains(se.Error(), "unexpected end") {
			off--
		}
		return d.errAt(off, d.within(off), fmt.Errorf("%w: invalid JSON: %v", ErrInvalidProfile, se))
	case errors.As(err, &te):
		off := base + te.Offset
		path := d.pathAt(off)
		e := d.errAt(off, path, fmt.Errorf("%w: got JSON %s, want %s", ErrInvalidProfile, te.Value, goTypeName(te.Type.String())))
		if v, ok := d.valueAt(path); ok {
			e.Line, e.Col = jsonpos.LineCol(d.data, v)
		}
		return e
	case errors.Is(err, io.ErrUnexpectedEOF):
		return d.errAt(int64(len(d.data)), "", fmt.Errorf("%w: invalid JSON: unexpected end of input", ErrInvalidProfile))
	}
	return &DecodeError{Input: d.name, Format: d.format, Err: fmt.Errorf("%w: %v", ErrInvalidProfile, err)}
}

func goTypeName(t string) string {
	switch t {
	case "uint", "uint8", "uint16", "uint32", "uint64":
		return "an unsigned integer"
	case "int", "int64":
		return "an integer"
	case "string", "seccomp.LinuxSeccompAction", "specs.LinuxSeccompAction", "specs.LinuxSeccompOperator", "specs.Arch", "specs.LinuxSeccompFlag":
		return "a string"
	}
	if strings.HasPrefix(t, "[]") {
		return "an array"
	}
	if strings.HasPrefix(t, "map[") || strings.Contains(t, ".") {
		return "an object"
	}
	return t
}

// unmarshal decodes the whole document into v, reporting errors with place.
func (d *doc) unmarshal(v any) error {
	if err := json.Unmarshal(d.data, v); err != nil {
		return d.jsonErr(err, 0)
	}
	return nil
}

// jsonValue is one JSON value of a document: its path, start offset and
// end offset (exclusive; past the input for a container left open).
type jsonValue struct {
	path string
	off  int64
	end  int64
}

func (d *doc) index() []jsonValue {
	if d.values == nil {
		d.values = walkJSON(d.data)
	}
	return d.values
}

// offsetOf returns the start of the value at path. With duplicate keys the
// last one counts, as encoding/json keeps the last.
func (d *doc) offsetOf(path string) (int64, bool) {
	vs := d.index()
	for i := len(vs) - 1; i >= 0; i-- {
		if vs[i].path == path {
			return vs[i].off, true
		}
	}
	return 0, false
}

func (d *doc) valueAt(path string) (int64, bool) { return d.offsetOf(path) }

// pathAt returns the path of the last value that starts before off.
func (d *doc) pathAt(off int64) string {
	vs := d.index()
	i := sort.Search(len(vs), func(i int) bool { return vs[i].off >= off })
	if i == 0 {
		return ""
	}
	return vs[i-1].path
}

// within returns the path of the innermost value that contains off.
func (d *doc) within(off int64) string {
	path := ""
	for _, v := range d.index() {
		if v.off <= off && off < v.end {
			path = v.path
		}
	}
	return path
}

// walkJSON lists every value of data with its path, in document order, up
// to the first syntax error.
func walkJSON(data []byte) []jsonValue {
	var out []jsonValue
	walk(data, func(path []byte, off int64) int {
		out = append(out, jsonValue{path: string(path), off: off})
		return len(out) - 1
	}, func(i int, end int64) { out[i].end = end })
	return out
}

// walk calls value for every value of data with its path (valid only
// during the call) and start offset, in document order, up to the first
// syntax error, and end with what value returned and the value's end
// offset (exclusive; past the input for a container left open, which gets
// no call). The path is built in one buffer as the walk goes, so a value
// costs no allocation of its own.
func walk(data []byte, value func(path []byte, off int64) int, end func(id int, end int64)) {
	type frame struct {
		value int // what value returned for this container
		array bool
		idx   int
		base  int  // length of the container's own path
		inKey bool // object frame expects a key next
	}
	var (
		stack []frame
		path  []byte
	)
	advance := func() {
		if n := len(stack); n > 0 {
			if stack[n-1].array {
				stack[n-1].idx++
			} else {
				stack[n-1].inKey = true
			}
		}
	}
	open := int64(len(data)) + 1
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		off := skipSpace(data, dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			return
		}
		if n := len(stack); n > 0 && !stack[n-1].array && stack[n-1].inKey {
			if tok == json.Delim('}') {
				end(stack[n-1].value, dec.InputOffset())
				stack = stack[:n-1]
				advance()
				continue
			}
			key, _ := tok.(string)
			path = appendKeySegment(path[:stack[n-1].base], key, stack[n-1].base == 0)
			stack[n-1].inKey = false
			continue
		}
		if tok == json.Delim(']') {
			end(stack[len(stack)-1].value, dec.InputOffset())
			stack = stack[:len(stack)-1]
			advance()
			continue
		}
		if n := len(stack); n > 0 && stack[n-1].array {
			path = append(path[:stack[n-1].base], '[')
			path = strconv.AppendInt(path, int64(stack[n-1].idx), 10)
			path = append(path, ']')
		} else if n == 0 {
			path = path[:0]
		}
		id := value(path, off)
		switch tok {
		case json.Delim('{'):
			end(id, open)
			stack = append(stack, frame{value: id, inKey: true, base: len(path)})
		case json.Delim('['):
			end(id, open)
			stack = append(stack, frame{value: id, array: true, base: len(path)})
		default:
			end(id, dec.InputOffset())
			advance()
		}
	}
}

// Position is a place in a document: 1-based line and byte column.
type Position struct {
	Line, Col int
}

// Locate returns the position of the value at each of paths in data, a
// document Decode read: the paths of Rule.Path, Filter.DefaultPath and
// DecodeError.Path. With duplicate keys the last one counts, as
// encoding/json keeps the last. Paths data lacks are left out. It reads
// data once and keeps only the positions asked for.
func Locate(data []byte, paths []string) map[string]Position {
	want := make(map[string]bool, len(paths))
	for _, p := range paths {
		want[p] = true
	}
	offs := map[string]int64{}
	walk(data, func(path []byte, off int64) int {
		if want[string(path)] {
			offs[string(path)] = off
		}
		return 0
	}, func(int, int64) {})
	// one pass over the lines too, in the order of the offsets
	type at struct {
		path string
		off  int64
	}
	sorted := make([]at, 0, len(offs))
	for p, off := range offs {
		sorted = append(sorted, at{p, off})
	}
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].off < sorted[j].off })
	out := make(map[string]Position, len(offs))
	line, lineStart, pos := 1, int64(0), int64(0)
	for _, a := range sorted {
		for ; pos < a.off; pos++ {
			if data[pos] == '\n' {
				line, lineStart = line+1, pos+1
			}
		}
		out[a.path] = Position{Line: line, Col: int(a.off-lineStart) + 1}
	}
	return out
}

func skipSpace(data []byte, off int64) int64 {
	for off < int64(len(data)) {
		switch data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	return off
}

func keySegment(k string, first bool) string {
	return string(appendKeySegment(nil, k, first))
}

// appendKeySegment appends the path segment of key k: ".k", or "k" first;
// ["k"] when k is not a plain name.
func appendKeySegment(b []byte, k string, first bool) []byte {
	plain := k != ""
	for _, c := range k {
		if !(c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			plain = false
			break
		}
	}
	switch {
	case !plain:
		b = append(b, '[')
		b = strconv.AppendQuote(b, k)
		return append(b, ']')
	case first:
		return append(b, k...)
	}
	return append(append(b, '.'), k...)
}

// parentPath drops the last segment of a path built by walkJSON.
func parentPath(p string) string {
	if strings.HasSuffix(p, "]") {
		if i := strings.LastIndexByte(p, '['); i >= 0 {
			return p[:i]
		}
	}
	if i := strings.LastIndexAny(p, ".["); i >= 0 {
		return p[:i]
	}
	return ""
}

// Decode reads a seccomp profile of any format this package knows, telling
// them apart by their top-level keys, and resolves it for t:
//   - OCI runtime config.json: ociVersion or linux at the top;
//   - Docker/Moby profile: defaultAction or syscalls at the top
//     (default_action for the 2016 libcontainer form);
//   - Firecracker seccompiler file: an object of thread objects that have
//     default_action.
//
// An OCI config without linux.seccomp returns an error wrapping
// ErrNoSeccomp; check it with errors.Is.
func Decode(r io.Reader, name string, t Target) (*Policy, error) {
	d, err := readInput(r, name, "seccomp")
	if err != nil {
		return nil, err
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(d.data, &top); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, d.errAt(0, "", fmt.Errorf("%w: top level is JSON %s; tried Docker/Moby, OCI config.json and Firecracker, all of which want an object", ErrUnknownFormat, te.Value))
		}
		return nil, d.jsonErr(err, 0)
	}
	has := func(k string) bool {
		for key := range top {
			if strings.EqualFold(key, k) {
				return true
			}
		}
		return false
	}
	switch {
	case has("generated_by") && has("filters") && has("gvisor"):
		return DecodeGVisor(bytes.NewReader(d.data), name)
	case has("ociVersion") || has("linux"):
		p, err := decodeOCIDoc(d)
		if err != nil {
			return nil, err
		}
		return p.policy(t)
	case has("defaultAction") || has("syscalls") || has("default_action"):
		p, err := decodeMobyDoc(d)
		if err != nil {
			return nil, err
		}
		return p.policy(t)
	case len(top) > 0 && allThreadObjects(top):
		return decodeFirecrackerDoc(d, t.Arch)
	}
	return nil, d.errAt(0, "", fmt.Errorf("%w: tried Docker/Moby (wants defaultAction and syscalls), OCI config.json (wants ociVersion or linux), Firecracker (wants an object of thread objects with default_action) and sysweight's gVisor rule set (wants gvisor, generated_by and filters)", ErrUnknownFormat))
}

func allThreadObjects(top map[string]json.RawMessage) bool {
	for _, raw := range top {
		var th map[string]json.RawMessage
		if json.Unmarshal(raw, &th) != nil {
			return false
		}
		if _, ok := th["default_action"]; !ok {
			return false
		}
	}
	return true
}

// DecodeFile is Decode for a file.
func DecodeFile(path string, t Target) (*Policy, error) {
	f, err := infile.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Decode(f, path, t)
}

// policy resolves p into a one-filter Policy.
func (p *MobyProfile) policy(t Target) (*Policy, error) {
	f, err := p.Resolve(t)
	if err != nil {
		return nil, err
	}
	return &Policy{Name: p.Name, Arch: t.Arch, Filters: []*Filter{f}}, nil
}

// checkArgIndex mirrors libseccomp's limit of six syscall arguments.
func checkArgIndex(i uint64) error {
	if i > 5 {
		return fmt.Errorf("%w: %d (want 0..5)", ErrArgIndex, i)
	}
	return nil
}
