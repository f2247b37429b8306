package attrib

// class says in which forms a written syscall name counts. Every name of the
// x86_64 and aarch64 tables (Linux v7.2) not listed in classes is distinctive:
// any syscall form counts, including a bare call "name(...)".
type class uint8

const (
	// distinctive: not a word and not the name of something else in the
	// kernel; "name(...)" with any arguments counts.
	distinctive class = iota
	// word: an English or common word, a kernel concept, a VFS/proto
	// operation or a subsystem name. Counts only in syscall form; of the call
	// forms only "name()", "name(2)" and code-like arguments ("read(fd, buf,
	// n)", "mount(MS_BIND)") count, because prose writes "time(s)", "link(s)".
	word
	// kernelFunc: also the name of an in-kernel function or API that CVE
	// text names as such ("migrate_pages()", "timer_delete()",
	// "request_key()"), so even "name()" does not count; "name(2)", the
	// syscall keyword and the sys_ prefixes do.
	kernelFunc
	// bare: in kernel CVE text the name essentially always means the
	// syscall, so the bare token counts too (outside file paths and member
	// accesses). Each entry below says why.
	bare
)

// classes classifies written names. The word list was built by reading the
// whole x86_64/aarch64 table (Linux v7.2) name by name; the bare list by
// reading the bare-token contexts of each candidate in the 16,911 kernel CVE
// descriptions (kernel CNA 2026-08-21 and linux_kernel_cves 2023-01-27).
var classes = map[string]class{
	// English words and common words.
	"accept": word, "access": word, "alarm": word, "bind": word, "close": word,
	"connect": word, "dup": word, "exit": word, "kill": word, "link": word,
	"listen": word, "open": word, "pause": word, "pipe": word, "poll": word,
	"read": word, "reboot": word, "rename": word, "select": word,
	"shutdown": word, "socket": word, "splice": word, "sync": word, "tee": word,
	"time": word, "times": word, "truncate": word, "unlink": word,
	"write": word, "clone": word, "fork": word, "flock": word, "stat": word,
	"security": word, "personality": word, "wait": word, "send": word,
	"recv": word,
	// Shell commands, process attributes and VFS operations that prose uses
	// for the operation, which several syscalls reach ("on mkdir", "the
	// umask", "setuid binaries", "utime/stime" CPU times).
	"chmod": word, "chown": word, "chroot": word, "mkdir": word, "rmdir": word,
	"mknod": word, "symlink": word, "readlink": word, "fsync": word,
	"statfs": word, "umask": word, "uname": word, "setuid": word,
	"setgid": word, "utime": word, "umount": word, "brk": word, "mlock": word,
	"munlock": word, "readahead": word, "syslog": word, "sysfs": word,
	"sysctl": kernelFunc, // the sysctl interface; _sysctl(2) left in v5.5
	// Kernel subsystems and features named after their syscall: "a BPF
	// program", "the mount namespace", "ptrace access mode", "seccomp
	// filter", "futex:" are not the syscall. mmap is also "mmap'd", "the mmap
	// lock", "mm/mmap:". uprobe/uretprobe are mostly the probe mechanism.
	"bpf": word, "mount": word, "ptrace": word, "seccomp": word, "futex": word,
	"eventfd": word, "userfaultfd": word, "rseq": word, "acct": word,
	"mmap": word, "uprobe": word, "uretprobe": word,

	// In-kernel functions with a syscall's name.
	"migrate_pages":   kernelFunc, // mm/migrate.c migrate_pages()
	"move_pages":      kernelFunc, // mm/userfaultfd.c move_pages() (UFFDIO_MOVE)
	"timer_delete":    kernelFunc, // the timer API, del_timer's new name (v6.2)
	"futex_wait":      kernelFunc, // kernel/futex/waitwake.c
	"futex_wake":      kernelFunc, // kernel/futex/waitwake.c
	"futex_requeue":   kernelFunc, // kernel/futex/requeue.c
	"request_key":     kernelFunc, // in-kernel key API (NFS, dns_resolver, ...)
	"init_module":     kernelFunc, // every module's init symbol, in call traces
	"sync_file_range": kernelFunc, // fs/sync.c, also called by ksys_
	"getrusage":       kernelFunc, // kernel/sys.c getrusage(task, who, r)
	// sched_setaffinity() and sched_setscheduler() are kernel functions too,
	// but every "name()" of them in the corpus means the syscall, so they
	// stay distinctive.

	// Bare allow-list. Each is a name whose kernel code is reached only
	// through that syscall, or which CVE text uses only for the syscall.
	"setsockopt": bare, "getsockopt": bare, // socket options exist only through them
	"keyctl": bare, "add_key": bare, // keys/ syscalls; the keyctl tool calls keyctl(2)
	"fremovexattr": bare,
	"ioctl":        bare, // "the FOO ioctl" is a command of ioctl(2)
	"ioctls":       bare, "IOCTL": bare, "IOCTLs": bare,
	"fcntl":    bare, // "F_SETFL fcntl", "fcntl/close race"
	"prctl":    bare, // "PR_SET_TSC prctl calls"
	"execve":   bare, // "calls execve"
	"mremap":   bare, // mm/mremap.c is reached only from mremap(2)
	"mprotect": bare,
	"swapon":   bare, "swapoff": bare, // only these syscalls add or remove swap
	"cachestat":       bare, // mm cachestat exists only for cachestat(2)
	"perf_event_open": bare, "io_uring_setup": bare, "io_uring_enter": bare,
	"io_uring_register": bare, "memfd_create": bare, "memfd_secret": bare,
	"pidfd_open": bare, "pidfd_getfd": bare, "pidfd_send_signal": bare,
	"process_vm_readv": bare, "process_vm_writev": bare,
	"process_madvise": bare, "process_mrelease": bare, "clone3": bare,
	"close_range": bare, "openat2": bare, "open_by_handle_at": bare,
	"name_to_handle_at": bare, "fanotify_init": bare, "fanotify_mark": bare,
	"inotify_add_watch": bare, "inotify_rm_watch": bare,
	"epoll_ctl": bare, "epoll_wait": bare, "epoll_pwait": bare,
	"epoll_pwait2": bare, "epoll_create1": bare, "kexec_load": bare,
	"kexec_file_load": bare, "finit_module": bare, "delete_module": bare,
	"pivot_root": bare, "landlock_create_ruleset": bare,
	"landlock_add_rule": bare, "landlock_restrict_self": bare,
	"remap_file_pages": bare, "set_robust_list": bare,
	"get_robust_list": bare, "set_mempolicy_home_node": bare,
	"waitid": bare, "recvmmsg": bare, "sendmmsg": bare,
}

// aliases maps names that CVE text and kernel symbols use for a syscall the
// table spells otherwise. An alias applies only when the table lacks the
// written name, so an architecture that has both keeps them apart.
var aliases = map[string]string{
	"ioctls": "ioctl", "IOCTL": "ioctl", "IOCTLs": "ioctl",
	"umount": "umount2", "oldumount": "umount2",
	"newstat": "stat", "newlstat": "lstat", "newfstat": "fstat",
	"stat64": "stat", "lstat64": "lstat", "fstat64": "fstat",
	"fstatat": "newfstatat", "fstatat64": "newfstatat",
	"newuname": "uname", "mmap_pgoff": "mmap", "mmap2": "mmap", "old_mmap": "mmap",
	"pread": "pread64", "pwrite": "pwrite64", "prlimit": "prlimit64",
	"fadvise64_64": "fadvise64", "posix_fadvise": "fadvise64",
	"sendfile64": "sendfile", "llseek": "lseek", "_llseek": "lseek",
	"statfs64": "statfs", "fstatfs64": "fstatfs", "truncate64": "truncate",
	"ftruncate64": "ftruncate", "fcntl64": "fcntl", "open64": "open",
	"sigaction": "rt_sigaction", "sigreturn": "rt_sigreturn",
	"sigprocmask": "rt_sigprocmask", "sigsuspend": "rt_sigsuspend",
	"sigpending": "rt_sigpending", "sigtimedwait": "rt_sigtimedwait",
	"sync_file_range2": "sync_file_range", "ugetrlimit": "getrlimit",
	"wait": "wait4", "waitpid": "wait4", "recv": "recvfrom", "send": "sendto",
	"sysctl": "_sysctl", "_newselect": "select", "pselect": "pselect6",
}

// syscallPrefixes are what may stand before "sys_" in a symbol that is the
// syscall's own entry or body (SYSCALL_DEFINE expands to __x64_sys_x,
// __se_sys_x, __do_sys_x; older kernels to SyS_x and sys_x; ksys_x is the
// in-kernel body; __sys_x is the net/ body behind one syscall). Prefixes of
// helpers shared by several syscalls (do_sys_open: open, openat, creat;
// ___sys_sendmsg: sendmsg, sendmmsg; ____sys_recvmsg also io_uring) are
// deliberately absent.
var syscallPrefixes = map[string]bool{
	"": true, "__": true, "k": true, "compat_": true,
	"__x64_": true, "__ia32_": true, "__x32_": true,
	"__x64_compat_": true, "__ia32_compat_": true, "__x32_compat_": true,
	"__arm64_": true, "__arm64_compat_": true, "__arm_": true,
	"__s390x_": true, "__s390_": true, "__s390_compat_": true,
	"__riscv_": true, "__riscv_compat_": true,
	"__powerpc_": true, "__powerpc64_": true, "__powerpc_compat_": true,
	"__se_": true, "__se_compat_": true, "__do_": true, "__do_compat_": true,
}

// sharedBodies are symbols that look like one syscall's body but serve two:
// accept(2) calls __sys_accept4, semop(2) calls ksys_semtimedop. A trace
// that passes through them names the real entry (__x64_sys_accept) too.
var sharedBodies = map[string]bool{"__sys_accept4": true, "ksys_semtimedop": true}
