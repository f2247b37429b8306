package main

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// kernelDir is where make kernel-deb puts the kernel package and image.
func kernelDir() string {
	if d := os.Getenv("SYSWEIGHT_KERNEL_DIR"); d != "" {
		return d
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".cache", "sysweight", "kernel")
	}
	return ""
}

// buildBinary builds sysweight into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go tool to build the binary: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "sysweight")
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// ioctlProfile writes a compact Docker profile of up to rules ioctl rules,
// as many as fit in maxBytes, to path.
func ioctlProfile(t *testing.T, path string, rules, maxBytes int) string {
	t.Helper()
	var b bytes.Buffer
	b.WriteString(`{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[`)
	for i := range rules {
		rule := fmt.Sprintf(`{"names":["ioctl"],"action":"SCMP_ACT_ALLOW","args":[{"index":1,"value":%d,"op":"SCMP_CMP_EQ"}]}`, i)
		if b.Len()+len(rule)+3 > maxBytes {
			break
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(rule)
	}
	b.WriteString(`]}`)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// slowProfile writes a Docker profile of 150,000 ioctl rules (15.0 MB,
// under the 16 MiB cap) that takes about 0.7 s to decode and score.
func slowProfile(t *testing.T, dir string) string {
	t.Helper()
	return ioctlProfile(t, filepath.Join(dir, "slow.json"), 150000, 16<<20)
}

// A signal ends any command within a second: 130 for SIGINT, 143 for
// SIGTERM, one line on stderr, nothing on stdout and no output file.
// compare of three slow profiles takes over 2 s and does not look at its
// context while decoding, so it ends through main's watchdog; kernel
// analyze --out is there for its output file.
func TestSignal(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	slow := slowProfile(t, dir)
	var slows []string
	for i := range 3 {
		p := filepath.Join(dir, fmt.Sprintf("slow%d.json", i))
		if err := os.Symlink(slow, p); err != nil {
			t.Fatal(err)
		}
		slows = append(slows, p)
	}
	out := filepath.Join(dir, "out", "kernel.json")
	if err := os.Mkdir(filepath.Dir(out), 0o755); err != nil {
		t.Fatal(err)
	}
	images, _ := filepath.Glob("/boot/vmlinuz-*")
	if kdir := kernelDir(); len(images) == 0 && kdir != "" {
		images, _ = filepath.Glob(filepath.Join(kdir, "boot", "vmlinuz-*"))
	}
	// a feed server that accepts and never answers: db update waits on it
	// (its idle bound is 60 s) until the signal
	hang := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(hang)

	type command struct {
		name  string
		args  []string
		delay time.Duration // before the signal; 200 ms if 0
	}
	cmds := []command{
		{"score", []string{"score", slow, "-o", "json"}, 0},
		{"compare", append([]string{"compare"}, slows...), 0},
		{"db update", []string{"db", "update", "--cache", filepath.Join(filepath.Dir(out), "feeds"),
			"--kernel-cna-url", srv.URL + "/vulns.tar.gz", "--kernel-cves-url", srv.URL + "/kernel_cves.json", "--nvd-url", srv.URL + "/nvd"}, 0},
	}
	if len(images) > 0 {
		cmds = append(cmds, command{"kernel analyze", []string{"kernel", "analyze", images[0], "--out", out}, 0})
	} else {
		t.Log("no /boot/vmlinuz-* nor make kernel-deb's image: kernel analyze --out not checked")
	}
	if cna, err := filepath.Glob("../../../shared/data/kernel-cna/kernel-cna-cves-*.tar.xz"); err == nil && len(cna) > 0 {
		cmds = append(cmds, command{"db build", []string{"db", "build", "--kernel-cna", cna[0], "--out", filepath.Join(filepath.Dir(out), "db.json")}, 0})
	} else {
		t.Log("no ../shared/data kernel CNA snapshot: db build not checked")
	}
	// trace used to exit 0 with "exit_code": -1 when interrupted.
	if msg, err := exec.Command(bin, "trace", "--", "true").CombinedOutput(); err == nil {
		cmds = append(cmds, command{"trace", []string{"trace", "--out", out, "--", "sleep", "30"}, 0})
	} else {
		t.Logf("trace not checked: tracing here fails: %v: %s", err, bytes.TrimSpace(msg))
	}
	// passthrough: 700 ms in, runc runs the probe's container (a whole run
	// takes about 1.5 s); its cleanup stops the container and removes its
	// state, cgroups, bundle and tracefs instance before the exit.
	if os.Geteuid() == 0 {
		probe := filepath.Join(dir, "sysweight-probe")
		build := exec.Command("go", "build", "-o", probe, "sysweight/cmd/sysweight-probe")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if msg, err := build.CombinedOutput(); err != nil {
			t.Fatalf("building the probe: %v: %s", err, msg)
		}
		args := []string{"passthrough", "--runtime", "runc-docker", "--probe", probe, "--out", filepath.Dir(out)}
		if msg, err := exec.Command(bin, append(args, "--syscalls", "getpid")...).CombinedOutput(); err == nil {
			os.RemoveAll(filepath.Dir(out))
			os.Mkdir(filepath.Dir(out), 0o755)
			cmds = append(cmds, command{"passthrough", args, 700 * time.Millisecond})
		} else {
			t.Logf("passthrough not checked: a run fails here: %v: %s", err, bytes.TrimSpace(msg))
		}
	} else {
		t.Log("passthrough not checked: needs root")
	}
	for _, c := range cmds {
		for _, s := range []struct {
			sig  syscall.Signal
			code int
			line string
		}{{syscall.SIGINT, 130, "sysweight: interrupted by SIGINT\n"}, {syscall.SIGTERM, 143, "sysweight: interrupted by SIGTERM\n"}} {
			t.Run(c.name+"/"+s.sig.String(), func(t *testing.T) {
				var stdout, stderr bytes.Buffer
				cmd := exec.Command(bin, c.args...)
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				done := make(chan error, 1)
				go func() { done <- cmd.Wait() }()
				time.Sleep(cmp.Or(c.delay, 200*time.Millisecond))
				sent := time.Now()
				if err := cmd.Process.Signal(s.sig); err != nil {
					t.Fatalf("signal: %v (it ended before?)", err)
				}
				var err error
				select {
				case err = <-done:
				case <-time.After(1500 * time.Millisecond):
					cmd.Process.Kill()
					<-done
					t.Fatalf("still running 1.5 s after %v", s.sig)
				}
				took := time.Since(sent)
				var ee *exec.ExitError
				if !errors.As(err, &ee) || ee.ExitCode() != s.code {
					t.Errorf("exit %v, want status %d", err, s.code)
				}
				errs := stderr.String()
				if c.name == "passthrough" {
					// its progress lines come before
					for strings.HasPrefix(errs, "passthrough runc-docker: ") && strings.Contains(errs, " calls\n") {
						errs = errs[strings.Index(errs, "\n")+1:]
					}
				}
				if errs != s.line || stdout.Len() != 0 {
					t.Errorf("stderr %q, stdout %q; want %q and nothing", stderr.String(), stdout.String(), s.line)
				}
				if ents, _ := os.ReadDir(filepath.Dir(out)); len(ents) != 0 {
					t.Errorf("left %s", ents[0].Name())
				}
				t.Logf("exit %d %v after %v", s.code, strings.TrimSpace(stderr.String()), took.Round(time.Millisecond))
				if c.name == "passthrough" {
					// nothing of the run is left on the host
					msg, err := exec.Command(bin, "cleanup", "--dry-run").CombinedOutput()
					if err != nil || strings.TrimSpace(string(msg)) != "nothing to clean" {
						t.Errorf("cleanup --dry-run after the signal: %v: %s", err, msg)
					}
				}
			})
		}
	}
}
