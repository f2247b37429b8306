package trace

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
	"time"

	"sysweight/exposure"
	"sysweight/internal/hostguard"
	"sysweight/syscalls"
)

// Backend names.
const (
	BackendEBPF    = "ebpf"
	BackendTracefs = "tracefs"
	BackendAuto    = "auto" // ebpf, else tracefs
)

// Sentinel errors.
var (
	ErrNotSupportedOnOS = errors.New("syscall tracing needs Linux")
	ErrUnavailable      = errors.New("tracing backend unavailable") // not root, no tracefs, no BPF, ...
	ErrOptions          = errors.New("bad trace options")
	ErrNoProcess        = errors.New("no such process")
)

// Options says what to trace and how.
type Options struct {
	// PID traces a running process: all its threads and its descendants at
	// the time tracing starts, and everything they fork afterwards, until it
	// exits or ctx ends. Tasks that exist before tracing starts are found
	// through /proc, so the PID must be in the tracer's pid namespace.
	PID int
	// Cmd starts Cmd[0] with arguments Cmd[1:] (looked up in PATH) and
	// traces it and its descendants from its execve until it exits or ctx
	// ends; on ctx's end the command is killed.
	Cmd []string
	// Stdin, Stdout and Stderr of Cmd; nil means /dev/null.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Backend is BackendEBPF, BackendTracefs or BackendAuto ("" = auto).
	Backend string
	// Duration, when positive, stops tracing after that long (a command
	// started by Run is then killed, as on ctx's end).
	Duration time.Duration
	// Started, if set, is called once tracing is in place, with the root
	// pid (the started command's, or PID), before Run waits for it.
	Started func(root int)

	perfTracepoint bool // tests: attach sys_enter as a perf tracepoint even where a raw one works
}

func (o *Options) check() error {
	switch {
	case o.PID == 0 && len(o.Cmd) == 0:
		return fmt.Errorf("%w: want a PID or a command", ErrOptions)
	case o.PID != 0 && len(o.Cmd) != 0:
		return fmt.Errorf("%w: want a PID or a command, not both", ErrOptions)
	case o.PID < 0:
		return fmt.Errorf("%w: PID %d is negative", ErrOptions, o.PID)
	}
	switch o.Backend {
	case "", BackendAuto, BackendEBPF, BackendTracefs:
	default:
		return fmt.Errorf("%w: backend %q: want ebpf, tracefs or auto", ErrOptions, o.Backend)
	}
	return nil
}

// Result is what one trace saw.
type Result struct {
	Backend string `json:"backend"`
	Method  string `json:"method"` // sys_enter: ebpf "raw_tracepoint" or "tracepoint"; tracefs "trace_pipe_raw"
	// SchedMethod is how the ebpf backend follows fork, exec and exit:
	// "raw_tracepoint" (tasks keyed by task_struct) or "tracepoint" (by
	// thread id; --pid traces, and kernels without raw sched hooks).
	SchedMethod string        `json:"sched_method,omitempty"`
	Arch        syscalls.Arch `json:"arch"` // the host's: syscall numbers are its
	Root        int           `json:"root"` // pid of the traced (or started) process
	// Counts is the number of sys_enter events (syscalls that reached the
	// kernel) per syscall number, over the whole traced tree.
	Counts map[int]uint64 `json:"counts"`
	// FirstArgs holds, per syscall number, the six argument registers of
	// one of its first calls (the first on whichever CPU won the race).
	FirstArgs map[int][6]uint64 `json:"first_args,omitempty"`
	// Other counts syscalls whose number lies outside [0, MaxNr): x32
	// numbers (bit 30 set) and -1 from ptrace-injected skips.
	Other uint64 `json:"other,omitempty"`
	// Lost counts events the backend knows it dropped: ring buffer overruns
	// for tracefs, programs skipped for recursion for ebpf. Counts are
	// exact only when it is 0.
	Lost uint64 `json:"lost"`
	// Untracked counts new tasks that could not be added to the tracked
	// set (a full map); their syscalls are missing from Counts.
	Untracked uint64        `json:"untracked,omitempty"`
	Duration  time.Duration `json:"duration_ns"`
	// ExitCode of Cmd (-1 when killed by a signal or not started by Run).
	ExitCode int `json:"exit_code"`
	// Signal names the signal that killed Cmd, e.g. "SIGKILL" (Run sends
	// that one when Duration ends or the context is cancelled); "" when it
	// exited or was not started by Run.
	Signal string `json:"signal,omitempty"`
	signo  int    // the number of Signal
}

// Status is Cmd's exit status as a shell reports it, and as time and
// strace pass it on: ExitCode, or 128+n when signal n killed Cmd (137 for
// SIGKILL, also when Duration ended it); 0 when Run did not start Cmd.
func (r *Result) Status() int {
	if r.Signal != "" && r.signo > 0 {
		return 128 + r.signo
	}
	return max(r.ExitCode, 0)
}

// MaxNr bounds the syscall numbers counted one by one.
const MaxNr = 1023

// Total is the number of syscalls counted, Other included.
func (r *Result) Total() uint64 {
	t := r.Other
	for _, n := range r.Counts {
		t += n
	}
	return t
}

// ByName converts Counts to syscall names of r.Arch's table. Numbers absent
// from the table are named "nr_N".
func (r *Result) ByName() (map[string]uint64, error) {
	t, err := syscalls.ForArch(r.Arch)
	if err != nil {
		return nil, err
	}
	out := make(map[string]uint64, len(r.Counts))
	for nr, n := range r.Counts {
		name, ok := t.Name(nr)
		if !ok {
			name = fmt.Sprintf("nr_%d", nr)
		}
		out[name] += n
	}
	return out, nil
}

// Exposure is the observed exposure: degree 1 for every syscall seen at
// least once. Numbers absent from the table are listed in the provenance
// notes, as are lost events, which make the set a lower bound.
func (r *Result) Exposure(name string) (*exposure.Exposure, error) {
	t, err := syscalls.ForArch(r.Arch)
	if err != nil {
		return nil, err
	}
	nrs := make([]int, 0, len(r.Counts))
	for nr, n := range r.Counts {
		if n > 0 {
			nrs = append(nrs, nr)
		}
	}
	sort.Ints(nrs)
	prov := exposure.Provenance{
		Source: exposure.Observed,
		Origin: "sysweight/trace " + r.Backend + " backend",
		Notes:  []string{fmt.Sprintf("root pid %d, %d syscalls over %s", r.Root, r.Total(), r.Duration.Round(time.Millisecond))},
	}
	var entries []exposure.Entry
	for _, nr := range nrs {
		s, ok := t.Name(nr)
		if !ok {
			prov.Notes = append(prov.Notes, fmt.Sprintf("syscall number %d (%d calls) is not in the %s table", nr, r.Counts[nr], r.Arch))
			continue
		}
		entries = append(entries, exposure.Entry{Syscall: s, Degree: 1})
	}
	if r.Other > 0 {
		prov.Notes = append(prov.Notes, fmt.Sprintf("%d calls with numbers outside [0,%d) not attributed", r.Other, MaxNr))
	}
	if r.Lost > 0 || r.Untracked > 0 {
		prov.Notes = append(prov.Notes, fmt.Sprintf("%d events lost and %d tasks untracked: the set is a lower bound", r.Lost, r.Untracked))
	}
	return exposure.New(name, r.Arch, prov, entries)
}

// NotifyContext returns a context cancelled by SIGINT or SIGTERM, so that
// Run can clean up before the program exits. Call stop when done.
func NotifyContext(parent context.Context) (ctx context.Context, stop context.CancelFunc) {
	return signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
}

// Run traces opts.PID or opts.Cmd until it exits, opts.Duration passes or
// ctx ends, and returns what it saw. It needs root (CAP_BPF and
// CAP_PERFMON for ebpf, write access to tracefs for tracefs). Whatever
// happens, it leaves no program, map, link or tracefs instance behind.
func Run(ctx context.Context, opts Options) (*Result, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	defer hostguard.Hold()() // an interrupted process waits for the cleanup
	return run(ctx, opts)
}
