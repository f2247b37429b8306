package tracefs

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"

	"golang.org/x/sys/unix"

	"sysweight/internal/leftovers"
)

// FS is an open tracefs mount. Every path goes through an O_PATH file
// descriptor of its root, /proc/self/fd/N/…, so that a tracer keeps
// working (and can remove its instance) even if another tracer unmounts
// tracefs meanwhile.
type FS struct {
	fd      int
	dir     string // the mount point
	mounted string // the mount point Open made, "" if none
}

// mountMu serialises the mount check and mount within one process.
var mountMu sync.Mutex

// Open finds tracefs where it is mounted: at /sys/kernel/tracing or
// /sys/kernel/debug/tracing, else wherever its root is mounted. It never
// mounts it. It needs root.
func Open() (*FS, error) { return open(false) }

// OpenOrMount finds tracefs at /sys/kernel/tracing or
// /sys/kernel/debug/tracing, where cilium/ebpf looks for it too, and mounts
// it at /sys/kernel/tracing when it is at neither; Close unmounts what it
// mounted. It needs root.
func OpenOrMount() (*FS, error) { return open(true) }

func open(mount bool) (*FS, error) {
	if os.Geteuid() != 0 {
		return nil, ErrNeedsRoot
	}
	mountMu.Lock()
	defer mountMu.Unlock()
	mi, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return nil, fmt.Errorf("%w: reading mountinfo: %v", ErrNotMounted, err)
	}
	fs := &FS{fd: -1, dir: mountPoint(mi, !mount)}
	if fs.dir == "" {
		if !mount {
			return nil, ErrNotMounted
		}
		if err := unix.Mount("nodev", Canonical, "tracefs", 0, ""); err != nil {
			return nil, fmt.Errorf("%w: mounting it at %s: %v", ErrNotMounted, Canonical, err)
		}
		fs.dir, fs.mounted = Canonical, Canonical
	}
	fd, err := unix.Open(fs.dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		err = fmt.Errorf("%w: opening %s: %v", ErrNotMounted, fs.dir, err)
		return nil, errors.Join(err, fs.unmount())
	}
	fs.fd = fd
	return fs, nil
}

// Dir is the mount point.
func (fs *FS) Dir() string { return fs.dir }

// Path is rel (e.g. "events/header_page") below the mount, through its
// file descriptor.
func (fs *FS) Path(rel string) string { return "/proc/self/fd/" + strconv.Itoa(fs.fd) + "/" + rel }

// ReadFile reads rel below the mount.
func (fs *FS) ReadFile(rel string) ([]byte, error) { return os.ReadFile(fs.Path(rel)) }

// write writes val to rel in one write(2), without O_TRUNC: tracefs files
// such as set_event_pid take a write as an addition and O_TRUNC as
// clearing.
func (fs *FS) write(rel, val string) error {
	f, err := os.OpenFile(fs.Path(rel), os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("writing %q to tracefs %s: %w", val, rel, err)
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

// Instances lists the instances named (by leftovers) with tag that exist
// now, live or left over; tests use it to check that nothing stays.
func (fs *FS) Instances(tag string) ([]string, error) {
	ents, err := os.ReadDir(fs.Path("instances"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if t, _, ok := leftovers.ParseName(e.Name()); ok && t == tag {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

// Close releases the mount, unmounting tracefs when OpenOrMount mounted it.
// The unmount is lazy, so that a concurrent tracer's open files keep
// working. Close the instances first.
func (fs *FS) Close() error {
	var err error
	if fs.fd >= 0 {
		err = unix.Close(fs.fd)
		fs.fd = -1
	}
	if fs.mounted != "" {
		mountMu.Lock()
		defer mountMu.Unlock()
		err = errors.Join(err, fs.unmount())
	}
	return err
}

func (fs *FS) unmount() error {
	if fs.mounted == "" {
		return nil
	}
	p := fs.mounted
	fs.mounted = ""
	if err := unix.Unmount(p, unix.MNT_DETACH); err != nil && !errors.Is(err, unix.EINVAL) {
		return fmt.Errorf("unmounting tracefs at %s: %w", p, err)
	}
	return nil
}
