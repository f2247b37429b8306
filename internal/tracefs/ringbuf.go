package tracefs

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// ErrPage is wrapped by errors about a malformed ring buffer page.
var ErrPage = errors.New("bad ring buffer page")

// Ring buffer event types, from include/linux/ring_buffer.h.
const (
	rbTypeDataMax  = 28 // 1..28: data of type_len*4 bytes follows the header
	rbTypePadding  = 29
	rbTypeExtend   = 30 // time delta too large for 27 bits
	rbTypeStamp    = 31 // absolute time stamp
	rbMissedEvents = 1 << 31
	rbMissedStored = 1 << 30
	rbTSShift      = 27
)

// PageLayout is the buffer_data_page header described by events/header_page
// (kernel/trace/ring_buffer.c: ring_buffer_print_page_header): u64
// timestamp at 0; local_t commit; char data[].
type PageLayout struct {
	CommitOffset, CommitSize int // 8 on 64-bit kernels: local_t
	DataOffset               int
	// DataSize is the data of a page of the default size (its size less
	// the header); a sub-buffer may be larger (buffer_subbuf_size_kb).
	DataSize int
}

// PageSize is DataOffset+DataSize: the size of a page of the default size.
func (l PageLayout) PageSize() int { return l.DataOffset + l.DataSize }

// Page is page, read from trace_pipe_raw, in this layout.
func (l PageLayout) Page(page []byte) Page { return Page{data: page, layout: l} }

// defaultPage is the 64-bit layout with 4 KiB pages; OpenRaw checks it
// against the host's events/header_page.
var defaultPage = PageLayout{CommitOffset: 8, CommitSize: 8, DataOffset: 16, DataSize: 4080}

// ParsePageLayout reads events/header_page.
func ParsePageLayout(r io.Reader) (PageLayout, error) {
	f, err := ParseFormat(r)
	if err != nil {
		return PageLayout{}, fmt.Errorf("header_page: %w", err)
	}
	ts, ok1 := f.Field("timestamp")
	c, ok2 := f.Field("commit")
	d, ok3 := f.Field("data")
	if !ok1 || !ok2 || !ok3 || ts.Offset != 0 || ts.Size != 8 || (c.Size != 4 && c.Size != 8) || d.Offset < c.Offset+c.Size || d.Size <= 0 {
		return PageLayout{}, fmt.Errorf("%w: header_page: want timestamp (u64 at 0), commit (4 or 8 bytes) and data after it", ErrFormat)
	}
	return PageLayout{CommitOffset: c.Offset, CommitSize: c.Size, DataOffset: d.Offset, DataSize: d.Size}, nil
}

// PageInfo is what one page says besides its events.
type PageInfo struct {
	Time        uint64 // the page's time stamp, the base of its events'
	Missed      bool   // the kernel flagged lost events before this page
	MissedCount uint64 // their number (≥ 1), when the kernel could store it; else 0
}

// Page is one ring-buffer page as a CPU's trace_pipe_raw returns it, with
// the page header layout of its kernel.
type Page struct {
	data   []byte
	layout PageLayout
}

// Events calls fn with each data event's time stamp and record (the
// event's fields, common_type first), in the page's order; rec is valid
// only during the call.
func (p Page) Events(fn func(ts uint64, rec []byte)) (PageInfo, error) {
	return parsePage(p.data, p.layout, fn)
}

// parsePage walks the events of one page read from trace_pipe_raw and
// calls fn with each data event's time stamp and record. It checks every
// length against the page, so a truncated or corrupt page yields an error,
// never a read out of bounds.
func parsePage(page []byte, pl PageLayout, fn func(ts uint64, rec []byte)) (PageInfo, error) {
	var info PageInfo
	if len(page) < pl.DataOffset {
		return info, fmt.Errorf("%w: %d bytes, want at least the %d-byte header", ErrPage, len(page), pl.DataOffset)
	}
	le := binary.LittleEndian
	ts := le.Uint64(page)
	info.Time = ts
	var commit uint64
	if pl.CommitSize == 8 {
		commit = le.Uint64(page[pl.CommitOffset:])
	} else {
		commit = uint64(le.Uint32(page[pl.CommitOffset:]))
	}
	info.Missed = commit&rbMissedEvents != 0
	size := int(commit &^ (rbMissedEvents | rbMissedStored) & 0xffffffff)
	data := page[pl.DataOffset:]
	if size > len(data) {
		return info, fmt.Errorf("%w: commit says %d data bytes, page holds %d", ErrPage, size, len(data))
	}
	if commit&rbMissedStored != 0 && size+8 <= len(data) {
		info.MissedCount = le.Uint64(data[size:])
	}
	data = data[:size]
	for off := 0; off < len(data); {
		if len(data)-off < 4 {
			return info, fmt.Errorf("%w: offset %d: event header truncated", ErrPage, pl.DataOffset+off)
		}
		hdr := le.Uint32(data[off:])
		typ, delta := hdr&0x1f, uint64(hdr>>5)
		var array0 uint32
		if typ == 0 || typ >= rbTypePadding {
			if len(data)-off < 8 {
				return info, fmt.Errorf("%w: offset %d: type %d event truncated", ErrPage, pl.DataOffset+off, typ)
			}
			array0 = le.Uint32(data[off+4:])
		}
		switch {
		case typ == rbTypePadding:
			if delta == 0 {
				return info, nil // the rest of the page is empty
			}
			// a discarded event: its time_delta is only a flag, and the
			// kernel's reader does not add it (rb_update_read_stamp)
			n := 4 + int(array0)
			if array0 > uint32(len(data)) || n > len(data)-off || n < 8 {
				return info, fmt.Errorf("%w: offset %d: padding of %d bytes overruns the page", ErrPage, pl.DataOffset+off, array0)
			}
			off += n
		case typ == rbTypeExtend:
			ts += uint64(array0)<<rbTSShift | delta
			off += 8
		case typ == rbTypeStamp:
			// absolute stamps carry the low 59 bits; the page stamp the rest
			ts = (uint64(array0)<<rbTSShift | delta) | ts&^(1<<59-1)
			off += 8
		case typ == 0:
			// array[0] counts itself and the data; the data starts after it
			if array0 < 4 || array0 > uint32(len(data)) || int(array0)+4 > len(data)-off {
				return info, fmt.Errorf("%w: offset %d: event length %d overruns the page", ErrPage, pl.DataOffset+off, array0)
			}
			ts += delta
			fn(ts, data[off+8:off+4+int(array0)])
			off += 4 + int(array0)
		default: // 1..28
			n := int(typ) * 4
			if n > len(data)-off-4 {
				return info, fmt.Errorf("%w: offset %d: event of %d bytes overruns the page", ErrPage, pl.DataOffset+off, n)
			}
			ts += delta
			fn(ts, data[off+4:off+4+n])
			off += 4 + n
		}
	}
	return info, nil
}
