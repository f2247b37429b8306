//go:build linux

package bpf

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/opencontainers/runtime-spec/specs-go"

	mobyseccomp "github.com/moby/profiles/seccomp"

	"sysweight/seccomp"
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
func runcContainer(t *testing.T) (int, *specs.LinuxSeccomp) {
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
	profile, err := mobyseccomp.GetDefaultProfile(&spec)
	spec.Linux.Seccomp = profile
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
	// runc run -d can return while the container's process is still runc
	// init (a Go program of several threads) about to exec: wait for
	// busybox's sleep
	deadline := time.Now().Add(10 * time.Second)
	for {
		comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", st.Pid))
		if err == nil && strings.TrimSpace(string(comm)) == "sleep" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("container process %d is %q, not sleep, after 10 s (%v)", st.Pid, bytes.TrimSpace(comm), err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return st.Pid, profile
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

// declaredFilter turns the OCI profile runc was given into a
// seccomp.Filter, a second reading of the same rules.
func declaredFilter(t *testing.T, p *specs.LinuxSeccomp) *seccomp.Filter {
	t.Helper()
	verdict := func(action specs.LinuxSeccompAction, ret *uint) seccomp.Verdict {
		a, err := seccomp.ParseAction(string(action))
		if err != nil {
			t.Fatal(err)
		}
		v := seccomp.Verdict{Action: a}
		if a == seccomp.ActErrno {
			v.Errno = 1 // EPERM, libseccomp's and runc's default
			if ret != nil {
				v.Errno = uint32(*ret)
			} else if p.DefaultErrnoRet != nil {
				v.Errno = uint32(*p.DefaultErrnoRet)
			}
		}
		return v
	}
	var rules []seccomp.Rule
	for _, sc := range p.Syscalls {
		var conds []seccomp.Cond
		for _, a := range sc.Args {
			op, err := seccomp.ParseOp(string(a.Op))
			if err != nil {
				t.Fatal(err)
			}
			conds = append(conds, seccomp.Cond{Arg: uint8(a.Index), Op: op, Value: a.Value, ValueTwo: a.ValueTwo})
		}
		for _, name := range sc.Names {
			rules = append(rules, seccomp.Rule{Syscall: name, Conds: conds, Verdict: verdict(sc.Action, sc.ErrnoRet)})
		}
	}
	f, err := seccomp.NewFilter("docker-default", syscalls.X86_64, verdict(p.DefaultAction, p.DefaultErrnoRet), rules)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestRuncDockerDefault(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("the expectations below are for x86_64")
	}
	pid, profile := runcContainer(t)
	d, err := DumpProcess(pid)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Threads) != 1 || len(d.Filters) != 1 {
		t.Fatalf("busybox sleep under runc: %d threads, %d filters; want 1 and 1", len(d.Threads), len(d.Filters))
	}
	waitState(t, pid, pid, "S")
	insns := d.Filters[0].Insns
	t.Logf("runc container pid %d: 1 filter of %d instructions", pid, len(insns))
	if *update {
		if err := os.WriteFile("testdata/docker-default-x86_64.bpf", Encode(insns, binary.LittleEndian), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("testdata/docker-default-x86_64.txt", []byte(strings.Join(Disassemble(insns, syscalls.MustForArch(syscalls.X86_64)), "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	prog, err := Compile(insns)
	if err != nil {
		t.Fatal(err)
	}
	// The committed testdata means what this runc and libseccomp
	// produce. Not byte for byte: runc orders its stub's architecture
	// checks by Go map iteration, so the bytes vary from run to run.
	committed := dockerFilter(t)
	r := rand.New(rand.NewPCG(7, 8))
	for nr := int32(-1); nr < 600 && !t.Failed(); nr++ {
		for _, arch := range []uint32{0xc000003e, 0x40000003, 0xc00000b7} {
			for _, x32 := range []int32{0, 0x40000000} {
				d := SeccompData{Nr: nr | x32, Arch: arch, Args: randVector(r)}
				if got, want := prog.Run(&d), committed.Run(&d); got != want {
					t.Errorf("testdata/docker-default-x86_64.bpf returns %#x for %+v, this dump %#x: run with -update if runc or libseccomp changed", want, d, got)
				}
			}
		}
	}

	table := syscalls.MustForArch(syscalls.X86_64)
	x86 := syscalls.X86_64.AuditArch()
	verdict := func(name string, args ...uint64) seccomp.Verdict {
		nr, ok := table.Number(name)
		if !ok {
			t.Fatalf("no syscall %s", name)
		}
		d := SeccompData{Nr: int32(nr), Arch: x86}
		copy(d.Args[:], args)
		return prog.Verdict(&d)
	}
	eperm, enosys := seccomp.Verdict{Action: seccomp.ActErrno, Errno: 1}, seccomp.Verdict{Action: seccomp.ActErrno, Errno: 38}
	allowed := seccomp.Verdict{Action: seccomp.ActAllow}
	// Facts of the profile (moby/profiles/seccomp v0.3.0 default.json)
	// with Docker's default capabilities.
	for _, c := range []struct {
		name string
		args []uint64
		want seccomp.Verdict
	}{
		{"read", nil, allowed},
		{"kexec_load", nil, eperm},             // not listed: defaultAction ERRNO, defaultErrnoRet 1
		{"clone", []uint64{0x11}, allowed},     // (flags & 0x7E020000) == 0
		{"clone", []uint64{0x10000000}, eperm}, // CLONE_NEWUSER
		{"clone3", nil, enosys},                // errnoRet 38 without CAP_SYS_ADMIN
		{"socket", []uint64{2}, allowed},       // AF_INET < 3
		{"socket", []uint64{16}, allowed},      // AF_NETLINK listed
		{"socket", []uint64{40}, eperm},        // AF_VSOCK not listed
		{"personality", []uint64{0xffffffff}, allowed},
		{"personality", []uint64{1}, eperm},
		{"chroot", nil, allowed}, // CAP_SYS_CHROOT is a Docker default
		{"reboot", nil, eperm},   // needs CAP_SYS_BOOT
		{"ptrace", nil, allowed}, // minKernel 4.8
	} {
		if got := verdict(c.name, c.args...); got != c.want {
			t.Errorf("%s%#x: %v, want %v", c.name, c.args, got, c.want)
		}
	}
	// runc's stub (libcontainer/seccomp/patchbpf) answers ENOSYS above
	// the newest syscall number the filter knows; libseccomp's bad-arch
	// action is KILL_THREAD (seccomp_init(3)); i386 is in the profile's
	// x86_64 archMap.
	if got := prog.Verdict(&SeccompData{Nr: 1000, Arch: x86}); got != enosys {
		t.Errorf("syscall 1000: %v, want errno(38)", got)
	}
	if got := prog.Verdict(&SeccompData{Nr: 0, Arch: 0xc00000b7}); got.Action != seccomp.ActKillThread {
		t.Errorf("aarch64 read: %v, want kill", got)
	}
	if got := prog.Verdict(&SeccompData{Nr: 3, Arch: 0x40000003}); got != allowed {
		t.Errorf("i386 read (3): %v, want allow", got)
	}

	// Installed against declared, for every syscall: they differ only
	// where runc's libseccomp does not know a syscall the profile names,
	// which scmp_sys_resolver (same libseccomp) confirms, or above the
	// stub's limit.
	resolver, rerr := exec.LookPath("scmp_sys_resolver")
	known := func(name string) bool {
		out, err := exec.Command(resolver, "-a", "x86_64", name).Output()
		if err != nil {
			t.Fatalf("scmp_sys_resolver %s: %v", name, err)
		}
		return !strings.HasPrefix(strings.TrimSpace(string(out)), "-")
	}
	want := declaredFilter(t, profile)
	var differ []string
	for _, s := range table.All() {
		args := [6]uint64{}
		got := prog.Verdict(&SeccompData{Nr: int32(s.Nr), Arch: x86})
		exp := want.Evaluate(s.Name, &args)
		if got == exp {
			continue
		}
		differ = append(differ, fmt.Sprintf("%s(%d): installed %v, declared %v", s.Name, s.Nr, got, exp))
		switch {
		case s.Nr > 0x1c8: // the stub's limit in this filter, pc 5 and 9
			if got != enosys {
				t.Errorf("%s(%d): %v, want ENOSYS from runc's stub", s.Name, s.Nr, got)
			}
		case rerr != nil:
			t.Logf("scmp_sys_resolver missing: cannot explain %s", s.Name)
		case known(s.Name):
			t.Errorf("%s(%d): installed %v, declared %v, though libseccomp knows it", s.Name, s.Nr, got, exp)
		case got != eperm:
			t.Errorf("%s(%d): unknown to libseccomp, so it should fall to the default EPERM; got %v", s.Name, s.Nr, got)
		}
	}
	t.Logf("%d of %d x86_64 syscalls differ between installed and declared (zero arguments):\n%s", len(differ), table.Len(), strings.Join(differ, "\n"))
}
