package analysis_test

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"sysweight/kernel/analysis"
	"sysweight/kernel/analysis/analysistest"
	"sysweight/kernel/image"
	"sysweight/kernel/kallsyms"
)

func synthetic(t *testing.T, opt analysis.Options) *analysis.Report {
	t.Helper()
	elf := analysistest.ELF()
	im, err := image.Load(bytes.NewReader(elf), int64(len(elf)))
	if err != nil {
		t.Fatal(err)
	}
	r, err := analysis.Analyze(im, opt)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestSyntheticMetrics checks the figures of the synthetic kernel, worked
// out by hand from analysistest.Funcs: every function has CC 1 except
// key_validate (one conditional jump: CC 2); mutex_lock_hub is the only
// hub (7 of 7 syscalls reach it, more than 0.5·7).
func TestSyntheticMetrics(t *testing.T) {
	r := synthetic(t, analysis.Options{})
	if r.SymbolSource != "symtab" || r.Kernel.Banner != analysistest.Banner {
		t.Errorf("source %q banner %q", r.SymbolSource, r.Kernel.Banner)
	}
	s := r.Summary
	// 13 functions plus the _text label, which shares __x64_sys_keyctl's
	// address and so becomes one of its names.
	if s.Functions != 13 || s.Syscalls != 7 || s.Hubs != 1 || s.NotImplemented != 0 || s.UndecodedBytes != 0 || s.IndirectCalls != 0 {
		t.Errorf("summary %+v", s)
	}
	want := map[string][4]int{ // reach, complexity, reach_all, complexity_all
		"keyctl":      {3, 4, 4, 5}, // entry, keyctl_read_key, key_validate (+hub)
		"add_key":     {3, 4, 4, 5}, // entry, lookup_user_key, key_validate
		"request_key": {4, 5, 5, 6}, // entry, request_key_helper, lookup_user_key, key_validate
		"getpid":      {1, 1, 2, 2}, // entry
		"read":        {2, 2, 3, 3}, // entry, ksys_read
	}
	for name, w := range want {
		m, ok := r.Syscall(name)
		if !ok {
			t.Errorf("%s: missing", name)
			continue
		}
		if got := [4]int{m.Reach, m.Complexity, m.ReachAll, m.ComplexityAll}; got != w || m.Shared != 1 {
			t.Errorf("%s: reach, complexity, all = %v shared %d, want %v shared 1", name, got, m.Shared, w)
		}
	}
	m, _ := r.Syscall("keyctl")
	// Functions specific to keyctl (reached by at most max(1, 7/20) = 1
	// syscall) come first: the entry and keyctl_read_key, CC 1 each, by
	// address; then key_validate (CC 2), which add_key and request_key
	// reach too.
	if want := []analysis.FuncCC{{"__x64_sys_keyctl", 1}, {"keyctl_read_key", 1}, {"key_validate", 2}}; !reflect.DeepEqual(m.Top, want) {
		t.Errorf("keyctl top %v, want %v", m.Top, want)
	}
	// The report's order is the syscall table's: read (0) first.
	if r.Syscalls[0].Name != "read" {
		t.Errorf("first syscall %s, want read", r.Syscalls[0].Name)
	}
}

func TestSyntheticGraph(t *testing.T) {
	g := synthetic(t, analysis.Options{}).Graph()
	fn := func(name string) int {
		l := g.Lookup(name)
		if len(l) != 1 {
			t.Fatalf("%s: %v", name, l)
		}
		return l[0]
	}
	kv := fn("key_validate")
	if got := g.Syscalls(kv); !reflect.DeepEqual(got, []string{"add_key", "request_key", "keyctl"}) { // by number: 248, 249, 250
		t.Errorf("key_validate reached by %v", got)
	}
	if got := g.Path("request_key", kv); !reflect.DeepEqual(got, []string{"__x64_sys_request_key", "request_key_helper", "lookup_user_key", "key_validate"}) {
		t.Errorf("path %v", got)
	}
	if got := g.Path("getpid", kv); got != nil {
		t.Errorf("getpid reaches key_validate: %v", got)
	}
	hub := fn("mutex_lock_hub")
	if !g.Hub(hub) || g.Count(hub) != 0 || g.Syscalls(hub) != nil {
		t.Errorf("hub: %v %d %v", g.Hub(hub), g.Count(hub), g.Syscalls(hub))
	}
	if c := g.Count(fn("lookup_user_key")); c != 2 {
		t.Errorf("lookup_user_key count %d, want 2 (add_key, request_key)", c)
	}
}

// TestSetFileMap gives the synthetic kernel's functions files as a
// FileMap from DWARF would (the entry at a wrong address matches nothing)
// and reads them back through the Graph.
func TestSetFileMap(t *testing.T) {
	r := synthetic(t, analysis.Options{})
	g := r.Graph()
	if g.HasFiles() || g.FuncsInFile("fs/read_write.c") != nil || len(g.FuncsInFile("")) != r.Summary.Functions {
		t.Errorf("files before SetFileMap: %v %v %d", g.HasFiles(), g.FuncsInFile("fs/read_write.c"), len(g.FuncsInFile("")))
	}
	_, addr := analysistest.Text()
	fm := &analysis.FileMap{Entries: []analysis.FileEntry{
		{Addr: addr["key_validate"], Name: "key_validate", File: "security/keys/permission.c"},
		{Addr: addr["lookup_user_key"], Name: "lookup_user_key", File: "security/keys/process_keys.c"},
		{Addr: addr["ksys_read"], Name: "ksys_read", File: "fs/read_write.c"},
		{Addr: addr["mutex_lock_hub"], Name: "mutex_lock_hub", File: "kernel/locking/mutex.c"},
		{Addr: addr["getpid_wrong"] + 1, Name: "nothing_here", File: "x.c"},
	}}
	if n := r.SetFileMap(fm); n != 4 {
		t.Errorf("SetFileMap matched %d, want 4", n)
	}
	if got := g.FuncsInFile("./security/keys/process_keys.c"); !reflect.DeepEqual(got, g.Lookup("lookup_user_key")) {
		t.Errorf("functions of process_keys.c: %v", got)
	}
	if !g.HasFiles() || g.FuncsInFile("x.c") != nil || len(g.FuncsInFile("")) != r.Summary.Functions-4 {
		t.Errorf("files after SetFileMap: %v %v %d", g.HasFiles(), g.FuncsInFile("x.c"), len(g.FuncsInFile("")))
	}
}

// TestSetFileMapInlined: the inlinings of names the kernel has no
// function for reach the Graph; those of names it has, or into names it
// has not, do not.
func TestSetFileMapInlined(t *testing.T) {
	r := synthetic(t, analysis.Options{})
	g := r.Graph()
	fm := &analysis.FileMap{Inlined: []analysis.Inline{
		{Name: "key_check", File: "security/keys/internal.h", Into: "lookup_user_key"},
		{Name: "key_check", File: "security/keys/internal.h", Into: "key_validate"},
		{Name: "key_check", File: "security/keys/internal.h", Into: "no_such_function"},
		{Name: "key_validate", File: "security/keys/permission.c", Into: "lookup_user_key"},
	}}
	if into, files := g.InlinedInto("key_check"); into != nil || files != nil {
		t.Errorf("before SetFileMap: %v %v", into, files)
	}
	r.SetFileMap(fm)
	into, files := g.InlinedInto("key_check")
	if !reflect.DeepEqual(into, []string{"key_validate", "lookup_user_key"}) || !reflect.DeepEqual(files, []string{"security/keys/internal.h"}) {
		t.Errorf("key_check inlined into %v, declared in %v", into, files)
	}
	if into, _ := g.InlinedInto("key_validate"); into != nil {
		t.Errorf("key_validate has a function, yet inlined into %v", into)
	}
}

func TestSymbolsKASLR(t *testing.T) {
	res, err := kallsyms.ParseMap(strings.NewReader(analysistest.SystemMap(0x3e00000)), kallsyms.MapOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := synthetic(t, analysis.Options{Symbols: res.Symbols})
	ref := synthetic(t, analysis.Options{})
	if r.SymbolSource != "map" || !reflect.DeepEqual(r.Syscalls, ref.Syscalls) {
		t.Errorf("rebased map: source %s, syscalls differ: %v", r.SymbolSource, r.Syscalls)
	}
}

func TestReportRoundTrip(t *testing.T) {
	r := synthetic(t, analysis.Options{Functions: true})
	r.Kernel.Package = "linux-image-test 1"
	var b bytes.Buffer
	if err := r.Encode(&b); err != nil {
		t.Fatal(err)
	}
	back, err := analysis.LoadReport(&b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Syscalls, r.Syscalls) || !reflect.DeepEqual(back.Functions, r.Functions) || back.Kernel != r.Kernel || back.Graph() != nil {
		t.Error("round trip changed the report")
	}
}

func TestLoadReportBad(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{`, "unexpected EOF"},
		{`{"analysis_version": 99, "arch": "x86_64"}`, "analysis_version 99"},
		{`{"analysis_version": 1, "arch": "vax", "syscalls": [{"name": "read"}]}`, `arch "vax"`},
		{`{"analysis_version": 1, "arch": "x86_64", "syscalls": [{"name": "frobnicate"}]}`, `"frobnicate" is not`},
		{`{"analysis_version": 1, "arch": "x86_64", "syscalls": [{"name": "read"}, {"name": "read"}]}`, "listed twice"},
		{`{"analysis_version": 1, "arch": "x86_64", "syscalls": [{"name": "read", "reach": -1}]}`, "negative"},
		{`{"analysis_version": 1, "arch": "x86_64", "syscalls": []}`, "no syscalls"},
	} {
		_, err := analysis.LoadReport(strings.NewReader(c.in))
		if !errors.Is(err, analysis.ErrBadReport) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.in, err, c.want)
		}
	}
}

func TestFileMapRoundTrip(t *testing.T) {
	fm := &analysis.FileMap{Source: "vmlinux-test", Entries: []analysis.FileEntry{
		{Addr: 0xffffffff81000000, Name: "a", File: "fs/a.c"},
		{Addr: 0xffffffff81000010, Name: "b c", File: "fs/a.c"},
		{Addr: 0xffffffff81000020, Name: "d", File: "net/d.c"},
	}, Inlined: []analysis.Inline{
		{Name: "h", File: "include/h.h", Into: "a"},
		{Name: "h", File: "include/h.h", Into: "d"},
		{Name: "s", File: "fs/a.c", Into: "a"},
	}}
	var b bytes.Buffer
	if _, err := fm.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	back, err := analysis.ReadFileMap(&b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, fm) {
		t.Errorf("round trip: %+v", back)
	}
	// A map of the first version, without inlinings, still reads.
	v1, err := analysis.ReadFileMap(strings.NewReader("# sysweight file map v1\nsource x\nfiles 1\nfs/a.c\nffffffff81000000 0 a\n"))
	if err != nil || len(v1.Entries) != 1 || v1.Entries[0].File != "fs/a.c" || v1.Inlined != nil {
		t.Errorf("v1: %+v, %v", v1, err)
	}
	for _, c := range []struct{ in, want string }{
		{"", "line 0: want the header"},
		{"# sysweight file map v1\nsource x\nfiles 1\nfs/a.c\nzz 0 f\n", `line 5: want a hex address`},
		{"# sysweight file map v1\nsource x\nfiles 1\nfs/a.c\n10 1 f\n", "file number below 1"},
		{"# sysweight file map v1\nsource x\nfiles 2\nfs/a.c\n", "line 4: want a file name"},
		{"# sysweight file map v1\nsource x\nfiles -1\n", `want "files N"`},
		{"# sysweight file map v2\nsource x\nfiles 1\nfs/a.c\n10 0 f\n", `line 5: want "inlined N", got "end of input"`},
		{"# sysweight file map v2\nsource x\nfiles 1\nfs/a.c\ninlined 2\nh 0 f\n", `line 6: want "NAME FILE# INTO", got "end of input"`},
		{"# sysweight file map v2\nsource x\nfiles 1\nfs/a.c\ninlined 1\nh f\n", `line 6: want "NAME FILE# INTO"`},
		{"# sysweight file map v2\nsource x\nfiles 1\nfs/a.c\ninlined 1\nh 3 f\n", `line 6: want a file number below 1`},
		{"# sysweight file map v2\nsource x\nfiles 1\nfs/a.c\ninlined 1\nh 0 f\n10 0 g\n", `line 7: want the end of input after the inlined section`},
		{"# sysweight file map v1\nsource x\nfiles 1\nfs/a.c\ninlined 0\n", `line 5: want "ADDR FILE# NAME"`},
	} {
		_, err := analysis.ReadFileMap(strings.NewReader(c.in))
		if !errors.Is(err, analysis.ErrBadFileMap) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.in, err, c.want)
		}
	}
}
