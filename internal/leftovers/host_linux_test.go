package leftovers

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
	"time"
)

// deadOwner returns the owner of a process that has exited and been
// reaped: its pid and start time, read while it ran.
func deadOwner(t *testing.T) Owner {
	t.Helper()
	cmd := exec.Command("sleep", "10")
	if err := cmd.Start(); err != nil {
		t.Skipf("needs sleep: %v", err)
	}
	start, _, err := procStat(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	o := Owner{PID: cmd.Process.Pid, Start: start}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	return o
}

func TestAlive(t *testing.T) {
	self := Self()
	if self.Start == 0 || !self.Alive() {
		t.Fatalf("self %+v: not alive", self)
	}
	if (Owner{PID: self.PID, Start: self.Start + 1}).Alive() {
		t.Error("a reused pid (other start time) counts as alive")
	}
	if (Owner{PID: self.PID}).Alive() != true {
		t.Error("an owner without start time whose pid runs counts as dead")
	}
	if o := deadOwner(t); o.Alive() {
		t.Errorf("reaped %+v counts as alive", o)
	}
}

// TestSweep fabricates what a killed passthrough run leaves (an instance,
// a work directory, cgroup directories in every hierarchy) for a dead
// owner and for a live one, and checks that Sweep removes the first and
// keeps the second.
func TestSweep(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to make tracefs instances and cgroups")
	}
	mi, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	var tracefs string
	var hierarchies []string
	for _, m := range ParseMountinfo(mi) {
		switch {
		case m.Type == "tracefs" && m.Root && tracefs == "":
			tracefs = m.Point
		case (m.Type == "cgroup" || m.Type == "cgroup2") && m.Root:
			hierarchies = append(hierarchies, m.Point)
		}
	}
	if tracefs == "" {
		t.Skip("needs tracefs mounted (mount -t tracefs nodev /sys/kernel/tracing)")
	}
	live := exec.Command("sleep", "30")
	if err := live.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = live.Process.Kill(); _ = live.Wait() }()
	ls, _, err := procStat(live.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	dead := deadOwner(t)
	work := t.TempDir()
	var want, keep []string
	for _, o := range []Owner{dead, {PID: live.Process.Pid, Start: ls}} {
		name := NewName(Passthrough, o)
		paths := []string{tracefs + "/instances/" + NewName(Trace, o), filepath.Join(work, name)}
		for _, h := range hierarchies {
			paths = append(paths, filepath.Join(h, name))
		}
		for _, p := range paths {
			if err := os.Mkdir(p, 0o700); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = Remove(context.Background(), Item{Kind: Cgroup, Path: p}) })
		}
		if o == dead {
			want = paths
		} else {
			keep = paths
		}
	}
	t.Cleanup(func() { _ = Remove(context.Background(), Item{Kind: Instance, Path: keep[0]}) })

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, pid := range []int{0, live.Process.Pid} { // all dead owners; only the live one's (none)
		f, err := Find(Scope{Dirs: []string{work}, PID: pid})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range f.Items {
			if it.Owner == (Owner{PID: live.Process.Pid, Start: ls}) {
				t.Errorf("found %s of a live owner", it)
			}
		}
	}
	removed, _, err := Sweep(ctx, Scope{Dirs: []string{work}, PID: dead.PID})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range removed {
		got = append(got, it.Path)
	}
	sort.Strings(got)
	sort.Strings(want)
	if len(got) != len(want) {
		t.Fatalf("removed %v\nwant %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("removed %s, want %s", got[i], want[i])
		}
		if exists(want[i]) {
			t.Errorf("%s still exists", want[i])
		}
	}
	for _, p := range keep {
		if !exists(p) {
			t.Errorf("%s of the live owner was removed", p)
		}
	}
}
