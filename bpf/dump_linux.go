//go:build linux

package bpf

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// DumpFilters returns the filter stack of thread pid (for a process, its
// main thread), index 0 the most recently installed. It needs
// CAP_SYS_ADMIN, ptrace access to pid, and a caller that is not itself
// under seccomp. The thread is stopped for the dump and left running (or
// stopped, if it was) afterwards.
func DumpFilters(pid int) ([][]Instruction, error) {
	return dumper{}.filters(pid)
}

// DumpProcess dumps the filter stack of every thread of process pid (see
// DumpFilters). Threads that exit during the dump are left out; if all do,
// the error wraps ErrExited.
func DumpProcess(pid int) (*Dump, error) {
	return dumper{}.process(pid)
}

// dumper holds test hooks; the zero value is what the API uses.
type dumper struct {
	// stopped runs while a thread is ptrace-stopped, before its filters
	// are read.
	stopped func(tid int)
}

func (dm dumper) filters(pid int) ([][]Instruction, error) {
	if err := checkStatus(pid, pid); err != nil {
		return nil, err
	}
	stack, err := dm.thread(pid, pid)
	if err != nil {
		return nil, err
	}
	return stack, nil
}

func (dm dumper) process(pid int) (*Dump, error) {
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("dumping seccomp filters of pid %d: %w", pid, ErrExited)
		}
		return nil, fmt.Errorf("dumping seccomp filters of pid %d: listing threads: %w", pid, err)
	}
	var tids []int
	for _, e := range ents {
		if tid, err := strconv.Atoi(e.Name()); err == nil {
			tids = append(tids, tid)
		}
	}
	sort.Ints(tids)
	d := &Dump{PID: pid}
	var lastExit, lastNoFilter error
	for _, tid := range tids {
		err := checkStatus(pid, tid)
		var stack [][]Instruction
		if err == nil {
			stack, err = dm.thread(pid, tid)
		}
		switch {
		case errors.Is(err, ErrExited):
			lastExit = err
			continue
		case errors.Is(err, ErrNoFilter):
			// A thread without a filter is unconfined: keep it, with
			// an empty stack.
			lastNoFilter = err
		case err != nil:
			return nil, err
		}
		d.add(tid, stack)
	}
	if len(d.Threads) == 0 {
		if lastExit == nil {
			lastExit = fmt.Errorf("dumping seccomp filters of pid %d: no threads: %w", pid, ErrExited)
		}
		return nil, lastExit
	}
	if len(d.Filters) == 0 {
		return nil, lastNoFilter
	}
	return d, nil
}

// checkStatus answers "no filter" from /proc before any ptrace, so that
// the error does not depend on privileges.
func checkStatus(pid, tid int) error {
	f, err := os.Open(fmt.Sprintf("/proc/%d/task/%d/status", pid, tid))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("dumping seccomp filters of pid %d: %w", pid, ErrExited)
		}
		return fmt.Errorf("dumping seccomp filters of pid %d: %w", pid, err)
	}
	defer f.Close()
	st, err := ParseStatus(f)
	if err != nil {
		return fmt.Errorf("dumping seccomp filters of pid %d: %s: %w", pid, f.Name(), err)
	}
	switch st.Mode {
	case 0:
		return fmt.Errorf("process %d has %w (Seccomp: 0 in %s)", pid, ErrNoFilter, f.Name())
	case 1:
		return fmt.Errorf("process %d has %w: it uses seccomp strict mode (Seccomp: 1 in %s)", pid, ErrNoFilter, f.Name())
	}
	return nil
}

// tracerOf is the TracerPid of a thread, 0 when unknown.
func tracerOf(pid, tid int) int {
	f, err := os.Open(fmt.Sprintf("/proc/%d/task/%d/status", pid, tid))
	if err != nil {
		return 0
	}
	defer f.Close()
	st, _ := ParseStatus(f)
	return st.Tracer
}

// filterBufWords is enough for any filter: the kernel copies the whole
// program and takes no length, and refuses programs over BPF_MAXINSNS.
const filterBufWords = MaxInstructions * InstructionSize

// thread seizes tid, stops it, reads its filters and detaches. ptrace
// requests must all come from the OS thread that attached.
func (dm dumper) thread(pid, tid int) (stack [][]Instruction, err error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	where := fmt.Sprintf("dumping seccomp filters of pid %d", pid)
	if tid != pid {
		where += fmt.Sprintf(" (thread %d)", tid)
	}
	if err := unix.PtraceSeize(tid); err != nil {
		switch {
		case errors.Is(err, unix.ESRCH):
			return nil, fmt.Errorf("%s: %w", where, ErrExited)
		case errors.Is(err, unix.EPERM) && tracerOf(pid, tid) > 0:
			return nil, fmt.Errorf("%s: attaching with ptrace: %w: already traced by pid %d", where, ErrPermission, tracerOf(pid, tid))
		case errors.Is(err, unix.EPERM):
			return nil, fmt.Errorf("%s: attaching with ptrace: %w (needs CAP_SYS_PTRACE, or the same user and a permissive ptrace_scope)", where, ErrPermission)
		}
		return nil, fmt.Errorf("%s: attaching with ptrace: %w", where, err)
	}
	sig := 0
	defer func() {
		if derr := detach(tid, sig); derr != nil && err == nil {
			err = fmt.Errorf("%s: detaching: %w", where, derr)
		}
	}()
	if err := unix.PtraceInterrupt(tid); err != nil {
		return nil, fmt.Errorf("%s: interrupting: %w", where, exitedOr(err))
	}
	var ws unix.WaitStatus
	for {
		_, err := unix.Wait4(tid, &ws, unix.WALL, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: waiting for the stop: %w", where, exitedOr(err))
		}
		break
	}
	if !ws.Stopped() {
		return nil, fmt.Errorf("%s: %w (wait status %#x)", where, ErrExited, uint32(ws))
	}
	// A signal-delivery stop may come before the interrupt's event stop;
	// the signal must be handed back on detach. Group stops under
	// PTRACE_SEIZE report PTRACE_EVENT_STOP and keep their stop.
	if ws.TrapCause() != unix.PTRACE_EVENT_STOP {
		sig = int(ws.StopSignal())
	}
	if dm.stopped != nil {
		dm.stopped(tid)
	}
	buf := make([]byte, filterBufWords)
	for i := 0; ; i++ {
		n, _, errno := unix.Syscall6(unix.SYS_PTRACE, unix.PTRACE_SECCOMP_GET_FILTER,
			uintptr(tid), uintptr(i), uintptr(unsafe.Pointer(&buf[0])), 0, 0)
		switch errno {
		case 0:
		case unix.ENOENT:
			if i == 0 {
				return nil, fmt.Errorf("process %d has %w (thread %d)", pid, ErrNoFilter, tid)
			}
			// The kernel numbers filters oldest first
			// (kernel/seccomp.c: get_nth_filter counts back from
			// the newest by len-index), although ptrace(2) says
			// index 0 is the newest; TestDumpProcess shows which.
			slices.Reverse(stack)
			return stack, nil
		case unix.EINVAL:
			if i == 0 {
				return nil, fmt.Errorf("process %d has %w (thread %d is not in filter mode)", pid, ErrNoFilter, tid)
			}
			return nil, fmt.Errorf("%s: filter %d: %w", where, i, errno)
		case unix.EACCES:
			return nil, fmt.Errorf("%s: PTRACE_SECCOMP_GET_FILTER: %w (needs CAP_SYS_ADMIN, and the dumping process must not be under seccomp itself)", where, ErrPermission)
		case unix.EMEDIUMTYPE:
			return nil, fmt.Errorf("%s: %w: no original program kept (kernel built without CONFIG_CHECKPOINT_RESTORE)", where, ErrKernel)
		case unix.EIO:
			return nil, fmt.Errorf("%s: %w: PTRACE_SECCOMP_GET_FILTER unknown (kernel older than 4.4?)", where, ErrKernel)
		default:
			return nil, fmt.Errorf("%s: filter %d: %w", where, i, exitedOr(errno))
		}
		if n == 0 || n > MaxInstructions {
			return nil, fmt.Errorf("%s: filter %d: kernel reported %d instructions, want 1 to %d", where, i, n, MaxInstructions)
		}
		prog, err := Decode(buf[:n*InstructionSize])
		if err != nil {
			return nil, fmt.Errorf("%s: filter %d: %w", where, i, err)
		}
		stack = append(stack, prog)
	}
}

func exitedOr(err error) error {
	if errors.Is(err, unix.ESRCH) || errors.Is(err, unix.ECHILD) {
		return fmt.Errorf("%w (%v)", ErrExited, err)
	}
	return err
}

// detach lets tid go, handing back sig. When tid died while attached, the
// kernel reports its exit to us, the tracer, before its parent can reap it;
// collect that report so the process is not held as a zombie.
func detach(tid, sig int) error {
	_, _, errno := unix.Syscall6(unix.SYS_PTRACE, unix.PTRACE_DETACH, uintptr(tid), 0, uintptr(sig), 0, 0)
	if errno == 0 {
		return nil
	}
	if errno != unix.ESRCH {
		return errno
	}
	// ESRCH: not stopped any more, which after our stop means dying.
	var ws unix.WaitStatus
	for i := 0; i < 100; i++ {
		wpid, err := unix.Wait4(tid, &ws, unix.WALL|unix.WNOHANG, nil)
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return nil
		case wpid == tid && ws.Stopped():
			// Stopped after all (a stop raced the error): detach now.
			_, _, errno = unix.Syscall6(unix.SYS_PTRACE, unix.PTRACE_DETACH, uintptr(tid), 0, uintptr(sig), 0, 0)
			if errno == 0 {
				return nil
			}
		case wpid == tid:
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("thread %d neither stopped nor exited after a failed detach", tid)
}
