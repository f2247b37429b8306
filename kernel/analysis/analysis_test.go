package analysis_test

import (
	"bytes"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"sysweight/kernel/analysis"
	"sysweight/kernel/analysis/analysistest"
	"sysweight/kernel/image"
	"sysweight/kernel/kallsyms"
	"sysweight/vuln/attrib"
)

func syntheticF(f *testing.F) *analysis.Report {
	elf := analysistest.ELF()
	im, err := image.Load(bytes.NewReader(elf), int64(len(elf)))
	if err != nil {
		f.Fatal(err)
	}
	r, err := analysis.Analyze(im, analysis.Options{})
	if err != nil {
		f.Fatal(err)
	}
	return r
}

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

func TestFunctionLinks(t *testing.T) {
	r := synthetic(t, analysis.Options{})
	mk := func(o analysis.AttribOptions) *analysis.Attributor {
		a, err := analysis.NewAttributor(r, o)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	desc := "A use-after-free in key_validate() can be hit; see mutex_lock_hub() and __x64_sys_read+0x10/0x20."
	a := mk(analysis.AttribOptions{})
	// key_validate: keyctl and add_key at depth 3 are nearest; request_key
	// (depth 4) is not. The hub attributes nothing; __x64_sys_read is the
	// text method's.
	want := []attrib.Link{
		{Syscall: "add_key", Method: attrib.MethodFunction, Evidence: "add_key → lookup_user_key → key_validate"},
		{Syscall: "keyctl", Method: attrib.MethodFunction, Evidence: "keyctl → keyctl_read_key → key_validate"},
	}
	if got := a.FunctionLinks(desc); !reflect.DeepEqual(sorted(got), want) {
		t.Errorf("FunctionLinks = %v, want %v", got, want)
	}
	// Links: the text method finds read (__x64_sys_read), so by default the
	// call graph adds nothing.
	if got := a.Links(desc, nil); len(got) != 1 || got[0].Syscall != "read" || got[0].Method != attrib.MethodText {
		t.Errorf("Links = %v, want only read by text", got)
	}
	all := mk(analysis.AttribOptions{Always: true, AllDepths: true})
	got := all.Links(desc, nil)
	var names []string
	for _, l := range got {
		names = append(names, l.Syscall+":"+string(l.Method))
	}
	if w := []string{"add_key:function", "keyctl:function", "read:text", "request_key:function"}; !reflect.DeepEqual(names, w) {
		t.Errorf("Links(Always, AllDepths) = %v, want %v", names, w)
	}
	if l := got[3]; l.Evidence != "request_key → request_key_helper → lookup_user_key → key_validate" {
		t.Errorf("evidence %q", l.Evidence)
	}
	// K=2: key_validate (3 syscalls) is too general; keyctl_read_key (1)
	// still names keyctl.
	k2 := mk(analysis.AttribOptions{MaxSyscalls: 2})
	if got := k2.FunctionLinks("bug in key_validate() via keyctl_read_key"); len(got) != 1 || got[0].Syscall != "keyctl" {
		t.Errorf("K=2: %v", got)
	}
	// Not function mentions: a member access, a file name, an unreliable
	// trace frame, a word without an underscore or parentheses.
	for _, d := range []string{"ops->key_validate()", "security/keys/key_validate.c", " ? key_validate+0x1/0x2", "lookup"} {
		if got := a.FunctionLinks(d); got != nil {
			t.Errorf("%q: %v", d, got)
		}
	}
}

func sorted(ls []attrib.Link) []attrib.Link {
	out := slices.Clone(ls)
	slices.SortFunc(out, func(a, b attrib.Link) int { return strings.Compare(a.Syscall, b.Syscall) })
	return out
}

func TestFileLinks(t *testing.T) {
	r := synthetic(t, analysis.Options{})
	if _, err := analysis.NewAttributor(r, analysis.AttribOptions{Methods: analysis.MethodFile}); !errors.Is(err, analysis.ErrNoFileMap) {
		t.Fatalf("file method without a map: %v", err)
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
	a, err := analysis.NewAttributor(r, analysis.AttribOptions{Methods: analysis.MethodText | analysis.MethodFile})
	if err != nil {
		t.Fatal(err)
	}
	// lookup_user_key: add_key at depth 2 is nearer than request_key (3).
	got := a.FileLinks([]string{"./security/keys/process_keys.c", "kernel/locking/mutex.c"})
	want := []attrib.Link{{Syscall: "add_key", Method: attrib.MethodFile, Evidence: "security/keys/process_keys.c: add_key → lookup_user_key"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("FileLinks = %v, want %v", got, want)
	}
	if got := a.Links("", []string{"fs/read_write.c"}); len(got) != 1 || got[0].Evidence != "fs/read_write.c: read → ksys_read" {
		t.Errorf("Links = %v", got)
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
	if _, err := analysis.NewAttributor(back, analysis.AttribOptions{}); !errors.Is(err, analysis.ErrNoCallGraph) {
		t.Errorf("attributor on a loaded report: %v", err)
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

func TestParseMethods(t *testing.T) {
	m, err := analysis.ParseMethods("text+function+file")
	if err != nil || m != analysis.MethodText|analysis.MethodFunction|analysis.MethodFile || m.String() != "text+function+file" {
		t.Errorf("%v %v", m, err)
	}
	if _, err := analysis.ParseMethods("text+magic"); err == nil {
		t.Error("text+magic accepted")
	}
}

func TestFileMapRoundTrip(t *testing.T) {
	fm := &analysis.FileMap{Source: "vmlinux-test", Entries: []analysis.FileEntry{
		{Addr: 0xffffffff81000000, Name: "a", File: "fs/a.c"},
		{Addr: 0xffffffff81000010, Name: "b c", File: "fs/a.c"},
		{Addr: 0xffffffff81000020, Name: "d", File: "net/d.c"},
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
	for _, c := range []struct{ in, want string }{
		{"", "line 0: want the header"},
		{"# sysweight file map v1\nsource x\nfiles 1\nfs/a.c\nzz 0 f\n", `line 5: want a hex address`},
		{"# sysweight file map v1\nsource x\nfiles 1\nfs/a.c\n10 1 f\n", "file number below 1"},
		{"# sysweight file map v1\nsource x\nfiles 2\nfs/a.c\n", "line 4: want a file name"},
		{"# sysweight file map v1\nsource x\nfiles -1\n", `want "files N"`},
	} {
		_, err := analysis.ReadFileMap(strings.NewReader(c.in))
		if !errors.Is(err, analysis.ErrBadFileMap) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.in, err, c.want)
		}
	}
}
