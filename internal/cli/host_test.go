package cli

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"
)

// Off Linux, the host commands fail at once with one line that names the
// command, as an environment failure (exit 1); the others and help run.
func TestLinuxOnlyCommands(t *testing.T) {
	var names []string
	for _, c := range NewRootCmd(&bytes.Buffer{}, &bytes.Buffer{}).Commands() {
		names = append(names, c.Name())
	}
	for _, n := range linuxOnly {
		if !slices.Contains(names, n) {
			t.Errorf("linuxOnly names %q, which is no command", n)
		}
	}
	for _, tc := range []struct {
		args []string
		want string // error; "" for success
	}{
		{[]string{"trace", "--", "true"}, "trace needs Linux (running on darwin)"},
		{[]string{"trace", "--pid", "1"}, "trace needs Linux (running on darwin)"},
		{[]string{"dump", "1"}, "dump needs Linux (running on darwin)"},
		{[]string{"passthrough", "--runtime", "runc-docker"}, "passthrough needs Linux (running on darwin)"},
		{[]string{"cleanup", "--dry-run"}, "cleanup needs Linux (running on darwin)"},
		{[]string{"trace", "--help"}, ""},
		{[]string{"runtimes"}, ""},
	} {
		var out, errOut bytes.Buffer
		root := NewRootCmd(&out, &errOut)
		requireLinux(root, "darwin")
		root.SetArgs(tc.args)
		err := root.ExecuteContext(context.Background())
		if tc.want == "" {
			if err != nil {
				t.Errorf("%v: %v", tc.args, err)
			}
			continue
		}
		var ee envError
		if err == nil || err.Error() != tc.want || !errors.As(err, &ee) {
			t.Errorf("%v: err = %v, want the environment error %q", tc.args, err, tc.want)
		}
		if out.Len() != 0 {
			t.Errorf("%v wrote %q", tc.args, out.String())
		}
	}
	// On Linux the hook lets them through.
	root := NewRootCmd(&bytes.Buffer{}, &bytes.Buffer{})
	requireLinux(root, "linux")
	for _, c := range root.Commands() {
		if c.PreRunE != nil {
			if err := c.PreRunE(c, nil); err != nil {
				t.Errorf("%s on linux: %v", c.Name(), err)
			}
		}
	}
}
