package runtimes

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sysweight/exposure"
	"sysweight/syscalls"
)

// What a file holds decides what it is: an exposure, a config.json with
// no seccomp, or a profile.
func TestDecodeInput(t *testing.T) {
	tg, err := ParseTarget("x86_64", "6.1", DefaultCapSet)
	if err != nil {
		t.Fatal(err)
	}
	measured, err := os.ReadFile(filepath.Join("data", "measured", "runc-docker.exposure.json"))
	if err != nil {
		t.Fatal(err)
	}
	n, err := DecodeInput(measured, "m.json", tg)
	if err != nil {
		t.Fatal(err)
	}
	if n.Measured == nil || n.Policy != nil || n.Name != "m.json" || n.Measured.Name != "m.json" || n.Provenance.Source != exposure.PassThrough ||
		!strings.HasPrefix(n.Provenance.Notes[len(n.Provenance.Notes)-1], `read from m.json (exposure "runc-docker@measured"`) {
		t.Errorf("measured exposure = %+v", n)
	}
	aarch, _ := ParseTarget("aarch64", "6.1", DefaultCapSet)
	if _, err := DecodeInput(measured, "m.json", aarch); err == nil || err.Error() != "m.json: an exposure for x86_64; the target is aarch64" {
		t.Errorf("exposure for another arch: %v", err)
	}

	profile := []byte(`{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"}]}`)
	n, err = DecodeInput(profile, "p.json", tg)
	if err != nil {
		t.Fatal(err)
	}
	if n.Policy == nil || n.Measured != nil || n.Provenance.Source != exposure.Declared ||
		n.Provenance.Notes[0] != "resolved for x86_64, kernel 6.1, 14 capabilities" {
		t.Errorf("profile = %+v", n)
	}
	// "entries" in a profile does not make it an exposure.
	if n, err := DecodeInput([]byte(`{"defaultAction": "SCMP_ACT_ALLOW", "comment": "entries"}`), "c.json", tg); err != nil || n.Policy == nil {
		t.Errorf("profile mentioning entries = %+v, %v", n, err)
	}

	n, err = DecodeInput([]byte(`{"ociVersion": "1.0.2", "process": {}, "linux": {}}`), "config.json", tg)
	if err != nil {
		t.Fatal(err)
	}
	if n.Policy != nil || n.Measured != nil || n.Arch != syscalls.X86_64 || n.Provenance.Source != exposure.Unfiltered {
		t.Errorf("config.json without seccomp = %+v", n)
	}

	if _, err := DecodeInput([]byte(`{"defaultAction": "SCMP_ACT_NOPE"}`), "bad.json", tg); err == nil || !strings.Contains(err.Error(), "bad.json") {
		t.Errorf("a bad profile: %v, want an error naming the file", err)
	}
}

// A built-in's name first, then a file; no file is an error naming both.
func TestResolve(t *testing.T) {
	tg, _ := ParseTarget("x86_64", "6.1", "")
	dir := t.TempDir()
	t.Chdir(dir)
	prof := []byte(`{"defaultAction": "SCMP_ACT_ALLOW"}`)
	for _, f := range []string{"runc-docker", "mine.json"} {
		if err := os.WriteFile(f, prof, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	n, builtin, err := Resolve("runc-docker", tg)
	if err != nil || !builtin || n.Name != "runc-docker" || n.Policy == nil || n.Provenance.Origin == "runc-docker" {
		t.Errorf("runc-docker = %+v, %v, %v; want the built-in over the file", n, builtin, err)
	}
	n, builtin, err = Resolve("mine.json", tg)
	if err != nil || builtin || n.Name != "mine.json" || n.Provenance.Notes[0] != "resolved for x86_64, kernel 6.1, 0 capabilities" {
		t.Errorf("mine.json = %+v, %v, %v", n, builtin, err)
	}
	_, _, err = Resolve("nosuch", tg)
	if !errors.Is(err, ErrUnknownRuntime) || !strings.HasSuffix(err.Error(), ", and no file nosuch exists") {
		t.Errorf("nosuch: %v", err)
	}
	if err := os.Mkdir("adir", 0o755); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Resolve("adir", tg); err == nil || !strings.Contains(err.Error(), "adir") {
		t.Errorf("a directory: %v, want an error naming it", err)
	}
}
