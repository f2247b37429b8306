// Package secfile is the container in which the guest of a traced boot
// hands its results to the host: named sections written one after another
// to a raw disk (no file system), each behind a fixed header that says its
// name and length. Sections of the same name are parts of one stream, in
// order, so that several producers (one ring-buffer drainer per CPU) can
// interleave. A section named "end" closes the file; a file without it was
// cut short.
package secfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// HeaderSize is the size of a section header:
// "SWSECT1 LLLLLLLLLLLLLLLL NAME" padded with spaces, then "\n".
const HeaderSize = 256

const magic = "SWSECT1 "

// End names the closing section.
const End = "end"

// ErrFormat is wrapped by every error about a malformed file.
var ErrFormat = errors.New("secfile: malformed")

// Header encodes the header of a section of n bytes.
func Header(name string, n int64) ([]byte, error) {
	if name == "" || strings.ContainsAny(name, " \n\x00") || len(name) > HeaderSize-len(magic)-18 {
		return nil, fmt.Errorf("secfile: section name %q: want 1..%d bytes without spaces", name, HeaderSize-len(magic)-18)
	}
	if n < 0 {
		return nil, fmt.Errorf("secfile: section %s: negative length", name)
	}
	h := bytes.Repeat([]byte(" "), HeaderSize)
	copy(h, fmt.Sprintf("%s%016x %s", magic, n, name))
	h[HeaderSize-1] = '\n'
	return h, nil
}

// Section is one section's place in the file.
type Section struct {
	Name   string
	Offset int64 // of the data
	Size   int64
}

// Index is the table of contents of a file.
type Index struct {
	r        io.ReaderAt
	Sections []Section
	// Complete says the "end" section was found.
	Complete bool
}

// Read indexes the sections of r up to "end", or up to the first header
// of zeros (an unwritten disk) if there is none.
func Read(r io.ReaderAt) (*Index, error) {
	ix := &Index{r: r}
	var off int64
	h := make([]byte, HeaderSize)
	for {
		n, err := r.ReadAt(h, off)
		if n < HeaderSize {
			if n == 0 && err == io.EOF {
				return ix, nil
			}
			if err == io.EOF {
				return nil, fmt.Errorf("byte %d: the file ends inside a section header: %w", off, ErrFormat)
			}
			return nil, fmt.Errorf("byte %d: %w", off, err)
		}
		if h[0] == 0 && bytes.Count(h, []byte{0}) == HeaderSize {
			return ix, nil
		}
		if !bytes.HasPrefix(h, []byte(magic)) || h[HeaderSize-1] != '\n' {
			return nil, fmt.Errorf("byte %d: want a section header %q, got %q: %w", off, magic, cut(h), ErrFormat)
		}
		f := strings.Fields(string(h[len(magic) : HeaderSize-1]))
		if len(f) != 2 || len(f[0]) != 16 {
			return nil, fmt.Errorf("byte %d: header %q, want LENGTH NAME: %w", off, cut(h), ErrFormat)
		}
		size, err := strconv.ParseInt(f[0], 16, 64)
		if err != nil || size < 0 {
			return nil, fmt.Errorf("byte %d: header length %q: %w", off, f[0], ErrFormat)
		}
		s := Section{Name: f[1], Offset: off + HeaderSize, Size: size}
		// The data must be there.
		if size > 0 {
			if _, err := r.ReadAt(h[:1], s.Offset+size-1); err != nil {
				return nil, fmt.Errorf("byte %d: section %s of %d bytes runs past the end of the file: %w", off, s.Name, size, ErrFormat)
			}
		}
		if s.Name == End {
			ix.Complete = true
			return ix, nil
		}
		ix.Sections = append(ix.Sections, s)
		off = s.Offset + size
	}
}

func cut(h []byte) string {
	if len(h) > 40 {
		h = h[:40]
	}
	return string(h)
}

// Names returns the distinct section names in the order they first appear.
func (ix *Index) Names() []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range ix.Sections {
		if !seen[s.Name] {
			seen[s.Name] = true
			out = append(out, s.Name)
		}
	}
	return out
}

// Has reports whether a section called name exists.
func (ix *Index) Has(name string) bool {
	for _, s := range ix.Sections {
		if s.Name == name {
			return true
		}
	}
	return false
}

// Size is the total length of the sections called name.
func (ix *Index) Size(name string) int64 {
	var n int64
	for _, s := range ix.Sections {
		if s.Name == name {
			n += s.Size
		}
	}
	return n
}

// Open returns the concatenation of the sections called name, in order;
// an empty reader if there is none.
func (ix *Index) Open(name string) io.Reader {
	var rs []io.Reader
	for _, s := range ix.Sections {
		if s.Name == name {
			rs = append(rs, io.NewSectionReader(ix.r, s.Offset, s.Size))
		}
	}
	return io.MultiReader(rs...)
}

// Bytes reads the sections called name whole.
func (ix *Index) Bytes(name string) ([]byte, error) {
	b, err := io.ReadAll(ix.Open(name))
	if err != nil {
		return nil, fmt.Errorf("section %s: %w", name, err)
	}
	return b, nil
}

// Writer writes sections to a file or raw disk, one at a time.
type Writer struct {
	w   io.WriterAt
	off int64
}

// NewWriter writes sections from offset 0 of w.
func NewWriter(w io.WriterAt) *Writer { return &Writer{w: w} }

// Offset is where the next section will start.
func (w *Writer) Offset() int64 { return w.off }

// Write writes one whole section.
func (w *Writer) Write(name string, data []byte) error {
	h, err := Header(name, int64(len(data)))
	if err != nil {
		return err
	}
	if _, err := w.w.WriteAt(append(h, data...), w.off); err != nil {
		return fmt.Errorf("secfile: writing section %s: %w", name, err)
	}
	w.off += int64(HeaderSize + len(data))
	return nil
}

// Copy writes a section from r, whose length need not be known: the
// header is written after the data.
func (w *Writer) Copy(name string, r io.Reader) (int64, error) {
	if _, err := Header(name, 0); err != nil {
		return 0, err
	}
	start := w.off
	buf := make([]byte, 1<<20)
	var n int64
	for {
		k, rerr := r.Read(buf)
		if k > 0 {
			if _, err := w.w.WriteAt(buf[:k], start+HeaderSize+n); err != nil {
				return n, fmt.Errorf("secfile: writing section %s: %w", name, err)
			}
			n += int64(k)
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return n, fmt.Errorf("secfile: reading for section %s: %w", name, rerr)
		}
	}
	h, _ := Header(name, n)
	if _, err := w.w.WriteAt(h, start); err != nil {
		return n, fmt.Errorf("secfile: writing section %s: %w", name, err)
	}
	w.off = start + HeaderSize + n
	return n, nil
}

// Close writes the "end" section.
func (w *Writer) Close() error { return w.Write(End, nil) }
