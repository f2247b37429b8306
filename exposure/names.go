package exposure

import (
	"fmt"
	"math/bits"
	"strings"

	"sysweight/seccomp"
)

// Names of the argument values rules commonly test, so that a condition
// reads "arg0 < 0x26 (AF_ALG)" rather than a bare number. Only
// enumerations and flag sets whose values are the same on x86_64 and
// aarch64 are named; other arguments print as numbers.

// socket.h: AF_* 0 (AF_UNSPEC) to 45 (AF_MCTP).
var socketFamilyNames = [...]string{"AF_UNSPEC", "AF_UNIX", "AF_INET", "AF_AX25", "AF_IPX", "AF_APPLETALK",
	"AF_NETROM", "AF_BRIDGE", "AF_ATMPVC", "AF_X25", "AF_INET6", "AF_ROSE", "AF_DECnet", "AF_NETBEUI",
	"AF_SECURITY", "AF_KEY", "AF_NETLINK", "AF_PACKET", "AF_ASH", "AF_ECONET", "AF_ATMSVC", "AF_RDS", "AF_SNA",
	"AF_IRDA", "AF_PPPOX", "AF_WANPIPE", "AF_LLC", "AF_IB", "AF_MPLS", "AF_CAN", "AF_TIPC", "AF_BLUETOOTH",
	"AF_IUCV", "AF_RXRPC", "AF_ISDN", "AF_PHONET", "AF_IEEE802154", "AF_CAIF", "AF_ALG", "AF_NFC", "AF_VSOCK",
	"AF_KCM", "AF_QIPCRTR", "AF_SMC", "AF_XDP", "AF_MCTP"}

// sched.h: CLONE_* flags, by bit.
var cloneFlagNames = map[uint64]string{
	0x100: "CLONE_VM", 0x200: "CLONE_FS", 0x400: "CLONE_FILES", 0x800: "CLONE_SIGHAND", 0x1000: "CLONE_PIDFD",
	0x2000: "CLONE_PTRACE", 0x4000: "CLONE_VFORK", 0x8000: "CLONE_PARENT", 0x10000: "CLONE_THREAD",
	0x20000: "CLONE_NEWNS", 0x40000: "CLONE_SYSVSEM", 0x80000: "CLONE_SETTLS", 0x100000: "CLONE_PARENT_SETTID",
	0x200000: "CLONE_CHILD_CLEARTID", 0x400000: "CLONE_DETACHED", 0x800000: "CLONE_UNTRACED",
	0x1000000: "CLONE_CHILD_SETTID", 0x2000000: "CLONE_NEWCGROUP", 0x4000000: "CLONE_NEWUTS",
	0x8000000: "CLONE_NEWIPC", 0x10000000: "CLONE_NEWUSER", 0x20000000: "CLONE_NEWPID", 0x40000000: "CLONE_NEWNET",
	0x80000000: "CLONE_IO", 0x80: "CLONE_NEWTIME",
}

// mman.h: PROT_* flags.
var protNames = map[uint64]string{0x1: "PROT_READ", 0x2: "PROT_WRITE", 0x4: "PROT_EXEC", 0x8: "PROT_SEM",
	0x1000000: "PROT_GROWSDOWN", 0x2000000: "PROT_GROWSUP"}

// personality.h: the personas Docker's profile allows, and the query.
var personaNames = map[uint64]string{0: "PER_LINUX", 0x8: "PER_LINUX32", 0x20000: "UNAME26",
	0x20008: "UNAME26|PER_LINUX32", 0xffffffff: "query"}

// argKind says which names an argument of syscall takes: "family",
// "clone", "prot", "persona" or "".
func argKind(syscall string, arg uint8) string {
	switch {
	case (syscall == "socket" || syscall == "socketpair") && arg == 0:
		return "family"
	case (syscall == "clone" || syscall == "unshare") && arg == 0:
		return "clone"
	case (syscall == "mmap" || syscall == "mprotect" || syscall == "pkey_mprotect") && arg == 2:
		return "prot"
	case syscall == "personality" && arg == 0:
		return "persona"
	}
	return ""
}

// valueName names v as an argument of kind, "" when it has no name.
func valueName(kind string, v uint64) string {
	switch kind {
	case "family":
		if v < uint64(len(socketFamilyNames)) {
			return socketFamilyNames[v]
		}
	case "persona":
		return personaNames[v]
	case "clone", "prot":
		return flagNames(kind, v)
	}
	return ""
}

// flagNames spells a flag set, "" when a bit has no name or v is 0.
func flagNames(kind string, v uint64) string {
	names := cloneFlagNames
	if kind == "prot" {
		names = protNames
	}
	if v == 0 {
		return ""
	}
	var parts []string
	for w := v; w != 0; w &= w - 1 {
		bit := uint64(1) << bits.TrailingZeros64(w)
		n, ok := names[bit]
		if !ok {
			return ""
		}
		parts = append(parts, n)
	}
	return strings.Join(parts, "|")
}

// condString is c as a condition reads in an Exposure: c.String(), and
// the names of its values where the argument has names (the mask of a
// masked test, or the value of a comparison).
func condString(syscall string, c seccomp.Cond) string {
	s := c.String()
	kind := argKind(syscall, c.Arg)
	var n string
	switch {
	case c.Op != seccomp.OpMaskedEQ:
		n = valueName(kind, c.Value)
	case kind == "clone" || kind == "prot":
		n = flagNames(kind, c.Value) // the mask's flags
	}
	if n == "" {
		return s
	}
	return fmt.Sprintf("%s (%s)", s, n)
}
