package xz_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"sysweight/internal/xz"

	"sysweight/internal/kerneltest"
)

// Real inputs, each with the size and SHA-256 of what "xz -dc FILE | wc -c"
// and "xz -dc FILE | sha256sum" (XZ Utils 5.4.1) print for it.
var realFiles = []struct {
	name    string
	path    func(testing.TB) []byte
	size    int
	sha256  string
	streams string // what "xz -lvv" shows, for the reader of the test
}{
	{
		"kernel CNA archive", shared("kernel-cna/kernel-cna-cves-2026-08-21.tar.xz"),
		160112640, "68084d622c468991fd640c4f3084a471afb863492d053d71b4c12efcbab39aaf",
		"1 block, CRC64, 64 MiB dictionary, sizes in the block header",
	},
	{
		"linux_kernel_cves JSON", shared("kernel-cves/linux_kernel_cves-2023-01-27.json.xz"),
		4112892, "1274340004e8a7545774acfb6b5d23d86cf27e0e43e2db1344a65bbd57f5bb62",
		"1 block, CRC64, 64 MiB dictionary, no sizes in the block header",
	},
	{
		"data.tar.xz of linux-image-6.1.0-56-cloud-amd64-unsigned", debMember("data.tar.xz"),
		108247040, "8cc0632d316b3a88685e8dbb551fa51cb236ddc6f44c626538becd197c5e9979",
		"5 blocks of 24 MiB (the last 7.2 MiB), CRC64, 8 MiB dictionary",
	},
	{
		"control.tar.xz of linux-image-6.1.0-56-cloud-amd64-unsigned", debMember("control.tar.xz"),
		133120, "448510fc4a87ab476b14aad60ac5e206de082c21a4ec0cefa24172e7352c2310",
		"1 block, CRC64",
	},
}

// shared reads a file of the shared data sets (../shared/data from the
// repository root), skipping when it is absent.
func shared(rel string) func(testing.TB) []byte {
	return func(tb testing.TB) []byte {
		p := filepath.Join("..", "..", "..", "shared", "data", rel)
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Skipf("shared data set %s absent: %v", rel, err)
		}
		return b
	}
}

const kernelDeb = "linux-image-6.1.0-56-cloud-amd64-unsigned_6.1.192-2_amd64.deb"

// debMember reads one member of Debian's 6.1.0-56 cloud kernel package,
// skipping when the package is not in the cache.
func debMember(name string) func(testing.TB) []byte {
	return func(tb testing.TB) []byte {
		p := kerneltest.Deb(tb)
		if filepath.Base(p) != kernelDeb {
			tb.Skipf("%s is not %s", p, kernelDeb)
		}
		deb, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		m, err := arMember(deb, name)
		if err != nil {
			tb.Fatalf("%s: %v", kernelDeb, err)
		}
		return m
	}
}

// arMember finds a member of a common ar archive (a .deb): "!<arch>\n",
// then per member a 60-byte header (name 16, size at 48 as 10 decimal
// digits) and the data padded to an even size. kernel/debpkg owns the real
// parser; this is just enough for the tests of a lower package.
func arMember(a []byte, name string) ([]byte, error) {
	if !bytes.HasPrefix(a, []byte("!<arch>\n")) {
		return nil, fmt.Errorf("not an ar archive")
	}
	for off := 8; off+60 <= len(a); {
		h := a[off : off+60]
		size, err := strconv.Atoi(strings.TrimSpace(string(h[48:58])))
		if err != nil || size < 0 || off+60+size > len(a) {
			return nil, fmt.Errorf("bad ar header at %d", off)
		}
		if strings.TrimSuffix(strings.TrimSpace(string(h[:16])), "/") == name {
			return a[off+60 : off+60+size], nil
		}
		off += 60 + size + size%2
	}
	return nil, fmt.Errorf("no member %s", name)
}

func TestRealFiles(t *testing.T) {
	for _, f := range realFiles {
		t.Run(f.name, func(t *testing.T) {
			src := f.path(t)
			check := func(how string, got []byte, err error) {
				t.Helper()
				if err != nil {
					t.Fatalf("%s: %v", how, err)
				}
				sum := sha256.Sum256(got)
				if len(got) != f.size || hex.EncodeToString(sum[:]) != f.sha256 {
					t.Errorf("%s: %d bytes, sha256 %x; xz -dc gives %d bytes, sha256 %s", how, len(got), sum, f.size, f.sha256)
				}
			}
			got, err := xz.Decode(src)
			check("Decode", got, err)
			if testing.Short() {
				return
			}
			r, err := xz.NewReader(bytes.NewReader(src))
			if err != nil {
				t.Fatal(err)
			}
			got, err = io.ReadAll(r)
			check("Reader", got, err)
		})
	}
}
