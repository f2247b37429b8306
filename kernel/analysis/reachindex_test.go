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
)

// The synthetic kernel's reach, worked out by hand from analysistest.Funcs:
// key_validate is two calls from keyctl's and add_key's entries
// (__x64_sys_keyctl → keyctl_read_key → key_validate) and three from
// request_key's; mutex_lock_hub is a hub and not indexed.
func TestReachIndex(t *testing.T) {
	x, err := analysis.NewReachIndex(synthetic(t, analysis.Options{Functions: true}), nil)
	if err != nil {
		t.Fatal(err)
	}
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
	y, err := analysis.ReadReachIndex(bytes.NewReader(b.Bytes()), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(x.Funcs, y.Funcs) || !reflect.DeepEqual(x.Syscalls, y.Syscalls) || y.Kernel != x.Kernel || !reflect.DeepEqual(hubReach(x), hubReach(y)) {
		t.Error("decoded index differs")
	}
	// So do the inlinings.
	x.Inlined = map[string]analysis.Inlining{
		"key_check": {Into: []string{"key_validate", "lookup_user_key"}, Files: []string{"security/keys/internal.h"}},
		"x_none":    {Into: []string{"ksys_read"}},
	}
	b.Reset()
	if _, err := x.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	if y, err = analysis.ReadReachIndex(bytes.NewReader(b.Bytes()), nil); err != nil {
		t.Fatal(err)
	}
	if into, files := y.InlinedInto("key_check"); !reflect.DeepEqual(into, []string{"key_validate", "lookup_user_key"}) || !reflect.DeepEqual(files, []string{"security/keys/internal.h"}) {
		t.Errorf("decoded inlining of key_check: %v %v", into, files)
	}
	if into, files := y.InlinedInto("x_none"); !reflect.DeepEqual(into, []string{"ksys_read"}) || len(files) != 0 {
		t.Errorf("decoded inlining of x_none: %v %v", into, files)
	}
	// And the members functions are called as.
	x.Funcs[kv[0]].CalledAs = []string{"file_operations.read", "table io_op_defs"}
	x.Funcs[hub[0]].CalledAs = []string{"file_operations.read"}
	x.Funcs[hub[0]].Dir = "drivers/md/"
	b.Reset()
	if _, err := x.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	if y, err = analysis.ReadReachIndex(bytes.NewReader(b.Bytes()), nil); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(x.Funcs, y.Funcs) || !reflect.DeepEqual(y.CalledAs(kv[0]), []string{"file_operations.read", "table io_op_defs"}) {
		t.Errorf("decoded members: %v", y.CalledAs(kv[0]))
	}
	if y.ModuleDir(hub[0]) != "drivers/md/" || y.ModuleDir(kv[0]) != "" {
		t.Errorf("decoded module directories: %q %q", y.ModuleDir(hub[0]), y.ModuleDir(kv[0]))
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

// TestReachers checks the answers vuln/attrib/site reads, on the synthetic
// kernel: key_validate within 2 calls (keyctl and add_key; request_key is 3
// away), the hub only when hubs are walked (each entry calls it: depth 1),
// and the Graph's own answer in the report's order (by number: add_key
// 248, request_key 249, keyctl 250).
func TestReachers(t *testing.T) {
	r := synthetic(t, analysis.Options{Functions: true})
	x, err := analysis.NewReachIndex(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	collect := func(reachers func(f, maxDepth int, hubs bool, yield func(string, int, bool)), f, maxDepth int, hubs bool) []string {
		var out []string
		reachers(f, maxDepth, hubs, func(s string, d int, inc bool) {
			out = append(out, fmt.Sprintf("%s:%d:%v", s, d, inc))
		})
		return out
	}
	kv, hub := x.Lookup("key_validate")[0], x.Lookup("mutex_lock_hub")[0]
	if got, want := collect(x.Reachers, kv, 2, false), []string{"keyctl:2:false", "add_key:2:false"}; !reflect.DeepEqual(got, want) {
		t.Errorf("index, key_validate within 2: %v, want %v", got, want)
	}
	if got := collect(x.Reachers, hub, -1, false); got != nil {
		t.Errorf("index, the hub without hubs: %v, want none", got)
	}
	if got := collect(x.Reachers, hub, 1, true); len(got) != 7 || strings.Count(strings.Join(got, " "), ":1:") != 7 {
		t.Errorf("index, the hub: %v, want 7 syscalls at depth 1", got)
	}
	if got := collect(x.Reachers, hub, 0, true); got != nil {
		t.Errorf("index, the hub within 0 calls: %v, want none", got)
	}
	g := r.Graph()
	if got, want := collect(g.Reachers, kv, -1, true), []string{"add_key:2:false", "request_key:3:false", "keyctl:2:false"}; !reflect.DeepEqual(got, want) {
		t.Errorf("graph, key_validate: %v, want %v", got, want)
	}
	if got := collect(g.Reachers, hub, -1, true); got != nil {
		t.Errorf("graph, the hub: %v, want none", got)
	}
}
