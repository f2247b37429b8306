package debpkg_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"os/exec"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

// Synthetic packages for the tests, built the way dpkg-deb builds them:
// archive/tar writes the tars (in the format a case asks for), arWrite the
// ar container, and the compressors are Go's gzip, klauspost's zstd, and
// the xz and bzip2 tools (cases needing a missing tool skip).

type tarEntry struct {
	hdr  tar.Header
	data string
}

func reg(name, data string) tarEntry {
	return tarEntry{tar.Header{Typeflag: tar.TypeReg, Name: name, Size: int64(len(data)), Mode: 0o644, ModTime: stamp}, data}
}

func dir(name string) tarEntry {
	return tarEntry{tar.Header{Typeflag: tar.TypeDir, Name: name, Mode: 0o755, ModTime: stamp}, ""}
}

func symlink(name, target string) tarEntry {
	return tarEntry{tar.Header{Typeflag: tar.TypeSymlink, Name: name, Linkname: target, Mode: 0o777, ModTime: stamp}, ""}
}

func hardlink(name, target string) tarEntry {
	return tarEntry{tar.Header{Typeflag: tar.TypeLink, Name: name, Linkname: target, Mode: 0o644, ModTime: stamp}, ""}
}

var stamp = time.Date(2026, 11, 16, 10, 17, 0, 0, time.UTC)

func makeTar(t testing.TB, format tar.Format, entries ...tarEntry) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, e := range entries {
		h := e.hdr
		h.Format = format
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatalf("tar header %s: %v", h.Name, err)
		}
		if _, err := tw.Write([]byte(e.data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type arMember struct {
	name string
	data []byte
}

// arWrite writes a common ar archive: the magic, then per member a 60-byte
// header (name, mtime, uid, gid, mode, size, "`\n") and the data padded to
// an even length with "\n", as dpkg-deb writes it.
func arWrite(members ...arMember) []byte {
	var b bytes.Buffer
	b.WriteString("!<arch>\n")
	for _, m := range members {
		fmt.Fprintf(&b, "%-16s%-12d%-6d%-6d%-8s%-10d`\n", m.name, stamp.Unix(), 0, 0, "100644", len(m.data))
		b.Write(m.data)
		if len(m.data)%2 == 1 {
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

// compress compresses p as a member suffix says.
func compress(t testing.TB, suffix string, p []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	switch suffix {
	case "":
		return p
	case ".gz":
		zw := gzip.NewWriter(&b)
		zw.Write(p)
		zw.Close()
	case ".zst":
		zw, _ := zstd.NewWriter(&b)
		zw.Write(p)
		zw.Close()
	case ".xz":
		return tool(t, p, "xz", "-c", "-T2", "--block-size=4KiB")
	case ".lzma":
		return tool(t, p, "xz", "-c", "--format=lzma")
	case ".bz2":
		return tool(t, p, "bzip2", "-c")
	default:
		return p // an unknown suffix: the content does not matter
	}
	return b.Bytes()
}

func tool(t testing.TB, in []byte, name string, args ...string) []byte {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not installed", name)
	}
	cmd := exec.Command(path, args...)
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return out
}

const controlText = `Package: hello
Source: hello-src
Version: 1.0-1
Architecture: amd64
Description: a test package
 with a second line
 .
 and a third paragraph
`

// controlTar is a control.tar as dpkg-deb writes it.
func controlTar(t testing.TB) []byte {
	return makeTar(t, tar.FormatGNU, dir("./"), reg("./control", controlText),
		reg("./md5sums", "b1946ac92492d2347c6235b4d2611184  usr/share/hello/hello.txt\n"))
}

// deb builds a package from a control.tar and a data.tar and their member
// name suffixes.
func deb(t testing.TB, ctlSuffix string, ctl []byte, dataSuffix string, data []byte) []byte {
	return arWrite(
		arMember{"debian-binary", []byte("2.0\n")},
		arMember{"control.tar" + ctlSuffix, compress(t, ctlSuffix, ctl)},
		arMember{"data.tar" + dataSuffix, compress(t, dataSuffix, data)},
	)
}
