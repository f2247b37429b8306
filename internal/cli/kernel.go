package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"sysweight/internal/infile"
	"sysweight/kernel/analysis"
	"sysweight/kernel/kallsyms"
	"sysweight/report"
)

type kernelAnalyzeOptions struct {
	modules     string
	timing      bool
	symbols     string
	dwarf       string
	saveFileMap string
	out         string
	pkg         string
	functions   bool
	only        []string
	hubFraction float64
	top         int
}

func newKernelCmd(g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "kernel",
		Short: "Measure a kernel image: per-syscall reach and complexity",
		Args:  cobra.NoArgs, // "kernel bogus" is a usage error (exit 2), not a request for help
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newKernelAnalyzeCmd(g), newKernelReachCmd(g))
	return cmd
}

func newKernelAnalyzeCmd(g *globalOptions) *cobra.Command {
	o := &kernelAnalyzeOptions{}
	cmd := &cobra.Command{
		Use:   "analyze PACKAGE.deb|IMAGE",
		Short: "Disassemble a kernel and report each syscall's reach and complexity",
		Long: `Analyze an x86-64 kernel: a Debian linux-image-*.deb (its boot/vmlinuz-* and
every module under lib/modules, .ko, .ko.xz, .ko.zst or .ko.gz), or an image
(a bzImage such as /boot/vmlinuz-*, a compressed or plain vmlinux ELF), with
--modules DIR for its modules. Decode every function, compute its McCabe
cyclomatic complexity (CC), build the call graph — direct calls, and indirect
calls resolved by the type of what holds the function pointer (ops-table
members, callbacks, tables; see "sysweight kernel reach") — and, for every
syscall with an entry point (__x64_sys_*), count the functions it reaches
(reach) and sum their CC (complexity). Functions reached by more than
--hub-fraction of the syscalls are hubs (locking, allocation, scheduling, and
the code every file system or socket path can reach) and are left out of
reach and complexity; reach_all and complexity_all keep them. Crash paths
(panic, __stack_chk_fail and other functions that never return, but for
do_exit) are not followed.

Symbols come from the image's .symtab, or from the kernel's own kallsyms
tables when the image is stripped, or from --symbols (a System.map or a
/proc/kallsyms of the same build, moved back by its KASLR slide).

--dwarf reads the -dbg vmlinux's DWARF to give each function its source
file (listed with --functions; the weight DB's file attribution uses it);
--save-filemap keeps that mapping in a small file that --dwarf also accepts.

--out writes the report as JSON (atomically), whatever -o says. JSON schema:
{"analysis_version", "arch", "kernel": {"file", "sha256", "banner",
"package"}, "symbol_source", "summary": {"functions", "syscalls",
"not_implemented", "missing", "hubs", "hub_fraction", "indirect_calls",
"undecoded_bytes", "modules", "module_functions", "unresolved_symbols",
"indirect": {"sites", "resolved": {rule: count}, "unresolved", "edges",
"address_taken", "with_signature", "func_objects", "typed_objects"}},
"syscalls": [{"name", "entry", "not_implemented",
"reach", "complexity", "reach_all", "complexity_all", "shared",
"indirect_calls", "top": [{"name", "cc"}]}], "functions": [{"name", "addr",
"cc", "hub", "syscalls", "file"}] (with --functions)}`,
		Example: `  sysweight kernel analyze linux-image-6.1.0-56-cloud-amd64-unsigned_6.1.192-2_amd64.deb --timing
  sysweight kernel analyze /boot/vmlinuz-$(uname -r) --modules /lib/modules/$(uname -r)
  sysweight kernel analyze vmlinuz-6.1.0-56-cloud-amd64 --syscalls keyctl,bpf,setsockopt
  sysweight kernel analyze vmlinuz --symbols System.map --out kernel.json -o csv
  sysweight kernel analyze vmlinux-dbg --dwarf vmlinux-dbg --functions -o json | jq '.functions[:5]'`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runKernelAnalyze(cmd.Context(), g, o, args[0], cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.symbols, "symbols", "", "symbol file (System.map or /proc/kallsyms text) instead of the image's own")
	f.StringVar(&o.modules, "modules", "", "directory of the image's modules (*.ko, *.ko.xz, *.ko.zst, *.ko.gz), searched recursively")
	f.BoolVar(&o.timing, "timing", false, "print the time of each phase to stderr")
	f.StringVar(&o.dwarf, "dwarf", "", "-dbg vmlinux (DWARF) or a saved file map, for functions' source files")
	f.StringVar(&o.saveFileMap, "save-filemap", "", "write the function-to-file map read with --dwarf to this file (gzip)")
	f.StringVar(&o.out, "out", "", "write the JSON report to this file")
	f.StringVar(&o.pkg, "package", "", "provenance recorded in the report, e.g. the package name and version")
	f.BoolVar(&o.functions, "functions", false, "list every function's CC (and source file with --dwarf)")
	f.StringSliceVar(&o.only, "syscalls", nil, "show only these syscalls, with their most complex functions")
	f.Float64Var(&o.hubFraction, "hub-fraction", 0, "share of syscalls above which a function is a hub (default 0.5)")
	f.IntVar(&o.top, "top", 0, "most complex functions listed per syscall (default 10)")
	return cmd
}

func runKernelAnalyze(ctx context.Context, g *globalOptions, o *kernelAnalyzeOptions, path string, w, errw io.Writer) error {
	format, err := g.outputFormat()
	if err != nil {
		return err
	}
	if !(o.hubFraction >= 0 && o.hubFraction <= 1) { // NaN fails both
		return fmt.Errorf("--hub-fraction %v: want a share between 0 and 1 (0: the default 0.5)", o.hubFraction)
	}
	if o.top < 0 {
		return fmt.Errorf("--top %d: want 0 or more", o.top)
	}
	if o.saveFileMap != "" && o.dwarf == "" {
		return fmt.Errorf("--save-filemap needs --dwarf")
	}
	if o.dwarf != "" {
		if err := infile.Check(o.dwarf, false); err != nil {
			return fmt.Errorf("--dwarf: %w", err)
		}
	}
	opt := analysis.Options{HubFraction: o.hubFraction, Top: o.top, Functions: o.functions}
	if o.symbols != "" {
		m, err := kallsyms.ParseMapFile(o.symbols, kallsyms.MapOptions{})
		if err != nil {
			return fmt.Errorf("--symbols: %w", err)
		}
		if len(m.Symbols) == 0 {
			return fmt.Errorf("%s: no symbols, want System.map or /proc/kallsyms lines", o.symbols)
		}
		opt.Symbols = m.Symbols
	}
	rep, err := analyzeKernelInput(path, o.modules, opt)
	if err != nil {
		return err
	}
	if o.pkg != "" {
		rep.Kernel.Package = o.pkg
	}
	if o.timing {
		for _, ph := range rep.Phases() {
			fmt.Fprintf(errw, "%-20s %8.3f s\n", ph.Name, ph.Time.Seconds())
		}
	}
	if o.dwarf != "" {
		fm, err := analysis.LoadFileMap(o.dwarf)
		if err != nil {
			return err
		}
		if rep.SetFileMap(fm) == 0 {
			return fmt.Errorf("%s: none of the image's functions is in it (another kernel build?)", o.dwarf)
		}
		if o.saveFileMap != "" {
			var b bytes.Buffer
			if _, err := fm.WriteTo(&b); err != nil {
				return err
			}
			if err := writeAtomic(ctx, o.saveFileMap, b.Bytes()); err != nil {
				return envError{err}
			}
		}
	}
	for _, s := range o.only {
		if _, ok := rep.Syscall(s); !ok {
			return fmt.Errorf("--syscalls: %q has no entry point in %s", s, filepath.Base(path))
		}
	}
	if o.out != "" {
		var b bytes.Buffer
		if err := rep.Encode(&b); err != nil {
			return err
		}
		if err := writeAtomic(ctx, o.out, b.Bytes()); err != nil {
			return envError{err}
		}
	}
	return presentKernelAnalyze(w, format, rep, o.only)
}

func presentKernelAnalyze(w io.Writer, f report.Format, rep *analysis.Report, only []string) error {
	if f == report.JSON {
		return rep.Encode(w)
	}
	rows := slices.Clone(rep.Syscalls)
	if len(only) > 0 {
		rows = rows[:0]
		for _, name := range only {
			s, _ := rep.Syscall(name)
			rows = append(rows, s)
		}
	} else {
		slices.SortStableFunc(rows, func(a, b analysis.Syscall) int { return b.Complexity - a.Complexity })
	}
	s := rep.Summary
	if err := report.WriteAbove(w, f, fmt.Sprintf("%s (%s symbols)\n%d functions, %d syscalls with an entry (%d not implemented, %d missing), %d hubs (reached by > %g of syscalls), %d indirect calls, %d undecoded bytes\n\n",
		rep.Kernel.Banner, rep.SymbolSource, s.Functions, s.Syscalls, s.NotImplemented, len(s.Missing), s.Hubs, s.HubFraction, s.IndirectCalls, s.UndecodedBytes)); err != nil {
		return err
	}
	t := report.Table{
		Header: []string{"SYSCALL", "REACH", "COMPLEXITY", "REACH_ALL", "COMPLEXITY_ALL", "SHARED", "INDIRECT", "TOP_FUNCTIONS"},
		Align:  "lrrrrrrl",
	}
	for _, s := range rows {
		top := s.Top
		if len(only) == 0 && f == report.Text {
			top = top[:min(3, len(top))]
		}
		var names []string
		for _, fn := range top {
			names = append(names, fn.Name+"("+strconv.Itoa(fn.CC)+")")
		}
		name := s.Name
		if s.NotImplemented {
			name += " (ni)"
		}
		t.Rows = append(t.Rows, []string{name, strconv.Itoa(s.Reach), strconv.Itoa(s.Complexity), strconv.Itoa(s.ReachAll),
			strconv.Itoa(s.ComplexityAll), strconv.Itoa(s.Shared), strconv.Itoa(s.IndirectCalls), strings.Join(names, " ")})
	}
	if rep.Functions == nil {
		return t.Write(w, f)
	}
	// CSV holds one table: with --functions, the functions.
	if f != report.CSV {
		if err := t.Write(w, f); err != nil {
			return err
		}
	}
	if f == report.Text || f == report.Markdown {
		fmt.Fprintln(w)
	}
	fns := slices.Clone(rep.Functions)
	slices.SortStableFunc(fns, func(a, b analysis.Function) int { return b.CC - a.CC })
	ft := report.Table{Header: []string{"FUNCTION", "ADDR", "CC", "SYSCALLS", "HUB", "FILE"}, Align: "lrrrll"}
	for _, fn := range fns {
		hub := ""
		if fn.Hub {
			hub = "hub"
		}
		ft.Rows = append(ft.Rows, []string{fn.Name, fmt.Sprintf("%#x", fn.Addr), strconv.Itoa(fn.CC), strconv.Itoa(fn.Syscalls), hub, fn.File})
	}
	return ft.Write(w, f)
}
