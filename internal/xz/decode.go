package xz

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"sysweight/internal/bigbuf"
)

// Limits that apply when a Config leaves them zero.
const (
	// DefaultMaxDict bounds the dictionary a block may ask for: xz's
	// largest preset uses 64 MiB and its encoder at most 1.5 GiB.
	DefaultMaxDict = 1536 << 20
	// DefaultMaxOutput bounds the decoded size.
	DefaultMaxOutput = 16 << 30
)

// Config sets limits and parallelism. The zero Config decodes every stream
// of the input with GOMAXPROCS workers and the default limits.
type Config struct {
	// SingleStream stops after the first stream and ignores what follows
	// it, as a decoder of an embedded stream should (a Linux kernel
	// appends its size to its xz payload).
	SingleStream bool
	// Workers is how many blocks Decode decodes at once; 0 means
	// GOMAXPROCS. The Reader always decodes one block at a time.
	Workers int
	// MaxDict is the largest dictionary accepted (DefaultMaxDict if 0).
	MaxDict int64
	// MaxOutput is the largest output accepted (DefaultMaxOutput if 0).
	MaxOutput int64
}

func (c Config) maxDict() int64   { return cmp.Or(c.MaxDict, DefaultMaxDict) }
func (c Config) maxOutput() int64 { return cmp.Or(c.MaxOutput, DefaultMaxOutput) }

// Decode decodes src, one or more concatenated .xz streams, with the zero
// Config.
func Decode(src []byte) ([]byte, error) { return Config{}.Decode(src) }

// Decode decodes src. When src parses from its end as whole streams (the
// stream footers and indexes locate every block, as "xz --list" finds them),
// the blocks are decoded in parallel straight into one output buffer of the
// size the indexes give, and every block is checked against its index
// record. Otherwise, and with SingleStream, src is decoded front to back by
// a Reader, so a truncated or damaged input gets the error of the place it
// goes wrong.
func (c Config) Decode(src []byte) ([]byte, error) {
	if !c.SingleStream {
		if blocks, total, err := locateBlocks(src); err == nil {
			return c.decodeBlocks(src, blocks, total)
		}
	}
	r, err := c.NewReader(bytes.NewReader(src))
	if err != nil {
		return nil, err
	}
	// The Reader enforces the output limit; ReadAll's is a backstop.
	return bigbuf.ReadAll(r, 4*len(src), c.maxOutput())
}

// blockLoc is where one block is, from its stream's index.
type blockLoc struct {
	off          int64 // of the block header in src
	stream       int   // 1-based
	num          int   // 1-based within the stream
	unpadded     int64
	uncompressed int64
	outOff       int64
	check        byte
}

// locateBlocks parses src backwards, stream footer → index → stream header,
// as the format allows (2.1.2), skipping stream padding. It returns the
// blocks in input order and the total uncompressed size, or an error when
// src is not a sequence of whole streams.
func locateBlocks(src []byte) ([]blockLoc, int64, error) {
	end := int64(len(src))
	if end%4 != 0 {
		return nil, 0, errors.New("size not a multiple of 4")
	}
	var streams [][]blockLoc
	for {
		padded := end
		for end >= 4 && src[end-1]|src[end-2]|src[end-3]|src[end-4] == 0 {
			end -= 4
		}
		if end == 0 {
			if padded > 0 || len(streams) == 0 {
				// Stream padding may follow streams, not lead them.
				return nil, 0, errors.New("no stream, or padding before the first")
			}
			break
		}
		if end < 2*headerSize {
			return nil, 0, errors.New("too short for a stream")
		}
		f, err := parseStreamFooter(end-headerSize, src[end-headerSize:end])
		if err != nil {
			return nil, 0, err
		}
		idxOff := end - headerSize - f.indexSize
		if idxOff < headerSize {
			return nil, 0, errors.New("index before the start")
		}
		recs, err := parseIndex(idxOff, src[idxOff:end-headerSize])
		if err != nil {
			return nil, 0, err
		}
		start := idxOff
		for _, r := range recs {
			if r.unpadded > start {
				return nil, 0, errors.New("blocks before the start")
			}
			start -= pad4(r.unpadded)
		}
		if start < headerSize {
			return nil, 0, errors.New("blocks before the start")
		}
		start -= headerSize
		check, err := parseStreamHeader(start, src[start:start+headerSize])
		if err != nil {
			return nil, 0, err
		}
		if src[start+6] != f.flags[0] || src[start+7] != f.flags[1] {
			return nil, 0, errors.New("stream header and footer flags differ")
		}
		blocks := make([]blockLoc, len(recs))
		off := start + headerSize
		for i, r := range recs {
			blocks[i] = blockLoc{off: off, num: i + 1, unpadded: r.unpadded, uncompressed: r.uncompressed, check: check}
			off += pad4(r.unpadded)
		}
		streams = append(streams, blocks)
		end = start
	}
	var all []blockLoc
	var total int64
	for i := len(streams) - 1; i >= 0; i-- {
		for _, b := range streams[i] {
			b.stream = len(streams) - i
			b.outOff = total
			if b.uncompressed > maxVLI-total {
				return nil, 0, errors.New("total size overflows")
			}
			total += b.uncompressed
			all = append(all, b)
		}
	}
	return all, total, nil
}

// decodeBlocks decodes located blocks in parallel into one buffer.
func (c Config) decodeBlocks(src []byte, blocks []blockLoc, total int64) ([]byte, error) {
	if total > c.maxOutput() {
		return nil, errAt(0, ErrTooLarge, "the indexes give %d bytes of output, the limit is %d", total, c.maxOutput())
	}
	out := bigbuf.Make(int(total))
	// Largest blocks first, so that one big block does not start last.
	order := make([]int, len(blocks))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(blocks[b].unpadded, blocks[a].unpadded) })
	workers := min(cmp.Or(c.Workers, runtime.GOMAXPROCS(0)), len(blocks))
	errs := make([]error, len(blocks))
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var d lzma2Decoder
			for !failed.Load() {
				k := int(next.Add(1) - 1)
				if k >= len(order) {
					return
				}
				i := order[k]
				b := &blocks[i]
				if err := c.decodeBlock(&d, src, b, out[b.outOff:b.outOff+b.uncompressed]); err != nil {
					errs[i] = err
					failed.Store(true)
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// decodeBlock decodes one located block into out, its exact size, and
// verifies its header against the index, its padding and its check.
func (c Config) decodeBlock(d *lzma2Decoder, src []byte, b *blockLoc, out []byte) error {
	place := func(err error) error {
		var e *Error
		if errors.As(err, &e) && e.Block == 0 {
			e.Block = b.num
			if b.stream > 1 {
				e.What = fmt.Sprintf("stream %d: %s", b.stream, e.What)
			}
		}
		return err
	}
	end := b.off + b.unpadded
	if src[b.off] == 0 {
		return place(errAt(b.off, ErrFormat, "index indicator where the index puts block %d", b.num))
	}
	h, err := parseBlockHeader(b.off, src[b.off:end])
	if err != nil {
		return place(err)
	}
	cs := checkSize(b.check)
	csize := b.unpadded - int64(h.size) - int64(cs)
	switch {
	case csize <= 0:
		return place(errAt(b.off, ErrFormat, "index record %d: unpadded size %d leaves no compressed data", b.num, b.unpadded))
	case h.compressed >= 0 && h.compressed != csize:
		return place(errAt(b.off, ErrFormat, "compressed size %d in the block header, %d in the index", h.compressed, csize))
	case h.uncompressed >= 0 && h.uncompressed != b.uncompressed:
		return place(errAt(b.off, ErrFormat, "uncompressed size %d in the block header, %d in the index", h.uncompressed, b.uncompressed))
	case int64(h.dictSize) > c.maxDict():
		return place(errAt(b.off, ErrTooLarge, "LZMA2 dictionary of %d bytes, the limit is %d", h.dictSize, c.maxDict()))
	}
	data := b.off + int64(h.size)
	d.init(h.dictSize)
	used, err := d.decodeFlat(data, src[data:data+csize], out)
	if err != nil {
		return place(err)
	}
	if int64(used) != csize {
		return place(errAt(data+int64(used), ErrFormat, "LZMA2 data ends %d bytes before the block's compressed size %d", csize-int64(used), csize))
	}
	for k := len(h.filters) - 1; k >= 0; k-- {
		newFilterDecoder(h.filters[k]).decode(out, true)
	}
	for p := data + csize; p < pad4(data+csize); p++ {
		if src[p] != 0 {
			return place(errAt(p, ErrFormat, "block padding byte %#02x, want 0", src[p]))
		}
	}
	if cs > 0 {
		at := pad4(data + csize)
		want := src[at : at+int64(cs)]
		if got := sumCheck(b.check, out, make([]byte, 0, 32)); !bytes.Equal(got, want) {
			return place(errAt(at, ErrCheck, "%s of the decoded block is %x, the stored one %x", checkNames[b.check], got, want))
		}
	}
	return nil
}
