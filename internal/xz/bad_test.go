package xz_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"strings"
	"testing"

	"sysweight/internal/xz"
)

// decodeBoth decodes src with Decode and with the Reader and returns both
// errors; it fails the test if either returns data along with an error.
func decodeBoth(t *testing.T, src []byte) (errDecode, errReader error) {
	t.Helper()
	out, errDecode := xz.Config{Workers: 2}.Decode(src)
	if errDecode != nil && out != nil {
		t.Errorf("Decode returned %d bytes and an error", len(out))
	}
	r, err := xz.NewReader(bytes.NewReader(src))
	if err != nil {
		return errDecode, err
	}
	_, errReader = io.ReadAll(r)
	return errDecode, errReader
}

// TestTruncated cuts a two-block stream at every length: every prefix is
// an ErrTruncated error, naming an offset inside the input.
func TestTruncated(t *testing.T) {
	text := textInput(10<<10, 11)
	src := runXZ(t, text, "-T2", "--block-size=6000")
	for n := range len(src) {
		errD, errR := decodeBoth(t, src[:n])
		for _, err := range []error{errD, errR} {
			var e *xz.Error
			if !errors.Is(err, xz.ErrTruncated) || !errors.As(err, &e) || e.Offset > int64(n) {
				t.Fatalf("prefix of %d of %d bytes: %v; want ErrTruncated at an offset <= %d", n, len(src), err, n)
			}
		}
	}
}

// TestEveryByteCorrupted changes each byte of a CRC64-checked stream in
// turn: each change is an error, never a panic or wrong data.
func TestEveryByteCorrupted(t *testing.T) {
	text := textInput(8<<10, 12)
	src := runXZ(t, text, "-T2", "--block-size=5000")
	for i := range src {
		for _, delta := range []byte{1, 0x80} {
			bad := bytes.Clone(src)
			bad[i] += delta
			errD, errR := decodeBoth(t, bad)
			if errD == nil || errR == nil {
				t.Fatalf("byte %d + %#x: Decode %v, Reader %v; want two errors", i, delta, errD, errR)
			}
		}
	}
}

func TestErrorKinds(t *testing.T) {
	text := textInput(30<<10, 13)
	good := runXZ(t, text, "--check=crc64")
	cases := []struct {
		name string
		src  []byte
		want error
		msg  string // in both error messages
	}{
		{"not xz", []byte("this is plain text, not xz"), xz.ErrFormat, "stream header magic"},
		{"empty", nil, xz.ErrTruncated, "stream header"},
		{"wrong check", flip(good, checkOffset(good)), xz.ErrCheck, "CRC64 of the decoded block"},
		{"garbage after the stream", append(bytes.Clone(good), "junk"...), xz.ErrFormat, "after stream 1"},
		{"odd bytes after the stream", append(bytes.Clone(good), 0, 0), xz.ErrFormat, "2 bytes after the stream"},
		{"reserved stream flag", fixHeaderCRC(setByte(good, 6, 1)), xz.ErrUnsupported, "reserved bits"},
		{"reserved check type", fixHeaderCRC(setByte(good, 7, 2)), xz.ErrUnsupported, "check type 0x2"},
		{"ARM BCJ filter", runXZ(t, text, "--arm", "--lzma2"), xz.ErrUnsupported, "filter 0x7"},
	}
	for _, c := range cases {
		errD, errR := decodeBoth(t, c.src)
		for _, err := range []error{errD, errR} {
			if !errors.Is(err, c.want) || !strings.Contains(fmtErr(err), c.msg) {
				t.Errorf("%s: %v; want %v with %q", c.name, err, c.want, c.msg)
			}
		}
	}

	big := runXZ(t, text, "--lzma2=dict=64MiB")
	if _, err := (xz.Config{MaxDict: 32 << 20}).Decode(big); !errors.Is(err, xz.ErrTooLarge) {
		t.Errorf("64 MiB dictionary with a 32 MiB limit: %v, want ErrTooLarge", err)
	}
	if _, err := (xz.Config{MaxOutput: 1000}).Decode(good); !errors.Is(err, xz.ErrTooLarge) {
		t.Errorf("30 KiB output with a 1000-byte limit: %v, want ErrTooLarge", err)
	}
	r, _ := xz.Config{MaxOutput: 1000}.NewReader(bytes.NewReader(good))
	if _, err := io.ReadAll(r); !errors.Is(err, xz.ErrTooLarge) {
		t.Errorf("Reader: 30 KiB output with a 1000-byte limit: %v, want ErrTooLarge", err)
	}
}

// checkOffset is where the last block's check starts in a one-stream
// file: before the index, whose size the footer gives.
func checkOffset(p []byte) int {
	index := (int(binary.LittleEndian.Uint32(p[len(p)-8:])) + 1) * 4
	return len(p) - 12 - index - 8
}

func fmtErr(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

func flip(p []byte, i int) []byte { return setByte(p, i, p[i]^0x55) }
func setByte(p []byte, i int, b byte) []byte {
	q := bytes.Clone(p)
	q[i] = b
	return q
}

// fixHeaderCRC recomputes the stream header's CRC32 and copies its flags
// to the footer, so a test reaches the flag check behind the CRC.
func fixHeaderCRC(p []byte) []byte {
	binary.LittleEndian.PutUint32(p[8:12], crc32.ChecksumIEEE(p[6:8]))
	f := p[len(p)-12:]
	copy(f[8:10], p[6:8])
	binary.LittleEndian.PutUint32(f[0:4], crc32.ChecksumIEEE(f[4:10]))
	return p
}

// stream wraps raw LZMA2 data into one .xz stream with check "none", one
// block whose header gives no sizes, and an index that says usize.
func stream(lzma2 []byte, usize int) []byte {
	le32 := func(b []byte, v uint32) []byte { return binary.LittleEndian.AppendUint32(b, v) }
	uvar := func(b []byte, v uint64) []byte { return binary.AppendUvarint(b, v) }
	out := []byte{0xfd, '7', 'z', 'X', 'Z', 0, 0, 0}
	out = le32(out, crc32.ChecksumIEEE(out[6:8]))
	// Block header: size, flags (1 filter), LZMA2 (0x21), 1 property
	// byte (dictionary 8 MiB = 22), padding, CRC32.
	bh := []byte{2, 0x00, 0x21, 1, 22, 0, 0, 0}
	bh = le32(bh, crc32.ChecksumIEEE(bh))
	out = append(out, bh...)
	out = append(out, lzma2...)
	unpadded := len(bh) + len(lzma2)
	for len(out)%4 != 0 {
		out = append(out, 0)
	}
	idx := []byte{0, 1}
	idx = uvar(idx, uint64(unpadded))
	idx = uvar(idx, uint64(usize))
	for len(idx)%4 != 0 {
		idx = append(idx, 0)
	}
	idx = le32(idx, crc32.ChecksumIEEE(idx))
	out = append(out, idx...)
	ft := le32(nil, uint32(len(idx)/4-1))
	ft = append(ft, 0, 0)
	out = le32(out, crc32.ChecksumIEEE(ft))
	return append(append(out, ft...), 'Y', 'Z')
}

// uncompressedChunk is an LZMA2 chunk that stores p as is.
func uncompressedChunk(control byte, p []byte) []byte {
	return append([]byte{control, byte((len(p) - 1) >> 8), byte(len(p) - 1)}, p...)
}

// TestLZMA2Chunks decodes hand-made LZMA2 data: uncompressed chunks, and
// the reset rules (lzma2.go).
func TestLZMA2Chunks(t *testing.T) {
	a, b := []byte("first chunk, "), []byte("second chunk")
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	good := stream(cat(uncompressedChunk(1, a), uncompressedChunk(2, b), []byte{0}), len(a)+len(b))
	decodeAll(t, "two uncompressed chunks", good, cat(a, b))
	reset := stream(cat(uncompressedChunk(1, a), uncompressedChunk(1, b), []byte{0}), len(a)+len(b))
	decodeAll(t, "two uncompressed chunks, both resetting the dictionary", reset, cat(a, b))

	bad := []struct {
		name  string
		src   []byte
		want  error
		inMsg string
	}{
		{"first chunk without dictionary reset", stream(cat(uncompressedChunk(2, a), []byte{0}), len(a)), xz.ErrCorrupt, "does not reset the dictionary"},
		{"invalid control byte", stream(cat(uncompressedChunk(1, a), []byte{3, 0, 0, 0}), len(a)), xz.ErrCorrupt, "control byte 0x03"},
		{"LZMA chunk without properties", stream(cat(uncompressedChunk(1, a), []byte{0x80, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0}), len(a)+1), xz.ErrCorrupt, "without properties"},
		{"no end marker", stream(uncompressedChunk(1, a), len(a)), nil, ""},
		{"index gives more", stream(cat(uncompressedChunk(1, a), []byte{0}), len(a)+1), xz.ErrFormat, ""},
		{"index gives less", stream(cat(uncompressedChunk(1, a), []byte{0}), len(a)-1), xz.ErrFormat, ""},
	}
	for _, c := range bad {
		errD, errR := decodeBoth(t, c.src)
		for _, err := range []error{errD, errR} {
			if err == nil || (c.want != nil && !errors.Is(err, c.want)) || !strings.Contains(fmtErr(err), c.inMsg) {
				t.Errorf("%s: %v; want %v with %q", c.name, err, c.want, c.inMsg)
			}
		}
	}
}
