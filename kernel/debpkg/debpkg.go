package debpkg

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/klauspost/compress/zstd"

	"sysweight/internal/bigbuf"
	"sysweight/internal/infile"
	"sysweight/internal/xz"
)

// File is a regular file of the package.
type File struct {
	Name string // path in the package without the leading "./", e.g. "boot/vmlinuz-6.1.0-56-cloud-amd64"
	Data []byte // a slice of the package's decompressed data.tar, shared: do not modify
}

// Link is a symbolic link of the package, reported and not followed.
type Link struct {
	Name   string // without the leading "./"
	Target string // as stored: relative to the link's directory, or absolute
}

// Package is what Read returns.
type Package struct {
	// Control holds the fields of the control file (Package, Version,
	// Architecture, Source, ...). A multi-line value keeps its
	// continuation lines as stored, joined with "\n", as "dpkg-deb -f"
	// prints it.
	Control map[string]string
	// MD5Sums maps a file's Name to the MD5 digest (hex) that the
	// package's md5sums control file records for it; empty when the
	// package has none.
	MD5Sums map[string]string
	// Files are the regular files the filter kept, in archive order. A
	// hard link to a regular file is a File with the target's Data.
	Files []File
	// Links are the symbolic links the filter kept.
	Links []Link
}

// Sentinel errors, wrapped in *Error.
var (
	// ErrFormat means the input is not a well-formed .deb: a bad ar or tar
	// header, a missing or misplaced member, a member whose content is
	// not what its name says.
	ErrFormat = errors.New("malformed Debian package")
	// ErrUnsupported means a well-formed package that is not read here:
	// an unknown member compression, a package format other than 2.x, a
	// GNU sparse file.
	ErrUnsupported = errors.New("unsupported Debian package")
	// ErrTruncated means the input ends before a header or member does.
	ErrTruncated = errors.New("truncated Debian package")
	// ErrTooLarge means a member decompresses to more than MaxMember.
	ErrTooLarge = errors.New("member too large")
)

// MaxMember bounds the uncompressed size of control.tar and data.tar. The
// largest Debian packages (-dbg kernels) hold about 1.5 GB.
const MaxMember = 8 << 30

// Error says where in a package reading failed. Offset is the byte offset in
// the .deb (of the member's ar header, or of the member data); TarOffset,
// when not -1, the offset in the member's uncompressed tar.
type Error struct {
	Path      string // the .deb, when read through ReadFile
	Member    string // "" for the ar container itself
	Offset    int64
	TarOffset int64
	What      string
	Err       error
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	if e.Member != "" {
		fmt.Fprintf(&b, "member %s at offset %d", e.Member, e.Offset)
	} else {
		fmt.Fprintf(&b, "offset %d", e.Offset)
	}
	if e.TarOffset >= 0 {
		fmt.Fprintf(&b, ", tar offset %d", e.TarOffset)
	}
	fmt.Fprintf(&b, ": %s", e.What)
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// ReadFile reads the package at path; see Read.
func ReadFile(path string, keep func(name string) bool) (*Package, error) {
	f, err := infile.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	p, err := Read(f, st.Size(), keep)
	if e, ok := err.(*Error); ok {
		e.Path = path
	}
	return p, err
}

// Read reads a .deb of size bytes from r: its control fields and md5sums,
// and the regular files and symbolic links of data.tar for whose name
// (without "./") keep returns true; a nil keep keeps all.
func Read(r io.ReaderAt, size int64, keep func(name string) bool) (*Package, error) {
	if keep == nil {
		keep = func(string) bool { return true }
	}
	members, err := readAr(r, size)
	if err != nil {
		return nil, err
	}
	p := &Package{MD5Sums: map[string]string{}}

	ctl, err := members.control.tar(r)
	if err != nil {
		return nil, err
	}
	var control []byte
	err = walkTar(ctl, func(e *entry) error {
		switch e.name {
		case "control":
			control = e.data
		case "md5sums":
			if err := parseMD5Sums(e.data, p.MD5Sums); err != nil {
				return fmt.Errorf("md5sums: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, members.control.wrap(err)
	}
	if control == nil {
		return nil, members.control.errorf(ErrFormat, "no control file")
	}
	if p.Control, err = parseControl(control); err != nil {
		return nil, members.control.errorf(ErrFormat, "control file: %v", err)
	}

	data, err := members.data.tar(r)
	if err != nil {
		return nil, err
	}
	regular := map[string][]byte{}
	err = walkTar(data, func(e *entry) error {
		switch e.kind {
		case kindRegular:
			regular[e.name] = e.data
			if keep(e.name) {
				p.Files = append(p.Files, File{Name: e.name, Data: e.data})
			}
		case kindHardLink:
			target, ok := regular[e.link]
			if !ok {
				return &tarError{e.off, fmt.Sprintf("hard link %s to %s, which is not an earlier regular file", e.name, e.link), ErrFormat}
			}
			if keep(e.name) {
				p.Files = append(p.Files, File{Name: e.name, Data: target})
			}
		case kindSymlink:
			if keep(e.name) {
				p.Links = append(p.Links, Link{Name: e.name, Target: e.link})
			}
		}
		return nil
	})
	if err != nil {
		return nil, members.data.wrap(err)
	}
	return p, nil
}

// member is one ar member of a .deb.
type member struct {
	name   string
	off    int64 // of the member's data in the .deb
	size   int64
	header int64 // offset of its ar header
}

type arMembers struct {
	control, data member
}

const (
	arMagic  = "!<arch>\n"
	arHeader = 60
)

// readAr reads the ar headers of a .deb (deb(5)): debian-binary first, with
// a 2.x version; then control.tar*, then data.tar*; members whose names
// start with "_" may appear between and after them and are skipped.
func readAr(r io.ReaderAt, size int64) (*arMembers, error) {
	magic := make([]byte, len(arMagic))
	if _, err := r.ReadAt(magic, 0); err != nil || string(magic) != arMagic {
		if size < int64(len(arMagic)) {
			return nil, &Error{Offset: 0, TarOffset: -1, What: fmt.Sprintf("%d bytes, want an ar archive", size), Err: ErrTruncated}
		}
		return nil, &Error{Offset: 0, TarOffset: -1, What: fmt.Sprintf("magic %q, want %q (an ar archive)", magic, arMagic), Err: ErrFormat}
	}
	var ms arMembers
	h := make([]byte, arHeader)
	off := int64(len(arMagic))
	for n := 0; ms.data.name == ""; n++ {
		fail := func(err error, format string, args ...any) error {
			return &Error{Offset: off, TarOffset: -1, What: fmt.Sprintf(format, args...), Err: err}
		}
		if off >= size {
			want := []string{"debian-binary", "control.tar", "data.tar"}[min(n, 2)]
			return nil, fail(ErrTruncated, "the package ends before member %s", want)
		}
		if off+arHeader > size {
			return nil, fail(ErrTruncated, "ar header of %d bytes, %d left", arHeader, size-off)
		}
		if _, err := r.ReadAt(h, off); err != nil {
			return nil, fail(err, "reading the ar header")
		}
		if string(h[58:60]) != "`\n" {
			return nil, fail(ErrFormat, "ar header ends with %q, want \"`\\n\"", h[58:60])
		}
		name := strings.TrimSuffix(strings.TrimRight(string(h[:16]), " "), "/")
		msize, err := strconv.ParseInt(strings.TrimRight(string(h[48:58]), " "), 10, 64)
		if err != nil || msize < 0 {
			return nil, fail(ErrFormat, "ar member %q: size field %q, want a decimal number", name, h[48:58])
		}
		m := member{name: name, off: off + arHeader, size: msize, header: off}
		if m.off+msize > size {
			return nil, fail(ErrTruncated, "member %s of %d bytes, %d left in the package", name, msize, size-m.off)
		}
		switch {
		case n == 0:
			if name != "debian-binary" {
				return nil, fail(ErrFormat, "first member %q, want debian-binary", name)
			}
			v := make([]byte, min(msize, 16))
			if _, err := r.ReadAt(v, m.off); err != nil {
				return nil, fail(err, "reading debian-binary")
			}
			if !bytes.HasPrefix(v, []byte("2.")) || msize > 16 {
				return nil, fail(ErrUnsupported, "debian-binary %q, want format version 2.x", v)
			}
		case strings.HasPrefix(name, "_"):
		case strings.HasPrefix(name, "control.tar") && ms.control.name == "":
			ms.control = m
		case strings.HasPrefix(name, "data.tar") && ms.control.name != "":
			ms.data = m
		default:
			return nil, fail(ErrFormat, "member %q where control.tar* or data.tar* should be", name)
		}
		off = m.off + msize + msize%2 // members are padded to an even size
	}
	return &ms, nil
}

func (m member) errorf(err error, format string, args ...any) *Error {
	return &Error{Member: m.name, Offset: m.off, TarOffset: -1, What: fmt.Sprintf(format, args...), Err: err}
}

// wrap places an error from walking the member's tar.
func (m member) wrap(err error) error {
	var te *tarError
	if errors.As(err, &te) {
		return &Error{Member: m.name, Offset: m.off, TarOffset: te.off, What: te.what, Err: te.err}
	}
	return &Error{Member: m.name, Offset: m.off, TarOffset: -1, What: "reading the tar", Err: err}
}

// compressions maps a member name suffix to its decoder and magic.
var compressions = map[string]struct {
	magic  []byte
	decode func(p []byte) ([]byte, error)
}{
	"":      {nil, func(p []byte) ([]byte, error) { return p, nil }},
	".xz":   {[]byte{0xfd, '7', 'z', 'X', 'Z', 0}, xz.Config{MaxOutput: MaxMember}.Decode},
	".lzma": {[]byte{0x5d, 0}, xz.Config{MaxOutput: MaxMember}.DecodeLZMA},
	".gz":   {[]byte{0x1f, 0x8b}, gunzip},
	".bz2":  {[]byte("BZh"), func(p []byte) ([]byte, error) { return readAll(bzip2.NewReader(bytes.NewReader(p)), len(p)) }},
	".zst":  {[]byte{0x28, 0xb5, 0x2f, 0xfd}, unzstd},
}

// tar reads the member and decompresses it by its name's suffix, checking
// that the content starts as that compression does.
func (m member) tar(r io.ReaderAt) ([]byte, error) {
	base := "control.tar"
	if strings.HasPrefix(m.name, "data.tar") {
		base = "data.tar"
	}
	suffix := strings.TrimPrefix(m.name, base)
	c, ok := compressions[suffix]
	if !ok || (base == "control.tar" && (suffix == ".bz2" || suffix == ".lzma")) {
		return nil, m.errorf(ErrUnsupported, "unknown compression %q (want %s, %s.xz, .gz, .zst%s)", suffix, base, base,
			map[bool]string{true: ", .bz2, .lzma", false: ""}[base == "data.tar"])
	}
	raw := bigbuf.Make(int(m.size))
	if _, err := r.ReadAt(raw, m.off); err != nil && !(err == io.EOF && m.size == 0) {
		return nil, m.errorf(err, "reading %d bytes", m.size)
	}
	if !bytes.HasPrefix(raw, c.magic) {
		n := min(len(raw), 6)
		return nil, m.errorf(ErrFormat, "content starts % x, not as %s data", raw[:n], strings.TrimPrefix(suffix, "."))
	}
	out, err := c.decode(raw)
	if err != nil {
		if errors.Is(err, xz.ErrTooLarge) {
			err = fmt.Errorf("%w: %v", ErrTooLarge, err)
		}
		return nil, m.errorf(err, "decompressing")
	}
	return out, nil
}

func gunzip(p []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(p))
	if err != nil {
		return nil, err
	}
	return readAll(zr, len(p))
}

// unzstd streams rather than calling DecodeAll, which allocates the frame's
// content size up front: an 18-byte frame claiming 3 GiB allocated 3 GiB.
// Windows are bounded as zstd(1) bounds them unless told otherwise
// (ZSTD_WINDOWLOG_LIMIT_DEFAULT: 2^27), since the stream allocates twice
// the window a frame header names.
func unzstd(p []byte) ([]byte, error) {
	zr, err := zstd.NewReader(bytes.NewReader(p), zstd.WithDecoderMaxMemory(MaxMember),
		zstd.WithDecoderMaxWindow(1<<27), zstd.WithDecoderConcurrency(1))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	return readAll(zr, len(p))
}

// readAll reads a decompressor to its end, up to MaxMember bytes.
func readAll(r io.Reader, in int) ([]byte, error) {
	out, err := bigbuf.ReadAll(r, 4*in, MaxMember)
	if errors.Is(err, bigbuf.ErrLimit) {
		return nil, fmt.Errorf("%w: %v", ErrTooLarge, err)
	}
	return out, err
}

// parseControl parses a binary package's control file (deb-control(5)):
// "Field: value" lines, continuation lines starting with a space or tab.
func parseControl(b []byte) (map[string]string, error) {
	fields := map[string]string{}
	var last string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, len(b)+1)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case line == "":
			if len(fields) > 0 {
				return fields, nil // a binary package has one paragraph
			}
		case line[0] == ' ' || line[0] == '\t':
			if last == "" {
				return nil, fmt.Errorf("line %d: continuation line before any field", n)
			}
			fields[last] += "\n" + line
		default:
			name, value, ok := strings.Cut(line, ":")
			if !ok || name == "" || strings.ContainsAny(name, " \t") {
				return nil, fmt.Errorf("line %d: %q, want \"Field: value\"", n, line)
			}
			if _, dup := fields[name]; dup {
				return nil, fmt.Errorf("line %d: field %s repeated", n, name)
			}
			fields[name] = strings.TrimSpace(value)
			last = name
		}
	}
	if len(fields) == 0 {
		return nil, errors.New("no fields")
	}
	return fields, nil
}

// parseMD5Sums parses the md5sums control file: "digest  path" lines, the
// path relative to the root.
func parseMD5Sums(b []byte, into map[string]string) error {
	for n, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		if line == "" {
			continue
		}
		sum, name, ok := strings.Cut(line, "  ")
		if !ok || len(sum) != 32 {
			return fmt.Errorf("line %d: %q, want \"<md5>  <path>\"", n+1, line)
		}
		into[strings.TrimPrefix(name, "./")] = sum
	}
	return nil
}
