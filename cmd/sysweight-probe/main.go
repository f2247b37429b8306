//go:build linux && amd64

// Command sysweight-probe runs inside a sandbox (a container, a gVisor
// sandbox, a virtual machine) and invokes each x86_64 syscall once, with
// arguments that make the kernel reject the call before it has any effect
// (calls.go). It is the inside half of the pass-through experiment of
// package sysweight/passthrough, which traces the host meanwhile.
//
// Each call runs in its own child process (the probe re-executes itself),
// so that a call that kills its caller (SIGSYS from a seccomp filter,
// SIGILL from uretprobe) or blocks (pause) costs one child only. The child
// brackets the call with a handshake on stdin/stdout: it writes a "begin"
// line and waits for one byte on stdin, makes the call, writes an "end" line
// and waits again. The host marks its trace when it reads each line, before
// it answers, so the host events between the two marks are the ones the call
// could have caused. Without a host on stdin (-free) the probe runs without
// waiting, like amicontained's syscall scan.
//
// Output is JSON lines on stdout (see package passthrough's ProbeLine):
// hello (what the sandbox looks like from inside), begin/end/result per
// call, skip per syscall with no safe arguments, done.
//
// The probe must be static (CGO_ENABLED=0): the sandbox's rootfs holds
// nothing else. It builds for linux/amd64 only: its table holds x86_64
// syscall numbers and their arguments, which mean nothing elsewhere.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"sysweight/syscalls"
)

// Nop is the name of the baseline call: a window with no syscall in it, so
// that the host can tell the handshake's own events from a call's.
const Nop = "nop"

// line is one output record. Fields are omitted when they do not apply.
type line struct {
	Event string   `json:"event"` // hello, begin, end, result, skip, done, error
	Seq   int      `json:"seq,omitempty"`
	Name  string   `json:"name,omitempty"`
	Nr    *int     `json:"nr,omitempty"`
	Args  []uint64 `json:"args,omitempty"`
	// end
	Ret   *int64 `json:"ret,omitempty"`
	Errno string `json:"errno,omitempty"`
	// result
	Outcome string `json:"outcome,omitempty"` // returned, signal, timeout, exit, error
	Signal  string `json:"signal,omitempty"`
	Exit    *int   `json:"exit,omitempty"`
	// skip, error
	Reason string `json:"reason,omitempty"`
	// hello
	Uname    *uname   `json:"uname,omitempty"`
	GVisor   *bool    `json:"gvisor,omitempty"`
	Evidence []string `json:"evidence,omitempty"`
	Calls    *int     `json:"calls,omitempty"`
	Kernel   string   `json:"table_kernel,omitempty"`
	Note     string   `json:"note,omitempty"`
}

type uname struct {
	Sysname, Release, Version, Machine string
}

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	fs := flag.NewFlagSet("sysweight-probe", flag.ContinueOnError)
	child := fs.String("child", "", "internal: make one call (a syscall name or nop)")
	seq := fs.Int("seq", 0, "internal: the call's sequence number")
	only := fs.String("syscalls", "", "comma-separated syscall names (default: the whole table)")
	timeout := fs.Duration("timeout", 3*time.Second, "kill a call's child after this long")
	every := fs.Int("baseline-every", 16, "run a nop window before every Nth call")
	free := fs.Bool("free", false, "do not wait for the host between steps")
	list := fs.Bool("list", false, "print the argument table as JSON lines and exit")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	out := &emitter{}
	if *list {
		return listTable(out)
	}
	if *child != "" {
		return runChild(out, *child, *seq, !*free)
	}
	return runAll(out, *only, *timeout, *every, *free)
}

// emitter writes one JSON line per write(2), so that lines of the parent and
// its children never interleave.
type emitter struct{}

func (emitter) emit(l line) {
	b, err := json.Marshal(l)
	if err != nil {
		b = []byte(`{"event":"error","reason":"marshal"}`)
	}
	_, _ = os.Stdout.Write(append(b, '\n'))
}

func listTable(out *emitter) int {
	t := syscalls.MustForArch(syscalls.X86_64)
	for _, s := range t.All() {
		c, ok := calls[s.Name]
		nr := s.Nr
		switch {
		case !ok:
			out.emit(line{Event: "skip", Name: s.Name, Nr: &nr, Reason: "no entry in the argument table"})
		case c.skip != "":
			out.emit(line{Event: "skip", Name: s.Name, Nr: &nr, Reason: c.skip})
		default:
			out.emit(line{Event: "call", Name: s.Name, Nr: &nr, Args: c.args[:], Note: c.note})
		}
	}
	return 0
}

func runAll(out *emitter, only string, timeout time.Duration, every int, free bool) int {
	t := syscalls.MustForArch(syscalls.X86_64)
	var names []string
	if only != "" {
		for _, n := range strings.Split(only, ",") {
			n = strings.TrimSpace(n)
			if _, ok := t.Number(n); !ok {
				out.emit(line{Event: "error", Name: n, Reason: "not in the x86_64 table"})
				return 2
			}
			names = append(names, n)
		}
	} else {
		names = t.Names()
	}
	hello := line{Event: "hello", Kernel: t.Kernel, Calls: new(int)}
	u, gv, ev := describeSandbox()
	hello.Uname, hello.GVisor, hello.Evidence = &u, &gv, ev
	*hello.Calls = len(names)
	out.emit(hello)

	self, err := os.Executable()
	if err != nil {
		self = "/proc/self/exe"
	}
	seq := 0
	spawn := func(name string) {
		seq++
		args := []string{"-child", name, "-seq", strconv.Itoa(seq)}
		if free {
			args = append(args, "-free")
		}
		out.emit(result(seq, name, self, args, timeout))
	}
	for i := 0; i < 3; i++ {
		spawn(Nop)
	}
	made := 0
	for _, name := range names {
		c, ok := calls[name]
		nr, _ := t.Number(name)
		if !ok {
			out.emit(line{Event: "skip", Name: name, Nr: &nr, Reason: "no entry in the argument table"})
			continue
		}
		if c.skip != "" {
			out.emit(line{Event: "skip", Name: name, Nr: &nr, Reason: c.skip})
			continue
		}
		if every > 0 && made > 0 && made%every == 0 {
			spawn(Nop)
		}
		spawn(name)
		made++
	}
	spawn(Nop)
	out.emit(line{Event: "done", Calls: &made})
	return 0
}

// result runs one child and reports how it ended.
func result(seq int, name, self string, args []string, timeout time.Duration) line {
	r := line{Event: "result", Seq: seq, Name: name}
	cmd := exec.Command(self, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		r.Outcome, r.Reason = "error", err.Error()
		return r
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(timeout):
		_ = cmd.Process.Kill()
		<-done
		r.Outcome = "timeout"
		return r
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
		r.Outcome = "returned"
	case errors.As(err, &ee):
		ws, _ := ee.Sys().(syscall.WaitStatus)
		if ws.Signaled() {
			r.Outcome, r.Signal = "signal", unix.SignalName(ws.Signal())
		} else {
			code := ws.ExitStatus()
			r.Outcome, r.Exit = "exit", &code
		}
	default:
		r.Outcome, r.Reason = "error", err.Error()
	}
	return r
}

func runChild(out *emitter, name string, seq int, handshake bool) int {
	// One thread makes the call and the handshake, so the host can tell them
	// from the Go runtime's other threads if it wants to.
	runtime.LockOSThread()
	t := syscalls.MustForArch(syscalls.X86_64)
	var c call
	nr := -1
	if name != Nop {
		var ok bool
		if c, ok = calls[name]; !ok || c.skip != "" {
			out.emit(line{Event: "error", Seq: seq, Name: name, Reason: "not callable"})
			return 2
		}
		nr, _ = t.Number(name)
	}
	out.emit(line{Event: "begin", Seq: seq, Name: name, Nr: &nr, Args: c.args[:]})
	if handshake && !ack() {
		return 3
	}
	quietSignals()
	var r1 uintptr
	var e syscall.Errno
	switch {
	case name == Nop:
	case c.fork:
		r1, _, e = syscall.RawSyscall(uintptr(nr), 0, 0, 0)
		if r1 == 0 && e == 0 {
			// the new process: leave before the Go runtime notices it
			syscall.RawSyscall(unix.SYS_EXIT_GROUP, 0, 0, 0)
		}
	default:
		a := c.args
		r1, _, e = syscall.RawSyscall6(uintptr(nr), uintptr(a[0]), uintptr(a[1]), uintptr(a[2]), uintptr(a[3]), uintptr(a[4]), uintptr(a[5]))
	}
	end := line{Event: "end", Seq: seq, Name: name, Nr: &nr}
	if name != Nop {
		if e != 0 {
			end.Errno = unix.ErrnoName(e)
			if end.Errno == "" {
				end.Errno = "errno" + strconv.Itoa(int(e))
			}
		} else {
			v := int64(r1)
			end.Ret = &v
		}
	}
	out.emit(end)
	if handshake && !ack() {
		return 3
	}
	return 0
}

// quietSignals gives SIGILL and SIGSYS their default action in a child: a
// call that raises one (uretprobe outside a uretprobe trampoline: SIGILL;
// a filter's SECCOMP_RET_TRAP: SIGSYS) then ends the child by that signal,
// which result reports as such, instead of the Go runtime's handler
// printing a traceback into the sandbox's stderr and exiting with status 2.
func quietSignals() {
	var sa struct{ handler, flags, restorer, mask uint64 } // SIG_DFL
	for _, s := range []syscall.Signal{syscall.SIGILL, syscall.SIGSYS} {
		syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(s), uintptr(unsafe.Pointer(&sa)), 0, 8, 0, 0)
	}
}

// ack waits for one byte from the host.
func ack() bool {
	var b [1]byte
	for {
		n, err := syscall.Read(0, b[:])
		if err == syscall.EINTR {
			continue
		}
		return n == 1 && err == nil
	}
}

// describeSandbox reports uname and whether this looks like gVisor: its
// Sentry reports a fixed uname (4.19.0-gvisor today, 4.4.0 before, with
// the version string "#1 SMP Sun Jan 10 15:06:54 PST 2016"), and its
// syslog(2) buffer holds made-up boot messages naming gVisor
// (pkg/sentry/kernel/syslog.go).
func describeSandbox() (uname, bool, []string) {
	var u unix.Utsname
	var out uname
	if err := unix.Uname(&u); err == nil {
		out = uname{cstr(u.Sysname[:]), cstr(u.Release[:]), cstr(u.Version[:]), cstr(u.Machine[:])}
	}
	var ev []string
	switch {
	case strings.Contains(out.Release, "gvisor"):
		ev = append(ev, "uname release "+out.Release)
	case out.Release == "4.4.0" && strings.Contains(out.Version, "Sun Jan 10 15:06:54 PST 2016"):
		ev = append(ev, "uname 4.4.0 with gVisor's fixed version string (older gVisor)")
	}
	buf := make([]byte, 1<<14)
	if n, err := unix.Klogctl(3, buf); err == nil && bytes.Contains(buf[:n], []byte("gVisor")) {
		ev = append(ev, "syslog(2) buffer mentions gVisor")
	}
	if b, err := os.ReadFile("/proc/version"); err == nil && bytes.Contains(b, []byte("gVisor")) {
		ev = append(ev, fmt.Sprintf("/proc/version: %s", strings.TrimSpace(string(b))))
	}
	return out, len(ev) > 0, ev
}

func cstr(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}
