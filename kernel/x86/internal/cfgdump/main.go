// Command cfgdump runs kernel/x86 over an unstripped vmlinux. It feeds
// scripts/check-cfg.sh (per-function block and edge counts) and
// scripts/bench-kernel.sh (the full analysis, timed).
//
//	go run ./kernel/x86/internal/cfgdump -vmlinux PATH [-ref] [-list] [-sample N -seed S] [-noreturn FILE] [-syscalls]
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime/pprof"
	"sort"
	"time"

	"sysweight/kernel/x86"
	"sysweight/kernel/x86/internal/vmlinux"
	"sysweight/syscalls"
)

func main() {
	path := flag.String("vmlinux", "", "unstripped vmlinux ELF")
	ref := flag.Bool("ref", false, "decode with x86asm only")
	list := flag.Bool("list", false, "print every function: name addr size blocks edges exits cc")
	sample := flag.Int("sample", 0, "print N functions sampled with -seed (name addr size blocks edges exits cc)")
	largest := flag.Int("largest", 0, "also print the N functions of highest CC")
	metrics := flag.Bool("metrics", false, "print per-syscall metrics: name entry reach complexity reach-all complexity-all indirect-calls top")
	seed := flag.Uint64("seed", 1, "sampling seed")
	noret := flag.String("noreturn", "", "write the names of noreturn functions (one per line) to this file")
	sys := flag.Bool("syscalls", true, "compute per-syscall metrics")
	prof := flag.String("cpuprofile", "", "write a CPU profile")
	flag.Parse()
	if *prof != "" {
		pf, err := os.Create(*prof)
		if err == nil && pprof.StartCPUProfile(pf) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	if *path == "" {
		fmt.Fprintln(os.Stderr, "cfgdump: -vmlinux is required")
		os.Exit(2)
	}
	t0 := time.Now()
	im, err := vmlinux.Open(*path, false)
	if err != nil {
		fmt.Fprintln(os.Stderr, "cfgdump:", err)
		os.Exit(1)
	}
	t1 := time.Now()
	p, err := x86.Analyze(im.Text, im.Base, im.Funcs, x86.Options{Reference: *ref})
	if err != nil {
		fmt.Fprintln(os.Stderr, "cfgdump:", err)
		os.Exit(1)
	}
	t2 := time.Now()
	var rep *x86.SyscallReport
	if *sys {
		rep, err = x86.SyscallMetrics(p, syscalls.MustForArch(syscalls.X86_64), x86.ReachOptions{})
		if err != nil {
			fmt.Fprintln(os.Stderr, "cfgdump:", err)
			os.Exit(1)
		}
	}
	t3 := time.Now()
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	var insns, undecoded, ind, indj, nr, unres int
	for _, f := range p.Functions {
		insns += f.Insns
		undecoded += f.Undecoded
		ind += f.IndirectCalls
		indj += f.IndirectJumps
		unres += f.Unresolved
		if f.NoReturn {
			nr++
		}
	}
	fmt.Fprintf(os.Stderr, "read %v analyze %v syscalls %v total %v\n", t1.Sub(t0), t2.Sub(t1), t3.Sub(t2), t3.Sub(t0))
	fmt.Fprintf(os.Stderr, "functions %d insns %d undecoded-bytes %d indirect-calls %d indirect-jumps %d unresolved %d noreturn %d\n",
		len(p.Functions), insns, undecoded, ind, indj, unres, nr)
	if rep != nil {
		fmt.Fprintf(os.Stderr, "syscalls: table %d, entries found %d (not implemented %d), missing %d, hubs %d (fraction %.2f)\n",
			len(rep.Metrics)+len(rep.Missing), len(rep.Metrics), rep.NotImplemented, len(rep.Missing), len(rep.Hubs), rep.HubFraction)
	}
	row := func(f x86.FuncInfo) {
		fmt.Fprintf(w, "%s %#x %#x %d %d %d %d\n", f.Name, f.Addr, f.Size, f.Blocks, f.Edges, f.Exits, f.CC)
	}
	if *list {
		for _, f := range p.Functions {
			row(f)
		}
	}
	if *sample > 0 {
		r := rand.New(rand.NewPCG(*seed, *seed))
		idx := r.Perm(len(p.Functions))[:min(*sample, len(p.Functions))]
		sort.Ints(idx)
		for _, i := range idx {
			row(p.Functions[i])
		}
	}
	if *metrics && rep != nil {
		names := make([]string, 0, len(rep.Metrics))
		for n := range rep.Metrics {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			m := rep.Metrics[n]
			top := ""
			if len(m.Top) > 0 {
				top = fmt.Sprintf("%s:%d", m.Top[0].Name, m.Top[0].CC)
			}
			fmt.Fprintf(w, "%s %s %d %d %d %d %d %s\n", n, m.Entry, m.Reach, m.Complexity, m.ReachAll, m.ComplexityAll, m.IndirectCalls, top)
		}
		fmt.Fprintf(w, "missing: %v\n", rep.Missing)
	}
	if *largest > 0 {
		idx := make([]int, len(p.Functions))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return p.Functions[idx[a]].CC > p.Functions[idx[b]].CC })
		for _, i := range idx[:min(*largest, len(idx))] {
			row(p.Functions[i])
		}
	}
	if *noret != "" {
		out, err := os.Create(*noret)
		if err != nil {
			fmt.Fprintln(os.Stderr, "cfgdump:", err)
			os.Exit(1)
		}
		for _, f := range p.Functions {
			if f.NoReturn {
				fmt.Fprintln(out, f.Name)
				for _, a := range f.Aliases {
					fmt.Fprintln(out, a)
				}
			}
		}
		out.Close()
	}
}
