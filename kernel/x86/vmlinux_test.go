package x86_test

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"sysweight/kernel/x86/internal/vmlinux"
)

// The Debian 12 dbg vmlinux the kernel tests read, under the cache that
// `make check-kallsyms` (scripts/check-kallsyms.sh) fills:
// $HOME/.cache/sysweight/kernel/ + defaultVmlinux, or SYSWEIGHT_VMLINUX.
const defaultVmlinux = "usr/lib/debug/boot/vmlinux-6.1.0-56-cloud-amd64"

var (
	vmOnce sync.Once
	vmImg  *vmlinux.Image
	vmErr  error
)

func loadVmlinux(t testing.TB) *vmlinux.Image {
	t.Helper()
	path := os.Getenv("SYSWEIGHT_VMLINUX")
	if path == "" {
		home, _ := os.UserHomeDir()
		path = filepath.Join(home, ".cache", "sysweight", "kernel", defaultVmlinux)
	}
	if _, err := os.Stat(path); err != nil {
		t.Skipf("kernel image absent (%v); run make check-kallsyms or set SYSWEIGHT_VMLINUX", err)
	}
	vmOnce.Do(func() { vmImg, vmErr = vmlinux.Open(path, true) })
	if vmErr != nil {
		t.Fatal(vmErr)
	}
	return vmImg
}
