package site_test

import (
	"reflect"
	"strings"
	"testing"

	"sysweight/vuln/attrib"
	"sysweight/vuln/attrib/site"
)

// fakeGraph is a CallGraph written out by hand, to show that the
// attributor needs nothing of kernel/analysis but the interface.
type fakeGraph struct {
	funcs   []fakeFunc
	inlined map[string][2][]string // name → into, files
}

type fakeFunc struct {
	name, file string
	dir        string        // a module function's source directory
	reach      []fakeReacher // indexed: reached by at most a few syscalls
	walk       []fakeReacher // a hub's, found only by walking back
	calledAs   []string      // the members indirect calls reach it through
}

type fakeReacher struct {
	syscall    string
	path       []string // entry first; its length − 1 is the depth
	incidental bool
}

func (g *fakeGraph) Lookup(name string) []int {
	var out []int
	for f, fn := range g.funcs {
		if fn.name == name {
			out = append(out, f)
		}
	}
	return out
}

func (g *fakeGraph) InlinedInto(name string) (into, files []string) {
	x := g.inlined[name]
	return x[0], x[1]
}

func (g *fakeGraph) CalledAs(f int) []string { return g.funcs[f].calledAs }
func (g *fakeGraph) FileOf(f int) string     { return g.funcs[f].file }

func (g *fakeGraph) ModuleDir(f int) string { return g.funcs[f].dir }

func (g *fakeGraph) Count(f int) int { return len(g.funcs[f].reach) }

func (g *fakeGraph) Reachers(f, maxDepth int, hubs bool, yield func(string, int, bool)) {
	rs := g.funcs[f].reach
	if len(rs) == 0 && hubs {
		rs = g.funcs[f].walk
	}
	for _, r := range rs {
		if d := len(r.path) - 1; maxDepth < 0 || d <= maxDepth {
			yield(r.syscall, d, r.incidental)
		}
	}
}

func (g *fakeGraph) Path(syscall string, f int) []string {
	for _, r := range append(g.funcs[f].reach, g.funcs[f].walk...) {
		if r.syscall == syscall {
			return r.path
		}
	}
	return nil
}

func (g *fakeGraph) FuncsInFile(file string) []int {
	var out []int
	for f, fn := range g.funcs {
		if fn.file == file {
			out = append(out, f)
		}
	}
	return out
}

func (g *fakeGraph) HasFiles() bool { return true }

func (g *fakeGraph) Extend(path []string, f, maxDepth int) []string { return nil }

// calls is a path of n calls from the syscall's entry through made-up
// functions to fn.
func calls(syscall string, n int, fn string) []string {
	p := []string{"__x64_sys_" + syscall}
	for i := 1; i < n; i++ {
		p = append(p, syscall+"_step"+strings.Repeat("x", i))
	}
	return append(p, fn)
}

// TestAttributorOverInterface runs the site, apart and file methods over
// fakeGraph:
//   - bug_fn is one call from exit_group, through exit (incidental), and
//     three from read: the crash site links read alone;
//   - shared_fn is a hub: the site method cannot use it; the apart rule
//     walks back to ioctl at 4 (never linked by the rule), mount at 5,
//     fsconfig at 6 and the rest at 10 or more, a gap of 4 ≥ 3: mount and
//     fsconfig link;
//   - fs/x.c defines x_write, reached by write (2 calls) and pwrite64 (3):
//     the file method links write.
func TestAttributorOverInterface(t *testing.T) {
	g := &fakeGraph{funcs: []fakeFunc{
		{name: "bug_fn", reach: []fakeReacher{
			{"exit_group", calls("exit_group", 1, "bug_fn"), true},
			{"read", calls("read", 3, "bug_fn"), false},
		}},
		{name: "shared_fn", walk: []fakeReacher{
			{"ioctl", calls("ioctl", 4, "shared_fn"), false},
			{"mount", calls("mount", 5, "shared_fn"), false},
			{"fsconfig", calls("fsconfig", 6, "shared_fn"), false},
			{"read", calls("read", 10, "shared_fn"), false},
			{"write", calls("write", 11, "shared_fn"), false},
		}},
		{name: "x_write", file: "fs/x.c", reach: []fakeReacher{
			{"write", calls("write", 2, "x_write"), false},
			{"pwrite64", calls("pwrite64", 3, "x_write"), false},
		}},
		{name: "x_newset", file: "net/x.c", reach: []fakeReacher{
			{"sendmsg", calls("sendmsg", 2, "x_newset"), false},
		}},
	}, inlined: map[string][2][]string{
		"x_parse":  {{"x_newset"}, {"net/x.c"}},
		"x_helper": {{"a1", "a2", "a3", "a4", "x_newset"}, {"net/x.c"}},
		"x_get":    {{"x_newset"}, {"include/x.h"}},
	}}
	a, err := site.NewAttributor(g, site.Options{Methods: site.DefaultMethods | site.MethodApart | site.MethodFile})
	if err != nil {
		t.Fatal(err)
	}
	links := func(in attrib.Input) []string {
		var out []string
		for _, l := range a.Links(in) {
			out = append(out, l.Syscall+":"+string(l.Method)+": "+l.Evidence)
		}
		return out
	}
	for _, c := range []struct {
		in   attrib.Input
		want []string
	}{
		{attrib.Input{Description: "BUG: KASAN: use-after-free in bug_fn+0x10/0x20\n"},
			[]string{"read:site: crash bug_fn: read → read_stepx → read_stepxx → bug_fn"}},
		{attrib.Input{Description: "BUG: KASAN: use-after-free in shared_fn+0x10/0x20\n"},
			[]string{
				"fsconfig:apart: crash shared_fn (shared code; nearest syscalls at 5–6 calls, the next at 10): fsconfig → fsconfig_stepx → … → fsconfig_stepxxxxx → shared_fn",
				"mount:apart: crash shared_fn (shared code; nearest syscalls at 5–6 calls, the next at 10): mount → mount_stepx → … → mount_stepxxxx → shared_fn",
			}},
		{attrib.Input{Description: "A leak.", ProgramFiles: []string{"./fs/x.c"}},
			[]string{"write:file: fs/x.c: write → write_stepx → x_write"}},
		// A function inlined into one other is looked up as it, and is
		// defined where it is; one inlined into five is a helper and
		// names no place.
		{attrib.Input{Description: "x: fix an overflow in x_parse()\n\nx_parse() reads too far.", ProgramFiles: []string{"net/x.c"}},
			[]string{
				"sendmmsg:sibling: as sendmsg: named x_parse (inlined into x_newset): sendmsg → sendmsg_stepx →",
				"sendmsg:site: named x_parse (inlined into x_newset): sendmsg → sendmsg_stepx → x_newset",
				"sendto:sibling: as sendmsg: named x_parse (inlined into x_newset): sendmsg → sendmsg_stepx →",
			}},
		{attrib.Input{Description: "x: fix an overflow in x_helper()\n\nx_helper() reads too far.", ProgramFiles: []string{"net/y.c"}},
			nil},
		// A header's helper inlined into a function of the record's file
		// is not placed there, as the record's file does not declare it:
		// only the file method links.
		{attrib.Input{Description: "x: handle x_get() errors\n\nThe x_get() function may fail.", ProgramFiles: []string{"net/x.c"}},
			[]string{
				"sendmmsg:sibling: as sendmsg: net/x.c: sendmsg → sendmsg_stepx → x_newset",
				"sendmsg:file: net/x.c: sendmsg → sendmsg_stepx → x_newset",
				"sendto:sibling: as sendmsg: net/x.c: sendmsg → sendmsg_stepx → x_newset",
			}},
	} {
		if got := links(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: %q, want %q", c.in.Description, got, c.want)
		}
	}
	// Without the apart method the hub links nowhere.
	def, _ := site.NewAttributor(g, site.Options{})
	if got := def.Links(attrib.Input{Description: "BUG: KASAN: use-after-free in shared_fn+0x10/0x20\n"}); len(got) != 0 {
		t.Errorf("shared_fn by the default methods: %v", got)
	}
}

// TestMemberRule: a site reached only through shared code links to the
// syscall that calls the method it is stored as (x_proc_write, a
// proc_ops.proc_write reached from 12 syscalls, more than K, none a
// dispatcher: write); one stored as methods of three syscalls (x_multi)
// links nowhere; a site that links by reach keeps its reach (bug_fn's
// member is not asked).
func TestMemberRule(t *testing.T) {
	var walk []fakeReacher
	for i, sc := range []string{"pwrite64", "write", "writev", "pwritev", "pwritev2", "splice", "io_submit", "read", "readv", "pread64", "sendfile", "copy_file_range"} {
		walk = append(walk, fakeReacher{sc, calls(sc, 3+i/2, "x"), false})
	}
	g := &fakeGraph{funcs: []fakeFunc{
		{name: "x_proc_write", walk: walk, calledAs: []string{"proc_ops.proc_write"}},
		{name: "x_multi", walk: walk, calledAs: []string{"proc_ops.proc_write", "file_operations.mmap", "proto_ops.bind"}},
		{name: "bug_fn", reach: []fakeReacher{{"read", calls("read", 3, "bug_fn"), false}}, calledAs: []string{"file_operations.mmap"}},
		{name: "mod_recvmsg", dir: "net/x/", calledAs: []string{"proto_ops.recvmsg"}},       // a module's: no file
		{name: "placed_write", file: "fs/y.c", calledAs: []string{"file_operations.write"}}, // in another file
		{name: "crypt_msg", dir: "drivers/md/", calledAs: []string{"target_type.message"}},  // two modules'
		{name: "crypt_msg", dir: "fs/smb/client/"},                                          // static name
	}}
	a, err := site.NewAttributor(g, site.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for fn, want := range map[string][]string{
		"x_proc_write": {"write:site: crash x_proc_write: the proc_ops.proc_write method, which write calls"},
		"x_multi":      nil,
		"bug_fn":       {"read:site: crash bug_fn: read → read_stepx → read_stepxx → bug_fn"},
	} {
		var got []string
		for _, l := range a.Links(attrib.Input{Description: "BUG: KASAN: use-after-free in " + fn + "+0x10/0x20\n"}) {
			got = append(got, l.Syscall+":"+string(l.Method)+": "+l.Evidence)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %q, want %q", fn, got, want)
		}
	}
	// A record on net/x.c naming a module's function (the graph places it
	// in no file) links by the member rule alone; a function the graph
	// places in another file does not link.
	for fn, want := range map[string][]string{
		"mod_recvmsg":  {"recvfrom:sibling", "recvmmsg:sibling", "recvmsg:site"},
		"placed_write": nil,
	} {
		var got []string
		for _, l := range a.Links(attrib.Input{Description: "x: fix a leak\n\nA buffer leaks after " + fn + "() returns.", ProgramFiles: []string{"net/x.c"}}) {
			got = append(got, l.Syscall+":"+string(l.Method))
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s named in a record on net/x.c: %q, want %q", fn, got, want)
		}
	}
}

// TestMemberRuleSharedName: two modules define a static crypt_msg
// (dm-crypt's target message and the SMB client's helper): a record
// means the copy in its own part of the tree, and one that names no
// source file (headers only) neither.
func TestMemberRuleSharedName(t *testing.T) {
	g := &fakeGraph{funcs: []fakeFunc{
		{name: "crypt_msg", dir: "drivers/md/", calledAs: []string{"target_type.message"}},
		{name: "crypt_msg", dir: "fs/smb/client/"},
	}}
	a, err := site.NewAttributor(g, site.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		files []string
		want  []string
	}{
		{[]string{"drivers/md/dm-crypt.c"}, []string{"ioctl"}},
		{[]string{"fs/smb/client/transport.c"}, nil},
		{[]string{"fs/smb/client/cifsglob.h"}, nil},
	} {
		var got []string
		for _, l := range a.Links(attrib.Input{Description: "x: fix a leak\n\nA buffer leaks after crypt_msg() returns.", ProgramFiles: c.files}) {
			got = append(got, l.Syscall)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("record on %v: %q, want %q", c.files, got, c.want)
		}
	}
}

// TestMembersElsewhere: a bug site the main graph lacks (a driver the
// kernel does not build), not inlined there, links by the member rule
// read in Options.Members, a second kernel's graph; without it, or for a
// name the main graph holds, the second graph is not read.
func TestMembersElsewhere(t *testing.T) {
	main := &fakeGraph{funcs: []fakeFunc{{name: "shared_fn", file: "drivers/x/a.c", calledAs: []string{"file_operations.read"}}}}
	generic := &fakeGraph{funcs: []fakeFunc{
		{name: "drv_store", dir: "drivers/hwmon/", calledAs: []string{"device_attribute.store"}},
		{name: "shared_fn", dir: "drivers/x/", calledAs: []string{"file_operations.write"}},
	}}
	with, err := site.NewAttributor(main, site.Options{Members: generic})
	if err != nil {
		t.Fatal(err)
	}
	without, _ := site.NewAttributor(main, site.Options{})
	rec := func(fn string) attrib.Input {
		return attrib.Input{Description: "hwmon: fix an overflow\n\nThe value " + fn + "() writes overflows.", ProgramFiles: []string{"drivers/hwmon/x.c"}}
	}
	for _, c := range []struct {
		a    *site.Attributor
		fn   string
		want []string
	}{
		{with, "drv_store", []string{"write: named drv_store: the device_attribute.store method (kernel-members), which write calls"}},
		{without, "drv_store", nil},
		{with, "shared_fn", nil}, // the main graph's, placed in another file
	} {
		var got []string
		for _, l := range c.a.Links(rec(c.fn)) {
			got = append(got, l.Syscall+": "+l.Evidence)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %q, want %q", c.fn, got, c.want)
		}
	}
}
