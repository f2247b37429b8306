package passthrough

import (
	"errors"
	"fmt"
	"time"

	"sysweight/internal/leftovers"
	"sysweight/internal/tracefs"
)

// tracer is a private tracefs instance (internal/tracefs) recording
// raw_syscalls:sys_enter and sched_process_fork of one process tree
// (set_event_pid with event-fork), read as text from trace_pipe, whose
// lines a Collector gets.
type tracer struct {
	fs   *tracefs.FS
	inst *tracefs.Instance
	pipe *tracefs.Pipe
	col  *Collector
}

// newTracer creates the instance, with events off. It never mounts
// tracefs.
func newTracer(col *Collector) (_ *tracer, err error) {
	fs, err := tracefs.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMissing, err)
	}
	t := &tracer{fs: fs, col: col}
	// mono is CLOCK_MONOTONIC on every CPU, so that trace_pipe's merge of
	// the per-CPU buffers orders markers and events correctly.
	if t.inst, err = fs.NewInstance(tracefs.Config{Tag: leftovers.Passthrough, BufferKB: 16384, Clock: "mono"}); err != nil {
		return nil, errors.Join(fmt.Errorf("%w: %w", ErrMissing, err), fs.Close())
	}
	return t, nil
}

// start adds pid to the filter (children follow through event-fork),
// enables sys_enter and starts the reader.
func (t *tracer) start(pid int) error {
	if _, err := t.inst.AddPIDs(pid); err != nil {
		return err
	}
	var err error
	if t.pipe, err = t.inst.OpenPipe(); err != nil {
		return err
	}
	// fork events tie processes to their parents (gVisor's stubs to the
	// Sentry); they are rare next to sys_enter.
	for _, ev := range []string{"raw_syscalls/sys_enter", "sched/sched_process_fork"} {
		if err := t.inst.Enable(ev); err != nil {
			return err
		}
	}
	if err := t.inst.SetOn(true); err != nil {
		return err
	}
	t.pipe.Start(t.line)
	return nil
}

// line hands one trace_pipe line to the collector.
func (t *tracer) line(b []byte) error {
	ev, ok, err := ParseTraceLine(string(b))
	if err != nil {
		return err
	}
	if ok {
		t.col.Event(ev)
	}
	return nil
}

// mark writes a marker into the instance's buffer.
func (t *tracer) mark(text string) error { return t.inst.Mark(text) }

// stop drains the buffer up to a final marker and stops the reader.
func (t *tracer) stop(wait time.Duration) error {
	if t.pipe == nil {
		return nil
	}
	return t.pipe.Stop(wait)
}

// close removes the instance.
func (t *tracer) close() error { return errors.Join(t.inst.Close(), t.fs.Close()) }
