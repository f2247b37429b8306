package debpkg_test

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sysweight/kernel/debpkg"

	"sysweight/internal/kerneltest"
)

const realDeb = "linux-image-6.1.0-56-cloud-amd64-unsigned_6.1.192-2_amd64.deb"

// realPackage is the path of Debian's 6.1.0-56 cloud kernel package as
// "make kernel-deb" downloads it (internal/kerneltest); the test skips
// when it is absent.
func realPackage(tb testing.TB) string {
	p := kerneltest.Deb(tb)
	if filepath.Base(p) != realDeb {
		tb.Skipf("%s is not %s", p, realDeb)
	}
	return p
}

// TestRealKernelPackage reads the real linux-image package and checks it
// against what dpkg-deb (1.21.22) says of the same file:
//
//	dpkg-deb -f PKG                       the control fields below
//	dpkg-deb --fsys-tarfile PKG | tar x   then, in the extracted tree,
//	find . -type f | wc -l                1145 regular files
//	find . -name '*.ko' | wc -l           1121 modules
//	find . -type l | wc -l                no symbolic links
//	find . -type f -printf '%s\n' | awk '{s+=$1} END {print s}'   107230604 bytes
//	stat -c %s F; sha256sum F             the files in want
//
// and checks every file against the MD5 digest the package's own md5sums
// (written by dpkg-gencontrol at build time) records for it.
func TestRealKernelPackage(t *testing.T) {
	path := realPackage(t)
	p, err := debpkg.ReadFile(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for field, want := range map[string]string{
		"Package":      "linux-image-6.1.0-56-cloud-amd64-unsigned",
		"Source":       "linux",
		"Version":      "6.1.192-2",
		"Architecture": "amd64",
		"Description":  "Linux 6.1 for x86-64 cloud\n The Linux kernel 6.1 and modules for use on cloud platforms including\n Amazon EC2, Microsoft Azure, and Google Compute Engine.",
	} {
		if got := p.Control[field]; got != want {
			t.Errorf("control field %s = %q, dpkg-deb -f gives %q", field, got, want)
		}
	}
	if len(p.Control) != 16 {
		t.Errorf("%d control fields, dpkg-deb -f prints 16", len(p.Control))
	}

	var ko, total int
	byName := map[string][]byte{}
	for _, f := range p.Files {
		byName[f.Name] = f.Data
		total += len(f.Data)
		if strings.HasSuffix(f.Name, ".ko") {
			ko++
		}
		sum := md5.Sum(f.Data)
		if want, ok := p.MD5Sums[f.Name]; !ok || hex.EncodeToString(sum[:]) != want {
			t.Errorf("%s: md5 %x, md5sums says %q", f.Name, sum, want)
		}
	}
	if len(p.Files) != 1145 || ko != 1121 || len(p.Links) != 0 || total != 107230604 {
		t.Errorf("%d files, %d .ko, %d links, %d bytes; want 1145, 1121, 0, 107230604", len(p.Files), ko, len(p.Links), total)
	}
	if len(p.MD5Sums) != 1145 {
		t.Errorf("md5sums lists %d files, want 1145", len(p.MD5Sums))
	}

	const mod = "lib/modules/6.1.0-56-cloud-amd64/"
	want := []struct {
		name   string
		size   int
		sha256 string
	}{
		{"boot/vmlinuz-6.1.0-56-cloud-amd64", 14184960, "6aa38b0cef36a423251ee101cf94967dbd604cfd8f56f0c5f767be8d903f6d86"},
		{"boot/System.map-6.1.0-56-cloud-amd64", 83, "f47b4c00d87f4b5378487972ded9d447074d4771bea98af3f852220ee34392e5"},
		{"boot/config-6.1.0-56-cloud-amd64", 123137, "6d45c8c827f41623fa380a0410c6acdca1604c64305459e068d987e65df87dcc"},
		{mod + "kernel/net/netfilter/nf_tables.ko", 643473, "531a291f68033561c7541f3201862657cb8a141d355c99bd1fd38fccd6ca6995"},
		{mod + "kernel/fs/xfs/xfs.ko", 4210601, "60622cc5ed273edbe6ee605195185edde697fd4c899bb8a52beedc7c27d8eafc"},
		{mod + "kernel/lib/crc7.ko", 5921, "53573125af25e0952542b6a7f680c66f821b89b90090ec47695c4c880eeac642"},
		{"usr/share/lintian/overrides/linux-image-6.1.0-56-cloud-amd64-unsigned", 201, "877e69a1ee5b3933b5d00328feb5b771282f3db16fe0750c3494b51e7a0f3c17"},
	}
	for _, w := range want {
		data, ok := byName[w.name]
		sum := sha256.Sum256(data)
		if !ok || len(data) != w.size || hex.EncodeToString(sum[:]) != w.sha256 {
			t.Errorf("%s: present %v, %d bytes, sha256 %x; dpkg-deb extracts %d bytes, sha256 %s", w.name, ok, len(data), sum, w.size, w.sha256)
		}
	}

	// The filter: only the modules.
	mods, err := debpkg.ReadFile(path, func(name string) bool { return strings.HasSuffix(name, ".ko") })
	if err != nil {
		t.Fatal(err)
	}
	if len(mods.Files) != 1121 {
		t.Errorf("keeping .ko files: %d, want 1121", len(mods.Files))
	}
}

// BenchmarkReadKernelPackage reads the whole real package, as "sysweight
// kernel analyze PKG.deb" will; scripts/bench-xz.sh compares it with
// dpkg-deb --fsys-tarfile.
func BenchmarkReadKernelPackage(b *testing.B) {
	path := realPackage(b)
	st, _ := os.Stat(path)
	b.SetBytes(st.Size())
	for b.Loop() {
		if _, err := debpkg.ReadFile(path, nil); err != nil {
			b.Fatal(err)
		}
	}
}
