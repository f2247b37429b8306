package trace

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"sysweight/internal/leftovers"
)

// instanceBufferKB is the per-CPU ring buffer of the private instance.
const instanceBufferKB = 16384

// preExecCap bounds how many early events of the started command are held
// per CPU until its execve is placed in time. Go's fork child makes about
// ten syscalls before execve.
const preExecCap = 1024

// tracefsTracer reads sys_enter events of a private tracefs instance.
type tracefsTracer struct {
	fs                        *tracefs
	dir                       string // instances/NAME
	lay                       layout
	page                      pageLayout
	pgsz                      int
	fds                       []int // per-CPU trace_pipe_raw, non-blocking
	stop                      atomic.Bool
	done                      chan struct{}
	once                      sync.Once
	mu                        sync.Mutex // guards the fields below against the reader
	drop                      int        // the spawner thread, whose own events are not the command's
	root                      int        // the started command, whose pre-execve events are held
	pre                       [][]preEvent
	count                     [nrSlots]uint64
	args                      map[int][6]uint64
	err                       error
	missedPages, missedStored uint64
}

type preEvent struct {
	ts   uint64
	tid  int
	nr   int
	args [6]uint64
}

func newTracefsTracer(fs *tracefs) (_ *tracefsTracer, err error) {
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("%w: the tracefs backend needs root", ErrUnavailable)
	}
	lay, err := fs.layout()
	if err != nil {
		return nil, err
	}
	pl := defaultPage
	if hp, err := fs.read("events/header_page"); err == nil {
		if pl, err = headerPage(hp); err != nil {
			return nil, err
		}
	}
	// instances of runs killed by SIGKILL would trace on until removed
	leftovers.SweepInstances(fs.path("instances"))
	t := &tracefsTracer{fs: fs, lay: lay, page: pl, pgsz: os.Getpagesize(), args: map[int][6]uint64{},
		dir: "instances/" + leftovers.NewName(leftovers.Trace, leftovers.Self())}
	if err := os.Mkdir(fs.path(t.dir), 0o700); err != nil {
		return nil, fmt.Errorf("%w: creating tracefs instance %s: %v", ErrUnavailable, t.dir, err)
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, t.close())
		}
	}()
	if b, err := fs.read(t.dir + "/buffer_subbuf_size_kb"); err == nil {
		if kb, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && kb > 0 {
			t.pgsz = kb * 1024
		}
	}
	for _, w := range [][2]string{
		{"tracing_on", "0"},
		{"buffer_size_kb", strconv.Itoa(instanceBufferKB)},
		{"options/event-fork", "1"},
		{"options/record-tgid", "1"},
	} {
		if err := fs.write(t.dir+"/"+w[0], w[1]); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
		}
	}
	cpus, err := os.ReadDir(fs.path(t.dir + "/per_cpu"))
	if err != nil {
		return nil, fmt.Errorf("%w: listing %s/per_cpu: %v", ErrUnavailable, t.dir, err)
	}
	for _, c := range cpus {
		fd, err := unix.Open(fs.path(t.dir+"/per_cpu/"+c.Name()+"/trace_pipe_raw"), unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
		if err != nil {
			return nil, fmt.Errorf("%w: opening %s/per_cpu/%s/trace_pipe_raw: %v", ErrUnavailable, t.dir, c.Name(), err)
		}
		t.fds = append(t.fds, fd)
	}
	t.pre = make([][]preEvent, len(t.fds))
	return t, nil
}

func (t *tracefsTracer) name() string { return BackendTracefs }

// start enables the event and the reader, once the pid filter holds a task.
func (t *tracefsTracer) start() error {
	var err error
	t.once.Do(func() {
		for _, w := range [][2]string{{"events/raw_syscalls/sys_enter/enable", "1"}, {"tracing_on", "1"}} {
			if err = t.fs.write(t.dir+"/"+w[0], w[1]); err != nil {
				return
			}
		}
		t.done = make(chan struct{})
		go t.read()
	})
	return err
}

// beginSpawn puts the spawner thread in the pid filter so that event-fork
// adds its child at fork time. The thread stays in the filter (filters only
// grow), so its events are dropped by thread id, and it stays locked and
// idle until tracing ends, so it forks nothing else.
func (t *tracefsTracer) beginSpawn(tid int) error {
	t.mu.Lock()
	t.drop = tid
	t.mu.Unlock()
	if err := t.fs.write(t.dir+"/set_event_pid", strconv.Itoa(tid)); err != nil {
		return err
	}
	return t.start()
}

func (t *tracefsTracer) endSpawn(tid, child int) error {
	t.mu.Lock()
	t.root = child
	t.mu.Unlock()
	return nil
}

func (t *tracefsTracer) add(tids []int) (int, error) {
	cur, err := t.fs.read(t.dir + "/set_event_pid")
	if err != nil {
		return 0, err
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
			fmt.Fprintf(&b, "%d ", tid)
			n++
		}
	}
	if n > 0 {
		// without O_TRUNC a write adds to the filter
		if err := t.fs.write(t.dir+"/set_event_pid", b.String()); err != nil {
			return 0, err
		}
	}
	return n, t.start()
}

// read drains the per-CPU buffers until stop is set and they are empty.
func (t *tracefsTracer) read() {
	defer close(t.done)
	buf := make([]byte, t.pgsz)
	for {
		stopping := t.stop.Load()
		got := false
		for cpu, fd := range t.fds {
			for {
				n, err := unix.Read(fd, buf)
				if errors.Is(err, unix.EAGAIN) || (err == nil && n == 0) {
					break
				}
				if errors.Is(err, unix.EINTR) {
					continue
				}
				if err != nil {
					t.fail(fmt.Errorf("reading cpu %d trace_pipe_raw: %w", cpu, err))
					return
				}
				got = true
				if err := t.consume(cpu, buf[:n]); err != nil {
					t.fail(fmt.Errorf("cpu %d: %w", cpu, err))
					return
				}
			}
		}
		if !got {
			if stopping {
				return
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
}

func (t *tracefsTracer) fail(err error) {
	t.mu.Lock()
	t.err = err
	t.mu.Unlock()
}

func (t *tracefsTracer) consume(cpu int, page []byte) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	l := t.lay
	le := binary.LittleEndian
	info, err := parsePage(page, t.page, func(ts uint64, rec []byte) {
		if len(rec) < l.recLen || int(le.Uint16(rec)) != l.enterID {
			return
		}
		tid := int(int32(le.Uint32(rec[l.pidOff:])))
		if tid == t.drop {
			return
		}
		nr := int(int64(le.Uint64(rec[l.idOff:])))
		if nr < 0 || nr >= otherSlot {
			nr = otherSlot
		}
		var a [6]uint64
		for i := range a {
			a[i] = le.Uint64(rec[l.argOff+8*i:])
		}
		// Until the command's pid is known (cmd.Start has not returned),
		// any event may be its fork child's; hold them all.
		if t.drop != 0 && (t.root == 0 || tid == t.root) && len(t.pre[cpu]) < preExecCap {
			t.pre[cpu] = append(t.pre[cpu], preEvent{ts: ts, tid: tid, nr: nr, args: a})
			return
		}
		t.note(nr, a)
	})
	if info.missed {
		t.missedPages++
		t.missedStored += info.missedCount
	}
	return err
}

func (t *tracefsTracer) note(nr int, a [6]uint64) {
	t.count[nr]++
	if _, ok := t.args[nr]; !ok && nr != otherSlot {
		t.args[nr] = a
	}
}

func (t *tracefsTracer) finish() (*Result, error) {
	if t.done == nil {
		return nil, errors.New("tracefs tracer finished before it started")
	}
	if err := t.fs.write(t.dir+"/tracing_on", "0"); err != nil {
		return nil, err
	}
	t.stop.Store(true)
	<-t.done
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.err != nil {
		return nil, t.err
	}
	// The command's events before its (first) execve are Go's fork child.
	execTS, found := uint64(0), false
	for _, evs := range t.pre {
		for _, e := range evs {
			if e.tid == t.root && (e.nr == nrExecve || e.nr == nrExecveat) && (!found || e.ts < execTS) {
				execTS, found = e.ts, true
			}
		}
	}
	for _, evs := range t.pre {
		for _, e := range evs {
			if e.tid != t.root || !found || e.ts >= execTS {
				t.note(e.nr, e.args)
			}
		}
	}
	t.pre = make([][]preEvent, len(t.fds))
	r := &Result{Backend: BackendTracefs, Method: "trace_pipe_raw", Counts: map[int]uint64{}, FirstArgs: t.args}
	for nr, n := range t.count {
		switch {
		case n == 0:
		case nr == otherSlot:
			r.Other = n
		default:
			r.Counts[nr] = n
		}
	}
	lost, err := t.statsLost()
	if err != nil {
		return nil, err
	}
	r.Lost = max(lost, t.missedStored)
	return r, nil
}

// statsLost sums "overrun" and "dropped events" over the per-CPU stats.
func (t *tracefsTracer) statsLost() (uint64, error) {
	var lost uint64
	cpus, err := os.ReadDir(t.fs.path(t.dir + "/per_cpu"))
	if err != nil {
		return 0, fmt.Errorf("listing %s/per_cpu: %w", t.dir, err)
	}
	for _, c := range cpus {
		b, err := t.fs.read(t.dir + "/per_cpu/" + c.Name() + "/stats")
		if err != nil {
			return 0, fmt.Errorf("reading %s stats: %w", c.Name(), err)
		}
		n, err := parseStatsLost(b)
		if err != nil {
			return 0, fmt.Errorf("%s/per_cpu/%s/stats: %w", t.dir, c.Name(), err)
		}
		lost += n
	}
	return lost, nil
}

// close stops the reader, closes the buffers and removes the instance,
// retrying while the kernel still holds it busy.
func (t *tracefsTracer) close() error {
	if t.done != nil {
		t.stop.Store(true)
		<-t.done
	}
	_ = t.fs.write(t.dir+"/tracing_on", "0")
	for _, fd := range t.fds {
		_ = unix.Close(fd)
	}
	t.fds = nil
	var err error
	for i := 0; i < 50; i++ {
		err = unix.Rmdir(t.fs.path(t.dir))
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
