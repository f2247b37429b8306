package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"

	"sysweight/internal/atomicfile"
	"sysweight/internal/tracefs"
	"sysweight/kernel/ftrace"
	"sysweight/kernel/ftrace/internal/secfile"
	"sysweight/passthrough"
)

// badInput marks an error in the run directory's contents (exit 2).
type badInput struct{ error }

func buildCmd(args []string) error {
	fs := flag.NewFlagSet("kfootprints build", flag.ContinueOnError)
	dir := fs.String("run", "", "directory written by kfootprints run")
	out := fs.String("o", "", "footprints file to write (.json, or .json.gz compressed)")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if *dir == "" || *out == "" {
		return usageError{fmt.Errorf("-run and -o are required")}
	}
	f, err := build(*dir)
	if err != nil {
		return err
	}
	data, err := encode(f, strings.HasSuffix(*out, ".gz"))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(*out, data); err != nil {
		return err
	}
	report(os.Stderr, f, *out, len(data))
	return nil
}

func build(dir string) (*ftrace.Footprints, error) {
	var info RunInfo
	b, err := os.ReadFile(filepath.Join(dir, runJSON))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &info); err != nil {
		return nil, badInput{fmt.Errorf("%s: %w", filepath.Join(dir, runJSON), err)}
	}
	img := filepath.Join(dir, traceImage)
	fh, err := os.Open(img)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	ix, err := secfile.Read(fh)
	if err != nil {
		return nil, badInput{fmt.Errorf("%s: %w", img, err)}
	}
	if !ix.Complete {
		return nil, badInput{fmt.Errorf("%s: incomplete (no end section)", img)}
	}
	sec := func(name string) ([]byte, error) {
		if !ix.Has(name) {
			return nil, badInput{fmt.Errorf("%s: no section %s", img, name)}
		}
		return ix.Bytes(name)
	}
	parse := func(name string, fn func(io.Reader) error) error {
		b, err := sec(name)
		if err != nil {
			return err
		}
		if err := fn(bytes.NewReader(b)); err != nil {
			return badInput{fmt.Errorf("%s: section %s: %w", img, name, err)}
		}
		return nil
	}
	var raw ftrace.RawTrace
	if err := parse(secfile.SecHeaderPage, func(r io.Reader) (err error) { raw.Header, err = tracefs.ParsePageLayout(r); return }); err != nil {
		return nil, err
	}
	if err := parse(secfile.SecEntryFmt, func(r io.Reader) (err error) { raw.Entry, err = tracefs.ParseFormat(r); return }); err != nil {
		return nil, err
	}
	if err := parse(secfile.SecExitFmt, func(r io.Reader) (err error) { raw.Exit, err = tracefs.ParseFormat(r); return }); err != nil {
		return nil, err
	}
	if err := parse(secfile.SecKallsyms, func(r io.Reader) (err error) { raw.Symbols, err = ftrace.ParseKallsyms(r); return }); err != nil {
		return nil, err
	}
	uname, err := sec(secfile.SecUname)
	if err != nil {
		return nil, err
	}
	opts, err := sec(secfile.SecOptions)
	if err != nil {
		return nil, err
	}

	prov := ftrace.Provenance{
		Date:      info.Date,
		Generator: "make kernel-footprints (kfootprints build, " + selfBuild(info.Source) + ")",
		Kernel: ftrace.KernelInfo{
			Package: info.Kernel.Package, Version: info.Kernel.Version, Release: info.Kernel.Release,
			VmlinuzSHA256: info.Kernel.SHA256, Uname: strings.TrimSpace(string(uname)),
		},
		QEMU:    info.QEMU.Version,
		Machine: fmt.Sprintf("qemu-system-x86_64 -accel tcg, %d CPU, %d MiB", info.QEMU.CPUs, info.QEMU.MemMiB),
		Busybox: info.Busybox,
		Tracer: ftrace.TracerInfo{
			Tracer:    "function_graph",
			Options:   strings.Fields(string(opts)),
			BufferKiB: info.BufferKiB,
			Filter:    "set_ftrace_pid = the workload's pid, function-fork on: the workload and every process it forks, from its exec on; nothing else",
			Attribution: "kernel/ftrace.ParseRaw on the binary ring-buffer pages (trace_pipe_raw, drained during the run), " +
				"functions named by the guest's /proc/kallsyms; a call counts for the syscall whose entry point (__x64_sys_*) " +
				"it runs under; interrupt context never counts; the work after the entry returns (exit work) does not count",
		},
		Modules: info.Modules,
	}
	var runs []ftrace.WorkloadRun
	var fps []*ftrace.Footprint
	for _, w := range info.Workloads {
		run, fp, check, err := workload(ix, img, raw, info, w)
		if err != nil {
			return nil, err
		}
		if check != nil {
			prov.TextCheck = append(prov.TextCheck, *check)
		}
		runs = append(runs, run)
		fps = append(fps, fp)
	}
	f, err := ftrace.BuildFootprints(prov, runs, fps, raw.Symbols)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// workload parses one workload's pages (and text, if saved) into its
// footprint and run record.
func workload(ix *secfile.Index, img string, raw ftrace.RawTrace, info RunInfo, w secfile.Workload) (ftrace.WorkloadRun, *ftrace.Footprint, *ftrace.TextCheck, error) {
	run := ftrace.WorkloadRun{Name: w.Name, Argv: w.Argv}
	switch w.Argv[0] {
	case "/bin/busybox":
		run.Version = info.Busybox
	case "/sysweight-probe":
		run.Version = info.Probe
	default:
		run.Version = info.Guest
	}
	sb, err := ix.Bytes(secfile.StatusName(w.Name))
	if err != nil || len(sb) == 0 {
		return run, nil, nil, badInput{fmt.Errorf("%s: workload %s has no status", img, w.Name)}
	}
	var st secfile.Status
	if err := json.Unmarshal(sb, &st); err != nil {
		return run, nil, nil, badInput{fmt.Errorf("%s: status of %s: %w", img, w.Name, err)}
	}
	if st.Exit != 0 || st.TimedOut || st.Error != "" {
		stderr, _ := ix.Bytes(secfile.StderrName(w.Name))
		return run, nil, nil, fmt.Errorf("workload %s failed in the guest (exit %d, signal %q, timed out %v, %s): %s",
			w.Name, st.Exit, st.Signal, st.TimedOut, st.Error, tail(stderr, 600))
	}
	run.Exit, run.Seconds, run.RawBytes = st.Exit, st.Seconds, st.RawBytes
	rt := raw
	rt.CPUs = nil
	for cpu := 0; cpu < st.CPUs; cpu++ {
		rt.CPUs = append(rt.CPUs, ix.Open(secfile.RawName(w.Name, cpu)))
		stats, err := ix.Bytes(secfile.StatsName(w.Name, cpu))
		if err != nil {
			return run, nil, nil, err
		}
		overrun, err := statsField(stats, "overrun")
		if err != nil {
			return run, nil, nil, badInput{fmt.Errorf("%s: stats of %s cpu %d: %w", img, w.Name, cpu, err)}
		}
		run.Lost += overrun
	}
	fp, err := ftrace.ParseRaw(rt, ftrace.Options{})
	if err != nil {
		return run, nil, nil, badInput{fmt.Errorf("%s: workload %s: %w", img, w.Name, err)}
	}
	run.Lost += fp.Lost
	run.Syscalls = len(fp.PerSyscall)
	run.Unattributed, run.IRQ, run.Abandoned, run.Unbalanced = fp.Unattributed, fp.IRQ, fp.Abandoned, fp.Unbalanced
	run.Calls = int64(fp.Unattributed + fp.IRQ)
	for _, sf := range fp.PerSyscall {
		run.Invocations += sf.Invocations
		for _, n := range sf.Functions {
			run.Calls += int64(n)
		}
	}
	if w.Argv[0] == "/sysweight-probe" {
		out, err := ix.Bytes(secfile.StdoutName(w.Name))
		if err != nil {
			return run, nil, nil, err
		}
		if run.Note, err = probeNote(out, fp); err != nil {
			return run, nil, nil, badInput{fmt.Errorf("%s: output of %s: %w", img, w.Name, err)}
		}
	}
	var check *ftrace.TextCheck
	if ix.Has(secfile.TextName(w.Name)) {
		text, err := ix.Bytes(secfile.TextName(w.Name))
		if err != nil {
			return run, nil, nil, err
		}
		tf, err := ftrace.Parse(bytes.NewReader(text), ftrace.Options{Strict: true})
		if err != nil {
			return run, nil, nil, badInput{fmt.Errorf("%s: text of %s: %w", img, w.Name, err)}
		}
		check = &ftrace.TextCheck{Workload: w.Name, Lines: bytes.Count(text, []byte("\n"))}
		check.Detail = compare(fp, tf)
		check.Same = check.Detail == ""
		if !check.Same {
			return run, nil, nil, fmt.Errorf("workload %s: the kernel's text trace and the binary pages give different footprints: %s", w.Name, check.Detail)
		}
	}
	return run, fp, check, nil
}

// compare says how two footprints of the same trace differ, "" if not.
func compare(raw, text *ftrace.Footprint) string {
	if !slices.Equal(raw.Syscalls(), text.Syscalls()) {
		return fmt.Sprintf("syscalls %v (binary) vs %v (text)", raw.Syscalls(), text.Syscalls())
	}
	for _, s := range raw.Syscalls() {
		a, b := raw.PerSyscall[s], text.PerSyscall[s]
		if a.Invocations != b.Invocations || a.Depth != b.Depth || !maps.Equal(a.Functions, b.Functions) || !maps.Equal(a.ExitWork, b.ExitWork) {
			return fmt.Sprintf("%s: %d invocations, depth %d, %d functions (binary) vs %d, %d, %d (text)",
				s, a.Invocations, a.Depth, len(a.Functions), b.Invocations, b.Depth, len(b.Functions))
		}
	}
	if raw.IRQ != text.IRQ || raw.Unattributed != text.Unattributed {
		return fmt.Sprintf("irq %d, unattributed %d (binary) vs %d, %d (text)", raw.IRQ, raw.Unattributed, text.IRQ, text.Unattributed)
	}
	return ""
}

// probeNote sums up the probe's own report: how many calls it made and
// how they ended, what it skipped, and which calls the kernel answered
// with ENOSYS without entering any entry point in the trace
// (sys_ni_syscall: not in this kernel, so no footprint).
func probeNote(out []byte, fp *ftrace.Footprint) (string, error) {
	outcomes := map[string]int{}
	var skipped, enosys []string
	done := false
	calls := 0
	for i, b := range bytes.Split(out, []byte("\n")) {
		l, ok, err := passthrough.ParseProbeLine(b)
		if err != nil {
			return "", fmt.Errorf("line %d: %w", i+1, err)
		}
		if !ok || l.Name == passthrough.Nop {
			continue
		}
		switch l.Event {
		case "done":
			done = true
		case "result":
			outcomes[l.Outcome]++
			calls++
		case "skip":
			skipped = append(skipped, l.Name)
		case "end":
			if l.Errno == "ENOSYS" && fp.PerSyscall[l.Name] == nil {
				enosys = append(enosys, l.Name)
			}
		}
	}
	if !done {
		return "", fmt.Errorf("the probe did not finish (no done line)")
	}
	var oc []string
	for _, k := range slices.Sorted(maps.Keys(outcomes)) {
		oc = append(oc, fmt.Sprintf("%d %s", outcomes[k], k))
	}
	return fmt.Sprintf("%d syscalls invoked (%s); skipped by the probe: %s; answered ENOSYS from sys_ni_syscall, not in this kernel: %d (%s)",
		calls, strings.Join(oc, ", "), strings.Join(skipped, " "), len(enosys), strings.Join(enosys, " ")), nil
}

// statsField reads "key: N" from per_cpu/cpuN/stats.
func statsField(stats []byte, key string) (int64, error) {
	sc := bufio.NewScanner(bytes.NewReader(stats))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		}
	}
	return 0, fmt.Errorf("no %q line", key)
}

func tail(b []byte, n int) string {
	s := strings.TrimSpace(string(b))
	if len(s) > n {
		s = "..." + s[len(s)-n:]
	}
	return s
}

// selfBuild names the build of kfootprints: its VCS stamp, or else the
// source the run was made from (the script builds both from one tree).
func selfBuild(source string) string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "sysweight (unknown build)"
	}
	rev, mod := "", ""
	for _, kv := range bi.Settings {
		switch kv.Key {
		case "vcs.revision":
			rev = kv.Value
		case "vcs.modified":
			mod = kv.Value
		}
	}
	if rev == "" {
		if source != "" {
			return source + ", " + bi.GoVersion
		}
		return "sysweight " + bi.GoVersion
	}
	if mod == "true" {
		rev += "+modified"
	}
	return "sysweight " + rev
}

// encode writes the file with one function per line, so that a diff of
// two runs reads function by function.
func encode(f *ftrace.Footprints, gz bool) ([]byte, error) {
	var buf bytes.Buffer
	head := *f
	head.Syscalls = []ftrace.SyscallFunctions{}
	hb, err := json.MarshalIndent(head, "", "  ")
	if err != nil {
		return nil, err
	}
	// The header ends with `"syscalls": []` and the closing brace; the
	// list is written by hand.
	hs, ok := strings.CutSuffix(strings.TrimSpace(string(hb)), `"syscalls": []`+"\n}")
	if !ok {
		return nil, fmt.Errorf("encoding the footprints: unexpected header layout")
	}
	buf.WriteString(hs)
	buf.WriteString(`"syscalls": [`)
	for i, s := range f.Syscalls {
		if i > 0 {
			buf.WriteByte(',')
		}
		sb, err := json.Marshal(struct {
			Name        string         `json:"name"`
			Invocations int            `json:"invocations"`
			Depth       int            `json:"depth"`
			Workloads   map[string]int `json:"workloads"`
		}{s.Name, s.Invocations, s.Depth, s.Workloads})
		if err != nil {
			return nil, err
		}
		buf.WriteString("\n  ")
		buf.Write(sb[:len(sb)-1])
		for _, l := range []struct {
			key string
			fns []ftrace.Function
		}{{"functions", s.Functions}, {"exit_work", s.ExitWork}} {
			if len(l.fns) == 0 && l.key == "exit_work" {
				continue
			}
			fmt.Fprintf(&buf, ",\n   %q: [", l.key)
			for j, fn := range l.fns {
				if j > 0 {
					buf.WriteByte(',')
				}
				fb, err := json.Marshal(fn)
				if err != nil {
					return nil, err
				}
				buf.WriteString("\n    ")
				buf.Write(fb)
			}
			buf.WriteString("]")
		}
		buf.WriteString("}")
	}
	buf.WriteString("\n]}\n")
	// The encoding must load back to the same thing.
	back, err := ftrace.LoadFootprints(bytes.NewReader(buf.Bytes()))
	if err != nil {
		return nil, fmt.Errorf("encoding the footprints: %w", err)
	}
	if !reflect.DeepEqual(back.Syscalls, f.Syscalls) || !reflect.DeepEqual(back.Provenance, f.Provenance) || !reflect.DeepEqual(back.Workloads, f.Workloads) {
		return nil, fmt.Errorf("encoding the footprints: they do not read back the same")
	}
	if !gz {
		return buf.Bytes(), nil
	}
	var z bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
	if _, err := zw.Write(buf.Bytes()); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return z.Bytes(), nil
}

func report(w io.Writer, f *ftrace.Footprints, out string, size int) {
	fmt.Fprintf(w, "kfootprints: wrote %s (%d bytes): %d syscalls, %d distinct functions, median footprint %d functions\n",
		out, size, f.Provenance.Totals.Syscalls, f.Provenance.Totals.Functions, f.Provenance.Totals.MedianFunction)
	for _, r := range f.Workloads {
		fmt.Fprintf(w, "  %-6s %4d syscalls, %7d invocations, %9d calls, %6.1f MB pages, lost %d, %.0f s in the guest\n",
			r.Name, r.Syscalls, r.Invocations, r.Calls, float64(r.RawBytes)/1e6, r.Lost, r.Seconds)
	}
	top := slices.Clone(f.Syscalls)
	slices.SortFunc(top, func(a, b ftrace.SyscallFunctions) int {
		if len(a.Functions) != len(b.Functions) {
			return len(b.Functions) - len(a.Functions)
		}
		return strings.Compare(a.Name, b.Name)
	})
	fmt.Fprintf(w, "  largest footprints:")
	for _, s := range top[:min(10, len(top))] {
		fmt.Fprintf(w, " %s %d,", s.Name, len(s.Functions))
	}
	fmt.Fprintln(w)
}
