package attrib

import (
	"strings"
	"testing"

	"sysweight/syscalls"
)

// raxReport is a KASAN-style report cut to what origRAX reads: a stack
// that returns to user space through do_syscall_64 with no syscall's
// entry (a task_work run on the way out), then the user registers. The
// numbers are syscall_64.tbl's: 0xa6 = 166 umount2, 0x3 close, 0xe7 =
// 231 exit_group; i386's 11 is execve, x86_64's 11 munmap.
func raxReport(cs, rax string) string {
	return `WARNING: CPU: 1 PID: 1 at mm/truncate.c:99 truncate_inode_pages_range+0x118/0x5e0
Call Trace:
 <TASK>
 truncate_inode_pages_final+0x43/0x60
 evict+0x2a4/0x2c0
 cleanup_mnt+0xc3/0x170
 task_work_run+0x5d/0xb0
 exit_to_user_mode_loop+0x144/0x170
 do_syscall_64+0x2b9/0x7c0
 entry_SYSCALL_64_after_hwframe+0x76/0x7e
RIP: ` + cs + `:0x7aaa8b3aac17
RSP: 002b:00007ffd6c2a1f18 EFLAGS: 00000246 ORIG_RAX: ` + rax + `
 </TASK>
`
}

func TestOrigRAX(t *testing.T) {
	tb := syscalls.MustForArch(syscalls.X86_64)
	for _, c := range []struct {
		desc, want string
	}{
		{raxReport("0033", "00000000000000a6"), "umount2"},
		{raxReport("0033", "0000000000000003"), "close"},
		{raxReport("0033", "0000000000000000"), "read"},
		{raxReport("0023", "000000000000000b"), ""},                                  // a compat task: i386 numbers
		{raxReport("0033", "00000000000000e7"), ""},                                  // exit_group: incidental
		{raxReport("0033", "ffffffffffffffff"), ""},                                  // not in a syscall
		{raxReport("0033", "0000000000000003") + "ORIG_RAX: 0000000000000001\n", ""}, // two tasks disagree
		{strings.ReplaceAll(raxReport("0033", "00000000000000a6"), "ORIG_RAX", "ORIG_EAX"), ""},
	} {
		f := Read(Input{Description: c.desc}, tb)
		got := ""
		for _, l := range f.Trace {
			got += l.Syscall
		}
		if got != c.want {
			t.Errorf("trace links %q, want %q, of\n%s", got, c.want, c.desc)
		}
	}
	// A report whose prose names a syscall keeps the text method's link:
	// the register dump is the last resort.
	f := Read(Input{Description: "Calling umount() on the mount frees it twice.\n" + raxReport("0033", "0000000000000003")}, tb)
	if len(f.Trace) != 0 || len(f.Text) != 1 || f.Text[0].Syscall != "umount2" {
		t.Errorf("with prose: trace %v, text %v", f.Trace, f.Text)
	}
}
