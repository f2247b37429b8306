package leftovers

import (
	"strings"
	"testing"
)

func TestParseName(t *testing.T) {
	for _, c := range []struct {
		name string
		tag  string
		o    Owner
		ok   bool
	}{
		{"sysweight-123-4567-abcdef01", Trace, Owner{123, 4567}, true},
		{"sysweight-pt-123-4567-abcdef01", Passthrough, Owner{123, 4567}, true},
		{"sysweight-probe-9-0-00000000", Probe, Owner{9, 0}, true},
		// names before start times
		{"sysweight-123-abcdef01", Trace, Owner{123, 0}, true},
		{"sysweight-pt-20787-7b6267de", Passthrough, Owner{20787, 0}, true},
		// os.MkdirTemp's names and other strangers
		{"sysweight-pt-1234567890", "", Owner{}, false},
		{"sysweight-probe-3141592", "", Owner{}, false},
		{"sysweight-x-1-abcdef01", "", Owner{}, false},
		{"sysweight-0-abcdef01", "", Owner{}, false},
		{"sysweight--1-abcdef01", "", Owner{}, false},
		{"sysweight-+1-abcdef01", "", Owner{}, false},
		{"sysweight-1-2-ABCDEF01", "", Owner{}, false},
		{"sysweight-1-2-3-abcdef01", "", Owner{}, false},
		{"other-1-abcdef01", "", Owner{}, false},
		{"sysweight-5", "", Owner{}, false},
	} {
		tag, o, ok := ParseName(c.name)
		if tag != c.tag || o != c.o || ok != c.ok {
			t.Errorf("%s: %q %+v %v, want %q %+v %v", c.name, tag, o, ok, c.tag, c.o, c.ok)
		}
	}
}

func TestNewName(t *testing.T) {
	for _, tag := range []string{Trace, Passthrough, Probe} {
		n := NewName(tag, Owner{PID: 4242, Start: 987654})
		got, o, ok := ParseName(n)
		if !ok || got != tag || o != (Owner{4242, 987654}) {
			t.Errorf("%s parses as %q %+v %v", n, got, o, ok)
		}
	}
	if a, b := NewName(Trace, Owner{1, 2}), NewName(Trace, Owner{1, 2}); a == b {
		t.Errorf("two names alike: %s", a)
	}
}

func TestParseStartTime(t *testing.T) {
	// A real /proc/PID/stat of a process named "a) b" (so the name holds
	// a parenthesis and a space); starttime, field 22, is 20573.
	stat := "4711 (a) b) S 1 4711 4711 0 -1 4194560 120 0 0 0 0 0 0 0 20 0 1 0 20573 2490368 200 " +
		"18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n"
	if got, err := ParseStartTime([]byte(stat)); err != nil || got != 20573 {
		t.Errorf("got %d, %v; want 20573", got, err)
	}
	for _, bad := range []string{"4711 no paren", "4711 (x) S 1 2", "4711 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 -5 1"} {
		if _, err := ParseStartTime([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestParseMountinfo(t *testing.T) {
	mi := strings.Join([]string{
		"32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu",
		"41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw",
		"50 22 0:12 / /sys/kernel/tracing rw,nosuid shared:5 - tracefs nodev rw",
		"60 22 0:40 /sub /mnt/a\\040b rw - tmpfs tmpfs rw",
		"garbage",
	}, "\n")
	got := ParseMountinfo([]byte(mi))
	want := []Mount{{"/sys/fs/cgroup/cpu", "cgroup", true}, {"/sys/fs/cgroup/unified", "cgroup2", true},
		{"/sys/kernel/tracing", "tracefs", true}, {"/mnt/a b", "tmpfs", false}}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%d: %+v, want %+v", i, got[i], want[i])
		}
	}
}
