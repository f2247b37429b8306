package image

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// ErrNotBzImage means the input has no x86 boot header ("HdrS" at 0x202).
var ErrNotBzImage = errors.New("not an x86 bzImage")

// BzImage is the x86 real-mode boot header of a bzImage, the fields that
// locate the compressed kernel. Offsets and meanings are those of
// Documentation/arch/x86/boot.rst ("The Real-Mode Kernel Header").
type BzImage struct {
	Version    uint16 // boot protocol, e.g. 0x020f for 2.15
	SetupSects int    // 512-byte sectors of real-mode setup after the boot sector
	XLoadFlags uint16
	// PayloadOffset is the file offset of the compressed kernel: the
	// header's payload_offset plus the start of the protected-mode code,
	// (SetupSects+1)*512.
	PayloadOffset int64
	PayloadLength int64
	PrefAddress   uint64 // preferred physical load address
	InitSize      uint32 // memory the kernel needs before it can free init
	Compression   Compression
}

// Field offsets in the boot sector (boot.rst, "The Real-Mode Kernel Header").
const (
	offSetupSects    = 0x1f1
	offBootFlag      = 0x1fe
	offHeader        = 0x202
	offVersion       = 0x206
	offXLoadFlags    = 0x236
	offPayloadOffset = 0x248
	offPayloadLength = 0x24c
	offPrefAddress   = 0x258
	offInitSize      = 0x260
	headerEnd        = 0x264
)

// ParseBzImage reads the boot header of a bzImage of size bytes. The payload
// fields need boot protocol 2.08 (Linux 2.6.26) or later.
func ParseBzImage(r io.ReaderAt, size int64) (*BzImage, error) {
	var h [headerEnd]byte
	if size < headerEnd {
		return nil, fmt.Errorf("%w: %d bytes, want at least %d for the boot header", ErrNotBzImage, size, headerEnd)
	}
	if _, err := r.ReadAt(h[:], 0); err != nil {
		return nil, fmt.Errorf("reading boot header: %w", err)
	}
	le := binary.LittleEndian
	if string(h[offHeader:offHeader+4]) != "HdrS" {
		return nil, fmt.Errorf("%w: bytes % x at offset %#x, want \"HdrS\"", ErrNotBzImage, h[offHeader:offHeader+4], offHeader)
	}
	if f := le.Uint16(h[offBootFlag:]); f != 0xaa55 {
		return nil, fmt.Errorf("%w: boot_flag %#04x at offset %#x, want 0xaa55", ErrNotBzImage, f, offBootFlag)
	}
	b := &BzImage{
		Version:    le.Uint16(h[offVersion:]),
		SetupSects: int(h[offSetupSects]),
	}
	if b.Version < 0x0208 {
		return nil, fmt.Errorf("bzImage boot protocol %d.%02d has no payload fields, want 2.08 or later",
			b.Version>>8, b.Version&0xff)
	}
	if b.SetupSects == 0 {
		b.SetupSects = 4 // boot.rst: "If this field is 0, the real value is 4."
	}
	b.XLoadFlags = le.Uint16(h[offXLoadFlags:])
	pm := int64(b.SetupSects+1) * 512
	b.PayloadOffset = pm + int64(le.Uint32(h[offPayloadOffset:]))
	b.PayloadLength = int64(le.Uint32(h[offPayloadLength:]))
	if b.Version >= 0x020a {
		b.PrefAddress = le.Uint64(h[offPrefAddress:])
		b.InitSize = le.Uint32(h[offInitSize:])
	}
	if b.PayloadLength == 0 || b.PayloadOffset+b.PayloadLength > size {
		return nil, fmt.Errorf("bzImage payload at offset %#x of %d bytes runs past the end of %d bytes",
			b.PayloadOffset, b.PayloadLength, size)
	}
	var magic [16]byte
	n := min(int64(len(magic)), b.PayloadLength)
	if _, err := r.ReadAt(magic[:n], b.PayloadOffset); err != nil {
		return nil, fmt.Errorf("reading bzImage payload magic: %w", err)
	}
	b.Compression = DetectCompression(magic[:n])
	return b, nil
}

// Payload reads the compressed kernel.
func (b *BzImage) Payload(r io.ReaderAt) ([]byte, error) {
	p := make([]byte, b.PayloadLength)
	if _, err := r.ReadAt(p, b.PayloadOffset); err != nil {
		return nil, fmt.Errorf("reading bzImage payload: %w", err)
	}
	return p, nil
}

// Decompress returns the vmlinux ELF inside the bzImage. With
// CONFIG_X86_NEED_RELOCS the relocation table follows the ELF; it is kept.
func (b *BzImage) Decompress(r io.ReaderAt) ([]byte, error) {
	p, err := b.Payload(r)
	if err != nil {
		return nil, err
	}
	if b.Compression == CompressionUnknown {
		n := min(len(p), 8)
		return nil, fmt.Errorf("%w: magic % x at bzImage offset %#x", ErrUnknownCompression, p[:n], b.PayloadOffset)
	}
	out, _, err := Decompress(p)
	if err != nil {
		return nil, fmt.Errorf("bzImage payload at offset %#x: %w", b.PayloadOffset, err)
	}
	return out, nil
}
