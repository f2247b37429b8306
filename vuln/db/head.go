package db

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
)

// The head of a DB (its schema, metadata and per-syscall metrics) in a
// binary form that decodes without JSON: every command loads the embedded
// DB, and decoding the JSON head was most of what `compare` spends. The
// canonical DB stays the JSON file; the head file is derived from it
// (`go generate ./vuln/db`, run by `make weightdb`), carries the JSON's
// checksum, and is used only when that checksum matches
// (TestDefaultHeadUpToDate checks the committed pair).
//
// Layout: headMagic; the JSON's checksum; the start and end of its CVE
// records (the "cves" array) in it; the schema and the metadata as
// JSON (small); the syscall count; then per syscall its fields in the
// order of Syscall. Integers are varints, counts and lengths uvarints,
// figures float64 bits (little endian), strings a length and the bytes.
var headMagic = []byte("sysweight-db-head 1\n")

// errHead wraps every decoding error of a head.
var errHead = errors.New("weight DB head")

// EncodeHead derives the head of a canonical DB encoding (Encode's
// bytes) in the binary form: it decodes and verifies b, and records where
// in b the CVE records are.
func EncodeHead(b []byte) ([]byte, error) {
	d, err := decode(b, true)
	if err != nil {
		return nil, err
	}
	start, end, err := cvesSpan(b)
	if err != nil {
		return nil, err
	}
	meta, err := json.Marshal(struct {
		Schema int  `json:"schema"`
		Meta   Meta `json:"meta"`
	}{d.Schema, d.Meta})
	if err != nil {
		return nil, err
	}
	w := headWriter{b: append([]byte(nil), headMagic...)}
	w.str(d.Meta.Checksum)
	w.uint(uint64(start))
	w.uint(uint64(end))
	w.str(string(meta))
	w.uint(uint64(len(d.Syscalls)))
	for _, s := range d.Syscalls {
		w.str(s.Name)
		w.int(int64(s.Nr))
		w.int(int64(s.CVEs))
		w.float(s.Severity)
		w.int(int64(s.ScoredV3))
		w.int(int64(s.ScoredV2))
		w.int(int64(s.Unscored))
		w.float(s.Exploits)
		w.strs(s.ExploitIDs)
		w.float(s.TFIDF)
		w.float(s.Triggers)
		w.float(s.TriggersTFIDF)
		w.float(s.Complexity)
		w.float(s.Reach)
		w.uint(uint64(len(s.TopFuncs)))
		for _, f := range s.TopFuncs {
			w.str(f.Name)
			w.int(int64(f.CC))
		}
		w.strs(s.CVEIDs)
	}
	return w.b, nil
}

// cvesSpan finds the value of the top-level "cves" key of a DB encoding,
// by its JSON tokens: [start, end) holds the array.
func cvesSpan(b []byte) (start, end int, err error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return 0, 0, fmt.Errorf("weight DB: not a JSON object")
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return 0, 0, fmt.Errorf("weight DB: %w", err)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return 0, 0, fmt.Errorf("weight DB: %w", err)
		}
		if k == "cves" {
			end = int(dec.InputOffset())
			return end - len(v), end, nil
		}
	}
	return 0, 0, fmt.Errorf("weight DB: no cves key")
}

type headWriter struct{ b []byte }

func (w *headWriter) uint(v uint64) { w.b = binary.AppendUvarint(w.b, v) }
func (w *headWriter) int(v int64)   { w.b = binary.AppendVarint(w.b, v) }
func (w *headWriter) float(v float64) {
	w.b = binary.LittleEndian.AppendUint64(w.b, math.Float64bits(v))
}
func (w *headWriter) str(s string) { w.uint(uint64(len(s))); w.b = append(w.b, s...) }
func (w *headWriter) strs(l []string) {
	w.uint(uint64(len(l)))
	for _, s := range l {
		w.str(s)
	}
}

// headIndex is what a head says of the DB it was derived from: its
// checksum, and where its CVE records are.
type headIndex struct {
	checksum           string
	cvesStart, cvesEnd int
}

// decodeHead reads a head written by EncodeHead into a DB without its
// CVE records. It checks the form only; decodeWithHead checks the values.
func decodeHead(b []byte) (*DB, headIndex, error) {
	var h headIndex
	if len(b) < len(headMagic) || string(b[:len(headMagic)]) != string(headMagic) {
		return nil, h, fmt.Errorf("%w: not a head file (no %q at its start)", errHead, headMagic[:len(headMagic)-1])
	}
	// One string holds every name: the syscalls' fields are slices of it.
	r := headReader{s: string(b), off: len(headMagic)}
	h.checksum = r.str()
	h.cvesStart, h.cvesEnd = r.offset(), r.offset()
	var m struct {
		Schema int  `json:"schema"`
		Meta   Meta `json:"meta"`
	}
	if meta := r.str(); r.err == nil {
		if err := json.Unmarshal([]byte(meta), &m); err != nil {
			return nil, h, fmt.Errorf("%w: metadata: %v", errHead, err)
		}
	}
	n := r.count(6) // a syscall takes at least 6 bytes
	d := &DB{Schema: m.Schema, Meta: m.Meta, Syscalls: make([]Syscall, 0, n)}
	for i := 0; i < n && r.err == nil; i++ {
		var s Syscall
		s.Name = r.str()
		s.Nr = r.int()
		s.CVEs = r.int()
		s.Severity = r.float()
		s.ScoredV3 = r.int()
		s.ScoredV2 = r.int()
		s.Unscored = r.int()
		s.Exploits = r.float()
		s.ExploitIDs = r.strs()
		s.TFIDF = r.float()
		s.Triggers = r.float()
		s.TriggersTFIDF = r.float()
		s.Complexity = r.float()
		s.Reach = r.float()
		if k := r.count(2); k > 0 {
			s.TopFuncs = make([]FuncCC, k)
			for j := range s.TopFuncs {
				s.TopFuncs[j] = FuncCC{Name: r.str(), CC: r.int()}
			}
		}
		s.CVEIDs = r.strs()
		d.Syscalls = append(d.Syscalls, s)
	}
	if r.err == nil && r.off != len(r.s) {
		r.fail("%d bytes after the last syscall", len(r.s)-r.off)
	}
	if r.err != nil {
		return nil, h, r.err
	}
	return d, h, nil
}

// headReader reads a head; the first error sticks, and every read after
// it returns zero values.
type headReader struct {
	s   string
	off int
	err error
}

func (r *headReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: byte %d: %s", errHead, r.off, fmt.Sprintf(format, args...))
	}
}

func (r *headReader) uint() uint64 {
	if r.err != nil {
		return 0
	}
	var v uint64
	for shift := uint(0); ; shift += 7 {
		if r.off >= len(r.s) || shift > 63 {
			r.fail("truncated or overlong number")
			return 0
		}
		c := r.s[r.off]
		r.off++
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
	}
}

// int reads a varint that must fit an int32 (every count and number in a
// head does).
func (r *headReader) int() int {
	u := r.uint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	if v < math.MinInt32 || v > math.MaxInt32 {
		r.fail("number %d out of range", v)
		return 0
	}
	return int(v)
}

// offset reads a byte offset (at most 1<<40).
func (r *headReader) offset() int {
	v := r.uint()
	if v > 1<<40 {
		r.fail("offset %d out of range", v)
		return 0
	}
	return int(v)
}

// count reads a count of items of at least min bytes each, bounded by
// what is left.
func (r *headReader) count(min int) int {
	n := r.uint()
	if r.err == nil && n > uint64(len(r.s)-r.off)/uint64(min) {
		r.fail("count %d exceeds what is left", n)
		return 0
	}
	return int(n)
}

func (r *headReader) float() float64 {
	if r.err != nil {
		return 0
	}
	if len(r.s)-r.off < 8 {
		r.fail("truncated number")
		return 0
	}
	var v uint64
	for i := 7; i >= 0; i-- {
		v = v<<8 | uint64(r.s[r.off+i])
	}
	r.off += 8
	return math.Float64frombits(v)
}

func (r *headReader) str() string {
	n := r.count(1)
	if r.err != nil {
		return ""
	}
	s := r.s[r.off : r.off+n]
	r.off += n
	return s
}

func (r *headReader) strs() []string {
	n := r.count(1)
	if n == 0 {
		return nil
	}
	l := make([]string, n)
	for i := range l {
		l[i] = r.str()
	}
	return l
}
