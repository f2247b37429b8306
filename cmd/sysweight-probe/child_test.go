//go:build linux && amd64

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// uretprobe outside a uretprobe trampoline makes the kernel send SIGILL to
// its caller (Linux 6.11, arch/x86/kernel/uprobes.c: force_sig(SIGILL)).
// The child dies of it quietly: the probe's result says signal SIGILL and
// stderr stays empty, where the Go runtime's handler printed a traceback
// and exited with status 2. Skips on a kernel without uretprobe (ENOSYS).
func TestChildSignalQuiet(t *testing.T) {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		t.Fatal(err)
	}
	if !atLeast(unix.ByteSliceToString(u.Release[:]), 6, 11) {
		t.Skipf("kernel %s has no uretprobe (6.11)", unix.ByteSliceToString(u.Release[:]))
	}
	bin := filepath.Join(t.TempDir(), "probe")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, "-free", "-syscalls", "uretprobe", "-baseline-every", "0")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("probe: %v\n%s", err, stderr.String())
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr: %q, want nothing", stderr.String())
	}
	found := false
	for _, l := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		var r struct{ Event, Name, Outcome, Signal string }
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		if r.Event == "result" && r.Name == "uretprobe" {
			found = true
			if r.Outcome != "signal" || r.Signal != "SIGILL" {
				t.Errorf("uretprobe: %s %s, want signal SIGILL", r.Outcome, r.Signal)
			}
		}
	}
	if !found {
		t.Errorf("no uretprobe result in:\n%s", stdout.String())
	}
	_ = os.Remove(bin)
}

func atLeast(release string, major, minor int) bool {
	var a, b int
	if n, _ := fmt.Sscanf(release, "%d.%d", &a, &b); n != 2 {
		return false
	}
	return a > major || a == major && b >= minor
}
