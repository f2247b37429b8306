package registry

import (
	"testing"

	"sysweight/kernel/analysis"
)

// MembersSource reads the Debian version from the package's file name
// (NAME_VERSION_ARCH.deb, as apt-get download names it) and records the
// index's sha256 and function count.
func TestMembersSource(t *testing.T) {
	x := &analysis.ReachIndex{Kernel: "abc123", Funcs: make([]analysis.IndexFunc, 3)}
	s := MembersSource("/cache/linux-image-6.1.0-56-amd64-unsigned_6.1.192-2_amd64.deb", x)
	if s.Name != "kernel-members" || s.Version != "6.1.192-2" || s.SHA256 != "abc123" || s.Records != 3 ||
		s.Origin != "linux-image-6.1.0-56-amd64-unsigned_6.1.192-2_amd64.deb (the site method's member rule, for bug sites the kernel image lacks)" {
		t.Errorf("MembersSource = %+v", s)
	}
	if s := MembersSource("generic.deb", x); s.Version != "" {
		t.Errorf("a name without a version gave version %q", s.Version)
	}
}
