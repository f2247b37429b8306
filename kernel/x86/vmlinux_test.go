package x86_test

import (
	"os"
	"sync"
	"testing"

	"sysweight/kernel/x86/internal/vmlinux"
)

// The Debian 12 dbg vmlinux the kernel tests read; fetch it with
// apt-get download linux-image-6.1.0-56-cloud-amd64-dbg and extract
// usr/lib/debug/boot/vmlinux-6.1.0-56-cloud-amd64 to this path, or point
// SYSWEIGHT_VMLINUX at another copy.
const defaultVmlinux = "/work/cache/kernel/usr/lib/debug/boot/vmlinux-6.1.0-56-cloud-amd64"

var (
	vmOnce sync.Once
	vmImg  *vmlinux.Image
	vmErr  error
)

func loadVmlinux(t testing.TB) *vmlinux.Image {
	t.Helper()
	path := os.Getenv("SYSWEIGHT_VMLINUX")
	if path == "" {
		path = defaultVmlinux
	}
	if _, err := os.Stat(path); err != nil {
		t.Skipf("kernel image absent (%v); see defaultVmlinux", err)
	}
	vmOnce.Do(func() { vmImg, vmErr = vmlinux.Open(path, true) })
	if vmErr != nil {
		t.Fatal(vmErr)
	}
	return vmImg
}
