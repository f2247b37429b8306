package attrib

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"sysweight/syscalls"
)

var x86 = syscalls.MustForArch(syscalls.X86_64)

func names(ls []Link) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Syscall)
	}
	return out
}

// The sentences are written for these tests, one or more per rule; the
// expected sets are the reading of a person, not a run of the code.
func TestTextRules(t *testing.T) {
	cases := []struct {
		rule, text string
		want       []string
	}{
		// The syscall keyword after the name.
		{"keyword", "A crafted call to the keyctl syscall frees the key twice.", []string{"keyctl"}},
		{"keyword", "Use the keyctl system call to join a keyring.", []string{"keyctl"}},
		{"keyword hyphen", "the rename system-call races with unlink", []string{"rename"}},
		{"keyword plural", "many add_key system calls exhaust memory", []string{"add_key"}},
		{"keyword word name", "a read system call on the device returns stale data", []string{"read"}},
		{"keyword case", "The BPF syscall lets root load programs. Read system call follows.", []string{"bpf", "read"}},
		{"keyword after call form", "the io_uring_setup() syscall and the read(2) system call", []string{"io_uring_setup", "read"}},
		{"keyword quotes", "the ‘mount’ syscall and the `umount2` system call and the \"sync\" syscall", []string{"mount", "sync", "umount2"}},
		{"keyword list numbered", "validate ranges for (1) sendto and (2) recvfrom system calls", []string{"recvfrom", "sendto"}},
		{"keyword list commas", "makes socket, connect, and writev system calls", []string{"connect", "socket", "writev"}},
		{"keyword list slash", "check the bounds of read/write syscalls", []string{"read", "write"}},
		{"keyword list or", "a ptrace or rt_sigreturn system call", []string{"ptrace", "rt_sigreturn"}},
		{"keyword no name", "the syscall returns early; every system call is affected", nil},
		{"keyword sentence break", "the device times out. Syscall entry is not involved", nil},
		{"keyword comma break", "at the same time, syscall tracing is off", nil},
		{"keyword in path", "in kernel/bpf/syscall.c and arch/x86/entry/syscalls/", nil},
		{"keyword not a name", "the following system calls and compat syscalls", nil},

		// Entry-point symbols and macros.
		{"sys_", "sys_waitid does not clear the siginfo", []string{"waitid"}},
		{"arch entry", "__x64_sys_bpf+0x1a/0x30\n__arm64_sys_keyctl+0x10/0x20\n__ia32_compat_sys_ioctl+0x5/0x9", []string{"bpf", "ioctl", "keyctl"}},
		{"do/se", "__do_sys_mount fs/namespace.c:3540 [inline]\n__se_sys_fsconfig", []string{"fsconfig", "mount"}},
		{"ksys and __sys", "ksys_write+0x100/0x200\n__sys_setsockopt+0x20", []string{"setsockopt", "write"}},
		{"old wrappers", "SyS_clone and compat_sys_sendmsg", []string{"clone", "sendmsg"}},
		{"SYSCALL_DEFINE", "SYSCALL_DEFINE5(keyctl, int, option) and COMPAT_SYSCALL_DEFINE3(ioctl, ...)", []string{"ioctl", "keyctl"}},
		{"__NR and SYS_", "syscall(__NR_pidfd_getfd, ...) or syscall(SYS_kcmp, ...)", []string{"kcmp", "pidfd_getfd"}},
		{"tracepoint", "the sys_enter_openat tracepoint and sys_exit_group", []string{"exit_group", "openat"}},
		{"alias", "sys_newstat, ksys_mmap_pgoff and sys_umount", []string{"mmap", "stat", "umount2"}},
		{"unreliable frame", " ? ksys_write+0xf3/0x1c0\n[  1.2] ? __x64_sys_read+0x1/0x2\n __x64_sys_ioctl+0x138/0x1c0", []string{"ioctl"}},
		{"shared helpers", "do_sys_open, do_sys_poll, ___sys_sendmsg and ____sys_recvmsg", nil},
		{"shared bodies", "__sys_accept4+0x1/0x2 and ksys_semtimedop+0x3/0x4 under __x64_sys_accept", []string{"accept"}},
		{"capabilities", "requires CAP_SYS_PTRACE or SYS_ADMIN in the container", nil},

		// Call forms.
		{"call", "fremovexattr() on an overlay file", []string{"fremovexattr"}},
		{"call args", "keyctl(KEYCTL_JOIN_SESSION_KEYRING, name)", []string{"keyctl"}},
		{"call word", "a later read() or write(2) sees the freed buffer", []string{"read", "write"}},
		{"call word code", "write(fd, buf, 1); mount(MS_BIND); bpf(BPF_PROG_LOAD)", []string{"bpf", "mount", "write"}},
		{"call word prose", "the time(s) at which the link(s) go down; close(fd) later", nil},
		{"call member", "the driver's ->read() and .open() and fops::write() methods", nil},
		{"call method word", "the tty-port shutdown() callback and its exit() handler", nil},
		{"call method distinctive", "the driver's ioctl() handler", []string{"ioctl"}},
		{"call shorthand", "virtnet_close()/open() and __bpf_tramp_enter/exit()", nil},
		{"call shorthand pair", "racing read/write() calls", []string{"write"}},
		{"call shorthand bar", "any attempt to use xe_mmio_read|write() from GuC functions", nil},
		{"call shorthand bar pair", "racing read|write() calls", []string{"write"}},
		{"syzkaller", "r0 = openat$kvm(0x0, ...)\nioctl$KVM_RUN(r1, 0xae80, 0x0)\nwrite$nbd(r2, ...)", []string{"ioctl", "openat", "write"}},
		{"kernel function", "migrate_pages() calls timer_delete() and request_key()", nil},
		{"kernel function man", "migrate_pages(2) moves the pages", []string{"migrate_pages"}},
		{"article call", "preserves the setgid bit during a setxattr call; reject the recvmsg call instead", []string{"recvmsg", "setxattr"}},
		{"article call word", "route the write call; after a failure of a bind call; an mmap() call", []string{"bind", "mmap", "write"}},
		{"article call not", "open calls dlm_grab(); after the exit call; only the sync call; a migrate_pages call; the ioctl.c call", nil},

		// Bare tokens.
		{"bare allow-listed", "an IPT_SO_SET_REPLACE setsockopt call; crafted keyctl commands", []string{"keyctl", "setsockopt"}},
		{"bare ioctl", "the VIDIOC_QBUF ioctl and other IOCTLs", []string{"ioctl"}},
		{"bare in path", "fs/ioctl.c, <fcntl.h>, mm/mremap: fix, security/keys/keyctl.c", nil},
		{"bare not allow-listed", "sendmsg on a socket with a fork and a clone of the skb", nil},
		{"subsystems", "a BPF program attached to bpf maps, the mount namespace, ptrace access mode, the futex code, userfaultfd, seccomp filters", nil},
		{"io_uring", "the io_uring subsystem and io_uring: fix a leak", nil},
		{"english words", "a read of the register, write access, the open file, time of check, sync the cache, kill the URB, link state, select the queue", nil},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			got := names(Text(c.text, x86))
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("Text(%q) = %v, want %v", c.text, got, c.want)
			}
		})
	}
}

func TestTextEvidence(t *testing.T) {
	text := "keyctl(KEYCTL_READ) then, later, the keyctl syscall; __x64_sys_waitid+0x1/0x2 and setsockopt"
	want := []Link{
		{"keyctl", MethodText, "keyctl syscall", nil}, // the explicit form beats the earlier call form
		{"setsockopt", MethodText, "setsockopt", nil},
		{"waitid", MethodText, "__x64_sys_waitid", nil},
	}
	if got := Text(text, x86); !reflect.DeepEqual(got, want) {
		t.Errorf("Text = %+v\nwant %+v", got, want)
	}
	long := "the (1) sendto and\n  (2) recvfrom system calls"
	got := Text(long, x86)
	if len(got) != 2 || got[0].Evidence != "recvfrom system calls" || got[1].Evidence != "sendto and (2) recvfrom system calls" {
		t.Errorf("list evidence = %+v", got)
	}
}

func TestTextArch(t *testing.T) {
	arm := syscalls.MustForArch(syscalls.AArch64)
	// arm64 has no open, stat or fork (asm-generic/unistd.h); it has openat.
	text := "open() then stat() then fork() then openat() and the umount syscall"
	if got := names(Text(text, arm)); !reflect.DeepEqual(got, []string{"openat", "umount2"}) {
		t.Errorf("arm64: %v", got)
	}
	if got := names(Text(text, x86)); !reflect.DeepEqual(got, []string{"fork", "open", "openat", "stat", "umount2"}) {
		t.Errorf("x86_64: %v", got)
	}
}

// Every name the class and alias lists mention is a syscall of a table, or an
// alias whose target is; a typo would silently disable a rule.
func TestNamesKnown(t *testing.T) {
	arm := syscalls.MustForArch(syscalls.AArch64)
	known := func(n string) bool {
		_, a := x86.Number(n)
		_, b := arm.Number(n)
		return a || b
	}
	for n, al := range aliases {
		if !known(al) {
			t.Errorf("alias %s → %s: target in no table", n, al)
		}
		if known(n) && n != "umount" {
			t.Logf("alias %s shadows a table name on some arch", n)
		}
	}
	for n := range classes {
		if !known(n) && aliases[n] == "" {
			t.Errorf("class of %q: not a syscall or alias", n)
		}
	}
}

func TestAttributeAll(t *testing.T) {
	in := map[string]string{
		"CVE-A": "the keyctl syscall",
		"CVE-B": "a BPF program",
		"CVE-C": "sys_bpf and read(2)",
	}
	got := AttributeAll(in, x86)
	if len(got) != 2 || len(got["CVE-A"]) != 1 || !reflect.DeepEqual(names(got["CVE-C"]), []string{"bpf", "read"}) {
		t.Errorf("AttributeAll = %+v", got)
	}
}

func ExampleText() {
	t := syscalls.MustForArch(syscalls.X86_64)
	d := "A use-after-free in the keys subsystem is reachable through the keyctl syscall " +
		"from a BPF program's helper; see __x64_sys_bpf in the trace."
	for _, l := range Text(d, t) {
		fmt.Printf("%s %s %q\n", l.Syscall, l.Method, l.Evidence)
	}
	// Output:
	// bpf text "__x64_sys_bpf"
	// keyctl text "keyctl syscall"
}

func FuzzText(f *testing.F) {
	for _, s := range []string{
		"", "syscall", "system call", "(2) syscall", "sys_", "__x64_sys_", "SYSCALL_DEFINE3(",
		"keyctl(", "read$", "ioctl$A(", "a/ioctl.c", "\xe2\x80\x98read\xe2\x80\x99 syscall",
		strings.Repeat("read, ", 40) + "write syscalls",
	} {
		f.Add(s)
	}
	arm := syscalls.MustForArch(syscalls.AArch64)
	f.Fuzz(func(t *testing.T, s string) {
		for _, tab := range []*syscalls.Table{x86, arm} {
			ls := Text(s, tab)
			for i, l := range ls {
				if _, ok := tab.Number(l.Syscall); !ok || l.Method != MethodText {
					t.Fatalf("bad link %+v", l)
				}
				if i > 0 && ls[i-1].Syscall >= l.Syscall {
					t.Fatalf("not sorted or duplicate: %+v", ls)
				}
				if len(l.Evidence) > maxEvidence || strings.ContainsAny(l.Evidence, "\n\t") {
					t.Fatalf("evidence %q", l.Evidence)
				}
			}
		}
	})
}

// TestReproducerSetup checks that a quoted C reproducer counts by its last
// call only (its set-up does not), that a race diagram keeps every call,
// and that prose around the code still counts. The descriptions are our
// own.
func TestReproducerSetup(t *testing.T) {
	text := func(desc string) []string {
		var out []string
		for _, l := range Read(Input{Description: desc}, x86).Text {
			out = append(out, l.Syscall)
		}
		sort.Strings(out)
		return out
	}
	for _, c := range []struct {
		desc string
		want []string
	}{
		// set-up (socket, setsockopt), the trigger (sendmsg), then an
		// idle call (pause)
		{"A bad length overflows the buffer:\n```\nint fd = socket(AF_INET, SOCK_DGRAM, 0);\n" +
			"setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));\nsendmsg(fd, &msg, 0);\npause();\n```\n", []string{"sendmsg"}},
		// the same without fences: the paragraph is the block
		{"Reproducer:\n\n  int fd = socket(AF_INET, SOCK_DGRAM, 0);\n  sendmsg(fd, &msg, 0);\n\nThe fix checks the length.", []string{"sendmsg"}},
		// prose names a call the code holds too: the prose counts
		{"A peeking recv() races with shutdown.\n```\nvoid setup(void) {\n  socketpair(AF_UNIX, SOCK_STREAM, 0, s);\n  shutdown(s[1], SHUT_WR);\n}\n```\n", []string{"recvfrom", "shutdown"}},
		// a race diagram keeps every column's calls
		{"```\nCPU0                      CPU1\nfd = open(path, O_RDWR);\n                          ioctl(fd, CMD, arg);\np = mmap(NULL, n, PROT_READ, MAP_SHARED, fd, 0);\n```\n", []string{"ioctl", "mmap", "open"}},
		// one line of code: it is the trigger
		{"Calling\n  ioctl(fd, FOO_SET, &arg);\nwith a large count overflows.", []string{"ioctl"}},
	} {
		if got := text(c.desc); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: text links %v, want %v", c.desc, got, c.want)
		}
	}
}

// FuzzRead feeds records (untrusted text from the CVE feeds) to the text,
// trace and uapi methods, the bug sites and the sibling rule: links to
// syscalls of the table, evidence on one line, never a panic.
func FuzzRead(f *testing.F) {
	f.Add("In the Linux kernel, the following vulnerability has been resolved:\n\nfoo: fix bar in foo_bind()\n\n-> #0 (x){+.+.}-{3:3}:\n  lock_acquire+0x1/0x2\n  foo_read+0x1/0x2\n  ksys_read+0x1/0x2\n", "", "net/foo.c")
	f.Add("Freed by task 1:\n kfree+0x1/0x2\n foo_fix+0x1/0x2\n __x64_sys_truncate+0x1/0x2\n", "x: fix foo_fix()", "")
	f.Add("Call trace:\n cdc_ncm_bind+0x1/0x2\n usbnet_probe+0x1/0x2\n<snip>", "", "drivers/net/usb/cdc_ncm.c,net/x.c")
	f.Add("sendmsg() and accept() and open() and truncate()", "", "")
	f.Fuzz(func(t *testing.T, desc, subject, files string) {
		var pf []string
		if files != "" {
			pf = strings.Split(files, ",")
		}
		fd := Read(Input{Description: desc, Subject: subject, ProgramFiles: pf}, x86)
		all := append(append(append([]Link{}, fd.Text...), fd.Trace...), fd.UAPI...)
		all = append(all, Siblings(all)...)
		for _, l := range all {
			if _, ok := x86.Number(l.Syscall); !ok || l.Method == "" {
				t.Fatalf("bad link %+v", l)
			}
			if strings.ContainsAny(l.Evidence, "\n\t") {
				t.Fatalf("evidence %q", l.Evidence)
			}
		}
		for _, s := range fd.Sites() {
			OpsMethodIn(s.Func, pf)
		}
	})
}
