package site_test

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
	"sysweight/vuln/attrib"
	"sysweight/vuln/attrib/site"
)

// kernel/analysis's call graphs are what the attributors read.
var (
	_ site.CallGraph = (*analysis.ReachIndex)(nil)
	_ site.Reach     = (*analysis.Graph)(nil)
)

// synthetic analyses kernel/analysis's tiny synthetic kernel
// (analysistest.Funcs: its call graph is worked out by hand there).
func synthetic(t testing.TB, opt analysis.Options) *analysis.Report {
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

// syntheticIndex is the synthetic kernel's ReachIndex, incidental paths
// marked by vuln/attrib's rule as db build marks them.
func syntheticIndex(t *testing.T) *analysis.ReachIndex {
	t.Helper()
	x, err := analysis.NewReachIndex(synthetic(t, analysis.Options{Functions: true}), attrib.Incidental)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func TestAttributor(t *testing.T) {
	x := syntheticIndex(t)
	mk := func(o site.Options) *site.Attributor {
		a, err := site.NewAttributor(x, o)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	links := func(a *site.Attributor, desc string) []string {
		var out []string
		for _, l := range a.Links(attrib.Input{Description: desc}) {
			out = append(out, l.Syscall+":"+string(l.Method))
		}
		return out
	}
	kasan := "BUG: KASAN: use-after-free in key_validate+0x1/0x2\n"
	// Three syscalls reach key_validate (≤ K): the nearest two count.
	a := mk(site.Options{})
	if got, want := links(a, kasan), []string{"add_key:site", "keyctl:site"}; !reflect.DeepEqual(got, want) {
		t.Errorf("crash site: %v, want %v", got, want)
	}
	l := a.Links(attrib.Input{Description: kasan})[1]
	if !reflect.DeepEqual(l.Path, []string{"__x64_sys_keyctl", "keyctl_read_key", "key_validate"}) || l.Evidence != "crash key_validate: keyctl → keyctl_read_key → key_validate" {
		t.Errorf("keyctl link %+v", l)
	}
	// With K = 2 the site is too general and links nowhere by reach
	// alone; with Dispatchers, keyctl and add_key are dispatchers, and
	// the nearest. With the apart method, the three syscalls within one
	// call of the nearest (add_key and keyctl 2 calls away, request_key
	// 3) are at most apartMax and no other syscall reaches it: all three
	// link.
	if got := links(mk(site.Options{MaxSyscalls: 2}), kasan); got != nil {
		t.Errorf("K=2: %v, want none", got)
	}
	if got, want := links(mk(site.Options{MaxSyscalls: 2, Methods: site.DefaultMethods | site.MethodApart}), kasan), []string{"add_key:apart", "keyctl:apart", "request_key:apart"}; !reflect.DeepEqual(got, want) {
		t.Errorf("K=2, apart: %v, want %v", got, want)
	}
	if got, want := links(mk(site.Options{MaxSyscalls: 2, Dispatchers: true}), kasan), []string{"add_key:site", "keyctl:site"}; !reflect.DeepEqual(got, want) {
		t.Errorf("K=2 with dispatchers: %v, want %v", got, want)
	}
	// MaxDepth 1: key_validate is two calls deep.
	if got := links(mk(site.Options{MaxDepth: 1}), kasan); got != nil {
		t.Errorf("MaxDepth 1: %v, want none", got)
	}
	// A syscall the text names wins: the site method only fills in.
	if got := links(a, kasan+"Reached with the request_key syscall."); !reflect.DeepEqual(got, []string{"request_key:text"}) {
		t.Errorf("fill-in: %v", got)
	}
	if got := links(mk(site.Options{Always: true}), kasan+"Reached with the request_key syscall."); len(got) != 3 {
		t.Errorf("Always: %v", got)
	}
	// A function the graph does not reach, named as an operations method.
	if got := links(a, "Race in the fixture_setsockopt function."); !reflect.DeepEqual(got, []string{"setsockopt:site"}) {
		t.Errorf("ops method: %v", got)
	}
	// A function merely mentioned, not pointed at, in a record without
	// files: nothing.
	if got := links(a, "Callers take care to call keyctl_read_key() first."); got != nil {
		t.Errorf("mention: %v", got)
	}
	// Pointed at: "in keyctl_read_key()".
	if got := links(a, "A missing check in keyctl_read_key() lets a user read a key."); !reflect.DeepEqual(got, []string{"keyctl:site"}) {
		t.Errorf("phrase: %v", got)
	}
	if _, err := site.NewAttributor(nil, site.Options{}); err == nil {
		t.Error("site method without an index")
	}
	if _, err := site.NewAttributor(x, site.Options{Methods: site.MethodFile}); err == nil {
		t.Error("file method without files")
	}
}

func TestFunctionLinks(t *testing.T) {
	r := synthetic(t, analysis.Options{})
	mk := func(o site.FunctionOptions) *site.FunctionAttributor {
		a, err := site.NewFunctionAttributor(r.Graph(), o)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	desc := "A use-after-free in key_validate() can be hit; see mutex_lock_hub() and __x64_sys_read+0x10/0x20."
	a := mk(site.FunctionOptions{})
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
	all := mk(site.FunctionOptions{Always: true, AllDepths: true})
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
	k2 := mk(site.FunctionOptions{MaxSyscalls: 2})
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
	if _, err := site.NewFunctionAttributor(r.Graph(), site.FunctionOptions{Methods: site.MethodFile}); !errors.Is(err, site.ErrNoFileMap) {
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
	a, err := site.NewFunctionAttributor(r.Graph(), site.FunctionOptions{Methods: site.MethodText | site.MethodFile})
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

func TestParseMethods(t *testing.T) {
	m, err := site.ParseMethods("text+function+file")
	if err != nil || m != site.MethodText|site.MethodFunction|site.MethodFile || m.String() != "text+function+file" {
		t.Errorf("%v %v", m, err)
	}
	if _, err := site.ParseMethods("text+magic"); err == nil {
		t.Error("text+magic accepted")
	}
}
