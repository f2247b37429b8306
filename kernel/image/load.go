package image

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"sysweight/internal/infile"
)

// ErrUnknownFormat means the input is neither an ELF, a bzImage nor a bare
// compressed kernel.
var ErrUnknownFormat = errors.New("unknown kernel image format")

// Image is a kernel image as loaded: the vmlinux ELF and, when it came out of
// a bzImage, that container.
type Image struct {
	Vmlinux     *Vmlinux
	BzImage     *BzImage    // nil unless the input was a bzImage
	Compression Compression // CompressionNone for a plain ELF
	closer      io.Closer
}

// Close releases the file LoadFile opened; it is a no-op for Load.
func (im *Image) Close() error {
	if im.closer == nil {
		return nil
	}
	return im.closer.Close()
}

// Load reads a kernel image of size bytes: a vmlinux ELF (read in place
// through r), an x86 bzImage (decompressed into memory), or a bare
// compressed ELF (e.g. vmlinux.xz).
func Load(r io.ReaderAt, size int64) (*Image, error) {
	var head [16]byte
	n, err := r.ReadAt(head[:min(size, int64(len(head)))], 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("reading image header: %w", err)
	}
	switch c := DetectCompression(head[:n]); c {
	case CompressionNone:
		v, err := OpenELF(r)
		if err != nil {
			return nil, err
		}
		return &Image{Vmlinux: v, Compression: CompressionNone}, nil
	case CompressionUnknown:
	default:
		if size > MaxDecompressed {
			return nil, fmt.Errorf("%w: compressed input of %d bytes", ErrTooLarge, size)
		}
		p := make([]byte, size)
		if _, err := r.ReadAt(p, 0); err != nil {
			return nil, fmt.Errorf("reading %s image: %w", c, err)
		}
		out, _, err := Decompress(p)
		if err != nil {
			return nil, err
		}
		return fromDecompressed(out, nil, c)
	}
	bz, err := ParseBzImage(r, size)
	if err != nil {
		if errors.Is(err, ErrNotBzImage) {
			return nil, fmt.Errorf("%w: magic % x at offset 0, want an ELF, a bzImage or a compressed ELF", ErrUnknownFormat, head[:min(n, 8)])
		}
		return nil, err
	}
	out, err := bz.Decompress(r)
	if err != nil {
		return nil, err
	}
	return fromDecompressed(out, bz, bz.Compression)
}

func fromDecompressed(out []byte, bz *BzImage, c Compression) (*Image, error) {
	v, err := OpenELF(bytes.NewReader(out))
	if err != nil {
		return nil, fmt.Errorf("decompressed %s payload: %w", c, err)
	}
	return &Image{Vmlinux: v, BzImage: bz, Compression: c}, nil
}

// LoadFile is Load on a path; errors name it. Close the Image when done.
func LoadFile(path string) (*Image, error) {
	f, err := infile.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	im, err := Load(f, st.Size())
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if im.Compression == CompressionNone {
		im.closer = f // the ELF is read in place
	} else {
		f.Close()
	}
	return im, nil
}
