package attrib

import (
	"reflect"
	"strings"
	"testing"
)

// The trace method reads two kinds of stack besides the main one: a
// lockdep report's "-> #0" entry (the reporting task's own stack) and, when
// no main stack names a trigger, an auxiliary stack that runs the function
// the fix's subject names. The reports are cut down from real ones
// (CVE-2024-35795's lockdep splat, CVE-2024-46796's KASAN report from a
// kworker); the expected syscalls are the entries under those frames.
func TestTraceAuxStacks(t *testing.T) {
	const preamble = "In the Linux kernel, the following vulnerability has been resolved:\n\n"
	lockdep := preamble + `drm/foo: fix deadlock while reading mqd from debugfs

[ 1.0][ T1] WARNING: possible circular locking dependency detected
[ 1.0][ T1] the existing dependency chain (in reverse order) is:
[ 1.0][ T1]
[ 1.0][ T1] -> #1 (reservation_ww_class_acquire){+.+.}-{0:0}:
[ 1.0][ T1]        dma_resv_lockdep+0x16c/0x330
[ 1.0][ T1]        foo_ioctl+0x6a/0x350
[ 1.0][ T1]        __x64_sys_ioctl+0x15/0x1a0
[ 1.0][ T1]
[ 1.0][ T1] -> #0 (&mm->mmap_lock){++++}-{3:3}:
[ 1.0][ T1]        __lock_acquire+0x14bf/0x2680
[ 1.0][ T1]        lock_acquire+0xcd/0x2c0
[ 1.0][ T1]        __might_fault+0x58/0x80
[ 1.0][ T1]        foo_debugfs_mqd_read+0x103/0x250 [foo]
[ 1.0][ T1]        full_proxy_read+0x55/0x80
[ 1.0][ T1]        vfs_read+0xa7/0x360
[ 1.0][ T1]        ksys_read+0x70/0xf0
[ 1.0][ T1]        do_syscall_64+0x94/0x180
`
	kworker := func(subject string) string {
		return preamble + subject + `

  BUG: KASAN: slab-use-after-free in detach_if_pending+0xab/0x200
  Workqueue: cifsoplockd cifs_oplock_break [cifs]
  Call Trace:
   detach_if_pending+0xab/0x200
   cifs_oplock_break+0x4c1/0xa50 [cifs]
   process_one_work+0x4c6/0x9f0
   worker_thread+0x2e4/0x570
   kthread+0x17f/0x1c0

  Allocated by task 1118:
   kasan_save_stack+0x30/0x50
   cifs_new_fileinfo+0xc8/0x9d0 [cifs]
   do_sys_openat2+0x129/0x160
   __x64_sys_creat+0xad/0xe0

  Last potentially related work creation:
   kasan_save_stack+0x30/0x50
   queue_work_on+0x6d/0x90
   _cifsFileInfo_put+0x3f6/0x770 [cifs]
   smb2_set_path_size+0x228/0x270 [cifs]
   cifs_setattr+0xd9c/0x14b0 [cifs]
   do_truncate+0xfa/0x180
   __x64_sys_truncate+0x109/0x150
`
	}
	taprio := preamble + `net/sched: sch_taprio: fix possible use-after-free

BUG: KMSAN: uninit-value in _raw_spin_trylock+0x92/0xa0 kernel/locking/spinlock.c:138
 qdisc_run+0xee/0x540 include/net/pkt_sched.h:125
 net_tx_action+0x77c/0x9a0 net/core/dev.c:5086
 __do_softirq+0x1cc/0x7fb kernel/softirq.c:571
 run_ksoftirqd+0x2c/0x50 kernel/softirq.c:934
 smpboot_thread_fn+0x554/0x9f0 kernel/smpboot.c:164
 kthread+0x31b/0x430 kernel/kthread.c:376
 ret_from_fork+0x1f/0x30

Uninit was created at:
 __alloc_skb+0x346/0xcf0 net/core/skbuff.c:430
 netlink_ack+0x5f3/0x12b0 net/netlink/af_netlink.c:2436
 netlink_rcv_skb+0x55d/0x6c0 net/netlink/af_netlink.c:2507
 netlink_unicast+0xf3b/0x1270 net/netlink/af_netlink.c:1345
 netlink_sendmsg+0x1288/0x1440 net/netlink/af_netlink.c:1921
 ____sys_sendmsg+0xabc/0xe90 net/socket.c:2482
 ___sys_sendmsg+0x2a1/0x3f0 net/socket.c:2536
 __x64_sys_sendmsg+0x367/0x540 net/socket.c:2572
 do_syscall_64+0x3d/0xb0 arch/x86/entry/common.c:80
`
	for _, c := range []struct {
		name, text string
		want       []string // syscall: path
	}{
		{"lockdep: #0 is the reporting task's", lockdep,
			[]string{"read: ksys_read vfs_read full_proxy_read foo_debugfs_mqd_read __might_fault lock_acquire __lock_acquire"}},
		{"kworker: the fixed function in the work-creation stack", kworker("smb: client: fix double put of @cfile in smb2_set_path_size()"),
			[]string{"truncate: __x64_sys_truncate do_truncate cifs_setattr smb2_set_path_size"}},
		{"kworker: the fixed function in no stack", kworker("smb: client: fix a leak in smb2_query_info()"), nil},
		{"kworker: no subject function", kworker("smb: client: fix a double put"), nil},
		// The auxiliary stacks agree on one syscall (auxAlone): CVE-2023-53021's
		// KMSAN report, cut down; the qdisc its softirq used was set up by
		// sendmsg.
		{"softirq: the one syscall of the auxiliary stacks", taprio, []string{"sendmsg: __x64_sys_sendmsg ___sys_sendmsg ____sys_sendmsg netlink_sendmsg netlink_unicast netlink_rcv_skb netlink_ack __alloc_skb"}},
		{"softirq: a syscall in the prose wins", taprio + "\nThe repro calls ioctl() first.\n", nil},
		{"softirq: an incidental auxiliary stack", strings.Replace(taprio, "__x64_sys_sendmsg", "__x64_sys_finit_module", 1), nil},
		{"softirq: two syscalls disagree", taprio + "\nFreed by task 2:\n kfree+0x1/0x2\n __x64_sys_close+0x1/0x2\n", nil},
	} {
		f := Read(Input{Description: c.text}, x86)
		var got []string
		for _, l := range f.Trace {
			p := l.Syscall + ":"
			for _, fn := range l.Path {
				p += " " + fn
			}
			got = append(got, p)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: trace links %q, want %q", c.name, got, c.want)
		}
	}
}
