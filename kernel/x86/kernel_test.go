package x86_test

import (
	"slices"
	"sync"
	"testing"

	"sysweight/kernel/x86"
	"sysweight/syscalls"
)

var (
	progOnce sync.Once
	prog     *x86.Program
	progErr  error
)

func kernelProgram(t *testing.T) *x86.Program {
	t.Helper()
	im := loadVmlinux(t)
	progOnce.Do(func() { prog, progErr = x86.Analyze(im.Text, im.Base, im.Funcs, x86.Options{}) })
	if progErr != nil {
		t.Fatal(progErr)
	}
	return prog
}

// TestKernelHandCounted checks functions of the Debian 6.1.0-56 kernel
// against their objdump listing, counted by hand:
//
//	__x64_sys_close (0x41 bytes): call __fentry__; mov; call close_fd; ...;
//	  jbe L | ...; cmove; jmp __x86_return_thunk | L: mov; jmp __x86_return_thunk
//	  3 blocks, 2 edges (jbe taken, fall-through), 2 exits, CC 2.
//	__x64_sys_getpid (alias __ia32_sys_getpid): straight line, call
//	  __task_pid_nr_ns, jmp __x86_return_thunk: CC 1.
//	__task_pid_nr_ns: conditional jumps at +0x1f je, +0x24 jne, +0x34 je,
//	  +0x38 je, +0x42 jb, +0x4f je, +0x97 je: 7, CC 8; calls
//	  __rcu_read_lock and __rcu_read_unlock.
func TestKernelHandCounted(t *testing.T) {
	p := kernelProgram(t)
	get := func(name string) (int, x86.FuncInfo) {
		i, ok := p.Lookup(name)
		if !ok {
			t.Fatalf("%s not found", name)
		}
		return i, p.Functions[i]
	}
	idx := func(name string) int { i, _ := get(name); return i }
	_, f := get("__x64_sys_close")
	if f.Blocks != 3 || f.Edges != 2 || f.Exits != 2 || f.CC != 2 || !slices.Equal(f.Calls, []int{idx("close_fd")}) {
		t.Errorf("__x64_sys_close: %+v", f)
	}
	gi, g := get("__x64_sys_getpid")
	if ia, _ := get("__ia32_sys_getpid"); ia != gi {
		t.Errorf("__ia32_sys_getpid is not an alias of __x64_sys_getpid")
	}
	if g.CC != 1 || !slices.Equal(g.Calls, []int{idx("__task_pid_nr_ns")}) {
		t.Errorf("__x64_sys_getpid: %+v", g)
	}
	_, tp := get("__task_pid_nr_ns")
	want := []int{idx("__rcu_read_lock"), idx("__rcu_read_unlock")}
	slices.Sort(want)
	if tp.CC != 8 || !slices.Equal(tp.Calls, want) {
		t.Errorf("__task_pid_nr_ns: %+v", tp)
	}
	r := p.Reach(gi, nil)
	for _, n := range []string{"__x64_sys_getpid", "__task_pid_nr_ns", "__rcu_read_lock", "__rcu_read_unlock"} {
		if _, ok := slices.BinarySearch(r.Functions, idx(n)); !ok {
			t.Errorf("reach(getpid) lacks %s", n)
		}
	}
	// Known noreturn functions (objtool's list) and one derived.
	for _, n := range []string{"panic", "do_exit", "__stack_chk_fail", "make_task_dead"} {
		if _, f := get(n); !f.NoReturn {
			t.Errorf("%s: not noreturn", n)
		}
	}
}

// TestKernelEntriesMatchSysCallTable resolves every x86_64 syscall's entry
// symbol by name (EntrySymbol) and compares it with the kernel's own
// sys_call_table in .rodata (arch/x86/entry/syscall_64.c), an independent
// mapping from number to function.
func TestKernelEntriesMatchSysCallTable(t *testing.T) {
	p := kernelProgram(t)
	im := loadVmlinux(t)
	tab, ok := im.Objects["sys_call_table"]
	if !ok {
		t.Fatal("sys_call_table not in symbols")
	}
	ni, _ := p.Lookup("__x64_sys_ni_syscall")
	var matched, notImpl int
	for _, s := range syscalls.MustForArch(syscalls.X86_64).All() {
		if uint64(s.Nr)*8 >= tab.Size {
			continue // newer than this kernel
		}
		w, ok := im.Word(tab.Addr + 8*uint64(s.Nr))
		if !ok {
			t.Fatalf("sys_call_table[%d] unreadable", s.Nr)
		}
		i, found := p.Lookup(x86.EntrySymbol(s.Name))
		switch {
		case w == p.Functions[ni].Addr:
			if found && i != ni {
				t.Errorf("%s: table says ni_syscall, we found %s", s.Name, p.Functions[i].Name)
			}
			notImpl++
		case !found:
			t.Errorf("%s (nr %d): no %s; table has %#x", s.Name, s.Nr, x86.EntrySymbol(s.Name), w)
		case p.Functions[i].Addr != w:
			t.Errorf("%s: %s at %#x, table has %#x", s.Name, p.Functions[i].Name, p.Functions[i].Addr, w)
		default:
			matched++
		}
	}
	t.Logf("%d entries match sys_call_table, %d are ni_syscall there", matched, notImpl)
	if matched < 300 {
		t.Errorf("only %d entries matched", matched)
	}
}

// TestKernelSyscallMetrics checks the invariants that tie the metrics
// together on the real kernel, and that hubs are what they claim.
func TestKernelSyscallMetrics(t *testing.T) {
	p := kernelProgram(t)
	rep, err := x86.SyscallMetrics(p, syscalls.MustForArch(syscalls.X86_64), x86.ReachOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var entries []int
	for _, m := range rep.Metrics {
		if i, ok := p.Lookup(m.Entry); ok && !m.NotImplemented {
			entries = append(entries, i)
		}
	}
	hub, count := p.Hubs(entries, rep.HubFraction)
	for _, h := range rep.Hubs {
		if !hub[h] || float64(count[h]) <= 0.5*float64(len(slices.Compact(slices.Sorted(slices.Values(entries))))) {
			t.Errorf("hub %s reached from %d entries only", p.Functions[h].Name, count[h])
		}
	}
	for name, m := range rep.Metrics {
		i, _ := p.Lookup(m.Entry)
		r := p.Reach(i, hub)
		if m.Reach != len(r.Functions) || m.Complexity != r.Complexity ||
			m.ReachAll != len(r.Functions)+len(r.Shared) || m.ComplexityAll != r.ComplexityAll {
			t.Errorf("%s: metrics %+v disagree with Reach %d/%d/%d/%d", name, m,
				len(r.Functions), r.Complexity, len(r.Functions)+len(r.Shared), r.ComplexityAll)
		}
	}
	// getpid's code is __x64_sys_getpid and __task_pid_nr_ns (CC 1 and 8,
	// see TestKernelHandCounted), the latter unless it is a hub.
	gi, _ := p.Lookup("__x64_sys_getpid")
	ti, _ := p.Lookup("__task_pid_nr_ns")
	m := rep.Metrics["getpid"]
	switch {
	case hub[ti] && (m.Reach != 1 || m.Complexity != 1):
		t.Errorf("getpid with __task_pid_nr_ns a hub: %+v", m)
	case !hub[ti] && (m.Reach < 2 || m.Complexity < 9):
		t.Errorf("getpid: %+v", m)
	}
	if m.ReachAll < 4 || hub[gi] {
		t.Errorf("getpid: %+v", m)
	}
	for _, n := range []string{"uselib", "set_thread_area", "get_thread_area"} {
		if !rep.Metrics[n].NotImplemented {
			t.Errorf("%s: x86_64 wires no entry (sys_call_table), got %+v", n, rep.Metrics[n])
		}
	}
	t.Logf("%d syscalls with entries, %d missing, %d hubs", len(rep.Metrics), len(rep.Missing), len(rep.Hubs))
}
