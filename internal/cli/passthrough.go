package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"sysweight/internal/infile"
	"sysweight/internal/leftovers"
	"sysweight/passthrough"
	"sysweight/report"
)

type passthroughOptions struct {
	runtime       string
	syscalls      []string
	probe         string
	out           string
	podmanProfile string
}

func newPassthroughCmd(g *globalOptions) *cobra.Command {
	o := &passthroughOptions{}
	cmd := &cobra.Command{
		Use:   "passthrough --runtime RUNTIME",
		Short: "Run the syscall probe inside a real runtime while tracing the host (pass-through matrix)",
		Long: `Build a bundle with the static sysweight-probe, run it in the runtime, and
trace the host: per guest syscall, whether it reached the host kernel as
itself and which host syscalls it induced. Writes RUNTIME.json (the matrix)
and RUNTIME.exposure.json (the measured Exposure, "RUNTIME@measured") to
--out. Needs root and the runtime (scripts/install-runtimes.sh installs
them). Ctrl-C stops the runtime and removes its state, bundle and tracefs
instance, then exits 130 with nothing written; sysweight waits up to 30 s
for that cleanup (runc-docker's takes about 0.15 s), and a second Ctrl-C
exits at once. After SIGKILL the runtime gets SIGKILL too (parent-death
signal), and the next passthrough or sysweight cleanup removes what is left. qemu-tcg results are TCG measurements and labelled so.
A measurement of RUNTIME is the built-in RUNTIME@measured (sysweight
runtimes): the same names everywhere.

Runtimes: ` + strings.Join(passthrough.Runtimes(), ", ") + `

JSON output: {"runtime", "matrix", "exposure", "reached", "exposed"}`,
		Example: `  CGO_ENABLED=0 go build -o bin/sysweight-probe ./cmd/sysweight-probe
  sysweight passthrough --runtime runc-docker --probe bin/sysweight-probe
  sysweight passthrough --runtime gvisor-systrap --syscalls getpid,read,keyctl,bpf --out /tmp/pt`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPassthrough(cmd, g, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.runtime, "runtime", "", "runtime to measure (required)")
	f.StringSliceVar(&o.syscalls, "syscalls", nil, "limit the probe to these syscalls (default: the whole x86_64 table)")
	f.StringVar(&o.probe, "probe", "", "static sysweight-probe binary (default: sysweight-probe beside this executable, else built with go from the module source this binary was built from, from any directory)")
	f.StringVar(&o.out, "out", ".", "output directory")
	f.StringVar(&o.podmanProfile, "podman-profile", "../shared/data/seccomp-profiles/podman-containers-common-2025-08-25.json",
		"Podman's seccomp profile, for crun-podman")
	return cmd
}

func runPassthrough(cmd *cobra.Command, g *globalOptions, o *passthroughOptions) error {
	format, err := g.outputFormat()
	if err != nil {
		return err
	}
	if now, ok := passthrough.Renamed[o.runtime]; ok {
		return fmt.Errorf("--runtime %s: renamed %s, as the built-ins name it (its measurement is %s@measured)", o.runtime, now, now)
	}
	if !slices.Contains(passthrough.Runtimes(), o.runtime) { // before building a probe for nothing
		return fmt.Errorf("passthrough needs --runtime, one of %s (got %q)", strings.Join(passthrough.Runtimes(), ", "), o.runtime)
	}
	if o.probe != "" {
		if err := infile.Check(o.probe, false); err != nil {
			return fmt.Errorf("--probe: %w", err)
		}
	}
	probe := o.probe
	if probe == "" {
		if exe, err := os.Executable(); err == nil {
			if p := filepath.Join(filepath.Dir(exe), "sysweight-probe"); fileExists(p) {
				probe = p
			}
		}
	}
	if probe == "" {
		// named after this process, so that sysweight cleanup can tell it
		// is left over once the process is gone
		dir := filepath.Join(os.TempDir(), leftovers.NewName(leftovers.Probe, leftovers.Self()))
		if err := os.Mkdir(dir, 0o700); err != nil {
			return envError{err}
		}
		defer os.RemoveAll(dir)
		if probe, err = passthrough.BuildProbe(cmd.Context(), "", dir); err != nil {
			return envError{fmt.Errorf("building the probe (pass --probe): %w", err)}
		}
	}
	m, err := passthrough.Run(cmd.Context(), passthrough.Options{Runtime: o.runtime, Syscalls: o.syscalls, Probe: probe,
		PodmanProfile: o.podmanProfile, Log: cmd.ErrOrStderr()})
	if err != nil {
		if errors.Is(err, passthrough.ErrOptions) || errors.Is(err, passthrough.ErrUnknownRuntime) {
			return err
		}
		return envError{err}
	}
	if err := cmd.Context().Err(); err != nil {
		return context.Cause(cmd.Context()) // interrupted: write nothing
	}
	mp, ep, err := passthrough.WriteFiles(o.out, m)
	if err != nil {
		return envError{err}
	}
	e, err := m.Exposure()
	if err != nil {
		return err
	}
	return presentPassthrough(cmd.OutOrStdout(), format, o.runtime, mp, ep, e.Count())
}

func presentPassthrough(w io.Writer, f report.Format, rt, matrix, exp string, exposed int) error {
	if f == report.JSON {
		return report.WriteJSON(w, map[string]any{"runtime": rt, "matrix": matrix, "exposure": exp, "exposed": exposed})
	}
	_, err := fmt.Fprintf(w, "%s: %d host syscalls measured; matrix %s, exposure %s\n", rt, exposed, matrix, exp)
	return err
}
