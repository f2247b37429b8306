package passthrough

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"sysweight/internal/hostguard"
	"sysweight/internal/infile"
	"sysweight/internal/leftovers"
	"sysweight/syscalls"
)

// launch is how one runtime is started and torn down.
type launch struct {
	cmd      []string          // the command that runs the probe in the sandbox
	cleanup  func() error      // stops the sandbox and removes the runtime's state, whatever happened
	versions map[string]string // runtime versions for the provenance
	notes    []string
}

// Run measures opts.Runtime: it builds the sandbox around the probe,
// traces the host while the probe runs, and returns the matrix. On every
// exit path (error, ctx cancelled, timeout) it kills the sandbox, removes
// the runtime's state, the bundle and the tracefs instance. It needs root.
func Run(ctx context.Context, opts Options) (m *Matrix, err error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	defer hostguard.Hold()() // an interrupted process waits for the cleanup below
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("%w: running runtimes and tracing needs root", ErrMissing)
	}
	if !isStatic(opts.Probe) {
		return nil, fmt.Errorf("%w: probe %s is missing or not a static binary (build with CGO_ENABLED=0)", ErrMissing, opts.Probe)
	}
	logw := opts.Log
	if logw == nil {
		logw = io.Discard
	}
	started := time.Now()
	ctx, cancel := context.WithTimeout(ctx, opts.timeout())
	defer cancel()

	// What runs killed by SIGKILL left (their containers, cgroups, work
	// directories and instances) goes first; a failure to remove it is
	// reported but does not stop this run.
	if _, _, serr := leftovers.Sweep(ctx, leftovers.Scope{Dirs: sweepDirs(opts.WorkDir)}); serr != nil {
		fmt.Fprintf(logw, "passthrough: leftovers of earlier runs: %v\n", serr)
	}
	// One name, after this process, for the work directory and the
	// container id (and so the runtime's cgroups), so that a later run
	// can tell they are left over once this process is gone.
	id := leftovers.NewName(leftovers.Passthrough, leftovers.Self())
	workDir := opts.WorkDir
	if workDir == "" {
		workDir = os.TempDir()
	}
	work := filepath.Join(workDir, id)
	if err := os.Mkdir(work, 0o700); err != nil {
		return nil, err
	}
	defer func() {
		// runsc bind-mounts a network namespace file into its state
		// directory (null-netns) and may leave it behind.
		if uerr := leftovers.UnmountUnder(work); uerr != nil {
			err = errors.Join(err, uerr)
		}
		if rerr := os.RemoveAll(work); rerr != nil {
			err = errors.Join(err, fmt.Errorf("removing %s: %w", work, rerr))
		}
	}()
	probeArgs := []string{"-timeout", opts.callTimeout().String()}
	if len(opts.Syscalls) > 0 {
		probeArgs = append(probeArgs, "-syscalls", strings.Join(opts.Syscalls, ","))
	}
	l, err := prepare(ctx, opts, work, id, probeArgs)
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := l.cleanup(); cerr != nil {
			err = errors.Join(err, cerr)
		}
	}()

	col, err := NewCollector(syscalls.X86_64)
	if err != nil {
		return nil, err
	}
	tr, err := newTracer(col)
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := tr.close(); cerr != nil {
			err = errors.Join(err, cerr)
		}
	}()

	if err := drive(ctx, opts, l, tr, col, logw); err != nil {
		return nil, err
	}
	if err := tr.stop(30 * time.Second); err != nil {
		return nil, fmt.Errorf("tracing: %w", err)
	}
	m = col.Matrix()
	m.Runtime = opts.Runtime
	m.Date = started.UTC().Format(time.RFC3339)
	m.HostKernel = hostRelease()
	m.Versions = l.versions
	m.Notes = append(l.notes, m.Notes...)
	m.WallSeconds = time.Since(started).Seconds()
	if m.Sandbox.GVisor {
		for i := range m.Calls {
			m.Calls[i].Inside.Emulated = true
		}
	}
	if len(m.Calls) == 0 {
		return m, fmt.Errorf("%w: the probe made no call (see the runtime's output)", ErrProbe)
	}
	return m, nil
}

// drive starts the launcher under the tracer and answers the probe until
// it exits.
func drive(ctx context.Context, opts Options, l *launch, tr *tracer, col *Collector, logw io.Writer) error {
	goR, goW, err := os.Pipe()
	if err != nil {
		return err
	}
	defer goR.Close()
	defer goW.Close()
	// The shell waits for the go-ahead so that the tracer's pid filter holds
	// it before the runtime starts; event-fork then adds every descendant.
	args := append([]string{"-c", `read _ <&3; exec 3<&-; exec "$@"`, "sh"}, l.cmd...)
	cmd := exec.Command("/bin/sh", args...)
	cmd.ExtraFiles = []*os.File{goR}
	// A SIGKILL of sysweight kills the runtime too (runc then kills its
	// container). The kernel sends the parent-death signal when the thread
	// that forked exits: Start runs on a locked thread, unlocked after, so
	// the fork comes from an ordinary runtime thread, which Go never ends
	// (only a goroutine that exits locked ends its thread).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	var stderr tailBuffer
	cmd.Stderr = io.MultiWriter(&stderr, logw)
	runtime.LockOSThread()
	err = cmd.Start()
	runtime.UnlockOSThread()
	if err != nil {
		return fmt.Errorf("starting %s: %w", l.cmd[0], err)
	}
	var killOnce sync.Once
	kill := func() {
		killOnce.Do(func() {
			// runsc ignores SIGTERM; the whole group goes at once.
			_ = unix.Kill(-cmd.Process.Pid, unix.SIGKILL)
		})
	}
	exited := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			kill()
		case <-exited:
		}
	}()
	col.SetLauncher(cmd.Process.Pid)
	if err := tr.start(cmd.Process.Pid); err != nil {
		kill()
		_ = cmd.Wait()
		close(exited)
		return err
	}
	goW.Close()

	var perr error
	var gvisor bool
	var other tailBuffer
	ack := func() {
		if _, err := stdin.Write([]byte{'\n'}); err != nil && perr == nil {
			perr = fmt.Errorf("answering the probe: %w", err)
		}
	}
	mark := func(s string) {
		if s == "" {
			return
		}
		if err := tr.mark(s); err != nil && perr == nil {
			perr = err
		}
	}
	calls, total := 0, 0
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		pl, ok, err := ParseProbeLine(sc.Bytes())
		if err != nil {
			// a console message can cut into a line under qemu: report, go on
			fmt.Fprintf(logw, "passthrough: %v\n", err)
			continue
		}
		if !ok {
			other.Write(append(sc.Bytes(), '\n'))
			if t := bytes.TrimSpace(sc.Bytes()); len(t) > 0 {
				fmt.Fprintf(logw, "%s: %s\n", opts.Runtime, t)
			}
			continue
		}
		switch pl.Event {
		case "hello":
			col.Hello(pl)
			col.SetRoles(sandboxRoles(os.DirFS("/proc"), cmd.Process.Pid))
			mark(runBeginMarker)
			gvisor = pl.GVisor != nil && *pl.GVisor
			if pl.Calls != nil {
				total = *pl.Calls
			}
		case "begin":
			marker, err := col.Declare(pl)
			if err != nil {
				fmt.Fprintf(logw, "passthrough: %v\n", err)
			}
			mark(marker)
			ack()
		case "end":
			mark(col.Answer(pl, gvisor))
			ack()
		case "result":
			mark(col.Answer(pl, gvisor))
			if pl.Name != Nop {
				calls++
				if calls%50 == 0 {
					fmt.Fprintf(logw, "passthrough %s: %d/%d calls\n", opts.Runtime, calls, total)
				}
			}
		case "skip":
			col.Skip(pl)
		case "done":
			col.Done(pl)
			mark(runEndMarker)
		case "error":
			fmt.Fprintf(logw, "passthrough: probe error: %s %s\n", pl.Name, pl.Reason)
		}
	}
	stdin.Close()
	werr := cmd.Wait()
	close(exited)
	// Stopped: the runtime's death by kill's SIGKILL is no error of its
	// own (Wait may return before or after kill does).
	if ctx.Err() != nil {
		return fmt.Errorf("%s stopped: %w", opts.Runtime, ctx.Err())
	}
	if perr != nil {
		return perr
	}
	if werr != nil && calls == 0 {
		return fmt.Errorf("%s: %v: %s%s", opts.Runtime, werr, stderr.String(), other.String())
	}
	if werr != nil {
		fmt.Fprintf(logw, "passthrough %s: runtime exited: %v\n", opts.Runtime, werr)
	}
	return nil
}

// prepare builds the bundle or initramfs and the command for opts.Runtime.
func prepare(ctx context.Context, opts Options, work, id string, probeArgs []string) (*launch, error) {
	busybox := opts.Tools.Busybox
	if busybox == "" {
		var err error
		if busybox, err = StaticBusybox(); err != nil {
			return nil, err
		}
	}
	if !isStatic(busybox) {
		return nil, fmt.Errorf("%w: %s is not a static busybox (apt-get install busybox-static)", ErrMissing, busybox)
	}
	state := filepath.Join(work, "state")
	bundle := filepath.Join(work, "bundle")
	if err := os.MkdirAll(bundle, 0o755); err != nil {
		return nil, err
	}
	l := &launch{versions: map[string]string{}, cleanup: func() error { return nil }}
	switch opts.Runtime {
	case RuncDocker, RuncUnconfined:
		runc, err := findTool(opts.Tools.Runc, "runc")
		if err != nil {
			return nil, err
		}
		note, err := writeBundle(bundle, opts.Runtime, opts.Probe, busybox, "", probeArgs)
		if err != nil {
			return nil, err
		}
		l.notes = append(l.notes, note)
		l.versions["runc"] = toolVersion(ctx, runc, "--version")
		l.cmd = []string{runc, "--root", state, "run", "--bundle", bundle, id}
		l.cleanup = func() error {
			quiet(runc, "--root", state, "kill", id, "KILL")
			quiet(runc, "--root", state, "delete", "-f", id)
			return errors.Join(checkGone(state, id), leftovers.RemoveCgroups(id))
		}
	case CrunPodman:
		crun, err := findTool(opts.Tools.Crun, "crun")
		if err != nil {
			return nil, err
		}
		unshare, err := findTool(opts.Tools.Unshare, "unshare")
		if err != nil {
			return nil, err
		}
		if opts.PodmanProfile == "" {
			return nil, fmt.Errorf("%w: crun-podman needs Podman's seccomp profile (Options.PodmanProfile)", ErrMissing)
		}
		note, err := writeBundle(bundle, opts.Runtime, opts.Probe, busybox, opts.PodmanProfile, probeArgs)
		if err != nil {
			return nil, err
		}
		l.notes = append(l.notes, note, "crun runs in a private mount namespace with /sys/fs/cgroup/unified unmounted: crun 1.8 refuses hybrid cgroup hierarchies")
		l.versions["crun"] = toolVersion(ctx, crun, "--version")
		wrap := func(args ...string) []string { return leftovers.CrunArgs(unshare, crun, state, args...) }
		l.cmd = wrap("run", "--bundle", bundle, id)
		l.cleanup = func() error {
			c := wrap("kill", id, "KILL")
			quiet(c[0], c[1:]...)
			c = wrap("delete", "-f", id)
			quiet(c[0], c[1:]...)
			return errors.Join(checkGone(state, id), leftovers.RemoveCgroups(id))
		}
	case RunscSystrap, RunscPtrace:
		runsc, err := findTool(opts.Tools.Runsc, "runsc")
		if err != nil {
			return nil, err
		}
		note, err := writeBundle(bundle, opts.Runtime, opts.Probe, busybox, "", probeArgs)
		if err != nil {
			return nil, err
		}
		platform := strings.TrimPrefix(opts.Runtime, "gvisor-") // gvisor-systrap: systrap
		l.notes = append(l.notes, note, "runsc --platform="+platform+" --network=none")
		l.versions["runsc"] = toolVersion(ctx, runsc, "--version")
		if b, err := os.ReadFile(filepath.Join(filepath.Dir(runsc), "runsc.version")); err == nil {
			l.versions["runsc-module"] = "gvisor.dev/gvisor " + strings.TrimSpace(string(b))
		}
		g := []string{runsc, "--root", state, "--network=none", "--platform=" + platform}
		l.cmd = append(append([]string{}, g...), "run", "--bundle", bundle, id)
		l.cleanup = func() error {
			quiet(runsc, "--root", state, "kill", id, "KILL")
			quiet(runsc, "--root", state, "delete", "-force", id)
			return errors.Join(checkGone(state, id), leftovers.RemoveCgroups(id))
		}
	case QemuTCG:
		qemu, err := findTool(opts.Tools.Qemu, "qemu-system-x86_64")
		if err != nil {
			return nil, err
		}
		kernel := opts.Tools.Kernel
		if kernel == "" {
			ks, _ := filepath.Glob("/boot/vmlinuz-*")
			sort.Strings(ks)
			if len(ks) == 0 {
				return nil, fmt.Errorf("%w: a guest kernel /boot/vmlinuz-* (scripts/install-runtimes.sh installs linux-image-cloud-amd64)", ErrMissing)
			}
			kernel = ks[len(ks)-1]
		}
		initrd := filepath.Join(work, "initramfs.cpio")
		if err := writeInitramfs(initrd, opts.Probe, busybox, probeArgs); err != nil {
			return nil, err
		}
		l.versions["qemu"] = toolVersion(ctx, qemu, "--version")
		l.versions["guest-kernel"] = filepath.Base(kernel)
		l.versions["accel"] = "tcg"
		l.notes = append(l.notes, "TCG measurement: the guest runs under QEMU's binary translator, not KVM, so the host exposure is that of a TCG QEMU; with KVM the vCPU threads would make KVM_RUN ioctls instead")
		l.cmd = []string{qemu, "-accel", "tcg", "-m", "256", "-smp", "1", "-nic", "none", "-nographic", "-no-reboot",
			"-kernel", kernel, "-initrd", initrd, "-append", "console=ttyS0 panic=-1 quiet loglevel=0"}
	default:
		return nil, fmt.Errorf("%w %q", ErrUnknownRuntime, opts.Runtime)
	}
	l.versions["probe-table"] = "sysweight/syscalls x86_64"
	return l, nil
}

func writeInitramfs(path, probe, busybox string, probeArgs []string) error {
	pb, err := infile.ReadFile(probe)
	if err != nil {
		return err
	}
	bb, err := os.ReadFile(busybox)
	if err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	err = WriteCpio(w, []CpioEntry{
		{Name: "bin", Mode: 0o040755}, {Name: "dev", Mode: 0o040755}, {Name: "proc", Mode: 0o040755},
		{Name: "sys", Mode: 0o040755}, {Name: "tmp", Mode: 0o041777},
		{Name: "dev/console", Mode: 0o020600, RdevMajor: 5, RdevMinor: 1},
		{Name: "bin/busybox", Mode: 0o100755, Data: bb},
		{Name: "bin/sh", Mode: 0o120777, Data: []byte("busybox")},
		{Name: "init", Mode: 0o100755, Data: []byte(GuestInit(probeArgs))},
		{Name: ProbeInSandbox[1:], Mode: 0o100755, Data: pb},
	})
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// sweepDirs are the directories where earlier runs made work directories:
// the temporary directory, and dir when a caller chose another.
func sweepDirs(dir string) []string {
	if dir == "" || dir == os.TempDir() {
		return []string{os.TempDir()}
	}
	return []string{os.TempDir(), dir}
}

// findTool returns override, or name from PATH, or name from the install
// script's cache directory.
func findTool(override, name string) (string, error) {
	if override != "" {
		if _, err := os.Stat(override); err != nil {
			return "", fmt.Errorf("%w: %s: %v", ErrMissing, name, err)
		}
		return override, nil
	}
	p, err := leftovers.LookTool(name)
	if err != nil {
		return "", fmt.Errorf("%w: %v (run scripts/install-runtimes.sh)", ErrMissing, err)
	}
	return p, nil
}

func toolVersion(ctx context.Context, tool string, args ...string) string {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, tool, args...).CombinedOutput()
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	return versionText(string(out))
}

// quiet runs a clean-up command, ignoring its failure: the container may
// be gone already.
func quiet(name string, args ...string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = exec.CommandContext(ctx, name, args...).Run()
}

// checkGone reports a container whose state directory survived clean-up.
func checkGone(state, id string) error {
	if _, err := os.Stat(filepath.Join(state, id)); err == nil {
		return fmt.Errorf("container %s: state %s left behind", id, filepath.Join(state, id))
	}
	return nil
}

func hostRelease() string {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return "unknown"
	}
	return string(bytes.TrimRight(u.Release[:], "\x00"))
}

// tailBuffer keeps the last 8 KiB written to it.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > 8<<10 {
		t.buf = t.buf[len(t.buf)-8<<10:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// sandboxRoles finds gVisor's Sentry and Gofer among root's descendants in
// proc (a /proc file system): runsc re-executes itself with argv[0]
// runsc-sandbox and runsc-gofer. Other processes get no role here.
func sandboxRoles(proc fs.FS, root int) map[int]string {
	roles := map[int]string{}
	for _, pid := range procTree(proc, root)[1:] {
		b, err := fs.ReadFile(proc, strconv.Itoa(pid)+"/cmdline")
		if err != nil {
			continue
		}
		argv0, _, _ := bytes.Cut(b, []byte{0})
		switch filepath.Base(string(argv0)) {
		case "runsc-sandbox":
			roles[pid] = RoleSentry
		case "runsc-gofer":
			roles[pid] = RoleGofer
		}
	}
	return roles
}

// procTree returns root and its descendants in proc (a /proc file
// system), parents before children, from the ppid field of each
// PID/stat: the fourth field, after the command name in parentheses
// (which may hold any byte). Processes that vanish meanwhile are skipped.
func procTree(proc fs.FS, root int) []int {
	children := map[int][]int{}
	ents, _ := fs.ReadDir(proc, ".")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := fs.ReadFile(proc, e.Name()+"/stat")
		i := bytes.LastIndexByte(b, ')')
		if err != nil || i < 0 {
			continue
		}
		if f := strings.Fields(string(b[i+1:])); len(f) > 1 {
			if ppid, err := strconv.Atoi(f[1]); err == nil {
				children[ppid] = append(children[ppid], pid)
			}
		}
	}
	out := []int{root}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i]]...)
	}
	return out
}
