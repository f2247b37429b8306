package cli

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"sysweight/exposure"
	"sysweight/report"
	"sysweight/runtimes"
	"sysweight/syscalls"
)

type exposureOptions struct {
	profileOptions
	all bool
}

func newExposureCmd(g *globalOptions) *cobra.Command {
	o := &exposureOptions{}
	cmd := &cobra.Command{
		Use:   "exposure RUNTIME|PROFILE",
		Short: "Print the degree of exposure of each syscall, with the rule conditions",
		Long: `Print, per syscall that reaches the host, its degree of exposure: 1 when
the rules let it through unconditionally, the fraction of the argument corpus
they let through when they test arguments (with the conditions), 0 (not
listed unless --all) when it never reaches the host. The conditions are the
rules that allow the syscall and the blocking rules that test arguments:
where a blocking rule matches it wins over an allow, as in the kernel
("arg2 & 0x4 == 0x4 → kill_process; always → allow" lets mprotect through
only without PROT_EXEC). When the target kernel is the weight DB's (6.1), a
line above the table names the syscalls let through that it lacks
(cachestat, mseal, …): they reach no syscall code there and score 0.

JSON output: {"name", "arch", "provenance", "entries": [{"syscall", "nr",
"degree", "conditions", "via"}]}; the entries are those the table lists,
every syscall of the table with --all.`,
		Example: `  sysweight exposure runc-docker
  sysweight exposure kata-firecracker -o csv
  sysweight exposure ./profile.json --caps CAP_SYS_ADMIN   # that capability alone`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runExposure(g, o, args[0], cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	o.profileOptions.addFlags(cmd)
	cmd.Flags().BoolVar(&o.all, "all", false, "list syscalls with degree 0 too")
	return cmd
}

func runExposure(g *globalOptions, o *exposureOptions, arg string, w, stderr io.Writer) error {
	format, err := g.outputFormat()
	if err != nil {
		return err
	}
	items, err := o.resolve([]string{arg}, stderr)
	if err != nil {
		return err
	}
	exps, err := runtimes.Evaluate(o.mustArch(), items)
	if err != nil {
		return err
	}
	// the syscalls the target kernel lacks, when the DB knows its table
	tgt, err := o.target()
	if err != nil {
		return err
	}
	d, err := g.loadDB()
	if err != nil {
		return err
	}
	var lacks []string
	if d.Meta.KernelRelease == tgt.Kernel.String() {
		for _, n := range d.Meta.KernelAbsent {
			if exps[0].Degree(n) > 0 {
				lacks = append(lacks, n)
			}
		}
	}
	return presentExposure(w, format, exps[0], o.all, d.Meta.KernelRelease, lacks)
}

// presentExposure prints e; lacks are the syscalls it lets through that
// the target kernel (release) lacks.
func presentExposure(w io.Writer, f report.Format, e *exposure.Exposure, all bool, release string, lacks []string) error {
	entries := e.Entries
	if all {
		entries = nil
		for _, s := range mustTable(e).All() {
			en, ok := e.Entry(s.Name)
			if !ok {
				en = exposure.Entry{Syscall: s.Name, Nr: s.Nr}
			}
			entries = append(entries, en)
		}
	}
	if f == report.JSON {
		// The Exposure's own schema, with the entries listed above.
		return report.WriteJSON(w, struct {
			Name       string              `json:"name"`
			Arch       syscalls.Arch       `json:"arch"`
			Provenance exposure.Provenance `json:"provenance"`
			Entries    []exposure.Entry    `json:"entries"`
		}{e.Name, e.Arch, e.Provenance, entries})
	}
	t := report.Table{Header: []string{"NR", "SYSCALL", "DEGREE", "VIA", "CONDITIONS"}, Align: "rlrll"}
	for _, en := range entries {
		t.Rows = append(t.Rows, []string{strconv.Itoa(en.Nr), en.Syscall, fmtFloat(en.Degree, 3), strings.Join(en.Via, ","), strings.Join(en.Conditions, "; ")})
	}
	head := fmt.Sprintf("%s: %d syscalls pass to the host (%s; %s %s)\n", e.Name, e.Count(), e.Provenance.Source, e.Provenance.Origin, e.Provenance.Version)
	if len(lacks) > 0 {
		head += fmt.Sprintf("%d of them kernel %s lacks, so they reach no syscall code there and score 0: %s\n", len(lacks), release, strings.Join(lacks, ", "))
	}
	if err := report.WriteAbove(w, f, head+"\n"); err != nil {
		return err
	}
	return t.Write(w, f)
}
