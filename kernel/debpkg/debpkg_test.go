package debpkg_test

import (
	"archive/tar"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"sysweight/internal/xz"
	"sysweight/kernel/debpkg"
)

func read(t *testing.T, b []byte, keep func(string) bool) (*debpkg.Package, error) {
	t.Helper()
	return debpkg.Read(bytes.NewReader(b), int64(len(b)), keep)
}

// files renders a package's files and links as "name=data" and
// "name->target" lines.
func files(p *debpkg.Package) string {
	var b strings.Builder
	for _, f := range p.Files {
		fmt.Fprintf(&b, "%s=%s\n", f.Name, f.Data)
	}
	for _, l := range p.Links {
		fmt.Fprintf(&b, "%s->%s\n", l.Name, l.Target)
	}
	return b.String()
}

func TestCompressions(t *testing.T) {
	data := makeTar(t, tar.FormatGNU, dir("./"), dir("./usr/"), reg("./usr/a", "alpha"), reg("./usr/b", ""), reg("./usr/c", strings.Repeat("c", 10000)))
	want := "usr/a=alpha\nusr/b=\nusr/c=" + strings.Repeat("c", 10000) + "\n"
	for _, ctl := range []string{"", ".gz", ".xz", ".zst"} {
		for _, d := range []string{"", ".gz", ".xz", ".zst", ".bz2", ".lzma"} {
			name := fmt.Sprintf("control.tar%s + data.tar%s", ctl, d)
			p, err := read(t, deb(t, ctl, controlTar(t), d, data), nil)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			if got := files(p); got != want {
				t.Errorf("%s: files\n%s\nwant\n%s", name, got, want)
			}
			if p.Control["Package"] != "hello" || p.Control["Version"] != "1.0-1" {
				t.Errorf("%s: control %v", name, p.Control)
			}
		}
	}
}

func TestControl(t *testing.T) {
	p, err := read(t, deb(t, ".gz", controlTar(t), "", makeTar(t, tar.FormatGNU)), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"Package": "hello", "Source": "hello-src", "Version": "1.0-1", "Architecture": "amd64",
		// As "dpkg-deb -f PKG Description" prints it: continuation
		// lines as stored.
		"Description": "a test package\n with a second line\n .\n and a third paragraph",
	}
	if fmt.Sprint(p.Control) != fmt.Sprint(want) {
		t.Errorf("control\n%q\nwant\n%q", p.Control, want)
	}
	if p.MD5Sums["usr/share/hello/hello.txt"] != "b1946ac92492d2347c6235b4d2611184" || len(p.MD5Sums) != 1 {
		t.Errorf("md5sums %v", p.MD5Sums)
	}
	if len(p.Files) != 0 {
		t.Errorf("%d files from an empty data.tar", len(p.Files))
	}
}

// TestTarFormats reads the same tree written as GNU (long names as 'L'
// members), PAX (long names as 'x' records) and USTAR (the prefix field)
// tars, with the links and directories Debian packages hold.
func TestTarFormats(t *testing.T) {
	long := "./usr/lib/modules/6.1.0-56-cloud-amd64/kernel/drivers/net/ethernet/some-vendor/" + strings.Repeat("very-long-directory-name/", 3) + "driver.ko"
	entries := []tarEntry{
		dir("./"), dir("./usr/"), reg("./usr/short", "s"), reg(long, "module"),
		symlink("./usr/link", "short"), symlink("./usr/abs", "/usr/short"),
		hardlink("./usr/hard", "./usr/short"), reg("./usr/empty", ""),
	}
	want := "usr/short=s\n" + strings.TrimPrefix(long, "./") + "=module\nusr/hard=s\nusr/empty=\nusr/link->short\nusr/abs->/usr/short\n"
	for _, f := range []tar.Format{tar.FormatGNU, tar.FormatPAX, tar.FormatUSTAR} {
		data := makeTar(t, f, entries...)
		p, err := read(t, deb(t, "", controlTar(t), ".gz", data), nil)
		if err != nil {
			t.Errorf("%v: %v", f, err)
			continue
		}
		if got := files(p); got != want {
			t.Errorf("%v:\n%s\nwant\n%s", f, got, want)
		}
	}
	// A long link target needs a GNU 'K' member or a pax linkpath.
	target := strings.Repeat("t/", 70) + "x"
	for _, f := range []tar.Format{tar.FormatGNU, tar.FormatPAX} {
		p, err := read(t, deb(t, "", controlTar(t), "", makeTar(t, f, symlink("./l", target))), nil)
		if err != nil || len(p.Links) != 1 || p.Links[0].Target != target {
			t.Errorf("%v: long link target: %+v, %v", f, p, err)
		}
	}
}

// TestFilter keeps only .ko files and checks that the filter saw each
// regular file and link once, by the name without "./".
func TestFilter(t *testing.T) {
	data := makeTar(t, tar.FormatGNU, dir("./"), reg("./a.ko", "A"), reg("./b.txt", "B"), reg("./c/d.ko", "D"), symlink("./e.ko", "a.ko"))
	var seen []string
	p, err := read(t, deb(t, "", controlTar(t), ".xz", data), func(name string) bool {
		seen = append(seen, name)
		return strings.HasSuffix(name, ".ko")
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := files(p), "a.ko=A\nc/d.ko=D\ne.ko->a.ko\n"; got != want {
		t.Errorf("kept\n%s\nwant\n%s", got, want)
	}
	if got := strings.Join(seen, " "); got != "a.ko b.txt c/d.ko e.ko" {
		t.Errorf("filter saw %q", got)
	}
}

// TestExtraMembers: members starting with "_" may sit between and after
// the standard ones (deb(5)).
func TestExtraMembers(t *testing.T) {
	b := arWrite(arMember{"debian-binary", []byte("2.0\n")}, arMember{"_gpgorigin", []byte("sig")},
		arMember{"control.tar", controlTar(t)}, arMember{"_extra", nil},
		arMember{"data.tar", makeTar(t, tar.FormatGNU, reg("./x", "y"))}, arMember{"_after", []byte("z")})
	p, err := read(t, b, nil)
	if err != nil || files(p) != "x=y\n" {
		t.Fatalf("%v, %v", p, err)
	}
}

func TestBadPackages(t *testing.T) {
	ctl := controlTar(t)
	data := makeTar(t, tar.FormatGNU, dir("./"), reg("./usr/a", strings.Repeat("a", 3000)), reg("./usr/b", "b"))
	good := deb(t, ".gz", ctl, ".xz", data)
	gz := compress(t, ".gz", data)
	badSum := bytes.Clone(data)
	badSum[512+148] ^= 1 // the checksum field of ./usr/a's header
	corruptXZ := compress(t, ".xz", data)
	corruptXZ[len(corruptXZ)/2] ^= 0x10
	cases := []struct {
		name string
		deb  []byte
		want error
		msg  string
	}{
		{"empty", nil, debpkg.ErrTruncated, "want an ar archive"},
		{"not ar", []byte("PK\x03\x04 a zip file, not a package"), debpkg.ErrFormat, `want "!<arch>\n"`},
		{"first member", arWrite(arMember{"control.tar", ctl}), debpkg.ErrFormat, `first member "control.tar", want debian-binary`},
		{"format 3.0", arWrite(arMember{"debian-binary", []byte("3.0\n")}), debpkg.ErrUnsupported, "want format version 2.x"},
		{"no data.tar", arWrite(arMember{"debian-binary", []byte("2.0\n")}, arMember{"control.tar", ctl}), debpkg.ErrTruncated, "ends before member data.tar"},
		{"data before control", arWrite(arMember{"debian-binary", []byte("2.0\n")}, arMember{"data.tar", data}), debpkg.ErrFormat, `member "data.tar" where`},
		{"unknown compression", arWrite(arMember{"debian-binary", []byte("2.0\n")}, arMember{"control.tar", ctl}, arMember{"data.tar.lz4", data}), debpkg.ErrUnsupported, `unknown compression ".lz4"`},
		{"xz that is gzip", arWrite(arMember{"debian-binary", []byte("2.0\n")}, arMember{"control.tar", ctl}, arMember{"data.tar.xz", gz}), debpkg.ErrFormat, "member data.tar.xz at offset"},
		{"tar checksum", deb(t, "", ctl, "", badSum), debpkg.ErrFormat, "tar offset 512: header checksum"},
		{"tar cut in a file", deb(t, "", ctl, "", data[:1024+100]), debpkg.ErrTruncated, "tar offset 512: member of 3000 bytes, 100 left"},
		{"corrupt xz", arWrite(arMember{"debian-binary", []byte("2.0\n")}, arMember{"control.tar", ctl}, arMember{"data.tar.xz", corruptXZ}), xz.ErrCheck, "member data.tar.xz at offset"},
		{"bad ar size", append([]byte("!<arch>\ndebian-binary   0           0     0     100644  2x        `\n"), "2.0\n"...), debpkg.ErrFormat, "want a decimal number"},
	}
	for _, c := range cases {
		_, err := read(t, c.deb, nil)
		if !errors.Is(err, c.want) || !strings.Contains(fmt.Sprint(err), c.msg) || strings.Contains(fmt.Sprint(err), "\n") {
			t.Errorf("%s: %v; want one line with %q wrapping %v", c.name, err, c.msg, c.want)
		}
	}
	// Every cut of a whole package is an error, never a panic.
	for n := range len(good) {
		if _, err := read(t, good[:n], nil); err == nil {
			t.Fatalf("the first %d of %d bytes read without error", n, len(good))
		}
	}
}

// A zstd frame header is a claim: an 18-byte data.tar.zst whose frame says
// 3 GiB (not single-segment, 1 MiB window, one 10-byte RLE block) is an
// error that costs what the data holds. Read once allocated the claimed
// size before decoding (zstd DecodeAll).
func TestZstdLyingContentSize(t *testing.T) {
	frame := binary.LittleEndian.AppendUint64([]byte{0x28, 0xb5, 0x2f, 0xfd, 0xc0, 0x50}, 3<<30)
	frame = append(frame, 0x53, 0, 0, 'a') // last block, RLE, 10 bytes of 'a'
	p := arWrite(arMember{"debian-binary", []byte("2.0\n")}, arMember{"control.tar", controlTar(t)}, arMember{"data.tar.zst", frame})
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := read(t, p, nil)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "data.tar.zst") {
		t.Errorf("err = %v, want an error naming data.tar.zst", err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 64<<20 {
		t.Errorf("Read allocated %d bytes for a %d-byte package", n, len(p))
	}
}
