package ftrace

import (
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"

	"sysweight/internal/tracefs"
)

// ErrRaw is wrapped by every error about binary ring-buffer input.
var ErrRaw = errors.New("ftrace: bad raw trace")

// RawTrace is a function_graph recording in the ring buffer's binary form:
// the contents of per_cpu/cpuN/trace_pipe_raw, one reader per CPU, with
// what is needed to read them (the page layout, the two event formats) and
// to name the functions (the guest's /proc/kallsyms).
type RawTrace struct {
	// Header is events/header_page (tracefs.ParsePageLayout); the
	// pages are of its PageSize.
	Header tracefs.PageLayout
	// Entry and Exit are events/ftrace/funcgraph_entry/format and
	// funcgraph_exit/format (tracefs.ParseFormat). Records of other
	// types (trace_marker's print, events enabled beside the tracer) are
	// passed over.
	Entry, Exit *tracefs.Format
	// CPUs holds the pages of each CPU; CPUs[i] is CPU i. Records of
	// different CPUs are merged by timestamp.
	CPUs    []io.Reader
	Symbols *Symbols
}

// rawEvent is one decoded record.
type rawEvent struct {
	ts uint64
	l  line
}

// graphLayout is where the fields ParseRaw needs sit in the two events.
type graphLayout struct {
	entryID, exitID int
	typ, pid        tracefs.Field // common fields: the same in both events
	entryFunc       tracefs.Field
	exitFunc        tracefs.Field
}

func newGraphLayout(entry, exit *tracefs.Format) (graphLayout, error) {
	var g graphLayout
	if entry == nil || exit == nil {
		return g, fmt.Errorf("want the funcgraph_entry and funcgraph_exit formats: %w", ErrRaw)
	}
	for _, f := range []*tracefs.Format{entry, exit} {
		if f.ID < 0 || f.ID > 0xffff {
			return g, fmt.Errorf("event %q: ID %d, want one below 65536 (common_type is 16 bits): %w", f.Name, f.ID, ErrRaw)
		}
	}
	g.entryID, g.exitID = entry.ID, exit.ID
	get := func(f *tracefs.Format, name string, sizes ...int) (tracefs.Field, error) {
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

// cpuReader decodes the pages of one CPU, page by page
// (tracefs.Page.Events), and hands out their records one by one.
type cpuReader struct {
	cpu    int
	r      io.Reader
	h      tracefs.PageLayout
	g      graphLayout
	sym    *Symbols
	page   []byte
	pageNo int        // pages read so far
	evs    []rawEvent // the records of interest of the page just read
	i      int        // the next of evs
}

func (c *cpuReader) errorf(format string, args ...any) error {
	return fmt.Errorf("%s: %s: %w", c.where(), fmt.Sprintf(format, args...), ErrRaw)
}

func (c *cpuReader) where() string {
	return fmt.Sprintf("cpu %d page %d (byte %d)", c.cpu, c.pageNo-1, (c.pageNo-1)*len(c.page))
}

// nextPage reads and decodes one page; false at the end of the input. A
// page the kernel flagged with missed events starts with a lost-events
// mark at the page's time.
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
	c.evs, c.i = c.evs[:0], 0
	var bad error
	info, err := c.h.Page(c.page).Events(func(ts uint64, rec []byte) {
		if bad != nil {
			return
		}
		ev, ok, err := c.decode(ts, rec)
		if err != nil {
			bad = err
		} else if ok {
			c.evs = append(c.evs, ev)
		}
	})
	if err != nil {
		return false, fmt.Errorf("%s: %w: %w", c.where(), err, ErrRaw)
	}
	if bad != nil {
		return false, bad
	}
	if info.Missed {
		lost := int64(-1) // the kernel stores a count only when the page has room
		if info.MissedCount > 0 {
			lost = int64(info.MissedCount)
		}
		c.evs = slices.Insert(c.evs, 0, rawEvent{ts: info.Time,
			l: line{kind: kLost, cpu: c.cpu, pid: -1, nextPid: -1, lost: lost}})
	}
	return true, nil
}

// next returns the next record of interest; ok is false at the end.
func (c *cpuReader) next() (ev rawEvent, ok bool, err error) {
	for c.i == len(c.evs) {
		more, err := c.nextPage()
		if err != nil || !more {
			return ev, false, err
		}
	}
	c.i++
	return c.evs[c.i-1], true, nil
}

// decode reads a record (its fields, common_type first) of the time ts;
// ok is false for records of other events.
func (c *cpuReader) decode(ts uint64, rec []byte) (ev rawEvent, ok bool, err error) {
	g := c.g
	if g.typ.Offset+2 > len(rec) {
		return rawEvent{}, false, c.errorf("record of %d bytes, too short for a type", len(rec))
	}
	typ := int(binary.LittleEndian.Uint16(rec[g.typ.Offset:]))
	var fn tracefs.Field
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
		return rawEvent{}, false, c.errorf("record of %d bytes, too short for type %d", len(rec), typ)
	}
	var addr uint64
	if fn.Size == 8 {
		addr = binary.LittleEndian.Uint64(rec[fn.Offset:])
	} else {
		addr = uint64(binary.LittleEndian.Uint32(rec[fn.Offset:]))
	}
	pid := int(int32(binary.LittleEndian.Uint32(rec[g.pid.Offset:])))
	if pid < 0 {
		return rawEvent{}, false, c.errorf("record of type %d: pid %d", typ, pid)
	}
	sym, ok := c.sym.Lookup(addr)
	if !ok {
		return rawEvent{ts: ts, l: line{kind: k, cpu: c.cpu, pid: pid, nextPid: -1, fn: "0x" + strconv.FormatUint(addr, 16)}}, true, nil
	}
	return rawEvent{ts: ts, l: line{kind: k, cpu: c.cpu, pid: pid, nextPid: -1, fn: sym.Name, mod: sym.Module}}, true, nil
}

// ParseRaw reads a function_graph recording in binary form, merges the
// CPUs' records by timestamp and attributes calls as Parse does. A record
// names its task's pid, so no context-switch lines are needed; a page that
// the kernel flagged with missed events counts as a lost-events mark for
// its CPU. Options.Strict has no effect: every malformed page is an error.
func ParseRaw(t RawTrace, opts Options) (*Footprint, error) {
	if t.Header.DataSize <= 0 || t.Header.PageSize() > 1<<20 {
		return nil, fmt.Errorf("raw trace: page header %+v, want pages of at most 1 MiB: %w", t.Header, ErrRaw)
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
