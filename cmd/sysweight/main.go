// Command sysweight measures how much weighted host-kernel attack surface a
// container runtime exposes. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"sysweight/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
