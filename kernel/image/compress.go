package image

import (
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"

	"sysweight/internal/xz"
)

// Compression is the format of a kernel payload.
type Compression int

const (
	CompressionUnknown Compression = iota
	CompressionNone                // already an ELF
	CompressionGzip
	CompressionBzip2
	CompressionLZMA
	CompressionXZ
	CompressionLZO
	CompressionLZ4
	CompressionZstd
)

var compressionNames = [...]string{"unknown", "none", "gzip", "bzip2", "lzma", "xz", "lzo", "lz4", "zstd"}

func (c Compression) String() string {
	if int(c) < len(compressionNames) {
		return compressionNames[c]
	}
	return fmt.Sprintf("Compression(%d)", int(c))
}

var (
	// ErrUnknownCompression means the payload starts with no known magic.
	ErrUnknownCompression = errors.New("unknown compression")
	// ErrUnsupportedCompression means the format is known but not decoded
	// here (LZO, xz with a BCJ filter for another architecture).
	ErrUnsupportedCompression = errors.New("unsupported compression")
	// ErrTooLarge means the output would pass MaxDecompressed.
	ErrTooLarge = errors.New("decompressed kernel too large")
)

// MaxDecompressed bounds any decompressed payload; real x86-64 vmlinux files
// without debug info are 30-80 MiB.
const MaxDecompressed = 1 << 30

// Magic numbers as the kernel's own decompressors test them
// (lib/decompress.c: compressed_formats).
var magics = []struct {
	magic []byte
	c     Compression
}{
	{[]byte{0x1f, 0x8b}, CompressionGzip},
	{[]byte{0x1f, 0x9e}, CompressionGzip},
	{[]byte("BZh"), CompressionBzip2},
	{[]byte{0x5d, 0x00, 0x00}, CompressionLZMA},
	{[]byte{0xfd, '7', 'z', 'X', 'Z', 0x00}, CompressionXZ},
	{[]byte{0x89, 'L', 'Z', 'O', 0x00, '\r', '\n', 0x1a, '\n'}, CompressionLZO},
	{[]byte{0x02, 0x21, 0x4c, 0x18}, CompressionLZ4},
	{[]byte{0x28, 0xb5, 0x2f, 0xfd}, CompressionZstd},
	{[]byte{0x7f, 'E', 'L', 'F'}, CompressionNone},
}

// DetectCompression names the format of p by its leading magic bytes.
func DetectCompression(p []byte) Compression {
	for _, m := range magics {
		if bytes.HasPrefix(p, m.magic) {
			return m.c
		}
	}
	return CompressionUnknown
}

// Decompress decodes a kernel payload by its magic. Kernel builds append the
// uncompressed size as 4 little-endian bytes (scripts/Makefile.lib:
// size_append) for every format but gzip; it is used when it is plausible and
// otherwise ignored.
func Decompress(p []byte) ([]byte, Compression, error) {
	c := DetectCompression(p)
	var out []byte
	var err error
	switch c {
	case CompressionNone:
		return p, c, nil
	case CompressionUnknown:
		n := min(len(p), 8)
		return nil, c, fmt.Errorf("%w: magic % x at payload offset 0", ErrUnknownCompression, p[:n])
	case CompressionLZO:
		return nil, c, fmt.Errorf("%w: lzo", ErrUnsupportedCompression)
	case CompressionLZ4:
		out, err = unlz4Legacy(p)
	case CompressionXZ, CompressionLZMA:
		out, err = decodeXZ(c, p)
	default:
		// The trailer only sizes the output buffer, bounded so that a
		// lying one cannot make us allocate much.
		hint, _ := sizeTrailer(p)
		hint = min(hint, 64*len(p))
		out, err = decodeStream(c, p, hint)
		if err != nil && len(p) > 4 && !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrUnsupportedCompression) {
			// Some decoders reject the size trailer as a second stream.
			if out2, err2 := decodeStream(c, p[:len(p)-4], hint); err2 == nil {
				out, err = out2, nil
			}
		}
	}
	if err != nil {
		return nil, c, fmt.Errorf("decompressing %s payload: %w", c, err)
	}
	if len(out) == 0 {
		return nil, c, fmt.Errorf("decompressing %s payload: empty output", c)
	}
	return out, c, nil
}

func decodeStream(c Compression, p []byte, hint int) ([]byte, error) {
	var r io.Reader
	switch c {
	case CompressionGzip:
		gz, err := gzip.NewReader(bytes.NewReader(p))
		if err != nil {
			return nil, err
		}
		gz.Multistream(false)
		r = gz
	case CompressionBzip2:
		r = bzip2.NewReader(bytes.NewReader(p))
	case CompressionZstd:
		// The stream allocates twice the window a frame header names,
		// so bound it by what the kernel build writes: zstd -22 --ultra
		// from a pipe (scripts/Makefile.lib: cmd_zstd22), a 2^27 window.
		zr, err := zstd.NewReader(bytes.NewReader(p), zstd.WithDecoderMaxMemory(MaxDecompressed),
			zstd.WithDecoderMaxWindow(1<<27), zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		r = zr
	default:
		return nil, fmt.Errorf("%w: %s", ErrUnsupportedCompression, c)
	}
	var buf bytes.Buffer
	buf.Grow(hint)
	n, err := io.Copy(&buf, io.LimitReader(r, MaxDecompressed+1))
	if err != nil {
		return nil, err
	}
	if n > MaxDecompressed {
		return nil, fmt.Errorf("%w: over %d bytes", ErrTooLarge, MaxDecompressed)
	}
	return buf.Bytes(), nil
}

// decodeXZ decodes an xz or legacy lzma payload with internal/xz. The x86
// kernel build compresses with "xz --check=crc32 --x86 --lzma2=..."
// (scripts/xz_wrap.sh); the x86 BCJ filter is decoded, other architectures'
// are ErrUnsupportedCompression. What follows the stream (the size trailer)
// is ignored.
func decodeXZ(c Compression, p []byte) ([]byte, error) {
	cfg := xz.Config{SingleStream: true, MaxOutput: MaxDecompressed}
	var out []byte
	var err error
	if c == CompressionXZ {
		out, err = cfg.Decode(p)
	} else {
		out, err = cfg.DecodeLZMA(p)
	}
	switch {
	case errors.Is(err, xz.ErrUnsupported):
		return nil, fmt.Errorf("%w: %v", ErrUnsupportedCompression, err)
	case errors.Is(err, xz.ErrTooLarge):
		return nil, fmt.Errorf("%w: %v", ErrTooLarge, err)
	}
	return out, err
}

// sizeTrailer returns the size_append trailer if it is plausible.
func sizeTrailer(p []byte) (int, bool) {
	if len(p) < 8 {
		return 0, false
	}
	n := int(binary.LittleEndian.Uint32(p[len(p)-4:]))
	if n < len(p)-4 || n > MaxDecompressed {
		return 0, false
	}
	return n, true
}

const (
	lz4LegacyMagic = 0x184c2102
	lz4LegacyBlock = 8 << 20 // blocks of "lz4 -l" decompress to at most 8 MiB
)

// unlz4Legacy decodes the LZ4 legacy frame that the kernel build writes with
// "lz4 -l": a magic, then blocks of [u32 compressed size][data], each at most
// 8 MiB decompressed, ended by the input; the size trailer follows. Mirrors
// lib/decompress_unlz4.c, which also skips a repeated magic.
func unlz4Legacy(p []byte) ([]byte, error) {
	want, known := sizeTrailer(p)
	// An LZ4 sequence expands at most ~255 times; bound allocations by it
	// so that a lying trailer cannot make us allocate a gigabyte.
	out := make([]byte, 0, min(want, 255*len(p))+min(lz4LegacyBlock, 255*len(p)))
	pos := 4
	trailer := false
	for pos+4 <= len(p) {
		if pos+4 == len(p) {
			trailer = true // the size trailer
			break
		}
		n := int(binary.LittleEndian.Uint32(p[pos:]))
		if n == lz4LegacyMagic {
			pos += 4
			continue
		}
		if n == 0 || n > len(p)-pos-4 {
			return nil, fmt.Errorf("lz4 block at offset %d: size %d but %d bytes left", pos, n, len(p)-pos-4)
		}
		room := min(lz4LegacyBlock, 255*n+64)
		if len(out)+room > MaxDecompressed {
			return nil, fmt.Errorf("%w: over %d bytes", ErrTooLarge, MaxDecompressed)
		}
		if cap(out)-len(out) < room {
			grown := make([]byte, len(out), 2*cap(out)+room)
			copy(grown, out)
			out = grown
		}
		k, err := lz4.UncompressBlock(p[pos+4:pos+4+n], out[len(out):len(out)+room])
		if err != nil {
			return nil, fmt.Errorf("lz4 block at offset %d: %w", pos, err)
		}
		out = out[:len(out)+k]
		pos += 4 + n
	}
	if pos < len(p) && !trailer {
		return nil, fmt.Errorf("lz4: %d stray bytes at offset %d", len(p)-pos, pos)
	}
	if trailer && known && len(out) != want {
		return nil, fmt.Errorf("lz4: decoded %d bytes, size trailer says %d", len(out), want)
	}
	return out, nil
}
