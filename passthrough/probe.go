package passthrough

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
)

// ProbePackage is the import path of the probe's main package.
const ProbePackage = "sysweight/cmd/sysweight-probe"

// BuildProbe builds a static probe (CGO_ENABLED=0, GOOS=linux,
// GOARCH=amd64) from the module at moduleDir into outDir and returns its
// path. It needs the go command. An empty moduleDir is the module source
// this binary was built from (SourceModule), wherever the caller runs.
func BuildProbe(ctx context.Context, moduleDir, outDir string) (string, error) {
	if moduleDir == "" {
		var err error
		if moduleDir, err = SourceModule(); err != nil {
			return "", err
		}
	}
	out := filepath.Join(outDir, "sysweight-probe")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", out, ProbePackage)
	cmd.Dir = moduleDir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building %s: %w: %s", ProbePackage, err, b)
	}
	return out, nil
}

// SourceModule is the directory of the sysweight module this binary was
// built from: the compiler records each function's source file, so this
// file's path, less passthrough/probe.go, is the module root, while that
// checkout exists. A binary built with -trimpath records module-relative
// paths, and a moved or deleted checkout has no go.mod there: both are an
// error that says how to build the probe instead.
func SourceModule() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	dir := filepath.Dir(filepath.Dir(file))
	if ok && filepath.IsAbs(file) {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && bytes.HasPrefix(b, []byte("module sysweight\n")) {
			return dir, nil
		}
	}
	return "", fmt.Errorf("%w: the sysweight source this binary was built from (%s) is not there to build the probe; in a clone, run CGO_ENABLED=0 go build -o sysweight-probe ./cmd/sysweight-probe and pass --probe, or put it beside this executable", ErrMissing, dir)
}
