package xz

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"hash/crc32"
	"hash/crc64"
)

// The container, as "The .xz File Format" 1.0.0 (Lasse Collin, Igor Pavlov;
// tukaani.org/xz/xz-file-format.txt) defines it. Section numbers below are
// that document's.

const (
	headerSize = 12 // stream header and stream footer (2.1.1, 2.1.2)

	filterDelta = 0x03
	filterX86   = 0x04
	filterLZMA2 = 0x21

	checkNone   = 0x00
	checkCRC32  = 0x01
	checkCRC64  = 0x04
	checkSHA256 = 0x0a

	maxVLI = 1<<63 - 1
)

var (
	headerMagic = []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}
	footerMagic = []byte{'Y', 'Z'}
	crc64Table  = crc64.MakeTable(crc64.ECMA)
)

// checkSize is the size of a Check field by its ID (2.1.1.2): the reserved
// IDs have sizes too, so a decoder can skip a check it does not know.
func checkSize(id byte) int {
	switch {
	case id == 0:
		return 0
	case id <= 3:
		return 4
	case id <= 6:
		return 8
	case id <= 9:
		return 16
	case id <= 12:
		return 32
	default:
		return 64
	}
}

var checkNames = map[byte]string{checkNone: "none", checkCRC32: "CRC32", checkCRC64: "CRC64", checkSHA256: "SHA-256"}

// checker computes a block's check as its data streams by.
type checker struct {
	id  byte
	c32 uint32
	c64 uint64
	sha hash.Hash
}

func (c *checker) reset(id byte) {
	c.id, c.c32, c.c64 = id, 0, 0
	if id == checkSHA256 {
		if c.sha == nil {
			c.sha = sha256.New()
		}
		c.sha.Reset()
	}
}

func (c *checker) write(p []byte) {
	switch c.id {
	case checkCRC32:
		c.c32 = crc32.Update(c.c32, crc32.IEEETable, p)
	case checkCRC64:
		c.c64 = crc64.Update(c.c64, crc64Table, p)
	case checkSHA256:
		c.sha.Write(p)
	}
}

// sum appends the check as the Check field stores it (little-endian CRCs).
func (c *checker) sum(dst []byte) []byte {
	switch c.id {
	case checkCRC32:
		return binary.LittleEndian.AppendUint32(dst, c.c32)
	case checkCRC64:
		return binary.LittleEndian.AppendUint64(dst, c.c64)
	case checkSHA256:
		return c.sha.Sum(dst)
	}
	return dst
}

// sumCheck computes the check of a whole buffer; the CRCs avoid a hash.Hash.
func sumCheck(id byte, p []byte, dst []byte) []byte {
	switch id {
	case checkCRC32:
		return binary.LittleEndian.AppendUint32(dst, crc32.ChecksumIEEE(p))
	case checkCRC64:
		return binary.LittleEndian.AppendUint64(dst, crc64.Checksum(p, crc64Table))
	case checkSHA256:
		s := sha256.Sum256(p)
		return append(dst, s[:]...)
	}
	return dst
}

// streamFlags parses the two Stream Flags bytes (2.1.1.2) and returns the
// check ID.
func streamFlags(off int64, f []byte) (byte, error) {
	if f[0] != 0 || f[1]&0xf0 != 0 {
		return 0, errAt(off, ErrUnsupported, "stream flags %02x %02x: reserved bits set", f[0], f[1])
	}
	id := f[1] & 0x0f
	if _, ok := checkNames[id]; !ok {
		return 0, errAt(off, ErrUnsupported, "check type %#x (reserved)", id)
	}
	return id, nil
}

// parseStreamHeader validates a 12-byte stream header and returns the check ID.
func parseStreamHeader(off int64, h []byte) (byte, error) {
	if len(h) < headerSize {
		return 0, errAt(off, ErrTruncated, "stream header: %d of 12 bytes", len(h))
	}
	if !bytes.Equal(h[:6], headerMagic) {
		return 0, errAt(off, ErrFormat, "stream header magic % x, want fd 37 7a 58 5a 00", h[:6])
	}
	if crc32.ChecksumIEEE(h[6:8]) != binary.LittleEndian.Uint32(h[8:12]) {
		return 0, errAt(off, ErrFormat, "stream header CRC32 mismatch")
	}
	return streamFlags(off+6, h[6:8])
}

// footer is a parsed stream footer.
type footer struct {
	indexSize int64 // Backward Size: the size of the index field
	flags     [2]byte
}

func parseStreamFooter(off int64, f []byte) (footer, error) {
	if len(f) < headerSize {
		return footer{}, errAt(off, ErrTruncated, "stream footer: %d of 12 bytes", len(f))
	}
	if !bytes.Equal(f[10:12], footerMagic) {
		return footer{}, errAt(off, ErrFormat, "stream footer magic % x, want 59 5a", f[10:12])
	}
	if crc32.ChecksumIEEE(f[4:10]) != binary.LittleEndian.Uint32(f[0:4]) {
		return footer{}, errAt(off, ErrFormat, "stream footer CRC32 mismatch")
	}
	if _, err := streamFlags(off+8, f[8:10]); err != nil {
		return footer{}, err
	}
	return footer{indexSize: (int64(binary.LittleEndian.Uint32(f[4:8])) + 1) * 4, flags: [2]byte{f[8], f[9]}}, nil
}

// uvarint decodes a multibyte integer (1.2): at most 9 bytes, 63 bits,
// and no superfluous trailing zero byte. n is 0 when p ends first, -1 when
// the encoding is invalid.
func uvarint(p []byte) (v uint64, n int) {
	for i := 0; i < 9; i++ {
		if i >= len(p) {
			return 0, 0
		}
		b := p[i]
		if i > 0 && b == 0 {
			return 0, -1
		}
		v |= uint64(b&0x7f) << (7 * i)
		if b&0x80 == 0 {
			return v, i + 1
		}
	}
	return 0, -1
}

// filter is one entry of a block's filter chain (3.1.5).
type filter struct {
	id    uint64
	props []byte
}

// blockHeader is a parsed block header (3.1).
type blockHeader struct {
	size         int   // of the header itself, a multiple of 4
	compressed   int64 // -1 when absent
	uncompressed int64 // -1 when absent
	dictSize     uint32
	filters      []filter // non-last filters, in header order; LZMA2 is implied last
}

// parseBlockHeader parses the block header at the start of p, which begins
// at input offset off; the first byte is known not to be 0 (the index
// indicator). The whole header must be in p.
func parseBlockHeader(off int64, p []byte) (*blockHeader, error) {
	size := (int(p[0]) + 1) * 4
	if len(p) < size {
		return nil, errAt(off, ErrTruncated, "block header of %d bytes, %d left", size, len(p))
	}
	h := p[:size]
	if crc32.ChecksumIEEE(h[:size-4]) != binary.LittleEndian.Uint32(h[size-4:]) {
		return nil, errAt(off, ErrFormat, "block header CRC32 mismatch")
	}
	flags := h[1]
	if flags&0x3c != 0 {
		return nil, errAt(off+1, ErrUnsupported, "block flags %#02x: reserved bits set", flags)
	}
	b := &blockHeader{size: size, compressed: -1, uncompressed: -1}
	i := 2
	field := func(name string) (int64, error) {
		v, n := uvarint(h[i : size-4])
		if n <= 0 || v > maxVLI {
			return 0, errAt(off+int64(i), ErrFormat, "block header: bad %s", name)
		}
		i += n
		return int64(v), nil
	}
	var err error
	if flags&0x40 != 0 {
		if b.compressed, err = field("compressed size"); err != nil {
			return nil, err
		}
		if b.compressed == 0 {
			return nil, errAt(off+2, ErrFormat, "block header: compressed size 0")
		}
	}
	if flags&0x80 != 0 {
		if b.uncompressed, err = field("uncompressed size"); err != nil {
			return nil, err
		}
	}
	n := int(flags&3) + 1
	for k := range n {
		at := off + int64(i)
		id, err := field("filter ID")
		if err != nil {
			return nil, err
		}
		psize, err := field("filter properties size")
		if err != nil {
			return nil, err
		}
		if psize > int64(size-4-i) {
			return nil, errAt(at, ErrFormat, "filter %d properties run past the header", k+1)
		}
		props := h[i : i+int(psize)]
		i += int(psize)
		last := k == n-1
		switch {
		case uint64(id) == filterLZMA2 && last:
			if len(props) != 1 || props[0]&0xc0 != 0 || props[0] > 40 {
				return nil, errAt(at, ErrUnsupported, "LZMA2 properties % x", props)
			}
			b.dictSize = dictSize(props[0])
		case uint64(id) == filterX86 && !last:
			if len(props) != 0 && len(props) != 4 {
				return nil, errAt(at, ErrFormat, "x86 BCJ properties of %d bytes, want 0 or 4", len(props))
			}
			b.filters = append(b.filters, filter{uint64(id), props})
		case uint64(id) == filterDelta && !last:
			if len(props) != 1 {
				return nil, errAt(at, ErrFormat, "delta properties of %d bytes, want 1", len(props))
			}
			b.filters = append(b.filters, filter{uint64(id), props})
		case last:
			return nil, errAt(at, ErrUnsupported, "last filter %s, want LZMA2 (0x21)", filterName(uint64(id)))
		default:
			return nil, errAt(at, ErrUnsupported, "filter %s in position %d of %d (only x86 BCJ and delta before LZMA2 are decoded)", filterName(uint64(id)), k+1, n)
		}
	}
	for ; i < size-4; i++ {
		if h[i] != 0 {
			return nil, errAt(off+int64(i), ErrFormat, "block header padding byte %#02x, want 0", h[i])
		}
	}
	return b, nil
}

// filterName names a filter ID as "0x5 (PowerPC BCJ)" (.xz format 5.3;
// ARM64 and RISC-V are XZ Utils 5.4 and 5.6 additions).
func filterName(id uint64) string {
	names := map[uint64]string{
		0x03: "delta", 0x04: "x86 BCJ", 0x05: "PowerPC BCJ", 0x06: "IA-64 BCJ", 0x07: "ARM BCJ",
		0x08: "ARM-Thumb BCJ", 0x09: "SPARC BCJ", 0x0a: "ARM64 BCJ", 0x0b: "RISC-V BCJ", 0x21: "LZMA2",
	}
	if n, ok := names[id]; ok {
		return fmt.Sprintf("%#x (%s)", id, n)
	}
	return fmt.Sprintf("%#x", id)
}

// dictSize decodes the LZMA2 dictionary size property (5.3.1).
func dictSize(p byte) uint32 {
	if p == 40 {
		return 1<<32 - 1
	}
	return (2 | uint32(p)&1) << (p/2 + 11)
}

// record is one index record (4.3).
type record struct {
	unpadded     int64
	uncompressed int64
}

// parseIndex parses a whole index field (4), which starts at input offset
// off with the indicator byte.
func parseIndex(off int64, p []byte) ([]record, error) {
	if len(p) < 8 || p[0] != 0 {
		return nil, errAt(off, ErrFormat, "index: no index indicator")
	}
	body := p[:len(p)-4]
	if crc32.ChecksumIEEE(body) != binary.LittleEndian.Uint32(p[len(p)-4:]) {
		return nil, errAt(off, ErrFormat, "index CRC32 mismatch")
	}
	i := 1
	count, n := uvarint(body[i:])
	if n <= 0 {
		return nil, errAt(off+1, ErrFormat, "index: bad number of records")
	}
	i += n
	// Each record takes at least 2 bytes: this bounds the allocation.
	if count > uint64(len(body)-i)/2 {
		return nil, errAt(off+1, ErrFormat, "index: %d records in %d bytes", count, len(body)-i)
	}
	recs := make([]record, count)
	for k := range recs {
		u, n1 := uvarint(body[i:])
		if n1 <= 0 || u == 0 || u > maxVLI {
			return nil, errAt(off+int64(i), ErrFormat, "index record %d: bad unpadded size", k+1)
		}
		i += n1
		c, n2 := uvarint(body[i:])
		if n2 <= 0 || c > maxVLI {
			return nil, errAt(off+int64(i), ErrFormat, "index record %d: bad uncompressed size", k+1)
		}
		i += n2
		recs[k] = record{int64(u), int64(c)}
	}
	if pad := len(body) - i; pad > 3 || (i+pad)%4 != 0 {
		return nil, errAt(off+int64(i), ErrFormat, "index: %d bytes after the records, want 0-3 bytes of padding", pad)
	}
	for ; i < len(body); i++ {
		if body[i] != 0 {
			return nil, errAt(off+int64(i), ErrFormat, "index padding byte %#02x, want 0", body[i])
		}
	}
	return recs, nil
}

// pad4 rounds n up to a multiple of 4.
func pad4(n int64) int64 { return (n + 3) &^ 3 }
