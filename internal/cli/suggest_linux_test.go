//go:build linux

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	mobyseccomp "github.com/moby/profiles/seccomp"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"sysweight/internal/leftovers"
	"sysweight/passthrough"
	"sysweight/runtimes"
)

// TestSuggestRoundTrip does what a user of suggest does, for real: trace
// busybox wget fetching a page from a local server, suggest a profile
// from the trace, run the same wget under runc with that profile, and
// check that it still gets the page while a syscall it never made is now
// refused. Needs root, tracefs or BPF for trace, runc and a static
// busybox (scripts/install-deps.sh installs them); skips, saying which,
// without them.
//
// What it shows, beside the wget runs: runc 1.1 cannot start the
// container under the runc-nnp profile without noNewPrivileges (the
// calls runc makes for capabilities and ids are refused), so the extra
// calls of --runtime-calls runc are needed there; busybox mkdir (mkdir,
// nr 83) and busybox pwd (getcwd, nr 79), which strace shows making
// those calls, succeed under Docker's default profile and get EPERM under
// the suggested ones (getcwd only where runc does not need it: runc-nnp).
func TestSuggestRoundTrip(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: trace and runc")
	}
	runc, err := leftovers.LookTool("runc")
	if err != nil {
		t.Skipf("%v (apt-get install runc)", err)
	}
	busybox, err := passthrough.StaticBusybox()
	if err != nil {
		t.Skip(err)
	}
	// The page comes in two parts: the headers at once, the body 200 ms
	// later. busybox wget polls only when a read of the body finds
	// nothing, which with the body sent at once happens on some runs and
	// not on others; one trace would then hold poll or not by chance.
	const page = "sysweight suggest round trip\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(page)))
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		time.Sleep(200 * time.Millisecond)
		io.WriteString(w, page)
	}))
	defer srv.Close()
	url := srv.URL + "/page"
	dir := t.TempDir()

	// 1. trace the workload on the host
	traced := filepath.Join(dir, "wget.trace.json")
	code, _, errs := run(t, "trace", "--out", traced, "--", busybox, "wget", "-q", "-O", "-", url)
	if code == exitFailure && !fileExists(traced) {
		t.Skipf("trace cannot run here: %s", errs)
	}
	if code != 0 || !strings.Contains(errs, page) { // the command's output goes to trace's stderr
		t.Fatalf("trace of wget: exit %d, stderr %q", code, errs)
	}
	var e struct{ Entries []struct{ Syscall string } }
	b, err := os.ReadFile(traced)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	var used []string
	for _, en := range e.Entries {
		used = append(used, en.Syscall)
	}
	slices.Sort(used)
	t.Logf("traced %d syscalls: %s", len(used), strings.Join(used, " "))
	for _, s := range []string{"socket", "connect", "poll", "execve"} {
		if !slices.Contains(used, s) {
			t.Errorf("the trace lacks %s", s)
		}
	}
	// a second tool: strace -f sees the same syscalls
	if st := straceNames(t, busybox, "wget", "-q", "-O", "-", url); st != nil && !slices.Equal(st, used) {
		t.Errorf("strace -f saw %s\n trace saw %s", strings.Join(st, " "), strings.Join(used, " "))
	}

	// 2. suggest, for runc with and without noNewPrivileges
	profiles := map[string]*specs.LinuxSeccomp{}
	for _, rc := range []string{"runc", "runc-nnp"} {
		out := filepath.Join(dir, rc+".profile.json")
		s := runSuggestJSON(t, "--trace", traced, "--runtime-calls", rc, "--out", out)
		if len(s.Refused) != 0 {
			t.Fatalf("%s: runc-docker refuses %v", rc, s.Refused)
		}
		t.Logf("%s: %d allowed, score %.2f → %.2f", rc, len(s.Allowed), s.BaseScore.Score, s.Suggested.Score)
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		var p specs.LinuxSeccomp
		if err := json.Unmarshal(b, &p); err != nil {
			t.Fatal(err)
		}
		profiles[rc] = &p
	}
	// the witnesses are syscalls wget never made, and runc-nnp does not add
	for _, s := range []string{"mkdir", "getcwd"} {
		if slices.Contains(used, s) {
			t.Fatalf("wget made %s: not a witness", s)
		}
	}
	if st := straceNames(t, busybox, "mkdir", filepath.Join(dir, "d")); st != nil && !slices.Contains(st, "mkdir") {
		t.Errorf("strace: busybox mkdir makes %v, no mkdir", st)
	}
	if st := straceNames(t, busybox, "pwd"); st != nil && !slices.Contains(st, "getcwd") {
		t.Errorf("strace: busybox pwd makes %v, no getcwd", st)
	}

	// 3. run under runc
	docker := func(spec *specs.Spec) *specs.LinuxSeccomp {
		p, err := mobyseccomp.GetDefaultProfile(spec)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct {
		name    string
		profile string // "docker" for Docker's default
		nnp     bool
		args    []string
		exit    int    // 0, or non-zero
		stdout  string // exact, when exit is 0
		stderr  string // a part, when exit is not 0
	}{
		{"wget, runc profile", "runc", false, []string{"wget", "-q", "-O", "-", url}, 0, page, ""},
		{"wget, runc-nnp profile, noNewPrivileges", "runc-nnp", true, []string{"wget", "-q", "-O", "-", url}, 0, page, ""},
		{"runc-nnp profile without noNewPrivileges", "runc-nnp", false, []string{"wget", "-q", "-O", "-", url}, 1, "", "operation not permitted"},
		{"mkdir, Docker's profile", "docker", false, []string{"mkdir", "/dev/shm/x"}, 0, "", ""},
		{"mkdir, runc profile", "runc", false, []string{"mkdir", "/dev/shm/x"}, 1, "", "mkdir: can't create directory '/dev/shm/x': Operation not permitted"},
		{"pwd, Docker's profile", "docker", true, []string{"pwd"}, 0, "/\n", ""},
		{"pwd, runc-nnp profile", "runc-nnp", true, []string{"pwd"}, 1, "", "pwd: getcwd: Operation not permitted"},
	} {
		t.Run(c.name, func(t *testing.T) {
			spec := passthrough.Spec(append([]string{"/bin/busybox"}, c.args...), runtimes.DockerDefaultCaps)
			spec.Process.NoNewPrivileges = c.nnp
			spec.Hostname = "suggest"
			// the host's network namespace: the server is on its loopback
			spec.Linux.Namespaces = slices.DeleteFunc(spec.Linux.Namespaces, func(n specs.LinuxNamespace) bool { return n.Type == specs.NetworkNamespace })
			if c.profile == "docker" {
				spec.Linux.Seccomp = docker(spec)
			} else {
				spec.Linux.Seccomp = profiles[c.profile]
			}
			code, stdout, stderr := runcRun(t, runc, spec, busybox)
			t.Logf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
			switch {
			case c.exit == 0 && (code != 0 || stdout != c.stdout):
				t.Errorf("exit %d, stdout %q; want 0, %q (stderr %q)", code, stdout, c.stdout, stderr)
			case c.exit != 0 && (code == 0 || !strings.Contains(stderr, c.stderr)):
				t.Errorf("exit %d, stderr %q; want a failure saying %q", code, stderr, c.stderr)
			}
		})
	}
}

// TestSuggestProbeRefusals: the errno a syscall the workload never made
// gets. The workload is sysweight-probe, a Go program that forks a child
// per call, traced calling getppid; the suggested profile (runc-nnp,
// run with noNewPrivileges) names syscalls up to clone3 (435, Docker's
// ENOSYS kept). The probe then calls getcwd (79), landlock_create_ruleset
// (444) and memfd_secret (447) inside runc: getcwd gets the default EPERM,
// and the two numbered above every syscall the profile names get ENOSYS
// from the stub runc 1.1 puts before the filter; under Docker's profile
// the three reach the kernel (ERANGE, EINVAL, EINVAL for the probe's
// arguments). Needs root, trace, runc and the go command.
func TestSuggestProbeRefusals(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: trace and runc")
	}
	runc, err := leftovers.LookTool("runc")
	if err != nil {
		t.Skipf("%v (apt-get install runc)", err)
	}
	dir := t.TempDir()
	probe, err := passthrough.BuildProbe(context.Background(), "", dir)
	if err != nil {
		t.Skipf("no probe: %v", err)
	}
	traced := filepath.Join(dir, "probe.trace.json")
	code, _, errs := run(t, "trace", "--out", traced, "--", probe, "-free", "-syscalls", "getppid")
	if code == exitFailure && !fileExists(traced) {
		t.Skipf("trace cannot run here: %s", errs)
	}
	if code != 0 {
		t.Fatalf("trace of the probe: exit %d: %s", code, errs)
	}
	out := filepath.Join(dir, "probe.profile.json")
	s := runSuggestJSON(t, "--trace", traced, "--runtime-calls", "runc-nnp", "--out", out)
	calls := []string{"getcwd", "landlock_create_ruleset", "memfd_secret"}
	for _, c := range calls {
		if slices.Contains(s.Allowed, c) {
			t.Fatalf("the profile allows %s", c)
		}
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var p specs.LinuxSeccomp
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		profile *specs.LinuxSeccomp
		want    []string // the errno of each call
	}{
		{"suggested", &p, []string{"EPERM", "ENOSYS", "ENOSYS"}},
		{"Docker's", nil, []string{"ERANGE", "EINVAL", "EINVAL"}},
	} {
		spec := passthrough.Spec([]string{"/bin/sysweight-probe", "-free", "-syscalls", strings.Join(calls, ",")}, runtimes.DockerDefaultCaps)
		spec.Process.NoNewPrivileges = true
		spec.Linux.Seccomp = c.profile
		if c.profile == nil {
			if spec.Linux.Seccomp, err = mobyseccomp.GetDefaultProfile(spec); err != nil {
				t.Fatal(err)
			}
		}
		code, stdout, stderr := runcRun(t, runc, spec, probe)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.name, code, stderr)
		}
		var got []string
		for _, l := range strings.Split(stdout, "\n") {
			pl, ok, err := passthrough.ParseProbeLine([]byte(l))
			if err != nil {
				t.Fatal(err)
			}
			if ok && pl.Event == "end" && pl.Name != passthrough.Nop {
				got = append(got, pl.Name+" "+pl.Errno)
			}
		}
		var want []string
		for i, e := range c.want {
			want = append(want, calls[i]+" "+e)
		}
		if !slices.Equal(got, want) {
			t.Errorf("under %s profile: %v, want %v", c.name, got, want)
		}
	}
}

// runcRun runs spec's process in a bundle of its own, whose rootfs holds
// each of bins as /bin/BASE, under runc run and returns its exit status
// and output. The work directory and container id
// are named for this process (package leftovers), so sysweight cleanup
// finds them should the test be killed (runc gets SIGKILL then, as
// passthrough's runtimes do); otherwise the container, its cgroups and
// the directory are removed on every path.
func runcRun(t *testing.T, runc string, spec *specs.Spec, bins ...string) (int, string, string) {
	t.Helper()
	id := leftovers.NewName(leftovers.Passthrough, leftovers.Self())
	work := filepath.Join(os.TempDir(), id)
	state, bundle := filepath.Join(work, "state"), filepath.Join(work, "bundle")
	if err := os.MkdirAll(filepath.Join(bundle, "rootfs", "bin"), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		exec.Command(runc, "--root", state, "kill", id, "KILL").Run()
		exec.Command(runc, "--root", state, "delete", "-f", id).Run()
		if err := leftovers.RemoveCgroups(id); err != nil {
			t.Errorf("cgroups of %s: %v", id, err)
		}
		if err := os.RemoveAll(work); err != nil {
			t.Errorf("removing %s: %v", work, err)
		}
	})
	for _, bin := range bins {
		b, err := os.ReadFile(bin)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(bundle, "rootfs", "bin", filepath.Base(bin)), b, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{"proc", "dev", "sys"} {
		if err := os.Mkdir(filepath.Join(bundle, "rootfs", d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := json.MarshalIndent(spec, "", "\t")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bundle, "config.json"), cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, runc, "--root", state, "run", "--bundle", bundle, id)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // runc dies with the test
	err = cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, stdout.String(), stderr.String()
	case errors.As(err, &ee) && ctx.Err() == nil:
		return ee.ExitCode(), stdout.String(), stderr.String()
	}
	t.Fatalf("runc run: %v (stderr %q)", err, stderr.String())
	return 0, "", ""
}

// straceNames lists the syscalls strace -f sees a command make, sorted,
// each once; nil when strace is not installed.
func straceNames(t *testing.T, args ...string) []string {
	t.Helper()
	strace, err := exec.LookPath("strace")
	if err != nil {
		t.Logf("strace not installed: not cross-checked (apt-get install strace)")
		return nil
	}
	log := filepath.Join(t.TempDir(), "strace.log")
	cmd := exec.Command(strace, append([]string{"-f", "-qq", "-o", log}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("strace %v: %v: %s", args, err, out)
	}
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range strings.Split(string(b), "\n") {
		// "PID name(args) = ret", or "PID <... name resumed> ..."
		f := strings.Fields(l)
		if len(f) < 2 || strings.HasPrefix(f[1], "<...") || strings.HasPrefix(f[1], "+++") || strings.HasPrefix(f[1], "---") {
			continue
		}
		if i := strings.IndexByte(f[1], '('); i > 0 && !slices.Contains(names, f[1][:i]) {
			names = append(names, f[1][:i])
		}
	}
	slices.Sort(names)
	return names
}
