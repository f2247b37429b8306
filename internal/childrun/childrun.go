// Package childrun runs a command as a child process for tests that hold
// it to a time and memory budget from outside: its exit status, output,
// wall and CPU time, and peak RSS (getrusage of the child).
package childrun

import (
	"bytes"
	"errors"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// Result is what one run of the child gave.
type Result struct {
	Code           int
	Stdout, Stderr string
	Wall, CPU      time.Duration
	RSS            int64 // peak resident set, bytes
}

// Run runs bin with args, killing it after 30 s, and fails t when it
// cannot be started or waited for.
func Run(t testing.TB, bin string, args ...string) Result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(30*time.Second, func() { _ = cmd.Process.Kill() })
	err := cmd.Wait()
	timer.Stop()
	r := Result{Wall: time.Since(start), Stdout: stdout.String(), Stderr: stderr.String()}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		r.Code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		t.Fatal("no rusage for the child")
	}
	r.CPU = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	r.RSS = ru.Maxrss << 10 // Linux reports kB
	return r
}
