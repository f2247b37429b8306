package tracefs

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"sysweight/internal/leftovers"
	"sysweight/syscalls"
)

const helperEnv = "SYSWEIGHT_TRACEFS_HELPER"

// getppids is how many times the helper calls getppid: a count no other
// part of it makes by chance (the Go runtime calls getppid never).
const getppids = 37

func init() {
	// The helper's calls come from its main thread, whose id is its pid.
	if os.Getenv(helperEnv) != "" {
		runtime.LockOSThread()
	}
}

func TestMain(m *testing.M) {
	if h := os.Getenv(helperEnv); h != "" {
		os.Exit(helperMain(h))
	}
	os.Exit(m.Run())
}

func helperMain(mode string) int {
	switch mode {
	case "getppid":
		// wait for the go-ahead: the tracer's pid filter holds us then
		if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
			fmt.Fprintln(os.Stderr, "helper:", err)
			return 1
		}
		for range getppids {
			unix.Getppid()
		}
		return 0
	case "open":
		// run as an unprivileged user
		_, err := Open()
		fmt.Println("open:", errors.Is(err, ErrNeedsRoot), err)
		_, err = OpenOrMount()
		fmt.Println("mount:", errors.Is(err, ErrNeedsRoot), err)
		return 0
	case "unmounted":
		return unmountedMain()
	}
	return 2
}

// unmountedMain runs in a private mount namespace without tracefs (see
// TestMountWhenAbsent) and says what Open and OpenOrMount did.
func unmountedMain() int {
	_, err := Open()
	fmt.Println("open:", errors.Is(err, ErrNotMounted), err)
	fs, err := OpenOrMount()
	if err != nil {
		fmt.Println("mount: error", err)
		return 1
	}
	mi, _ := os.ReadFile("/proc/self/mountinfo")
	fmt.Println("mounted at:", fs.Dir(), mountPoint(mi, false))
	in, err := fs.NewInstance(Config{Tag: leftovers.Trace})
	if err != nil {
		fmt.Println("instance: error", err)
		return 1
	}
	fmt.Println("instance:", in.Name())
	if err := errors.Join(in.Close(), fs.Close()); err != nil {
		fmt.Println("close: error", err)
		return 1
	}
	mi, _ = os.ReadFile("/proc/self/mountinfo")
	fmt.Printf("after close: %q\n", mountPoint(mi, true))
	return 0
}

func needRoot(t *testing.T) *FS {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("tracefs needs root")
	}
	fs, err := Open()
	if err != nil {
		t.Skipf("no tracefs: %v", err)
	}
	t.Cleanup(func() { fs.Close() })
	return fs
}

// helper starts this binary calling getppid once it reads a line.
type helper struct {
	cmd   *exec.Cmd
	start io.WriteCloser
}

func startHelper(t *testing.T) *helper {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"=getppid")
	cmd.Stderr = os.Stderr
	w, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return &helper{cmd: cmd, start: w}
}

// tids lists the helper's threads: those it made before it was put in the
// filter are not followed by event-fork.
func (h *helper) tids(t *testing.T) []int {
	t.Helper()
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", h.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for _, e := range ents {
		n, _ := strconv.Atoi(e.Name())
		out = append(out, n)
	}
	return out
}

func (h *helper) run(t *testing.T) {
	t.Helper()
	if _, err := io.WriteString(h.start, "go\n"); err != nil {
		t.Fatal(err)
	}
	if err := h.cmd.Wait(); err != nil {
		t.Fatalf("helper: %v", err)
	}
}

// getppidNr is the host's getppid number from the syscalls table, checked
// against libseccomp's resolver where it is installed (110 on x86_64, 173
// on arm64).
func getppidNr(t *testing.T) int {
	t.Helper()
	arch, err := syscalls.ParseArch(runtime.GOARCH)
	if err != nil {
		t.Skip(err)
	}
	nr, ok := syscalls.MustForArch(arch).Number("getppid")
	if !ok {
		t.Fatal("getppid is not in the syscalls table")
	}
	if out, err := exec.Command("scmp_sys_resolver", "getppid").Output(); err == nil {
		if got := strings.TrimSpace(string(out)); got != strconv.Itoa(nr) {
			t.Fatalf("scmp_sys_resolver getppid = %s, the syscalls table %d", got, nr)
		}
	} else {
		t.Logf("scmp_sys_resolver not run (%v): getppid is %d by the syscalls table alone", err, nr)
	}
	return nr
}

// gone checks that the instance directory and its leftovers name are gone.
func gone(t *testing.T, fs *FS, in *Instance) {
	t.Helper()
	if _, err := os.Stat(in.Dir()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("instance %s after Close: %v, want it gone", in.Dir(), err)
	}
	names, err := fs.Instances(leftovers.Trace)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if n == in.Name() {
			t.Errorf("Instances still lists %s", n)
		}
	}
}

// The text reader: a helper process is traced through the pid filter while
// it calls getppid 37 times between two markers; trace_pipe gives the 37
// calls, by the helper's pid, between the markers, in that order.
func TestPipeTracesChild(t *testing.T) {
	fs := needRoot(t)
	nr := getppidNr(t)
	in, err := fs.NewInstance(Config{Tag: leftovers.Trace, BufferKB: 1024, Clock: "mono"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(in.Name(), fmt.Sprintf("sysweight-%d-", os.Getpid())) {
		t.Errorf("instance %s is not named after this process", in.Name())
	}
	defer func() {
		if err := in.Close(); err != nil {
			t.Error(err)
		}
		gone(t, fs, in)
	}()
	if b, err := os.ReadFile(in.Dir() + "/trace_clock"); err != nil || !bytes.Contains(b, []byte("[mono]")) {
		t.Errorf("trace_clock %q, %v; want mono chosen", b, err)
	}
	h := startHelper(t)
	pid := h.cmd.Process.Pid
	if n, err := in.AddPIDs(h.tids(t)...); err != nil || n == 0 {
		t.Fatalf("AddPIDs: %d, %v", n, err)
	}
	if n, err := in.AddPIDs(pid); err != nil || n != 0 {
		t.Errorf("adding %d again: %d new, %v; want 0", pid, n, err)
	}
	if err := in.Enable("raw_syscalls/sys_enter"); err != nil {
		t.Fatal(err)
	}
	p, err := in.OpenPipe()
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	p.Start(func(l []byte) error {
		lines = append(lines, string(l))
		return nil
	})
	if err := in.SetOn(true); err != nil {
		t.Fatal(err)
	}
	if err := in.Mark("sysweight test before"); err != nil {
		t.Fatal(err)
	}
	h.run(t)
	if err := in.Mark("sysweight test after"); err != nil {
		t.Fatal(err)
	}
	if err := p.Stop(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	// "<comm>-<tid> (<tgid>) [cpu] flags ts: sys_enter: NR 110 (…)"
	want := regexp.MustCompile(fmt.Sprintf(`-%d +\( *%d\) \[`, pid, pid))
	state, calls := "", 0
	for _, l := range lines {
		switch {
		case strings.HasSuffix(l, ": tracing_mark_write: sysweight test before"):
			state = "between"
		case strings.HasSuffix(l, ": tracing_mark_write: sysweight test after"):
			state = "after"
		case strings.Contains(l, fmt.Sprintf(": sys_enter: NR %d (", nr)):
			if !want.MatchString(l) {
				t.Errorf("getppid by another task: %q", l)
			}
			if state != "between" {
				t.Errorf("getppid %s the markers: %q", map[string]string{"": "before", "after": "after"}[state], l)
			}
			calls++
		case strings.Contains(l, "tracing_mark_write: sysweight stop"):
			t.Errorf("the stop marker reached the caller: %q", l)
		}
	}
	if state != "after" || calls != getppids {
		t.Errorf("saw markers up to %q and %d getppid calls; want both markers and %d calls:\n%s", state, calls, getppids, strings.Join(lines, "\n"))
	}
}

// The binary reader: the same helper, read from the per-CPU buffers and
// decoded with the host's sys_enter format.
func TestRawTracesChild(t *testing.T) {
	fs := needRoot(t)
	nr := getppidNr(t)
	b, err := fs.ReadFile("events/raw_syscalls/sys_enter/format")
	if err != nil {
		t.Fatal(err)
	}
	f, err := ParseFormat(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	pidF, _ := f.Field("common_pid")
	idF, _ := f.Field("id")
	in, err := fs.NewInstance(Config{Tag: leftovers.Trace, BufferKB: 1024})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := in.Close(); err != nil {
			t.Error(err)
		}
		gone(t, fs, in)
	}()
	h := startHelper(t)
	pid := h.cmd.Process.Pid
	if _, err := in.AddPIDs(h.tids(t)...); err != nil {
		t.Fatal(err)
	}
	if err := in.Enable("raw_syscalls/sys_enter"); err != nil {
		t.Fatal(err)
	}
	r, err := in.OpenRaw()
	if err != nil {
		t.Fatal(err)
	}
	if r.CPUs() != runtime.NumCPU() {
		t.Logf("%d per-CPU buffers, %d CPUs usable here", r.CPUs(), runtime.NumCPU())
	}
	le := binary.LittleEndian
	calls, others, events := 0, 0, 0
	r.Start(func(cpu int, p Page) error {
		_, err := p.Events(func(ts uint64, rec []byte) {
			if int(le.Uint16(rec)) != f.ID {
				return
			}
			events++
			if int(le.Uint64(rec[idF.Offset:])) != nr {
				return
			}
			if int(int32(le.Uint32(rec[pidF.Offset:]))) == pid {
				calls++
			} else {
				others++
			}
		})
		return err
	})
	if err := in.SetOn(true); err != nil {
		t.Fatal(err)
	}
	h.run(t)
	if err := r.Stop(); err != nil {
		t.Fatal(err)
	}
	if calls != getppids || others != 0 {
		t.Errorf("getppid: %d calls by the helper, %d by others, of %d events; want %d and 0", calls, others, events, getppids)
	}
	if lost, err := in.Lost(); err != nil || lost != 0 {
		t.Errorf("lost %d, %v", lost, err)
	}
	if b, err := os.ReadFile(in.Dir() + "/tracing_on"); err != nil || string(b) != "0\n" {
		t.Errorf("tracing_on after Stop: %q, %v", b, err)
	}
}

// Close removes an instance whose readers were never stopped, and a
// leftover of a dead owner is swept by the next NewInstance.
func TestCloseAndSweep(t *testing.T) {
	fs := needRoot(t)
	in, err := fs.NewInstance(Config{Tag: leftovers.Passthrough})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := in.OpenRaw(); err != nil {
		t.Fatal(err)
	}
	p, err := in.OpenPipe()
	if err != nil {
		t.Fatal(err)
	}
	p.Start(func([]byte) error { return nil })
	if err := in.Enable("raw_syscalls/sys_enter"); err != nil {
		t.Fatal(err)
	}
	if err := in.SetOn(true); err != nil {
		t.Fatal(err)
	}
	if err := in.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(in.Dir()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s after Close: %v", in.Dir(), err)
	}
	if err := in.Close(); err != nil {
		t.Errorf("a second Close: %v", err)
	}

	// an owner that exited: a child that is waited for
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	left := leftovers.NewName(leftovers.Passthrough, leftovers.Owner{PID: dead.Process.Pid, Start: 1})
	if err := os.Mkdir(fs.Path("instances/"+left), 0o700); err != nil {
		t.Fatal(err)
	}
	in2, err := fs.NewInstance(Config{Tag: leftovers.Trace})
	if err != nil {
		t.Fatal(err)
	}
	defer in2.Close()
	if _, err := os.Stat(fs.Path("instances/" + left)); !errors.Is(err, os.ErrNotExist) {
		_ = unix.Rmdir(fs.Path("instances/" + left))
		t.Errorf("the leftover %s survived NewInstance: %v", left, err)
	}
}

// Without root, Open and OpenOrMount say so with ErrNeedsRoot (the helper
// runs as nobody).
func TestNeedsRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		_, err := Open()
		if !errors.Is(err, ErrNeedsRoot) {
			t.Errorf("Open as uid %d: %v, want ErrNeedsRoot", os.Geteuid(), err)
		}
		return
	}
	// a copy that nobody may run: go test's own directory is root's alone
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "tracefs-test")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir+"/tracefs.test", b, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(dir+"/tracefs.test", "-test.run=^$")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), helperEnv+"=open")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Skipf("cannot run this test binary as nobody: %v: %s", err, out)
	}
	want := "open: true tracefs needs root\nmount: true tracefs needs root\n"
	if string(out) != want {
		t.Errorf("as nobody: %q, want %q", out, want)
	}
}

// In a private mount namespace where tracefs is unmounted, Open says
// ErrNotMounted and OpenOrMount mounts it at /sys/kernel/tracing, makes an
// instance there (the host's tracefs: one superblock) and unmounts again.
func TestMountWhenAbsent(t *testing.T) {
	needRoot(t)
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("needs unshare (util-linux)")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("unshare", "-m", "--propagation", "private", "sh", "-c",
		`umount -l /sys/kernel/tracing 2>/dev/null; umount -l /sys/kernel/debug/tracing 2>/dev/null; exec "$0" -test.run='^$'`, exe)
	cmd.Env = append(os.Environ(), helperEnv+"=unmounted")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helper in a private mount namespace: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 4 || lines[0] != "open: true "+ErrNotMounted.Error() ||
		lines[1] != "mounted at: /sys/kernel/tracing /sys/kernel/tracing" ||
		!strings.HasPrefix(lines[2], "instance: sysweight-") || lines[3] != `after close: ""` {
		t.Errorf("helper said:\n%s", out)
	}
	// the host's tracefs, seen from here, has no such instance left
	if len(lines) > 2 {
		name := strings.TrimPrefix(lines[2], "instance: ")
		if _, err := os.Stat(Canonical + "/instances/" + name); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("instance %s left on the host: %v", name, err)
		}
	}
}

// benchReader traces `dd bs=1 count=200000` (400,000 reads and writes) in
// a 16 MiB instance per iteration with one of the readers and reports the
// events read, those lost, and this process's CPU time (the reader's, as
// dd runs apart) per event.
func benchReader(b *testing.B, text bool) {
	if os.Geteuid() != 0 {
		b.Skip("tracefs needs root")
	}
	fs, err := Open()
	if err != nil {
		b.Skip(err)
	}
	defer fs.Close()
	var events, lost uint64
	var cpu time.Duration
	for range b.N {
		in, err := fs.NewInstance(Config{Tag: leftovers.Trace, BufferKB: 16384, Clock: map[bool]string{true: "mono"}[text]})
		if err != nil {
			b.Fatal(err)
		}
		dd := exec.Command("sh", "-c", "read x; exec dd if=/dev/zero of=/dev/null bs=1 count=200000 2>/dev/null")
		w, _ := dd.StdinPipe()
		if err := dd.Start(); err != nil {
			b.Fatal(err)
		}
		if _, err := in.AddPIDs(dd.Process.Pid); err != nil {
			b.Fatal(err)
		}
		if err := in.Enable("raw_syscalls/sys_enter"); err != nil {
			b.Fatal(err)
		}
		var n uint64
		before := rusage()
		if text {
			p, err := in.OpenPipe()
			if err != nil {
				b.Fatal(err)
			}
			p.Start(func(l []byte) error {
				if bytes.Contains(l, []byte(": sys_enter: ")) {
					n++
				}
				return nil
			})
			_ = in.SetOn(true)
			io.WriteString(w, "\n")
			_ = dd.Wait()
			if err := p.Stop(time.Minute); err != nil {
				b.Fatal(err)
			}
		} else {
			r, err := in.OpenRaw()
			if err != nil {
				b.Fatal(err)
			}
			r.Start(func(_ int, p Page) error {
				_, err := p.Events(func(uint64, []byte) { n++ })
				return err
			})
			_ = in.SetOn(true)
			io.WriteString(w, "\n")
			_ = dd.Wait()
			if err := r.Stop(); err != nil {
				b.Fatal(err)
			}
		}
		cpu += rusage() - before
		l, _ := in.Lost()
		lost += l
		events += n
		if err := in.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(events)/float64(b.N), "events/op")
	b.ReportMetric(float64(lost)/float64(b.N), "lost/op")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(events), "cpu-ns/event")
}

func rusage() time.Duration {
	var ru unix.Rusage
	_ = unix.Getrusage(unix.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkRawReader(b *testing.B)  { benchReader(b, false) }
func BenchmarkPipeReader(b *testing.B) { benchReader(b, true) }
