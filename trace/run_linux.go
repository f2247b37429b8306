package trace

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"sysweight/syscalls"
)

// backend is what Run drives; both tracers implement it.
type backend interface {
	name() string
	// beginSpawn marks thread tid, locked to its goroutine, as the one
	// about to fork the command; endSpawn unmarks it once the child exists.
	beginSpawn(tid int) error
	endSpawn(tid, child int) error
	// add tracks existing threads; it returns how many were new.
	add(tids []int) (int, error)
	// finish stops recording and returns the counts.
	finish() (*Result, error)
	// close releases everything; it is safe after a failed setup.
	close() error
}

// newBackend opens the named backend; tids says threads will be added by
// id (a --pid trace).
func newBackend(lfs *lazyTracefs, name string, perfTracepoint, tids bool) (backend, error) {
	switch name {
	case BackendEBPF:
		return newEBPF(lfs, perfTracepoint, tids)
	case BackendTracefs:
		fs, err := lfs.get()
		if err != nil {
			return nil, err
		}
		return newTracefsTracer(fs)
	}
	b, err := newEBPF(lfs, perfTracepoint, tids)
	if err == nil {
		return b, nil
	}
	fs, err2 := lfs.get()
	if err2 != nil {
		return nil, errors.Join(err, err2)
	}
	t, err2 := newTracefsTracer(fs)
	if err2 != nil {
		return nil, errors.Join(err, err2)
	}
	return t, nil
}

func hostArch() (syscalls.Arch, error) { return syscalls.ParseArch(runtime.GOARCH) }

func run(ctx context.Context, opts Options) (res *Result, err error) {
	arch, err := hostArch()
	if err != nil {
		return nil, err
	}
	if opts.PID != 0 {
		if err := unix.Kill(opts.PID, 0); errors.Is(err, unix.ESRCH) {
			return nil, fmt.Errorf("%w: %d", ErrNoProcess, opts.PID)
		}
	}
	fs := &lazyTracefs{}
	defer func() { err = errors.Join(err, fs.close()) }()
	b, err := newBackend(fs, opts.Backend, opts.perfTracepoint, opts.PID != 0)
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, b.close()) }()

	if opts.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Duration)
		defer cancel()
	}
	start := time.Now()
	exitCode, signal := -1, ""
	var root int
	if len(opts.Cmd) > 0 {
		root, exitCode, signal, err = runCmd(ctx, b, opts)
	} else {
		root = opts.PID
		err = followPID(ctx, b, opts.PID, opts.Started)
	}
	if err != nil {
		return nil, err
	}
	res, err = b.finish()
	if err != nil {
		return nil, err
	}
	res.Arch, res.Root, res.ExitCode, res.Signal, res.Duration = arch, root, exitCode, signal, time.Since(start)
	if signal != "" {
		res.signo = int(unix.SignalNum(signal))
	}
	return res, nil
}

// runCmd starts the command so that its fork is seen by the backend, then
// waits for it to exit or for ctx to end (then kills it). signal names the
// signal that killed it, if one did.
func runCmd(ctx context.Context, b backend, opts Options) (pid, exitCode int, signal string, err error) {
	cmd := exec.Command(opts.Cmd[0], opts.Cmd[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = opts.Stdin, opts.Stdout, opts.Stderr
	cmd.WaitDelay = time.Second
	// A SIGKILL of sysweight kills the command too. The kernel sends the
	// parent-death signal when the thread that forked exits; that thread
	// is the locked spawner below, which lives until the command has been
	// waited for.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	// The first os.StartProcess of a program forks a probe child to check
	// clone(CLONE_PIDFD) (os.checkPidfd). FindProcess runs that probe now,
	// before a spawner thread is marked, so the probe is not traced.
	if p, err := os.FindProcess(os.Getpid()); err == nil {
		_ = p.Release()
	}
	started := make(chan error, 1)
	release := make(chan struct{})
	defer close(release)
	go func() {
		// The fork must come from a thread the backend knows. A locked
		// goroutine's thread creates no other threads (the runtime hands
		// that to its template thread), so only the command is its child.
		// The thread exits still locked, after tracing: it never runs
		// anything else.
		runtime.LockOSThread()
		tid := unix.Gettid()
		if err := b.beginSpawn(tid); err != nil {
			started <- err
			return
		}
		err := cmd.Start()
		child := 0
		if err == nil {
			child = cmd.Process.Pid
		}
		if eerr := b.endSpawn(tid, child); eerr != nil && err == nil {
			err = eerr
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
		started <- err
		<-release
	}()
	if err := <-started; err != nil {
		return 0, -1, "", fmt.Errorf("starting %s: %w", opts.Cmd[0], err)
	}
	if opts.Started != nil {
		opts.Started(cmd.Process.Pid)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case werr := <-waited:
		var ee *exec.ExitError
		if werr != nil && !errors.As(werr, &ee) {
			return cmd.Process.Pid, -1, "", fmt.Errorf("waiting for %s: %w", opts.Cmd[0], werr)
		}
	case <-ctx.Done():
		_ = cmd.Process.Kill()
		<-waited
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		signal = unix.SignalName(ws.Signal())
	}
	return cmd.Process.Pid, cmd.ProcessState.ExitCode(), signal, nil
}

// followPID tracks pid's tree and waits for pid to exit or ctx to end.
func followPID(ctx context.Context, b backend, pid int, started func(int)) error {
	pidfd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return fmt.Errorf("%w: %d: %v", ErrNoProcess, pid, err)
	}
	defer unix.Close(pidfd)
	// Forks racing with the /proc walk are caught by the walk after them:
	// once every thread of the tree is tracked, the kernel follows forks.
	for round := 0; ; round++ {
		tids, err := treeTids(os.DirFS("/proc"), pid)
		if err != nil {
			return err
		}
		n, err := b.add(tids)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
		if round == 20 {
			return fmt.Errorf("process %d keeps forking faster than it can be tracked", pid)
		}
	}
	if started != nil {
		started(pid)
	}
	fds := []unix.PollFd{{Fd: int32(pidfd), Events: unix.POLLIN}}
	for ctx.Err() == nil {
		n, err := unix.Poll(fds, 50)
		if err != nil && !errors.Is(err, unix.EINTR) {
			return fmt.Errorf("waiting for process %d: %w", pid, err)
		}
		if n > 0 {
			return nil // exited
		}
	}
	return nil
}
