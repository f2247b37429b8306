package cli

import (
	"encoding/json"
	"os"
	"runtime"
	"testing"
)

// trace -- CMD exits with CMD's status, as time and strace do: sh's own
// exit 3, and 128+15 = 143 when sh kills itself with SIGTERM (signal 15 on
// Linux, signal(7)); the output is written all the same.
func TestTraceExitStatus(t *testing.T) {
	if runtime.GOOS != "linux" || os.Geteuid() != 0 {
		t.Skip("trace needs root on Linux")
	}
	for _, c := range []struct {
		script   string
		status   int
		exitCode int
		signal   string
	}{
		{"exit 0", 0, 0, ""},
		{"exit 3", 3, 3, ""},
		{"kill -TERM $$", 143, -1, "SIGTERM"},
	} {
		code, out, errs := run(t, "trace", "-o", "json", "--", "sh", "-c", c.script)
		if code == exitFailure && out == "" {
			t.Skipf("trace cannot run here: %s", errs)
		}
		var res struct {
			ExitCode int    `json:"exit_code"`
			Signal   string `json:"signal"`
			Total    uint64 `json:"total"`
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("%s: %v (stderr %q)", c.script, err, errs)
		}
		if code != c.status || res.ExitCode != c.exitCode || res.Signal != c.signal || res.Total == 0 || errs != "" {
			t.Errorf("%s: exit %d, exit_code %d, signal %q, %d syscalls, stderr %q; want exit %d, exit_code %d, signal %q",
				c.script, code, res.ExitCode, res.Signal, res.Total, errs, c.status, c.exitCode, c.signal)
		}
	}
}
