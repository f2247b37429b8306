package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"sysweight/internal/leftovers"
	"sysweight/report"
)

type cleanupOptions struct {
	dryRun  bool
	pid     int
	workDir []string
}

// cleanupOutput is the JSON schema of cleanup.
type cleanupOutput struct {
	DryRun  bool          `json:"dry_run"`
	Items   []cleanupItem `json:"items"`
	Skipped []string      `json:"skipped"`
	Errors  []string      `json:"errors"`
}

type cleanupItem struct {
	Kind    string `json:"kind"`
	Path    string `json:"path"`
	ID      string `json:"id,omitempty"`
	Runtime string `json:"runtime,omitempty"`
	PID     int    `json:"pid"`
}

func newCleanupCmd(g *globalOptions) *cobra.Command {
	o := &cleanupOptions{}
	cmd := &cobra.Command{
		Use:   "cleanup",
		Short: "Remove what trace and passthrough runs killed by SIGKILL left on the host",
		Long: `trace and passthrough name what they create after their process:
sysweight-[pt-|probe-]PID-START-HEX, with the pid and its start time. A run
killed by SIGKILL cannot remove it; cleanup finds the items whose process is
gone (no process with that pid and start time) and removes them, in order:

  runc or crun containers in a work dir's state (runtime --root STATE delete --force)
  cgroups named by a container id, atop every cgroup v1 and v2 hierarchy (rmdir)
  work dirs in the temporary directory and --work-dir (bundle, state, probe)
  tracefs instances of trace and passthrough (tracing_on 0, rmdir)

Items of live runs are never touched. trace and passthrough do the same at
their start (trace: instances only). It needs root: without it every kind
is skipped with a reason. tracefs is not mounted for this: when it is not
mounted, instances are skipped.

One line per item: "removed KIND PATH", or "would remove KIND PATH" with
--dry-run; "nothing to clean" when there is nothing. Exit status 1 when an
item could not be removed (each failure on stderr).

JSON output: {"dry_run", "items": [{"kind", "path", "id", "runtime", "pid"}],
"skipped", "errors"}`,
		Example: `  sysweight cleanup --dry-run
  sysweight cleanup
  sysweight cleanup --pid 4242 -o json
  sysweight cleanup --work-dir /var/tmp/pt`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCleanup(cmd, g, o)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.dryRun, "dry-run", false, "list the leftovers without removing them")
	f.IntVar(&o.pid, "pid", 0, "only the leftovers of the run with this process id")
	f.StringSliceVar(&o.workDir, "work-dir", nil, "also look for work dirs here (passthrough's WorkDir); the temporary directory always")
	return cmd
}

func runCleanup(cmd *cobra.Command, g *globalOptions, o *cleanupOptions) error {
	format, err := g.outputFormat()
	if err != nil {
		return err
	}
	if o.pid < 0 {
		return fmt.Errorf("--pid %d: want a positive process id", o.pid)
	}
	s := leftovers.Scope{Dirs: append([]string{os.TempDir()}, o.workDir...), PID: o.pid}
	found, err := leftovers.Find(s)
	if err != nil {
		return envError{err}
	}
	out := cleanupOutput{DryRun: o.dryRun, Items: []cleanupItem{}, Skipped: found.Skipped, Errors: []string{}}
	var errs []error
	for _, it := range found.Items {
		if !o.dryRun {
			if err := leftovers.Remove(cmd.Context(), it); err != nil {
				errs = append(errs, err)
				out.Errors = append(out.Errors, err.Error())
				continue
			}
		}
		out.Items = append(out.Items, cleanupItem{Kind: string(it.Kind), Path: it.Path, ID: it.ID, Runtime: it.Runtime, PID: it.Owner.PID})
	}
	if err := presentCleanup(cmd.OutOrStdout(), format, out); err != nil {
		return err
	}
	if len(errs) > 0 {
		return envError{fmt.Errorf("cleanup: %d of %d items not removed: %w", len(errs), len(found.Items), errors.Join(errs...))}
	}
	return nil
}

func presentCleanup(w io.Writer, f report.Format, out cleanupOutput) error {
	if f == report.JSON {
		return report.WriteJSON(w, out)
	}
	verb := "removed"
	if out.DryRun {
		verb = "would remove"
	}
	for _, s := range out.Skipped {
		if _, err := fmt.Fprintf(w, "skipped %s\n", s); err != nil {
			return err
		}
	}
	for _, it := range out.Items {
		line := fmt.Sprintf("%s %s %s", verb, it.Kind, it.Path)
		if it.Kind == string(leftovers.Container) {
			line = fmt.Sprintf("%s %s container %s (--root %s)", verb, it.Runtime, it.ID, it.Path)
		}
		if _, err := fmt.Fprintf(w, "%s (pid %d)\n", line, it.PID); err != nil {
			return err
		}
	}
	if len(out.Items) == 0 && len(out.Errors) == 0 {
		_, err := fmt.Fprintln(w, "nothing to clean")
		return err
	}
	return nil
}
