//go:build linux

package bpf

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The test binary doubles as a helper process, chosen by this variable.
const helperEnv = "SYSWEIGHT_BPF_HELPER"

func init() {
	if os.Getenv(helperEnv) != "" {
		// Keep the main goroutine, which answers the test's calls, on
		// the main thread, so no other goroutine runs there.
		runtime.LockOSThread()
	}
}

func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "":
		os.Exit(m.Run())
	case "filtered":
		filteredHelper()
	case "seize":
		// Hold a ptrace attachment on the pid until killed.
		pid, _ := strconv.Atoi(os.Getenv("SYSWEIGHT_BPF_PID"))
		if err := unix.PtraceSeize(pid); err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		fmt.Println("seized")
		time.Sleep(time.Hour)
	case "dump":
		pid, _ := strconv.Atoi(os.Getenv("SYSWEIGHT_BPF_PID"))
		stack, err := DumpFilters(pid)
		if err != nil {
			fmt.Println(err)
			os.Exit(0)
		}
		fmt.Printf("ok %d filters\n", len(stack))
	}
	os.Exit(0)
}

// The helper's filters: each returns ERRNO(e) for one otherwise unused
// syscall number and allows everything else.
func errnoFor(nr, e uint32) []Instruction {
	return []Instruction{Stmt(Ld|W|Abs, 0), Jump(Jmp|Jeq|K, nr, 0, 1), ret(RetErrno | e), ret(RetAllow)}
}

var (
	filterA = errnoFor(1000, 11) // installed first, on all threads
	filterB = errnoFor(1001, 12) // installed second, on all threads
	filterC = errnoFor(1002, 13) // installed last, on one thread only
)

func install(prog []Instruction, flags uintptr) error {
	sf := make([]unix.SockFilter, len(prog))
	for i, in := range prog {
		sf[i] = unix.SockFilter{Code: in.Code, Jt: in.Jt, Jf: in.Jf, K: in.K}
	}
	fp := unix.SockFprog{Len: uint16(len(sf)), Filter: &sf[0]}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return err
	}
	_, _, e := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, flags, uintptr(unsafe.Pointer(&fp)))
	runtime.KeepAlive(sf)
	if e != 0 {
		return e
	}
	return nil
}

// filteredHelper installs A then B on every thread and C on one locked
// thread, prints "ready TID" (C's thread), then for each stdin line "NR"
// makes that syscall and prints its errno.
func filteredHelper() {
	if err := install(filterA, unix.SECCOMP_FILTER_FLAG_TSYNC); err != nil {
		fmt.Println("install A:", err)
		os.Exit(1)
	}
	if err := install(filterB, unix.SECCOMP_FILTER_FLAG_TSYNC); err != nil {
		fmt.Println("install B:", err)
		os.Exit(1)
	}
	tid := make(chan int)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread keeps C
		if err := install(filterC, 0); err != nil {
			fmt.Println("install C:", err)
			os.Exit(1)
		}
		tid <- unix.Gettid()
		select {}
	}()
	fmt.Printf("ready %d\n", <-tid)
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		nr, _ := strconv.Atoi(sc.Text())
		_, _, e := unix.Syscall(uintptr(nr), 0, 0, 0)
		fmt.Println(int(e))
	}
}

type helper struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Scanner
	tid int // the thread with filter C
}

func startHelper(t *testing.T, exe string, cred *syscall.Credential) *helper {
	t.Helper()
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), helperEnv+"=filtered")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	outp, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	h := &helper{cmd: cmd, in: in, out: bufio.NewScanner(outp)}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	if !h.out.Scan() || !strings.HasPrefix(h.out.Text(), "ready ") {
		t.Fatalf("helper did not start: %q", h.out.Text())
	}
	h.tid, _ = strconv.Atoi(strings.TrimPrefix(h.out.Text(), "ready "))
	return h
}

// call makes the helper run syscall nr and returns its errno.
func (h *helper) call(t *testing.T, nr int) int {
	t.Helper()
	fmt.Fprintln(h.in, nr)
	if !h.out.Scan() {
		t.Fatalf("helper gave no answer for syscall %d", nr)
	}
	e, _ := strconv.Atoi(h.out.Text())
	return e
}

// waitState waits up to two seconds for thread tid of pid to be in state.
func waitState(t *testing.T, pid, tid int, state string) {
	t.Helper()
	var s string
	for range 200 {
		if s = procState(t, pid, tid); s == state {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("thread %d of pid %d in state %s, want %s", tid, pid, s, state)
}

// procState is the state letter of /proc/PID/task/TID/stat (proc(5)).
func procState(t *testing.T, pid, tid int) string {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/stat", pid, tid))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	return strings.Fields(s[strings.LastIndexByte(s, ')')+1:])[0]
}

func TestDumpProcess(t *testing.T) {
	requireRoot(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	h := startHelper(t, exe, nil)
	pid := h.cmd.Process.Pid
	d, err := DumpProcess(pid)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Filters) != 3 {
		t.Fatalf("%d distinct filters, want 3 (A, B, C)", len(d.Filters))
	}
	if len(d.Threads) < 2 {
		t.Fatalf("%d threads: a Go process has several", len(d.Threads))
	}
	for _, th := range d.Threads {
		want := [][]Instruction{filterB, filterA} // index 0 = most recent
		if th.TID == h.tid {
			want = [][]Instruction{filterC, filterB, filterA}
		}
		got := d.Stack(th)
		if len(got) != len(want) {
			t.Fatalf("thread %d: stack of %d filters, want %d", th.TID, len(got), len(want))
		}
		for i := range want {
			if !equalProgs(got[i], want[i]) {
				t.Errorf("thread %d filter %d:\n%s\nwant\n%s", th.TID, i,
					strings.Join(Disassemble(got[i], nil), "\n"), strings.Join(Disassemble(want[i], nil), "\n"))
			}
		}
		if s := procState(t, pid, th.TID); s == "t" || s == "T" {
			t.Errorf("thread %d left in state %s after the dump", th.TID, s)
		}
	}
	// A and B are shared by every thread; C belongs to one.
	for _, f := range d.Filters {
		switch {
		case equalProgs(f.Insns, filterC):
			if len(f.TIDs) != 1 || f.TIDs[0] != h.tid {
				t.Errorf("filter C used by %v, want [%d]", f.TIDs, h.tid)
			}
		case len(f.TIDs) != len(d.Threads):
			t.Errorf("filter used by %v, want all %d threads", f.TIDs, len(d.Threads))
		}
	}
	stacks, tids := d.Stacks()
	if len(stacks) != 2 || len(tids[0])+len(tids[1]) != len(d.Threads) {
		t.Errorf("Stacks: %d distinct stacks over %v, want 2 over all threads", len(stacks), tids)
	}
	// The stack, interpreted with the kernel's combination rule, gives
	// what the helper's real syscalls get; and the helper still runs.
	for nr, errno := range map[int]int{1000: 11, 1001: 12, 1003: int(unix.ENOSYS)} {
		ret := RetAllow
		for _, f := range d.Stack(d.Threads[0]) {
			p, err := Compile(f)
			if err != nil {
				t.Fatal(err)
			}
			ret = Combine(ret, p.Run(&SeccompData{Nr: int32(nr), Arch: auditArchHost}))
		}
		want := RetAllow
		if errno != int(unix.ENOSYS) {
			want = RetErrno | uint32(errno)
		}
		if ret != want {
			t.Errorf("syscall %d: stack returns %#x, want %#x", nr, ret, want)
		}
		if got := h.call(t, nr); got != errno {
			t.Errorf("syscall %d in the helper: errno %d, want %d", nr, got, errno)
		}
	}

	stack, err := DumpFilters(pid)
	if err != nil {
		t.Fatal(err)
	}
	if len(stack) != 2 || !equalProgs(stack[0], filterB) || !equalProgs(stack[1], filterA) {
		t.Errorf("DumpFilters: %d filters, want [B A]", len(stack))
	}
}

func TestDumpExitedMidDump(t *testing.T) {
	requireRoot(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	h := startHelper(t, exe, nil)
	pid := h.cmd.Process.Pid
	dm := dumper{stopped: func(int) { syscall.Kill(pid, syscall.SIGKILL) }}
	_, err = dm.process(pid)
	if !errors.Is(err, ErrExited) {
		t.Fatalf("got %v, want ErrExited", err)
	}
	if !strings.Contains(err.Error(), strconv.Itoa(pid)) {
		t.Errorf("error %q does not name pid %d", err, pid)
	}
	t.Log(err)
	h.cmd.Wait() // may fail: the dump reaped it as its tracer
	if _, err := DumpFilters(pid); !errors.Is(err, ErrExited) {
		t.Errorf("after exit: got %v, want ErrExited", err)
	}
}

func TestDumpNoFilter(t *testing.T) {
	requireRoot(t)
	sleep := exec.Command("sleep", "30")
	if err := sleep.Start(); err != nil {
		t.Skip("no sleep binary:", err)
	}
	t.Cleanup(func() { sleep.Process.Kill(); sleep.Wait() })
	pid := sleep.Process.Pid
	waitState(t, pid, pid, "S")
	_, err := DumpFilters(pid)
	want := fmt.Sprintf("process %d has no seccomp filter (Seccomp: 0 in /proc/%d/task/%d/status)", pid, pid, pid)
	if !errors.Is(err, ErrNoFilter) || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
	// The same answer from the kernel, past the /proc check.
	_, err = dumper{}.thread(pid, pid)
	want = fmt.Sprintf("process %d has no seccomp filter (thread %d is not in filter mode)", pid, pid)
	if !errors.Is(err, ErrNoFilter) || err.Error() != want {
		t.Errorf("ptrace path: got %v, want %q", err, want)
	}
	waitState(t, pid, pid, "S")
}

// TestDumpUnprivileged runs the dump as nobody: attaching to a root
// process is refused by ptrace, and reading the filters of a process of
// the same user needs CAP_SYS_ADMIN.
func TestDumpUnprivileged(t *testing.T) {
	requireRoot(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// nobody must be able to run the test binary.
	dir, err := os.MkdirTemp("", "bpf-unpriv")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	copyExe := filepath.Join(dir, "bpf.test")
	data, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(copyExe, data, 0o755); err != nil {
		t.Fatal(err)
	}
	nobody := &syscall.Credential{Uid: 65534, Gid: 65534}
	dumpAs := func(pid int) string {
		cmd := exec.Command(copyExe)
		cmd.Env = append(os.Environ(), helperEnv+"=dump", "SYSWEIGHT_BPF_PID="+strconv.Itoa(pid))
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: nobody}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("dump helper as nobody: %v: %s", err, out)
		}
		return strings.TrimSpace(string(out))
	}

	rootTarget := startHelper(t, copyExe, nil)
	got := dumpAs(rootTarget.cmd.Process.Pid)
	want := fmt.Sprintf("dumping seccomp filters of pid %d: attaching with ptrace: permission denied (needs CAP_SYS_PTRACE, or the same user and a permissive ptrace_scope)", rootTarget.cmd.Process.Pid)
	if got != want {
		t.Errorf("root target:\n got %s\nwant %s", got, want)
	}

	nobodyTarget := startHelper(t, copyExe, nobody)
	pid := nobodyTarget.cmd.Process.Pid
	got = dumpAs(pid)
	want = fmt.Sprintf("dumping seccomp filters of pid %d: PTRACE_SECCOMP_GET_FILTER: permission denied (needs CAP_SYS_ADMIN, and the dumping process must not be under seccomp itself)", pid)
	if got != want {
		t.Errorf("same-user target:\n got %s\nwant %s", got, want)
	}
	if s := procState(t, pid, pid); s == "t" || s == "T" {
		t.Errorf("target left in state %s after the refused dump", s)
	}
	if e := nobodyTarget.call(t, 1001); e != 12 {
		t.Errorf("target after the refused dump: syscall 1001 errno %d, want 12", e)
	}
}

// TestDumpAlreadyTraced: a process under strace or gdb cannot be seized;
// the error names the tracer.
func TestDumpAlreadyTraced(t *testing.T) {
	requireRoot(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	h := startHelper(t, exe, nil)
	pid := h.cmd.Process.Pid
	// Another process as tracer: a child of ours seizes the helper and
	// waits.
	tracer := exec.Command(exe)
	tracer.Env = append(os.Environ(), helperEnv+"=seize", "SYSWEIGHT_BPF_PID="+strconv.Itoa(pid))
	out, err := tracer.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := tracer.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tracer.Process.Kill(); tracer.Wait() })
	sc := bufio.NewScanner(out)
	if !sc.Scan() || sc.Text() != "seized" {
		t.Fatalf("tracer helper: %q", sc.Text())
	}
	_, err = DumpFilters(pid)
	want := fmt.Sprintf("dumping seccomp filters of pid %d: attaching with ptrace: permission denied: already traced by pid %d", pid, tracer.Process.Pid)
	if !errors.Is(err, ErrPermission) || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}
