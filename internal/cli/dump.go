package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"sysweight/bpf"
	"sysweight/exposure"
	"sysweight/report"
	"sysweight/runtimes"
	"sysweight/syscalls"
)

type dumpOptions struct {
	disasm bool
	out    string
}

// dumpOutput is the JSON schema of dump.
type dumpOutput struct {
	PID     int              `json:"pid"`
	Filters []dumpFilter     `json:"filters"`
	Threads []bpf.Thread     `json:"threads"`
	Exposed int              `json:"exposed"`
	Entries []exposure.Entry `json:"entries"`
}

type dumpFilter struct {
	Index        int      `json:"index"`
	Instructions int      `json:"instructions"`
	TIDs         []int    `json:"tids"`
	Disassembly  []string `json:"disassembly,omitempty"`
}

func newDumpCmd(g *globalOptions) *cobra.Command {
	o := &dumpOptions{}
	cmd := &cobra.Command{
		Use:   "dump PID",
		Short: "Dump the seccomp filters installed in a process and evaluate them (installed exposure)",
		Long: `Dump every seccomp filter of every thread of PID (ptrace
PTRACE_SECCOMP_GET_FILTER; needs root or CAP_SYS_ADMIN), validate each classic
BPF program as the kernel does, and run it over the argument corpus to give
the installed exposure. The corpus is the built-ins' plus, per syscall and
argument, every constant the dumped programs test that argument against
(with both sides of each boundary), so a degree comes from the filter
itself: one that refuses unshare(CLONE_NEWUSER) exposes unshare for the
flags without that bit only. The process is left running.

JSON output: {"pid", "filters": [{"index", "instructions", "tids",
"disassembly"}], "threads": [{"TID", "Stack"}], "exposed", "entries":
[{"syscall", "nr", "degree", "via"}]}`,
		Example: `  sysweight dump $(pgrep -f 'runc init' | head -1)
  sysweight dump 4242 --disasm
  sysweight dump 4242 --out installed.json -o json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDump(cmd.Context(), g, o, args[0], cmd.OutOrStdout())
		},
	}
	cmd.Flags().BoolVar(&o.disasm, "disasm", false, "print each filter's disassembly")
	cmd.Flags().StringVar(&o.out, "out", "", "write the installed Exposure as JSON to this file")
	return cmd
}

func runDump(ctx context.Context, g *globalOptions, o *dumpOptions, arg string, w io.Writer) error {
	format, err := g.outputFormat()
	if err != nil {
		return err
	}
	pid, err := strconv.Atoi(arg)
	if err != nil || pid <= 0 {
		return fmt.Errorf("dump %q: want a process id", arg)
	}
	d, err := bpf.DumpProcess(pid)
	if err != nil {
		if errors.Is(err, bpf.ErrNoFilter) || errors.Is(err, bpf.ErrExited) {
			return err // the PID given is the problem: exit 2
		}
		return envError{err}
	}
	corpus, err := runtimes.Corpus(syscalls.X86_64)
	if err != nil {
		return err
	}
	// the constants the installed BPF tests arguments against, which no
	// built-in rule may name: degrees come from the filter itself
	stacks, _ := d.Stacks()
	corpus = corpus.With(exposure.BPFConstants(syscalls.X86_64, stacks))
	e, err := exposure.FromDump(fmt.Sprintf("pid %d", pid), syscalls.X86_64, d, corpus)
	if err != nil {
		return err
	}
	if o.out != "" {
		if err := writeJSONAtomic(ctx, o.out, e); err != nil {
			return envError{err}
		}
	}
	out := dumpOutput{PID: pid, Threads: d.Threads, Exposed: e.Count(), Entries: e.Entries}
	for i, f := range d.Filters {
		df := dumpFilter{Index: i, Instructions: len(f.Insns), TIDs: f.TIDs}
		if o.disasm || format == report.JSON {
			df.Disassembly = bpf.Disassemble(f.Insns, syscalls.MustForArch(syscalls.X86_64))
		}
		out.Filters = append(out.Filters, df)
	}
	if format == report.JSON {
		return report.WriteJSON(w, out)
	}
	var note strings.Builder
	fmt.Fprintf(&note, "pid %d: %d distinct filters over %d threads; %d syscalls reach the kernel\n", pid, len(d.Filters), len(d.Threads), e.Count())
	for _, f := range out.Filters {
		fmt.Fprintf(&note, "filter %d: %d instructions, threads %v\n", f.Index, f.Instructions, f.TIDs)
		if o.disasm && format == report.Text { // a listing, not a paragraph
			fmt.Fprintln(&note, "  "+strings.Join(f.Disassembly, "\n  "))
		}
	}
	if err := report.WriteAbove(w, format, note.String()+"\n"); err != nil {
		return err
	}
	t := report.Table{Header: []string{"NR", "SYSCALL", "DEGREE"}, Align: "rlr"}
	for _, en := range e.Entries {
		t.Rows = append(t.Rows, []string{strconv.Itoa(en.Nr), en.Syscall, fmtFloat(en.Degree, 3)})
	}
	return t.Write(w, format)
}
