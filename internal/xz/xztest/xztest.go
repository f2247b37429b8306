// Package xztest compresses test inputs with the xz tool (XZ Utils), the
// independent encoder that the tests of internal/xz and of the packages
// reading .xz data decode against. Tests skip when the tool is missing.
package xztest

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

// Compress runs "xz -c -q ARGS..." on in and returns its output; with no
// args, xz's defaults (preset 6, CRC64). --format=lzma gives a .lzma file.
func Compress(tb testing.TB, in []byte, args ...string) []byte {
	tb.Helper()
	path, err := exec.LookPath("xz")
	if err != nil {
		tb.Skip("the xz tool (Debian package xz-utils) is not installed")
	}
	cmd := exec.Command(path, append([]string{"-c", "-q"}, args...)...)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("xz %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	return out
}
