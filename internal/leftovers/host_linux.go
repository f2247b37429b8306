package leftovers

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Self is this process as an owner.
func Self() Owner {
	pid := os.Getpid()
	start, _, _ := procStat(pid)
	return Owner{PID: pid, Start: start}
}

// procStat reads pid's start time and whether it is a zombie.
func procStat(pid int) (start uint64, zombie bool, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false, err
	}
	start, err = ParseStartTime(b)
	if err != nil {
		return 0, false, err
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	return start, f[0] == "Z" || f[0] == "X", nil
}

// Alive reports whether the owner still runs: a process with its pid and
// (when known) start time that is not a zombie. When /proc cannot say, it
// is taken as alive, so that nothing of a live run is removed.
func (o Owner) Alive() bool {
	start, zombie, err := procStat(o.PID)
	if errors.Is(err, fs.ErrNotExist) {
		return false
	}
	if err != nil {
		return true
	}
	return !zombie && (o.Start == 0 || o.Start == start)
}

// left reports whether a name is a leftover within s: named by sysweight,
// with a dead owner other than this process.
func (s Scope) left(name string, tags ...string) (Owner, bool) {
	tag, o, ok := ParseName(name)
	if !ok || (s.PID != 0 && o.PID != s.PID) || o.PID == os.Getpid() {
		return o, false
	}
	for _, t := range tags {
		if t == tag {
			return o, !o.Alive()
		}
	}
	return o, false
}

// Find lists the leftovers of dead runs. It needs root; without it every
// kind is skipped with a reason.
func Find(s Scope) (Found, error) {
	var f Found
	if os.Geteuid() != 0 {
		f.Skipped = append(f.Skipped, "containers, cgroups, work dirs and tracefs instances: looking for and removing them needs root")
		return f, nil
	}
	mi, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return f, fmt.Errorf("reading mountinfo: %w", err)
	}
	mounts := ParseMountinfo(mi)
	dirs := s.Dirs
	if len(dirs) == 0 {
		dirs = []string{os.TempDir()}
	}
	var work []Item
	seen := map[string]bool{}
	for _, d := range dirs {
		if seen[d] {
			continue
		}
		seen[d] = true
		ents, err := os.ReadDir(d)
		if err != nil {
			f.Skipped = append(f.Skipped, fmt.Sprintf("work dirs in %s: %v", d, err))
			continue
		}
		for _, e := range ents {
			o, ok := s.left(e.Name(), Passthrough, Probe)
			if !ok || !e.IsDir() {
				continue
			}
			dir := filepath.Join(d, e.Name())
			f.Items = append(f.Items, containers(filepath.Join(dir, "state"), o)...)
			work = append(work, Item{Kind: WorkDir, Path: dir, Owner: o})
		}
	}
	var cgroups []Item
	for _, m := range mounts {
		if !m.Root || (m.Type != "cgroup" && m.Type != "cgroup2") {
			continue
		}
		ents, err := os.ReadDir(m.Point)
		if err != nil {
			f.Skipped = append(f.Skipped, fmt.Sprintf("cgroups in %s: %v", m.Point, err))
			continue
		}
		for _, e := range ents {
			if o, ok := s.left(e.Name(), Passthrough); ok && e.IsDir() {
				cgroups = append(cgroups, Item{Kind: Cgroup, Path: filepath.Join(m.Point, e.Name()), Owner: o})
			}
		}
	}
	f.Items = append(append(f.Items, cgroups...), work...)
	root := ""
	for _, m := range mounts {
		if m.Type == "tracefs" && m.Root {
			root = m.Point
			break
		}
	}
	if root == "" {
		f.Skipped = append(f.Skipped, "tracefs instances: tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing)")
		return f, nil
	}
	ents, err := os.ReadDir(root + "/instances")
	if err != nil {
		f.Skipped = append(f.Skipped, fmt.Sprintf("tracefs instances: %v", err))
		return f, nil
	}
	for _, e := range ents {
		if o, ok := s.left(e.Name(), Trace, Passthrough); ok {
			f.Items = append(f.Items, Item{Kind: Instance, Path: root + "/instances/" + e.Name(), Owner: o})
		}
	}
	return f, nil
}

// containers lists the containers in a runtime's state directory: runc
// keeps state.json there, crun status.
func containers(state string, o Owner) []Item {
	ents, err := os.ReadDir(state)
	if err != nil {
		return nil
	}
	var out []Item
	for _, e := range ents {
		it := Item{Kind: Container, Path: state, ID: e.Name(), Owner: o}
		switch {
		case exists(filepath.Join(state, e.Name(), "state.json")):
			it.Runtime = "runc"
		case exists(filepath.Join(state, e.Name(), "status")):
			it.Runtime = "crun"
		default:
			continue
		}
		out = append(out, it)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// Remove removes one leftover. What is already gone counts as removed.
func Remove(ctx context.Context, it Item) error {
	switch it.Kind {
	case Container:
		return removeContainer(ctx, it)
	case Cgroup:
		if err := rmdirBusy(it.Path, 10); err != nil {
			return fmt.Errorf("removing cgroup %s: %w", it.Path, err)
		}
	case WorkDir:
		if err := UnmountUnder(it.Path); err != nil {
			return err
		}
		if err := os.RemoveAll(it.Path); err != nil {
			return fmt.Errorf("removing %s: %w", it.Path, err)
		}
	case Instance:
		_ = os.WriteFile(it.Path+"/tracing_on", []byte("0"), 0)
		if err := rmdirBusy(it.Path, 100); err != nil {
			return fmt.Errorf("removing tracefs instance %s: %w", it.Path, err)
		}
	default:
		return fmt.Errorf("unknown kind of leftover %q", it.Kind)
	}
	return nil
}

// rmdirBusy removes an empty directory, retrying while the kernel holds it
// busy (a tracefs instance whose buffers are still referenced, a cgroup
// whose last task is exiting).
func rmdirBusy(dir string, tries int) error {
	var err error
	for i := 0; i < tries; i++ {
		err = unix.Rmdir(dir)
		if err == nil || errors.Is(err, unix.ENOENT) {
			return nil
		}
		if !errors.Is(err, unix.EBUSY) {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
	return err
}

func removeContainer(ctx context.Context, it Item) error {
	tool, err := LookTool(it.Runtime)
	if err != nil {
		return fmt.Errorf("removing %s: %w", it, err)
	}
	args := []string{tool, "--root", it.Path, "delete", "--force", it.ID}
	if it.Runtime == "crun" {
		unshare, err := LookTool("unshare")
		if err != nil {
			return fmt.Errorf("removing %s: %w", it, err)
		}
		args = CrunArgs(unshare, tool, it.Path, "delete", "--force", it.ID)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, args[0], args[1:]...).CombinedOutput()
	if exists(filepath.Join(it.Path, it.ID)) {
		return fmt.Errorf("removing %s: %v: %s", it, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// CrunArgs is the command line that runs crun --root state with args in a
// private mount namespace without /sys/fs/cgroup/unified: crun 1.8 refuses
// a hybrid cgroup v1/v2 layout, and without the unified mount it sees plain
// v1.
func CrunArgs(unshare, crun, state string, args ...string) []string {
	return append([]string{unshare, "-m", "--propagation", "private", "/bin/sh", "-c",
		`umount /sys/fs/cgroup/unified 2>/dev/null; exec "$@"`, "sh", crun, "--root", state}, args...)
}

// LookTool finds name in PATH or in the install script's cache directory
// (~/.cache/sysweight/bin).
func LookTool(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	if dir, err := os.UserCacheDir(); err == nil {
		p := filepath.Join(dir, "sysweight", "bin", name)
		if exists(p) {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found in PATH or ~/.cache/sysweight/bin", name)
}

// Sweep finds the leftovers within s and removes them, returning what it
// removed; it goes on past a failure and returns every error.
func Sweep(ctx context.Context, s Scope) (removed []Item, skipped []string, err error) {
	f, err := Find(s)
	if err != nil {
		return nil, nil, err
	}
	var errs []error
	for _, it := range f.Items {
		if rerr := Remove(ctx, it); rerr != nil {
			errs = append(errs, rerr)
			continue
		}
		removed = append(removed, it)
	}
	return removed, f.Skipped, errors.Join(errs...)
}

// SweepInstances removes the tracefs instances of dead runs in dir (a
// tracefs instances directory, possibly reached through /proc/self/fd),
// quietly: a tracer calls it before making its own.
func SweepInstances(dir string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		if _, ok := (Scope{}).left(e.Name(), Trace, Passthrough); ok {
			_ = Remove(context.Background(), Item{Kind: Instance, Path: dir + "/" + e.Name()})
		}
	}
}

// RemoveCgroups removes the cgroup named name at the top of every cgroup
// and cgroup2 hierarchy, waiting while its last tasks exit: runc delete
// after a kill can return with the cgroups of v1 hierarchies still there.
func RemoveCgroups(name string) error {
	mi, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return err
	}
	var errs []error
	for _, m := range ParseMountinfo(mi) {
		if !m.Root || (m.Type != "cgroup" && m.Type != "cgroup2") {
			continue
		}
		if err := rmdirBusy(filepath.Join(m.Point, name), 100); err != nil {
			errs = append(errs, fmt.Errorf("removing cgroup %s: %w", filepath.Join(m.Point, name), err))
		}
	}
	return errors.Join(errs...)
}

// UnmountUnder detaches every mount at or below dir, deepest first.
func UnmountUnder(dir string) error {
	mi, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return err
	}
	var points []string
	for _, m := range ParseMountinfo(mi) {
		if m.Point == dir || strings.HasPrefix(m.Point, dir+"/") {
			points = append(points, m.Point)
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(points)))
	var errs []error
	for _, p := range points {
		if err := unix.Unmount(p, unix.MNT_DETACH); err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOENT) {
			errs = append(errs, fmt.Errorf("unmounting %s: %w", p, err))
		}
	}
	return errors.Join(errs...)
}
