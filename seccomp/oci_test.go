package seccomp

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"sysweight/syscalls"
)

func TestDecodeOCI(t *testing.T) {
	f, err := os.Open("testdata/oci/seccomp.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := DecodeOCI(f, "seccomp.json")
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Architectures(syscalls.X86_64); !reflect.DeepEqual(got, []string{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}) {
		t.Errorf("architectures %v", got)
	}
	// The OCI form ignores capabilities: a Target with none resolves the same.
	fl, err := p.Resolve(Target{Arch: syscalls.X86_64})
	if err != nil {
		t.Fatal(err)
	}
	enosys := Verdict{Action: ActErrno, Errno: 38}
	for _, c := range []struct {
		name string
		a    *[6]uint64
		want Verdict
	}{
		{"read", args(), Verdict{Action: ActAllow}},
		{"keyctl", args(), Verdict{Action: ActErrno, Errno: 1}},
		{"ptrace", args(), Verdict{Action: ActKillProcess}},
		{"mmap", args(), Verdict{Action: ActLog}},
		{"clone", args(17), Verdict{Action: ActAllow}},
		{"clone", args(0x10000000), enosys},
		{"socket", args(1, 1), Verdict{Action: ActAllow}}, // AF_UNIX, SOCK_STREAM: both conditions (ANDed)
		{"socket", args(1, 3), enosys},
		{"socket", args(2, 1), enosys},
		{"execve", args(), enosys},
	} {
		if got := fl.Evaluate(c.name, c.a); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.a[:2], got, c.want)
		}
	}
}

func TestDecodeOCINoSeccomp(t *testing.T) {
	f, err := os.Open("testdata/oci/no-seccomp.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := DecodeOCI(f, "no-seccomp.json"); !errors.Is(err, ErrNoSeccomp) {
		t.Fatalf("got %v, want ErrNoSeccomp", err)
	}
	for _, in := range []string{`{"ociVersion": "1.2.1"}`, `{"ociVersion": "1.2.1", "linux": {"seccomp": null}}`, `{"ociVersion": "1.2.1", "linux": {"seccomp": {}}}`} {
		if _, err := Decode(strings.NewReader(in), "cfg", runcDocker); !errors.Is(err, ErrNoSeccomp) {
			t.Errorf("%s: got %v, want ErrNoSeccomp", in, err)
		}
	}
}

// The config.json that runc itself writes (runc spec) has no seccomp
// section: unconfined.
func TestDecodeOCIRuncSpec(t *testing.T) {
	runc, err := exec.LookPath("runc")
	if err != nil {
		t.Skip("runc not installed (Debian package runc)")
	}
	dir := t.TempDir()
	if out, err := exec.Command(runc, "spec", "--bundle", dir).CombinedOutput(); err != nil {
		t.Skipf("runc spec: %v: %s", err, out)
	}
	f, err := os.Open(filepath.Join(dir, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := Decode(f, "config.json", runcDocker); !errors.Is(err, ErrNoSeccomp) {
		t.Fatalf("runc spec config: got %v, want ErrNoSeccomp", err)
	}
}
