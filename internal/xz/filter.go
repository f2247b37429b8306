package xz

import "encoding/binary"

// The non-last filters of a chain (.xz format 5.3.2 and 5.3.3). Both keep
// the size of the data and work in place, so a chain runs as successive
// passes over the same bytes: the last filter's decoder first.

// filterDecoder undoes one filter in place. decode is given the bytes from
// the filter's current stream position onward and returns how many of them
// it finished; the rest it needs to see again with more bytes after them.
// With final set there are no more bytes and it finishes all of them.
type filterDecoder interface {
	decode(buf []byte, final bool) int
}

func newFilterDecoder(f filter) filterDecoder {
	switch f.id {
	case filterX86:
		x := &x86Decoder{prevPos: -5}
		if len(f.props) == 4 {
			x.start = binary.LittleEndian.Uint32(f.props)
		}
		return x
	case filterDelta:
		return &deltaDecoder{dist: int(f.props[0]) + 1}
	}
	panic("xz: filter not checked by parseBlockHeader")
}

// x86Decoder undoes the x86 BCJ filter: the encoder turned the 32-bit
// relative operands of CALL (E8) and JMP (E9) into absolute addresses when
// the operand's top byte is 00 or FF, skipping opcodes that the few bytes
// before them show to be part of another instruction (prevMask). This is the
// algorithm of XZ Utils' liblzma/simple/x86.c, kept resumable: an E8 or E9
// within four bytes of the end waits for the next call.
type x86Decoder struct {
	start    uint32 // the filter's start offset property
	pos      int64  // stream position of the next byte to decode
	prevPos  int64  // stream position of the last E8/E9 seen
	prevMask uint32
}

var (
	x86MaskAllowed = [8]bool{true, true, true, false, true, false, false, false}
	x86MaskBit     = [8]uint32{0, 1, 2, 2, 3, 3, 3, 3}
)

func x86MSB(b byte) bool { return b == 0x00 || b == 0xff }

func (x *x86Decoder) decode(buf []byte, final bool) int {
	i := 0
	for ; i+4 < len(buf); i++ {
		if buf[i]&0xfe != 0xe8 {
			continue
		}
		at := x.pos + int64(i)
		if d := at - x.prevPos; d > 3 {
			x.prevMask = 0
		} else {
			x.prevMask = (x.prevMask << (d - 1)) & 7
			if x.prevMask != 0 {
				b := buf[i+4-int(x86MaskBit[x.prevMask])]
				if !x86MaskAllowed[x.prevMask] || x86MSB(b) {
					x.prevPos = at
					x.prevMask = x.prevMask<<1 | 1
					continue
				}
			}
		}
		x.prevPos = at
		if !x86MSB(buf[i+4]) {
			x.prevMask = x.prevMask<<1 | 1
			continue
		}
		src := binary.LittleEndian.Uint32(buf[i+1:])
		var dest uint32
		for {
			dest = src - (x.start + uint32(at) + 5)
			if x.prevMask == 0 {
				break
			}
			j := x86MaskBit[x.prevMask] * 8
			if !x86MSB(byte(dest >> (24 - j))) {
				break
			}
			src = dest ^ (1<<(32-j) - 1)
		}
		dest &= 0x01ffffff
		dest |= -(dest & 0x01000000) // sign-extend bit 24 into the top byte
		binary.LittleEndian.PutUint32(buf[i+1:], dest)
		i += 4
	}
	if final {
		i = len(buf)
	}
	x.pos += int64(i)
	return i
}

// deltaDecoder undoes the delta filter: each byte was stored as its
// difference from the byte dist positions earlier (the first dist bytes
// from zero).
type deltaDecoder struct {
	dist int
	hist [256]byte // the last 256 decoded bytes, hist[pos&255] the newest
	pos  uint8
}

func (d *deltaDecoder) decode(buf []byte, final bool) int {
	for i := range buf {
		d.pos++
		b := buf[i] + d.hist[uint8(int(d.pos)-d.dist)]
		d.hist[d.pos] = b
		buf[i] = b
	}
	return len(buf)
}
