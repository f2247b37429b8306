package analysis_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"sysweight/kernel/analysis"
	"sysweight/kernel/analysis/analysistest"
	"sysweight/vuln/attrib"
)

func syntheticIndex(t *testing.T) *analysis.ReachIndex {
	t.Helper()
	x, err := analysis.NewReachIndex(synthetic(t, analysis.Options{Functions: true}), attrib.Incidental)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// The synthetic kernel's reach, worked out by hand from analysistest.Funcs:
// key_validate is two calls from keyctl's and add_key's entries
// (__x64_sys_keyctl → keyctl_read_key → key_validate) and three from
// request_key's; mutex_lock_hub is a hub and not indexed.
func TestReachIndex(t *testing.T) {
	x := syntheticIndex(t)
	if _, err := analysis.NewReachIndex(synthetic(t, analysis.Options{}), nil); err == nil {
		t.Error("an index without Options.Functions was built")
	}
	kv := x.Lookup("key_validate")
	if len(kv) != 1 {
		t.Fatalf("key_validate: %v", kv)
	}
	var got []string
	for _, r := range x.Reach(kv[0]) {
		got = append(got, x.SyscallName(r)+":"+string(rune('0'+r.Depth)))
	}
	// By depth, then syscall index (the order syscalls were met in).
	if want := []string{"keyctl:2", "add_key:2", "request_key:3"}; !reflect.DeepEqual(got, want) {
		t.Errorf("reach of key_validate %v, want %v", got, want)
	}
	if p := x.Path("request_key", kv[0]); !reflect.DeepEqual(p, []string{"__x64_sys_request_key", "request_key_helper", "lookup_user_key", "key_validate"}) {
		t.Errorf("path %v", p)
	}
	if p := x.Path("getpid", kv[0]); p != nil {
		t.Errorf("getpid reaches key_validate: %v", p)
	}
	hub := x.Lookup("mutex_lock_hub")
	if len(hub) != 1 || x.Count(hub[0]) != 0 {
		t.Fatalf("the hub is indexed: %v", hub)
	}
	// The hub is not indexed, but the index's call graph answers for it:
	// each of the 7 syscalls' entries calls it directly (analysistest.Funcs),
	// so all 7 reach it at depth 1.
	hubReach := func(x *analysis.ReachIndex) []string {
		var out []string
		for _, r := range x.ReachAll(hub[0]) {
			out = append(out, x.SyscallName(r)+":"+string(rune('0'+r.Depth)))
		}
		return out
	}
	if got := hubReach(x); len(got) != 7 || strings.Count(strings.Join(got, " "), ":1") != 7 {
		t.Errorf("reach of the hub %v, want 7 syscalls at depth 1", got)
	}
	if p := x.Path("read", hub[0]); !reflect.DeepEqual(p, []string{"__x64_sys_read", "mutex_lock_hub"}) {
		t.Errorf("path to the hub %v", p)
	}
	// The encoding round-trips.
	var b bytes.Buffer
	if _, err := x.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	y, err := analysis.ReadReachIndex(bytes.NewReader(b.Bytes()), attrib.Incidental)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(x.Funcs, y.Funcs) || !reflect.DeepEqual(x.Syscalls, y.Syscalls) || y.Kernel != x.Kernel || !reflect.DeepEqual(hubReach(x), hubReach(y)) {
		t.Error("decoded index differs")
	}
	for _, bad := range [][]byte{nil, []byte("not an index"), b.Bytes()[:b.Len()/2]} {
		if _, err := analysis.ReadReachIndex(bytes.NewReader(bad), nil); err == nil {
			t.Errorf("%d bytes of garbage decoded", len(bad))
		}
	}
}

// TestReachIndexIncidental: the incidental rule comes from the caller.
// Naming request_key_helper and __x64_sys_getpid incidental marks
// request_key's path to key_validate (through request_key_helper) and
// leaves keyctl's and add_key's; the walk back from the hub does not pass
// getpid's entry, so 6 of the 7 syscalls reach the hub (request_key's
// entry calls it directly). Without a rule nothing is incidental.
func TestReachIndexIncidental(t *testing.T) {
	r := synthetic(t, analysis.Options{Functions: true})
	for _, c := range []struct {
		rule func(string) string
		want []string
		hub  int
	}{
		{nil, []string{"keyctl:2:false", "add_key:2:false", "request_key:3:false"}, 7},
		{func(fn string) string {
			if fn == "request_key_helper" || fn == "__x64_sys_getpid" {
				return "test"
			}
			return ""
		}, []string{"keyctl:2:false", "add_key:2:false", "request_key:3:true"}, 6},
	} {
		x, err := analysis.NewReachIndex(r, c.rule)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if _, err := x.WriteTo(&b); err != nil {
			t.Fatal(err)
		}
		y, err := analysis.ReadReachIndex(&b, c.rule)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range []*analysis.ReachIndex{x, y} {
			var got []string
			for _, r := range x.Reach(x.Lookup("key_validate")[0]) {
				got = append(got, fmt.Sprintf("%s:%d:%v", x.SyscallName(r), r.Depth, r.Incidental))
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("reach of key_validate %v, want %v", got, c.want)
			}
			if n := len(x.ReachAll(x.Lookup("mutex_lock_hub")[0])); n != c.hub {
				t.Errorf("the hub is reached by %d syscalls, want %d", n, c.hub)
			}
		}
	}
}

func TestCachedReachIndex(t *testing.T) {
	dir := t.TempDir()
	img := filepath.Join(dir, "vmlinux-test")
	if err := os.WriteFile(img, analysistest.ELF(), 0o644); err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(dir, "cache")
	x, hit, err := analysis.CachedReachIndex(img, "", cache, nil)
	if err != nil || hit {
		t.Fatalf("first call: hit %v, err %v", hit, err)
	}
	y, hit, err := analysis.CachedReachIndex(img, "", cache, nil)
	if err != nil || !hit {
		t.Fatalf("second call: hit %v, err %v", hit, err)
	}
	if !reflect.DeepEqual(x.Funcs, y.Funcs) {
		t.Error("cached index differs")
	}
	// Another image (one byte changed) misses the cache.
	elf := analysistest.ELF()
	elf[len(elf)-1] ^= 0xff
	if err := os.WriteFile(img, elf, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, hit, err := analysis.CachedReachIndex(img, "", cache, nil); hit || err != nil {
		t.Errorf("changed image: hit %v, err %v", hit, err)
	}
}

func TestSiteAttributor(t *testing.T) {
	x := syntheticIndex(t)
	mk := func(o analysis.SiteOptions) *analysis.SiteAttributor {
		a, err := analysis.NewSiteAttributor(x, o)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	links := func(a *analysis.SiteAttributor, desc string) []string {
		var out []string
		for _, l := range a.Links(attrib.Input{Description: desc}) {
			out = append(out, l.Syscall+":"+string(l.Method))
		}
		return out
	}
	kasan := "BUG: KASAN: use-after-free in key_validate+0x1/0x2\n"
	// Three syscalls reach key_validate (≤ K): the nearest two count.
	a := mk(analysis.SiteOptions{})
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
	if got := links(mk(analysis.SiteOptions{MaxSyscalls: 2}), kasan); got != nil {
		t.Errorf("K=2: %v, want none", got)
	}
	if got, want := links(mk(analysis.SiteOptions{MaxSyscalls: 2, Methods: analysis.DefaultMethods | analysis.MethodApart}), kasan), []string{"add_key:apart", "keyctl:apart", "request_key:apart"}; !reflect.DeepEqual(got, want) {
		t.Errorf("K=2, apart: %v, want %v", got, want)
	}
	if got, want := links(mk(analysis.SiteOptions{MaxSyscalls: 2, Dispatchers: true}), kasan), []string{"add_key:site", "keyctl:site"}; !reflect.DeepEqual(got, want) {
		t.Errorf("K=2 with dispatchers: %v, want %v", got, want)
	}
	// MaxDepth 1: key_validate is two calls deep.
	if got := links(mk(analysis.SiteOptions{MaxDepth: 1}), kasan); got != nil {
		t.Errorf("MaxDepth 1: %v, want none", got)
	}
	// A syscall the text names wins: the site method only fills in.
	if got := links(a, kasan+"Reached with the request_key syscall."); !reflect.DeepEqual(got, []string{"request_key:text"}) {
		t.Errorf("fill-in: %v", got)
	}
	if got := links(mk(analysis.SiteOptions{Always: true}), kasan+"Reached with the request_key syscall."); len(got) != 3 {
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
	if _, err := analysis.NewSiteAttributor(nil, analysis.SiteOptions{}); err == nil {
		t.Error("site method without an index")
	}
	if _, err := analysis.NewSiteAttributor(x, analysis.SiteOptions{Methods: analysis.MethodFile}); err == nil {
		t.Error("file method without files")
	}
}
