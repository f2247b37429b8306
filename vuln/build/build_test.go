package build

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sysweight/internal/kerneltest"
	"sysweight/kernel/analysis"
	"sysweight/syscalls"
	"sysweight/vuln/attrib"
	"sysweight/vuln/attrib/site"
	"sysweight/vuln/db"
	"sysweight/vuln/exploitdb"
	"sysweight/vuln/kernelcna"
	"sysweight/vuln/registry"
	"sysweight/vuln/syzbot"
)

// writeTree writes a small kernel CNA tree in the vulns repository layout.
// The descriptions are our own sentences.
func writeTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	recs := map[string]string{
		"2024/CVE-2024-11111": "A use-after-free in the keyctl() syscall lets a local user escalate privileges.",
		"2024/CVE-2024-22222": "The read system call returns stale data; the write of a page is not affected.",
		"2025/CVE-2025-33333": "A race in the network stack.",
	}
	for name, desc := range recs {
		p := filepath.Join(dir, "cve", "published", name+".json")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		id := filepath.Base(name)
		rec := `{"dataType":"CVE_RECORD","dataVersion":"5.1","cveMetadata":{"cveId":"` + id + `","state":"PUBLISHED","datePublished":"2024-05-01T00:00:00.000Z"},` +
			`"containers":{"cna":{"descriptions":[{"lang":"en","value":"` + desc + `"}],"affected":[]}}}`
		if err := os.WriteFile(p, []byte(rec), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// CNA CVSS file (org id, vector): AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H is 7.8 (FIRST calculator).
	cvss := filepath.Join(dir, "cve", "published", "2024", "CVE-2024-11111.cvss")
	if err := os.WriteFile(cvss, []byte("00000000-0000-0000-0000-000000000000 CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestBuildDeterministic(t *testing.T) {
	dir := writeTree(t)
	in := Inputs{Feeds: map[string]Input{"kernel-cna": {Path: dir, Version: "test", Date: "2026-01-02"}}}
	tab := syscalls.MustForArch(syscalls.X86_64)
	a, _, err := Build(in, tab)
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := Build(in, tab)
	if err != nil {
		t.Fatal(err)
	}
	var ea, eb bytes.Buffer
	a.Encode(&ea)
	b.Encode(&eb)
	if !bytes.Equal(ea.Bytes(), eb.Bytes()) {
		t.Fatal("two builds from the same tree differ")
	}
	if a.Meta.Built != "2026-01-02T00:00:00Z" {
		t.Errorf("built = %s, want the input date", a.Meta.Built)
	}
	k, _ := a.Syscall("keyctl")
	if k.CVEs != 1 || k.Severity != 7.8 || k.ScoredV3 != 1 {
		t.Errorf("keyctl = %+v, want one CVE scored 7.8 (v3.1)", k)
	}
	r, _ := a.Syscall("read")
	if r.CVEs != 1 || r.Unscored != 1 {
		t.Errorf("read = %+v, want one unscored CVE", r)
	}
	// "the write of a page" is the English word, not the syscall.
	if w, _ := a.Syscall("write"); w.CVEs != 0 {
		t.Errorf("write = %+v, want no CVE", w)
	}
	if n, _ := a.CVECount(); n != 2 {
		t.Errorf("%d CVEs attributed, want 2", n)
	}
}

// The committed default DB is what `make weightdb` builds from the pinned
// shared snapshots, the committed exploit and trigger tables and the
// kernel's call graph: the build is deterministic and the file is current.
// The call graph comes from the kernel cache (internal/kerneltest: the
// linux-image .deb and kerneltest.FileMapName, written by DBG=1
// scripts/kernel-metrics.sh) when the DB's methods need it.
func TestDefaultDBUpToDate(t *testing.T) {
	committed, err := db.Default()
	if err != nil {
		t.Fatal(err)
	}
	m, err := site.ParseMethods(strings.Join(committed.Meta.Methods, "+"))
	if err != nil {
		t.Fatal(err)
	}
	in := sharedInputs(t)
	var g site.CallGraph
	if m&(site.MethodSite|site.MethodFile) != 0 {
		g = kernelIndex(t, "")
	}
	opt := site.Options{Methods: m}
	if slices.ContainsFunc(committed.Meta.Sources, func(s db.Source) bool { return s.Name == "kernel-members" }) {
		// the member rule's second kernel (make kernel-members); its
		// index is cached beside the first's
		deb := kerneltest.MembersDeb(t)
		mx, _, err := analysis.CachedReachIndex(deb, "", kerneltest.Dir(t), attrib.Incidental)
		if err != nil {
			t.Fatal(err)
		}
		opt.Members = mx
		in.Sources = append(in.Sources, registry.MembersSource(deb, mx))
	}
	a, err := site.NewAttributor(g, opt)
	if err != nil {
		t.Fatal(err)
	}
	in.Attribute, in.Methods = a.Links, committed.Meta.Methods
	rep, err := analysis.Default()
	if err != nil {
		t.Fatal(err)
	}
	in.Tables["kernel-metrics"] = registry.KernelFromReport(rep)
	d, _, err := Build(in, syscalls.MustForArch(syscalls.X86_64))
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := d.Encode(&got); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("..", "db", "data", "weights-x86_64.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("vuln/db/data/weights-x86_64.json differs from a fresh build (checksum %s): run make weightdb", d.Meta.Checksum)
	}
}

// sharedInputs are the pinned feed snapshots of ../shared and the
// committed exploit and trigger tables, as make weightdb builds from them;
// the test skips under -short and where ../shared is absent (a plain
// clone).
func sharedInputs(t testing.TB) Inputs {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: skipping the full build")
	}
	shared := filepath.Join("..", "..", "..", "shared", "data")
	cna := filepath.Join(shared, "kernel-cna", "kernel-cna-cves-2026-08-21.tar.xz")
	kc := filepath.Join(shared, "kernel-cves", "linux_kernel_cves-2023-01-27.json.xz")
	if _, err := os.Stat(cna); err != nil {
		t.Skipf("%s is absent (a plain clone has no shared data): cannot build the DB", cna)
	}
	tb, err := exploitdb.Default()
	if err != nil {
		t.Fatal(err)
	}
	tr, err := syzbot.Default()
	if err != nil {
		t.Fatal(err)
	}
	return Inputs{
		Feeds: map[string]Input{
			"kernel-cna":        {Path: cna, Version: "d9dda40c8f21126303839427ebc8652167302488"},
			"linux_kernel_cves": {Path: kc, Version: "07180fb5"},
		},
		Tables: map[string]*registry.Part{"exploits": registry.ExploitsPart(tb), "triggers": registry.TriggersPart(tr)},
	}
}

// kernelIndex is the reach index of the whole cloud package, vmlinuz and
// modules, as make weightdb builds it, from the kernel cache
// (internal/kerneltest: the .deb and kerneltest.FileMapName, written by DBG=1
// scripts/kernel-metrics.sh); cacheDir "" analyses without a cache.
func kernelIndex(t testing.TB, cacheDir string) *analysis.ReachIndex {
	t.Helper()
	img := kerneltest.Deb(t)
	fm := kerneltest.FileMap(t)
	x, _, err := analysis.CachedReachIndex(img, fm, cacheDir, attrib.Incidental)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// TestBuildPrepare: Prepare's attribution and sources replace Attribute
// and add to Sources; its error fails the build even when the feeds read
// well, and comes before a feed's error; Build waits for it in every case.
func TestBuildPrepare(t *testing.T) {
	dir := writeTree(t)
	tab := syscalls.MustForArch(syscalls.X86_64)
	feeds := map[string]Input{"kernel-cna": {Path: dir, Version: "test", Date: "2026-01-02"}}
	ran := 0
	in := Inputs{Feeds: feeds, Methods: []string{"prepared"},
		Attribute: func(attrib.Input) []attrib.Link { t.Error("Attribute called although Prepare is set"); return nil },
		Prepare: func() (Prepared, error) {
			ran++
			return Prepared{
				Attribute: func(r attrib.Input) []attrib.Link {
					if strings.Contains(r.Description, "network stack") {
						return []attrib.Link{{Syscall: "sendmsg", Method: attrib.MethodSite, Evidence: "prepared"}}
					}
					return nil
				},
				Sources: []db.Source{{Name: "prepared-source", Version: "v1", Date: "2026-01-03"}},
				Note:    "made in the test",
			}, nil
		}}
	d, tm, err := Build(in, tab)
	if err != nil {
		t.Fatal(err)
	}
	if ran != 1 {
		t.Errorf("Prepare ran %d times, want 1", ran)
	}
	if s, _ := d.Syscall("sendmsg"); s.CVEs != 1 {
		t.Errorf("sendmsg = %+v, want the one CVE Prepare's attribution links", s)
	}
	if k, _ := d.Syscall("keyctl"); k.CVEs != 0 {
		t.Errorf("keyctl = %+v, want none: Prepare's attribution replaces the text methods", k)
	}
	if n, _ := d.CVECount(); n != 1 {
		t.Errorf("%d CVEs attributed, want 1", n)
	}
	last := d.Meta.Sources[len(d.Meta.Sources)-1]
	if last.Name != "prepared-source" || d.Meta.Built != "2026-01-03T00:00:00Z" {
		t.Errorf("last source %+v, built %s: want Prepare's source, and its date as the newest input's", last, d.Meta.Built)
	}
	if tm.PrepareNote != "made in the test" {
		t.Errorf("PrepareNote = %q", tm.PrepareNote)
	}

	in.Prepare = func() (Prepared, error) { return Prepared{}, os.ErrNotExist }
	if _, _, err := Build(in, tab); err != os.ErrNotExist {
		t.Errorf("Prepare failing: error %v, want Prepare's", err)
	}
	bad := Inputs{Feeds: map[string]Input{"kernel-cna": {Path: filepath.Join(dir, "absent")}},
		Prepare: func() (Prepared, error) { return Prepared{}, os.ErrPermission }}
	if _, _, err := Build(bad, tab); err != os.ErrPermission {
		t.Errorf("Prepare and the feed failing: error %v, want Prepare's", err)
	}
	done := false
	bad.Prepare = func() (Prepared, error) { done = true; return Prepared{}, nil }
	if _, _, err := Build(bad, tab); err == nil || !strings.Contains(err.Error(), "absent") {
		t.Errorf("a missing feed directory: error %v, want it named", err)
	}
	if !done {
		t.Error("Build returned before Prepare finished")
	}
}

// BenchmarkAttribute is db build's attribute phase on one core: every
// record of the pinned kernel CNA snapshot through the text methods, and
// through the default methods with the cloud package's call graph (its
// reach index from the kernel cache). It skips without ../shared or the
// kernel cache, as sharedInputs and kernelIndex do.
func BenchmarkAttribute(b *testing.B) {
	in := sharedInputs(b)
	f, err := os.Open(in.Feeds["kernel-cna"].Path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	recs, _, err := kernelcna.ReadTarXZ(f)
	if err != nil {
		b.Fatal(err)
	}
	text, _ := site.NewAttributor(nil, site.Options{Methods: site.MethodText | site.MethodTrace | site.MethodUAPI})
	b.Run("text", func(b *testing.B) {
		for b.Loop() {
			for _, r := range recs {
				text.Links(attrib.Input{Description: r.Description, Subject: r.Subject, ProgramFiles: r.ProgramFiles})
			}
		}
	})
	b.Run("default", func(b *testing.B) {
		a, err := site.NewAttributor(kernelIndex(b, kerneltest.Dir(b)), site.Options{})
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			for _, r := range recs {
				a.Links(attrib.Input{Description: r.Description, Subject: r.Subject, ProgramFiles: r.ProgramFiles})
			}
		}
	})
}
