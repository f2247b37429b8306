// Command gvisor-rules extracts gVisor's own host seccomp rules, for the
// Sentry and the Gofer, from the gVisor module pinned in go.mod, and writes
// one JSON file per runsc configuration (see Variants) for
// sysweight/seccomp.DecodeGVisor.
//
// It lives in its own module so that the main module never imports gVisor.
// Regenerate with
//
//	cd tools/gvisor-rules && go generate
//
// which runs `go run . -out ../../runtimes/data/gvisor`. The output is
// deterministic: no clock, no host values (runtime variables such as the
// Sentry's PID are widened and listed under "approximations").
package main

//go:generate go run . -out ../../runtimes/data/gvisor

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

func main() {
	if probeMain() {
		return
	}
	out := flag.String("out", "", "directory to write <variant>.json files into")
	history := flag.String("history", "", "a versions file: write each version's rules with runsc's defaults (VERSION.json) into -out instead (see history.go)")
	work := flag.String("work", filepath.Join(os.TempDir(), "gvisor-rules-history"), "with -history: where each version's module is built")
	flag.Parse()
	if *out == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: gvisor-rules -out DIR [-history VERSIONS [-work DIR]]")
		os.Exit(2)
	}
	run := run
	if *history != "" {
		run = func(out string, log io.Writer) error { return runHistory(*history, out, *work, log) }
	}
	if err := run(*out, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gvisor-rules:", err)
		os.Exit(1)
	}
}

func run(dir string, log io.Writer) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, v := range Variants {
		f, err := Generate(v)
		if err != nil {
			return err
		}
		b, err := Marshal(f)
		if err != nil {
			return fmt.Errorf("%s: %w", v.Name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, v.Name+".json"), b, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(log, "%s: sentry %d allowed syscalls, gofer %d, %d approximations\n",
			v.Name, f.Filters[0].NumAllow, f.Filters[1].NumAllow, len(f.Approx))
	}
	return nil
}
