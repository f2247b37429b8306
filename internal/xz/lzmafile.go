package xz

import (
	"encoding/binary"

	"sysweight/internal/bigbuf"
)

// DecodeLZMA decodes a legacy .lzma file (LZMA_Alone: the format of LZMA
// Utils and of "xz --format=lzma") with the zero Config.
func DecodeLZMA(src []byte) ([]byte, error) { return Config{}.DecodeLZMA(src) }

// DecodeLZMA decodes a legacy .lzma file: a 13-byte header (the lc/lp/pb
// byte, the dictionary size as 32 bits and the uncompressed size as 64 bits,
// little-endian, all ones when unknown) and one LZMA stream. A stream of
// unknown size must end with the end-of-payload marker; one of known size
// ends at that size, and anything after it is ignored (a Linux kernel
// appends its size). Only lc+lp <= 4 is supported, as in XZ Utils.
func (c Config) DecodeLZMA(src []byte) ([]byte, error) {
	if len(src) < 13 {
		return nil, errAt(0, ErrTruncated, "lzma header: %d of 13 bytes", len(src))
	}
	d := new(lzmaDecoder)
	if !d.setProps(src[0]) {
		return nil, errAt(0, ErrUnsupported, "lzma properties %#02x: want lc+lp <= 4 and pb <= 4", src[0])
	}
	d.dictSize = max(binary.LittleEndian.Uint32(src[1:5]), 4096)
	if int64(d.dictSize) > c.maxDict() {
		return nil, errAt(1, ErrTooLarge, "lzma dictionary of %d bytes, the limit is %d", d.dictSize, c.maxDict())
	}
	size := binary.LittleEndian.Uint64(src[5:13])
	known := size != 1<<64-1
	if known && size > uint64(c.maxOutput()) {
		return nil, errAt(5, ErrTooLarge, "lzma header gives %d bytes of output, the limit is %d", size, c.maxOutput())
	}
	d.reset()
	var rc rangeDecoder
	if !rc.init(src[13:]) {
		return nil, errAt(13, ErrCorrupt, "lzma data: range coder does not start with a zero byte")
	}
	// A lying header must not make us allocate much: grow from a guess
	// up to the size it gives.
	limit := c.maxOutput()
	if known {
		limit = int64(size)
	}
	out := bigbuf.Make(int(min(max(8*int64(len(src)), 64<<10), limit)))
	pos := 0
	for {
		// decode checks for the end of the input only when it returns,
		// and past the end it decodes zeros: ask for about what the
		// input left can give (LZMA reaches some 7000:1 on zeros), so
		// that a truncated stream costs 64 KiB of output, not 4 MiB.
		// The step only sets how often decode returns.
		step := min(4<<20, max(64<<10, 8192*(len(rc.in)-rc.ip)))
		p, status, err := d.decode(&rc, out, pos, min(len(out), pos+step))
		pos = p
		switch {
		case rc.ip > len(rc.in):
			return nil, errAt(int64(len(src)), ErrTruncated, "lzma data ends after %d output bytes", pos)
		case err != nil:
			return nil, errAt(13, ErrCorrupt, "lzma data: %v at output byte %d", err, pos)
		case status == decodeMarker:
			if known && uint64(pos) != size {
				return nil, errAt(13, ErrFormat, "lzma end marker after %d bytes, the header gives %d", pos, size)
			}
			if rc.code != 0 {
				return nil, errAt(13+int64(rc.ip), ErrCorrupt, "lzma range coder not finished at the end marker")
			}
			return out[:pos], nil
		case known && int64(pos) == limit:
			return out[:pos], nil
		case pos == len(out):
			if int64(len(out)) >= limit {
				return nil, errAt(13, ErrTooLarge, "lzma output passes the limit of %d bytes", limit)
			}
			grown := bigbuf.Make(int(min(2*int64(len(out)), limit)))
			copy(grown, out[:pos])
			out = grown
		}
	}
}
