//go:build linux && amd64

package main

import (
	"strings"
	"testing"

	"sysweight/syscalls"
)

// Every syscall of the table has a row, and every row names a syscall of
// the table: a new kernel's syscalls cannot slip through unprobed.
func TestTableCoversX86_64(t *testing.T) {
	tab := syscalls.MustForArch(syscalls.X86_64)
	for _, n := range tab.Names() {
		if _, ok := calls[n]; !ok {
			t.Errorf("%s has no row in calls", n)
		}
	}
	for n := range calls {
		if _, ok := tab.Number(n); !ok {
			t.Errorf("row %s names no x86_64 syscall", n)
		}
	}
}

// The calls that must never run with live arguments carry the values that
// the kernel rejects, checked against the kernel source named in each
// comment.
func TestDangerousArguments(t *testing.T) {
	for _, tc := range []struct {
		name string
		arg  int
		want uint64
		why  string
	}{
		{"kill", 0, bid, "pid above PID_MAX_LIMIT (4194304), never -1 or 0"},
		{"tkill", 0, bid, "same"},
		{"tgkill", 1, bid, "same"},
		{"reboot", 0, 0, "magic1 must be 0xfee1dead (kernel/reboot.c)"},
		{"munmap", 0, uneven, "unaligned: EINVAL in __do_munmap"},
		{"mmap", 1, 0, "length 0: EINVAL in do_mmap"},
		{"seccomp", 0, inval, "never SECCOMP_SET_MODE_STRICT (0)"},
		{"setuid", 0, none, "-1 has no kuid mapping"},
		{"close_range", 2, badf, "flags checked before any fd is closed"},
		{"arch_prctl", 0, inval, "never ARCH_SET_FS (0x1002)"},
	} {
		c, ok := calls[tc.name]
		if !ok || c.skip != "" || c.args[tc.arg] != tc.want {
			t.Errorf("%s arg %d = %#x, want %#x (%s)", tc.name, tc.arg, c.args[tc.arg], tc.want, tc.why)
		}
	}
	if bid <= 4194304 {
		t.Errorf("bid %#x is a possible pid (PID_MAX_LIMIT is 4194304)", bid)
	}
	for _, n := range []string{"exit", "exit_group", "vfork", "rt_sigreturn"} {
		if calls[n].skip == "" {
			t.Errorf("%s is not skipped", n)
		}
	}
	// Calls that succeed carry a note saying why that is harmless.
	for _, n := range []string{"fork", "setsid", "umask", "sync", "inotify_init", "eventfd", "set_tid_address", "munlockall"} {
		if strings.TrimSpace(calls[n].note) == "" {
			t.Errorf("%s succeeds but has no safety note", n)
		}
	}
}
