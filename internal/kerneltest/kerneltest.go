// Package kerneltest finds the real Debian kernel the heavier tests read,
// in the cache that `make kernel-deb` fills (scripts/fetch-kernel-deb.sh):
// $SYSWEIGHT_KERNEL_DIR, or ~/.cache/sysweight/kernel. Tests skip, naming
// that target, when it is absent.
package kerneltest

import (
	"os"
	"path/filepath"
	"testing"
)

// ABI is the Debian kernel the tests and the committed figures use
// (Debian 12 bookworm-security, 6.1.192-2).
const ABI = "6.1.0-56-cloud-amd64"

// Package is the Debian package holding it.
const Package = "linux-image-" + ABI + "-unsigned"

// Dir returns the kernel cache directory, skipping the test when its
// stripped image is absent.
func Dir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("SYSWEIGHT_KERNEL_DIR")
	if dir == "" {
		home, _ := os.UserHomeDir()
		dir = filepath.Join(home, ".cache", "sysweight", "kernel")
	}
	if _, err := os.Stat(filepath.Join(dir, "boot", "vmlinuz-"+ABI)); err != nil {
		t.Skipf("kernel image absent (%v): run make kernel-deb", err)
	}
	return dir
}

// Vmlinuz is the stripped bzImage of the cached kernel.
func Vmlinuz(t testing.TB) string {
	return filepath.Join(Dir(t), "boot", "vmlinuz-"+ABI)
}

// Deb is the cached .deb of the kernel package (vmlinuz and modules).
func Deb(t testing.TB) string {
	t.Helper()
	return cachedDeb(t, Package, "kernel-deb")
}

// cachedDeb is the cached .deb of pkg, skipping with the make target
// that fetches it when it is absent.
func cachedDeb(t testing.TB, pkg, target string) string {
	t.Helper()
	dir := Dir(t)
	m, _ := filepath.Glob(filepath.Join(dir, pkg+"_*_amd64.deb"))
	if len(m) == 0 {
		t.Skipf("%s .deb absent from %s: run make %s", pkg, dir, target)
	}
	return m[0]
}

// MembersPackage is Debian's generic kernel package of the same version,
// whose methods the site method's member rule reads for bug sites the
// cloud kernel lacks (its drivers); `make kernel-members` fetches it.
const MembersPackage = "linux-image-6.1.0-56-amd64-unsigned"

// MembersDeb is the cached generic package, skipping when absent.
func MembersDeb(t testing.TB) string {
	t.Helper()
	return cachedDeb(t, MembersPackage, "kernel-members")
}

// Dbg is the -dbg vmlinux (DWARF), skipping when absent.
func Dbg(t testing.TB) string {
	t.Helper()
	p := filepath.Join(Dir(t), "usr", "lib", "debug", "boot", "vmlinux-"+ABI)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("-dbg vmlinux absent (%v): run DBG=1 scripts/kernel-metrics.sh", err)
	}
	return p
}

// FileMapName is the name, in the cache directory, of the kernel's
// function→file map with its inlinings (kernel/analysis.FileMap, text
// version 2), which DBG=1 scripts/kernel-metrics.sh writes. A map of
// the first version, without inlinings, had another name
// (filemap-ABI.txt.gz) and gives other DB links, so it is not taken for
// this one.
const FileMapName = "filemap-v2-" + ABI + ".txt.gz"

// FileMap is the cached file map, skipping when absent.
func FileMap(t testing.TB) string {
	t.Helper()
	p := filepath.Join(Dir(t), FileMapName)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("file map absent (%v): run DBG=1 scripts/kernel-metrics.sh", err)
	}
	return p
}
