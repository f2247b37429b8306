package passthrough

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"sysweight/internal/leftovers"
)

// tracer is a private tracefs instance recording raw_syscalls:sys_enter of
// one process tree (set_event_pid with event-fork), read as text from
// trace_pipe by a goroutine that feeds a Collector.
type tracer struct {
	root    string // tracefs mount point
	dir     string // root/instances/NAME
	marker  *os.File
	pipe    *os.File
	col     *Collector
	done    chan struct{}
	errMu   sync.Mutex
	err     error
	stopTag string
}

// tracefsRoot finds a mounted tracefs.
func tracefsRoot() (string, error) {
	mi, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return "", fmt.Errorf("%w: reading mountinfo: %v", ErrMissing, err)
	}
	for _, l := range strings.Split(string(mi), "\n") {
		pre, post, ok := strings.Cut(l, " - ")
		f, g := strings.Fields(pre), strings.Fields(post)
		if ok && len(f) >= 5 && len(g) >= 1 && g[0] == "tracefs" && f[3] == "/" {
			return f[4], nil
		}
	}
	return "", fmt.Errorf("%w: tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing)", ErrMissing)
}

// newTracer creates the instance, with events off.
func newTracer(col *Collector) (_ *tracer, err error) {
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("%w: tracing needs root", ErrMissing)
	}
	root, err := tracefsRoot()
	if err != nil {
		return nil, err
	}
	leftovers.SweepInstances(root + "/instances")
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	t := &tracer{root: root, col: col, stopTag: markerPrefix + "stop " + hex.EncodeToString(rnd[:]),
		dir: root + "/instances/" + leftovers.NewName(leftovers.Passthrough, leftovers.Self())}
	if err := os.Mkdir(t.dir, 0o700); err != nil {
		return nil, fmt.Errorf("%w: creating tracefs instance: %v", ErrMissing, err)
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, t.close())
		}
	}()
	for _, w := range [][2]string{
		{"tracing_on", "0"},
		// mono is CLOCK_MONOTONIC on every CPU, so that trace_pipe's merge
		// of the per-CPU buffers orders markers and events correctly.
		{"trace_clock", "mono"},
		{"buffer_size_kb", "16384"},
		{"options/event-fork", "1"},
		// each line names its thread group, so the probe run can be
		// split by process
		{"options/record-tgid", "1"},
	} {
		if err := t.write(w[0], w[1]); err != nil {
			return nil, err
		}
	}
	if t.marker, err = os.OpenFile(t.dir+"/trace_marker", os.O_WRONLY, 0); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMissing, err)
	}
	return t, nil
}

func (t *tracer) write(file, val string) error {
	if err := os.WriteFile(t.dir+"/"+file, []byte(val), 0); err != nil {
		return fmt.Errorf("writing %q to tracefs %s: %w", val, file, err)
	}
	return nil
}

// start adds pid to the filter (children follow through event-fork),
// enables sys_enter and starts the reader.
func (t *tracer) start(pid int) error {
	if err := t.write("set_event_pid", strconv.Itoa(pid)); err != nil {
		return err
	}
	var err error
	if t.pipe, err = os.Open(t.dir + "/trace_pipe"); err != nil {
		return fmt.Errorf("opening trace_pipe: %w", err)
	}
	// fork events tie processes to their parents (gVisor's stubs to the
	// Sentry); they are rare next to sys_enter.
	for _, w := range [][2]string{{"events/raw_syscalls/sys_enter/enable", "1"},
		{"events/sched/sched_process_fork/enable", "1"}, {"tracing_on", "1"}} {
		if err := t.write(w[0], w[1]); err != nil {
			return err
		}
	}
	t.done = make(chan struct{})
	go t.read()
	return nil
}

// mark writes a marker into the instance's buffer.
func (t *tracer) mark(text string) error {
	if _, err := t.marker.WriteString(text); err != nil {
		return fmt.Errorf("writing trace marker: %w", err)
	}
	return nil
}

func (t *tracer) read() {
	defer close(t.done)
	r := bufio.NewReaderSize(t.pipe, 1<<20)
	for {
		b, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			continue // a line longer than 1 MiB is no line of ours
		}
		if err != nil {
			t.fail(err)
			return
		}
		ev, ok, perr := ParseTraceLine(string(bytes.TrimRight(b, "\n")))
		if perr != nil {
			t.fail(perr)
			continue
		}
		if !ok {
			continue
		}
		if ev.Kind == Marker && ev.Text == t.stopTag {
			return
		}
		t.col.Event(ev)
	}
}

func (t *tracer) fail(err error) {
	t.errMu.Lock()
	defer t.errMu.Unlock()
	if t.err == nil {
		t.err = err
	}
}

// stop drains the buffer up to a final marker and stops the reader.
func (t *tracer) stop(wait time.Duration) error {
	if t.done == nil {
		return nil
	}
	_ = t.write("events/raw_syscalls/sys_enter/enable", "0")
	if err := t.mark(t.stopTag); err != nil {
		t.fail(err)
	}
	select {
	case <-t.done:
	case <-time.After(wait):
		t.fail(errors.New("trace reader did not reach the stop marker"))
		_ = t.pipe.SetReadDeadline(time.Now())
		_ = t.pipe.Close()
		<-t.done
		t.pipe = nil
	}
	t.done = nil
	t.errMu.Lock()
	defer t.errMu.Unlock()
	return t.err
}

// close removes the instance, retrying while the kernel holds it busy.
func (t *tracer) close() error {
	if t.done != nil {
		_ = t.stop(5 * time.Second)
	}
	_ = t.write("tracing_on", "0")
	if t.pipe != nil {
		_ = t.pipe.Close()
		t.pipe = nil
	}
	if t.marker != nil {
		_ = t.marker.Close()
		t.marker = nil
	}
	var err error
	for i := 0; i < 100; i++ {
		err = unix.Rmdir(t.dir)
		if err == nil || errors.Is(err, unix.ENOENT) {
			return nil
		}
		if !errors.Is(err, unix.EBUSY) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("removing tracefs instance %s: %w", t.dir, err)
}

// Instances lists this package's tracefs instances that exist now; tests
// use it to check that nothing is left behind.
func Instances() ([]string, error) {
	root, err := tracefsRoot()
	if err != nil {
		return nil, err
	}
	ents, err := os.ReadDir(root + "/instances")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if tag, _, ok := leftovers.ParseName(e.Name()); ok && tag == leftovers.Passthrough {
			out = append(out, e.Name())
		}
	}
	return out, nil
}
