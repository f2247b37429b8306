package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"debug/buildinfo"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"sysweight/internal/atomicfile"
	"sysweight/kernel/ftrace/internal/secfile"
	"sysweight/passthrough"
)

//go:embed shell.sh
var shellScript []byte

//go:embed check.sh
var checkScript []byte

//go:embed check2.sh
var check2Script []byte

//go:embed check3.sh
var check3Script []byte

//go:embed check4.sh
var check4Script []byte

//go:embed check5.sh
var check5Script []byte

//go:embed check6.sh
var check6Script []byte

//go:embed check7.sh
var check7Script []byte

//go:embed check8.sh
var check8Script []byte

//go:embed check9.sh
var check9Script []byte

//go:embed check10.sh
var check10Script []byte

// The workloads, in the order they run. Text workloads are small enough
// for the kernel's own text rendering to be read back as a check of the
// binary decoding.
var allWorkloads = []secfile.Workload{
	{Name: "shell", Argv: []string{"/bin/busybox", "sh", "/workloads/shell.sh"}, TimeoutSec: 900},
	{Name: "net", Argv: []string{"/bin/ftguest", "net"}, Text: true, TimeoutSec: 300},
	{Name: "nft", Argv: []string{"/bin/ftguest", "nft"}, Text: true, TimeoutSec: 300},
	{Name: "ipc", Argv: []string{"/bin/ftguest", "ipc"}, Text: true, TimeoutSec: 300},
	{Name: "tty", Argv: []string{"/bin/ftguest", "tty"}, Text: true, TimeoutSec: 300},
	// Each probe call runs in a child that re-executes the probe; under
	// TCG with every function traced that takes about a second, so the
	// per-call timeout is far above the probe's default. Only pause
	// waits for it.
	{Name: "probe", Argv: []string{"/sysweight-probe", "-free", "-timeout", "20s", "-baseline-every", "0"}, TimeoutSec: 3600},
}

// checkWorkloads run only when named (-workloads check): their
// footprints are a held-out set for the static reach, written after its
// rules were tuned on the others (scripts/kernel-footprints-check.sh).
var checkWorkloads = []secfile.Workload{
	{Name: "check", Argv: []string{"/bin/busybox", "sh", "/workloads/check.sh"}, TimeoutSec: 900},
	{Name: "check2", Argv: []string{"/bin/busybox", "sh", "/workloads/check2.sh"}, TimeoutSec: 900},
	{Name: "check3", Argv: []string{"/bin/busybox", "sh", "/workloads/check3.sh"}, TimeoutSec: 900},
	{Name: "check4", Argv: []string{"/bin/busybox", "sh", "/workloads/check4.sh"}, TimeoutSec: 900},
	{Name: "check5", Argv: []string{"/bin/busybox", "sh", "/workloads/check5.sh"}, TimeoutSec: 900},
	{Name: "check6", Argv: []string{"/bin/busybox", "sh", "/workloads/check6.sh"}, TimeoutSec: 900},
	{Name: "check7", Argv: []string{"/bin/busybox", "sh", "/workloads/check7.sh"}, TimeoutSec: 900},
	{Name: "check8", Argv: []string{"/bin/busybox", "sh", "/workloads/check8.sh"}, TimeoutSec: 900},
	{Name: "check9", Argv: []string{"/bin/busybox", "sh", "/workloads/check9.sh"}, TimeoutSec: 900},
	{Name: "check10", Argv: []string{"/bin/busybox", "sh", "/workloads/check10.sh"}, TimeoutSec: 900},
}

// The modules the guest loads: the virtio disk the trace leaves by, and
// nf_tables for the nft workload; their dependencies come from modinfo.
var wantModules = []string{"virtio_pci", "virtio_blk", "nf_tables"}

// tracerOptions are set in tracefs before the tracer starts. funcgraph-proc
// puts the task in every text line, function-fork makes set_ftrace_pid
// follow forks, funcgraph-irqs (the default, stated) keeps interrupts in
// the trace for the parser to set apart.
var tracerOptions = []string{"funcgraph-proc", "funcgraph-irqs", "function-fork", "nofuncgraph-overhead"}

// RunInfo is the host's record of one boot, beside the trace.
type RunInfo struct {
	Date       string             `json:"date"`   // UTC, RFC 3339
	Source     string             `json:"source"` // the sysweight tree the programs were built from
	Kernel     KernelFile         `json:"kernel"`
	QEMU       QEMUInfo           `json:"qemu"`
	Busybox    string             `json:"busybox"`
	Probe      string             `json:"probe"` // build of sysweight-probe
	Guest      string             `json:"guest"` // build of ftguest
	Modules    []string           `json:"modules"`
	BufferKiB  int                `json:"buffer_kib"`
	Options    []string           `json:"tracer_options"`
	Workloads  []secfile.Workload `json:"workloads"`
	Seconds    float64            `json:"seconds"` // boot to power-off, host wall time
	TraceBytes int64              `json:"trace_bytes"`
}

type KernelFile struct {
	Path    string `json:"path"`
	SHA256  string `json:"sha256"`
	Package string `json:"package,omitempty"`
	Version string `json:"version,omitempty"`
	Release string `json:"release"`
}

type QEMUInfo struct {
	Version string   `json:"version"`
	Args    []string `json:"args"`
	MemMiB  int      `json:"mem_mib"`
	CPUs    int      `json:"cpus"`
}

const (
	traceImage = "trace.img"
	runJSON    = "run.json"
	consoleLog = "console.log"
)

func runCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("kfootprints run", flag.ContinueOnError)
	kernel := fs.String("kernel", "", "the guest kernel (bzImage)")
	modDir := fs.String("modules", "", "the kernel's lib/modules/RELEASE directory")
	pkg := fs.String("package", "", "the Debian package the kernel came from")
	version := fs.String("version", "", "its version")
	busybox := fs.String("busybox", "/bin/busybox", "a static busybox")
	probe := fs.String("probe", "", "a static sysweight-probe")
	guest := fs.String("guest", "", "a static ftguest")
	qemu := fs.String("qemu", "qemu-system-x86_64", "QEMU")
	out := fs.String("out", "", "directory for the trace, the console log and run.json")
	mem := fs.Int("mem", 1536, "guest memory, MiB")
	buf := fs.Int("buffer-kib", 393216, "ring buffer per CPU, KiB")
	timeout := fs.Duration("timeout", 90*time.Minute, "give up on the guest after this long")
	only := fs.String("workloads", "", "comma-separated subset of "+workloadNames())
	probeSyscalls := fs.String("probe-syscalls", "", "comma-separated syscalls for the probe (default: all)")
	source := fs.String("source", "", `the sysweight tree the probe and guest were built from, e.g. "sysweight 1a2b3c4" (recorded when the binaries carry no VCS stamp)`)
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	for name, v := range map[string]string{"kernel": *kernel, "modules": *modDir, "probe": *probe, "guest": *guest, "out": *out} {
		if v == "" {
			return usageError{fmt.Errorf("-%s is required", name)}
		}
	}
	workloads, err := selectWorkloads(*only, *probeSyscalls)
	if err != nil {
		return usageError{err}
	}
	release := filepath.Base(*modDir)
	ix, err := indexModules(*modDir)
	if err != nil {
		return err
	}
	mods, err := ix.loadOrder(wantModules, release)
	if err != nil {
		return err
	}
	qemuPath, err := exec.LookPath(*qemu)
	if err != nil {
		return fmt.Errorf("%w (scripts/install-runtimes.sh installs qemu-system-x86)", err)
	}
	info := RunInfo{
		Date:      time.Now().UTC().Format(time.RFC3339),
		Source:    *source,
		BufferKiB: *buf,
		Options:   tracerOptions,
		Workloads: workloads,
	}
	if info.Kernel.SHA256, err = sha256File(*kernel); err != nil {
		return err
	}
	info.Kernel.Path, info.Kernel.Package, info.Kernel.Version, info.Kernel.Release = *kernel, *pkg, *version, release
	info.QEMU.Version = firstLine(exec.Command(qemuPath, "--version"))
	info.Busybox = firstLine(exec.Command(*busybox))
	if info.Probe, err = buildOf(*probe, *source); err != nil {
		return err
	}
	if info.Guest, err = buildOf(*guest, *source); err != nil {
		return err
	}
	for _, m := range mods {
		info.Modules = append(info.Modules, modName(filepath.Base(m)))
	}

	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "kfootprints-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	initrd := filepath.Join(tmp, "initramfs.cpio")
	if err := writeInitramfs(initrd, *busybox, *probe, *guest, mods, secfile.Config{
		Output:    "/dev/vda",
		Modules:   guestModulePaths(mods),
		BufferKiB: *buf,
		Options:   tracerOptions,
		Workloads: workloads,
	}); err != nil {
		return err
	}
	// A fresh sparse disk: the reader stops at the first header of zeros.
	img := filepath.Join(*out, traceImage)
	if err := os.Remove(img); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := makeSparse(img, 64<<30); err != nil {
		return err
	}
	console := filepath.Join(*out, consoleLog)
	info.QEMU.MemMiB, info.QEMU.CPUs = *mem, 1
	info.QEMU.Args = []string{"-accel", "tcg", "-m", fmt.Sprint(*mem), "-smp", "1", "-nic", "none",
		"-display", "none", "-monitor", "none", "-serial", "file:" + console, "-no-reboot",
		"-kernel", *kernel, "-initrd", initrd,
		"-append", "console=ttyS0 panic=-1 quiet loglevel=4",
		"-drive", "file=" + img + ",format=raw,if=virtio,cache=unsafe"}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, qemuPath, info.QEMU.Args...)
	cmd.Stdin = nil
	var qerr strings.Builder
	cmd.Stdout, cmd.Stderr = &qerr, &qerr
	cmd.WaitDelay = 5 * time.Second
	fmt.Fprintf(os.Stderr, "kfootprints: booting %s under QEMU (TCG) with %d workloads; console in %s\n", filepath.Base(*kernel), len(workloads), console)
	start := time.Now()
	err = cmd.Run()
	info.Seconds = time.Since(start).Seconds()
	if ctx.Err() != nil {
		return fmt.Errorf("the guest did not finish: %w (console in %s)", ctx.Err(), console)
	}
	if err != nil {
		return fmt.Errorf("qemu: %w: %s", err, strings.TrimSpace(qerr.String()))
	}
	f, err := os.Open(img)
	if err != nil {
		return err
	}
	defer f.Close()
	ix2, err := secfile.Read(f)
	if err != nil {
		return fmt.Errorf("%s: %w", img, err)
	}
	if ix2.Has(secfile.SecError) {
		b, _ := ix2.Bytes(secfile.SecError)
		return fmt.Errorf("the guest failed: %s (console in %s)", b, console)
	}
	if !ix2.Complete {
		return fmt.Errorf("%s: the guest stopped before finishing its output (console in %s)", img, console)
	}
	for _, s := range ix2.Sections {
		info.TraceBytes += s.Size
	}
	b, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(filepath.Join(*out, runJSON), append(b, '\n')); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "kfootprints: guest ran %.0f s; %d MB of sections in %s\n", info.Seconds, info.TraceBytes>>20, img)
	return nil
}

// knownWorkloads are the default workloads and those run only when named.
func knownWorkloads() []secfile.Workload {
	return append(slices.Clone(allWorkloads), checkWorkloads...)
}

func workloadNames() string {
	var n []string
	for _, w := range knownWorkloads() {
		n = append(n, w.Name)
	}
	return strings.Join(n, ",")
}

func selectWorkloads(only, probeSyscalls string) ([]secfile.Workload, error) {
	var out []secfile.Workload
	want := map[string]bool{}
	if only != "" {
		for _, n := range strings.Split(only, ",") {
			if !slices.ContainsFunc(knownWorkloads(), func(w secfile.Workload) bool { return w.Name == n }) {
				return nil, fmt.Errorf("-workloads: unknown workload %q, want some of %s", n, workloadNames())
			}
			want[n] = true
		}
	}
	list := allWorkloads
	if only != "" {
		list = knownWorkloads()
	}
	for _, w := range list {
		if only != "" && !want[w.Name] {
			continue
		}
		if w.Name == "probe" && probeSyscalls != "" {
			w.Argv = append(slices.Clone(w.Argv), "-syscalls", probeSyscalls)
		}
		out = append(out, w)
	}
	return out, nil
}

func guestModulePaths(mods []string) []string {
	var out []string
	for _, m := range mods {
		out = append(out, "/modules/"+filepath.Base(m))
	}
	return out
}

// writeInitramfs lays out the guest: ftguest as /init (and /bin/ftguest),
// busybox with a link per applet, the probe, the modules, the shell
// workload and the config.
func writeInitramfs(path, busybox, probe, guest string, mods []string, cfg secfile.Config) error {
	read := func(p string) ([]byte, error) {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		return b, nil
	}
	bb, err := read(busybox)
	if err != nil {
		return err
	}
	pb, err := read(probe)
	if err != nil {
		return err
	}
	gb, err := read(guest)
	if err != nil {
		return err
	}
	cfgJSON, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return err
	}
	entries := []passthrough.CpioEntry{
		{Name: "bin", Mode: 0o040755}, {Name: "dev", Mode: 0o040755}, {Name: "proc", Mode: 0o040755},
		{Name: "sys", Mode: 0o040755}, {Name: "tmp", Mode: 0o041777}, {Name: "modules", Mode: 0o040755},
		{Name: "workloads", Mode: 0o040755},
		{Name: "dev/console", Mode: 0o020600, RdevMajor: 5, RdevMinor: 1},
		{Name: "init", Mode: 0o100755, Data: gb},
		{Name: "bin/ftguest", Mode: 0o120777, Data: []byte("/init")},
		{Name: "bin/busybox", Mode: 0o100755, Data: bb},
		{Name: "sysweight-probe", Mode: 0o100755, Data: pb},
		{Name: "workloads/shell.sh", Mode: 0o100644, Data: shellScript},
		{Name: "workloads/check.sh", Mode: 0o100644, Data: checkScript},
		{Name: "workloads/check2.sh", Mode: 0o100644, Data: check2Script},
		{Name: "workloads/check3.sh", Mode: 0o100644, Data: check3Script},
		{Name: "workloads/check4.sh", Mode: 0o100644, Data: check4Script},
		{Name: "workloads/check5.sh", Mode: 0o100644, Data: check5Script},
		{Name: "workloads/check6.sh", Mode: 0o100644, Data: check6Script},
		{Name: "workloads/check7.sh", Mode: 0o100644, Data: check7Script},
		{Name: "workloads/check8.sh", Mode: 0o100644, Data: check8Script},
		{Name: "workloads/check9.sh", Mode: 0o100644, Data: check9Script},
		{Name: "workloads/check10.sh", Mode: 0o100644, Data: check10Script},
		{Name: strings.TrimPrefix(secfile.ConfigPath, "/"), Mode: 0o100644, Data: cfgJSON},
	}
	applets, err := exec.Command(busybox, "--list").Output()
	if err != nil {
		return fmt.Errorf("%s --list: %w", busybox, err)
	}
	for _, a := range strings.Fields(string(applets)) {
		if a == "busybox" || strings.ContainsAny(a, "/[") {
			continue
		}
		entries = append(entries, passthrough.CpioEntry{Name: "bin/" + a, Mode: 0o120777, Data: []byte("busybox")})
	}
	for _, m := range mods {
		b, err := read(m)
		if err != nil {
			return err
		}
		entries = append(entries, passthrough.CpioEntry{Name: "modules/" + filepath.Base(m), Mode: 0o100644, Data: b})
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	err = passthrough.WriteCpio(w, entries)
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func makeSparse(path string, size int64) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	err = f.Truncate(size)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func sha256File(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// firstLine runs cmd and returns the first line of its output, whatever
// its exit status (busybox without arguments exits 1).
func firstLine(cmd *exec.Cmd) string {
	b, _ := cmd.CombinedOutput()
	line, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimSpace(line)
}

// buildOf says which source a Go binary was built from: its VCS stamp, or
// else source as the caller knows it.
func buildOf(path, source string) (string, error) {
	bi, err := buildinfo.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	s := bi.Path + " " + bi.GoVersion
	var rev, mod string
	for _, kv := range bi.Settings {
		switch kv.Key {
		case "vcs.revision":
			rev = kv.Value
		case "vcs.modified":
			mod = kv.Value
		}
	}
	switch {
	case rev != "":
		s += " " + rev
		if mod == "true" {
			s += "+modified"
		}
	case source != "":
		s += ", built from " + source
	}
	return s, nil
}
