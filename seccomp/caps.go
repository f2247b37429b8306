package seccomp

import (
	"errors"
	"fmt"
	"strings"
)

// Capabilities are Linux's capability names, indexed by number
// (include/uapi/linux/capability.h, CAP_CHOWN 0 to CAP_LAST_CAP 40).
var Capabilities = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
	"CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
	"CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
	"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
	"CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
	"CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
	"CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
}

// ErrUnknownCapability is wrapped by ParseCaps.
var ErrUnknownCapability = errors.New("unknown capability")

// ParseCaps reads a comma-separated capability set for Target.Caps: names
// with or without the CAP_ prefix, in any case ("CAP_SYS_ADMIN,net_raw").
// The set is the whole of the target's capabilities, not an addition to
// some default; "" is the empty set.
func ParseCaps(s string) (map[string]bool, error) {
	caps := map[string]bool{}
	for _, c := range strings.Split(s, ",") {
		name := strings.ToUpper(strings.TrimSpace(c))
		if name == "" {
			continue
		}
		if !strings.HasPrefix(name, "CAP_") {
			name = "CAP_" + name
		}
		if !isCapability(name) {
			return nil, fmt.Errorf("%w %q (want names of include/uapi/linux/capability.h such as CAP_SYS_ADMIN)", ErrUnknownCapability, strings.TrimSpace(c))
		}
		caps[name] = true
	}
	return caps, nil
}

func isCapability(name string) bool {
	for _, c := range Capabilities {
		if c == name {
			return true
		}
	}
	return false
}
