package attrib

import (
	"reflect"
	"testing"
)

// A KASAN report as syzbot writes it (shape of CVE-2024 CNA texts), written
// for this test: the access stack runs under sendmsg; the free stack under
// close. The expected values are read off the text by hand.
const kasanReport = `BUG: KASAN: slab-use-after-free in nft_setelem_free+0x1c/0x40 net/netfilter/nf_tables_api.c:123
Read of size 8 at addr ffff88801ee7a000 by task syz-executor/5040

CPU: 0 PID: 5040 Comm: syz-executor Not tainted 6.8.0-syzkaller #0
Call Trace:
 <TASK>
 __dump_stack lib/dump_stack.c:88 [inline]
 dump_stack_lvl+0x1e7/0x2e0 lib/dump_stack.c:106
 print_report+0x167/0x540 mm/kasan/report.c:488
 kasan_report+0x142/0x180 mm/kasan/report.c:601
 nft_setelem_free+0x1c/0x40 net/netfilter/nf_tables_api.c:123
 ? nft_trans_alloc+0x10/0x20
 nf_tables_newsetelem+0x2a/0x80 [nf_tables]
 nfnetlink_rcv_batch+0x100/0x200
 netlink_unicast+0x7f/0x90
 netlink_sendmsg+0x8f/0xa0 net/netlink/af_netlink.c:1905
 sock_sendmsg_nosec net/socket.c:730 [inline]
 ____sys_sendmsg+0x5a/0x90
 ___sys_sendmsg+0x11/0x20
 __sys_sendmsg+0x22/0x30
 do_syscall_64+0x40/0x110
 entry_SYSCALL_64_after_hwframe+0x63/0x6b
 </TASK>

Allocated by task 5040:
 kasan_save_stack+0x33/0x50
 nft_setelem_new+0x1/0x2
 __x64_sys_sendmsg+0x1/0x2

Freed by task 5041:
 kfree+0x10/0x20
 __fput+0x1/0x2
 task_work_run+0x1/0x2
 __x64_sys_close+0x1/0x2
`

func TestParseTraces(t *testing.T) {
	st := ParseTraces(kasanReport)
	if len(st) != 3 {
		t.Fatalf("got %d stacks, want 3 (access, allocated, freed)", len(st))
	}
	if st[0].Kind != StackMain || st[1].Kind != StackAlloc || st[2].Kind != StackFree {
		t.Errorf("kinds %v %v %v, want main, alloc, free", st[0].Kind, st[1].Kind, st[2].Kind)
	}
	if len(st[0].Frames) != 16 {
		t.Errorf("main stack has %d frames, want 16", len(st[0].Frames))
	}
	if f := st[0].Frames[5]; f.Func != "nft_trans_alloc" || !f.Unreliable {
		t.Errorf("frame 5 = %+v, want the unreliable nft_trans_alloc", f)
	}
	if f := st[0].Frames[4]; f.Func != "nft_setelem_free" || f.File != "net/netfilter/nf_tables_api.c" {
		t.Errorf("frame 4 = %+v", f)
	}
	c, ok := st[0].Call(x86)
	if !ok || c.Syscall != "sendmsg" || c.Incidental != "" {
		t.Fatalf("main stack call = %+v, %v; want sendmsg", c, ok)
	}
	want := []string{"__sys_sendmsg", "___sys_sendmsg", "____sys_sendmsg", "sock_sendmsg_nosec", "netlink_sendmsg",
		"netlink_unicast", "nfnetlink_rcv_batch", "nf_tables_newsetelem", "nft_setelem_free", "kasan_report",
		"print_report", "dump_stack_lvl", "__dump_stack"}
	if !reflect.DeepEqual(c.Path, want) {
		t.Errorf("path %v\nwant %v", c.Path, want)
	}
	f := Read(Input{Description: kasanReport}, x86)
	if got := names(f.Trace); !reflect.DeepEqual(got, []string{"sendmsg"}) {
		t.Errorf("trace links %v, want [sendmsg] (close is only in the Freed stack)", got)
	}
	if len(f.Text) != 0 {
		t.Errorf("text links %v: the trace lines are the trace method's", f.Text)
	}
	sites := Sites(kasanReport, "")
	if len(sites) == 0 || sites[0].Func != "nft_setelem_free" || sites[0].Role != RoleCrash {
		t.Errorf("first site %+v, want crash nft_setelem_free", sites)
	}
}

func TestTraceIncidental(t *testing.T) {
	cases := []struct {
		name, text, why string
	}{
		{"exit through task_work", " foo_release+0x1/0x2\n __fput+0x1/0x2\n task_work_run+0x1/0x2\n do_exit+0x1/0x2\n do_group_exit+0x1/0x2\n __x64_sys_exit_group+0x1/0x2\n", "task_work"},
		{"module init", " foo_probe+0x1/0x2\n do_one_initcall+0x1/0x2\n do_init_module+0x1/0x2\n load_module+0x1/0x2\n __do_sys_finit_module+0x1/0x2\n", "module init"},
		{"kprobe", " handler+0x1/0x2\n kprobe_ftrace_handler+0x1/0x2\n vfs_write+0x1/0x2\n ksys_write+0x1/0x2\n", "kprobe"},
		{"timer interrupt", " <IRQ>\n foo_timer+0x1/0x2\n __do_softirq+0x1/0x2\n irq_exit_rcu+0x1/0x2\n sysvec_apic_timer_interrupt+0x1/0x2\n </IRQ>\n <TASK>\n asm_sysvec_apic_timer_interrupt+0x1/0x2\n __x64_sys_ioctl+0x1/0x2\n", "interrupt"},
		{"loopback softirq keeps the sender", " <IRQ>\n tcp_v4_rcv+0x1/0x2\n __do_softirq+0x1/0x2\n do_softirq+0x1/0x2\n </IRQ>\n <TASK>\n __local_bh_enable_ip+0x1/0x2\n ip_finish_output2+0x1/0x2\n __sys_sendto+0x1/0x2\n", ""},
	}
	for _, c := range cases {
		st := ParseTraces(c.text)
		if len(st) != 1 {
			t.Errorf("%s: %d stacks", c.name, len(st))
			continue
		}
		call, ok := st[0].Call(x86)
		if !ok || call.Incidental != c.why {
			t.Errorf("%s: %+v %v, want incidental %q", c.name, call, ok, c.why)
		}
	}
}

func TestTraceCut(t *testing.T) {
	// CVE-2022-50757's trace (kernel CNA), cut below v4l2_ioctl.
	text := "  WARNING: CPU: 1 PID: 520 at drivers/media/common/videobuf2/videobuf2-core.c:1592 vb2_start_streaming+0xec/0x160\n  <snip>\n  Call trace:\n   vb2_start_streaming+0xec/0x160\n   vb2_core_streamon+0x9c/0x1a0\n   vb2_ioctl_streamon+0x68/0xbc\n   v4l_streamon+0x30/0x3c\n   __video_do_ioctl+0x184/0x3e0\n   video_usercopy+0x37c/0x7b0\n   video_ioctl2+0x24/0x40\n   v4l2_ioctl+0x4c/0x70\n\nThe fix"
	f := Read(Input{Description: text}, x86)
	if got := names(f.Trace); !reflect.DeepEqual(got, []string{"ioctl"}) {
		t.Errorf("trace %v, want [ioctl] from v4l2_ioctl", got)
	}
	s := Sites(text, "")
	if len(s) == 0 || s[0].Func != "vb2_start_streaming" || s[0].File != "drivers/media/common/videobuf2/videobuf2-core.c" || s[0].Role != RoleCrash {
		t.Errorf("first site %+v, want the WARNING's vb2_start_streaming", s)
	}
	// No-break spaces indent the frames of some CNA texts (CVE-2023-52903).
	nbsp := "Call trace:\n\u00a0foo_release+0x1/0x2\n\u00a0__x64_sys_close+0x3/0x4\n"
	if f := Read(Input{Description: nbsp}, x86); len(f.Trace) != 1 || f.Trace[0].Syscall != "close" {
		t.Errorf("no-break spaces: %+v", f.Trace)
	}
	// A kworker's stack names no syscall even with an _ioctl frame.
	kw := " foo+0x1/0x2\n bar_ioctl+0x1/0x2\n process_one_work+0x1/0x2\n worker_thread+0x1/0x2\n kthread+0x1/0x2\n"
	if c, ok := ParseTraces(kw)[0].Call(x86); ok {
		t.Errorf("kworker stack: %+v", c)
	}
	// CVE-2024-57994's syzbot trace (kernel CNA) is pasted down to
	// netlink_rcv_skb: rtnetlink's input, which runs for a message sent
	// with sendmsg (net/netlink/af_netlink.c: netlink_sendmsg →
	// netlink_unicast → netlink_unicast_kernel → nlk->netlink_rcv).
	nl := "Call Trace:\n <TASK>\n tun_ptr_free drivers/net/tun.c:617 [inline]\n tun_device_event+0xaaf/0x1080 drivers/net/tun.c:3714\n" +
		" notifier_call_chain+0x19f/0x3e0 kernel/notifier.c:93\n dev_change_tx_queue_len+0x158/0x2a0 net/core/dev.c:9024\n" +
		" do_setlink+0xff6/0x41f0 net/core/rtnetlink.c:2923\n rtnl_setlink+0x40d/0x5a0 net/core/rtnetlink.c:3201\n" +
		" rtnetlink_rcv_msg+0x73f/0xcf0 net/core/rtnetlink.c:6647\n netlink_rcv_skb+0x1e3/0x430 net/netlink/af_netlink.c:2550\n"
	f = Read(Input{Description: nl}, x86)
	if len(f.Trace) != 1 || f.Trace[0].Syscall != "sendmsg" || f.Trace[0].Path[1] != "netlink_rcv_skb" {
		t.Errorf("netlink input: %+v, want sendmsg from netlink_rcv_skb", f.Trace)
	}
	// ... but not in a kworker, nor from a dump callback, which also runs
	// in recvmsg.
	for _, s := range []string{
		" do_setlink+0x1/0x2\n rtnetlink_rcv_msg+0x1/0x2\n process_one_work+0x1/0x2\n worker_thread+0x1/0x2\n kthread+0x1/0x2\n",
		" inet_dump_ifaddr+0x1/0x2\n netlink_dump+0x1/0x2\n",
	} {
		if c, ok := ParseTraces(s)[0].Call(x86); ok {
			t.Errorf("%q: %+v", s, c)
		}
	}
}

func TestParseFrame(t *testing.T) {
	cases := []struct {
		line string
		want Frame
		ok   bool
	}{
		{" foo+0x1c/0x40", Frame{Func: "foo"}, true},
		{"[  12.345678]  foo.isra.0+0x1c/0x40 [nf_tables]", Frame{Func: "foo"}, true},
		{" [<ffffffff8107d4c5>] ? bar+0x55/0x80", Frame{Func: "bar", Unreliable: true}, true},
		{" io_fill_cqe_req io_uring/io_uring.h:168 [inline]", Frame{Func: "io_fill_cqe_req", File: "io_uring/io_uring.h"}, true},
		{" x+0x1/0x2 (P)", Frame{Func: "x"}, true},
		{"The fix is to correct the error path", Frame{}, false},
		{"  bh = ext4_bread(NULL, inode, block, 0)", Frame{}, false},
		{"    ext4_mknod", Frame{}, false},
	}
	for _, c := range cases {
		got, ok := parseFrame(stripLogPrefix(c.line))
		if ok != c.ok || ok && got != c.want {
			t.Errorf("parseFrame(%q) = %+v, %v; want %+v, %v", c.line, got, ok, c.want, c.ok)
		}
	}
}

func TestSyzProgram(t *testing.T) {
	// A syzbot report quoting its reproducer program (shape of
	// CVE-2025-21881's): the program's calls are set-up; the trace names
	// the trigger.
	text := "syzbot reported:\n\nr0 = openat(0xffffffffffffff9c, &(0x7f0000000040)='./file0\\x00', 0x42, 0x0)\n" +
		"ioctl$UFFDIO_API(r0, &(0x7f0000000000)={0xaa, 0x0})\nmmap(&(0x7f0000ffc000/0x3000)=nil, 0x3000, 0x3, 0x12, r0, 0x0)\n" +
		"bpf$BPF_LINK_CREATE(0x1c, &(0x7f0000000100), 0x40)\n\nCall Trace:\n __replace_page+0x1/0x2\n __sys_bpf+0x3/0x4\n\n" +
		"The fix makes uprobe_write_opcode() skip the zero page; open() is fine.\n"
	f := Read(Input{Description: text}, x86)
	if got := names(f.Text); !reflect.DeepEqual(got, []string{"open"}) {
		t.Errorf("text %v, want only the prose's open", got)
	}
	if got := names(f.Trace); !reflect.DeepEqual(got, []string{"bpf"}) {
		t.Errorf("trace %v, want [bpf]", got)
	}
	for _, l := range []string{"mmap(NULL, 4096)", "call foo(bar) now", "r0 = x"} {
		if syzProgLine(l) {
			t.Errorf("%q read as a syzkaller line", l)
		}
	}
}

// Operations methods by their names' suffixes, and what is not one: a
// syscall body, a netlink command handler (nbd_genl_connect handles
// NBD_CMD_CONNECT of the nbd generic-netlink family, drivers/block/nbd.c),
// a name that is only the suffix.
func TestOpsSyscall(t *testing.T) {
	for fn, want := range map[string]string{
		"packet_setsockopt": "setsockopt", "v4l2_ioctl": "ioctl", "vsock_connect": "connect",
		"raid_disks_store": "write", "netlink_sendmsg": "sendmsg",
		"nbd_genl_connect": "", "tipc_nl_compat_connect": "", "ksys_ioctl": "", "_ioctl": "",
	} {
		got, ok := OpsSyscall(fn)
		if got != want || ok != (want != "") {
			t.Errorf("OpsSyscall(%s) = %q, %v; want %q", fn, got, ok, want)
		}
	}
}

// Names like operations methods that are not, by the record's files
// (cases from the DB: CVE-2016-3951's cdc_ncm_bind, a USB network driver's
// usbnet bind; CVE-2015-8569's pptp_bind, a socket's; CVE-2019-15666's
// __xfrm_policy_unlink, a list helper; CVE-2024-27022's dup_mmap, fork's).
func TestOpsMethodIn(t *testing.T) {
	for _, c := range []struct {
		fn    string
		files []string
		want  bool
	}{
		{"cdc_ncm_bind", []string{"drivers/net/usb/cdc_ncm.c"}, false},
		{"pptp_bind", []string{"drivers/net/ppp/pptp.c"}, true},
		{"sco_sock_bind", []string{"net/bluetooth/sco.c"}, true},
		{"llcp_sock_bind", nil, true}, // no file to tell
		{"kbd_connect", []string{"drivers/input/tablet/aiptek.c"}, false},
		{"selinux_socket_connect", []string{"security/selinux/hooks.c"}, true},
		{"__xfrm_policy_unlink", []string{"net/xfrm/xfrm_user.c"}, false},
		{"ext4_unlink", []string{"fs/ext4/namei.c", "fs/ext4/ext4.h"}, true},
		{"dup_mmap", nil, false},
		{"exit_mmap", []string{"mm/mmap.c"}, false},
		{"udl_fb_mmap", []string{"drivers/gpu/drm/udl/udl_fb.c"}, true},
		{"vprintk_store", []string{"kernel/printk/printk.c"}, false},
		{"sriov_numvfs_store", []string{"drivers/pci/iov.c"}, true},
		{"v4l2_ioctl", []string{"drivers/media/v4l2-core/v4l2-dev.c"}, true},
	} {
		if got := OpsMethodIn(c.fn, c.files); got != c.want {
			t.Errorf("OpsMethodIn(%s, %v) = %v, want %v", c.fn, c.files, got, c.want)
		}
	}
}
