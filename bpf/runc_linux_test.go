//go:build linux

package bpf

import (
	"debug/elf"
	"encoding/binary"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"

	mobyseccomp "github.com/moby/profiles/seccomp"

	"sysweight/syscalls"
)

var update = flag.Bool("update", false, "rewrite testdata/docker-default-x86_64.bpf from a runc container's dump")

// dockerDefaultCaps is the capability set docker run gives a container
// (moby oci/caps/defaults.go); the default profile's rules depend on it.
var dockerDefaultCaps = []string{"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
	"CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
	"CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"}

// runcContainer starts busybox sleep under runc with Docker's default
// seccomp profile and Docker's default capabilities, and returns the
// container's init pid. Everything is removed in t.Cleanup.
func runcContainer(t *testing.T) int {
	t.Helper()
	requireRoot(t)
	runc, err := exec.LookPath("runc")
	if err != nil {
		t.Skip("runc not installed (apt-get install runc)")
	}
	busybox := staticBusybox(t)
	dir := t.TempDir()
	rootfs := filepath.Join(dir, "rootfs")
	if err := os.MkdirAll(filepath.Join(rootfs, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(busybox)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(rootfs, "bin", "busybox"), data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("busybox", filepath.Join(rootfs, "bin", "sleep")); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(runc, "spec", "--bundle", dir).CombinedOutput(); err != nil {
		t.Fatalf("runc spec: %v: %s", err, out)
	}
	cfgPath := filepath.Join(dir, "config.json")
	raw, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	var spec specs.Spec
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	spec.Process.Terminal = false
	spec.Process.Args = []string{"/bin/sleep", "600"}
	spec.Process.Capabilities = &specs.LinuxCapabilities{Bounding: dockerDefaultCaps, Effective: dockerDefaultCaps, Permitted: dockerDefaultCaps}
	spec.Linux.Seccomp, err = mobyseccomp.GetDefaultProfile(&spec)
	if err != nil {
		t.Fatal(err)
	}
	if raw, err = json.Marshal(&spec); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfgPath, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "state")
	id := "sysweight-bpf-test"
	runcCmd := func(args ...string) *exec.Cmd {
		return exec.Command(runc, append([]string{"--root", state}, args...)...)
	}
	t.Cleanup(func() {
		runcCmd("kill", id, "KILL").Run()
		if out, err := runcCmd("delete", "-f", id).CombinedOutput(); err != nil {
			t.Logf("runc delete: %v: %s", err, out)
		}
	})
	// runc run -d leaves the container with our stdio: give it files,
	// not pipes, or Wait would block until the container exits.
	logf, err := os.Create(filepath.Join(dir, "runc.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	run := runcCmd("run", "-d", "--bundle", dir, id)
	run.Stdout, run.Stderr = logf, logf
	if err := run.Run(); err != nil {
		out, _ := os.ReadFile(logf.Name())
		t.Fatalf("runc run: %v: %s", err, out)
	}
	out, err := runcCmd("state", id).Output()
	if err != nil {
		t.Fatalf("runc state: %v", err)
	}
	var st struct{ Pid int }
	if err := json.Unmarshal(out, &st); err != nil || st.Pid <= 0 {
		t.Fatalf("runc state: pid not found in %s (%v)", out, err)
	}
	return st.Pid
}

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root (CAP_SYS_ADMIN for PTRACE_SECCOMP_GET_FILTER)")
	}
	if st := selfSeccomp(t); st.Mode != 0 {
		t.Skipf("this test process is itself under seccomp (mode %d): the kernel refuses PTRACE_SECCOMP_GET_FILTER", st.Mode)
	}
}

func selfSeccomp(t *testing.T) SeccompStatus {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := ParseStatus(f)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func staticBusybox(t *testing.T) string {
	for _, p := range []string{"/bin/busybox", "/usr/bin/busybox"} {
		f, err := elf.Open(p)
		if err != nil {
			continue
		}
		static := true
		for _, prog := range f.Progs {
			if prog.Type == elf.PT_INTERP {
				static = false
			}
		}
		f.Close()
		if static {
			return p
		}
	}
	t.Skip("no static busybox (apt-get install busybox-static)")
	return ""
}

func TestRuncDockerDefault(t *testing.T) {
	pid := runcContainer(t)
	d, err := DumpProcess(pid)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Threads) != 1 || len(d.Filters) != 1 {
		t.Fatalf("busybox sleep under runc: %d threads, %d filters; want 1 and 1", len(d.Threads), len(d.Filters))
	}
	prog := d.Filters[0].Insns
	t.Logf("runc container pid %d: 1 filter of %d instructions", pid, len(prog))
	if *update {
		if err := os.WriteFile("testdata/docker-default-x86_64.bpf", Encode(prog, binary.LittleEndian), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("testdata/docker-default-x86_64.txt", []byte(strings.Join(Disassemble(prog, syscalls.MustForArch(syscalls.X86_64)), "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
