package site_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"sysweight/internal/kerneltest"
	"sysweight/kernel/analysis"
	"sysweight/vuln"
	"sysweight/vuln/attrib"
	"sysweight/vuln/attrib/site"
	"sysweight/vuln/kernelcna"
	"sysweight/vuln/kernelcves"
)

// The real data the evaluation reads (../shared/data/README.md); nothing of
// it is committed.
const (
	cnaArchive = "kernel-cna/kernel-cna-cves-2026-08-21.tar.xz"
	oldFeed    = "kernel-cves/linux_kernel_cves-2023-01-27.json.xz"
	// samplePath is vuln/attrib's hand-verified sample: each CVE's want set
	// was judged by reading its description (see the file's "about").
	samplePath = "../testdata/sample.json"
)

type sampleCVE struct {
	ID       string   `json:"id"`
	Feed     string   `json:"feed"`
	Category string   `json:"category"`
	Want     []string `json:"want"`
}

// sampleRecords reads the sample and the description and programFiles of
// each of its CVEs; a CVE in both feeds keeps the kernel CNA record, as
// vuln/attrib's TestSample does.
func sampleRecords(t *testing.T) ([]sampleCVE, map[string]vuln.Record, map[string]vuln.Record) {
	t.Helper()
	b, err := os.ReadFile(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		CVEs []sampleCVE `json:"cves"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("%s: %v", samplePath, err)
	}
	dir := sharedData(t)
	want := map[string]bool{}
	for _, c := range s.CVEs {
		want[c.ID] = true
	}
	recs, all := map[string]vuln.Record{}, map[string]vuln.Record{}
	f, err := os.Open(filepath.Join(dir, oldFeed))
	if err != nil {
		t.Fatal(err)
	}
	old, err := kernelcves.Parse(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range old.Records() {
		all[r.ID] = r
		if want[r.ID] {
			recs[r.ID] = r
		}
	}
	f, err = os.Open(filepath.Join(dir, cnaArchive))
	if err != nil {
		t.Fatal(err)
	}
	cna, _, err := kernelcna.ReadTarXZ(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range cna {
		all[r.ID] = r
		if want[r.ID] {
			recs[r.ID] = r
		}
	}
	return s.CVEs, recs, all
}

// sharedData is ../shared/data relative to the repository root.
func sharedData(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "..", "..", "shared", "data"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("real CVE data absent (%s): %v", dir, err)
	}
	return dir
}

// realKernel analyses the stripped bzImage of the cached Debian kernel
// once per test binary, with the file map when one is at hand (the saved
// one, or the -dbg vmlinux's DWARF).
func realKernel(t *testing.T) (*analysis.Report, bool) {
	t.Helper()
	dir := kerneltest.Dir(t)
	realOnce.Do(func() {
		fm := ""
		for _, p := range []string{filepath.Join(dir, kerneltest.FileMapName), filepath.Join(dir, "usr", "lib", "debug", "boot", "vmlinux-"+kerneltest.ABI)} {
			if _, err := os.Stat(p); err == nil {
				fm = p
				break
			}
		}
		realRep, realErr = analysis.Open(kerneltest.Vmlinuz(t), fm)
	})
	if realErr != nil {
		t.Fatal(realErr)
	}
	return realRep, realRep.Graph().HasFiles()
}

var (
	realOnce sync.Once
	realRep  *analysis.Report
	realErr  error
)

type prCount struct{ tp, fp, fn int }

func (c prCount) precision() float64 {
	if c.tp+c.fp == 0 {
		return 1
	}
	return float64(c.tp) / float64(c.tp+c.fp)
}

func (c prCount) recall() float64 {
	if c.tp+c.fn == 0 {
		return 1
	}
	return float64(c.tp) / float64(c.tp+c.fn)
}

func (c prCount) String() string {
	return fmt.Sprintf("tp=%d fp=%d fn=%d precision=%.3f recall=%.3f", c.tp, c.fp, c.fn, c.precision(), c.recall())
}

// evaluate scores an attributor on the sample over (CVE, syscall) pairs.
func evaluate(t *testing.T, a *site.FunctionAttributor, sample []sampleCVE, recs map[string]vuln.Record, verbose bool) prCount {
	var c prCount
	for _, e := range sample {
		r, ok := recs[e.ID]
		if !ok {
			t.Errorf("%s: not in the feeds", e.ID)
			continue
		}
		got := map[string]attrib.Link{}
		for _, l := range a.Links(r.Description, r.ProgramFiles) {
			got[l.Syscall] = l
		}
		want := map[string]bool{}
		for _, w := range e.Want {
			want[w] = true
		}
		var fps, fns []string
		for s, l := range got {
			if want[s] {
				c.tp++
			} else {
				c.fp++
				fps = append(fps, fmt.Sprintf("%s [%s: %s]", s, l.Method, l.Evidence))
			}
		}
		for w := range want {
			if _, ok := got[w]; !ok {
				c.fn++
				fns = append(fns, w)
			}
		}
		sort.Strings(fps)
		sort.Strings(fns)
		if verbose {
			for s, l := range got {
				if want[s] && l.Method != attrib.MethodText {
					t.Logf("%s: gained %s [%s: %s]", e.ID, s, l.Method, l.Evidence)
				}
			}
		}
		if verbose && len(fps)+len(fns) > 0 {
			t.Logf("%s [%s]: false %v, missed %v", e.ID, e.Category, fps, fns)
		}
	}
	return c
}

// TestSampleCallGraph measures the function and file methods on the
// hand-verified sample against the text method alone. Acceptance: the call
// graph raises recall and precision stays at or above 0.85. It also logs
// the sweep over K that chose DefaultMaxSyscalls, and the variants that
// count call-graph links for CVEs the text method already attributes
// (Always) or every syscall within K rather than the nearest (AllDepths).
func TestSampleCallGraph(t *testing.T) {
	rep, files := realKernel(t)
	sample, recs, corpus := sampleRecords(t)
	mk := func(o site.FunctionOptions) *site.FunctionAttributor {
		a, err := site.NewFunctionAttributor(rep.Graph(), o)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	modes := []site.Methods{site.MethodText | site.MethodFunction}
	if files {
		modes = append(modes, site.MethodText|site.MethodFunction|site.MethodFile)
	}
	var sweep strings.Builder
	for _, v := range []struct{ always, all bool }{{false, false}, {true, false}, {false, true}} {
		fmt.Fprintf(&sweep, "Always=%v AllDepths=%v\n", v.always, v.all)
		for _, k := range []int{1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 50} {
			for _, m := range modes {
				c := evaluate(t, mk(site.FunctionOptions{Methods: m, MaxSyscalls: k, Always: v.always, AllDepths: v.all}), sample, recs, false)
				fmt.Fprintf(&sweep, "  K=%-3d %-19s %v\n", k, m.String()+":", c)
			}
		}
	}
	t.Logf("sweep:\n%s", sweep.String())

	text := evaluate(t, mk(site.FunctionOptions{Methods: site.MethodText}), sample, recs, false)
	t.Logf("text:               %v", text)
	// vuln/attrib's TestSample measures the same text method on the same
	// sample: tp=39 fp=2 fn=34 at commit addae19.
	if text.tp+text.fn != 73 {
		t.Errorf("sample has %d (CVE, syscall) pairs, want 73", text.tp+text.fn)
	}
	// With indirect calls resolved (analysis Version 2) the nearest-K rule
	// of these first call-graph methods, tuned on the direct-only graph,
	// gains nothing: a named function is now reached by more syscalls at
	// the same depth, so it falls past K. The file method's precision drops
	// to 0.764 (tp=42 fp=13 fn=31). Neither is in DefaultMethods; the site
	// method (Attributor, vuln/attrib's sample2) replaced them. What
	// still holds: the function method adds no wrong link.
	for _, m := range modes {
		c := evaluate(t, mk(site.FunctionOptions{Methods: m}), sample, recs, true)
		t.Logf("%-19s %v (K=%d)", m.String()+":", c, site.DefaultMaxSyscalls)
		if m == site.MethodText|site.MethodFunction && (c.precision() < 0.85 || c.recall() < text.recall()) {
			t.Errorf("%s: precision %.3f < 0.85 or recall %.3f below the text method's %.3f", m, c.precision(), c.recall(), text.recall())
		}
	}
	// Coverage over both feeds: CVEs with at least one link, and the cost.
	for _, m := range append([]site.Methods{site.MethodText}, modes...) {
		a := mk(site.FunctionOptions{Methods: m})
		start := time.Now()
		n, links := 0, map[attrib.Method]int{}
		for _, r := range corpus {
			ls := a.Links(r.Description, r.ProgramFiles)
			if len(ls) > 0 {
				n++
			}
			for _, l := range ls {
				links[l.Method]++
			}
		}
		t.Logf("corpus, %-19s %d of %d CVEs attributed, links %v, %v", m.String()+":", n, len(corpus), links, time.Since(start).Round(time.Millisecond))
	}
	// A path checked by hand against Linux 6.1 source: io_do_iopoll
	// (io_uring/rw.c) is called by io_uring_enter's __do_sys_io_uring_enter
	// under IORING_SETUP_IOPOLL, and io_req_cqe_overflow calls
	// io_cqring_event_overflow, named by CVE-2023-52903's report.
	g := rep.Graph()
	want := []string{"__x64_sys_io_uring_enter", "__do_sys_io_uring_enter", "io_do_iopoll", "io_req_cqe_overflow", "io_cqring_event_overflow"}
	for i := 0; i+1 < len(want); i++ {
		a, b := g.Lookup(want[i]), g.Lookup(want[i+1])
		if len(a) == 0 || len(b) == 0 || !slices.Contains(g.Program().Functions[a[0]].Calls, b[0]) {
			t.Errorf("no call %s → %s", want[i], want[i+1])
		}
	}
}
