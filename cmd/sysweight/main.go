// Command sysweight measures how much weighted host-kernel attack surface a
// container runtime exposes. See README.md.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	"sysweight/internal/cli"
	"sysweight/internal/hostguard"
)

// grace is how long a command may take to notice a signal's cancellation
// and return (removing its temporary files) before the process exits anyway.
// Commands that look at their context return within milliseconds; 0.5 s
// leaves the exit within 1 s on a loaded machine (0.9 s did not, with the
// load average at 7 to 10 on two cores).
const grace = 500 * time.Millisecond

// hostGrace is how much longer the exit waits for a command that holds
// host state (trace's tracefs instance, passthrough's container) to put
// the host back; a second signal does not wait.
const hostGrace = 30 * time.Second

// memLimit is the Go runtime's soft memory limit (GOMEMLIMIT overrides it).
const memLimit = 448 << 20

func main() {
	// A short-lived command that allocates a few tens of MB decoding its
	// embedded data: collecting garbage less often saves a third of the
	// CPU time of compare.
	debug.SetGCPercent(400)
	// That lets the heap grow to five times what is live: a soft limit
	// collects sooner when it nears memLimit, which keeps every input up to
	// the 16 MiB cap under 512 MiB (score of a 16 MiB profile peaked at
	// 387-522 MB without it, 386-402 MB with it) and the whole-package
	// kernel analysis at 452 MB instead of 555, in the same time.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memLimit)
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	var exiting sync.Mutex // one of main and the watchdog reports and exits
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		in := cli.Interrupted{Signal: (<-sigs).(syscall.Signal)}
		cancel(in)
		// Code that does not look at ctx (a decoder, the kernel analysis)
		// is not waited for beyond grace; a second signal ends it at once.
		second := false
		select {
		case <-sigs:
			second = true
		case <-time.After(grace):
		}
		if !second && !hostguard.Wait(hostGrace, sigs) {
			fmt.Fprintln(os.Stderr, "sysweight: exiting before the host was put back; sysweight trace or passthrough's next run removes what is left")
		}
		exiting.Lock()
		fmt.Fprintln(os.Stderr, "sysweight: "+in.Error())
		os.Exit(in.ExitCode())
	}()
	code := cli.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	exiting.Lock()
	os.Exit(code)
}
