package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"sysweight/internal/tracefs"
)

// requireRoot skips unless the host tests can run: root, tracefs mounted
// (the tests mount nothing), the named tools.
func requireRoot(t *testing.T, tools ...string) {
	t.Helper()
	if testing.Short() {
		t.Skip("kills sysweight runs on the host (-short)")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to trace and to run runtimes")
	}
	if tracefsRoot() == "" {
		t.Skip("needs tracefs mounted at its root (mount -t tracefs nodev /sys/kernel/tracing)")
	}
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("needs %s: %v", tool, err)
		}
	}
}

// tracefsRoot is where tracefs is mounted, "" when it is not (it is never
// mounted here).
func tracefsRoot() string {
	fs, err := tracefs.Open()
	if err != nil {
		return ""
	}
	defer fs.Close()
	return fs.Dir()
}

// named lists the paths in dir whose names start with prefix.
func named(dir, prefix string) []string {
	ents, _ := os.ReadDir(dir)
	var out []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), prefix) {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out
}

// waitFor polls cond every 10 ms until it holds or d passes.
func waitFor(d time.Duration, cond func() bool) bool {
	for deadline := time.Now().Add(d); ; time.Sleep(10 * time.Millisecond) {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}

// processesNaming lists the live (not zombie) processes whose command
// line contains s.
func processesNaming(s string) []string {
	ents, _ := os.ReadDir("/proc")
	var out []string
	for _, e := range ents {
		if e.Name()[0] < '0' || e.Name()[0] > '9' {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		st, serr := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil || serr != nil {
			continue
		}
		if f := strings.Fields(string(st[bytes.LastIndexByte(st, ')')+1:])); len(f) == 0 || f[0] == "Z" {
			continue
		}
		b = bytes.ReplaceAll(b, []byte{0}, []byte{' '})
		if bytes.Contains(b, []byte(s)) {
			out = append(out, e.Name()+": "+string(b))
		}
	}
	return out
}

// runCleanup runs sysweight cleanup for one pid and returns its output.
func runCleanup(t *testing.T, bin string, pid int) string {
	t.Helper()
	cmd := exec.Command(bin, "cleanup", "--pid", fmt.Sprint(pid))
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(2*time.Minute, func() { _ = cmd.Process.Kill() })
	defer timer.Stop()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("cleanup --pid %d: %v\n%s%s", pid, err, out.String(), stderr.String())
	}
	return out.String()
}

// killDelays are the moments, after the instance exists, at which the
// tests kill sysweight; a fixed seed picks among them, so a failure
// reproduces.
var killDelays = []time.Duration{0, 20 * time.Millisecond, 100 * time.Millisecond, 400 * time.Millisecond, time.Second}

// After SIGKILL, trace (tracefs backend) leaves its instance, which the
// next cleanup or the next tracefs trace removes; the traced command dies
// with it (parent-death signal).
func TestSIGKILLTrace(t *testing.T) {
	requireRoot(t, "sleep")
	bin := buildBinary(t)
	root := tracefsRoot()
	rng := rand.New(rand.NewPCG(12, 6))
	for round := range 4 {
		delay := killDelays[rng.IntN(len(killDelays))]
		arg := fmt.Sprintf("30.%d%d", os.Getpid(), round) // names the traced sleep, and no other process
		cmd := exec.Command(bin, "trace", "--backend", "tracefs", "--", "sleep", arg)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		pid := cmd.Process.Pid
		prefix := fmt.Sprintf("sysweight-%d-", pid)
		if !waitFor(20*time.Second, func() bool { return len(named(root+"/instances", prefix)) > 0 }) {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			t.Fatalf("round %d: no instance %s* within 20 s", round, prefix)
		}
		time.Sleep(delay)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if !waitFor(5*time.Second, func() bool { return len(processesNaming("sleep "+arg)) == 0 }) {
			t.Errorf("round %d (killed %v after the instance): the traced command outlived sysweight: %v", round, delay, processesNaming("sleep "+arg))
			for _, p := range processesNaming("sleep " + arg) {
				var n int
				fmt.Sscan(p, &n)
				_ = syscall.Kill(n, syscall.SIGKILL)
			}
		}
		left := named(root+"/instances", prefix)
		if len(left) != 1 {
			t.Fatalf("round %d: after SIGKILL, instances %v, want one (the leak cleanup is for)", round, left)
		}
		if round%2 == 0 {
			out := runCleanup(t, bin, pid)
			if want := "removed tracefs instance " + left[0]; !strings.Contains(out, want) {
				t.Errorf("round %d: cleanup said %q, want a line %q", round, out, want)
			}
		} else {
			// the next tracefs trace sweeps it at its start
			next := exec.Command(bin, "trace", "--backend", "tracefs", "--", "true")
			timer := time.AfterFunc(time.Minute, func() { _ = next.Process.Kill() })
			out, err := next.CombinedOutput()
			timer.Stop()
			if err != nil {
				t.Fatalf("round %d: the next trace: %v\n%s", round, err, out)
			}
		}
		if l := named(root+"/instances", prefix); len(l) > 0 {
			t.Errorf("round %d (killed %v after the instance): left %v", round, delay, l)
		}
		if out := runCleanup(t, bin, pid); out != "nothing to clean\n" {
			t.Errorf("round %d: a second cleanup said %q, want nothing to clean", round, out)
		}
	}
}

// After SIGKILL, passthrough with runc-docker dies with its runtime
// (parent-death signal) and leaves its work dir, the container's state,
// cgroups and its instance; cleanup removes them all.
func TestSIGKILLPassthrough(t *testing.T) {
	requireRoot(t, "runc", "go")
	if _, err := os.Stat("/bin/busybox"); err != nil {
		t.Skip("needs a static busybox (apt-get install busybox-static)")
	}
	bin := buildBinary(t)
	probe := filepath.Join(t.TempDir(), "sysweight-probe")
	build := exec.Command("go", "build", "-o", probe, "../sysweight-probe")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the probe: %v\n%s", err, out)
	}
	root := tracefsRoot()
	rng := rand.New(rand.NewPCG(12, 6))
	delay := killDelays[rng.IntN(len(killDelays))]
	cmd := exec.Command(bin, "passthrough", "--runtime", "runc-docker", "--probe", probe, "--out", t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	prefix := fmt.Sprintf("sysweight-pt-%d-", pid)
	var work []string
	if !waitFor(60*time.Second, func() bool {
		work = named(os.TempDir(), prefix)
		return len(work) == 1 && len(named(root+"/instances", prefix)) > 0 && len(named(filepath.Join(work[0], "state"), prefix)) > 0
	}) {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("no container of %d within 60 s", pid)
	}
	id := filepath.Base(work[0])
	state := filepath.Join(work[0], "state")
	time.Sleep(delay)
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if !waitFor(10*time.Second, func() bool { return len(processesNaming(id)) == 0 }) {
		t.Errorf("killed %v after the container: processes outlived sysweight: %v", delay, processesNaming(id))
	}
	cgroups, _ := filepath.Glob("/sys/fs/cgroup/*/" + id)
	instances := named(root+"/instances", prefix)
	containers := named(state, prefix)
	t.Logf("killed %v after the container: left %s, %d cgroups, instance %v, container state %v", delay, work[0], len(cgroups), instances, containers)
	// On a loaded machine the run may be in its own clean-up when the
	// kill comes: cleanup must name what was left, whatever that is.
	var wants []string
	if _, err := os.Stat(work[0]); err == nil {
		wants = append(wants, "removed work dir "+work[0])
	}
	if len(containers) > 0 {
		wants = append(wants, "removed runc container "+id)
	}
	if len(instances) > 0 {
		wants = append(wants, "removed tracefs instance ")
	}
	out := runCleanup(t, bin, pid)
	t.Logf("cleanup:\n%s", out)
	for _, want := range wants {
		if !strings.Contains(out, want) {
			t.Errorf("cleanup said %q, want a line %q", out, want)
		}
	}
	if _, err := os.Stat(work[0]); err == nil {
		t.Errorf("work dir %s left", work[0])
	}
	// runc list would make its --root: with no state dir, no container
	if _, err := os.Stat(state); err == nil {
		if l, err := exec.Command("runc", "--root", state, "list", "-q").CombinedOutput(); strings.Contains(string(l), id) {
			t.Errorf("runc --root %s list: %s (%v)", state, l, err)
		}
	}
	if l, _ := filepath.Glob("/sys/fs/cgroup/*/" + prefix + "*"); len(l) > 0 {
		t.Errorf("cgroups left: %v", l)
	}
	if l := named(root+"/instances", prefix); len(l) > 0 {
		t.Errorf("instances left: %v", l)
	}
	if p := processesNaming(id); len(p) > 0 {
		t.Errorf("processes left: %v", p)
	}
}
