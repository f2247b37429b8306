package trace

import (
	"bytes"
	"fmt"

	"sysweight/internal/tracefs"
)

// The event formats come from tracefs (internal/tracefs parses them); which
// fields the tracers read, and where, is this package's.

// layout is what the tracers need from the format files, checked.
type layout struct {
	enterID       int // sys_enter event ID, for tracefs records
	idOff, argOff int // raw_syscalls/sys_enter: long id; unsigned long args[6]
	pidOff        int // common_pid
	recLen        int // minimum sys_enter record length
	parentOff     int // sched_process_fork: pid_t parent_pid
	childOff      int // sched_process_fork: pid_t child_pid
	execPidOff    int // sched_process_exec: pid_t pid (the thread id kept)
	execOldOff    int // sched_process_exec: pid_t old_pid (the exec'ing thread's id before)
}

// want returns name's field if it has the given size.
func want(f *tracefs.Format, event, name string, size int) (tracefs.Field, error) {
	fl, ok := f.Field(name)
	if !ok {
		return fl, fmt.Errorf("%w: %s has no field %s", tracefs.ErrFormat, event, name)
	}
	if fl.Size != size {
		return fl, fmt.Errorf("%w: %s field %s has size %d, want %d", tracefs.ErrFormat, event, name, fl.Size, size)
	}
	return fl, nil
}

// newLayout checks and combines the sys_enter, sched_process_fork and
// sched_process_exec formats.
func newLayout(enter, fork, exec []byte) (layout, error) {
	var l layout
	ef, err := tracefs.ParseFormat(bytes.NewReader(enter))
	if err != nil {
		return l, fmt.Errorf("raw_syscalls/sys_enter: %w", err)
	}
	ff, err := tracefs.ParseFormat(bytes.NewReader(fork))
	if err != nil {
		return l, fmt.Errorf("sched/sched_process_fork: %w", err)
	}
	xf, err := tracefs.ParseFormat(bytes.NewReader(exec))
	if err != nil {
		return l, fmt.Errorf("sched/sched_process_exec: %w", err)
	}
	id, err := want(ef, "sys_enter", "id", 8)
	if err != nil {
		return l, err
	}
	args, err := want(ef, "sys_enter", "args", 48)
	if err != nil {
		return l, err
	}
	pid, err := want(ef, "sys_enter", "common_pid", 4)
	if err != nil {
		return l, err
	}
	parent, err := want(ff, "sched_process_fork", "parent_pid", 4)
	if err != nil {
		return l, err
	}
	child, err := want(ff, "sched_process_fork", "child_pid", 4)
	if err != nil {
		return l, err
	}
	xpid, err := want(xf, "sched_process_exec", "pid", 4)
	if err != nil {
		return l, err
	}
	xold, err := want(xf, "sched_process_exec", "old_pid", 4)
	if err != nil {
		return l, err
	}
	if ef.ID < 0 || id.Offset%8 != 0 || args.Offset%8 != 0 || pid.Offset%4 != 0 ||
		parent.Offset%4 != 0 || child.Offset%4 != 0 || xpid.Offset%4 != 0 || xold.Offset%4 != 0 {
		return l, fmt.Errorf("%w: sys_enter ID %d, offsets id %d args %d common_pid %d parent_pid %d child_pid %d pid %d old_pid %d: want an ID and aligned offsets",
			tracefs.ErrFormat, ef.ID, id.Offset, args.Offset, pid.Offset, parent.Offset, child.Offset, xpid.Offset, xold.Offset)
	}
	l = layout{
		enterID: ef.ID, idOff: id.Offset, argOff: args.Offset, pidOff: pid.Offset,
		recLen:    max(id.Offset+8, args.Offset+48, pid.Offset+4),
		parentOff: parent.Offset, childOff: child.Offset,
		execPidOff: xpid.Offset, execOldOff: xold.Offset,
	}
	return l, nil
}
