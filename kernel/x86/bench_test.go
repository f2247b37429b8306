package x86_test

import (
	"testing"

	"sysweight/kernel/x86"
	"sysweight/syscalls"
)

// BenchmarkKernel is the full analysis of the Debian 6.1 vmlinux after it is
// read: decoding, CFGs, call graph, and metrics for every syscall.
func BenchmarkKernel(b *testing.B) {
	im := loadVmlinux(b)
	tab := syscalls.MustForArch(syscalls.X86_64)
	for b.Loop() {
		p, err := x86.Analyze(im.Text, im.Base, im.Funcs, x86.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := x86.SyscallMetrics(p, tab, x86.ReachOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
