package passthrough

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// ProbePackage is the import path of the probe's main package.
const ProbePackage = "sysweight/cmd/sysweight-probe"

// BuildProbe builds a static probe (CGO_ENABLED=0, GOOS=linux,
// GOARCH=amd64) from the module at moduleDir into outDir and returns its
// path. It needs the go command.
func BuildProbe(ctx context.Context, moduleDir, outDir string) (string, error) {
	out := filepath.Join(outDir, "sysweight-probe")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", out, ProbePackage)
	cmd.Dir = moduleDir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building %s: %w: %s", ProbePackage, err, b)
	}
	return out, nil
}
