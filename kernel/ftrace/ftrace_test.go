package ftrace

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sysweight/syscalls"
)

// The expected values below were counted by hand from the fixtures in
// testdata (see testdata/README.md for how those were written). Each
// comment walks the fixture: "f" is a function entry (one call), the
// number after it its depth below the syscall entry, the entry being 1.

func parseFixture(t *testing.T, name string, opts Options) *Footprint {
	t.Helper()
	fp, err := ParseFile(filepath.Join("testdata", name), opts)
	if err != nil {
		t.Fatalf("ParseFile(%s): %v", name, err)
	}
	return fp
}

type want struct {
	functions   map[string]int
	depth       int
	invocations int
}

func checkSyscalls(t *testing.T, fp *Footprint, w map[string]want) {
	t.Helper()
	if got, exp := fp.Syscalls(), slices.Sorted(maps.Keys(w)); !slices.Equal(got, exp) {
		t.Errorf("syscalls = %v, want %v", got, exp)
	}
	for name, ws := range w {
		sf := fp.PerSyscall[name]
		if sf == nil {
			continue
		}
		if !maps.Equal(sf.Functions, ws.functions) {
			t.Errorf("%s: functions = %v\nwant %v", name, sf.Functions, ws.functions)
		}
		if sf.Depth != ws.depth {
			t.Errorf("%s: depth = %d, want %d", name, sf.Depth, ws.depth)
		}
		if sf.Invocations != ws.invocations {
			t.Errorf("%s: invocations = %d, want %d", name, sf.Invocations, ws.invocations)
		}
	}
}

type counters struct {
	unattributed, irq, unbalanced, abandoned, skipped, lostMarks int
	lost                                                         int64
}

func checkCounters(t *testing.T, fp *Footprint, w counters) {
	t.Helper()
	got := counters{fp.Unattributed, fp.IRQ, fp.Unbalanced, fp.Abandoned, fp.Skipped, fp.LostMarks, fp.Lost}
	if got != w {
		t.Errorf("counters = %+v, want %+v (warnings %q)", got, w, fp.Warnings)
	}
}

// read_1cpu.txt, by hand:
//
//	do_syscall_64 {                      unattributed
//	  syscall_enter_from_user_mode;      unattributed
//	  __x64_sys_read {                   read 1
//	    ksys_read {                      2
//	      __fdget_pos { __fget_light; }  3, 4
//	      vfs_read {                     3
//	        rw_verify_area {             4
//	          security_file_permission { apparmor_file_permission; }  5, 6
//	        }
//	        ext4_file_read_iter {        4
//	          generic_file_read_iter {   5
//	            filemap_read {           6
//	              __cond_resched;        7
//	              filemap_get_pages { filemap_get_read_batch; }  7, 8
//	              copy_page_to_iter;     7
//	              __cond_resched;        7 (second call)
//	              touch_atime { atime_needs_update; }  7, 8
//	        }}}
//	        __fsnotify_parent;           4
//	  }}}
//	  syscall_exit_to_user_mode { exit_to_user_mode_prepare; }  unattributed
//	}
var read1CPU = map[string]want{"read": {
	functions: map[string]int{
		"__x64_sys_read": 1, "ksys_read": 1, "__fdget_pos": 1, "__fget_light": 1,
		"vfs_read": 1, "rw_verify_area": 1, "security_file_permission": 1,
		"apparmor_file_permission": 1, "ext4_file_read_iter": 1,
		"generic_file_read_iter": 1, "filemap_read": 1, "__cond_resched": 2,
		"filemap_get_pages": 1, "filemap_get_read_batch": 1, "copy_page_to_iter": 1,
		"touch_atime": 1, "atime_needs_update": 1, "__fsnotify_parent": 1,
	},
	depth: 8, invocations: 1,
}}

func TestReadSingleCPU(t *testing.T) {
	for _, name := range []string{"happy/read_1cpu.txt", "happy/read_columns.txt"} {
		t.Run(name, func(t *testing.T) {
			fp := parseFixture(t, name, Options{Strict: true})
			checkSyscalls(t, fp, read1CPU)
			checkCounters(t, fp, counters{unattributed: 4})
			if len(fp.Warnings) != 0 {
				t.Errorf("warnings = %q, want none", fp.Warnings)
			}
		})
	}
}

// With ExitWork, syscall_exit_to_user_mode and exit_to_user_mode_prepare
// (depths 1 and 2, siblings of the entry under do_syscall_64) join read;
// do_syscall_64 and syscall_enter_from_user_mode stay unattributed.
func TestReadExitWork(t *testing.T) {
	fp := parseFixture(t, "happy/read_1cpu.txt", Options{Strict: true, ExitWork: true})
	w := read1CPU["read"]
	fns := maps.Clone(w.functions)
	fns["syscall_exit_to_user_mode"] = 1
	fns["exit_to_user_mode_prepare"] = 1
	checkSyscalls(t, fp, map[string]want{"read": {functions: fns, depth: 8, invocations: 1}})
	checkCounters(t, fp, counters{unattributed: 2})
}

func TestReach(t *testing.T) {
	fp := parseFixture(t, "happy/read_1cpu.txt", Options{})
	got := fp.Reach("read")
	exp := slices.Sorted(maps.Keys(read1CPU["read"].functions))
	if !slices.Equal(got, exp) {
		t.Errorf("Reach(read) = %v, want %v", got, exp)
	}
	if len(got) != 18 { // 19 calls, __cond_resched twice
		t.Errorf("Reach(read) has %d functions, want 18", len(got))
	}
	if r := fp.Reach("write"); r != nil {
		t.Errorf("Reach(write) = %v, want nil", r)
	}
}

// interleaved_2cpu.txt: CPU 0 runs write() and CPU 1 read() then close(),
// their lines interleaved. Per CPU, by hand:
//
//	CPU 0: __x64_sys_write 1 { ksys_write 2 { __fdget_pos 3 { __fget_light 4 }
//	       vfs_write 3 { rw_verify_area 4; pipe_write 4 { mutex_lock 5;
//	       copy_page_from_iter 5; mutex_unlock 5; __wake_up_common_lock 5 {
//	       __wake_up_common 6 } } } } }
//	CPU 1: __x64_sys_read 1 { ksys_read 2 { __fdget_pos 3 { __fget_light 4 }
//	       vfs_read 3 { rw_verify_area 4; pipe_read 4 { mutex_lock 5;
//	       copy_page_to_iter 5; mutex_unlock 5; __wake_up_common_lock 5 }
//	       __fsnotify_parent 4 } } }
//	       __x64_sys_close 1 { close_fd 2 { _raw_spin_lock 3; pick_file 3;
//	       filp_close 3 { dnotify_flush 4; locks_remove_posix 4; fput 4 {
//	       task_work_add 5 } } } }
//
// A parser with one stack for both CPUs would nest write() inside read().
func TestInterleavedCPUs(t *testing.T) {
	fp := parseFixture(t, "happy/interleaved_2cpu.txt", Options{Strict: true})
	checkSyscalls(t, fp, map[string]want{
		"write": {functions: map[string]int{
			"__x64_sys_write": 1, "ksys_write": 1, "__fdget_pos": 1, "__fget_light": 1,
			"vfs_write": 1, "rw_verify_area": 1, "pipe_write": 1, "mutex_lock": 1,
			"copy_page_from_iter": 1, "mutex_unlock": 1, "__wake_up_common_lock": 1,
			"__wake_up_common": 1,
		}, depth: 6, invocations: 1},
		"read": {functions: map[string]int{
			"__x64_sys_read": 1, "ksys_read": 1, "__fdget_pos": 1, "__fget_light": 1,
			"vfs_read": 1, "rw_verify_area": 1, "pipe_read": 1, "mutex_lock": 1,
			"copy_page_to_iter": 1, "mutex_unlock": 1, "__wake_up_common_lock": 1,
			"__fsnotify_parent": 1,
		}, depth: 5, invocations: 1},
		"close": {functions: map[string]int{
			"__x64_sys_close": 1, "close_fd": 1, "_raw_spin_lock": 1, "pick_file": 1,
			"filp_close": 1, "dnotify_flush": 1, "locks_remove_posix": 1, "fput": 1,
			"task_work_add": 1,
		}, depth: 5, invocations: 1},
	})
	checkCounters(t, fp, counters{})
}

// lost_events.txt, by hand:
//
//	CPU 0: __x64_sys_read 1 { ksys_read 2 { vfs_read 3 {
//	CPU 1: __x64_sys_write 1 { ksys_write 2 {
//	CPU:0 [LOST 12 EVENTS]   -> CPU 0's three open calls are dropped (Abandoned 3)
//	CPU 0: __fsnotify_parent; -> no open call: unattributed 1
//	CPU 0: } } }             -> Unbalanced 3
//	CPU 1: vfs_write 3; } }   -> CPU 1 is untouched by CPU 0's loss
//	CPU 0: __x64_sys_close 1 { close_fd 2 }
func TestLostEvents(t *testing.T) {
	fp := parseFixture(t, "happy/lost_events.txt", Options{Strict: true})
	checkSyscalls(t, fp, map[string]want{
		"read":  {functions: map[string]int{"__x64_sys_read": 1, "ksys_read": 1, "vfs_read": 1}, depth: 3, invocations: 1},
		"write": {functions: map[string]int{"__x64_sys_write": 1, "ksys_write": 1, "vfs_write": 1}, depth: 3, invocations: 1},
		"close": {functions: map[string]int{"__x64_sys_close": 1, "close_fd": 1}, depth: 2, invocations: 1},
	})
	checkCounters(t, fp, counters{unattributed: 1, unbalanced: 3, abandoned: 3, lostMarks: 1, lost: 12})
	if len(fp.Warnings) != 1 || !strings.Contains(fp.Warnings[0], "line 14: CPU 0 lost 12 events; dropped 3 open calls") {
		t.Errorf("warnings = %q, want one naming line 14, CPU 0, 12 events and 3 dropped calls", fp.Warnings)
	}
}

// context_switch.txt, by hand. No task column; the switch lines name the
// tasks.
//
//	CPU 0 (bash-1234): __x64_sys_read 1 { ksys_read 2 { vfs_read 3 {
//	    pipe_read 4 { mutex_lock 5; schedule 5 { __schedule 6 {
//	    _raw_spin_lock 7; pick_next_task_fair 7 { update_curr 8 }
//	CPU 0: bash-1234 => <idle>-0
//	CPU 0 (idle): finish_task_switch.isra.0; do_idle { tick_nohz_idle_enter;
//	    -> 3 unattributed
//	CPU 1 (echo-999, not yet named): __x64_sys_write 1 { ksys_write 2 {
//	    vfs_write 3 } }
//	CPU 1: echo-999 => bash-1234   -> bash's stack continues on CPU 1
//	CPU 1 (bash-1234): finish_task_switch.isra.0 7; } } (__schedule,
//	    schedule); copy_page_to_iter 5;
//	CPU 0 (idle): }   -> closes do_idle
//	CPU 1 (bash-1234): mutex_unlock 5; } } } }
func TestContextSwitchMidSyscall(t *testing.T) {
	fp := parseFixture(t, "happy/context_switch.txt", Options{Strict: true})
	checkSyscalls(t, fp, map[string]want{
		"read": {functions: map[string]int{
			"__x64_sys_read": 1, "ksys_read": 1, "vfs_read": 1, "pipe_read": 1,
			"mutex_lock": 1, "schedule": 1, "__schedule": 1, "_raw_spin_lock": 1,
			"pick_next_task_fair": 1, "update_curr": 1, "finish_task_switch.isra.0": 1,
			"copy_page_to_iter": 1, "mutex_unlock": 1,
		}, depth: 8, invocations: 1},
		"write": {functions: map[string]int{"__x64_sys_write": 1, "ksys_write": 1, "vfs_write": 1}, depth: 3, invocations: 1},
	})
	checkCounters(t, fp, counters{unattributed: 3})
}

// tracecmd_report.txt, by hand:
//
//	bash-1234 CPU 0: __x64_sys_openat 1 { do_sys_openat2 2 { getname 3;
//	    do_filp_open 3 { __sysvec_apic_timer_interrupt { hrtimer_interrupt }
//	    (interrupt entry by name: IRQ 2) path_openat 4 } fd_install 3 } }
//	cat-2001 CPU 1: __x64_sys_read 1 { ksys_read 2 { vfs_read 3;
//	CPU:1 [3 EVENTS DROPPED] -> cat's 2 open calls dropped (Abandoned 2)
//	cat-2001: } /* ksys_read */ } /* __x64_sys_read */ -> Unbalanced 2
//	cat-2001: sys_enter_close (another event, passed over)
//	cat-2001: __x64_sys_close 1 { close_fd 2 }
//	bash-1234: sched_switch (another event)
func TestTraceCmdReport(t *testing.T) {
	fp := parseFixture(t, "happy/tracecmd_report.txt", Options{Strict: true})
	checkSyscalls(t, fp, map[string]want{
		"openat": {functions: map[string]int{
			"__x64_sys_openat": 1, "do_sys_openat2": 1, "getname": 1, "do_filp_open": 1,
			"path_openat": 1, "fd_install": 1,
		}, depth: 4, invocations: 1},
		"read":  {functions: map[string]int{"__x64_sys_read": 1, "ksys_read": 1, "vfs_read": 1}, depth: 3, invocations: 1},
		"close": {functions: map[string]int{"__x64_sys_close": 1, "close_fd": 1}, depth: 2, invocations: 1},
	})
	checkCounters(t, fp, counters{irq: 2, unbalanced: 2, abandoned: 2, lostMarks: 1, lost: 3})
}

// irq.txt, by hand:
//
//	__x64_sys_read 1 { ksys_read 2 { vfs_read 3 {
//	  ==========> __sysvec_apic_timer_interrupt { hrtimer_interrupt {
//	    _raw_spin_lock_irqsave; __hrtimer_run_queues { tick_sched_timer } } }
//	  <==========                                  -> IRQ 5
//	  ext4_file_read_iter 4 {
//	    ==========> handle_edge_irq { _raw_spin_lock; handle_irq_event {
//	      e1000_intr } } <==========                -> IRQ 4
//	  }
//	  __fsnotify_parent 4 } } }
//
// Interrupt handlers are never attributed to the syscall they interrupt.
func TestIRQNotAttributed(t *testing.T) {
	fp := parseFixture(t, "happy/irq.txt", Options{Strict: true})
	checkSyscalls(t, fp, map[string]want{"read": {functions: map[string]int{
		"__x64_sys_read": 1, "ksys_read": 1, "vfs_read": 1, "ext4_file_read_iter": 1,
		"__fsnotify_parent": 1,
	}, depth: 4, invocations: 1}})
	checkCounters(t, fp, counters{irq: 9})
}

// midcall.txt: the trace starts inside a read(). copy_page_to_iter has no
// open call (unattributed 1); four closing braces have none either
// (Unbalanced 4), the tailed one ("} /* filemap_read */") included;
// then __x64_sys_close 1 { close_fd 2 }.
func TestMidCallStart(t *testing.T) {
	fp := parseFixture(t, "happy/midcall.txt", Options{Strict: true})
	checkSyscalls(t, fp, map[string]want{
		"close": {functions: map[string]int{"__x64_sys_close": 1, "close_fd": 1}, depth: 2, invocations: 1},
	})
	checkCounters(t, fp, counters{unattributed: 1, unbalanced: 4})
}

// garbage.txt has unrecognised lines at 10, 13 and 16.
func TestGarbageStrict(t *testing.T) {
	_, err := ParseFile(filepath.Join("testdata", "sad", "garbage.txt"), Options{Strict: true})
	var se *SyntaxError
	if !errors.As(err, &se) || !errors.Is(err, ErrSyntax) {
		t.Fatalf("err = %v, want a *SyntaxError", err)
	}
	if se.Line != 10 {
		t.Errorf("line = %d, want 10", se.Line)
	}
	msg := err.Error()
	for _, s := range []string{"garbage.txt", "line 10", "usb 1-1", "want a function_graph line"} {
		if !strings.Contains(msg, s) {
			t.Errorf("error %q does not mention %q", msg, s)
		}
	}
}

// Lenient: the three lines are skipped. What remains, by hand:
//
//	__x64_sys_read 1 { ksys_read 2 { vfs_read 3 } }
//	__x64_sys_close 1 { (close_fd( skipped) }
func TestGarbageLenient(t *testing.T) {
	fp := parseFixture(t, "sad/garbage.txt", Options{})
	checkSyscalls(t, fp, map[string]want{
		"read":  {functions: map[string]int{"__x64_sys_read": 1, "ksys_read": 1, "vfs_read": 1}, depth: 3, invocations: 1},
		"close": {functions: map[string]int{"__x64_sys_close": 1}, depth: 1, invocations: 1},
	})
	checkCounters(t, fp, counters{skipped: 3})
	if !slices.Contains(fp.Warnings, "skipped 3 unrecognised lines") {
		t.Errorf("warnings = %q, want the skipped count", fp.Warnings)
	}
}

func TestWrongTracer(t *testing.T) {
	for _, strict := range []bool{false, true} {
		_, err := ParseFile(filepath.Join("testdata", "sad", "wrong_tracer.txt"), Options{Strict: strict})
		if !errors.Is(err, ErrWrongTracer) || !strings.Contains(err.Error(), `line 1: tracer is "function"`) {
			t.Errorf("strict=%v: err = %v, want ErrWrongTracer at line 1", strict, err)
		}
	}
}

func TestLineTooLong(t *testing.T) {
	in := " 0)               |  __x64_sys_read() {\n" + strings.Repeat("x", MaxLineBytes+1) + "\n"
	_, err := Parse(strings.NewReader(in), Options{})
	if !errors.Is(err, ErrLineTooLong) || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("err = %v, want ErrLineTooLong at line 2", err)
	}
}

func TestUnknownArch(t *testing.T) {
	_, err := Parse(strings.NewReader(""), Options{Arch: "mips"})
	if !errors.Is(err, syscalls.ErrUnknownArch) {
		t.Errorf("err = %v, want ErrUnknownArch", err)
	}
}

// Short traces for single rules; each comment gives the hand count.
func TestRules(t *testing.T) {
	tests := []struct {
		name   string
		opts   Options
		in     string
		sys    map[string]want
		counts counters
	}{{
		// funcgraph-retval (6.5+): "func(); /* ret=0x0 */", "} /* func ret=-9 */".
		name: "retval",
		in: ` 0)               |  __x64_sys_close() {
 0)   0.100 us    |    close_fd(); /* ret=0x0 */
 0)   0.300 us    |  } /* __x64_sys_close ret=-9 */
`,
		sys: map[string]want{"close": {functions: map[string]int{"__x64_sys_close": 1, "close_fd": 1}, depth: 2, invocations: 1}},
	}, {
		// funcgraph-args (6.14+) and funcgraph-retaddr comments.
		name: "args and retaddr",
		in: ` 0)               |  __x64_sys_close(regs=0xffffc90000a3ff58) { /* <-do_syscall_64+0x5d/0x170 */
 0)   0.100 us    |    close_fd(fd=0x3); /* <-__x64_sys_close+0x12/0x40 ret=0x0 */
 0)   0.300 us    |  }
`,
		sys: map[string]want{"close": {functions: map[string]int{"__x64_sys_close": 1, "close_fd": 1}, depth: 2, invocations: 1}},
	}, {
		// nofuncgraph-cpu nofuncgraph-duration: bare indented calls.
		name: "no columns",
		in:   "__x64_sys_getpid() {\n  __task_pid_nr_ns();\n}\n",
		sys:  map[string]want{"getpid": {functions: map[string]int{"__x64_sys_getpid": 1, "__task_pid_nr_ns": 1}, depth: 2, invocations: 1}},
	}, {
		// Latency-format flags column ("d..1 |") and the 6.1 name of
		// stat's entry (__x64_sys_newstat -> stat).
		name: "lat flags and renamed entry",
		in: ` 0)  ...1 |               |  __x64_sys_newstat() {
 0)  ...1 |   0.500 us    |    vfs_statx();
 0)  ...1 |   0.900 us    |  }
`,
		sys: map[string]want{"stat": {functions: map[string]int{"__x64_sys_newstat": 1, "vfs_statx": 1}, depth: 2, invocations: 1}},
	}, {
		// The outermost entry wins: __x64_sys_read over ksys_read, and
		// a syscall called inside another (ksys_ helpers) stays with
		// the outer one. x64_sys_call (6.9+) is a dispatcher, not part
		// of the syscall.
		name: "outermost entry",
		in: ` 0)               |  do_syscall_64() {
 0)               |    x64_sys_call() {
 0)               |      __x64_sys_read() {
 0)   0.100 us    |        ksys_read();
 0)   0.300 us    |      }
 0)   0.400 us    |    }
 0)   0.500 us    |  }
`,
		sys:    map[string]want{"read": {functions: map[string]int{"__x64_sys_read": 1, "ksys_read": 1}, depth: 2, invocations: 1}},
		counts: counters{unattributed: 2},
	}, {
		// ExitWork on the 6.9+ layout, where x64_sys_call sits between
		// do_syscall_64 and the entry: syscall_exit_to_user_mode and
		// task_work_run count for close (depths 1 and 2); do_syscall_64
		// and x64_sys_call do not.
		name: "exit work through x64_sys_call",
		opts: Options{ExitWork: true},
		in: ` 0)               |  do_syscall_64() {
 0)               |    x64_sys_call() {
 0)               |      __x64_sys_close() {
 0)   0.100 us    |        file_close_fd();
 0)   0.300 us    |      }
 0)   0.400 us    |    }
 0)               |    syscall_exit_to_user_mode() {
 0)   0.900 us    |      task_work_run();
 0)   1.000 us    |    }
 0)   1.500 us    |  }
`,
		sys: map[string]want{"close": {functions: map[string]int{
			"__x64_sys_close": 1, "file_close_fd": 1, "syscall_exit_to_user_mode": 1, "task_work_run": 1,
		}, depth: 2, invocations: 1}},
		counts: counters{unattributed: 2},
	}, {
		// irq_enter..irq_exit brackets interrupt context at its own
		// level. The enclosing handler is not a known interrupt entry
		// (foo_irq_handler), so it counts for the syscall; the calls
		// from irq_enter to irq_exit (irq_enter, handle_irq_event,
		// its child, irq_exit, its child: 5) do not. After irq_exit,
		// attribution resumes (foo_done).
		name: "irq_enter bracket",
		in: ` 0)               |  __x64_sys_read() {
 0)               |    foo_irq_handler() {
 0)   0.100 us    |      irq_enter();
 0)               |      handle_irq_event() {
 0)   0.100 us    |        e1000_intr();
 0)   0.200 us    |      }
 0)               |      irq_exit() {
 0)   0.100 us    |        __do_softirq();
 0)   0.200 us    |      }
 0)   0.100 us    |      foo_done();
 0)   0.900 us    |    }
 0)   1.000 us    |  }
`,
		sys:    map[string]want{"read": {functions: map[string]int{"__x64_sys_read": 1, "foo_irq_handler": 1, "foo_done": 1}, depth: 3, invocations: 1}},
		counts: counters{irq: 5},
	}, {
		// A tailed closing brace for a call deeper in the stack closes
		// the calls open inside it (Abandoned 1: vfs_read, whose own
		// closing brace is missing).
		name: "tail closes inner calls",
		in: ` 0)               |  __x64_sys_read() {
 0)               |    ksys_read() {
 0)               |      vfs_read() {
 0)   2.000 us    |    } /* ksys_read */
 0)   2.500 us    |  } /* __x64_sys_read */
`,
		sys:    map[string]want{"read": {functions: map[string]int{"__x64_sys_read": 1, "ksys_read": 1, "vfs_read": 1}, depth: 3, invocations: 1}},
		counts: counters{abandoned: 1},
	}, {
		// A tail naming no open call is unbalanced and closes nothing.
		name: "tail of unknown call",
		in: ` 0)               |  __x64_sys_read() {
 0)   2.000 us    |    } /* ksys_read */
 0)   0.100 us    |    vfs_read();
 0)   2.500 us    |  }
`,
		sys:    map[string]want{"read": {functions: map[string]int{"__x64_sys_read": 1, "vfs_read": 1}, depth: 2, invocations: 1}},
		counts: counters{unbalanced: 1},
	}, {
		// Two idle tasks (pid 0 on CPUs 0 and 1) are different tasks.
		// With the task column each line names its task. CPU 0's
		// second brace has no open call (Unbalanced 1) and CPU 1's
		// do_idle stays open (Abandoned 1); one stack for pid 0
		// would have matched both braces.
		name: "idle tasks per CPU",
		in: ` 0)    <idle>-0    |               |  do_idle() {
 1)    <idle>-0    |               |  do_idle() {
 0)    <idle>-0    |   1.000 us    |  }
 0)    <idle>-0    |   1.000 us    |  }
`,
		counts: counters{unattributed: 2, unbalanced: 1, abandoned: 1},
	}, {
		// The ia32 entry maps to the x86_64 name of the same syscall.
		name: "ia32 entry",
		in:   " 0)               |  __ia32_sys_getuid16();\n 0)   1.000 us    |  __ia32_sys_read();\n",
		sys:  map[string]want{"read": {functions: map[string]int{"__ia32_sys_read": 1}, depth: 1, invocations: 1}},
		// getuid16 is not an x86_64 syscall.
		counts: counters{unattributed: 1},
	}, {
		// An unknown-count drop ("CPU:0 [LOST EVENTS]") is a mark
		// without a number.
		name:   "lost without count",
		in:     " 0)               |  __x64_sys_read() {\nCPU:0 [LOST EVENTS]\n 0)   1.000 us    |  }\n",
		sys:    map[string]want{"read": {functions: map[string]int{"__x64_sys_read": 1}, depth: 1, invocations: 1}},
		counts: counters{abandoned: 1, unbalanced: 1, lostMarks: 1},
	}, {
		// trace-cmd report -l: latency format, bare CPU number.
		name: "trace-cmd latency format",
		in: `    bash-1234    0 d..1  5120.100001: funcgraph_entry:                   |  __x64_sys_dup() {
    bash-1234    0 d..1  5120.100002: funcgraph_entry:        0.300 us   |    ksys_dup(); (1)
    bash-1234    0 d..1  5120.100003: funcgraph_exit:         0.900 us   |  } (0)
`,
		sys: map[string]want{"dup": {functions: map[string]int{"__x64_sys_dup": 1, "ksys_dup": 1}, depth: 2, invocations: 1}},
	}, {
		// trace-cmd report's default layout. do_sys_open is not an
		// entry point, so alone it is unattributed.
		name:   "trace-cmd default layout",
		in:     "  bash-1234  [001]  1234.567890: funcgraph_entry:   0.123 us   |  do_sys_open();\n",
		counts: counters{unattributed: 1},
	}, {
		// Comment lines (trace_printk, other events shown as comments)
		// and overrun notes are passed over.
		name: "comments",
		in: ` 0)               |  __x64_sys_read() {
 0)               |    /* sys_enter_read: fd: 3, buf: 7ffd, count: 1000 */
 (Overruns: 0)
 0)   1.000 us    |  }
`,
		sys: map[string]want{"read": {functions: map[string]int{"__x64_sys_read": 1}, depth: 1, invocations: 1}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			opts.Strict = true
			fp, err := Parse(strings.NewReader(tc.in), opts)
			if err != nil {
				t.Fatal(err)
			}
			if tc.sys == nil {
				tc.sys = map[string]want{}
			}
			checkSyscalls(t, fp, tc.sys)
			checkCounters(t, fp, tc.counts)
		})
	}
}

func TestSyscallOf(t *testing.T) {
	tab := syscalls.MustForArch(syscalls.X86_64)
	for fn, exp := range map[string]string{
		"__x64_sys_read":         "read",
		"__do_sys_read":          "read",
		"__se_sys_read":          "read",
		"ksys_read":              "read",
		"sys_read":               "read",
		"SyS_read":               "read",
		"__ia32_sys_read":        "read",
		"__x64_sys_newfstat":     "fstat",
		"__x64_sys_umount":       "umount2",
		"__x64_sys_sendfile64":   "sendfile",
		"__do_sys_clone3.isra.0": "clone3",
		"__x64_sys_ni_syscall":   "",
		"ksys_mmap_pgoff":        "",
		"vfs_read":               "",
		"sys_copyarea":           "",
		"__x64_sys_":             "",
	} {
		got, ok := SyscallOf(fn, tab)
		if got != exp || ok != (exp != "") {
			t.Errorf("SyscallOf(%q) = %q, %v; want %q", fn, got, ok, exp)
		}
	}
	arm := syscalls.MustForArch(syscalls.AArch64)
	if got, ok := SyscallOf("__arm64_sys_openat", arm); got != "openat" || !ok {
		t.Errorf("SyscallOf(__arm64_sys_openat, aarch64) = %q, %v", got, ok)
	}
	// aarch64 has no open(2) (asm-generic), so its name is not an entry.
	if got, ok := SyscallOf("__arm64_sys_open", arm); ok {
		t.Errorf("SyscallOf(__arm64_sys_open, aarch64) = %q, want none", got)
	}
}

func TestParseFileMissing(t *testing.T) {
	_, err := ParseFile(filepath.Join("testdata", "no-such-file"), Options{})
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("err = %v, want ErrNotExist", err)
	}
}

func TestTooDeep(t *testing.T) {
	in := strings.Repeat(" 0)               |  f() {\n", maxDepth+1)
	_, err := Parse(strings.NewReader(in), Options{Strict: true})
	if !errors.Is(err, ErrTooDeep) || !strings.Contains(err.Error(), fmt.Sprintf("line %d", maxDepth+1)) {
		t.Errorf("strict: err = %v, want ErrTooDeep at line %d", err, maxDepth+1)
	}
	fp, err := Parse(strings.NewReader(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	// maxDepth calls opened and counted, the last one skipped.
	if fp.Unattributed != maxDepth || fp.Skipped != 1 || fp.Abandoned != maxDepth {
		t.Errorf("lenient: unattributed %d skipped %d abandoned %d, want %d, 1, %d",
			fp.Unattributed, fp.Skipped, fp.Abandoned, maxDepth, maxDepth)
	}
}

// BenchmarkParse reads read_1cpu.txt repeated to about 4 MB.
func BenchmarkParse(b *testing.B) {
	one, err := os.ReadFile(filepath.Join("testdata", "happy", "read_1cpu.txt"))
	if err != nil {
		b.Fatal(err)
	}
	in := bytes.Repeat(one, 4<<20/len(one))
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(in), Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
