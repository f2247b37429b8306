// Package gomod reads the version a go.mod file requires of a module. The
// go.mod files are the one place each Go-module pin is written (the main
// module's for github.com/moby/profiles/seccomp, tools/gvisor-rules' for
// gvisor.dev/gvisor); tests that check code, data or docs naming a pinned
// version read it from there with Require. It does not resolve replace
// directives or module graphs: that is the go command's job.
package gomod

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// ErrNotRequired is returned when go.mod has no require line for the module.
var ErrNotRequired = errors.New("module not required")

// Require returns the version that gomod, a go.mod file's text, requires of
// module, from a single-line require or a require block.
func Require(gomod []byte, module string) (string, error) {
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	inBlock := false
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		switch {
		case len(f) == 0:
			continue
		case inBlock && f[0] == ")":
			inBlock = false
			continue
		case !inBlock && f[0] == "require" && len(f) == 2 && f[1] == "(":
			inBlock = true
			continue
		case !inBlock && f[0] == "require":
			f = f[1:]
		case !inBlock:
			continue
		}
		if len(f) >= 1 && f[0] == module {
			if len(f) != 2 {
				return "", fmt.Errorf("go.mod:%d: require %s: want one version, got %q", n, module, strings.Join(f[1:], " "))
			}
			return f[1], nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	return "", fmt.Errorf("%s: %w", module, ErrNotRequired)
}
