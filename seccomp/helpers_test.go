package seccomp

import (
	"os"
	"path/filepath"
	"testing"

	"sysweight/syscalls"
)

// sharedData returns ../shared/data relative to the repository root (the
// parent of this package's directory), skipping the test when it is absent.
func sharedData(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join("..", "..", "shared", "data", rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared data %s not available (%v); tests that read the reference data sets need /work/shared/data", p, err)
	}
	return p
}

// dockerDefaultCaps is the capability set Docker gives a container by
// default: moby oci/caps/defaults.go DefaultCapabilities()
// (github.com/moby/moby, read at commit 10866714412a).
var dockerDefaultCaps = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
	"CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
	"CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
}

func capSet(extra ...string) map[string]bool {
	m := map[string]bool{}
	for _, c := range dockerDefaultCaps {
		m[c] = true
	}
	for _, c := range extra {
		m[c] = true
	}
	return m
}

// runcDocker is the Target of runc under Docker with default options.
var runcDocker = Target{Arch: syscalls.X86_64, Caps: capSet(), Kernel: KernelVersion{6, 1}}

func openShared(t testing.TB, rel string) *os.File {
	t.Helper()
	f, err := os.Open(sharedData(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func args(a ...uint64) *[6]uint64 {
	var out [6]uint64
	copy(out[:], a)
	return &out
}
