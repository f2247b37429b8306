package passthrough

import (
	"fmt"
	"io"
	"slices"
	"time"

	"sysweight/syscalls"
)

// Options says which runtime to measure and where its pieces are.
type Options struct {
	// Runtime is one of Runtimes().
	Runtime string
	// Syscalls limits the probe to these names; nil means every syscall
	// of the x86_64 table.
	Syscalls []string
	// Probe is the path of a static sysweight-probe binary (BuildProbe
	// makes one).
	Probe string
	// WorkDir holds the bundle, the runtime's state and the initramfs; a
	// fresh directory under it is made and removed. "" means os.TempDir().
	WorkDir string
	// Tools overrides where runtimes and files are found.
	Tools Tools
	// PodmanProfile is the Podman seccomp profile JSON for crun-podman
	// (containers/common pkg/seccomp/seccomp.json).
	PodmanProfile string
	// CallTimeout bounds each call's child inside the sandbox (default 3 s,
	// 30 s under qemu-tcg).
	CallTimeout time.Duration
	// Timeout bounds the whole run (default 60 min).
	Timeout time.Duration
	// Log receives progress lines and the runtime's stderr; nil discards.
	Log io.Writer
}

// Tools are the paths of the programs and files Run uses. Empty fields are
// looked up: programs in PATH and then in the install script's cache
// directory (~/.cache/sysweight/bin), the busybox as a static binary in
// /bin or /usr/bin, the guest kernel as the newest /boot/vmlinuz-*.
type Tools struct {
	Runc, Crun, Runsc, Qemu, Unshare string
	Busybox                          string
	Kernel                           string // qemu-tcg guest kernel (bzImage)
}

func (o *Options) check() error {
	if !slices.Contains(Runtimes(), o.Runtime) {
		return fmt.Errorf("%w %q: want one of %v", ErrUnknownRuntime, o.Runtime, Runtimes())
	}
	t := syscalls.MustForArch(syscalls.X86_64)
	for _, n := range o.Syscalls {
		if _, ok := t.Number(n); !ok {
			return fmt.Errorf("%w: syscall %q is not in the x86_64 table", ErrOptions, n)
		}
	}
	if o.Probe == "" {
		return fmt.Errorf("%w: no probe binary (build cmd/sysweight-probe with CGO_ENABLED=0)", ErrMissing)
	}
	return nil
}

func (o *Options) callTimeout() time.Duration {
	switch {
	case o.CallTimeout > 0:
		return o.CallTimeout
	case o.Runtime == QemuTCG:
		return 30 * time.Second
	}
	return 3 * time.Second
}

func (o *Options) timeout() time.Duration {
	if o.Timeout > 0 {
		return o.Timeout
	}
	return 60 * time.Minute
}
