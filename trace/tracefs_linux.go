package trace

import (
	"fmt"

	"sysweight/internal/tracefs"
)

// lazyTracefs opens tracefs on first use: the eBPF tracer with raw
// tracepoints never needs it, and finding (or mounting) it costs a
// mountinfo read on every run. It mounts tracefs at /sys/kernel/tracing
// when it is not at a canonical place, for cilium/ebpf's perf
// tracepoints, which look for it there.
type lazyTracefs struct {
	fs   *tracefs.FS
	err  error
	done bool
}

func (l *lazyTracefs) get() (*tracefs.FS, error) {
	if !l.done {
		l.fs, l.err = tracefs.OpenOrMount()
		if l.err != nil {
			l.err = fmt.Errorf("%w: %w", ErrUnavailable, l.err)
		}
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
	return readLayout(fs)
}

// readLayout reads the event formats both backends use.
func readLayout(fs *tracefs.FS) (layout, error) {
	enter, err := fs.ReadFile("events/raw_syscalls/sys_enter/format")
	if err != nil {
		return layout{}, fmt.Errorf("%w: raw_syscalls/sys_enter tracepoint: %v", ErrUnavailable, err)
	}
	fork, err := fs.ReadFile("events/sched/sched_process_fork/format")
	if err != nil {
		return layout{}, fmt.Errorf("%w: sched/sched_process_fork tracepoint: %v", ErrUnavailable, err)
	}
	exec, err := fs.ReadFile("events/sched/sched_process_exec/format")
	if err != nil {
		return layout{}, fmt.Errorf("%w: sched/sched_process_exec tracepoint: %v", ErrUnavailable, err)
	}
	return newLayout(enter, fork, exec)
}

func (l *lazyTracefs) close() error {
	if l.fs == nil {
		return nil
	}
	return l.fs.Close()
}
