package debpkg

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// A tar reader over a []byte, for the tars dpkg-deb writes (GNU format) and
// the POSIX ustar/pax ones other tools write. archive/tar reads from a
// stream and copies each file out; walking the decompressed buffer instead
// lets File.Data be a slice of it. Format: POSIX.1-2017 pax and ustar
// (IEEE Std 1003.1, "pax"), and GNU tar's manual, "Basic Tar Format" for
// the GNU long name ('L', 'K') and base-256 size extensions.

const block = 512

type entryKind int

const (
	kindOther entryKind = iota // directories, devices, FIFOs
	kindRegular
	kindHardLink
	kindSymlink
)

// entry is one archive member as walkTar hands it over.
type entry struct {
	name string // without a leading "./" or "/", nor a trailing "/"
	link string // link target (a hard link's cleaned like name)
	kind entryKind
	data []byte // regular files: the contents, a slice of the tar
	off  int64  // of the member's (first) header in the tar
}

// tarError is an error at an offset of a tar; member.wrap places it.
type tarError struct {
	off  int64
	what string
	err  error
}

func (e *tarError) Error() string { return fmt.Sprintf("tar offset %d: %s: %v", e.off, e.what, e.err) }
func (e *tarError) Unwrap() error { return e.err }

// walkTar calls fn for each member of the tar b, up to its end-of-archive
// block (or the end of b at a header boundary).
func walkTar(b []byte, fn func(*entry) error) error {
	var longName, longLink string // from GNU 'L' and 'K' members
	var pax map[string]string     // from a pax 'x' member
	start := int64(-1)            // of the first header of the current member
	for off := int64(0); ; {
		if off == int64(len(b)) {
			if start >= 0 {
				return &tarError{start, "the tar ends inside a member's headers", ErrTruncated}
			}
			return nil
		}
		if off+block > int64(len(b)) {
			return &tarError{off, fmt.Sprintf("header of %d bytes, %d left", block, int64(len(b))-off), ErrTruncated}
		}
		h := b[off : off+block]
		if isZero(h) {
			return nil // end-of-archive
		}
		if start < 0 {
			start = off
		}
		if err := checkSum(h); err != nil {
			return &tarError{off, err.Error(), ErrFormat}
		}
		size, err := parseNumeric(h[124:136])
		if err != nil {
			return &tarError{off, "size field: " + err.Error(), ErrFormat}
		}
		typ := h[156]
		if v, ok := pax["size"]; ok && typ != 'x' && typ != 'g' {
			if size, err = strconv.ParseInt(v, 10, 64); err != nil || size < 0 {
				return &tarError{off, fmt.Sprintf("pax size %q", v), ErrFormat}
			}
		}
		dataOff := off + block
		if size > int64(len(b))-dataOff {
			return &tarError{off, fmt.Sprintf("member of %d bytes, %d left", size, int64(len(b))-dataOff), ErrTruncated}
		}
		data := b[dataOff : dataOff+size]
		next := dataOff + (size+block-1)/block*block
		switch typ {
		case 'L', 'K':
			s := string(bytes.TrimRight(data, "\x00"))
			if typ == 'L' {
				longName = s
			} else {
				longLink = s
			}
			off = next
			continue
		case 'x':
			if pax, err = parsePAX(data); err != nil {
				return &tarError{off, "pax header: " + err.Error(), ErrFormat}
			}
			off = next
			continue
		case 'g':
			off = next // global pax records: nothing Debian relies on
			continue
		case 'S':
			return &tarError{off, "GNU sparse file", ErrUnsupported}
		}
		e := entry{name: headerName(h), link: cString(h[157:257]), data: data, off: start}
		if longName != "" {
			e.name = longName
		}
		if longLink != "" {
			e.link = longLink
		}
		if v, ok := pax["path"]; ok {
			e.name = v
		}
		if v, ok := pax["linkpath"]; ok {
			e.link = v
		}
		if _, ok := pax["GNU.sparse.major"]; ok {
			return &tarError{off, "pax sparse file", ErrUnsupported}
		}
		e.name = cleanName(e.name)
		switch typ {
		case '0', '\x00', '7':
			e.kind = kindRegular
		case '1':
			e.kind, e.link, e.data = kindHardLink, cleanName(e.link), nil
		case '2':
			e.kind, e.data = kindSymlink, nil
		default:
			e.data = nil
		}
		if err := fn(&e); err != nil {
			return err
		}
		longName, longLink, pax, start = "", "", nil, -1
		off = next
	}
}

func isZero(p []byte) bool {
	for _, c := range p {
		if c != 0 {
			return false
		}
	}
	return true
}

// checkSum verifies a header's checksum: the sum of its bytes with the
// checksum field read as spaces; like GNU tar, the signed sum also passes.
func checkSum(h []byte) error {
	want, err := parseNumeric(h[148:156])
	if err != nil {
		return fmt.Errorf("checksum field: %v", err)
	}
	var u, s int64
	for i, c := range h {
		if i >= 148 && i < 156 {
			c = ' '
		}
		u += int64(c)
		s += int64(int8(c))
	}
	if want != u && want != s {
		return fmt.Errorf("header checksum %d, the header sums to %d", want, u)
	}
	return nil
}

// parseNumeric reads an octal field (NUL- or space-terminated, possibly
// space-padded) or, when its first byte has the high bit set, GNU's
// base-256 big-endian form.
func parseNumeric(f []byte) (int64, error) {
	if len(f) > 0 && f[0]&0x80 != 0 {
		if f[0] != 0x80 || len(f) < 9 {
			return 0, fmt.Errorf("base-256 value % x out of range", f)
		}
		var v int64
		for _, c := range f[1:] {
			if v > (1<<63-1)>>8 {
				return 0, fmt.Errorf("base-256 value % x out of range", f)
			}
			v = v<<8 | int64(c)
		}
		return v, nil
	}
	s := strings.Trim(string(f), " \x00")
	if s == "" {
		return 0, nil
	}
	v, err := strconv.ParseInt(s, 8, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("%q is not an octal number", f)
	}
	return v, nil
}

// headerName joins the ustar prefix field (POSIX magic only: GNU headers
// keep other fields there) and the name field.
func headerName(h []byte) string {
	name := cString(h[0:100])
	if string(h[257:263]) == "ustar\x00" {
		if prefix := cString(h[345:500]); prefix != "" {
			name = prefix + "/" + name
		}
	}
	return name
}

func cString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// cleanName drops a leading "./" or "/" and a trailing "/": "./boot/" is
// "boot", "./" is "".
func cleanName(s string) string {
	for {
		switch {
		case strings.HasPrefix(s, "./"):
			s = s[2:]
		case strings.HasPrefix(s, "/"):
			s = s[1:]
		default:
			if s == "." {
				return ""
			}
			return strings.TrimSuffix(s, "/")
		}
	}
}

// parsePAX parses pax extended header records, "%d %s=%s\n" where the
// decimal length counts the whole record.
func parsePAX(b []byte) (map[string]string, error) {
	recs := map[string]string{}
	for len(b) > 0 {
		sp := bytes.IndexByte(b, ' ')
		if sp <= 0 {
			return nil, fmt.Errorf("record without a length")
		}
		n, err := strconv.Atoi(string(b[:sp]))
		if err != nil || n <= sp+1 || n > len(b) || b[n-1] != '\n' {
			return nil, fmt.Errorf("record length %q", b[:sp])
		}
		kv := string(b[sp+1 : n-1])
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Errorf("record %q without '='", kv)
		}
		recs[k] = v
		b = b[n:]
	}
	return recs, nil
}
