package seccomp

import (
	"testing"

	"golang.org/x/sys/unix"
)

// x/sys/unix has the CAP_ constants on Linux only, hence this file.
// The names and their numbers agree with x/sys/unix, generated from the
// kernel's capability.h.
func TestCapabilitiesNumbered(t *testing.T) {
	want := map[string]int{
		"CAP_CHOWN": unix.CAP_CHOWN, "CAP_DAC_READ_SEARCH": unix.CAP_DAC_READ_SEARCH, "CAP_NET_RAW": unix.CAP_NET_RAW,
		"CAP_SYS_ADMIN": unix.CAP_SYS_ADMIN, "CAP_MKNOD": unix.CAP_MKNOD, "CAP_AUDIT_WRITE": unix.CAP_AUDIT_WRITE,
		"CAP_SETFCAP": unix.CAP_SETFCAP, "CAP_SYSLOG": unix.CAP_SYSLOG, "CAP_AUDIT_READ": unix.CAP_AUDIT_READ,
		"CAP_PERFMON": unix.CAP_PERFMON, "CAP_BPF": unix.CAP_BPF, "CAP_CHECKPOINT_RESTORE": unix.CAP_CHECKPOINT_RESTORE,
	}
	if len(Capabilities) != unix.CAP_LAST_CAP+1 {
		t.Fatalf("%d capabilities, want CAP_LAST_CAP+1 = %d", len(Capabilities), unix.CAP_LAST_CAP+1)
	}
	for name, nr := range want {
		if Capabilities[nr] != name {
			t.Errorf("Capabilities[%d] = %s, want %s", nr, Capabilities[nr], name)
		}
	}
}
