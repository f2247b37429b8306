package analysis

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// TestRealStrippedEqualsDbg: the stripped bzImage (kallsyms) and the -dbg
// vmlinux (.symtab) of one build must give identical figures, since kallsyms
// recovery is exact and both use the same sizing rule (textFuncs).
func TestRealStrippedEqualsDbg(t *testing.T) {
	dir := kernelDir(t)
	dbg := filepath.Join(dir, "usr", "lib", "debug", "boot", "vmlinux-"+abi)
	if _, err := os.Stat(dbg); err != nil {
		t.Skipf("-dbg vmlinux absent: %v", err)
	}
	stripped, _ := realKernel(t)
	full, err := AnalyzeFile(dbg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if stripped.SymbolSource != "kallsyms" || full.SymbolSource != "symtab" {
		t.Errorf("sources %s, %s", stripped.SymbolSource, full.SymbolSource)
	}
	if !reflect.DeepEqual(stripped.Summary.Missing, full.Summary.Missing) || !reflect.DeepEqual(stripped.Syscalls, full.Syscalls) {
		t.Error("per-syscall figures differ between the stripped image and the -dbg vmlinux")
	}
	if stripped.Kernel.Banner != full.Kernel.Banner {
		t.Errorf("banners differ: %q, %q", stripped.Kernel.Banner, full.Kernel.Banner)
	}
}

// TestCommittedData: data/debian-ABI.json is what the analysis gives today
// for the package it names (by sha256); a change of figures must come with a
// regenerated file (scripts/kernel-metrics.sh) and, if intended, a new
// Version.
func TestCommittedData(t *testing.T) {
	r := realDeb(t)
	b, err := os.ReadFile(filepath.Join("data", "debian-"+abi+".json"))
	if err != nil {
		t.Fatal(err)
	}
	committed, err := LoadReport(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if committed.Kernel.SHA256 != r.Kernel.SHA256 {
		t.Skipf("committed data is for image %s, this one is %s", committed.Kernel.SHA256, r.Kernel.SHA256)
	}
	if committed.AnalysisVersion != Version || !reflect.DeepEqual(committed.Syscalls, r.Syscalls) || !reflect.DeepEqual(committed.Summary, r.Summary) {
		t.Errorf("data/debian-%s.json is stale: rerun scripts/kernel-metrics.sh", abi)
	}
	// Figures checked against documented facts: Debian's 6.1 x86_64 table
	// wires 15 syscall numbers to sys_ni_syscall (syscall_64.tbl rows without
	// an entry; TestKernelEntriesMatchSysCallTable in kernel/x86 read them
	// from the kernel's own sys_call_table).
	if committed.Summary.NotImplemented != 15 {
		t.Errorf("not implemented %d, want 15", committed.Summary.NotImplemented)
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	if _, ok := raw["functions"]; ok {
		t.Error("committed data lists functions; keep it to per-syscall figures")
	}
}

// TestRealOpenTime reports the cost of Open on the stripped image, the
// DB build's entry point (run it with -v; 2 cores).
func TestRealOpenTime(t *testing.T) {
	dir := kernelDir(t)
	start := time.Now()
	a, r, err := Open(filepath.Join(dir, "boot", "vmlinuz-"+abi), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Open(stripped vmlinuz): %v; %d functions, %d syscalls, %d hubs, methods %s, K=%d",
		time.Since(start).Round(time.Millisecond), r.Summary.Functions, r.Summary.Syscalls, r.Summary.Hubs, a.Methods(), a.MaxSyscalls())
	fm := filepath.Join(dir, "filemap-"+abi+".txt.gz")
	if _, err := os.Stat(fm); err != nil {
		return
	}
	start = time.Now()
	a, r, err = Open(filepath.Join(dir, "boot", "vmlinuz-"+abi), fm)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Open(stripped vmlinuz, saved file map): %v; %d of %d functions have a file, methods %s",
		time.Since(start).Round(time.Millisecond), r.Summary.FunctionsWithFile, r.Summary.Functions, a.Methods())
}

// BenchmarkOpen is the DB build's cost of call-graph attribution: Open on
// the stripped Debian 6.1 bzImage (LZ4 decompression, kallsyms recovery,
// decoding, call graph, metrics and the reverse index).
func BenchmarkOpen(b *testing.B) {
	img := filepath.Join(kernelDir(b), "boot", "vmlinuz-"+abi)
	for b.Loop() {
		if _, _, err := Open(img, ""); err != nil {
			b.Fatal(err)
		}
	}
}
