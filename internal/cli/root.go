// Package cli implements the sysweight commands: one file per command, each
// with its options, a New…Cmd constructor, a run… function and a present…
// function that writes to an io.Writer.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"sysweight/internal/infile"
	"sysweight/report"
	"sysweight/score"
	"sysweight/seccomp"
	"sysweight/vuln/db"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1 // the environment failed (network, permissions, a runtime)
	exitInput   = 2 // bad input or usage
	exitGate    = 3 // lint: a CI gate failed (--fail-above, --fail-on-excess)
)

// exitStatus makes Main return this status and print nothing: trace passes
// on its command's exit status.
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// envError marks failures of the environment rather than of the input.
type envError struct{ err error }

func (e envError) Error() string { return e.err.Error() }
func (e envError) Unwrap() error { return e.err }

// globalOptions are the flags every command shares.
type globalOptions struct {
	dbPath string
	alpha  string
	norm   string
	format string
}

func (o *globalOptions) addFlags(cmd *cobra.Command) {
	f := cmd.PersistentFlags()
	f.StringVar(&o.dbPath, "db", "", "weight DB file (default: the embedded DB)")
	f.StringVar(&o.alpha, "alpha", "", "metric coefficients from 0 to 1e6, e.g. cves=1,severity=2 (default: 1 for every metric)")
	f.StringVar(&o.norm, "norm", "log", "normalisation of each metric: log (log(1+x)/log(1+max)), linear (x/max) or rank")
	f.StringVarP(&o.format, "format", "o", "table", "output format: table, json, csv or markdown")
}

func (o *globalOptions) outputFormat() (report.Format, error) {
	return report.ParseFormat(o.format)
}

func (o *globalOptions) loadDB() (*db.DB, error) {
	if o.dbPath == "" {
		return db.Default()
	}
	f, err := infile.Open(o.dbPath)
	if err != nil {
		return nil, fmt.Errorf("--db: %w", err)
	}
	defer f.Close()
	d, err := db.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.dbPath, err)
	}
	return d, nil
}

// dbError names the --db file in an error found in its records after
// loadDB (the CVE records decode on first use).
func (o *globalOptions) dbError(err error) error {
	if err == nil || o.dbPath == "" {
		return err
	}
	return fmt.Errorf("%s: %w", o.dbPath, err)
}

func (o *globalOptions) scoreOptions() (score.Options, error) {
	so := score.DefaultOptions()
	n, err := score.ParseNorm(o.norm)
	if err != nil {
		return so, fmt.Errorf("--norm: %w", err)
	}
	so.Norm = n
	if err := so.ParseAlpha(o.alpha); err != nil {
		return so, fmt.Errorf("--alpha: %w", err)
	}
	return so, nil
}

// loadWeights loads the DB and computes the weights for a target running
// kernel k. When k is the release the DB's kernel metrics come from, the
// syscalls that kernel lacks (meta.kernel_absent) weigh 0 and expose
// nothing; for another release, whose syscall table the DB does not know,
// every syscall of the table counts, and warn says so (for stderr, once the
// arguments are known to be good).
func (o *globalOptions) loadWeights(k seccomp.KernelVersion) (d *db.DB, w *score.Weights, warn string, err error) {
	d, err = o.loadDB()
	if err != nil {
		return nil, nil, "", err
	}
	so, err := o.scoreOptions()
	if err != nil {
		return nil, nil, "", err
	}
	t, err := tableOf(d)
	if err != nil {
		return nil, nil, "", err
	}
	raw, err := score.RawOf(d)
	if err != nil {
		return nil, nil, "", o.dbError(err)
	}
	switch rel := d.Meta.KernelRelease; {
	case rel == k.String():
		raw.Release, raw.Absent = rel, d.Meta.KernelAbsent
	case rel != "" && len(d.Meta.KernelAbsent) > 0:
		warn = fmt.Sprintf("sysweight: warning: kernel %s: the weight DB knows the syscall table of %s only; the %d syscalls %s lacks (%s, …) count as present\n",
			k, rel, len(d.Meta.KernelAbsent), rel, strings.Join(d.Meta.KernelAbsent[:min(3, len(d.Meta.KernelAbsent))], ", "))
	}
	w, err = score.NewWeights(t, raw, so)
	if err != nil {
		return nil, nil, "", o.dbError(err)
	}
	return d, w, warn, nil
}

// NewRootCmd builds the command tree.
func NewRootCmd(stdout, stderr io.Writer) *cobra.Command {
	g := &globalOptions{}
	root := &cobra.Command{
		Use:   "sysweight",
		Short: "Weigh the host-kernel attack surface a container runtime exposes",
		Long: `sysweight weights each host syscall by evidence about its kernel code (kernel
CVEs and their CVSS scores, public exploits, complexity of the code it reaches)
and adds up the weights of the syscalls a runtime configuration lets reach the
host kernel.

Score(R) = Σ_s e_R(s)·w(s), where e_R(s) in [0,1] is the degree of exposure of
syscall s under configuration R and w(s) = Σ_k α_k·norm_k(s).

Exit status: 0; 1 when the environment failed (network, permissions, a
runtime); 2 for bad input or usage (one line naming the input; an input
must be a regular file, not a FIFO, device or socket); 3 when a gate of
lint fails (--fail-above, --fail-on-excess); 130 after SIGINT
and 143 after SIGTERM, with nothing written. A command that has not
stopped within a second of the signal, or a second signal, ends the
process at once. trace -- CMD exits with CMD's status, as time and strace
do.

Output (-o): table prints summary lines above or below the rows; markdown
gives them as paragraphs beside the table; csv holds the header and the rows
only, for programs; json is each command's own value (see its --help).

A RUNTIME|PROFILE argument is a built-in's name (sysweight runtimes), a
profile file, resolved for --caps and --kernel, or an exposure file that
trace --out, passthrough or exposure -o json wrote, taken as it is. --caps
is the target's whole capability set: it replaces Docker's 14 defaults
rather than adding to them.
Both flags apply to profile files only: given with built-ins alone they are
an error, beside a profile file a warning. A profile's syscall names of other
architectures (socketcall, chown32) are left out as runc leaves them out; a
name no Linux architecture has (a typo) is left out with a warning on stderr.`,
		Example: `  sysweight compare
  sysweight compare runc-docker gvisor-systrap -o json
  sysweight explain keyctl
  sysweight exposure runc-docker
  sysweight score ./my-profile.json --caps CAP_SYS_ADMIN   # CAP_SYS_ADMIN alone, not Docker's 14 + 1
  sysweight exposure ./my-profile.json --arch aarch64      # aarch64 syscalls; weights: x86-64 evidence by name`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	g.addFlags(root)
	root.AddCommand(
		newCompareCmd(g),
		newReportCmd(g),
		newScoreCmd(g),
		newExposureCmd(g),
		newDiffCmd(g),
		newWeightsCmd(g),
		newExplainCmd(g),
		newRuntimesCmd(g),
		newDBCmd(g),
		newTraceCmd(g),
		newDumpCmd(g),
		newPassthroughCmd(g),
		newKernelCmd(g),
		newCleanupCmd(g),
		newK8sCmd(g),
		newLintCmd(g),
		newSuggestCmd(g),
		newHistoryCmd(g),
	)
	requireLinux(root, runtime.GOOS)
	return root
}

// Interrupted is the cause of a context cancelled by a signal (main's
// handler): a command that sees it stops and writes nothing, and Main
// returns ExitCode whatever the command returned.
type Interrupted struct{ Signal syscall.Signal }

func (e Interrupted) Error() string {
	switch e.Signal {
	case syscall.SIGINT:
		return "interrupted by SIGINT"
	case syscall.SIGTERM:
		return "interrupted by SIGTERM"
	}
	return "interrupted by signal " + e.Signal.String()
}

// ExitCode is 128 + the signal number, as a shell reports a process the
// signal killed: 130 for SIGINT, 143 for SIGTERM.
func (e Interrupted) ExitCode() int { return 128 + int(e.Signal) }

// Main runs sysweight with args and returns the exit status. Errors are one
// line on stderr: status 2 for bad input or usage, 1 for failures of the
// environment, 128+n when ctx was cancelled with Interrupted (signal n).
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := NewRootCmd(&ctxWriter{ctx: ctx, w: stdout}, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	var in Interrupted
	if errors.As(context.Cause(ctx), &in) {
		fmt.Fprintln(stderr, "sysweight: "+in.Error())
		return in.ExitCode()
	}
	if err == nil {
		return exitOK
	}
	var es exitStatus
	if errors.As(err, &es) {
		return int(es)
	}
	msg := strings.ReplaceAll(err.Error(), "\n", " ")
	fmt.Fprintln(stderr, "sysweight: "+msg)
	var ee envError
	if errors.As(err, &ee) {
		return exitFailure
	}
	return exitInput
}

// ctxWriter stops writing once ctx is cancelled, so an interrupted command
// prints nothing more, even if it reaches its present step.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c *ctxWriter) Write(p []byte) (int, error) {
	if c.ctx.Err() != nil {
		return 0, context.Cause(c.ctx)
	}
	return c.w.Write(p)
}
