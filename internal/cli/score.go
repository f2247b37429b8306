package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"sysweight/report"
	"sysweight/runtimes"
	"sysweight/score"
)

type scoreOptions struct {
	profileOptions
	top int
}

func newScoreCmd(g *globalOptions) *cobra.Command {
	o := &scoreOptions{}
	cmd := &cobra.Command{
		Use:   "score RUNTIME|PROFILE",
		Short: "Score one runtime or seccomp profile and show what contributes most",
		Long: `Score one built-in runtime, or a profile file (Docker/Moby JSON, OCI
config.json, Firecracker seccompiler JSON, sysweight gVisor rule set), resolved
for --caps, --kernel and --arch (x86_64 unless --arch aarch64; evaluation
only: weights are x86-64 kernel evidence looked up by name). A profile file may be up to 16 MiB, nested
at most 64 levels deep; a larger or deeper one is an error. One at the size
limit scores in about 1 s and 400 MB.

A syscall the target kernel lacks (on 6.1, the weight DB's kernel:
cachestat, mseal and the other later ones) exposes nothing and weighs 0;
"absent" counts those the profile allows. For another --kernel, whose
syscall table the DB does not know, every syscall counts (a warning says
so).

JSON output: {"runtime", "source", "score", "normalized", "exposed", "partial", "absent" (omitted when 0),
"ratio", "baseline", "top": [{"syscall", "degree", "weight", "value"}]}`,
		Example: `  sysweight score runc-docker
  sysweight score ./seccomp.json --caps CAP_SYS_ADMIN,CAP_NET_ADMIN --kernel 5.10   # these two only
  sysweight score /run/containers/bundle/config.json -o json
  sysweight score ./seccomp.json --arch aarch64   # aarch64 syscalls, x86-64 weights by name`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runScore(g, o, args[0], cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	o.profileOptions.addFlags(cmd)
	cmd.Flags().IntVar(&o.top, "top", 15, "how many top contributors to list (0: all)")
	return cmd
}

func runScore(g *globalOptions, o *scoreOptions, arg string, w, stderr io.Writer) error {
	format, err := g.outputFormat()
	if err != nil {
		return err
	}
	weights, warn, err := o.weightsBeside(g)
	if err != nil {
		return err
	}
	items, err := o.resolve([]string{arg}, stderr)
	if err != nil {
		return err
	}
	fmt.Fprint(stderr, warn)
	if arg != runtimes.Baseline {
		b, _, err := o.resolveOne(runtimes.Baseline)
		if err != nil {
			return err
		}
		items = append(items, b)
	}
	exps, err := runtimes.Evaluate(o.mustArch(), items)
	if err != nil {
		return err
	}
	scores, err := score.Compare(exps, weights, runtimes.Baseline)
	if err != nil {
		return err
	}
	return presentScore(w, format, scores[0], o.top)
}

func presentScore(w io.Writer, f report.Format, s score.Score, top int) error {
	contrib := s.Contributions
	if top > 0 && len(contrib) > top {
		contrib = contrib[:top]
	}
	if f == report.JSON {
		return report.WriteJSON(w, struct {
			score.Score
			Top []score.Contribution `json:"top"`
		}{s, contrib})
	}
	ratio := "-"
	if s.Ratio != nil {
		ratio = fmt.Sprintf("%.3f × %s", *s.Ratio, s.Baseline)
	}
	absent := ""
	if s.Absent > 0 {
		absent = fmt.Sprintf("   %d more allowed that the target kernel lacks", s.Absent)
	}
	if err := report.WriteAbove(w, f, fmt.Sprintf("%s (%s)\nscore %.2f   normalized %.3f   exposed %d syscalls (%d argument-dependent)%s   ratio %s\n\n",
		s.Runtime, s.Source, s.Score, s.Normalized, s.Exposed, s.Partial, absent, ratio)); err != nil {
		return err
	}
	t := report.Table{Header: []string{"SYSCALL", "DEGREE", "WEIGHT", "CONTRIBUTION"}, Align: "lrrr"}
	for _, c := range contrib {
		t.Rows = append(t.Rows, []string{c.Syscall, fmtFloat(c.Degree, 3), fmtFloat(c.Weight, 3), fmtFloat(c.Value, 3)})
	}
	return t.Write(w, f)
}
