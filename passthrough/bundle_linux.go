package passthrough

import (
	"debug/elf"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	mobyseccomp "github.com/moby/profiles/seccomp"
	"github.com/opencontainers/runtime-spec/specs-go"

	"sysweight/internal/infile"
	"sysweight/seccomp"
)

// dockerDefaultCaps is the capability set `docker run` gives a container
// (moby oci/caps/defaults.go); Docker's default profile has rules that
// depend on it.
var dockerDefaultCaps = []string{"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
	"CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
	"CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"}

// podmanDefaultCaps is Podman's default set (containers/common
// pkg/config/default.go DefaultCapabilities, since Podman 4.0: Docker's
// without MKNOD, NET_RAW and AUDIT_WRITE).
var podmanDefaultCaps = []string{"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
	"CAP_NET_BIND_SERVICE", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID", "CAP_SYS_CHROOT"}

// Spec is the config.json passthrough runs its bundles with: what `runc
// spec` writes (runc 1.1 libcontainer/specconv Example) with args as the
// process, caps as its capabilities, no terminal and a read-only rootfs,
// for tests that run a runtime with a profile of their own.
func Spec(args, caps []string) *specs.Spec { return baseSpec(args, caps) }

// StaticBusybox returns the first static busybox of /bin/busybox and
// /usr/bin/busybox (Debian's busybox-static), the one binary a bundle's
// rootfs and the QEMU initramfs hold.
func StaticBusybox() (string, error) {
	for _, p := range []string{"/bin/busybox", "/usr/bin/busybox"} {
		if isStatic(p) {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w: a static busybox (apt-get install busybox-static)", ErrMissing)
}

// baseSpec is what `runc spec` writes (runc 1.1 libcontainer/specconv
// Example), with the probe as the process and no terminal.
func baseSpec(args []string, caps []string) *specs.Spec {
	return &specs.Spec{
		// crun 1.8 rejects versions it does not know ("unknown version
		// specified"); 1.0.2 is what runc 1.1's `runc spec` writes.
		Version: "1.0.2",
		Process: &specs.Process{
			Args: args,
			Env:  []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"},
			Cwd:  "/",
			Capabilities: &specs.LinuxCapabilities{
				Bounding: caps, Effective: caps, Permitted: caps,
			},
			Rlimits:         []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Hard: 1024, Soft: 1024}},
			NoNewPrivileges: true,
		},
		Root:     &specs.Root{Path: "rootfs", Readonly: true},
		Hostname: "sysweight-probe",
		Mounts: []specs.Mount{
			{Destination: "/proc", Type: "proc", Source: "proc"},
			{Destination: "/dev", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "strictatime", "mode=755", "size=65536k"}},
			{Destination: "/dev/pts", Type: "devpts", Source: "devpts", Options: []string{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}},
			{Destination: "/dev/shm", Type: "tmpfs", Source: "shm", Options: []string{"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}},
			{Destination: "/dev/mqueue", Type: "mqueue", Source: "mqueue", Options: []string{"nosuid", "noexec", "nodev"}},
			{Destination: "/sys", Type: "sysfs", Source: "sysfs", Options: []string{"nosuid", "noexec", "nodev", "ro"}},
		},
		Linux: &specs.Linux{
			Namespaces: []specs.LinuxNamespace{{Type: "pid"}, {Type: "network"}, {Type: "ipc"}, {Type: "uts"}, {Type: "mount"}},
			MaskedPaths: []string{"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
				"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"},
			ReadonlyPaths: []string{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"},
		},
	}
}

// writeBundle lays out dir/rootfs (busybox, the probe) and dir/config.json
// for runtime rt. It returns a note on the seccomp profile used.
func writeBundle(dir, rt, probe, busybox, podmanProfile string, probeArgs []string) (string, error) {
	rootfs := filepath.Join(dir, "rootfs")
	for _, d := range []string{"bin", "proc", "dev", "sys", "tmp"} {
		if err := os.MkdirAll(filepath.Join(rootfs, d), 0o755); err != nil {
			return "", err
		}
	}
	if err := copyFile(busybox, filepath.Join(rootfs, "bin", "busybox"), 0o755); err != nil {
		return "", err
	}
	if err := os.Symlink("busybox", filepath.Join(rootfs, "bin", "sh")); err != nil {
		return "", err
	}
	if err := copyFile(probe, filepath.Join(rootfs, ProbeInSandbox[1:]), 0o755); err != nil {
		return "", err
	}
	args := append([]string{ProbeInSandbox}, probeArgs...)
	var spec *specs.Spec
	var note string
	switch rt {
	case RuncDocker:
		spec = baseSpec(args, dockerDefaultCaps)
		p, err := mobyseccomp.GetDefaultProfile(spec)
		if err != nil {
			return "", fmt.Errorf("docker default profile: %w", err)
		}
		spec.Linux.Seccomp = p
		note = "seccomp: Docker default profile from github.com/moby/profiles/seccomp " + seccomp.MobyProfilesVersion + " (GetDefaultProfile), Docker's 14 default capabilities"
	case CrunPodman:
		spec = baseSpec(args, podmanDefaultCaps)
		body, err := infile.ReadFile(podmanProfile)
		if err != nil {
			return "", fmt.Errorf("%w: podman seccomp profile: %v", ErrMissing, err)
		}
		p, err := mobyseccomp.LoadProfile(string(body), spec)
		if err != nil {
			return "", fmt.Errorf("podman seccomp profile %s: %w", podmanProfile, err)
		}
		spec.Linux.Seccomp = p
		note = "seccomp: Podman default profile " + filepath.Base(podmanProfile) + ", Podman's 11 default capabilities"
	case RuncUnconfined:
		spec = baseSpec(args, dockerDefaultCaps)
		note = "seccomp: none (unconfined), Docker's 14 default capabilities"
	case RunscSystrap, RunscPtrace:
		// gVisor applies its own host filters; a linux.seccomp here would
		// filter the application inside the Sentry, not the host.
		spec = baseSpec(args, dockerDefaultCaps)
		note = "no OCI seccomp profile inside the sandbox; runsc installs its own host filters"
	default:
		return "", fmt.Errorf("%w %q has no bundle", ErrUnknownRuntime, rt)
	}
	b, err := json.MarshalIndent(spec, "", "\t")
	if err != nil {
		return "", err
	}
	return note, os.WriteFile(filepath.Join(dir, "config.json"), b, 0o644)
}

func copyFile(src, dst string, mode os.FileMode) error {
	b, err := infile.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, mode)
}

// isStatic reports whether the ELF file at path has no interpreter.
func isStatic(path string) bool {
	f, err := elf.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return false
		}
	}
	return true
}
