package x86_test

import (
	"sync"
	"testing"

	"sysweight/internal/kerneltest"
	"sysweight/kernel/x86/internal/vmlinux"
)

// The kernel tests read the Debian 12 -dbg vmlinux from the kernel cache
// (internal/kerneltest: $SYSWEIGHT_KERNEL_DIR or ~/.cache/sysweight/kernel,
// filled by make kernel-deb and DBG=1 scripts/kernel-metrics.sh).

var (
	vmOnce sync.Once
	vmImg  *vmlinux.Image
	vmErr  error
)

func loadVmlinux(t testing.TB) *vmlinux.Image {
	t.Helper()
	path := kerneltest.Dbg(t)
	vmOnce.Do(func() { vmImg, vmErr = vmlinux.Open(path, true) })
	if vmErr != nil {
		t.Fatal(vmErr)
	}
	return vmImg
}
