package cli

import (
	"fmt"
	"slices"

	"github.com/spf13/cobra"
)

// linuxOnly names the commands that need a Linux host: tracefs and eBPF
// (trace), ptrace (dump), the container runtimes (passthrough), /proc and
// cgroups (cleanup). Their packages' stubs fail elsewhere too; this says so
// first, in one line, before passthrough builds a probe or cleanup looks
// for anything.
var linuxOnly = []string{"trace", "dump", "passthrough", "cleanup"}

// requireLinux makes root's linuxOnly commands fail with "trace needs
// Linux" (exit 1) when goos is not linux. Help still works.
func requireLinux(root *cobra.Command, goos string) {
	for _, c := range root.Commands() {
		if slices.Contains(linuxOnly, c.Name()) {
			c.PreRunE = needsLinux(goos)
		}
	}
}

func needsLinux(goos string) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, _ []string) error {
		if goos == "linux" {
			return nil
		}
		return envError{fmt.Errorf("%s needs Linux (running on %s)", cmd.Name(), goos)}
	}
}
