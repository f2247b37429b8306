package tracefs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"sysweight/internal/leftovers"
)

// Config says how to set up an instance.
type Config struct {
	// Tag is the leftovers tag of the instance's name (leftovers.Trace,
	// leftovers.Passthrough), so that cleanup and the next run can tell
	// whose it is and whether its owner is gone.
	Tag string
	// BufferKB is the per-CPU ring buffer size; 0 keeps the kernel's.
	BufferKB int
	// Clock is the trace_clock; "" keeps the kernel's (local). Readers
	// that merge CPUs by time stamp (trace_pipe) want "mono".
	Clock string
}

// Instance is a private tracefs instance, instances/NAME: its own ring
// buffers, event switches, pid filter and trace_marker, so that the host's
// top-level tracing and other tracers are left alone.
type Instance struct {
	fs     *FS
	name   string
	dir    string // instances/NAME
	events []string

	mu     sync.Mutex // guards marker
	marker *os.File

	raw  *RawReader
	pipe *Pipe
}

// NewInstance removes the instances of dead runs (leftovers), creates one
// named after this process and sets it up with tracing off, event-fork
// (tasks forked by a task in the pid filter join it) and record-tgid (text
// output names each task's thread group). Close removes it.
func (fs *FS) NewInstance(c Config) (_ *Instance, err error) {
	// instances of runs killed by SIGKILL would trace on until removed
	leftovers.SweepInstances(fs.Path("instances"))
	name := leftovers.NewName(c.Tag, leftovers.Self())
	in := &Instance{fs: fs, name: name, dir: "instances/" + name}
	if err := os.Mkdir(fs.Path(in.dir), 0o700); err != nil {
		return nil, fmt.Errorf("creating tracefs instance %s: %w", name, err)
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, in.Close())
		}
	}()
	sets := [][2]string{{"tracing_on", "0"}}
	if c.Clock != "" {
		sets = append(sets, [2]string{"trace_clock", c.Clock})
	}
	if c.BufferKB > 0 {
		sets = append(sets, [2]string{"buffer_size_kb", strconv.Itoa(c.BufferKB)})
	}
	sets = append(sets, [2]string{"options/event-fork", "1"}, [2]string{"options/record-tgid", "1"})
	for _, w := range sets {
		if err := in.write(w[0], w[1]); err != nil {
			return nil, err
		}
	}
	return in, nil
}

// Name is the instance's directory name.
func (in *Instance) Name() string { return in.name }

// Dir is the instance's directory below the mount point.
func (in *Instance) Dir() string { return in.fs.Dir() + "/" + in.dir }

func (in *Instance) path(rel string) string { return in.fs.Path(in.dir + "/" + rel) }

func (in *Instance) write(rel, val string) error { return in.fs.write(in.dir+"/"+rel, val) }

// Enable turns on event GROUP/NAME (e.g. "raw_syscalls/sys_enter") in the
// instance.
func (in *Instance) Enable(event string) error {
	if err := in.write("events/"+event+"/enable", "1"); err != nil {
		return err
	}
	in.events = append(in.events, event)
	return nil
}

// disableEvents turns off what Enable turned on.
func (in *Instance) disableEvents() {
	for _, e := range in.events {
		_ = in.write("events/"+e+"/enable", "0")
	}
}

// SetOn turns the instance's recording on or off (tracing_on).
func (in *Instance) SetOn(on bool) error {
	v := "0"
	if on {
		v = "1"
	}
	return in.write("tracing_on", v)
}

// AddPIDs adds the tasks (thread ids) to the pid filter, set_event_pid,
// and returns how many were not in it yet. The filter only grows; with
// event-fork the kernel adds what its tasks fork.
func (in *Instance) AddPIDs(tids ...int) (int, error) {
	cur, err := in.fs.ReadFile(in.dir + "/set_event_pid")
	if err != nil {
		return 0, fmt.Errorf("reading %s/set_event_pid: %w", in.dir, err)
	}
	have := map[int]bool{}
	for _, f := range strings.Fields(string(cur)) {
		if n, err := strconv.Atoi(f); err == nil {
			have[n] = true
		}
	}
	var b strings.Builder
	n := 0
	for _, tid := range tids {
		if !have[tid] {
			have[tid] = true
			b.WriteString(strconv.Itoa(tid))
			b.WriteByte(' ')
			n++
		}
	}
	if n > 0 {
		if err := in.write("set_event_pid", b.String()); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// Mark writes text into the instance's ring buffer through its
// trace_marker, which stays open until Close.
func (in *Instance) Mark(text string) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.marker == nil {
		f, err := os.OpenFile(in.path("trace_marker"), os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("opening trace_marker: %w", err)
		}
		in.marker = f
	}
	if _, err := in.marker.WriteString(text); err != nil {
		return fmt.Errorf("writing trace marker: %w", err)
	}
	return nil
}

// Lost sums the kernel's per-CPU "overrun" and "dropped events" counters:
// events the ring buffers could not keep.
func (in *Instance) Lost() (uint64, error) {
	cpus, err := os.ReadDir(in.path("per_cpu"))
	if err != nil {
		return 0, fmt.Errorf("listing %s/per_cpu: %w", in.dir, err)
	}
	var lost uint64
	for _, c := range cpus {
		b, err := in.fs.ReadFile(in.dir + "/per_cpu/" + c.Name() + "/stats")
		if err != nil {
			return 0, fmt.Errorf("reading %s stats: %w", c.Name(), err)
		}
		n, err := parseStatsLost(b)
		if err != nil {
			return 0, fmt.Errorf("%s/per_cpu/%s/stats: %w", in.dir, c.Name(), err)
		}
		lost += n
	}
	return lost, nil
}

// Close stops the readers, turns recording off, closes the instance's
// files and removes it, retrying while the kernel still holds it busy. It
// is safe after a failed setup and more than once.
func (in *Instance) Close() error {
	if in.pipe != nil {
		_ = in.pipe.Stop(5 * time.Second)
		in.pipe.close()
		in.pipe = nil
	}
	if in.raw != nil {
		_ = in.raw.Stop()
		in.raw.close()
		in.raw = nil
	}
	_ = in.SetOn(false)
	in.mu.Lock()
	if in.marker != nil {
		_ = in.marker.Close()
		in.marker = nil
	}
	in.mu.Unlock()
	// the same removal as a leftover's: what is gone counts as removed, and
	// a reader's last reference may keep the instance busy for a moment
	// after its file is closed
	return leftovers.Remove(context.Background(), leftovers.Item{Kind: leftovers.Instance, Path: in.fs.Path(in.dir)})
}

// stopTag is a marker text no one else writes.
func stopTag() string {
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	return "sysweight stop " + hex.EncodeToString(rnd[:])
}
