package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"sysweight/bpf"
	"sysweight/exposure"
	"sysweight/runtimes"
	"sysweight/syscalls"
)

// helperEnv makes the test binary a helper process (TestMain).
const helperEnv = "SYSWEIGHT_CLI_HELPER"

// newuserFilter refuses unshare when its flags hold CLONE_NEWUSER
// (0x10000000) and allows everything else: a test on an argument constant
// no built-in rule names, as an installed filter may have.
func newuserFilter() []bpf.Instruction {
	unshare, _ := syscalls.MustForArch(syscalls.X86_64).Number("unshare")
	return []bpf.Instruction{
		bpf.Stmt(bpf.Ld|bpf.W|bpf.Abs, 4),
		bpf.Jump(bpf.Jmp|bpf.Jeq|bpf.K, syscalls.X86_64.AuditArch(), 1, 0),
		bpf.Stmt(bpf.Ret|bpf.K, bpf.RetKillProcess),
		bpf.Stmt(bpf.Ld|bpf.W|bpf.Abs, 0),
		bpf.Jump(bpf.Jmp|bpf.Jeq|bpf.K, uint32(unshare), 0, 3),
		bpf.Stmt(bpf.Ld|bpf.W|bpf.Abs, 16), // args[0], low half
		bpf.Jump(bpf.Jmp|bpf.Jset|bpf.K, unix.CLONE_NEWUSER, 0, 1),
		bpf.Stmt(bpf.Ret|bpf.K, bpf.RetErrno|1),
		bpf.Stmt(bpf.Ret|bpf.K, bpf.RetAllow),
	}
}

func runHelper(mode string) int {
	if mode != "newuser" {
		return 2
	}
	prog := newuserFilter()
	sf := make([]unix.SockFilter, len(prog))
	for i, in := range prog {
		sf[i] = unix.SockFilter{Code: in.Code, Jt: in.Jt, Jf: in.Jf, K: in.K}
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		fmt.Println(err)
		return 1
	}
	fp := unix.SockFprog{Len: uint16(len(sf)), Filter: &sf[0]}
	// on every thread of the Go runtime (TSYNC): dump counts what any
	// thread may call
	if _, _, e := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, unix.SECCOMP_FILTER_FLAG_TSYNC, uintptr(unsafe.Pointer(&fp))); e != 0 {
		fmt.Println(e)
		return 1
	}
	fmt.Println("ready")
	time.Sleep(time.Minute)
	return 0
}

// dump scores an installed filter by the BPF's own argument tests: a
// process whose filter refuses unshare(CLONE_NEWUSER) exposes unshare at
// the fraction of the corpus flags without that bit, not at 1 (the
// built-ins' corpus holds no unshare flags, so its one zero tuple passed).
// The expected degree is counted here from the corpus values with a bit
// test, not with the BPF interpreter.
func TestDumpDegreeFromBPF(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (PTRACE_SECCOMP_GET_FILTER needs CAP_SYS_ADMIN)")
	}
	helper := exec.Command(os.Args[0], "-test.run=^$")
	helper.Env = append(os.Environ(), helperEnv+"=newuser")
	stdout, err := helper.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := helper.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = helper.Process.Kill(); _ = helper.Wait() }()
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); line != "ready\n" {
		t.Fatalf("helper: %q", line)
	}
	code, out, errs := run(t, "dump", strconv.Itoa(helper.Process.Pid), "-o", "json")
	if code != 0 {
		t.Fatalf("dump: exit %d: %s", code, errs)
	}
	var d struct {
		Entries []exposure.Entry `json:"entries"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	base, err := runtimes.Corpus(syscalls.X86_64)
	if err != nil {
		t.Fatal(err)
	}
	c := base.With(exposure.BPFConstants(syscalls.X86_64, [][][]bpf.Instruction{{newuserFilter()}}))
	vs := c.Values("unshare", 0)
	without := 0
	for _, v := range vs {
		if v&unix.CLONE_NEWUSER == 0 {
			without++
		}
	}
	want := float64(without) / float64(len(vs))
	got := map[string]float64{}
	for _, e := range d.Entries {
		got[e.Syscall] = e.Degree
	}
	if len(vs) < 3 || want <= 0 || want >= 1 || got["unshare"] != want {
		t.Errorf("unshare degree %v, want %v (%d of %d corpus flags without CLONE_NEWUSER)", got["unshare"], want, without, len(vs))
	}
	if got["read"] != 1 || got["clone"] != 1 {
		t.Errorf("read %v, clone %v: want 1 (the filter allows them)", got["read"], got["clone"])
	}
	if n := len(base.Values("unshare", 0)); n != 0 {
		t.Logf("the built-ins' corpus varies unshare's flags (%d values) after all", n)
	}
}
