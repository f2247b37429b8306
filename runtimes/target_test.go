package runtimes

import (
	"bytes"
	"errors"
	"maps"
	"path"
	"slices"
	"testing"

	"sysweight/seccomp"
	"sysweight/syscalls"
)

func TestParseTargetErrors(t *testing.T) {
	for _, c := range []struct {
		arch, kernel, caps string
		part               string
		is                 error
		msg                string
	}{
		{"x86_64", "6.1", "CAP_FOO", "caps", seccomp.ErrUnknownCapability,
			`caps: unknown capability "CAP_FOO" (want names of include/uapi/linux/capability.h such as CAP_SYS_ADMIN)`},
		{"x86_64", "6.1", "CAP_CHOWN,foo", "caps", seccomp.ErrUnknownCapability,
			`caps: unknown capability "foo" (want names of include/uapi/linux/capability.h such as CAP_SYS_ADMIN)`},
		{"amd64", "6.1", DefaultCapSet, "arch", syscalls.ErrUnknownArch,
			`arch: unknown architecture "amd64" (want x86_64 or aarch64)`},
		{"x86_64", "six", DefaultCapSet, "kernel", nil,
			`kernel: invalid kernel version "six" (want MAJOR.MINOR, e.g. 6.1)`},
		// the order: arch before kernel before caps
		{"sparc", "six", "CAP_FOO", "arch", syscalls.ErrUnknownArch, ""},
	} {
		_, err := ParseTarget(c.arch, c.kernel, c.caps)
		var te *TargetError
		if !errors.As(err, &te) || te.Part != c.part || c.is != nil && !errors.Is(err, c.is) || c.msg != "" && err.Error() != c.msg {
			t.Errorf("ParseTarget(%q, %q, %q) = %v; want a %s error %q", c.arch, c.kernel, c.caps, err, c.part, c.msg)
		}
	}
}

// The capability set replaces Docker's 14 defaults, it does not add to
// them; "" is none, and "" for the arch is x86_64.
func TestParseTargetCaps(t *testing.T) {
	set := func(caps string) []string {
		tg, err := ParseTarget("", "5.10", caps)
		if err != nil {
			t.Fatal(err)
		}
		if tg.Arch != syscalls.X86_64 || tg.Kernel != (seccomp.KernelVersion{Major: 5, Minor: 10}) {
			t.Errorf("target %+v, want x86_64 and 5.10", tg)
		}
		return slices.Sorted(maps.Keys(tg.Caps))
	}
	if got := set(DefaultCapSet); !slices.Equal(got, slices.Sorted(slices.Values(DockerDefaultCaps))) || len(got) != 14 {
		t.Errorf("DefaultCapSet = %v, want Docker's 14", got)
	}
	if got := set("sys_admin"); !slices.Equal(got, []string{"CAP_SYS_ADMIN"}) {
		t.Errorf("sys_admin = %v, want CAP_SYS_ADMIN alone", got)
	}
	if got := set(DefaultCapSet + ",CAP_SYS_ADMIN"); len(got) != 15 || !slices.Contains(got, "CAP_SYS_ADMIN") {
		t.Errorf("Docker's and CAP_SYS_ADMIN = %v, want 15", got)
	}
	if got := set(""); len(got) != 0 {
		t.Errorf(`"" = %v, want none`, got)
	}

	// What that does to Docker's profile: chroot is allowed with
	// CAP_SYS_CHROOT (one of the 14), mount with CAP_SYS_ADMIN; so
	// --caps CAP_SYS_ADMIN gains mount and loses chroot.
	b, err := dataFS.ReadFile(path.Join("data", mobyDefaultFile))
	if err != nil {
		t.Fatal(err)
	}
	allows := func(caps, name string) bool {
		tg, err := ParseTarget("x86_64", "6.1", caps)
		if err != nil {
			t.Fatal(err)
		}
		p, err := seccomp.Decode(bytes.NewReader(b), "moby", tg)
		if err != nil {
			t.Fatal(err)
		}
		return p.Filters[0].Evaluate(name, &[6]uint64{}).Action == seccomp.ActAllow
	}
	for _, c := range []struct {
		caps          string
		chroot, mount bool
	}{
		{DefaultCapSet, true, false},
		{"CAP_SYS_ADMIN", false, true},
		{DefaultCapSet + ",CAP_SYS_ADMIN", true, true},
		{"", false, false},
	} {
		if g1, g2 := allows(c.caps, "chroot"), allows(c.caps, "mount"); g1 != c.chroot || g2 != c.mount {
			t.Errorf("--caps %q: chroot %v, mount %v; want %v, %v", c.caps, g1, g2, c.chroot, c.mount)
		}
	}
}

func TestDefaultCapsOf(t *testing.T) {
	if got := DefaultCapsOf("crun-podman"); !slices.Equal(got, PodmanDefaultCaps) {
		t.Errorf("crun-podman: %v", got)
	}
	if got := DefaultCapsOf("runc-docker"); !slices.Equal(got, DockerDefaultCaps) {
		t.Errorf("runc-docker: %v", got)
	}
}
