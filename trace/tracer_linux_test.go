package trace

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cilium/ebpf"

	"sysweight/internal/leftovers"
	"sysweight/internal/tracefs"
)

const helperEnv = "SYSWEIGHT_TRACE_HELPER"

func TestMain(m *testing.M) {
	if b := os.Getenv(helperEnv); b != "" {
		os.Exit(helperMain(b))
	}
	os.Exit(m.Run())
}

// helperMain traces `sleep 30` the way a CLI would, printing "ready PID"
// once tracing is in place and "done" after Run returns.
func helperMain(backend string) int {
	ctx, stop := NotifyContext(context.Background())
	defer stop()
	res, err := Run(ctx, Options{Cmd: []string{"sleep", "30"}, Backend: backend,
		Started: func(pid int) { fmt.Printf("ready %d\n", pid) }})
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	fmt.Printf("done exit=%d\n", res.ExitCode)
	return 0
}

var backends = []string{BackendEBPF, BackendTracefs}

// needBackend skips unless the test runs as root and the backend works.
func needBackend(t *testing.T, name string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("tracing needs root")
	}
	fs := &lazyTracefs{}
	defer fs.close()
	b, err := newBackend(fs, name, false, false)
	if err != nil {
		t.Skipf("%s backend unavailable: %v", name, err)
	}
	if err := b.close(); err != nil {
		t.Fatal(err)
	}
}

// keepTracefsMount puts tracefs back as it was when the test ends: a
// tracer killed with SIGKILL cannot unmount the tracefs it mounted, so a
// test that kills one unmounts it when it was not mounted before.
func keepTracefsMount(t *testing.T) {
	t.Helper()
	fs, err := tracefs.Open()
	if err == nil {
		fs.Close()
		return
	}
	if !errors.Is(err, tracefs.ErrNotMounted) {
		return
	}
	t.Cleanup(func() {
		if fs, err := tracefs.Open(); err == nil {
			fs.Close()
			if err := syscall.Unmount("/sys/kernel/tracing", 0); err != nil {
				t.Errorf("tracefs was not mounted before the test: %v", err)
			}
		}
	})
}

// leftBehind lists what a tracer could leave behind: tracefs instances named
// sysweight-* and BPF programs named sw_*. BPF programs are freed after an
// RCU grace period, so with wait it waits up to 5 s for them to go.
func leftBehind(t *testing.T, wait bool) []string {
	t.Helper()
	var out []string
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		out = out[:0]
		// Mount it for the look when it is not (a tracer mounts it
		// itself and unmounts it when done); Close puts it back.
		fs, err := tracefs.OpenOrMount()
		if err != nil {
			t.Fatal(err)
		}
		names, err := fs.Instances(leftovers.Trace) // this package's naming only
		fs.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			out = append(out, "instance "+n)
		}
		for id := ebpf.ProgramID(0); ; {
			next, err := ebpf.ProgramGetNextID(id)
			if err != nil {
				break
			}
			id = next
			p, err := ebpf.NewProgramFromID(id)
			if err != nil {
				continue // freed meanwhile
			}
			if info, err := p.Info(); err == nil && strings.HasPrefix(info.Name, "sw_") {
				out = append(out, fmt.Sprintf("program %d %s", id, info.Name))
			}
			p.Close()
		}
		if !wait || len(out) == 0 || time.Now().After(deadline) {
			return out
		}
	}
}

func noLeftovers(t *testing.T) {
	t.Helper()
	if l := leftBehind(t, true); len(l) > 0 {
		t.Errorf("left behind: %v", l)
	}
}

var straceCache = map[string]map[string]uint64{}

// straceCounts runs `strace -f -c` on args and returns calls per name,
// once per command line: both backends compare against the same run.
func straceCounts(t *testing.T, args ...string) map[string]uint64 {
	t.Helper()
	key := strings.Join(args, "\x00")
	if c, ok := straceCache[key]; ok {
		return c
	}
	if _, err := exec.LookPath("strace"); err != nil {
		t.Skip("strace not installed")
	}
	out := t.TempDir() + "/strace.txt"
	cmd := exec.Command("strace", append([]string{"-f", "-c", "-o", out}, args...)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("strace: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]uint64{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		// % time  seconds  usecs/call  calls  [errors]  syscall
		f := strings.Fields(sc.Text())
		if len(f) < 5 || f[len(f)-1] == "total" || f[len(f)-1] == "syscall" {
			continue
		}
		n, err := strconv.ParseUint(f[3], 10, 64)
		if err != nil {
			continue
		}
		counts[f[len(f)-1]] = n
	}
	if len(counts) == 0 {
		t.Fatalf("no counts in strace output:\n%s", b)
	}
	straceCache[key] = counts
	return counts
}

func mustRun(t *testing.T, opts Options) (*Result, map[string]uint64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	names, err := res.ByName()
	if err != nil {
		t.Fatal(err)
	}
	return res, names
}

// dd bs=1 count=N copies N one-byte blocks: N reads and N writes, plus the
// reads of the dynamic loader and three writes of the final statistics to
// stderr. strace -f -c on the same command is the independent count; it
// leaves out exit_group, which never returns.
func TestDDMatchesStrace(t *testing.T) {
	const n = 20000
	dd := []string{"dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count=" + strconv.Itoa(n)}
	for _, v := range []struct {
		backend, method string
		perf            bool
	}{
		{BackendEBPF, "raw_tracepoint", false},
		{BackendEBPF, "tracepoint", true},
		{BackendTracefs, "trace_pipe_raw", false},
	} {
		backend := v.backend
		t.Run(v.method, func(t *testing.T) {
			needBackend(t, backend)
			if v.method == "raw_tracepoint" && runtime.GOARCH != "amd64" {
				t.Skip("raw sys_enter is used on amd64 only")
			}
			res, got := mustRun(t, Options{Cmd: dd, Backend: backend, perfTracepoint: v.perf})
			if wantRaw := !v.perf; backend == BackendEBPF && wantRaw != (res.SchedMethod == "raw_tracepoint") {
				t.Errorf("sched hooks attached as %q with perf tracepoints forced %v", res.SchedMethod, v.perf)
			}
			if res.Backend != backend || res.Method != v.method || res.Lost != 0 || res.Untracked != 0 || res.ExitCode != 0 {
				t.Fatalf("backend %s method %s lost %d untracked %d exit %d", res.Backend, res.Method, res.Lost, res.Untracked, res.ExitCode)
			}
			for _, s := range []string{"read", "write"} {
				if got[s] < n || got[s] > n+50 {
					t.Errorf("%s: %d calls, want in [%d, %d]", s, got[s], n, n+50)
				}
			}
			want := straceCounts(t, dd...)
			for name, w := range want {
				if got[name] != w {
					t.Errorf("%s: traced %d, strace %d", name, got[name], w)
				}
			}
			for name, g := range got {
				if _, ok := want[name]; !ok && name != "exit_group" {
					t.Errorf("%s: traced %d, strace none", name, g)
				}
			}
			if got["exit_group"] != 1 || res.FirstArgs[231][0] != 0 {
				t.Errorf("exit_group: %d calls, first status %d; want 1 call, status 0", got["exit_group"], res.FirstArgs[231][0])
			}
			// dd is single-threaded, so its first write is the first one
			// recorded: write(1, buf, 1) to of=/dev/null, dup'ed to fd 1.
			if a := res.FirstArgs[1]; a[0] != 1 || a[1] == 0 || a[2] != 1 {
				t.Errorf("first write args %#x, want (1, buf, 1)", a)
			}
			t.Logf("%s: read %d write %d total %d in %v", v.method, got["read"], got["write"], res.Total(), res.Duration)
			noLeftovers(t)
		})
	}
}

// The shell execs itself (1), seq in a command substitution (1) and
// /bin/true 1000 times, each in a forked child: 1002 execve, as strace -f
// counts too.
func TestFollowsThousandForks(t *testing.T) {
	sh := []string{"sh", "-c", "for i in $(seq 1000); do /bin/true; done"}
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			needBackend(t, backend)
			res, got := mustRun(t, Options{Cmd: sh, Backend: backend})
			if res.Lost != 0 || res.Untracked != 0 {
				t.Fatalf("lost %d untracked %d", res.Lost, res.Untracked)
			}
			want := straceCounts(t, sh...)
			if got["execve"] != 1002 || want["execve"] != 1002 {
				t.Errorf("execve: traced %d, strace %d, want 1002", got["execve"], want["execve"])
			}
			forks := got["clone"] + got["clone3"] + got["fork"] + got["vfork"]
			wforks := want["clone"] + want["clone3"] + want["fork"] + want["vfork"]
			if forks != wforks || forks < 1001 {
				t.Errorf("forks: traced %d, strace %d, want equal and >= 1001", forks, wforks)
			}
			// every /bin/true exits through exit_group: 1000 + seq + sh
			if got["exit_group"] != 1002 {
				t.Errorf("exit_group: %d, want 1002", got["exit_group"])
			}
			t.Logf("%s: execve %d, forks %d, %d syscalls in %v", backend, got["execve"], forks, res.Total(), res.Duration)
			noLeftovers(t)
		})
	}
}

// A running shell blocked in `read` is traced by pid; once tracing is in
// place it is let go and runs dd bs=1 count=5000.
func TestTracePID(t *testing.T) {
	const n = 5000
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			needBackend(t, backend)
			cmd := exec.Command("sh", "-c", "read x; dd if=/dev/zero of=/dev/null bs=1 count="+strconv.Itoa(n)+" 2>/dev/null")
			stdin, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Wait()
			defer cmd.Process.Kill()
			res, got := mustRun(t, Options{PID: cmd.Process.Pid, Backend: backend, Started: func(int) {
				io.WriteString(stdin, "go\n")
			}})
			if res.Root != cmd.Process.Pid || res.Lost != 0 {
				t.Errorf("root %d lost %d", res.Root, res.Lost)
			}
			for _, s := range []string{"read", "write"} {
				if got[s] < n || got[s] > n+50 {
					t.Errorf("%s: %d calls, want in [%d, %d]", s, got[s], n, n+50)
				}
			}
			if got["execve"] != 1 {
				t.Errorf("execve: %d, want 1 (dd)", got["execve"])
			}
			noLeftovers(t)
		})
	}
	t.Run("absent", func(t *testing.T) {
		if _, err := Run(context.Background(), Options{PID: 1 << 30}); !errors.Is(err, ErrNoProcess) {
			t.Errorf("err = %v, want ErrNoProcess", err)
		}
	})
}

// Cancelling ctx (what SIGINT does through NotifyContext) and killing the
// traced process both end the trace with its counts and leave nothing.
func TestEndings(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend+"/cancel", func(t *testing.T) {
			needBackend(t, backend)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			start := time.Now()
			res, err := Run(ctx, Options{Cmd: []string{"sleep", "30"}, Backend: backend,
				Started: func(int) { time.AfterFunc(300*time.Millisecond, cancel) }})
			if err != nil {
				t.Fatal(err)
			}
			names, _ := res.ByName()
			if time.Since(start) > 10*time.Second || res.ExitCode != -1 || res.Signal != "SIGKILL" || names["execve"] != 1 || names["clock_nanosleep"] != 1 {
				t.Errorf("after %v: exit %d, signal %q, counts %v; want sleep killed by SIGKILL with 1 execve, 1 clock_nanosleep", time.Since(start), res.ExitCode, res.Signal, names)
			}
			noLeftovers(t)
		})
		t.Run(backend+"/traced-killed", func(t *testing.T) {
			needBackend(t, backend)
			res, err := Run(context.Background(), Options{Cmd: []string{"sleep", "30"}, Backend: backend,
				Started: func(pid int) {
					time.AfterFunc(300*time.Millisecond, func() { syscall.Kill(pid, syscall.SIGUSR1) })
				}})
			if err != nil {
				t.Fatal(err)
			}
			if res.ExitCode != -1 || res.Signal != "SIGUSR1" || res.Duration > 10*time.Second {
				t.Errorf("exit %d, signal %q after %v; want -1, SIGUSR1", res.ExitCode, res.Signal, res.Duration)
			}
			noLeftovers(t)
		})
	}
}

// The tracer runs as a separate process (this test binary in helper mode)
// and is signalled mid-trace. SIGINT and SIGTERM clean up through
// NotifyContext. SIGKILL cannot run code: BPF links, programs and maps are
// file descriptors and go with the process; a tracefs instance stays until
// the next tracer sweeps it.
func TestTracerSignalled(t *testing.T) {
	keepTracefsMount(t)
	for _, backend := range backends {
		for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGKILL} {
			t.Run(backend+"/"+sig.String(), func(t *testing.T) {
				needBackend(t, backend)
				exe, err := os.Executable()
				if err != nil {
					t.Fatal(err)
				}
				cmd := exec.Command(exe, "-test.run=^$")
				cmd.Env = append(os.Environ(), helperEnv+"="+backend)
				out, err := cmd.StdoutPipe()
				if err != nil {
					t.Fatal(err)
				}
				cmd.Stderr = os.Stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				defer cmd.Process.Kill()
				rd := bufio.NewReader(out)
				line, err := rd.ReadString('\n')
				var sleepPid int
				if _, serr := fmt.Sscanf(line, "ready %d", &sleepPid); err != nil || serr != nil {
					t.Fatalf("helper said %q, %v", line, err)
				}
				defer syscall.Kill(sleepPid, syscall.SIGKILL)
				if l := leftBehind(t, false); len(l) == 0 {
					t.Fatal("helper is tracing but nothing of it is visible: the leftover check would pass vacuously")
				}
				cmd.Process.Signal(sig)
				rest, _ := io.ReadAll(rd)
				err = cmd.Wait()
				if sig != syscall.SIGKILL {
					if err != nil || !strings.HasPrefix(string(rest), "done exit=-1") {
						t.Errorf("helper: %v, said %q; want a clean exit after killing sleep", err, rest)
					}
					noLeftovers(t)
					return
				}
				l := leftBehind(t, backend == BackendEBPF)
				if backend == BackendEBPF {
					if len(l) > 0 {
						t.Errorf("after SIGKILL: %v", l)
					}
					return
				}
				if len(l) != 1 || !strings.HasPrefix(l[0], "instance sysweight-"+strconv.Itoa(cmd.Process.Pid)+"-") {
					t.Errorf("after SIGKILL: %v, want the helper's instance", l)
				}
				// the next tracer removes it
				mustRun(t, Options{Cmd: []string{"true"}, Backend: BackendTracefs})
				noLeftovers(t)
			})
		}
	}
}
