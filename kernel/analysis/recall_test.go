package analysis

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"sysweight/internal/kerneltest"
	"sysweight/kernel/ftrace"
)

var (
	debOnce sync.Once
	debRep  *Report
	debErr  error
)

// realDeb analyses the cached Debian kernel package (vmlinuz and its 1,121
// modules, indirect calls resolved) once per test binary.
func realDeb(t *testing.T) *Report {
	t.Helper()
	deb := kerneltest.Deb(t)
	debOnce.Do(func() { debRep, debErr = AnalyzeDeb(deb, Options{}) })
	if debErr != nil {
		t.Fatal(debErr)
	}
	return debRep
}

// recallOf compares the static reach of r with footprints of the same
// kernel build.
func recallOf(t *testing.T, r *Report, fp *ftrace.Footprints) *RecallReport {
	t.Helper()
	if k := fp.Provenance.Kernel; !strings.Contains(r.Kernel.Banner, k.Release) || !strings.Contains(r.Kernel.Package, k.Version) {
		t.Fatalf("footprints are of %s %s, the package is %s (%s)", k.Release, k.Version, r.Kernel.Package, r.Kernel.Banner)
	}
	rep, err := Recall(r, fp)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// listRecall is one line per syscall: reached of non-hub executed
// functions, recall, and the functions missed.
func listRecall(l []SyscallRecall) string {
	var b strings.Builder
	for _, s := range l {
		fmt.Fprintf(&b, "  %-18s %3d/%-3d %.2f  missed %s\n", s.Name, s.Reached, s.NonHub, s.Recall(), strings.Join(s.Missed, ", "))
	}
	return b.String()
}

// recallSplit is the split of the traced syscalls made before the reach
// rules were tuned: a seeded shuffle (PCG 20261204, 8) of their sorted
// names, the first half "dev" (looked at while tuning), the rest "test".
func recallSplit(names []string) map[string]bool {
	names = slices.Sorted(slices.Values(names))
	rng := rand.New(rand.NewPCG(20261204, 8))
	rng.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	dev := map[string]bool{}
	for _, n := range names[:len(names)/2] {
		dev[n] = true
	}
	return dev
}

// TestRealRecall checks the static reach of the whole package against the
// dynamic footprints committed by kernel/ftrace (the same kernel booted
// under QEMU with function_graph, `make kernel-footprints`): the share of
// the non-hub functions each syscall executed that its static reach holds.
// The footprints are an independent measurement (a trace, not the call
// graph), and the syscalls were split before tuning; both halves are held
// to the bar.
func TestRealRecall(t *testing.T) {
	r := realDeb(t)
	fp, err := ftrace.DefaultFootprints()
	if err != nil {
		t.Fatal(err)
	}
	rep := recallOf(t, r, fp)
	dev := recallSplit(fp.SyscallNames())
	var part [2]struct{ n, hit, below int }
	var below []SyscallRecall
	for _, s := range rep.Syscalls {
		i := 1
		if dev[s.Name] {
			i = 0
		}
		part[i].n += s.NonHub
		part[i].hit += s.Reached
		if s.Recall() < 0.9 {
			part[i].below++
			below = append(below, s)
		}
	}
	for i, name := range []string{"dev", "test"} {
		p := part[i]
		t.Logf("%-4s recall %.3f (%d of %d non-hub executed functions); %d syscalls below 0.90", name, float64(p.hit)/float64(p.n), p.hit, p.n, p.below)
		if float64(p.hit) < 0.9*float64(p.n) {
			t.Errorf("%s: recall %.3f < 0.90", name, float64(p.hit)/float64(p.n))
		}
	}
	all := float64(rep.Reached) / float64(rep.NonHub)
	t.Logf("all  recall %.3f (%d of %d); with hubs counted in %.3f (%d of %d); %d syscalls traced",
		all, rep.Reached, rep.NonHub, float64(rep.ReachedAll)/float64(rep.Executed), rep.ReachedAll, rep.Executed, len(rep.Syscalls))
	sort.Slice(below, func(i, j int) bool {
		if a, b := below[i].Recall(), below[j].Recall(); a != b {
			return a < b
		}
		return below[i].Name < below[j].Name
	})
	t.Logf("syscalls below 0.90:\n%s", listRecall(below))
	// The figures measured at commit time (analysis Version 7): 6
	// syscalls below 0.90, each missing one to six functions the trace
	// charges to them but that the graph does not connect: a seq_file
	// ->show, a tty or pty method, kobj_map probes, I/O-scheduler and
	// virtio callbacks run for sync. A change that makes more of them fall
	// below must say why.
	if len(below) > 6 {
		t.Errorf("%d syscalls below 0.90, was 6", len(below))
	}
	// Precision guard: the static reach must not swamp the footprint.
	t.Logf("median non-hub footprint %d, median static reach %d", rep.MedianNonHub, rep.MedianReach)
	if rep.MedianReach > 10*max(rep.MedianNonHub, 1) {
		t.Errorf("median static reach %d > 10x the median footprint %d", rep.MedianReach, rep.MedianNonHub)
	}
}

// TestRealReachBound: no syscall's reach (hubs left out) comes near a
// quarter of the kernel's functions; the issue allows that only for
// generic dispatchers (ioctl, read, write), and none needs it.
func TestRealReachBound(t *testing.T) {
	r := realDeb(t)
	quarter := r.Summary.Functions / 4
	top := slices.Clone(r.Syscalls)
	sort.Slice(top, func(i, j int) bool { return top[i].Reach > top[j].Reach })
	var b strings.Builder
	for _, s := range top[:10] {
		fmt.Fprintf(&b, " %s=%d", s.Name, s.Reach)
	}
	t.Logf("%d functions, %d hubs; largest reach:%s", r.Summary.Functions, r.Summary.Hubs, b.String())
	for _, s := range r.Syscalls {
		if s.Reach > quarter {
			t.Errorf("%s reaches %d of %d functions", s.Name, s.Reach, r.Summary.Functions)
		}
	}
	// Read from the package with `dpkg --contents` | grep -c '\.ko': 1,121
	// modules in linux-image-6.1.0-56-cloud-amd64-unsigned 6.1.192-2.
	if r.Summary.Modules != 1121 {
		t.Errorf("%d modules loaded, want 1121", r.Summary.Modules)
	}
}

// TestRealReachPaths: the paths the issue names (`kernel reach --to`: a
// shortest path of the walk, hubs passed through), each through an indirect
// hop whose resolution the test reads off the path, checked by hand
// against Linux 6.1: tcp_setsockopt is tcp_prot.setsockopt, reached from
// sock_common_setsockopt's sk->sk_prot->setsockopt; netlink_sendmsg is
// netlink_ops.sendmsg (sock->ops->sendmsg); seq_read_iter is the
// read_iter of proc and seq files; inet_create is inet_family_ops.create
// (pf->create in __sock_create); nf_tables_newrule is the NFT_MSG_NEWRULE
// callback of nf_tables_subsys, called by nfnetlink_rcv_batch (nc->call)
// after netlink_unicast's nlk->netlink_rcv.
func TestRealReachPaths(t *testing.T) {
	r := realDeb(t)
	g := r.Graph()
	for _, c := range []struct {
		syscall, fn, module string
		via                 []string // functions the path must pass, in order
	}{
		{"setsockopt", "tcp_setsockopt", "", []string{"__sys_setsockopt"}},
		{"sendmsg", "netlink_sendmsg", "", []string{"____sys_sendmsg"}},
		{"read", "seq_read_iter", "", []string{"vfs_read"}},
		{"socket", "inet_create", "", []string{"__sock_create"}},
		{"sendmsg", "nf_tables_newrule", "nf_tables", []string{"netlink_sendmsg", "nfnetlink_rcv_batch"}},
	} {
		var f = -1
		for _, x := range g.Lookup(c.fn) {
			if g.Name(x) == c.fn && g.Module(x) == c.module {
				f = x
			}
		}
		if f < 0 {
			t.Errorf("%s [%s] not in the graph", c.fn, c.module)
			continue
		}
		steps := g.Walk(c.syscall).Path(f)
		if steps == nil {
			t.Errorf("%s does not reach %s", c.syscall, c.fn)
			continue
		}
		var names []string
		indirect := false
		for _, s := range steps {
			names = append(names, s.Func)
			indirect = indirect || s.Via != ""
		}
		t.Logf("%s → %s: %v", c.syscall, c.fn, steps)
		if !indirect {
			t.Errorf("%s → %s: no indirect hop on the path %v", c.syscall, c.fn, names)
		}
		i := 0
		for _, n := range names {
			if i < len(c.via) && n == c.via[i] {
				i++
			}
		}
		if i < len(c.via) {
			t.Errorf("%s → %s: path %v does not pass %v", c.syscall, c.fn, names, c.via)
		}
	}
}

// TestRealIndirectRules checks rules of kernel/icall that its fixture
// cannot show, on the real package, against facts of the 6.1 source:
//   - per-CPU pointers: __schedule's rq is cpu_rq(cpu), per_cpu(runqueues,
//     cpu); the class loop (for_class_range from prev->sched_class)
//     calls class->balance, and the five scheduler classes of
//     kernel/sched/{stop_task,deadline,rt,fair,idle}.c each set .balance
//     (balance_stop, balance_dl, balance_rt, balance_fair, balance_idle).
//   - hooks copied into untyped memory: nf_hook_slow calls
//     e->hooks[s].hook, filled by nf_hook_entries_grow from each
//     registered nf_hook_ops.hook; AppArmor (security/apparmor/lsm.c),
//     SELinux (security/selinux/hooks.c) and conntrack
//     (net/netfilter/nf_conntrack_proto.c) register these three.
//   - a stack struct a callee fills: nft_expr_init's struct nft_expr_info,
//     filled by nf_tables_expr_parse, whose ops->init it calls
//     (nf_tables_api.c); nft_cmp_fast_ops, nft_immediate_ops and
//     nft_payload_ops set .init to nft_cmp_fast_init, nft_immediate_init
//     and nft_payload_init. And one an indirect call fills: vfs_readlink's
//     struct delayed_call, set by ->get_link (page_get_link:
//     page_put_link; fscrypt_get_symlink: kfree_link) and run by
//     do_delayed_call.
//   - callback parameters stored untyped: rtnl_register_internal stores
//     its dumpit into a kzalloc'd struct rtnl_link, so netlink_dump's
//     cb->dump reaches the dumpers that net/core/rtnetlink.c and
//     net/ipv4/devinet.c register (rtnl_dump_ifinfo for RTM_GETLINK,
//     inet_dump_ifaddr for RTM_GETADDR).
//   - x->op->f(x) through an untyped x: seq_read_iter's m is
//     file->private_data, and m->op->show(m, p) reaches the seq_file
//     show methods: show_map (/proc/PID/maps, fs/proc/task_mmu.c) from
//     an ops table, meminfo_proc_show (/proc/meminfo, fs/proc/meminfo.c)
//     through proc_create_single and single_open.
//   - typed objects' addresses and cmov: clock_gettime's kc is an element
//     of posix_clocks or, for negative ids, &clock_posix_cpu or
//     &clock_posix_dynamic (a cmov); kc->clock_get_timespec reaches the
//     twelve k_clock implementations of 6.1: seven in
//     kernel/time/posix-timers.c, alarm_clock_get_timespec
//     (alarmtimer.c), posix_cpu_clock_get, process_cpu_clock_get and
//     thread_cpu_clock_get (posix-cpu-timers.c), pc_clock_gettime
//     (posix-clock.c).
//   - container_of folded into a load: call_proc_get_link reads
//     PROC_I(inode)->op.proc_get_link before the inode; fs/proc/base.c
//     and fd.c set it to proc_cwd_link, proc_root_link, proc_exe_link,
//     map_files_get_link and proc_fd_link.
//   - container_of folded into a load from an untyped pointer:
//     proc_single_show (fs/proc/base.c) takes inode from m->private (a
//     void pointer) and calls PROC_I(inode)->op.proc_show(m, ns, pid,
//     task); tgid_base_stuff sets proc_show for "status", "stat",
//     "limits" and "stack" to proc_pid_status, proc_tgid_stat,
//     proc_pid_limits and proc_pid_stack.
//   - a method or a default when it is NULL (a cmov): alloc_fs_context
//     (fs/fs_context.c) calls fc->fs_type->init_fs_context, or
//     legacy_init_fs_context when the file system has none; mm/shmem.c,
//     kernel/cgroup/cgroup.c and kernel/bpf/inode.c set it to
//     shmem_init_fs_context, cgroup_init_fs_context and
//     bpf_init_fs_context.
//   - callback parameters stored untyped, matched by a prototype that
//     names a struct only as its result: kobj_map (drivers/base/map.c)
//     stores its probe into kmalloc'd struct probe entries, and
//     kobj_lookup calls p->get; fs/char_dev.c passes exact_match (cdev_add)
//     and base_probe (kobj_map_init), the only two kobj_probe_t functions.
//   - a callback parameter spilled to the stack next to a 4-byte local:
//     __splice_from_pipe (fs/splice.c) keeps its actor at 8(%rsp) and
//     stores a 32-bit count at 4(%rsp) before calling actor(pipe, buf,
//     sd); splice_write_null (drivers/char/mem.c) passes pipe_to_null and
//     generic_splice_sendpage (fs/splice.c) pipe_to_sendpage, through
//     splice_from_pipe.
//   - clones typed by their callers: gcc split tty_init_dev into
//     tty_init_dev.part.0, which has no BTF prototype; its callers pass a
//     struct tty_driver *, so tty_driver_install_tty's
//     driver->ops->install (drivers/tty/tty_io.c) reaches
//     pty_unix98_install, ptm_unix98_ops' install (drivers/tty/pty.c).
//   - a function pushed as a stack argument: virtio_pci's setup_vq
//     (drivers/virtio/virtio_pci_modern.c and _legacy.c) pushes vp_notify
//     as vring_create_virtqueue's 8th argument; virtio_ring.c stores it
//     as vq->notify, which virtqueue_notify calls.
//   - allocations typed by the member they are stored into: ip_ra_control
//     (net/ipv4/ip_sockglue.c) kmallocs new_ra, stores its destructor
//     parameter there and new_ra into *rap (a struct ip_ra_chain *), and
//     calls ra->destructor(sk) on removal; ipmr.c passes
//     mrtsock_destruct. Nothing stores mrtsock_destruct into a socket's
//     sk_state_change, so tcp_rcv_state_process's sk->sk_state_change
//     (net/ipv4/tcp_input.c) must not reach it, as it did while the
//     destructor escaped and joined every void (*)(struct sock *) member.
//   - an untyped load singled out by a first argument of a struct few
//     member prototypes take: nft_chain_validate (nf_tables_api.c) calls
//     expr->ops->validate(ctx, expr, &data) on each expression of a
//     rule's byte array; nft_immediate.c and nft_lookup.c set .validate
//     to nft_immediate_validate and nft_lookup_validate. bprm_execve's
//     search_binary_handler (fs/exec.c) calls fmt->load_binary(bprm):
//     load_elf_binary (binfmt_elf.c), load_misc_binary (binfmt_misc.c).
//   - callbacks passed on the stack and allocations typed by use:
//     kmem_cache_create pushes its ctor as kmem_cache_create_usercopy's
//     7th argument, and create_cache stores it into a kmem_cache_zalloc'd
//     s that it passes to __kmem_cache_create; SLUB's setup_object calls
//     s->ctor, which reaches shmem_init_inode (mm/shmem.c), sighand_ctor
//     (kernel/fork.c) and anon_vma_ctor (mm/rmap.c).
//   - what must not be reached: a module's init and exit functions are
//     called through struct module's init and exit only by
//     do_one_initcall (do_init_module passes mod->init) and by
//     delete_module (mod->exit) (kernel/module/main.c); nf_tables's are
//     checked. Two rules keep the others off: a union of function
//     pointers (security_list_options) does not type an object holding
//     several functions (before, every module's __this_module was typed
//     as an array of it and its cleanup_module reached from each LSM
//     hook of prototype void(void)), and untyped loads whose members hold
//     more than MaxUntypedTargets functions stay unresolved (before,
//     libata's interrupt handlers reached every module.init).
//     security_secmark_refcount_inc's hook (security/security.c) reaches
//     selinux_secmark_refcount_inc and BPF LSM's
//     bpf_lsm_secmark_refcount_inc, and no module function.
func TestRealIndirectRules(t *testing.T) {
	r := realDeb(t)
	g := r.Graph()
	callees := func(caller, via string) map[string]bool {
		got := map[string]bool{}
		for _, f := range g.Lookup(caller) {
			if g.Name(f) != caller {
				continue
			}
			for _, c := range g.Program().Functions[f].Indirect {
				if g.Via(f, c) == via {
					got[g.Name(c)] = true
				}
			}
		}
		return got
	}
	for _, c := range []struct {
		caller, via string
		want        []string
		exact       bool
	}{
		{"__schedule", "member sched_class.balance", []string{"balance_stop", "balance_dl", "balance_rt", "balance_fair", "balance_idle"}, true},
		{"nf_hook_slow", "member nf_hook_entry.hook", []string{"apparmor_ip_postroute", "selinux_ip_postroute", "ipv4_conntrack_in"}, false},
		{"nft_expr_init", "member nft_expr_ops.init", []string{"nft_cmp_fast_init", "nft_immediate_init", "nft_payload_init"}, false},
		{"vfs_readlink", "member delayed_call.fn", []string{"page_put_link", "kfree_link", "proc_put_link"}, false},
		// fs/proc_namespace.c: mounts_open, mountinfo_open and
		// mountstats_open pass these to mounts_open_common, which stores
		// them through m->private; m_show calls them through it
		{"m_show", "offset void@112+24", []string{"show_vfsmnt", "show_mountinfo", "show_vfsstat"}, true},
		// drivers/base/map.c: cdev_add passes exact_lock to kobj_map,
		// which stores it into a kmalloc'd struct probe
		{"kobj_lookup", "member probe.lock", []string{"exact_lock"}, false},
		// the .show of the sysfs_ops of drivers/base/core.c, lib/kobject.c,
		// drivers/base/class.c, drivers/base/bus.c and kernel/params.c,
		// called through kobj->ktype->sysfs_ops, kobj a void pointer
		{"sysfs_kf_seq_show", "offset sysfs_ops.show", []string{"dev_attr_show", "kobj_attr_show", "class_attr_show", "drv_attr_show", "bus_attr_show", "module_attr_show"}, false},
		// drivers/base/cpu.c's cpu_attrs (struct device_attribute) and
		// kernel/ksysfs.c's, mm/huge_memory.c's struct kobj_attribute
		{"dev_attr_show", "downcast device_attribute.show", []string{"show_cpus_attr"}, false},
		{"kobj_attr_show", "downcast kobj_attribute.show", []string{"uevent_seqnum_show", "hpage_pmd_size_show"}, false},
		// block/blk-sysfs.c's queue attributes and block/elevator.c's
		// scheduler attribute, q being container_of(kobj, struct
		// request_queue, kobj)
		{"queue_attr_show", "downcast queue_sysfs_entry.show", []string{"elv_iosched_show", "queue_max_sectors_show"}, false},
		// the getfrag callbacks of rawv6_sendmsg, icmp6_send and
		// udpv6_sendmsg, through ip6_append_data into its gcc clone
		{"__ip6_append_data.isra.0", "param", []string{"raw6_getfrag", "icmpv6_getfrag", "ip_generic_getfrag"}, false},
		// kernel/relay.c: relay_open_buf's buf = kzalloc(…) (relay_create_buf,
		// inlined), NULL on its error paths, which join before the
		// return: the struct rchan_buf * it returns, through which
		// buf->chan->cb->create_buf_file reaches blktrace's and iosm's
		{"relay_open_buf.part.0", "member rchan_callbacks.create_buf_file", []string{"blk_create_buf_file_callback", "ipc_trace_create_buf_file_handler"}, true},
		// drivers/pnp/driver.c: pnp_drv->probe(pnp_dev, dev_id), a
		// downcast whose candidate list now keeps one id, so the join of
		// the loop's paths converges (Version 30)
		{"pnp_device_probe", "downcast pnp_driver.probe", []string{"serial_pnp_probe", "i8042_pnp_kbd_probe", "cmos_pnp_probe"}, false},
		{"netlink_dump", "downcast netlink_callback.dump", []string{"rtnl_dump_ifinfo", "inet_dump_ifaddr"}, false},
		{"seq_read_iter", "offset seq_operations.show", []string{"show_map", "meminfo_proc_show"}, false},
		{"__x64_sys_clock_gettime", "member k_clock.clock_get_timespec", []string{
			"posix_get_realtime_timespec", "posix_get_monotonic_timespec", "posix_get_monotonic_raw",
			"posix_get_realtime_coarse", "posix_get_monotonic_coarse", "posix_get_boottime_timespec",
			"posix_get_tai_timespec", "alarm_clock_get_timespec", "posix_cpu_clock_get",
			"process_cpu_clock_get", "thread_cpu_clock_get", "pc_clock_gettime"}, true},
		{"call_proc_get_link", "downcast proc_op.proc_get_link", []string{"proc_cwd_link", "proc_root_link", "proc_exe_link", "map_files_get_link", "proc_fd_link"}, true},
		{"proc_single_show", "offset proc_op.proc_show", []string{"proc_pid_status", "proc_tgid_stat", "proc_pid_limits", "proc_pid_stack"}, false},
		{"alloc_fs_context", "member file_system_type.init_fs_context", []string{"shmem_init_fs_context", "cgroup_init_fs_context", "bpf_init_fs_context"}, false},
		// fs/fs_context.c: fc->fs_type->init_fs_context ?: legacy_init_fs_context
		{"alloc_fs_context", "const default", []string{"legacy_init_fs_context"}, true},
		{"kobj_lookup", "member probe.get", []string{"exact_match", "base_probe"}, true},
		// Version 32. kernel/printk/printk.c: console_unlock walks
		// console_drivers (a global typed by register_console's stores,
		// known only after the first pass) and passes each console to
		// the gcc clone console_emit_next_record.constprop.0, typed
		// again from that; con->write: drivers/tty/serial/8250's
		// univ8250_console, drivers/tty/vt's vt_console_driver
		{"console_emit_next_record.constprop.0", "member console.write", []string{"univ8250_console_write", "vt_console_print"}, false},
		// drivers/tty/serial/8250/8250_port.c: set_io_from_upio stores
		// p->serial_in = io_serial_in (or mem_serial_in, …, picked by a
		// cmov) through a struct uart_port *, the first member of the
		// struct uart_8250_port that serial8250_console_write calls
		// through
		{"serial8250_console_write", "member uart_8250_port.uart_port.serial_in", []string{"io_serial_in", "mem_serial_in"}, false},
		// fs/libfs.c: simple_attr_open fills attr = kzalloc(…) with its
		// get and set, then file->private_data = attr; simple_attr_read
		// calls attr->get, the write side's gcc clone attr->set;
		// fs/debugfs/file.c's u32 attributes, mm/memory.c's
		// fault_around_bytes, kernel/panic.c's clear_warn_once
		{"simple_attr_read", "offset void@200+0", []string{"debugfs_u32_get", "fault_around_bytes_get"}, false},
		{"simple_attr_write_xsigned.constprop.0.isra.0", "offset void@200+8", []string{"debugfs_u32_set", "clear_warn_once_set"}, false},
		// mm/vmscan.c's mm_walk_ops (.p4d_entry = walk_pud_range), called
		// in mm/pagewalk.c after the paravirt pgd_val call, which
		// clobbers rax only
		{"walk_pgd_range", "member mm_walk_ops.p4d_entry", []string{"walk_pud_range"}, false},
		// drivers/base/bus.c: drv_attr->store(drv_priv->driver, buf,
		// count), buf a const char *: the candidates whose second
		// parameter is no struct pointer; bus.c's bind and unbind
		// driver attributes
		{"drv_attr_store", "downcast driver_attribute.store", []string{"bind_store", "unbind_store"}, false},
		// Version 33: kernel/params.c's module_attr_show reads
		// /sys/module/*/version through the built-in modules' struct
		// module_version_attribute, which MODULE_VERSION puts in the
		// __modver section (include/linux/module.h)
		{"module_attr_show", "downcast module_attribute.show", []string{"__modver_version_show"}, false},
		// Version 34: lib/sort.c as Debian's 6.1.192 builds it: sort
		// puts its cmp_func into a struct wrapper on its stack and passes
		// the wrapper's address as sort_r's priv, whose do_cmp calls
		// ((const struct wrapper *)priv)->cmp; kernel/groups.c's
		// groups_sort passes gid_cmp, kernel/cgroup/cgroup-v1.c's
		// pidlist_array_load cmppid
		{"sort_r", "param", []string{"gid_cmp", "cmppid"}, false},
		{"__splice_from_pipe", "param", []string{"pipe_to_null", "pipe_to_sendpage"}, false},
		// mm/pagewalk.c inlined into walk_pgd_range, after p4d_offset's
		// pgtable_l5_enabled(), a static_cpu_has whose jump into
		// .altinstr_aux (objdump: "jmp … <_einittext+0x1d52>") comes back;
		// fs/proc/task_mmu.c's smaps_walk_ops and clear_refs_walk_ops
		// fs/kernfs/dir.c: kernfs_root(kn)->syscall_ops->mkdir(kn, …), kn
		// being the inode's i_private and kernfs_root(kn) (kn->parent ?:
		// kn)->dir.root; the kernfs_syscall_ops of kernel/cgroup/cgroup.c
		// and arch/x86/kernel/cpu/resctrl/rdtgroup.c, the only two
		{"kernfs_iop_mkdir", "offset kernfs_syscall_ops.mkdir", []string{"cgroup_mkdir", "rdtgroup_mkdir"}, true},
		// kernel/cgroup/cgroup.c: css_create inlined, ss walking
		// cgroup_subsys[] (for_each_subsys) from its address
		{"cgroup_apply_control_enable", "member cgroup_subsys.css_alloc", []string{"cpu_cgroup_css_alloc", "mem_cgroup_css_alloc", "pids_css_alloc", "blkcg_css_alloc"}, false},
		// fs/sysfs/file.c: battr = of->kn->priv; battr->read(of->file,
		// kobj, battr, …); kernel/bpf/sysfs_btf.c, kernel/ksysfs.c and
		// drivers/pci/pci-sysfs.c's bin_attributes
		{"sysfs_kf_bin_read", "offset bin_attribute.read", []string{"btf_vmlinux_read", "notes_read", "pci_read_rom"}, false},
		// kernel/cgroup/cgroup.c: cft = of->kn->priv, kn->priv being the
		// void pointer __kernfs_create_file stores its priv parameter in
		// and cgroup_add_file passes a struct cftype * there; the
		// cftypes of kernel/cgroup/cgroup.c, cgroup-v1.c, mm/memcontrol.c
		// and kernel/sched/core.c
		{"cgroup_seqfile_show", "offset cftype.seq_show", []string{"cgroup_procs_show", "cgroup_controllers_show", "cgroup_pidlist_show", "memory_stat_show", "cpu_max_show"}, false},
		{"cgroup_seqfile_start", "offset cftype.seq_start", []string{"cgroup_procs_start", "cgroup_pidlist_start"}, false},
		// lib/asn1_decoder.c: decoder->actions[…](context, …), actions a
		// const asn1_action_t *: the actions of crypto/asymmetric_keys'
		// pkcs7.asn1, x509.asn1, mscode.asn1 and crypto/rsapubkey.asn1
		{"asn1_ber_decoder", "proto i4(*v,i8,i1,*v,i8)", []string{"pkcs7_note_OID", "x509_note_OID", "mscode_note_digest", "rsa_get_n"}, false},
		// crypto/asymmetric_keys/public_key.c: crypto_akcipher_verify(req),
		// crypto_akcipher_alg(req->base.tfm)->verify(req), req kmalloc'd;
		// crypto/rsa-pkcs1pad.c's instance
		{"public_key_verify_signature", "offset akcipher_alg.verify", []string{"pkcs1pad_verify"}, false},
		// drivers/tty/tty_io.c: tty = file_tty(file), the
		// tty_file_private that file->private_data points to;
		// tty->ops->ioctl(tty, …): drivers/tty/vt/vt.c's con_ops,
		// serial_core's uart_ops, pty.c's ptm_unix98_ops
		{"tty_ioctl", "offset tty_operations.ioctl", []string{"vt_ioctl", "uart_ioctl", "pty_unix98_ioctl"}, false},
		// net/ipv4/icmp.c: inet_protos[protocol]->err_handler(skb, info),
		// inet_protos filled by inet_add_protocol's cmpxchg; af_inet.c's
		// udp_protocol, tcp_protocol and icmp_protocol
		{"icmp_socket_deliver", "member net_protocol.err_handler", []string{"udp_err", "tcp_v4_err", "icmp_err"}, false},
		// net/core/rtnetlink.c: link = rtnl_msg_handlers[family][type];
		// link->doit(skb, nlh, extack): the handlers rtnl_register passes,
		// which rtnl_register_internal stores as link->doit, an
		// rtnl_doit_func, into the one member declared so (Version 31;
		// before, they escaped into every member of the prototype and the
		// edges carried the look-alike rdma_nl_cbs.doit's name)
		{"rtnetlink_rcv_msg", "offset rtnl_link.doit", []string{"rtnl_newlink", "rtnl_getlink", "inet_rtm_newaddr", "inet6_rtm_newroute"}, false},
		// kernel/sysctl.c: conv ?: do_proc_dointvec_conv
		{"__do_proc_dointvec", "const default", []string{"do_proc_dointvec_conv"}, true},
		{"walk_pgd_range", "member mm_walk_ops.pmd_entry", []string{"smaps_pte_range", "clear_refs_pte_range", "pagemap_pmd_range"}, false},
		{"tty_init_dev.part.0", "member tty_operations.install", []string{"pty_unix98_install"}, false},
		{"virtqueue_notify", "downcast vring_virtqueue.notify", []string{"vp_notify"}, false},
		{"ip_ra_control", "member ip_ra_chain.destructor", []string{"mrtsock_destruct"}, false},
		{"nft_chain_validate", "offset nft_expr_ops.validate", []string{"nft_immediate_validate", "nft_lookup_validate"}, false},
		{"bprm_execve", "offset linux_binfmt.load_binary", []string{"load_elf_binary", "load_misc_binary"}, false},
		{"setup_object", "member kmem_cache.ctor", []string{"shmem_init_inode", "sighand_ctor", "anon_vma_ctor"}, false},
		// Version 27: net->rules_ops holds struct fib_rules_ops at their
		// list (fib_rules_register links the kmemdup'd copy it returns),
		// and fib_nl_delrule keeps net in an rbp slot of its realigned
		// frame
		{"fib_nl_delrule", "member fib_rules_ops.delete", []string{"fib4_rule_delete", "fib6_rule_delete"}, true},
		{"fib_nl_newrule", "member fib_rules_ops.compare", []string{"fib4_rule_compare", "fib6_rule_compare", "ipmr_rule_compare", "ip6mr_rule_compare"}, true},
		// fib6_clean_tree's struct fib6_cleaner on the stack, zeroed by
		// rep stos, its walker passed to fib6_walk, c.func = func
		{"fib6_clean_node", "downcast fib6_cleaner.func", []string{"fib6_age", "fib6_ifup", "fib6_ifdown", "rt6_mtu_change_route"}, false},
		// raw_pci_ops = &pci_direct_conf1 (an immediate store)
		{"raw_pci_read", "member pci_raw_ops.read", []string{"pci_conf1_read", "pci_mmcfg_read"}, false},
		// the entry after the bookmark (typed by the list) met with the
		// first of wq_head->head (a container_of)
		{"__wake_up_common", "member wait_queue_entry.func", []string{"autoremove_wake_function", "default_wake_function", "pollwake"}, false},
		// Version 28: a block's in-state recomputed from its
		// predecessors' out-states (set_rq_online's class pointer: first
		// the address of stop_sched_class, whose rq_online is NULL, then a
		// struct sched_class * once the loop's step is seen), and x ?
		// x->i_private : x (kernfs_iop_rmdir's kernfs_dentry_node)
		{"set_rq_online.part.0", "offset sched_class.rq_online", []string{"rq_online_fair", "rq_online_rt", "rq_online_dl"}, true},
		{"kernfs_iop_rmdir", "offset kernfs_syscall_ops.rmdir", []string{"cgroup_rmdir"}, false},
	} {
		got := callees(c.caller, c.via)
		for _, w := range c.want {
			if !got[w] {
				t.Errorf("%s: %s does not reach %s (has %d)", c.caller, c.via, w, len(got))
			}
		}
		if c.exact && len(got) != len(c.want) {
			t.Errorf("%s: %s reaches %v, want exactly %v", c.caller, c.via, slices.Sorted(maps.Keys(got)), c.want)
		}
	}

	if got := callees("tcp_rcv_state_process", "member sock.sk_state_change"); got["mrtsock_destruct"] || len(got) == 0 {
		t.Errorf("tcp_rcv_state_process: sk->sk_state_change reaches %d functions, mrtsock_destruct among them: %v", len(got), got["mrtsock_destruct"])
	}

	// Who calls nf_tables's init and exit indirectly.
	p := g.Program()
	callers := map[int]string{}
	for _, name := range []string{"init_module", "cleanup_module"} {
		for _, f := range g.Lookup(name) {
			if g.Module(f) == "nf_tables" {
				callers[f] = name
			}
		}
	}
	if len(callers) != 2 {
		t.Fatalf("nf_tables: %d init/exit functions found, want 2", len(callers))
	}
	wantCaller := map[string]string{"init_module": "do_one_initcall", "cleanup_module": "__do_sys_delete_module"}
	for i, fn := range p.Functions {
		for _, c := range fn.Indirect {
			if name, ok := callers[c]; ok && fn.Name != wantCaller[name] {
				t.Errorf("%s reaches nf_tables's %s (%s); only %s calls it", fn.Name, name, g.Via(i, c), wantCaller[name])
			}
		}
	}
	got := callees("security_secmark_refcount_inc", "member security_list_options.secmark_refcount_inc")
	for _, w := range []string{"selinux_secmark_refcount_inc", "bpf_lsm_secmark_refcount_inc"} {
		if !got[w] {
			t.Errorf("security_secmark_refcount_inc does not reach %s", w)
		}
	}
	for _, f := range g.Lookup("security_secmark_refcount_inc") {
		for _, c := range p.Functions[f].Indirect {
			if m := g.Module(c); m != "" {
				t.Errorf("security_secmark_refcount_inc reaches %s of module %s", g.Name(c), m)
			}
		}
	}
}

// The held-out footprint sets (make kernel-footprints-check): busybox
// sessions written after the reach rules were tuned on the committed
// footprints. "check" found two holes on its first run (seq_file reads,
// netlink dumps), fixed in analysis Version 5, so it is held out no more;
// "check2" was written before those fixes and run once after them.
const (
	checkFootprints   = "../ftrace/data/debian-6.1.0-56-cloud-amd64.check.footprints.json.gz"
	check2Footprints  = "../ftrace/data/debian-6.1.0-56-cloud-amd64.check2.footprints.json.gz"
	check3Footprints  = "../ftrace/data/debian-6.1.0-56-cloud-amd64.check3.footprints.json.gz"
	check4Footprints  = "../ftrace/data/debian-6.1.0-56-cloud-amd64.check4.footprints.json.gz"
	check5Footprints  = "../ftrace/data/debian-6.1.0-56-cloud-amd64.check5.footprints.json.gz"
	check6Footprints  = "../ftrace/data/debian-6.1.0-56-cloud-amd64.check6.footprints.json.gz"
	check7Footprints  = "../ftrace/data/debian-6.1.0-56-cloud-amd64.check7.footprints.json.gz"
	check8Footprints  = "../ftrace/data/debian-6.1.0-56-cloud-amd64.check8.footprints.json.gz"
	check9Footprints  = "../ftrace/data/debian-6.1.0-56-cloud-amd64.check9.footprints.json.gz"
	check10Footprints = "../ftrace/data/debian-6.1.0-56-cloud-amd64.check10.footprints.json.gz"
)

// TestRealRecallCheck keeps the "check" set as a regression test. Its
// first run (2026-12-05, analysis Version 4): recall 0.733 (297 of 405
// non-hub functions) and 0.985 with hubs (6,860 of 6,968 pairs), 14 of 77
// syscalls below 0.90; after the fixes it prompted (Version 5) 0.865 and
// 0.994. The bars are the first run's, rounded down.
func TestRealRecallCheck(t *testing.T) {
	recallCheck(t, checkFootprints, 0.98, 0.73)
}

// TestRealRecallCheck2 measures the held-out "check2" set. Its one run
// (2026-12-05, analysis Version 5, 72 syscalls): recall 0.892 (288 of 323
// non-hub functions) and 0.995 with hubs (7,218 of 7,253 pairs), 10
// syscalls below 0.90 (proc reads through proc_inode's op union and mount
// seq files, sysfs attributes under sendfile, slab constructors). Its list
// was seen after that run; the later fixes (Versions 6 and 7) answered the
// tuning set's misses. The bars are that run's, rounded down.
func TestRealRecallCheck2(t *testing.T) {
	recallCheck(t, check2Footprints, 0.99, 0.89)
}

// TestRealRecallCheck3 measures the held-out "check3" set, written after
// analysis Version 19 and run once (2026-12-05, 69 syscalls): recall 0.990
// (303 of 306 non-hub functions) and 0.9996 with hubs (7,536 of 7,539
// pairs); 2 syscalls below 0.90: sendfile (elv_iosched_show, a block
// queue's sysfs attribute) and sendto (icmpv6_getfrag and raw6_getfrag,
// ping6's getfrag callback). The bars are that run's, rounded down.
// Version 20 fixed both: 1.000 and 1.000, so it is held out no more.
func TestRealRecallCheck3(t *testing.T) {
	recallCheck(t, check3Footprints, 0.99, 0.98)
}

// TestRealRecallCheck4 measures the held-out "check4" set, written by a
// helper who did not read the analysis, after analysis Version 20, and
// run once (2026-12-05, 107 syscalls): recall 0.906 (523 of 577 non-hub
// functions) and 0.996 with hubs (13,134 of 13,188 pairs); 8 syscalls
// below 0.90: cgroup2 mkdir, rmdir and file reads (kernfs_syscall_ops,
// cftype seq_show), CPU topology sysfs files (bin_attribute.read),
// /proc/PID/smaps and clear_refs (mm_walk_ops), sysctl handlers' conv
// callbacks, keys' describe, UDP error handlers, tty and VT ioctls, FIB
// rule ops. The bars are that run's, rounded down.
func TestRealRecallCheck4(t *testing.T) {
	recallCheck(t, check4Footprints, 0.99, 0.90)
}

// TestRealRecallCheck5 measures the held-out "check5" set, written by a
// helper who did not read the analysis while Version 21 was made (without
// it), and run once after Version 21 (2026-12-05, 105 syscalls): recall
// 0.656 (527 of 803 non-hub functions) and 0.982 with hubs (15,320 of
// 15,596 pairs); 11 syscalls below 0.90: cgroup v1 and v2 (mkdir's
// css_alloc of every controller, cftype seq_show and write handlers
// behind kernfs_node.priv, a void pointer), module signature checks
// (init_module, finit_module: the ASN.1 decoder's action table of
// pkcs7 and x509), VT ioctls and font ops, sysfs binary attributes
// (PCI ROM, BTF), sysctl conv callbacks, IPv6 route and FIB rule ops,
// UDP error handlers. The bars are that run's, rounded down.
func TestRealRecallCheck5(t *testing.T) {
	recallCheck(t, check5Footprints, 0.98, 0.65)
}

// TestRealRecallCheck6 measures the held-out "check6" set, written by a
// helper who did not read the analysis while Versions 24 to 26 were made,
// committed before its only run (ce5a53e), and run once after Version 26
// (2026-12-05, 95 syscalls: other processes' /proc files, sysfs writes,
// hugetlbfs, ramfs and bpffs mounts, exec failures, user and IPC
// namespaces, a pty through telnetd, TCP resets, a network namespace's
// routes and rules): recall 0.945 (429 of 454 non-hub functions) and
// 0.998 with hubs; 5 syscalls below 0.90: IPv6 route ops behind
// fib6_clean_all's callbacks (ioctl, write), FIB rule ops (sendmsg), PCI
// config and sysfs attributes of PCI and the serial console (sendfile,
// write), cgroup_rmdir. The bars are that run's, rounded down.
func TestRealRecallCheck6(t *testing.T) {
	recallCheck(t, check6Footprints, 0.99, 0.94)
}

// TestRealRecallCheck7 measures the held-out "check7" set, written by a
// helper who did not read the analysis, after Version 27, committed before
// its first run (ffab2ed; the run that counts is the second, after a fix of
// the script's own loop) and measured once (2026-12-05, 92 syscalls:
// cgroup v1 controllers, an unprivileged user's permission checks,
// sysctl handlers, THP, tmpfs limits, clocks, devpts and proc instances,
// TCP variants in a network namespace): recall 0.936 (393 of 420 non-hub
// functions) and 0.998 with hubs (12,987 of 13,014); 5 syscalls below
// 0.90: the serial console's write under mount and write, cgroup_rmdir,
// memcg's css_rstat_flush and css_reset, sched domains' rq_online and
// rq_offline class methods, unshare's inet_get_link_af_size. The bars
// are that run's, rounded down.
func TestRealRecallCheck7(t *testing.T) {
	recallCheck(t, check7Footprints, 0.99, 0.93)
}

// TestRealRecallCheck8 measures the held-out "check8" set, written by a
// helper who did not read the analysis, after Version 31, committed before
// its first run (34064a7; that run hung reading AppArmor's revision file
// and was killed, so the run that counts is the second, after a fix of the
// script alone) and measured once (2026-12-06, 89 syscalls: hand-made ELF
// files, path walks at their limits, mounts and bind propagation,
// resource limits, nested namespaces, module loads refused, sysctl
// handlers, Yama, AppArmor and lockdown, debugfs and sysfs writes, a
// network namespace's rules and routes): recall 0.912 (414 of 454 non-hub
// functions) and 0.997 with hubs (14,359 of 14,399); 7 syscalls below
// 0.90: the serial console's write (finit_module, init_module, mount,
// write: printk's console->write), debugfs attributes (simple_attr's get
// and set, through file->private_data, a void pointer that holds too
// many structs to type), IMA's measurement list (template field show
// callbacks), bus and driver sysfs attributes (bind, unbind,
// drivers_autoprobe, drivers_probe, uevent), the multi-gen LRU's page
// table walk under write, and exit_group's 32-bit entry
// (__ia32_sys_exit_group, which a 32-bit program's exit runs: not the
// x86-64 entry's reach). Three of the misses were checked with the CLI,
// which reaches none of them even through hubs (`sysweight kernel reach
// PACKAGE write --to univ8250_console_write`, `write --to bind_store`,
// `read --to debugfs_u32_get`: "not reached"). The bars are that run's,
// rounded down.
func TestRealRecallCheck8(t *testing.T) {
	recallCheck(t, check8Footprints, 0.99, 0.91)
}

// TestRealRecallCheck9 is the ninth held-out set (check9.sh, written by a
// helper who had not read the analysis, after Version 31, committed before
// its run; one run, 79 syscalls), compared once with the static reach of
// Version 32: 0.966 (365 of 378 non-hub executed functions), 0.999 with
// hubs (11,338 of 11,351); 4 syscalls under 0.90: poll (cgroup_file_poll,
// a cftype's poll), read (two sysfs show methods), sendfile (memcg's and
// blkcg's rstat flush, a module version attribute, a DMI entry) and write
// (the perf cgroup move, the profiling buffer's CPU hotplug, two PCI
// quirks). Version 31's reach, on the same footprints: 0.903 (365 of
// 404), 0.997 (11,312), 5 under 0.90; the serial console, driver and bus
// attributes and debugfs attributes it missed are what Version 32 added
// (now hubs). Versions 33 and 34 then took two of its misses as their
// cue (__modver_version_show, cmppid): 0.971 (365 of 376), 0.999 (11,340),
// so from Version 33 on it is no longer held out. The floors guard the
// figures.
func TestRealRecallCheck9(t *testing.T) {
	recallCheck(t, check9Footprints, 0.998, 0.96)
}

// TestRealRecallCheck10 is the tenth held-out set (check10.sh, written by
// a helper who had not read the analysis, after Version 34, committed
// before its run; one run, 89 syscalls), compared once with the static
// reach of Version 34: 0.990 (413 of 417 non-hub executed functions),
// 0.9996 with hubs (11,244 of 11,248); 3 syscalls under 0.90: poll
// (cgroup_file_poll and cgroup_pressure_poll, a cftype's poll through
// kernfs), sendfile (a sysfs name_show) and write (__perf_cgroup_move,
// run through smp_call_function_single's callback). Version 31's reach,
// on the same footprints: 0.960 (413 of 430), 0.998 (11,231), 6 under
// 0.90, three of them the serial console's write under finit_module,
// init_module and mount. The floors guard the figures.
func TestRealRecallCheck10(t *testing.T) {
	recallCheck(t, check10Footprints, 0.999, 0.98)
}

// TestRealRecallOtherABI: check8 ran 32-bit programs, whose exit_group
// entered the kernel through __ia32_sys_exit_group; the recall leaves that
// entry point of the 32-bit table out (OtherABI) rather than count it as a
// miss of the x86_64 exit_group, and counts do_group_exit as before.
func TestRealRecallOtherABI(t *testing.T) {
	rep := recallOf(t, realDeb(t), checkedFootprints(t, check8Footprints))
	for _, s := range rep.Syscalls {
		if s.Name != "exit_group" {
			continue
		}
		if s.OtherABI != 1 || slices.Contains(s.Missed, "__ia32_sys_exit_group") || s.Reached < 1 {
			t.Errorf("exit_group: other ABI %d, reached %d, missed %v; want 1, at least 1 (do_group_exit), no __ia32_sys_exit_group", s.OtherABI, s.Reached, s.Missed)
		}
		return
	}
	t.Fatal("check8 has no exit_group footprint")
}

// checkedFootprints loads the held-out footprints at path, skipping the
// test when they are absent.
func checkedFootprints(t *testing.T, path string) *ftrace.Footprints {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("%s absent: make kernel-footprints-check writes it", path)
	}
	defer f.Close()
	fp, err := ftrace.LoadFootprints(f)
	if err != nil {
		t.Fatal(err)
	}
	return fp
}

// recallCheck compares the static reach with the footprints at path:
// recall over the non-hub functions each syscall ran, and over every
// (syscall, function) pair with hubs counted in.
func recallCheck(t *testing.T, path string, allFloor, nonHubFloor float64) {
	rep := recallOf(t, realDeb(t), checkedFootprints(t, path))
	var below []SyscallRecall
	for _, s := range rep.Syscalls {
		if s.NonHub > 0 && s.Recall() < 0.9 {
			below = append(below, s)
		}
	}
	nonHub := float64(rep.Reached) / float64(max(rep.NonHub, 1))
	all := float64(rep.ReachedAll) / float64(max(rep.Executed, 1))
	t.Logf("%s: %d syscalls; recall %.3f (%d of %d non-hub executed functions); with hubs %.3f (%d of %d); %d syscalls below 0.90:\n%s",
		filepath.Base(path), len(rep.Syscalls), nonHub, rep.Reached, rep.NonHub, all, rep.ReachedAll, rep.Executed, len(below), listRecall(below))
	if len(rep.Syscalls) == 0 || rep.Executed == 0 {
		t.Fatal("no syscall of the footprints was analysed")
	}
	t.Logf("median non-hub footprint %d, median static reach %d (issue 8's guard: within 10x)", rep.MedianNonHub, rep.MedianReach)
	if all < allFloor {
		t.Errorf("recall with hubs %.3f, below the %.3f first measured", all, allFloor)
	}
	if nonHub < nonHubFloor {
		t.Errorf("non-hub recall %.3f, below the %.3f first measured", nonHub, nonHubFloor)
	}
}

// TestRealCalledAs checks the members functions are called through, on the
// real package, against Linux 6.1's source: tcp_setsockopt is
// tcp_prot.setsockopt (a struct proto), inet_create inet_family_ops.create
// (a net_proto_family), netlink_sendmsg netlink_ops.sendmsg (a proto_ops),
// pktgen_thread_write pktgen's pktgen_thread_proc_ops.proc_write (a
// proc_ops, in pktgen.ko), nf_tables_newrule an nfnl_callback's call
// (nf_tables_cb); `sysweight kernel reach` shows the same members on the
// paths (write --to pktgen_thread_write: "[offset proc_ops.proc_write]").
// A function called directly only (__sys_setsockopt) has none.
func TestRealCalledAs(t *testing.T) {
	g := realDeb(t).Graph()
	for fn, want := range map[string]string{
		"tcp_setsockopt":      "proto.setsockopt",
		"inet_create":         "net_proto_family.create",
		"netlink_sendmsg":     "proto_ops.sendmsg",
		"pktgen_thread_write": "proc_ops.proc_write",
		"nf_tables_newrule":   "nfnl_callback.call",
	} {
		found := false
		for _, f := range g.Lookup(fn) {
			if g.Name(f) == fn && slices.Contains(g.CalledAs(f), want) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s is not called as %s", fn, want)
		}
	}
	for _, f := range g.Lookup("__sys_setsockopt") {
		if m := g.CalledAs(f); len(m) != 0 {
			t.Errorf("__sys_setsockopt called as %v", m)
		}
	}
	// The module directories, from the .ko paths the package lists
	// (dpkg -c: ./lib/modules/6.1.0-56-cloud-amd64/kernel/drivers/md/dm-crypt.ko,
	// .../net/netfilter/nf_tables.ko); vmlinux's functions have none.
	for fn, want := range map[string]string{"crypt_message": "drivers/md/", "nf_tables_newrule": "net/netfilter/", "tcp_setsockopt": ""} {
		fs := g.Lookup(fn)
		if len(fs) == 0 || g.ModuleDir(fs[0]) != want {
			t.Errorf("%s: module directory %q, want %q", fn, func() string {
				if len(fs) == 0 {
					return "(absent)"
				}
				return g.ModuleDir(fs[0])
			}(), want)
		}
	}
}
