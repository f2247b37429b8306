package debpkg_test

import (
	"crypto/md5"
	"encoding/hex"
	"path/filepath"
	"testing"

	"sysweight/kernel/debpkg"
)

// TestDpkgDebFixtures reads packages that dpkg-deb itself built
// (testdata/make-fixtures.sh), one per compression it offers. What they
// hold is what the script put in: dpkg-deb stores "hard" as the file and
// "hello.txt" as a hard link to it ("dpkg-deb -c" lists "hello.txt link to
// ./usr/share/hello/hard"), and the 140-byte path as a GNU long name.
func TestDpkgDebFixtures(t *testing.T) {
	deep := "usr/share/hello/a-directory-name-of-forty-bytes-length/a-directory-name-of-forty-bytes-length/a-directory-name-of-forty-bytes-length/deep.txt"
	want := deep + "=deep\n\n" +
		"usr/share/hello/empty=\n" +
		"usr/share/hello/hard=hello\n\n" +
		"usr/share/hello/hello.txt=hello\n\n" +
		"usr/share/hello/link->hello.txt\n"
	for _, z := range []string{"xz", "gzip", "zstd", "none"} {
		path := filepath.Join("testdata", "happy", "hello-"+z+".deb")
		p, err := debpkg.ReadFile(path, nil)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if got := files(p); got != want {
			t.Errorf("%s:\n%s\nwant\n%s", path, got, want)
		}
		if p.Control["Package"] != "hello" || p.Control["Version"] != "1.0-1" || p.Control["Source"] != "hello-src" || p.Control["Architecture"] != "amd64" {
			t.Errorf("%s: control %q", path, p.Control)
		}
		for _, f := range p.Files {
			sum := md5.Sum(f.Data)
			if p.MD5Sums[f.Name] != hex.EncodeToString(sum[:]) {
				t.Errorf("%s: %s: md5 %x, md5sums %q", path, f.Name, sum, p.MD5Sums[f.Name])
			}
		}
	}
}
