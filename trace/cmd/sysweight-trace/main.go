// Command sysweight-trace is a temporary stand-alone front end to package
// trace, for scripts/bench-trace.sh, until `sysweight trace` exists:
//
//	sysweight-trace [-backend ebpf|tracefs|auto] [-args] (-pid PID | -- CMD ARGS...)
//
// It prints one JSON object: backend, counts by syscall name, lost, other,
// untracked, root pid, exit code and duration. The traced command's output
// goes to this program's stdout and stderr.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"sysweight/trace"
)

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

type output struct {
	Backend   string            `json:"backend"`
	Method    string            `json:"method"`
	Counts    map[string]uint64 `json:"counts"`
	Total     uint64            `json:"total"`
	Lost      uint64            `json:"lost"`
	Other     uint64            `json:"other"`
	Untracked uint64            `json:"untracked"`
	Root      int               `json:"root"`
	ExitCode  int               `json:"exit_code"`
	Seconds   float64           `json:"seconds"`
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("sysweight-trace", flag.ContinueOnError)
	fl.SetOutput(stderr)
	pid := fl.Int("pid", 0, "trace this running process and its descendants")
	backend := fl.String("backend", trace.BackendAuto, "ebpf, tracefs or auto")
	dur := fl.Duration("duration", 0, "stop after this long (0: when the process exits)")
	out := fl.String("o", "", "write the JSON here instead of stdout")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	ctx, stop := trace.NotifyContext(context.Background())
	defer stop()
	res, err := trace.Run(ctx, trace.Options{
		PID: *pid, Cmd: fl.Args(), Backend: *backend, Duration: *dur,
		Stdin: stdin, Stdout: stdout, Stderr: stderr,
	})
	if err != nil {
		fmt.Fprintln(stderr, "sysweight-trace:", err)
		return 1
	}
	names, err := res.ByName()
	if err != nil {
		fmt.Fprintln(stderr, "sysweight-trace:", err)
		return 1
	}
	b, err := json.MarshalIndent(output{
		Backend: res.Backend, Method: res.Method, Counts: names, Total: res.Total(), Lost: res.Lost, Other: res.Other,
		Untracked: res.Untracked, Root: res.Root, ExitCode: res.ExitCode, Seconds: res.Duration.Seconds(),
	}, "", "  ")
	if err != nil {
		fmt.Fprintln(stderr, "sysweight-trace:", err)
		return 1
	}
	w := stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintln(stderr, "sysweight-trace:", err)
			return 1
		}
		defer f.Close()
		w = f
	}
	fmt.Fprintf(w, "%s\n", b)
	return 0
}
