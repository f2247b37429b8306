package ftrace

import (
	"bufio"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ErrRaw is wrapped by every error about binary ring-buffer input.
var ErrRaw = errors.New("ftrace: bad raw trace")

// Field is one field of a trace event's binary record, as a tracefs format
// file describes it ("field:int depth;\toffset:16;\tsize:4;\tsigned:1;").
type Field struct {
	Name         string
	Offset, Size int
	Signed       bool
}

// EventFormat is what tracefs says about one event type in
// events/SYSTEM/NAME/format: its name, the type id its records carry in
// common_type, and its fields.
type EventFormat struct {
	Name   string
	ID     int
	Fields []Field
}

// Field returns the field called name.
func (f *EventFormat) Field(name string) (Field, bool) {
	for _, fl := range f.Fields {
		if fl.Name == name {
			return fl, true
		}
	}
	return Field{}, false
}

// ParseEventFormat reads a tracefs event format file
// (kernel/trace/trace_events.c: f_show).
func ParseEventFormat(r io.Reader) (*EventFormat, error) {
	f := &EventFormat{ID: -1}
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		t := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(t, "name:"):
			f.Name = strings.TrimSpace(t[len("name:"):])
		case strings.HasPrefix(t, "ID:"):
			id, err := strconv.Atoi(strings.TrimSpace(t[len("ID:"):]))
			if err != nil || id < 0 || id > 0xffff {
				return nil, fmt.Errorf("event format line %d: ID %q, want a number below 65536: %w", n, t, ErrRaw)
			}
			f.ID = id
		case strings.HasPrefix(t, "field:"):
			fl, err := parseField(t)
			if err != nil {
				return nil, fmt.Errorf("event format line %d: %v: %w", n, err, ErrRaw)
			}
			f.Fields = append(f.Fields, fl)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("event format: %w", err)
	}
	if f.Name == "" || f.ID < 0 || len(f.Fields) == 0 {
		return nil, fmt.Errorf("event format: want name:, ID: and field: lines, got name %q, ID %d, %d fields: %w", f.Name, f.ID, len(f.Fields), ErrRaw)
	}
	return f, nil
}

// parseField reads "field:TYPE NAME;\toffset:N;\tsize:N;\tsigned:N;".
func parseField(t string) (Field, error) {
	var fl Field
	parts := strings.Split(t, ";")
	decl := strings.TrimSpace(strings.TrimPrefix(parts[0], "field:"))
	words := strings.Fields(decl)
	if len(words) == 0 {
		return fl, fmt.Errorf("field %q has no name", t)
	}
	fl.Name = words[len(words)-1]
	if i := strings.IndexByte(fl.Name, '['); i >= 0 {
		fl.Name = fl.Name[:i]
	}
	seen := 0
	for _, p := range parts[1:] {
		k, v, ok := strings.Cut(strings.TrimSpace(p), ":")
		if !ok {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fl, fmt.Errorf("field %s: %s %q is not a count", fl.Name, k, v)
		}
		switch k {
		case "offset":
			fl.Offset, seen = n, seen|1
		case "size":
			fl.Size, seen = n, seen|2
		case "signed":
			fl.Signed = n != 0
		}
	}
	if seen != 3 {
		return fl, fmt.Errorf("field %s: want both an offset and a size", fl.Name)
	}
	return fl, nil
}

// PageHeader is the layout of one ring-buffer page, from tracefs
// events/header_page (kernel/trace/ring_buffer.c:
// ring_buffer_print_page_header).
type PageHeader struct {
	TimestampOffset int
	CommitOffset    int
	CommitSize      int // 8 on 64-bit kernels: local_t
	DataOffset      int
	DataSize        int // the page size less the header
}

// PageSize is the size of one page of trace_pipe_raw.
func (h PageHeader) PageSize() int { return h.DataOffset + h.DataSize }

// ParsePageHeader reads events/header_page.
func ParsePageHeader(r io.Reader) (PageHeader, error) {
	var h PageHeader
	sc := bufio.NewScanner(r)
	seen := map[string]bool{}
	n := 0
	for sc.Scan() {
		n++
		t := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(t, "field:") {
			continue
		}
		fl, err := parseField(t)
		if err != nil {
			return h, fmt.Errorf("header_page line %d: %v: %w", n, err, ErrRaw)
		}
		switch fl.Name {
		case "timestamp":
			h.TimestampOffset = fl.Offset
		case "commit":
			h.CommitOffset, h.CommitSize = fl.Offset, fl.Size
		case "data":
			h.DataOffset, h.DataSize = fl.Offset, fl.Size
		default:
			continue
		}
		seen[fl.Name] = true
	}
	if err := sc.Err(); err != nil {
		return h, fmt.Errorf("header_page: %w", err)
	}
	if !seen["timestamp"] || !seen["commit"] || !seen["data"] {
		return h, fmt.Errorf("header_page: want timestamp, commit and data fields: %w", ErrRaw)
	}
	if h.CommitSize != 4 && h.CommitSize != 8 || h.DataSize <= 0 || h.DataSize > 1<<20 ||
		h.DataOffset < h.CommitOffset+h.CommitSize || h.TimestampOffset+8 > h.DataOffset {
		return h, fmt.Errorf("header_page: implausible layout %+v: %w", h, ErrRaw)
	}
	return h, nil
}

// RawTrace is a function_graph recording in the ring buffer's binary form:
// the contents of per_cpu/cpuN/trace_pipe_raw, one reader per CPU, with
// what is needed to read them (the page layout, the two event formats) and
// to name the functions (the guest's /proc/kallsyms).
type RawTrace struct {
	Header PageHeader
	// Entry and Exit are events/ftrace/funcgraph_entry/format and
	// funcgraph_exit/format. Records of other types (trace_marker's
	// print, events enabled beside the tracer) are passed over.
	Entry, Exit *EventFormat
	// CPUs holds the pages of each CPU; CPUs[i] is CPU i. Records of
	// different CPUs are merged by timestamp.
	CPUs    []io.Reader
	Symbols *Symbols
}

// Ring-buffer record types (kernel/trace/ring_buffer.c).
const (
	rbPadding    = 29
	rbTimeExtend = 30
	rbTimeStamp  = 31
	rbTSShift    = 27
	rbMissed     = 1 << 31 // RB_MISSED_EVENTS in a page's commit
	rbStored     = 1 << 30 // RB_MISSED_STORED: the count follows the data
)

// rawEvent is one decoded record.
type rawEvent struct {
	ts uint64
	l  line
}

// graphLayout is where the fields ParseRaw needs sit in the two events.
type graphLayout struct {
	entryID, exitID int
	typ, pid        Field // common fields: the same in both events
	entryFunc       Field
	exitFunc        Field
}

func newGraphLayout(entry, exit *EventFormat) (graphLayout, error) {
	var g graphLayout
	if entry == nil || exit == nil {
		return g, fmt.Errorf("want the funcgraph_entry and funcgraph_exit formats: %w", ErrRaw)
	}
	g.entryID, g.exitID = entry.ID, exit.ID
	get := func(f *EventFormat, name string, sizes ...int) (Field, error) {
		fl, ok := f.Field(name)
		if !ok {
			return fl, fmt.Errorf("event %s has no field %s: %w", f.Name, name, ErrRaw)
		}
		for _, s := range sizes {
			if fl.Size == s {
				return fl, nil
			}
		}
		return fl, fmt.Errorf("event %s: field %s is %d bytes, want %v: %w", f.Name, name, fl.Size, sizes, ErrRaw)
	}
	var err error
	if g.typ, err = get(entry, "common_type", 2); err != nil {
		return g, err
	}
	if g.pid, err = get(entry, "common_pid", 4); err != nil {
		return g, err
	}
	if g.entryFunc, err = get(entry, "func", 4, 8); err != nil {
		return g, err
	}
	if g.exitFunc, err = get(exit, "func", 4, 8); err != nil {
		return g, err
	}
	if t2, _ := exit.Field("common_type"); t2 != g.typ {
		return g, fmt.Errorf("events %s and %s disagree on common_type: %w", entry.Name, exit.Name, ErrRaw)
	}
	if p2, _ := exit.Field("common_pid"); p2 != g.pid {
		return g, fmt.Errorf("events %s and %s disagree on common_pid: %w", entry.Name, exit.Name, ErrRaw)
	}
	return g, nil
}

// cpuReader decodes the pages of one CPU, record by record.
type cpuReader struct {
	cpu    int
	r      io.Reader
	h      PageHeader
	g      graphLayout
	sym    *Symbols
	page   []byte
	pageNo int // pages read so far
	data   []byte
	off    int // into data
	ts     uint64
	// pending holds the lost-events mark of the page just read, given
	// out before its first record.
	pending *rawEvent
}

func (c *cpuReader) errorf(format string, args ...any) error {
	return fmt.Errorf("cpu %d page %d (byte %d): %s: %w", c.cpu, c.pageNo-1,
		(c.pageNo-1)*c.h.PageSize(), fmt.Sprintf(format, args...), ErrRaw)
}

// nextPage reads one page; false at the end of the input.
func (c *cpuReader) nextPage() (bool, error) {
	n, err := io.ReadFull(c.r, c.page)
	if err == io.EOF {
		return false, nil
	}
	c.pageNo++
	if err == io.ErrUnexpectedEOF {
		return false, c.errorf("the input ends %d bytes into a %d-byte page", n, len(c.page))
	}
	if err != nil {
		return false, fmt.Errorf("cpu %d: reading page %d: %w", c.cpu, c.pageNo-1, err)
	}
	h := c.h
	c.ts = binary.LittleEndian.Uint64(c.page[h.TimestampOffset:])
	var commit uint64
	if h.CommitSize == 8 {
		commit = binary.LittleEndian.Uint64(c.page[h.CommitOffset:])
	} else {
		commit = uint64(binary.LittleEndian.Uint32(c.page[h.CommitOffset:]))
	}
	size64 := commit &^ (rbMissed | rbStored)
	if size64 > uint64(h.DataSize) {
		return false, c.errorf("commit says %d bytes of data, the page holds %d", size64, h.DataSize)
	}
	size := int(size64)
	c.data = c.page[h.DataOffset : h.DataOffset+size]
	c.off = 0
	if commit&rbMissed != 0 {
		lost := int64(-1)
		if commit&rbStored != 0 && h.DataOffset+size+8 <= len(c.page) {
			lost = int64(binary.LittleEndian.Uint64(c.page[h.DataOffset+size:]))
		}
		c.pending = &rawEvent{ts: c.ts,
			l: line{kind: kLost, cpu: c.cpu, pid: -1, nextPid: -1, lost: lost}}
	}
	return true, nil
}

// next returns the next record of interest; ok is false at the end.
func (c *cpuReader) next() (ev rawEvent, ok bool, err error) {
	for {
		if c.pending != nil {
			ev, c.pending = *c.pending, nil
			return ev, true, nil
		}
		if c.off+4 > len(c.data) {
			more, err := c.nextPage()
			if err != nil || !more {
				return ev, false, err
			}
			continue
		}
		at := c.off
		hdr := binary.LittleEndian.Uint32(c.data[at:])
		typeLen, delta := hdr&0x1f, uint64(hdr>>5)
		var arr0 uint32
		if at+8 <= len(c.data) {
			arr0 = binary.LittleEndian.Uint32(c.data[at+4:])
		}
		switch {
		case typeLen == rbPadding:
			if delta == 0 {
				c.off = len(c.data) // the rest of the page is padding
				continue
			}
			if err := c.advance(4 + int(arr0)); err != nil {
				return ev, false, err
			}
			continue
		case typeLen == rbTimeExtend:
			if err := c.advance(8); err != nil {
				return ev, false, err
			}
			c.ts += uint64(arr0)<<rbTSShift + delta
			continue
		case typeLen == rbTimeStamp:
			if err := c.advance(8); err != nil {
				return ev, false, err
			}
			// The stamp holds the low 59 bits of the absolute time
			// (rb_fix_abs_ts).
			const msb = uint64(0x1f) << 59
			abs := uint64(arr0)<<rbTSShift + delta
			c.ts = abs | c.ts&msb
			continue
		}
		var rec []byte
		if typeLen == 0 {
			if at+8 > len(c.data) || arr0 < 4 {
				return ev, false, c.errorf("record at offset %d: bad length %d", at, arr0)
			}
			if err := c.advance(4 + int(arr0)); err != nil {
				return ev, false, err
			}
			rec = c.data[at+8 : at+4+int(arr0)]
		} else {
			if err := c.advance(4 + 4*int(typeLen)); err != nil {
				return ev, false, err
			}
			rec = c.data[at+4 : at+4+4*int(typeLen)]
		}
		c.ts += delta
		ev, ok, err = c.decode(at, rec)
		if err != nil || ok {
			return ev, ok, err
		}
	}
}

// advance moves past a record of n bytes, which must fit in the page.
func (c *cpuReader) advance(n int) error {
	if n < 4 || c.off+n > len(c.data) {
		return c.errorf("record at offset %d: %d bytes overrun the page's %d bytes of data", c.off, n, len(c.data))
	}
	c.off += n
	return nil
}

func (c *cpuReader) decode(at int, rec []byte) (rawEvent, bool, error) {
	g := c.g
	if g.typ.Offset+2 > len(rec) {
		return rawEvent{}, false, c.errorf("record at offset %d: %d bytes, too short for a type", at, len(rec))
	}
	typ := int(binary.LittleEndian.Uint16(rec[g.typ.Offset:]))
	var fn Field
	var k kind
	switch typ {
	case g.entryID:
		fn, k = g.entryFunc, kEntry
	case g.exitID:
		fn, k = g.exitFunc, kExit
	default:
		return rawEvent{}, false, nil // trace_marker and other events
	}
	if fn.Offset+fn.Size > len(rec) || g.pid.Offset+4 > len(rec) {
		return rawEvent{}, false, c.errorf("record at offset %d: %d bytes, too short for type %d", at, len(rec), typ)
	}
	var addr uint64
	if fn.Size == 8 {
		addr = binary.LittleEndian.Uint64(rec[fn.Offset:])
	} else {
		addr = uint64(binary.LittleEndian.Uint32(rec[fn.Offset:]))
	}
	pid := int(int32(binary.LittleEndian.Uint32(rec[g.pid.Offset:])))
	if pid < 0 {
		return rawEvent{}, false, c.errorf("record at offset %d: pid %d", at, pid)
	}
	sym, ok := c.sym.Lookup(addr)
	if !ok {
		return rawEvent{ts: c.ts, l: line{kind: k, cpu: c.cpu, pid: pid, nextPid: -1, fn: "0x" + strconv.FormatUint(addr, 16)}}, true, nil
	}
	return rawEvent{ts: c.ts, l: line{kind: k, cpu: c.cpu, pid: pid, nextPid: -1, fn: sym.Name, mod: sym.Module}}, true, nil
}

// ParseRaw reads a function_graph recording in binary form, merges the
// CPUs' records by timestamp and attributes calls as Parse does. A record
// names its task's pid, so no context-switch lines are needed; a page that
// the kernel flagged with missed events counts as a lost-events mark for
// its CPU. Options.Strict has no effect: every malformed page is an error.
func ParseRaw(t RawTrace, opts Options) (*Footprint, error) {
	if t.Header.DataSize == 0 {
		return nil, fmt.Errorf("raw trace: no page header: %w", ErrRaw)
	}
	if t.Symbols == nil {
		return nil, fmt.Errorf("raw trace: no symbols to name functions by: %w", ErrRaw)
	}
	g, err := newGraphLayout(t.Entry, t.Exit)
	if err != nil {
		return nil, fmt.Errorf("raw trace: %w", err)
	}
	p, err := newParser(opts, "event")
	if err != nil {
		return nil, err
	}
	m := &merge{}
	for cpu, r := range t.CPUs {
		c := &cpuReader{cpu: cpu, r: r, h: t.Header, g: g, sym: t.Symbols, page: make([]byte, t.Header.PageSize())}
		if err := m.fill(c); err != nil {
			return nil, err
		}
	}
	n := 0
	for m.Len() > 0 {
		c := m.heads[0].c
		ev := m.heads[0].ev
		n++
		if err := p.handle(n, ev.l); err != nil {
			return nil, err
		}
		nx, ok, err := c.next()
		if err != nil {
			return nil, err
		}
		if ok {
			m.heads[0].ev = nx
			heap.Fix(m, 0)
		} else {
			heap.Pop(m)
		}
	}
	return p.finish(), nil
}

// merge orders the CPUs' next records by time, then by CPU.
type merge struct{ heads []head }

type head struct {
	c  *cpuReader
	ev rawEvent
}

func (m *merge) fill(c *cpuReader) error {
	ev, ok, err := c.next()
	if err != nil || !ok {
		return err
	}
	heap.Push(m, head{c, ev})
	return nil
}

func (m *merge) Len() int { return len(m.heads) }
func (m *merge) Less(i, j int) bool {
	a, b := m.heads[i], m.heads[j]
	if a.ev.ts != b.ev.ts {
		return a.ev.ts < b.ev.ts
	}
	return a.c.cpu < b.c.cpu
}
func (m *merge) Swap(i, j int) { m.heads[i], m.heads[j] = m.heads[j], m.heads[i] }
func (m *merge) Push(x any)    { m.heads = append(m.heads, x.(head)) }
func (m *merge) Pop() any {
	h := m.heads[len(m.heads)-1]
	m.heads = m.heads[:len(m.heads)-1]
	return h
}
