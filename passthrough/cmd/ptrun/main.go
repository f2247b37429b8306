// Command ptrun runs one pass-through experiment and writes its matrix and
// exposure; a stand-in for `sysweight passthrough` until the CLI wires it.
//
//	ptrun -runtime runc-docker -probe bin/sysweight-probe -out runtimes/data/measured [-syscalls a,b]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"sysweight/passthrough"
)

func main() {
	rt := flag.String("runtime", "", strings.Join(passthrough.Runtimes(), "|"))
	probe := flag.String("probe", "", "static sysweight-probe binary")
	out := flag.String("out", ".", "output directory")
	only := flag.String("syscalls", "", "comma-separated syscalls (default all)")
	podman := flag.String("podman-profile", "", "Podman seccomp profile JSON")
	work := flag.String("workdir", "", "directory for bundles and runtime state (default $TMPDIR)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opts := passthrough.Options{Runtime: *rt, Probe: *probe, PodmanProfile: *podman, WorkDir: *work, Log: os.Stderr}
	if *only != "" {
		opts.Syscalls = strings.Split(*only, ",")
	}
	m, err := passthrough.Run(ctx, opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ptrun:", err)
		os.Exit(1)
	}
	mp, ep, err := passthrough.WriteFiles(*out, m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ptrun:", err)
		os.Exit(1)
	}
	yes := 0
	for _, c := range m.Calls {
		if c.Reached == passthrough.Yes {
			yes++
		}
	}
	fmt.Printf("%s: %d calls, %d reached the host as themselves, %d host syscalls in windows, %d in the run, lost %d, %.1fs\n%s\n%s\n",
		m.Runtime, len(m.Calls), yes, len(m.WindowHost), len(m.RunHost), m.Lost, m.WallSeconds, mp, ep)
}
