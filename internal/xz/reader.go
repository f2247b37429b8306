package xz

import (
	"bufio"
	"bytes"
	"hash/crc32"
	"io"

	"sysweight/internal/bigbuf"
)

// Reader decodes .xz streams front to back from an io.Reader, one LZMA2
// chunk (at most 2 MiB of output) at a time. It keeps a window of the
// block's dictionary size plus half of it again (at least 4 MiB), less when
// the block header gives a smaller uncompressed size, and verifies every
// check, block size and index record as it reaches them. Data is returned
// before its block's check is verified; a mismatch is the error that ends
// the stream.
type Reader struct {
	cfg Config
	br  *bufio.Reader
	off int64 // input offset of the next byte br returns
	err error // sticky: io.EOF after the last stream

	stream  int // 1-based
	check   byte
	flags   [2]byte
	records []record // of the blocks of the current stream, for its index

	inBlock  bool
	blockNum int
	blockOff int64
	dataOff  int64 // of the block's compressed data
	hdr      *blockHeader
	lz       lzma2Decoder
	filters  []filterDecoder
	fdone    []int // per filter: stage[:fdone[k]] went through filter k
	sum      checker
	usize    int64 // decoded bytes of this block
	total    int64 // decoded bytes of all blocks

	win    []byte // the LZMA2 dictionary; win[:wpos] decoded
	wpos   int
	winMax int
	stage  []byte // the block's data between LZMA2 and the last filter
	ready  []byte // decoded data not yet returned by Read
	one    [1]byte
	sumBuf [64]byte
}

// NewReader reads the first stream header from r and returns a Reader with
// the zero Config.
func NewReader(r io.Reader) (*Reader, error) { return Config{}.NewReader(r) }

// NewReader reads the first stream header from r and returns a Reader. It
// reads r through a buffer, so it may read past the end of the xz data.
func (c Config) NewReader(r io.Reader) (*Reader, error) {
	xr := &Reader{cfg: c, br: bufio.NewReaderSize(r, 1<<17)}
	if err := xr.streamHeader(); err != nil {
		return nil, err
	}
	return xr, nil
}

// Read reads decoded data.
func (r *Reader) Read(p []byte) (int, error) {
	for len(r.ready) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		if r.err = r.step(); r.err != nil && r.err != io.EOF {
			r.ready = nil
		}
	}
	n := copy(p, r.ready)
	r.ready = r.ready[n:]
	return n, nil
}

// step decodes the next structure: a block header, an LZMA2 chunk, the end
// of a block, or an index with its footer and what follows.
func (r *Reader) step() error {
	if r.inBlock {
		return r.chunk()
	}
	p, err := r.peek(1, "block header or index")
	if err != nil {
		return err
	}
	if p[0] == 0 {
		return r.index()
	}
	return r.blockHeader()
}

// peek returns the next n input bytes without consuming them.
func (r *Reader) peek(n int, what string) ([]byte, error) {
	p, err := r.br.Peek(n)
	if len(p) == n {
		return p, nil
	}
	if err == nil || err == io.EOF || err == io.ErrUnexpectedEOF {
		return nil, errAt(r.off, ErrTruncated, "%s: input ends after %d of %d bytes", what, len(p), n)
	}
	return nil, &Error{Offset: r.off, What: "reading " + what, Err: err}
}

func (r *Reader) skip(n int) {
	_, _ = r.br.Discard(n)
	r.off += int64(n)
}

// fail places an error inside the current block.
func (r *Reader) fail(err *Error) *Error {
	err.Block = r.blockNum
	if r.stream > 1 {
		err.What = "stream " + itoa(r.stream) + ": " + err.What
	}
	return err
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

func (r *Reader) streamHeader() error {
	p, err := r.peek(headerSize, "stream header")
	if err != nil {
		return err
	}
	check, err := parseStreamHeader(r.off, p)
	if err != nil {
		return err
	}
	r.stream++
	r.check = check
	r.flags = [2]byte{p[6], p[7]}
	r.blockNum = 0
	r.records = r.records[:0]
	r.skip(headerSize)
	return nil
}

func (r *Reader) blockHeader() error {
	r.blockNum++
	p, _ := r.peek(1, "block header")
	p, err := r.peek((int(p[0])+1)*4, "block header")
	if err != nil {
		return r.fail(err.(*Error))
	}
	h, err := parseBlockHeader(r.off, p)
	if err != nil {
		return r.fail(err.(*Error))
	}
	if int64(h.dictSize) > r.cfg.maxDict() {
		return r.fail(errAt(r.off, ErrTooLarge, "LZMA2 dictionary of %d bytes, the limit is %d", h.dictSize, r.cfg.maxDict()))
	}
	r.blockOff = r.off
	r.skip(h.size)
	r.dataOff = r.off
	r.hdr = h
	r.inBlock = true
	r.usize = 0
	r.lz.init(h.dictSize)
	r.sum.reset(r.check)
	r.filters = r.filters[:0]
	r.fdone = r.fdone[:0]
	for _, f := range h.filters {
		r.filters = append(r.filters, newFilterDecoder(f))
		r.fdone = append(r.fdone, 0)
	}
	r.stage = r.stage[:0]
	r.wpos = 0
	r.winMax = int(h.dictSize) + max(int(h.dictSize)/2, 4<<20)
	if h.uncompressed >= 0 {
		// The header gives the size: allocate once what the block
		// will use.
		r.winMax = int(min(h.uncompressed, int64(r.winMax)))
		if len(r.win) < r.winMax {
			r.win = bigbuf.Make(r.winMax)
		}
	}
	return nil
}

// chunk decodes the next LZMA2 chunk of the current block.
func (r *Reader) chunk() error {
	at := r.off
	p, err := r.peek(1, "LZMA2 chunk header")
	if err != nil {
		return r.fail(err.(*Error))
	}
	hs := chunkHeaderSize(p[0])
	if hs == 0 {
		return r.fail(errAt(at, ErrCorrupt, "LZMA2 control byte %#02x", p[0]))
	}
	if p, err = r.peek(hs, "LZMA2 chunk header"); err != nil {
		return r.fail(err.(*Error))
	}
	h, _ := parseChunkHeader(p)
	if h.end() {
		r.skip(1)
		return r.endBlock()
	}
	if err := r.lz.begin(h); err != nil {
		return r.fail(errAt(at, ErrCorrupt, "%v", err))
	}
	if h.dictReset() {
		r.wpos = 0
	}
	switch {
	case r.hdr.uncompressed >= 0 && r.usize+int64(h.usize) > r.hdr.uncompressed:
		return r.fail(errAt(at, ErrFormat, "block decodes to more than the %d bytes its header gives", r.hdr.uncompressed))
	case r.hdr.compressed >= 0 && r.off+int64(hs+h.csize)-r.dataOff > r.hdr.compressed:
		return r.fail(errAt(at, ErrFormat, "block's compressed data runs past the %d bytes its header gives", r.hdr.compressed))
	case r.total+int64(h.usize) > r.cfg.maxOutput():
		return r.fail(errAt(at, ErrTooLarge, "output passes the limit of %d bytes", r.cfg.maxOutput()))
	}
	r.skip(hs)
	payload, err := r.peek(h.csize, "LZMA2 chunk")
	if err != nil {
		return r.fail(err.(*Error))
	}
	r.room(h.usize)
	start := r.wpos
	if r.wpos, err = r.lz.run(h, payload, r.win, r.wpos); err != nil {
		return r.fail(errAt(at, ErrCorrupt, "%v", err))
	}
	r.skip(h.csize)
	r.emit(r.win[start:r.wpos], false)
	return nil
}

// room makes space for n more bytes in the window: it grows the window up
// to winMax, then slides it, keeping the dictionary's worth of history.
// Slides move by multiples of 16 so that positions keep their low bits,
// which LZMA uses as context (pb, lp <= 4).
func (r *Reader) room(n int) {
	if r.wpos+n <= len(r.win) {
		return
	}
	if len(r.win) < r.winMax {
		size := min(r.winMax, max(2*len(r.win), r.wpos+n, 256<<10))
		if size >= r.wpos+n {
			w := bigbuf.Make(size)
			copy(w, r.win[:r.wpos])
			r.win = w
			return
		}
	}
	keep := min(int(r.lz.lz.dictSize), r.wpos)
	k := (r.wpos - keep) &^ 15
	copy(r.win, r.win[k:r.wpos])
	r.wpos -= k
}

// emit passes newly decoded bytes through the filters and makes what they
// finished ready to read; final flushes the filters at the end of a block.
func (r *Reader) emit(p []byte, final bool) {
	r.usize += int64(len(p))
	r.total += int64(len(p))
	if len(r.filters) == 0 {
		r.ready = p
	} else {
		// The previous ready bytes have been read: drop them.
		drop := r.fdone[0]
		n := copy(r.stage, r.stage[drop:])
		r.stage = append(r.stage[:n], p...)
		for k := range r.fdone {
			r.fdone[k] -= drop
		}
		for k := len(r.filters) - 1; k >= 0; k-- {
			hi := len(r.stage)
			if k < len(r.filters)-1 {
				hi = r.fdone[k+1]
			}
			r.fdone[k] += r.filters[k].decode(r.stage[r.fdone[k]:hi], final)
		}
		r.ready = r.stage[:r.fdone[0]]
	}
	r.sum.write(r.ready)
}

// endBlock finishes a block after its end-of-data chunk: it flushes the
// filters and verifies the sizes, the padding and the check.
func (r *Reader) endBlock() error {
	r.emit(nil, true)
	r.inBlock = false
	compressed := r.off - r.dataOff
	switch {
	case r.hdr.compressed >= 0 && compressed != r.hdr.compressed:
		return r.fail(errAt(r.dataOff, ErrFormat, "block's compressed data is %d bytes, its header gives %d", compressed, r.hdr.compressed))
	case r.hdr.uncompressed >= 0 && r.usize != r.hdr.uncompressed:
		return r.fail(errAt(r.dataOff, ErrFormat, "block decodes to %d bytes, its header gives %d", r.usize, r.hdr.uncompressed))
	}
	size := r.off - r.blockOff
	pad := int(pad4(size) - size)
	cs := checkSize(r.check)
	p, err := r.peek(pad+cs, "block padding and check")
	if err != nil {
		return r.fail(err.(*Error))
	}
	for i, b := range p[:pad] {
		if b != 0 {
			return r.fail(errAt(r.off+int64(i), ErrFormat, "block padding byte %#02x, want 0", b))
		}
	}
	if got, want := r.sum.sum(r.sumBuf[:0]), p[pad:]; !bytes.Equal(got, want) {
		return r.fail(errAt(r.off+int64(pad), ErrCheck, "%s of the decoded block is %x, the stored one %x", checkNames[r.check], got, want))
	}
	r.skip(pad + cs)
	r.records = append(r.records, record{unpadded: size + int64(cs), uncompressed: r.usize})
	return nil
}

// index reads and verifies the index against the blocks decoded, then the
// stream footer, then stream padding and the next stream's header.
func (r *Reader) index() error {
	start := r.off
	crc := uint32(0)
	byteAt := func() (byte, error) {
		b, err := r.br.ReadByte()
		if err != nil {
			if err == io.EOF {
				return 0, errAt(r.off, ErrTruncated, "index: input ends")
			}
			return 0, &Error{Offset: r.off, What: "reading the index", Err: err}
		}
		r.one[0] = b
		crc = crc32.Update(crc, crc32.IEEETable, r.one[:])
		r.off++
		return b, nil
	}
	vli := func(what string) (int64, error) {
		at := r.off
		var v uint64
		for i := 0; ; i++ {
			b, err := byteAt()
			if err != nil {
				return 0, err
			}
			if i == 9 || (i > 0 && b == 0) {
				return 0, errAt(at, ErrFormat, "index: bad %s", what)
			}
			v |= uint64(b&0x7f) << (7 * i)
			if b&0x80 == 0 {
				return int64(v), nil
			}
		}
	}
	if _, err := byteAt(); err != nil { // the indicator, known to be 0
		return err
	}
	n, err := vli("number of records")
	if err != nil {
		return err
	}
	if n != int64(len(r.records)) {
		return errAt(start, ErrFormat, "index lists %d blocks, the stream has %d", n, len(r.records))
	}
	for i, rec := range r.records {
		u, err := vli("unpadded size")
		if err != nil {
			return err
		}
		c, err := vli("uncompressed size")
		if err != nil {
			return err
		}
		if u != rec.unpadded || c != rec.uncompressed {
			return errAt(start, ErrFormat, "index record %d gives sizes %d/%d, block %d is %d/%d (unpadded/uncompressed)", i+1, u, c, i+1, rec.unpadded, rec.uncompressed)
		}
	}
	for (r.off-start)%4 != 0 {
		b, err := byteAt()
		if err != nil {
			return err
		}
		if b != 0 {
			return errAt(r.off-1, ErrFormat, "index padding byte %#02x, want 0", b)
		}
	}
	sum := crc
	p, err := r.peek(4+headerSize, "index CRC32 and stream footer")
	if err != nil {
		return err
	}
	if got := uint32(p[0]) | uint32(p[1])<<8 | uint32(p[2])<<16 | uint32(p[3])<<24; got != sum {
		return errAt(r.off, ErrFormat, "index CRC32 mismatch")
	}
	size := r.off + 4 - start
	f, err := parseStreamFooter(r.off+4, p[4:])
	if err != nil {
		return err
	}
	if f.indexSize != size {
		return errAt(r.off+8, ErrFormat, "stream footer gives an index of %d bytes, it is %d", f.indexSize, size)
	}
	if f.flags != r.flags {
		return errAt(r.off+12, ErrFormat, "stream footer flags differ from the header's")
	}
	r.skip(4 + headerSize)
	if r.cfg.SingleStream {
		return io.EOF
	}
	for {
		p, err := r.br.Peek(4)
		if len(p) == 0 && err == io.EOF {
			return io.EOF
		}
		if len(p) < 4 {
			if err != nil && err != io.EOF {
				return &Error{Offset: r.off, What: "reading after the stream", Err: err}
			}
			return errAt(r.off, ErrFormat, "%d bytes after the stream, want stream padding (null bytes in multiples of 4) or another stream", len(p))
		}
		if p[0]|p[1]|p[2]|p[3] != 0 {
			break
		}
		r.skip(4)
	}
	// Not padding: another stream must start here.
	if next, _ := r.br.Peek(len(headerMagic)); !bytes.HasPrefix(headerMagic, next) {
		return errAt(r.off, ErrFormat, "after stream %d: bytes % x are neither stream padding nor a stream header", r.stream, next)
	}
	return r.streamHeader()
}
