package trace

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"sysweight/internal/leftovers"
	"sysweight/internal/tracefs"
)

// instanceBufferKB is the per-CPU ring buffer of the private instance.
const instanceBufferKB = 16384

// preExecCap bounds how many early events of the started command are held
// per CPU until its execve is placed in time. Go's fork child makes about
// ten syscalls before execve.
const preExecCap = 1024

// tracefsTracer counts sys_enter events of a private tracefs instance
// (internal/tracefs), read from its per-CPU binary buffers.
type tracefsTracer struct {
	inst                      *tracefs.Instance
	raw                       *tracefs.RawReader
	lay                       layout
	once                      sync.Once
	started                   bool
	mu                        sync.Mutex // guards the fields below against the reader
	drop                      int        // the spawner thread, whose own events are not the command's
	root                      int        // the started command, whose pre-execve events are held
	pre                       [][]preEvent
	count                     [nrSlots]uint64
	args                      map[int][6]uint64
	missedPages, missedStored uint64
}

type preEvent struct {
	ts   uint64
	tid  int
	nr   int
	args [6]uint64
}

func newTracefsTracer(fs *tracefs.FS) (_ *tracefsTracer, err error) {
	lay, err := readLayout(fs)
	if err != nil {
		return nil, err
	}
	inst, err := fs.NewInstance(tracefs.Config{Tag: leftovers.Trace, BufferKB: instanceBufferKB})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	t := &tracefsTracer{inst: inst, lay: lay, args: map[int][6]uint64{}}
	defer func() {
		if err != nil {
			err = errors.Join(err, t.close())
		}
	}()
	if t.raw, err = inst.OpenRaw(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	t.pre = make([][]preEvent, t.raw.CPUs())
	return t, nil
}

func (t *tracefsTracer) name() string { return BackendTracefs }

// start enables the event and the reader, once the pid filter holds a task.
func (t *tracefsTracer) start() error {
	var err error
	t.once.Do(func() {
		if err = t.inst.Enable("raw_syscalls/sys_enter"); err != nil {
			return
		}
		if err = t.inst.SetOn(true); err != nil {
			return
		}
		t.raw.Start(t.consume)
		t.started = true
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
	if _, err := t.inst.AddPIDs(tid); err != nil {
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
	n, err := t.inst.AddPIDs(tids...)
	if err != nil {
		return 0, err
	}
	return n, t.start()
}

func (t *tracefsTracer) consume(cpu int, page tracefs.Page) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	l := t.lay
	le := binary.LittleEndian
	info, err := page.Events(func(ts uint64, rec []byte) {
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
	if info.Missed {
		t.missedPages++
		t.missedStored += info.MissedCount
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
	if !t.started {
		return nil, errors.New("tracefs tracer finished before it started")
	}
	if err := t.raw.Stop(); err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
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
	t.pre = make([][]preEvent, t.raw.CPUs())
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
	lost, err := t.inst.Lost()
	if err != nil {
		return nil, err
	}
	r.Lost = max(lost, t.missedStored)
	return r, nil
}

// close stops the reader and removes the instance.
func (t *tracefsTracer) close() error { return t.inst.Close() }
