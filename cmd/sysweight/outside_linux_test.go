package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// passthrough run from outside the repository, with no probe beside the
// binary and no --probe, builds its probe from the module source the
// binary was built from and measures (issue 11: it ran go build on a
// relative path and failed anywhere but the repository's root). A
// -trimpath binary, which records no source path, says how to get a
// probe instead: one line, nothing written.
func TestPassthroughOutsideRepo(t *testing.T) {
	requireRoot(t, "runc", "go")
	if _, err := os.Stat("/bin/busybox"); err != nil {
		t.Skip("needs a static busybox (apt-get install busybox-static)")
	}
	bin := buildBinary(t)
	elsewhere, out := t.TempDir(), t.TempDir()
	cmd := exec.Command(bin, "passthrough", "--runtime", "runc-docker", "--syscalls", "getpid", "--out", out)
	cmd.Dir = elsewhere
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("passthrough from %s: %v\n%s", elsewhere, err, b)
	}
	var e struct {
		Entries []struct{ Syscall string }
	}
	raw, err := os.ReadFile(filepath.Join(out, "runc-docker.exposure.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &e); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, en := range e.Entries {
		found = found || en.Syscall == "getpid"
	}
	if !found {
		t.Errorf("getpid did not reach the host in %s", raw)
	}

	trimmed := filepath.Join(t.TempDir(), "sysweight")
	if b, err := exec.Command("go", "build", "-trimpath", "-o", trimmed, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build -trimpath: %v\n%s", err, b)
	}
	out2 := t.TempDir()
	cmd = exec.Command(trimmed, "passthrough", "--runtime", "runc-docker", "--syscalls", "getpid", "--out", out2)
	cmd.Dir = elsewhere
	b, err = cmd.CombinedOutput()
	msg := string(b)
	if err == nil || strings.Count(msg, "\n") != 1 || !strings.Contains(msg, "pass --probe") || !strings.Contains(msg, "go build -o sysweight-probe ./cmd/sysweight-probe") {
		t.Errorf("-trimpath binary: %v, %q; want one line saying how to build the probe", err, msg)
	}
	if ents, _ := os.ReadDir(out2); len(ents) != 0 {
		t.Errorf("wrote %s", ents[0].Name())
	}
}
