package main

import (
	"bytes"
	"context"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"sysweight/kernel/ftrace"
	"sysweight/kernel/ftrace/internal/secfile"

	"sysweight/internal/kerneltest"
)

const abi = "6.1.0-56-cloud-amd64"

// kernelDir is make kernel-footprints' cache (SYSWEIGHT_KERNEL_DIR, as
// for the other kernel tests).
func kernelDir(t *testing.T) (vmlinuz, modules string) {
	t.Helper()
	dir := kerneltest.Dir(t)
	vmlinuz = filepath.Join(dir, "boot", "vmlinuz-"+abi)
	modules = filepath.Join(dir, "lib", "modules", abi)
	for _, p := range []string{vmlinuz, filepath.Join(modules, "kernel")} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("%s absent: run make kernel-footprints first", p)
		}
	}
	return vmlinuz, modules
}

// The load order of the guest's modules follows modinfo's depends= of
// Debian's 6.1.0-56 .ko files (read with strings(1): virtio_blk depends on
// virtio,virtio_ring; virtio_pci on virtio_ring, virtio_pci_modern_dev,
// virtio_pci_legacy_dev, virtio; nf_tables on nfnetlink, libcrc32c).
func TestLoadOrder(t *testing.T) {
	_, modules := kernelDir(t)
	ix, err := indexModules(modules)
	if err != nil {
		t.Fatal(err)
	}
	if len(ix) != 1121 {
		t.Errorf("%d modules indexed, want the package's 1121", len(ix))
	}
	order, err := ix.loadOrder(wantModules, abi)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range order {
		names = append(names, modName(filepath.Base(p)))
	}
	want := []string{"virtio_ring", "virtio_pci_modern_dev", "virtio_pci_legacy_dev", "virtio", "virtio_pci", "virtio_blk", "nfnetlink", "libcrc32c", "nf_tables"}
	if !slices.Equal(names, want) {
		t.Errorf("load order %v, want %v", names, want)
	}
	if _, err := ix.loadOrder([]string{"nf_tables"}, "6.1.0-99-cloud-amd64"); err == nil || !strings.Contains(err.Error(), "vermagic") {
		t.Errorf("a module of another kernel: %v, want a vermagic error", err)
	}
	if _, err := ix.loadOrder([]string{"no_such_module"}, abi); err == nil {
		t.Error("no error for an unknown module")
	}
}

func TestSelectWorkloads(t *testing.T) {
	ws, err := selectWorkloads("tty,probe", "getpid,read")
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != 2 || ws[0].Name != "tty" || ws[1].Name != "probe" {
		t.Fatalf("workloads %+v", ws)
	}
	if got := strings.Join(ws[1].Argv, " "); !strings.HasSuffix(got, "-syscalls getpid,read") {
		t.Errorf("probe argv %q", got)
	}
	if all, _ := selectWorkloads("", ""); len(all) != len(allWorkloads) || slices.Contains(all[len(all)-1].Argv, "-syscalls") {
		t.Errorf("all workloads: %+v", all)
	}
	if _, err := selectWorkloads("tty,nope", ""); err == nil {
		t.Error("no error for an unknown workload")
	}
}

func TestProbeNote(t *testing.T) {
	out := []byte(`{"event":"hello","calls":3,"table_kernel":"v7.2"}
{"event":"begin","seq":1,"name":"nop","nr":-1,"args":[0,0,0,0,0,0]}
{"event":"result","seq":1,"name":"nop","outcome":"returned"}
{"event":"begin","seq":2,"name":"getpid","nr":39,"args":[0,0,0,0,0,0]}
{"event":"end","seq":2,"name":"getpid","nr":39,"ret":152}
{"event":"result","seq":2,"name":"getpid","outcome":"returned"}
{"event":"skip","name":"rt_sigreturn","reason":"r"}
{"event":"begin","seq":3,"name":"mseal","nr":462,"args":[0,0,0,0,0,0]}
{"event":"end","seq":3,"name":"mseal","nr":462,"errno":"ENOSYS"}
{"event":"result","seq":3,"name":"mseal","outcome":"returned"}
{"event":"begin","seq":4,"name":"futex","nr":202,"args":[0,0,0,0,0,0]}
{"event":"end","seq":4,"name":"futex","nr":202,"errno":"ENOSYS"}
{"event":"result","seq":4,"name":"futex","outcome":"timeout"}
{"event":"done","calls":3}
`)
	fp := &ftrace.Footprint{PerSyscall: map[string]*ftrace.SyscallFootprint{"getpid": {}, "futex": {}}}
	got, err := probeNote(out, fp)
	if err != nil {
		t.Fatal(err)
	}
	want := "3 syscalls invoked (2 returned, 1 timeout); skipped by the probe: rt_sigreturn; answered ENOSYS from sys_ni_syscall, not in this kernel: 1 (mseal)"
	if got != want {
		t.Errorf("note %q\nwant %q", got, want)
	}
	if _, err := probeNote(bytes.TrimSuffix(out, []byte(`{"event":"done","calls":3}`+"\n")), fp); err == nil {
		t.Error("no error for a probe that did not finish")
	}
}

// TestQEMU boots the 6.1 kernel under QEMU with three workloads and a
// three-syscall probe, and checks the footprints against facts of the
// kernel's code (verified with gdb on the -dbg vmlinux of the same build:
// tty_fops.read_iter is tty_read, n_tty_ops.read is n_tty_read,
// netlink_ops.sendmsg is netlink_sendmsg; nf_tables_cb[NFT_MSG_NEWRULE]
// .call is nf_tables_newrule in net/netfilter/nf_tables_api.c). It took
// 32 s here on a quiet machine, well over a minute on a busy one, so it
// runs only with SYSWEIGHT_QEMU_TEST=1.
func TestQEMU(t *testing.T) {
	if os.Getenv("SYSWEIGHT_QEMU_TEST") == "" {
		t.Skip("set SYSWEIGHT_QEMU_TEST=1 to boot the kernel under QEMU (about 35 s; needs make kernel-footprints' cache)")
	}
	vmlinuz, modules := kernelDir(t)
	if _, err := exec.LookPath("qemu-system-x86_64"); err != nil {
		t.Skip("qemu-system-x86_64 absent: make kernel-footprints installs it")
	}
	if f, err := elf.Open("/bin/busybox"); err != nil {
		t.Skip("/bin/busybox absent: make kernel-footprints installs busybox-static")
	} else {
		static := f.Section(".interp") == nil
		f.Close()
		if !static {
			t.Skip("/bin/busybox is not static: install busybox-static")
		}
	}
	tmp := t.TempDir()
	repo, err := filepath.Abs("../../../..")
	if err != nil {
		t.Fatal(err)
	}
	for bin, pkg := range map[string]string{"sysweight-probe": "./cmd/sysweight-probe", "ftguest": "./kernel/ftrace/cmd/ftguest"} {
		cmd := exec.Command("go", "build", "-trimpath", "-o", filepath.Join(tmp, bin), pkg)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("building %s: %v\n%s", bin, err, out)
		}
	}
	run := filepath.Join(tmp, "run")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	start := time.Now()
	err = runCmd(ctx, []string{"-kernel", vmlinuz, "-modules", modules, "-probe", filepath.Join(tmp, "sysweight-probe"),
		"-guest", filepath.Join(tmp, "ftguest"), "-out", run, "-workloads", "nft,tty,probe",
		"-probe-syscalls", "getpid,read,sendmsg", "-buffer-kib", "65536", "-mem", "512", "-timeout", "8m"})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("guest run: %.0f s", time.Since(start).Seconds())
	f, err := build(run)
	if err != nil {
		t.Fatal(err)
	}
	if sum, _ := sha256File(vmlinuz); f.Provenance.Kernel.VmlinuzSHA256 != sum {
		t.Errorf("vmlinuz sha256 %s, want %s", f.Provenance.Kernel.VmlinuzSHA256, sum)
	}
	if !strings.Contains(f.Provenance.Kernel.Uname, abi) {
		t.Errorf("uname %q does not name %s", f.Provenance.Kernel.Uname, abi)
	}
	for _, w := range []string{"nft", "tty", "probe"} {
		r, ok := f.Workload(w)
		if !ok || r.Lost != 0 || r.Syscalls == 0 {
			t.Errorf("workload %s: %+v", w, r)
		}
	}
	if len(f.Provenance.TextCheck) != 2 {
		t.Errorf("text checks %+v, want nft and tty", f.Provenance.TextCheck)
	}
	for _, c := range []struct{ syscall, fn, module string }{
		{"getpid", "__task_pid_nr_ns", ""},
		{"getpid", "__x64_sys_getpid", ""}, // an alias of __do_sys_getpid
		{"sendmsg", "netlink_sendmsg", ""},
		{"sendmsg", "nfnetlink_rcv", "nfnetlink"},
		{"sendmsg", "nf_tables_newrule", "nf_tables"},
		{"read", "tty_read", ""},
		{"read", "n_tty_read", ""},
	} {
		if !f.Ran(c.syscall, c.fn) {
			t.Errorf("%s did not run %s", c.syscall, c.fn)
		}
		if m := f.Module(c.fn); m != c.module {
			t.Errorf("module of %s = %q, want %q", c.fn, m, c.module)
		}
	}
	// Nothing is left behind but the run directory.
	if _, err := os.Stat(filepath.Join(run, traceImage)); err != nil {
		t.Error(err)
	}
	ix := mustIndex(t, filepath.Join(run, traceImage))
	if !ix.Has(secfile.RawName("probe", 0)) {
		t.Error("no raw pages for the probe")
	}
}

func mustIndex(t *testing.T, path string) *secfile.Index {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	ix, err := secfile.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}
