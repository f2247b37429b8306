package seccomp

import (
	"strings"
	"testing"

	"sysweight/syscalls"
)

// Verdicts of Firecracker v1.16.1's x86_64 filters, read off
// resources/seccomp/x86_64-unknown-linux-musl.json by hand. Every thread
// has default_action "trap" and filter_action "allow".
func TestFirecrackerV1161(t *testing.T) {
	p, err := DecodeFirecracker(openShared(t, "seccomp-profiles/firecracker-v1.16.1-x86_64.json"), "fc", syscalls.X86_64)
	if err != nil {
		t.Fatal(err)
	}
	threads := map[string]*Filter{}
	var order []string
	for _, f := range p.Filters {
		threads[f.Name] = f
		order = append(order, f.Name)
		if f.Default != (Verdict{Action: ActTrap}) {
			t.Errorf("%s default %v, want trap", f.Name, f.Default)
		}
		if len(f.Unresolved) != 0 {
			t.Errorf("%s: unresolved %v", f.Name, f.Unresolved)
		}
	}
	if strings.Join(order, ",") != "api,vcpu,vmm" {
		t.Fatalf("threads %v", order)
	}
	// Rule counts: len(filter) of each thread in the file.
	for name, n := range map[string]int{"vmm": 76, "api": 36, "vcpu": 46} {
		if got := len(threads[name].Rules); got != n {
			t.Errorf("%s: %d rules, want %d", name, got, n)
		}
	}
	const (
		kvmRun    = 44672      // KVM_RUN, vcpu ioctl arg1
		tunSetIff = 1074025674 // TUNSETIFF, vmm only
		afUnix    = 1
		sockSC    = 524289 // SOCK_STREAM|SOCK_CLOEXEC
	)
	allow, trap := ActAllow, ActTrap
	for _, c := range []struct {
		thread, syscall string
		a               *[6]uint64
		want            Action
	}{
		{"vmm", "read", args(), allow},
		{"vmm", "execve", args(), trap},
		{"vcpu", "ioctl", args(3, kvmRun), allow},
		// dword: only the low 32 bits are compared.
		{"vcpu", "ioctl", args(3, 0xdead_0000_0000|kvmRun), allow},
		{"vcpu", "ioctl", args(3, tunSetIff), trap},
		{"vmm", "ioctl", args(3, tunSetIff), allow},
		// mmap: arg3 == MAP_ANONYMOUS|MAP_PRIVATE (34) and (arg2 & PROT_EXEC) == 0.
		{"vmm", "mmap", args(0, 4096, 3, 34), allow},
		{"vmm", "mmap", args(0, 4096, 5, 34), trap},
		{"vmm", "mprotect", args(0, 4096, 1), allow},
		{"vmm", "mprotect", args(0, 4096, 4), trap},
		// socket: AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0, ANDed.
		{"api", "socket", args(afUnix, sockSC, 0), allow},
		{"api", "socket", args(2, sockSC, 0), trap},
		{"api", "socket", args(afUnix, sockSC, 6), trap},
		{"api", "mprotect", args(), trap},
	} {
		if got := threads[c.thread].Evaluate(c.syscall, c.a).Action; got != c.want {
			t.Errorf("%s %s%v = %v, want %v", c.thread, c.syscall, c.a[:4], got, c.want)
		}
	}
	// Comments are kept: the rule's and the arguments'.
	rs := threads["vmm"].RulesFor("mprotect")
	if len(rs) != 1 || !strings.Contains(rs[0].Comment, "arg2: Ensure PROT_EXEC is not set") {
		t.Errorf("mprotect rule comment %q", rs)
	}
	if c := rs[0].Conds; len(c) != 1 || c[0] != (Cond{Arg: 2, Op: OpMaskedEQ, Value: 4, ValueTwo: 0, Bits: 32}) {
		t.Errorf("mprotect conds %+v", c)
	}
}

func TestFirecrackerV100(t *testing.T) {
	p, err := DecodeFirecracker(openShared(t, "seccomp-profiles/firecracker-v1.0.0-x86_64.json"), "fc", syscalls.X86_64)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Filters) != 3 {
		t.Fatalf("%d filters", len(p.Filters))
	}
	for _, f := range p.Filters {
		if f.Evaluate("execve", args()).Action != ActTrap || f.Evaluate("exit_group", args()).Action != ActAllow {
			t.Errorf("%s: execve/exit_group verdicts wrong", f.Name)
		}
	}
}

func TestFirecrackerActions(t *testing.T) {
	const in = `{"t": {"default_action": {"errno": 13}, "filter_action": {"trace": 7},
	  "filter": [{"syscall": "read", "args": [{"index": 5, "type": "qword", "op": "ge", "val": 18446744073709551615}]}]},
	 "u": {"default_action": "kill_process", "filter_action": "log", "filter": []},
	 "v": {"default_action": "kill_thread", "filter_action": "allow", "filter": [{"syscall": "no_such_call"}]}}`
	p, err := DecodeFirecracker(strings.NewReader(in), "in", syscalls.AArch64)
	if err != nil {
		t.Fatal(err)
	}
	want := []Verdict{{Action: ActErrno, Errno: 13}, {Action: ActKillProcess}, {Action: ActKillThread}}
	for i, f := range p.Filters {
		if f.Default != want[i] {
			t.Errorf("%s default %v, want %v", f.Name, f.Default, want[i])
		}
	}
	t0 := p.Filters[0]
	if v := t0.Evaluate("read", args(0, 0, 0, 0, 0, ^uint64(0))); v.Action != ActTrace {
		t.Errorf("read(.., max) = %v, want trace", v)
	}
	if v := t0.Evaluate("read", args(0, 0, 0, 0, 0, 1<<63)); v.Action != ActErrno {
		t.Errorf("read(.., 2^63) = %v, want errno", v)
	}
	if u := p.Filters[2].Unresolved; len(u) != 1 || u[0] != "no_such_call" {
		t.Errorf("unresolved %v", u)
	}
}
