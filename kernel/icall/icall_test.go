package icall_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"sysweight/kernel/btf"
	"sysweight/kernel/icall"
	"sysweight/kernel/module"
	"sysweight/kernel/x86"
)

// buildFixture compiles testdata/ops.c and thunks.S into a relocatable
// object with BTF, as a kernel module is built (gcc, ld, pahole -J).
func buildFixture(t *testing.T) []byte {
	t.Helper()
	for _, tool := range []string{"gcc", "ld", "pahole"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not found (scripts/install-deps.sh installs gcc, binutils and dwarves)", tool)
		}
	}
	dir := t.TempDir()
	src, _ := filepath.Abs("testdata")
	run := func(name string, args ...string) {
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
	}
	run("gcc", "-O2", "-g", "-c", "-fno-pic", "-mcmodel=kernel", "-mno-red-zone", "-fno-stack-protector",
		"-mindirect-branch=thunk-extern", "-mfunction-return=thunk-extern", filepath.Join(src, "ops.c"), "-o", "ops.o")
	run("gcc", "-c", filepath.Join(src, "thunks.S"), "-o", "thunks.o")
	run("ld", "-r", "ops.o", "thunks.o", "-o", "ops.ko")
	run("pahole", "-J", "ops.ko")
	b, err := os.ReadFile(filepath.Join(dir, "ops.ko"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// resolveFixture links the fixture as a module, analyses it and resolves
// its indirect calls; it returns the edges by caller and callee name.
func resolveFixture(t *testing.T) (map[string][]string, map[string]string) {
	b := buildFixture(t)
	o, err := module.Parse(b, "ops.ko")
	if err != nil {
		t.Fatal(err)
	}
	const textAddr, dataAddr = 0xffffffffc0000000, 0xffffffffd0000000
	set, err := module.Link([]*module.Object{o}, func(string) (uint64, bool) { return 0, false }, textAddr, dataAddr)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Unresolved) != 0 {
		t.Fatalf("unresolved symbols: %v", set.Unresolved)
	}
	var funcs []x86.Func
	for _, f := range set.Funcs {
		funcs = append(funcs, x86.Func{Name: f.Name, Addr: f.Addr, Size: f.Size})
	}
	p, err := x86.AnalyzeSegments([]x86.Segment{{Addr: set.TextAddr, Data: set.Text}}, funcs, x86.Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	spec, err := btf.Parse(o.BTF, nil)
	if err != nil {
		t.Fatal(err)
	}
	k := &icall.Kernel{Prog: p, Module: make([]int32, len(p.Functions)), BTF: spec}
	for _, s := range set.Slots {
		k.Slots = append(k.Slots, icall.Slot{Addr: s.Addr, Target: s.Target})
	}
	end := uint64(dataAddr)
	for _, ob := range set.Objects {
		k.Objects = append(k.Objects, icall.Object{Name: ob.Name, Addr: ob.Addr, Size: ob.Size})
		end = max(end, ob.Addr+ob.Size)
	}
	k.Data = []icall.Region{{Addr: dataAddr, Size: end - dataAddr + 4096}}
	res, err := icall.Resolve(k, icall.Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stats.Unresolved != 0 {
		t.Errorf("%d of %d sites unresolved", res.Stats.Unresolved, res.Stats.Sites)
	}
	edges := map[string][]string{}
	how := map[string]string{}
	for _, e := range res.Edges {
		from, to := p.Functions[e.From].Name, p.Functions[e.To].Name
		edges[from] = append(edges[from], to)
		how[from] = e.How + " " + e.Via
	}
	for f := range edges {
		slices.Sort(edges[f])
	}
	return edges, how
}

// TestFixtureEdges checks each rule against targets derived by hand from
// testdata/ops.c (the comment above each dispatching function).
func TestFixtureEdges(t *testing.T) {
	edges, how := resolveFixture(t)
	want := map[string][]string{
		"vfs_read":     {"a_read", "b_read"},        // member file_ops.read
		"visit":        {"a_open"},                  // callback parameter
		"dispatch":     {"h0", "h1"},                // initialised table
		"create":       {"inet_create"},             // global typed by its stores
		"q_push":       {"q_work"},                  // multi-layer: queue.immediate.func
		"run_work":     {"other_work", "q_work"},    // plain struct work pointer
		"deliver":      {"in_fn"},                   // stack struct and member copy
		"pick_all":     {"pick_a", "pick_b"},        // pointer stepping through an array
		"run_hooks":    {"hook_a"},                  // member copied into untyped memory
		"ex_init":      {"ex_a_init"},               // stack struct a callee fills
		"do_link":      {"lnk_free", "lnk_get"},     // stack struct an indirect call fills
		"run_dump":     {"dump_a"},                  // callback parameter stored untyped
		"td_run":       {"td_a"},                    // callback parameter of a typedef stored untyped
		"td_other":     {"td_b"},                    // and not through a look-alike member
		"td_start":     {"dump_a", "td_da"},         // an untyped read at a typedef member copied into a stack struct
		"td_rcv":       {"dump_a"},                  // (its own call, through member dump_cb.dump)
		"p_readlink":   {"p_get"},                   // container_of folded into the load
		"st_run":       {"st_a"},                    // callback passed on the stack
		"vr_obj":       {"vr_ctor"},                 // allocation typed by its use
		"fd_ctx_init":  {"fd_a_init", "fd_legacy"},  // a method, or a default when NULL
		"ra_run":       {"ra_destruct"},             // allocation typed by the member it is stored into
		"ra_change":    {"ra_state"},                // ra_destruct does not escape into it
		"vm_show":      {"vm_a", "vm_b"},            // through a void pointer member: what was stored through it
		"dc_run":       {"dc_put"},                  // lock cmpxchg leaves rdx alone
		"sk_show":      {"sk_dev_show"},             // x->a->b->f(x, …), x untyped
		"ca_show":      {"ca_id_show", "ca_k_show"}, // arguments known by the structs they were cast from
		"qa_attr_show": {"qa_size_show"},            // an argument known as container_of
		"kr_iop_mkdir": {"kr_cg_mkdir"},             // x->m ?: x, then x->a->b->f(x, …)
		"gs_apply":     {"gs_a1", "gs_a2", "gs_a3"}, // stepping through a global array from its address
		"hb_read":      {"hb_a_read"},               // x->f(…, x, …), x untyped
		// a clone's callback parameter; gcc 12 (Debian 12) names the
		// clone so
		"cl_append.constprop.0": {"cl_frag_a", "cl_frag_b"},

		// through a void pointer member typed by what callers pass in the
		// stack parameter stored there (vt_dft_show: the offsets agree)
		"vt_show": {"vt_cft_show", "vt_dft_show"},
		// an element of an array of function pointers a member points to
		"fa_run": {"fa_a", "fa_b"},
		// container_of through req->tfm->alg, req passed first
		"bc_run": {"bc_verify"},
		// x->a->f(x, …), x read from an untyped object
		"ty_ioctl": {"ty_a_ioctl"},
		// a global array typed by a cmpxchg into it
		"cx_err": {"cx_e"},
		// the members that agree with the most typed arguments
		"mm_call": {"mm_three"},
		// a pointer read from an array of pointers read from a global
		"rl_rcv": {"rl_doit"},
		// a walk of a list whose head list_add_tail linked lt_ops into
		"lt_find":       {"lt_cmp_a"},
		"lt_find_other": {"lt_cmp_o"},
		// an allocation returned as the function's struct pointer
		"rt_run": {"rt_f"},
		// a global set to a typed object's address by an immediate store
		"pr_read": {"pr_a_read"},
		// x ? x->priv : x, then x->m ?: x, then x->a->b->f(x)
		"kr_iop_show": {"kr_cg_show"},
	}
	for from, to := range want {
		if got := edges[from]; !slices.Equal(got, to) {
			t.Errorf("%s calls %v, want %v", from, got, to)
		}
	}
	// No other function makes an indirect call.
	for from := range edges {
		if _, ok := want[from]; !ok {
			t.Errorf("unexpected indirect edges from %s: %v", from, edges[from])
		}
	}
	wantHow := map[string]string{
		"vfs_read":    "member file_ops.read",
		"visit":       "param ",
		"dispatch":    "table table",
		"create":      "member proto.create",
		"q_push":      "member queue.work.func",
		"run_work":    "member work.func",
		"deliver":     "member sock_like.rcv",
		"pick_all":    "member klass.pick",
		"run_hooks":   "member hook_entry.hook",
		"ex_init":     "member ex_ops.init",
		"run_dump":    "member dump_cb.dump",
		"p_readlink":  "downcast pop.get_link",
		"st_run":      "member st_holder.fn",
		"vr_obj":      "member vr_cache.ctor",
		"fd_ctx_init": "const default", // fd_legacy: the default when init is NULL
		"ra_run":      "member ra_chain.destructor",
		"ra_change":   "member ra_sock.state_change",
		"lt_find":     "member lt_ops.cmp",
		"rt_run":      "member rt_ops.f",
		"pr_read":     "member pr_ops.read",
	}
	for from, h := range wantHow {
		if how[from] != h {
			t.Errorf("%s resolved by %q, want %q", from, how[from], h)
		}
	}
}
