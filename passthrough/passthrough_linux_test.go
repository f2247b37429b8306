//go:build linux

package passthrough

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"sysweight/internal/leftovers"
	"sysweight/internal/tracefs"
)

// subset is the CI probe list: syscalls whose fate under Docker's default
// profile is documented, plus everyday ones.
var subset = []string{
	"read", "write", "close", "getpid", "getuid", "uname", "futex", "mmap", "openat", "clone",
	"ptrace", "personality",
	"keyctl", "add_key", "request_key", "bpf", "mount", "umount2", "unshare", "setns",
	"reboot", "swapon", "init_module", "kexec_load", "perf_event_open", "open_by_handle_at",
	"userfaultfd", "pivot_root", "acct", "settimeofday",
}

func requireHost(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs container runtimes (-short)")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to run runtimes and trace the host")
	}
	fs, err := tracefs.Open()
	if err != nil {
		t.Skipf("needs tracefs: %v", err)
	}
	fs.Close()
}

func requireTool(t *testing.T, name string) {
	t.Helper()
	if _, err := findTool("", name); err != nil {
		t.Skipf("%s not installed: run scripts/install-runtimes.sh (%v)", name, err)
	}
}

func buildProbe(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("needs the go command to build the probe")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	p, err := BuildProbe(ctx, "..", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func run(t *testing.T, rt string) *Matrix {
	t.Helper()
	var log bytes.Buffer
	m, err := Run(context.Background(), Options{Runtime: rt, Probe: buildProbe(t), Syscalls: subset, WorkDir: t.TempDir(),
		Timeout: 4 * time.Minute, Log: &log})
	if err != nil {
		t.Fatalf("%s: %v\n%s", rt, err, log.String())
	}
	if len(m.Calls) != len(subset) {
		t.Fatalf("%d calls, want %d", len(m.Calls), len(subset))
	}
	if m.Lost != 0 {
		t.Fatalf("the trace lost %d events", m.Lost)
	}
	assertClean(t)
	return m
}

func byName(m *Matrix) map[string]Call {
	out := map[string]Call{}
	for _, c := range m.Calls {
		out[c.Syscall] = c
	}
	return out
}

// Docker's documentation lists the syscalls its default profile blocks
// ("Significant syscalls blocked by the default profile",
// docs.docker.com/engine/security/seccomp/): among them keyctl, add_key,
// request_key, bpf, mount, umount2, unshare, setns, reboot, swapon,
// init_module, kexec_load, perf_event_open, open_by_handle_at,
// userfaultfd, pivot_root, acct, settimeofday. The same page says ptrace is
// allowed on kernels from 4.8 on and personality for the values the
// profile lists (0xffffffff, "query", is one: moby profiles/seccomp
// default.json). The profile returns EPERM for what it blocks
// (defaultErrnoRet 1).
func TestPassThroughRuncDocker(t *testing.T) {
	requireHost(t)
	requireTool(t, "runc")
	m := run(t, RuncDocker)
	calls := byName(m)
	for _, n := range []string{"keyctl", "add_key", "request_key", "bpf", "mount", "umount2", "unshare", "setns", "reboot",
		"swapon", "init_module", "kexec_load", "perf_event_open", "open_by_handle_at", "userfaultfd", "pivot_root", "acct", "settimeofday"} {
		c := calls[n]
		if c.Reached != No || c.AsItself != 0 {
			t.Errorf("%s: reached %s (%d times as itself), want no", n, c.Reached, c.AsItself)
		}
		if c.Inside.Errno != "EPERM" {
			t.Errorf("%s: the container saw %+v, want EPERM from the profile", n, c.Inside)
		}
	}
	for _, n := range []string{"read", "write", "close", "getpid", "getuid", "uname", "futex", "mmap", "openat", "clone", "ptrace", "personality"} {
		if c := calls[n]; c.Reached != Yes || c.AsItself != 1 {
			t.Errorf("%s: reached %s (%d times as itself), want yes, once", n, c.Reached, c.AsItself)
		}
	}
	// The probe's own answers, checked by hand against the kernel source:
	// read(0x7ffffff0, …) fails in fdget, getpid returns a pid.
	if c := calls["read"]; c.Inside.Errno != "EBADF" {
		t.Errorf("read inside: %+v, want EBADF", c.Inside)
	}
	if c := calls["getpid"]; c.Inside.Ret == nil || *c.Inside.Ret <= 1 {
		t.Errorf("getpid inside: %+v, want a pid above 1 (the probe's child)", c.Inside)
	}
	if m.Sandbox.GVisor {
		t.Error("runc sandbox detected as gVisor")
	}
	e, err := m.Exposure()
	if err != nil {
		t.Fatal(err)
	}
	if e.Degree("getpid") != 1 || e.Degree("keyctl") != 0 {
		t.Errorf("exposure getpid %v keyctl %v, want 1 and 0", e.Degree("getpid"), e.Degree("keyctl"))
	}
}

// gVisor's Sentry serves every application syscall itself; its host
// filters (runsc/boot/filter) do not even allow keyctl or bpf. Under the
// systrap platform the application's syscalls trap (SECCOMP_RET_TRAP in
// the stub), so none reaches the host with the probe's arguments.
func TestPassThroughRunscSystrap(t *testing.T) {
	requireHost(t)
	requireTool(t, "runsc")
	m := run(t, RunscSystrap)
	if !m.Sandbox.GVisor {
		t.Errorf("sandbox not detected as gVisor: %+v", m.Sandbox)
	}
	for _, c := range m.Calls {
		if c.Reached == Yes {
			t.Errorf("%s reached the host as itself under gVisor", c.Syscall)
		}
		if !c.Inside.Emulated {
			t.Errorf("%s: not marked emulated", c.Syscall)
		}
	}
	calls := byName(m)
	for _, n := range []string{"keyctl", "bpf"} {
		if c := calls[n]; c.Reached != No {
			t.Errorf("%s: reached %s, want no", n, c.Reached)
		}
	}
	if _, ok := m.WindowHost["keyctl"]; ok {
		t.Error("the Sentry made keyctl on the host")
	}
	if _, ok := m.WindowHost["bpf"]; ok {
		t.Error("the Sentry made bpf on the host")
	}
	// gVisor answers getpid itself: the probe's child is not pid 1 and
	// the call succeeds.
	if c := calls["getpid"]; c.Inside.Ret == nil || *c.Inside.Ret <= 1 {
		t.Errorf("getpid inside: %+v", c.Inside)
	}
}

// SIGINT in the middle of a run (through `sysweight passthrough`, its
// work directory put under a temporary TMPDIR) leaves nothing behind: no
// tracefs instance, no runtime state or bundle, no mount, no process.
func TestInterruptLeavesNothing(t *testing.T) {
	requireHost(t)
	probe := buildProbe(t)
	bin := filepath.Join(t.TempDir(), "sysweight")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/sysweight").CombinedOutput(); err != nil {
		t.Fatalf("building sysweight: %v: %s", err, out)
	}
	for _, rt := range []string{RuncDocker, RunscSystrap} {
		t.Run(rt, func(t *testing.T) {
			tool := map[string]string{RuncDocker: "runc", RunscSystrap: "runsc"}[rt]
			requireTool(t, tool)
			work := t.TempDir()
			cmd := exec.Command(bin, "passthrough", "--runtime", rt, "--probe", probe, "--out", t.TempDir())
			cmd.Env = append(os.Environ(), "TMPDIR="+work)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Wait until the sandbox runs (a process names the work
			// directory) under the runtime, and interrupt at once: the
			// probe's whole run can take little more than a second.
			deadline := time.Now().Add(60 * time.Second)
			var pids []int
			for len(processesNaming(work)) == 0 || len(pids) < 3 {
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					cmd.Wait()
					t.Fatalf("the runtime and its sandbox never ran (process tree %v):\n%s", pids, out.String())
				}
				time.Sleep(20 * time.Millisecond)
				pids = tree(cmd.Process.Pid)
			}
			runs, _ := os.ReadDir(work) // the run's directory, named as its container
			if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			for _, r := range runs {
				// runc's and runsc's delete after a kill can leave the
				// cgroups of v1 hierarchies behind; the run removes them
				if l, _ := filepath.Glob("/sys/fs/cgroup/*/" + r.Name()); len(l) > 0 {
					t.Errorf("cgroups left: %v", l)
				}
			}
			if len(runs) == 0 {
				t.Errorf("no run directory in %s while the sandbox ran", work)
			}
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 || !strings.Contains(out.String(), "interrupted by SIGINT") {
				t.Fatalf("sysweight passthrough after SIGINT: %v, want exit 130, interrupted:\n%s", err, out.String())
			}
			ents, _ := os.ReadDir(work)
			if len(ents) != 0 {
				t.Errorf("work directory not empty: %v", ents)
			}
			if p := processesNaming(work); len(p) != 0 {
				t.Errorf("processes left: %v", p)
			}
			// A killed container process is reaped by pid 1 once
			// re-parented, a moment after it died: zombies count as gone.
			for _, p := range pids {
				deadline := time.Now().Add(5 * time.Second)
				for alive(p) && time.Now().Before(deadline) {
					time.Sleep(50 * time.Millisecond)
				}
				if alive(p) {
					b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", p))
					t.Errorf("process %d of the run is still alive: %q", p, b)
				}
			}
			mi, _ := os.ReadFile("/proc/self/mountinfo")
			if bytes.Contains(mi, []byte(work)) {
				t.Errorf("mounts left under %s", work)
			}
			assertClean(t, cmd.Process.Pid)
		})
	}
}

// assertClean fails on a tracefs instance of this process or of pids.
// Instances of other live processes (a matrix run beside the tests) are
// theirs.
func assertClean(t *testing.T, pids ...int) {
	t.Helper()
	fs, err := tracefs.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer fs.Close()
	inst, err := fs.Instances(leftovers.Passthrough)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range inst {
		for _, p := range append(pids, os.Getpid()) {
			if _, o, _ := leftovers.ParseName(name); o.PID == p {
				t.Errorf("tracefs instance left: %s", name)
			}
		}
	}
}

// tree lists root and its descendants.
func tree(root int) []int { return procTree(os.DirFS("/proc"), root) }

// alive reports whether pid exists and is not a zombie.
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	return len(f) > 0 && f[0] != "Z" && f[0] != "X"
}

// processesNaming lists the command lines that contain s.
func processesNaming(s string) []string {
	ents, _ := os.ReadDir("/proc")
	var out []string
	for _, e := range ents {
		if e.Name()[0] < '0' || e.Name()[0] > '9' {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil {
			continue
		}
		b = bytes.ReplaceAll(b, []byte{0}, []byte{' '})
		if bytes.Contains(b, []byte(s)) && e.Name() != "self" {
			out = append(out, e.Name()+": "+string(b))
		}
	}
	return out
}
