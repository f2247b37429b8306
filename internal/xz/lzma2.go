package xz

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// LZMA2 (the .xz format's only compression filter) cuts LZMA data into
// chunks that each say their compressed and uncompressed sizes, so a decoder
// always knows how much input a chunk takes and how much output it makes.
// The .xz specification leaves LZMA2 to the code; this follows the chunk
// header and the reset rules of XZ Utils 5.4 (liblzma/lzma/lzma2_decoder.c):
//
//	00000000                     end of the LZMA2 data
//	00000001 U U                 uncompressed chunk, dictionary reset
//	00000010 U U                 uncompressed chunk
//	100uuuuu U U C C             LZMA chunk
//	101uuuuu U U C C             LZMA chunk, state reset
//	110uuuuu U U C C P           LZMA chunk, state reset, new properties
//	111uuuuu U U C C P           LZMA chunk, state reset, new properties, dictionary reset
//
// with u.U U the uncompressed size minus one (21 bits, big-endian), C C the
// compressed size minus one and P the lc/lp/pb byte. The first chunk must
// reset the dictionary, and a dictionary reset must be followed by new
// properties before the next LZMA chunk. Every LZMA chunk starts its own
// range coder and must end it cleanly; a match may not run past its chunk.

// errCorruptData is what the LZMA decoder returns; callers place it.
var errCorruptData = errors.New("invalid LZMA symbol")

// chunkHeader is a parsed LZMA2 chunk header.
type chunkHeader struct {
	control byte
	size    int // of the header
	usize   int // uncompressed size
	csize   int // payload size in the input: compressed size, or usize for uncompressed chunks
	props   byte
}

func (h chunkHeader) end() bool          { return h.control == 0 }
func (h chunkHeader) uncompressed() bool { return h.control < 0x80 }
func (h chunkHeader) dictReset() bool    { return h.control == 1 || h.control >= 0xe0 }

// chunkHeaderSize is the header size a control byte announces, 0 when the
// control byte is invalid.
func chunkHeaderSize(c byte) int {
	switch {
	case c == 0:
		return 1
	case c <= 2:
		return 3
	case c < 0x80:
		return 0
	case c < 0xc0:
		return 5
	default:
		return 6
	}
}

// parseChunkHeader parses the chunk header at the start of p, which must
// hold all of it (chunkHeaderSize(p[0]) bytes).
func parseChunkHeader(p []byte) (chunkHeader, error) {
	c := p[0]
	h := chunkHeader{control: c, size: chunkHeaderSize(c)}
	switch {
	case h.size == 0:
		return h, fmt.Errorf("LZMA2 control byte %#02x", c)
	case c == 0:
	case c <= 2:
		h.usize = int(binary.BigEndian.Uint16(p[1:3])) + 1
		h.csize = h.usize
	default:
		h.usize = int(c&0x1f)<<16 + int(binary.BigEndian.Uint16(p[1:3])) + 1
		h.csize = int(binary.BigEndian.Uint16(p[3:5])) + 1
		if c >= 0xc0 {
			h.props = p[5]
		}
	}
	return h, nil
}

// lzma2Decoder decodes the chunks of one block.
type lzma2Decoder struct {
	lz            lzmaDecoder
	rc            rangeDecoder
	needDictReset bool
	needProps     bool
}

// init prepares for a new block with the given dictionary size.
func (d *lzma2Decoder) init(dictSize uint32) {
	d.lz.dictSize = dictSize
	d.needDictReset = true
	d.needProps = true
}

// begin applies a chunk header's resets, after checking that they are in
// order. The caller resets its window when h.dictReset().
func (d *lzma2Decoder) begin(h chunkHeader) error {
	if h.dictReset() {
		d.needDictReset = false
		d.needProps = true
	} else if d.needDictReset {
		return fmt.Errorf("first LZMA2 chunk (control %#02x) does not reset the dictionary", h.control)
	}
	if h.uncompressed() {
		return nil
	}
	switch {
	case h.control >= 0xc0:
		if !d.lz.setProps(h.props) {
			return fmt.Errorf("LZMA properties %#02x: want lc+lp <= 4 and pb <= 4", h.props)
		}
		d.needProps = false
		d.lz.reset()
	case d.needProps:
		return fmt.Errorf("LZMA2 chunk (control %#02x) without properties after a dictionary reset", h.control)
	case h.control >= 0xa0:
		d.lz.reset()
	}
	return nil
}

// run decodes a chunk's payload into out[pos:pos+h.usize], with out[:pos]
// the dictionary, and returns the new position. The caller checked the room.
func (d *lzma2Decoder) run(h chunkHeader, payload []byte, out []byte, pos int) (int, error) {
	if h.uncompressed() {
		return pos + copy(out[pos:pos+h.usize], payload), nil
	}
	if !d.rc.init(payload) {
		return pos, errors.New("LZMA chunk: range coder does not start with a zero byte")
	}
	end := pos + h.usize
	p, status, err := d.lz.decode(&d.rc, out, pos, end)
	switch {
	case err != nil:
		return p, fmt.Errorf("LZMA chunk: %w at output byte %d of %d", err, p-pos, h.usize)
	case status == decodeMarker:
		return p, fmt.Errorf("LZMA chunk: end marker after %d of %d bytes (LZMA2 has none)", p-pos, h.usize)
	case d.lz.pending > 0:
		return p, errors.New("LZMA chunk: a match runs past the chunk's end")
	case d.rc.ip > len(payload):
		return p, fmt.Errorf("LZMA chunk: needs more than its %d compressed bytes", len(payload))
	case !d.rc.finished():
		return p, fmt.Errorf("LZMA chunk: range coder not finished after %d of %d bytes", d.rc.ip, len(payload))
	}
	return p, nil
}

// decodeFlat decodes the LZMA2 data at the start of in (input offset off)
// into exactly out, whose length the index gave. It returns the number of
// input bytes the LZMA2 data took, end marker included.
func (d *lzma2Decoder) decodeFlat(off int64, in []byte, out []byte) (int, error) {
	pos, base, i := 0, 0, 0
	for {
		at := off + int64(i)
		if i >= len(in) {
			return i, errAt(at, ErrTruncated, "LZMA2 data ends without an end marker after %d of %d bytes", pos, len(out))
		}
		hs := chunkHeaderSize(in[i])
		if hs == 0 {
			return i, errAt(at, ErrCorrupt, "LZMA2 control byte %#02x", in[i])
		}
		if i+hs > len(in) {
			return i, errAt(at, ErrTruncated, "LZMA2 chunk header")
		}
		h, _ := parseChunkHeader(in[i:])
		if h.end() {
			if pos != len(out) {
				return i + 1, errAt(at, ErrFormat, "LZMA2 data ends after %d bytes, want %d", pos, len(out))
			}
			return i + 1, nil
		}
		if err := d.begin(h); err != nil {
			return i, errAt(at, ErrCorrupt, "%v", err)
		}
		if h.dictReset() {
			base = pos
		}
		i += hs
		if h.csize > len(in)-i {
			return i, errAt(at, ErrTruncated, "LZMA2 chunk of %d bytes, %d left", h.csize, len(in)-i)
		}
		if h.usize > len(out)-pos {
			return i, errAt(at, ErrFormat, "LZMA2 data passes the uncompressed size %d", len(out))
		}
		p, err := d.run(h, in[i:i+h.csize], out[base:], pos-base)
		if err != nil {
			return i, errAt(at, ErrCorrupt, "%v", err)
		}
		pos = base + p
		i += h.csize
	}
}
