package trace

import (
	"errors"
	"fmt"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// tracefs is an open tracefs mount. Every path goes through an O_PATH file
// descriptor of its root, /proc/self/fd/N/…, so that the tracer keeps
// working (and can remove its instance) even if another tracer unmounts
// tracefs meanwhile.
type tracefs struct {
	fd      int
	mounted string // the mount point this tracer made, "" if none
}

// mountMu serialises the mount check and mount within one process.
var mountMu sync.Mutex

// openTracefs finds tracefs, mounting it at canonicalTracefs when it is not
// mounted anywhere.
func openTracefs() (*tracefs, error) {
	mountMu.Lock()
	defer mountMu.Unlock()
	mi, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return nil, fmt.Errorf("%w: reading mountinfo: %v", ErrUnavailable, err)
	}
	root := tracefsMount(mi)
	fs := &tracefs{fd: -1}
	if root == "" {
		if err := unix.Mount("nodev", canonicalTracefs, "tracefs", 0, ""); err != nil {
			return nil, fmt.Errorf("%w: mounting tracefs at %s: %v", ErrUnavailable, canonicalTracefs, err)
		}
		root, fs.mounted = canonicalTracefs, canonicalTracefs
	}
	fd, err := unix.Open(root, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		fs.close()
		return nil, fmt.Errorf("%w: opening %s: %v", ErrUnavailable, root, err)
	}
	fs.fd = fd
	return fs, nil
}

func (fs *tracefs) path(rel string) string { return fmt.Sprintf("/proc/self/fd/%d/%s", fs.fd, rel) }

func (fs *tracefs) read(rel string) ([]byte, error) { return os.ReadFile(fs.path(rel)) }

func (fs *tracefs) write(rel, val string) error {
	f, err := os.OpenFile(fs.path(rel), os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteString(val)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %q to tracefs %s: %w", val, rel, err)
	}
	return nil
}

// close releases the mount, unmounting tracefs when this tracer mounted it.
// The unmount is lazy so that a concurrent tracer's open files keep working.
func (fs *tracefs) close() error {
	var err error
	if fs.fd >= 0 {
		err = unix.Close(fs.fd)
		fs.fd = -1
	}
	if fs.mounted != "" {
		mountMu.Lock()
		defer mountMu.Unlock()
		if uerr := unix.Unmount(fs.mounted, unix.MNT_DETACH); uerr != nil && !errors.Is(uerr, unix.EINVAL) {
			err = errors.Join(err, fmt.Errorf("unmounting tracefs at %s: %w", fs.mounted, uerr))
		}
		fs.mounted = ""
	}
	return err
}

// lazyTracefs opens tracefs on first use: the eBPF tracer with raw
// tracepoints never needs it, and finding (or mounting) it costs a
// mountinfo read on every run.
type lazyTracefs struct {
	fs   *tracefs
	err  error
	done bool
}

func (l *lazyTracefs) get() (*tracefs, error) {
	if !l.done {
		l.fs, l.err = openTracefs()
		l.done = true
	}
	return l.fs, l.err
}

// layout reads the event formats through get.
func (l *lazyTracefs) layout() (layout, error) {
	fs, err := l.get()
	if err != nil {
		return layout{}, err
	}
	return fs.layout()
}

func (l *lazyTracefs) close() error {
	if l.fs == nil {
		return nil
	}
	return l.fs.close()
}

// layout reads the event formats both backends use.
func (fs *tracefs) layout() (layout, error) {
	enter, err := fs.read("events/raw_syscalls/sys_enter/format")
	if err != nil {
		return layout{}, fmt.Errorf("%w: raw_syscalls/sys_enter tracepoint: %v", ErrUnavailable, err)
	}
	fork, err := fs.read("events/sched/sched_process_fork/format")
	if err != nil {
		return layout{}, fmt.Errorf("%w: sched/sched_process_fork tracepoint: %v", ErrUnavailable, err)
	}
	exec, err := fs.read("events/sched/sched_process_exec/format")
	if err != nil {
		return layout{}, fmt.Errorf("%w: sched/sched_process_exec tracepoint: %v", ErrUnavailable, err)
	}
	return newLayout(enter, fork, exec)
}
