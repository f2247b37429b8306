// Command sysweight measures how much weighted host-kernel attack surface a
// container runtime exposes. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"sysweight/internal/cli"
)

func main() {
	// A short-lived command that allocates a few tens of MB decoding its
	// embedded data: collecting garbage less often saves a third of the
	// CPU time of compare.
	debug.SetGCPercent(400)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
