package analysis

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"sysweight/internal/kerneltest"
)

// The Debian 12 kernel the real-kernel tests read: SYSWEIGHT_KERNEL_DIR
// holds boot/vmlinuz-ABI and, optionally, usr/lib/debug/boot/vmlinux-ABI
// and kerneltest.FileMapName (scripts/kernel-metrics.sh fetches and writes
// them).
const abi = "6.1.0-56-cloud-amd64"

func kernelDir(t testing.TB) string {
	t.Helper()
	return kerneltest.Dir(t)
}

// TestRealStrippedEqualsDbg: the stripped bzImage (kallsyms) and the -dbg
// vmlinux (.symtab) of one build must give identical figures, since kallsyms
// recovery is exact and both use the same sizing rule (textFuncs).
func TestRealStrippedEqualsDbg(t *testing.T) {
	dir := kernelDir(t)
	dbg := filepath.Join(dir, "usr", "lib", "debug", "boot", "vmlinux-"+abi)
	if _, err := os.Stat(dbg); err != nil {
		t.Skipf("-dbg vmlinux absent: %v", err)
	}
	stripped, err := AnalyzeFile(filepath.Join(dir, "boot", "vmlinuz-"+abi), Options{})
	if err != nil {
		t.Fatal(err)
	}
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
// graph vuln/attrib/site's function and file methods read (run it with -v;
// 2 cores).
func TestRealOpenTime(t *testing.T) {
	dir := kernelDir(t)
	start := time.Now()
	r, err := Open(filepath.Join(dir, "boot", "vmlinuz-"+abi), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Open(stripped vmlinuz): %v; %d functions, %d syscalls, %d hubs",
		time.Since(start).Round(time.Millisecond), r.Summary.Functions, r.Summary.Syscalls, r.Summary.Hubs)
	fm := filepath.Join(dir, kerneltest.FileMapName)
	if _, err := os.Stat(fm); err != nil {
		return
	}
	start = time.Now()
	r, err = Open(filepath.Join(dir, "boot", "vmlinuz-"+abi), fm)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Graph().HasFiles() {
		t.Error("Open with a file map: the graph has no files")
	}
	t.Logf("Open(stripped vmlinuz, saved file map): %v; %d of %d functions have a file",
		time.Since(start).Round(time.Millisecond), r.Summary.FunctionsWithFile, r.Summary.Functions)
}

// BenchmarkOpen is the cost of the function method's call graph: Open on
// the stripped Debian 6.1 bzImage (LZ4 decompression, kallsyms recovery,
// decoding, call graph, metrics and the reverse index).
func BenchmarkOpen(b *testing.B) {
	img := filepath.Join(kernelDir(b), "boot", "vmlinuz-"+abi)
	for b.Loop() {
		if _, err := Open(img, ""); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCachedReachIndex is what db build pays for the call graph once
// it is cached: hashing the package and the file map for the cache key,
// reading and decoding the index. The first iteration fills a temporary
// cache (the package is analysed once, outside the timing).
func BenchmarkCachedReachIndex(b *testing.B) {
	deb, fm := kerneltest.Deb(b), kerneltest.FileMap(b)
	cache := b.TempDir()
	if _, _, err := CachedReachIndex(deb, fm, cache, nil); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, hit, err := CachedReachIndex(deb, fm, cache, nil); err != nil || !hit {
			b.Fatalf("hit %v, err %v", hit, err)
		}
	}
}
