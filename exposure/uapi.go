package exposure

import "sysweight/syscalls"

// Kernel UAPI values of the arguments that seccomp rules commonly condition
// on. Each list names its header; values are the same on x86_64 and aarch64
// unless a per-arch entry says otherwise. The lists are what a program can
// meaningfully pass, so that a rule's degree reflects how much of the
// syscall's dispatch (which clone flags, which socket families, which prctl
// options, ...) it lets through.

// include/uapi/linux/sched.h: CLONE_* (single flags), plus the flag sets of
// fork(), pthread_create() (glibc: CLONE_VM|CLONE_FS|CLONE_FILES|
// CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|
// CLONE_CHILD_CLEARTID) and vfork().
var cloneFlags = []uint64{
	0x00000011, // SIGCHLD (fork)
	0x00000100, // CLONE_VM
	0x00000200, // CLONE_FS
	0x00000400, // CLONE_FILES
	0x00000800, // CLONE_SIGHAND
	0x00001000, // CLONE_PIDFD
	0x00002000, // CLONE_PTRACE
	0x00004000, // CLONE_VFORK
	0x00008000, // CLONE_PARENT
	0x00010000, // CLONE_THREAD
	0x00020000, // CLONE_NEWNS
	0x00040000, // CLONE_SYSVSEM
	0x00080000, // CLONE_SETTLS
	0x00100000, // CLONE_PARENT_SETTID
	0x00200000, // CLONE_CHILD_CLEARTID
	0x00400000, // CLONE_DETACHED
	0x00800000, // CLONE_UNTRACED
	0x01000000, // CLONE_CHILD_SETTID
	0x02000000, // CLONE_NEWCGROUP
	0x04000000, // CLONE_NEWUTS
	0x08000000, // CLONE_NEWIPC
	0x10000000, // CLONE_NEWUSER
	0x20000000, // CLONE_NEWPID
	0x40000000, // CLONE_NEWNET
	0x80000000, // CLONE_IO
	0x00000080, // CLONE_NEWTIME
	0x003d0f00, // pthread_create
	0x01200011, // fork: CLONE_CHILD_SETTID|CLONE_CHILD_CLEARTID|SIGCHLD
	0x00004111, // vfork: CLONE_VM|CLONE_VFORK|SIGCHLD
}

// include/linux/socket.h: AF_* 0 (AF_UNSPEC) .. 45 (AF_MCTP); AF_MAX is 46.
func socketFamilies() []uint64 {
	out := make([]uint64, 46)
	for i := range out {
		out[i] = uint64(i)
	}
	return out
}

// include/linux/net.h: SOCK_STREAM 1, SOCK_DGRAM 2, SOCK_RAW 3, SOCK_RDM 4,
// SOCK_SEQPACKET 5, SOCK_DCCP 6, SOCK_PACKET 10, each also with
// SOCK_NONBLOCK (0x800) | SOCK_CLOEXEC (0x80000).
func socketTypes() []uint64 {
	var out []uint64
	for _, t := range []uint64{1, 2, 3, 4, 5, 6, 10} {
		out = append(out, t, t|0x80000, t|0x80800)
	}
	return out
}

// include/uapi/linux/personality.h: PER_LINUX 0, PER_LINUX32 8,
// UNAME26 0x20000, PER_LINUX32|UNAME26, ADDR_NO_RANDOMIZE 0x40000,
// READ_IMPLIES_EXEC 0x400000, PER_SVR4 0x04100001, and 0xffffffff (query).
var personalities = []uint64{0, 8, 0x20000, 0x20008, 0x40000, 0x400000, 0x04100001, 0xffffffff}

// include/uapi/linux/prctl.h: PR_SET_PDEATHSIG 1 .. PR_FUTEX_HASH 78.
func prctlOptions() []uint64 {
	out := make([]uint64, 0, 80)
	for i := uint64(1); i <= 78; i++ {
		out = append(out, i)
	}
	return append(out, 0x59616d61) // PR_SET_PTRACER ("Yama")
}

// Common ioctl commands (include/uapi/asm-generic/ioctls.h, linux/fs.h,
// linux/kvm.h, linux/if_tun.h, linux/sockios.h): the tty, file, KVM, TUN and
// socket requests that container runtimes and VMMs issue.
var ioctlCommands = []uint64{
	0x5401, 0x5402, 0x5403, 0x5404, // TCGETS TCSETS TCSETSW TCSETSF
	0x540e, 0x540f, 0x5410, // TIOCSCTTY TIOCGPGRP TIOCSPGRP
	0x5412, 0x5413, 0x5414, // TIOCSTI TIOCGWINSZ TIOCSWINSZ
	0x541b, 0x5421, 0x5422, // FIONREAD FIONBIO TIOCNOTTY
	0x5450, 0x5451, 0x5452, // FIONCLEX FIOCLEX FIOASYNC
	0x80045430, 0x40045431, // TIOCGPTN TIOCSPTLCK
	0x5441,                 // TIOCGPTPEER
	0x40049409,             // BTRFS_IOC_CLONE / FICLONE
	0x80086601, 0x40086602, // FS_IOC_GETFLAGS FS_IOC_SETFLAGS
	0x8927, 0x8933, 0x8913, 0x8914, // SIOCGIFHWADDR SIOCGIFINDEX SIOCGIFFLAGS SIOCSIFFLAGS
	0x400454ca, 0x800454d2, 0x400454d8, // TUNSETIFF TUNGETIFF TUNSETVNETHDRSZ
	0xae00, 0xae01, 0xae03, 0xae04, 0xae41, 0xae80, // KVM_GET_API_VERSION KVM_CREATE_VM KVM_CHECK_EXTENSION KVM_GET_VCPU_MMAP_SIZE KVM_CREATE_VCPU KVM_RUN
	0x4020ae46, 0xc008ae05, 0x4020ae76, // KVM_SET_USER_MEMORY_REGION KVM_GET_SUPPORTED_CPUID KVM_IRQFD
}

// include/uapi/linux/futex.h: FUTEX_WAIT 0 .. FUTEX_LOCK_PI2 13, with
// FUTEX_PRIVATE_FLAG (128) and FUTEX_CLOCK_REALTIME (256).
func futexOps() []uint64 {
	var out []uint64
	for op := uint64(0); op <= 13; op++ {
		out = append(out, op, op|128, op|128|256)
	}
	return out
}

// include/uapi/asm-generic/fcntl.h: F_DUPFD 0 .. F_SETPIPE_SZ etc.
var fcntlCommands = []uint64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 1024, 1025, 1026, 1030, 1031, 1032, 1033, 1034}

// include/uapi/asm-generic/mman-common.h: PROT_* combinations.
var protValues = []uint64{0, 1, 2, 3, 4, 5, 6, 7}

// MAP_* flags: MAP_SHARED 1, MAP_PRIVATE 2, MAP_FIXED 0x10, MAP_ANONYMOUS
// 0x20, MAP_NORESERVE 0x4000, MAP_STACK 0x20000 and common combinations.
var mapFlags = []uint64{1, 2, 0x11, 0x12, 0x21, 0x22, 0x32, 0x4022, 0x20022, 0x100000, 0x40000}

// include/uapi/linux/mman.h, madvise advice values MADV_NORMAL 0 .. MADV_COLLAPSE 25.
func madviseAdvice() []uint64 {
	out := make([]uint64, 0, 26)
	for i := uint64(0); i <= 25; i++ {
		out = append(out, i)
	}
	return append(out, 100, 101) // MADV_HWPOISON MADV_SOFT_OFFLINE
}

// Small integers for descriptor-like and level-like arguments: setsockopt
// levels (SOL_SOCKET 1, IPPROTO_TCP 6, IPPROTO_IPV6 41, SOL_NETLINK 270, ...)
// and option names, signal numbers, which-values.
func smallInts(n uint64) []uint64 {
	out := make([]uint64, 0, n+1)
	for i := uint64(0); i <= n; i++ {
		out = append(out, i)
	}
	return out
}

// uapiFor returns the UAPI values of argument arg of sys on arch.
func uapiFor(arch syscalls.Arch, sys string, arg uint8) []uint64 {
	type key struct {
		sys string
		arg uint8
	}
	switch (key{sys, arg}) {
	case key{"clone", 0}, key{"unshare", 0}, key{"setns", 1}:
		return cloneFlags
	case key{"socket", 0}, key{"socketpair", 0}:
		return socketFamilies()
	case key{"socket", 1}, key{"socketpair", 1}:
		return socketTypes()
	case key{"personality", 0}:
		return personalities
	case key{"prctl", 0}:
		return prctlOptions()
	case key{"ioctl", 1}:
		return ioctlCommands
	case key{"futex", 1}:
		return futexOps()
	case key{"fcntl", 1}:
		return fcntlCommands
	case key{"mmap", 2}, key{"mprotect", 2}, key{"pkey_mprotect", 2}:
		return protValues
	case key{"mmap", 3}:
		return mapFlags
	case key{"madvise", 2}:
		return madviseAdvice()
	case key{"setsockopt", 1}, key{"getsockopt", 1}:
		return []uint64{0, 1, 6, 17, 41, 263, 270, 274, 280, 282, 283}
	case key{"setsockopt", 2}, key{"getsockopt", 2}, key{"kill", 1}, key{"tgkill", 2}, key{"tkill", 1}, key{"rt_sigaction", 0}, key{"rt_sigprocmask", 0}:
		return smallInts(64)
	}
	return nil
}
