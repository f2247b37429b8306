package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"sysweight/report"
	"sysweight/trace"
)

type traceOptions struct {
	pid      int
	backend  string
	duration time.Duration
	out      string
}

// traceOutput is the JSON schema of trace.
type traceOutput struct {
	Backend   string            `json:"backend"`
	Method    string            `json:"method"`
	Sched     string            `json:"sched_method,omitempty"`
	Root      int               `json:"root"`
	Counts    map[string]uint64 `json:"counts"`
	Total     uint64            `json:"total"`
	Lost      uint64            `json:"lost"`
	Other     uint64            `json:"other"`
	Untracked uint64            `json:"untracked"`
	ExitCode  int               `json:"exit_code"`
	Signal    string            `json:"signal,omitempty"`
	Seconds   float64           `json:"seconds"`
}

func newTraceCmd(g *globalOptions) *cobra.Command {
	o := &traceOptions{}
	cmd := &cobra.Command{
		Use:   "trace (--pid PID | -- CMD [ARGS...])",
		Short: "Count the host syscalls of a process tree (observed exposure)",
		Long: `Trace the syscalls that reach the host kernel (raw_syscalls:sys_enter) from a
process and everything it forks, losslessly with eBPF tracepoints (tracefs
instance fallback, which reports dropped events). Needs root. Every exit path,
including Ctrl-C, detaches the programs and removes the tracefs instance.
Ctrl-C (SIGINT) or SIGTERM kills the command and exits 130 or 143 with
nothing written: bound a trace with --duration to keep its counts.

--out FILE writes the observed Exposure (degree 1 for each syscall seen).

exit_code is the command's exit status; when a signal killed it, exit_code
is -1 and signal names it ("SIGKILL" also when --duration ended it).

Exit status: with -- CMD, once the output is written, CMD's own exit status,
as time and strace pass it on (so 1 or 2 may be CMD's, not sysweight's): 128+n
when signal n killed it, 137 when --duration ended it. With --pid, 0. Errors
of sysweight itself exit 1 or 2, as for every command.

JSON output: {"backend", "method" (how sys_enter is hooked), "sched_method"
(how fork, exec and exit are), "root", "counts": {syscall: n}, "total", "lost",
"other", "untracked", "exit_code", "signal" (only when one killed the
command), "seconds"}`,
		Example: `  sysweight trace -- dd if=/dev/zero of=/dev/null bs=1 count=20000
  sysweight trace --pid 1234 --duration 30s -o json
  sysweight trace --out observed.json -- runc run mycontainer`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTrace(cmd, g, o, args)
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.pid, "pid", 0, "trace this running process and its descendants")
	f.StringVar(&o.backend, "backend", trace.BackendAuto, "ebpf, tracefs or auto")
	f.DurationVar(&o.duration, "duration", 0, "stop after this long (0: when the process exits)")
	f.StringVar(&o.out, "out", "", "write the observed Exposure as JSON to this file")
	return cmd
}

func runTrace(cmd *cobra.Command, g *globalOptions, o *traceOptions, args []string) error {
	format, err := g.outputFormat()
	if err != nil {
		return err
	}
	if (o.pid == 0) == (len(args) == 0) {
		return fmt.Errorf("trace needs exactly one of --pid PID or -- CMD ARGS")
	}
	if o.pid < 0 {
		return fmt.Errorf("--pid %d: want a positive process id", o.pid)
	}
	if o.duration < 0 {
		return fmt.Errorf("--duration %v: want 0 or more", o.duration)
	}
	res, err := trace.Run(cmd.Context(), trace.Options{PID: o.pid, Cmd: args, Backend: o.backend, Duration: o.duration,
		Stdin: os.Stdin, Stdout: cmd.ErrOrStderr(), Stderr: cmd.ErrOrStderr()})
	if err != nil {
		if errors.Is(err, trace.ErrOptions) || errors.Is(err, trace.ErrNoProcess) {
			return err // the flags or the PID given are the problem: exit 2
		}
		return envError{err}
	}
	if err := cmd.Context().Err(); err != nil {
		return context.Cause(cmd.Context()) // interrupted: the counts are partial, write nothing
	}
	names, err := res.ByName()
	if err != nil {
		return err
	}
	if o.out != "" {
		e, err := res.Exposure("observed")
		if err != nil {
			return err
		}
		if err := writeJSONAtomic(cmd.Context(), o.out, e); err != nil {
			return envError{err}
		}
	}
	out := traceOutput{Backend: res.Backend, Method: res.Method, Sched: res.SchedMethod, Root: res.Root, Counts: names, Total: res.Total(),
		Lost: res.Lost, Other: res.Other, Untracked: res.Untracked, ExitCode: res.ExitCode, Signal: res.Signal, Seconds: res.Duration.Seconds()}
	if err := presentTrace(cmd.OutOrStdout(), format, out); err != nil {
		return err
	}
	if s := res.Status(); s != 0 {
		return exitStatus(s) // the command's status, as time and strace pass it on
	}
	return nil
}

func presentTrace(w io.Writer, f report.Format, out traceOutput) error {
	if f == report.JSON {
		return report.WriteJSON(w, out)
	}
	names := make([]string, 0, len(out.Counts))
	for n := range out.Counts {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if out.Counts[names[i]] != out.Counts[names[j]] {
			return out.Counts[names[i]] > out.Counts[names[j]]
		}
		return names[i] < names[j]
	})
	if err := report.WriteAbove(w, f, fmt.Sprintf("%d syscalls (%d distinct) from pid %d in %.2fs via %s/%s; lost %d\n\n",
		out.Total, len(names), out.Root, out.Seconds, out.Backend, out.Method, out.Lost)); err != nil {
		return err
	}
	t := report.Table{Header: []string{"SYSCALL", "COUNT"}, Align: "lr"}
	for _, n := range names {
		t.Rows = append(t.Rows, []string{n, strconv.FormatUint(out.Counts[n], 10)})
	}
	return t.Write(w, f)
}
