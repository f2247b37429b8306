// Command genexposures writes the built-ins' exposures, evaluated over
// their shared corpus (runtimes.Exposures), to one file that
// runtimes.BuiltinExposures reads, so that a comparison of built-ins only
// needs neither the rule sets decoded nor the evaluation run.
//
// Usage (from package runtimes): go generate
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"sysweight/runtimes"
)

func main() {
	out := flag.String("out", "data/builtin-exposures.json", "output file")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "genexposures:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	exps, err := runtimes.Exposures(runtimes.Builtins())
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(runtimes.PrecomputedFile{
		Generated: "go generate ./runtimes (runtimes/internal/genexposures): runtimes.Exposures(runtimes.Builtins())",
		Exposures: runtimes.Precompute(exps),
	}, "", " ")
	if err != nil {
		return err
	}
	tmp := out + ".tmp" // as genrules and genmoby write theirs
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, out)
}
