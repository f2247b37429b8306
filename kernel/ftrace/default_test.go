package ftrace

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"slices"
	"strings"
	"testing"

	"sysweight/kernel/x86"
	"sysweight/syscalls"

	"sysweight/internal/kerneltest"
)

func loadDefault(t *testing.T) *Footprints {
	t.Helper()
	f, err := DefaultFootprints()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// Facts of the 6.1.0-56 kernel's code that the committed footprints must
// show. The ops tables were read with gdb on the -dbg vmlinux of the same
// build (linux-image-6.1.0-56-cloud-amd64-dbg 6.1.192-2): pipefifo_fops
// .read_iter = pipe_read, .release = pipe_release; tty_fops.read_iter =
// tty_read, .release = tty_release; n_tty_ops.read = n_tty_read;
// netlink_ops.sendmsg = netlink_sendmsg; inet_stream_ops.setsockopt =
// sock_common_setsockopt; tcp_prot.setsockopt = tcp_setsockopt;
// inet_family_ops.create = inet_create. From the source (kernel/sys.c,
// kernel/pid.c, net/netfilter/nfnetlink.c, nf_tables_api.c,
// nft_chain_filter.c): getpid is task_tgid_vnr(current), which is
// __task_pid_nr_ns; nfnetlink's kernel socket input is nfnetlink_rcv;
// nf_tables_cb[NFT_MSG_NEWRULE].call is nf_tables_newrule; the ip filter
// chain's hook is nft_do_chain_ipv4, which runs nft_do_chain.
func TestDefaultFootprintsKernelFacts(t *testing.T) {
	f := loadDefault(t)
	for _, c := range []struct{ syscall, fn, module string }{
		{"getpid", "__x64_sys_getpid", ""}, // printed as __do_sys_getpid, its alias
		{"getpid", "__task_pid_nr_ns", ""},
		{"read", "pipe_read", ""},
		{"read", "tty_read", ""},
		{"read", "n_tty_read", ""},
		{"sendmsg", "netlink_sendmsg", ""},
		{"sendmsg", "nfnetlink_rcv", "nfnetlink"},
		{"sendmsg", "nf_tables_newrule", "nf_tables"},
		{"setsockopt", "sock_common_setsockopt", ""},
		{"setsockopt", "tcp_setsockopt", ""},
		{"socket", "inet_create", ""},
		// The nft workload's datagrams pass its input rule: loopback
		// delivers them in the sender's softirq, from local_bh_enable.
		{"sendto", "nft_do_chain_ipv4", "nf_tables"},
		{"sendto", "nft_do_chain", "nf_tables"},
	} {
		if !f.Ran(c.syscall, c.fn) {
			t.Errorf("%s did not run %s", c.syscall, c.fn)
		}
		if m := f.Module(c.fn); m != c.module {
			t.Errorf("module of %s = %q, want %q", c.fn, m, c.module)
		}
	}
	if s, _ := f.Syscall("sendmsg"); s.Workloads["nft"] == 0 {
		t.Errorf("sendmsg workloads %v, want nft among them", s.Workloads)
	}
	// close releases files in its exit work (task_work: __fput), not
	// under its entry point.
	s, ok := f.Syscall("close")
	if !ok {
		t.Fatal("no close")
	}
	for _, fn := range []string{"__fput", "pipe_release", "tty_release"} {
		if !slices.ContainsFunc(s.ExitWork, func(x Function) bool { return x.Name == fn }) {
			t.Errorf("close's exit work lacks %s", fn)
		}
		if f.Ran("close", fn) {
			t.Errorf("%s counted under close's entry point", fn)
		}
	}
}

// Every syscall's footprint holds its own entry point as kernel/x86 names
// it for the static call graph, under that name or as an alias.
func TestDefaultFootprintsEntryPoints(t *testing.T) {
	f := loadDefault(t)
	for _, s := range f.SyscallNames() {
		if sym := x86.EntrySymbol(s); !f.Ran(s, sym) {
			t.Errorf("%s: entry point %s not in its footprint", s, sym)
		}
	}
}

// The probe's own report says which syscalls it made; the footprints of
// the probe workload must be exactly those, less the ones 6.1 does not
// have (ENOSYS from sys_ni_syscall), plus exit_group and rt_sigreturn,
// which the probe skips but its Go runtime makes anyway.
func TestDefaultFootprintsProbe(t *testing.T) {
	f := loadDefault(t)
	w, ok := f.Workload("probe")
	if !ok {
		t.Fatal("no probe workload")
	}
	skipped := between(t, w.Note, "skipped by the probe: ", ";")
	missing := between(t, w.Note, "not in this kernel: ", ")")
	_, missing, _ = strings.Cut(missing, "(")
	want := map[string]bool{"exit_group": true, "rt_sigreturn": true}
	for _, n := range syscalls.MustForArch(syscalls.X86_64).Names() {
		if !slices.Contains(strings.Fields(skipped), n) && !slices.Contains(strings.Fields(missing), n) {
			want[n] = true
		}
	}
	var got []string
	for _, s := range f.Syscalls {
		if s.Workloads["probe"] > 0 {
			got = append(got, s.Name)
		}
	}
	var exp []string
	for n := range want {
		exp = append(exp, n)
	}
	slices.Sort(exp)
	if !slices.Equal(got, exp) {
		t.Errorf("probe syscalls: %d, want %d", len(got), len(exp))
		for _, n := range exp {
			if !slices.Contains(got, n) {
				t.Errorf("  %s missing", n)
			}
		}
		for _, n := range got {
			if !want[n] {
				t.Errorf("  %s unexpected", n)
			}
		}
	}
}

func between(t *testing.T, s, from, to string) string {
	t.Helper()
	_, rest, ok := strings.Cut(s, from)
	if !ok {
		t.Fatalf("note %q lacks %q", s, from)
	}
	out, _, _ := strings.Cut(rest, to)
	return out
}

func TestDefaultFootprintsProvenance(t *testing.T) {
	f := loadDefault(t)
	p := f.Provenance
	if p.Kernel.Package != "linux-image-6.1.0-56-cloud-amd64-unsigned" || p.Kernel.Version != "6.1.192-2" ||
		!strings.Contains(p.Kernel.Uname, "6.1.0-56-cloud-amd64") || !strings.Contains(p.Kernel.Uname, "6.1.192-2") {
		t.Errorf("kernel %+v", p.Kernel)
	}
	if !strings.HasPrefix(p.QEMU, "QEMU emulator version") || p.Tracer.Tracer != "function_graph" ||
		!slices.Contains(p.Tracer.Options, "function-fork") || !slices.Contains(p.Tracer.Options, "funcgraph-irqs") {
		t.Errorf("qemu %q, tracer %+v", p.QEMU, p.Tracer)
	}
	if !slices.Contains(p.Modules, "nf_tables") {
		t.Errorf("modules %v", p.Modules)
	}
	for _, w := range f.Workloads {
		if w.Lost != 0 || w.Exit != 0 {
			t.Errorf("workload %s: lost %d, exit %d", w.Name, w.Lost, w.Exit)
		}
	}
	for _, c := range p.TextCheck {
		if !c.Same || c.Lines == 0 {
			t.Errorf("text check %+v", c)
		}
	}
	if len(p.TextCheck) != 4 {
		t.Errorf("%d text checks, want net, nft, ipc, tty", len(p.TextCheck))
	}
	if p.Totals.Syscalls != len(f.Syscalls) {
		t.Errorf("totals %+v for %d syscalls", p.Totals, len(f.Syscalls))
	}
	// The sha256 recorded is that of the package's vmlinuz, when the
	// cache has it (make kernel-footprints, scripts/kernel-metrics.sh).
	b, err := os.ReadFile(kerneltest.Vmlinuz(t))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != p.Kernel.VmlinuzSHA256 {
		t.Errorf("vmlinuz sha256 %s, recorded %s", got, p.Kernel.VmlinuzSHA256)
	}
}
