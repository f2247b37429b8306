package runtimes

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func checkGenerated(t *testing.T) {
	shared := filepath.Join("..", "..", "shared", "data")
	if _, err := os.Stat(shared); err != nil {
		t.Skipf("%s is absent (a plain clone has no shared data): cannot regenerate the derived rule sets", shared)
	}
	out := t.TempDir()
	cmd := exec.Command("go", "run", "./internal/genrules", "-shared", shared, "-out", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("genrules: %v\n%s", err, b)
	}
	for _, f := range []string{"crun-podman.json", "firecracker-v1.16.1.json", "firecracker-v1.0.0.json"} {
		want, err := os.ReadFile(filepath.Join("data", f))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(out, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("data/%s is stale: run go generate ./runtimes", f)
		}
	}
}
