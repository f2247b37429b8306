package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"sysweight/internal/infile"
	"sysweight/kernel/analysis"
	"sysweight/report"
)

type kernelReachOptions struct {
	modules string
	to      []string
	all     bool
	limit   int
}

func newKernelReachCmd(g *globalOptions) *cobra.Command {
	o := &kernelReachOptions{}
	cmd := &cobra.Command{
		Use:   "reach PACKAGE.deb|IMAGE SYSCALL...",
		Short: "List the kernel functions each syscall reaches, with a call path to each",
		Long: `Analyse a kernel — a Debian linux-image-*.deb (its vmlinuz and every module in
it), or an image with --modules DIR — and list, for each SYSCALL, the
functions it reaches through direct calls and resolved indirect calls
(function pointers in ops tables, callbacks, netlink and nfnetlink handlers,
opcode tables), with each function's module, cyclomatic complexity (CC),
depth and one shortest call path from the syscall's entry. Indirect hops in
a path say how they were resolved: "member file_operations.read_iter" (a
function-pointer member of that struct), "table io_op_defs", "param",
"downcast", "offset", "proto", "taskwork".

By default the functions listed are those counted in the syscall's reach and
complexity: shared infrastructure reached by more than half of all syscalls
(hubs: locking, allocation, scheduling, and the code every file system or
socket path can reach) is left out. --all lists the hubs too, marked.
--to FUNC lists only the functions named FUNC (or FUNC.*), hubs included:
how the syscall reaches them.

JSON (-o json): {"kernel": {"file", "sha256", "banner", "package"},
"summary": {...}, "syscalls": [{"name", "reach", "complexity", "functions":
[{"name", "module", "cc", "depth", "hub", "path": [{"func", "module",
"via"}]}]}]}; every function is listed (no --limit).`,
		Example: `  sysweight kernel reach linux-image-6.1.0-56-cloud-amd64-unsigned_6.1.192-2_amd64.deb setsockopt --to tcp_setsockopt
  sysweight kernel reach vmlinuz --modules /lib/modules/$(uname -r) sendmsg --to nf_tables_newrule
  sysweight kernel reach vmlinuz keyctl --limit 50
  sysweight kernel reach linux-image.deb read write -o json | jq '.syscalls[].reach'`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runKernelReach(g, o, args[0], args[1:], cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.modules, "modules", "", "directory of the image's modules (*.ko, *.ko.xz, *.ko.zst, *.ko.gz), searched recursively")
	f.StringSliceVar(&o.to, "to", nil, "list only the functions with these names, hubs included")
	f.BoolVar(&o.all, "all", false, "list the hubs (shared infrastructure) too")
	f.IntVar(&o.limit, "limit", 20, "functions shown per syscall in table, CSV and Markdown output (0: all)")
	return cmd
}

// reachFunction is one row of kernel reach.
type reachFunction struct {
	Name   string          `json:"name"`
	Module string          `json:"module,omitempty"`
	CC     int             `json:"cc"`
	Depth  int             `json:"depth"`
	Hub    bool            `json:"hub,omitempty"`
	Path   []analysis.Step `json:"path"`
}

type reachSyscall struct {
	Name       string          `json:"name"`
	Reach      int             `json:"reach"`
	Complexity int             `json:"complexity"`
	Functions  []reachFunction `json:"functions"`
}

type reachOutput struct {
	Kernel   analysis.Kernel  `json:"kernel"`
	Summary  analysis.Summary `json:"summary"`
	Syscalls []reachSyscall   `json:"syscalls"`
}

func runKernelReach(g *globalOptions, o *kernelReachOptions, path string, names []string, w io.Writer) error {
	format, err := g.outputFormat()
	if err != nil {
		return err
	}
	if o.limit < 0 {
		return fmt.Errorf("--limit must not be negative, got %d", o.limit)
	}
	rep, err := analyzeKernelInput(path, o.modules, analysis.Options{})
	if err != nil {
		return err
	}
	out := reachOutput{Kernel: rep.Kernel, Summary: rep.Summary}
	gr := rep.Graph()
	for _, name := range names {
		s, ok := rep.Syscall(name)
		if !ok {
			return fmt.Errorf("%q is not an x86_64 syscall with an entry point in %s", name, rep.Kernel.File)
		}
		row := reachSyscall{Name: name, Reach: s.Reach, Complexity: s.Complexity}
		wk := gr.Walk(name)
		if wk == nil {
			out.Syscalls = append(out.Syscalls, row) // not implemented
			continue
		}
		var want map[int]bool
		if len(o.to) > 0 {
			want = map[int]bool{}
			for _, fn := range o.to {
				for _, f := range gr.Lookup(fn) {
					want[f] = true
				}
			}
		}
		for _, r := range wk.Functions() {
			switch {
			case want != nil && !want[r.Func]:
				continue
			case want == nil && r.Hub && !o.all:
				continue
			}
			row.Functions = append(row.Functions, reachFunction{Name: gr.Name(r.Func), Module: gr.Module(r.Func),
				CC: gr.CC(r.Func), Depth: r.Depth, Hub: r.Hub, Path: wk.Path(r.Func)})
		}
		out.Syscalls = append(out.Syscalls, row)
	}
	return presentKernelReach(w, format, &out, o.limit, len(o.to) > 0)
}

func presentKernelReach(w io.Writer, f report.Format, out *reachOutput, limit int, to bool) error {
	if f == report.JSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	s := out.Summary
	note := fmt.Sprintf("%s: %d functions (%d in %d modules), %d hubs\n", out.Kernel.File, s.Functions, s.ModuleFunctions, s.Modules, s.Hubs)
	t := report.Table{Header: []string{"SYSCALL", "FUNCTION", "MODULE", "CC", "DEPTH", "PATH"}, Align: "llllrrl"}
	for _, sc := range out.Syscalls {
		note += fmt.Sprintf("%s: reach %d, complexity %d\n", sc.Name, sc.Reach, sc.Complexity)
		fns := sc.Functions
		if limit > 0 && len(fns) > limit {
			fns = fns[:limit]
		}
		if len(sc.Functions) == 0 && to {
			t.Rows = append(t.Rows, []string{sc.Name, "(not reached)", "", "", "", ""})
		}
		for _, fn := range fns {
			name := fn.Name
			if fn.Hub {
				name += " (hub)"
			}
			t.Rows = append(t.Rows, []string{sc.Name, name, fn.Module, strconv.Itoa(fn.CC), strconv.Itoa(fn.Depth), pathText(fn.Path)})
		}
	}
	if err := report.WriteAbove(w, f, note); err != nil {
		return err
	}
	return t.Write(w, f)
}

// pathText writes a call path with its indirect hops: a → b →[member
// file_operations.read_iter] c [nf_tables].
func pathText(p []analysis.Step) string {
	var b strings.Builder
	for i, s := range p {
		if i > 0 {
			if s.Via != "" {
				b.WriteString(" →[" + s.Via + "] ")
			} else {
				b.WriteString(" → ")
			}
		}
		b.WriteString(s.Func)
		if s.Module != "" {
			b.WriteString(" [" + s.Module + "]")
		}
	}
	return b.String()
}

// analyzeKernelInput analyses a Debian kernel package (its image and
// modules), or an image with the modules of modulesDir when given.
func analyzeKernelInput(path, modulesDir string, opt analysis.Options) (*analysis.Report, error) {
	// kernel/analysis opens these itself: refuse a FIFO or a device here.
	if err := infile.Check(path, false); err != nil {
		return nil, err
	}
	if modulesDir != "" {
		if err := infile.CheckDir(modulesDir); err != nil {
			return nil, fmt.Errorf("--modules: %w", err)
		}
	}
	return analysis.AnalyzePath(path, modulesDir, opt)
}
