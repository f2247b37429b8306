package image

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/ulikunitz/xz/lzma"
)

// The x86 kernel build compresses with "xz --check=crc32 --x86 --lzma2=..."
// (scripts/xz_wrap.sh): one block whose filter chain is the x86 BCJ filter
// followed by LZMA2. github.com/ulikunitz/xz decodes only plain LZMA2 chains,
// so such a stream is taken apart here: the block header per the .xz file
// format (tukaani.org xz-file-format, sections 2.1 and 3.1), the LZMA2 data
// through lzma.Reader2, and the BCJ filter undone by bcjX86Decode.

const (
	xzFilterX86   = 0x04
	xzFilterLZMA2 = 0x21
)

// xzBlock is the part of the first block header that decoding needs.
type xzBlock struct {
	dataOff int    // offset of the compressed data in the stream
	dictCap int    // LZMA2 dictionary size
	bcjX86  bool   // an x86 BCJ filter precedes LZMA2
	bcjPos  uint32 // the BCJ start offset property
}

func parseXZBlock(p []byte) (*xzBlock, error) {
	if len(p) < 13 {
		return nil, fmt.Errorf("xz stream of %d bytes: no block header", len(p))
	}
	if p[12] == 0 {
		return nil, fmt.Errorf("xz stream has no block (index indicator at offset 12)")
	}
	hsize := (int(p[12]) + 1) * 4
	if 12+hsize > len(p) {
		return nil, fmt.Errorf("xz block header of %d bytes at offset 12 runs past the end", hsize)
	}
	h := p[12 : 12+hsize]
	flags := h[1]
	if flags&0x3c != 0 {
		return nil, fmt.Errorf("xz block flags %#02x at offset 13: reserved bits set", flags)
	}
	r := bytes.NewReader(h[2 : hsize-4])
	if flags&0x40 != 0 { // compressed size
		if _, err := binary.ReadUvarint(r); err != nil {
			return nil, fmt.Errorf("xz block header: compressed size: %w", err)
		}
	}
	if flags&0x80 != 0 { // uncompressed size
		if _, err := binary.ReadUvarint(r); err != nil {
			return nil, fmt.Errorf("xz block header: uncompressed size: %w", err)
		}
	}
	b := &xzBlock{dataOff: 12 + hsize}
	n := int(flags&3) + 1
	for i := range n {
		id, err1 := binary.ReadUvarint(r)
		psize, err2 := binary.ReadUvarint(r)
		if err1 != nil || err2 != nil || psize > uint64(r.Len()) {
			return nil, fmt.Errorf("xz block header: filter %d: truncated", i)
		}
		props := make([]byte, psize)
		_, _ = io.ReadFull(r, props)
		last := i == n-1
		switch {
		case id == xzFilterX86 && !last && (psize == 0 || psize == 4):
			b.bcjX86 = true
			if psize == 4 {
				b.bcjPos = binary.LittleEndian.Uint32(props)
			}
		case id == xzFilterLZMA2 && last && psize == 1:
			d := props[0]
			if d > 40 {
				return nil, fmt.Errorf("xz LZMA2 dictionary property %d, want at most 40", d)
			}
			if d == 40 {
				b.dictCap = 1<<32 - 1
			} else {
				b.dictCap = (2 | int(d&1)) << (d/2 + 11)
			}
		default:
			return nil, fmt.Errorf("%w: xz filter %#x in position %d of %d", ErrUnsupportedCompression, id, i+1, n)
		}
	}
	if b.dictCap == 0 {
		return nil, fmt.Errorf("%w: xz filter chain without LZMA2", ErrUnsupportedCompression)
	}
	return b, nil
}

// decodeXZBCJ decodes the first block of an xz stream whose chain is x86 BCJ
// + LZMA2. Integrity checks are not verified: the size trailer and the ELF
// parse that follows catch a corrupt kernel.
func decodeXZBCJ(p []byte, b *xzBlock, hint int) ([]byte, error) {
	r, err := lzma.Reader2Config{DictCap: max(min(b.dictCap, MaxDecompressed), lzma.MinDictCap)}.NewReader2(bytes.NewReader(p[b.dataOff:]))
	if err != nil {
		return nil, fmt.Errorf("xz LZMA2 data at offset %d: %w", b.dataOff, err)
	}
	var buf bytes.Buffer
	buf.Grow(hint)
	n, err := io.Copy(&buf, io.LimitReader(r, MaxDecompressed+1))
	if err != nil {
		return nil, fmt.Errorf("xz LZMA2 data at offset %d: %w", b.dataOff, err)
	}
	if n > MaxDecompressed {
		return nil, fmt.Errorf("%w: over %d bytes", ErrTooLarge, MaxDecompressed)
	}
	out := buf.Bytes()
	bcjX86Decode(out, b.bcjPos)
	return out, nil
}

// bcjX86Decode undoes the x86 BCJ filter in place over a whole buffer that
// starts at stream position pos: CALL (E8) and JMP (E9) operands that the
// encoder turned from relative into absolute are turned back. It mirrors
// xz-embedded's xz_dec_bcj.c: bcj_x86, run once over all the data.
func bcjX86Decode(buf []byte, pos uint32) {
	maskAllowed := [8]bool{true, true, true, false, true, false, false, false}
	maskBit := [8]uint32{0, 1, 2, 2, 3, 3, 3, 3}
	msb := func(b byte) bool { return b == 0x00 || b == 0xff }
	if len(buf) <= 4 {
		return
	}
	size := len(buf) - 4
	prevPos := -1
	var prevMask uint32
	for i := 0; i < size; i++ {
		if buf[i]&0xfe != 0xe8 {
			continue
		}
		d := i - prevPos
		if d > 3 {
			prevMask = 0
		} else {
			prevMask = (prevMask << (d - 1)) & 7
			if prevMask != 0 {
				b := buf[i+4-int(maskBit[prevMask])]
				if !maskAllowed[prevMask] || msb(b) {
					prevPos = i
					prevMask = prevMask<<1 | 1
					continue
				}
			}
		}
		prevPos = i
		if !msb(buf[i+4]) {
			prevMask = prevMask<<1 | 1
			continue
		}
		src := binary.LittleEndian.Uint32(buf[i+1:])
		var dest uint32
		for {
			dest = src - (pos + uint32(i) + 5)
			if prevMask == 0 {
				break
			}
			j := maskBit[prevMask] * 8
			if !msb(byte(dest >> (24 - j))) {
				break
			}
			src = dest ^ (1<<(32-j) - 1)
		}
		dest &= 0x01ffffff
		dest |= -(dest & 0x01000000)
		binary.LittleEndian.PutUint32(buf[i+1:], dest)
		i += 4
	}
}
