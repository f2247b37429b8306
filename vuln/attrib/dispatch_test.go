package attrib

import (
	"fmt"
	"testing"
)

// Files and the interface that carries their requests, read from the
// kernel tree's layout: nl80211.c holds the nl80211 genl ops; ip_tables.c
// do_ipt_set_ctl; kernel/bpf/ the bpf(2) objects.
func TestDispatch(t *testing.T) {
	cases := []struct {
		files []string
		want  string
	}{
		{[]string{"net/wireless/nl80211.c"}, "sendmsg"},
		{[]string{"net/netfilter/nft_set_pipapo.c", "include/net/netfilter/nf_tables.h"}, "sendmsg"},
		{[]string{"net/ipv4/netfilter/ip_tables.c", "net/netfilter/x_tables.c"}, "setsockopt"},
		{[]string{"kernel/bpf/verifier.c"}, "bpf"},
		{[]string{"io_uring/rw.c"}, "io_uring_enter"},
		{[]string{"net/sctp/sctp_diag.c"}, "sendmsg"},
		{[]string{"drivers/nvme/target/configfs.c"}, "write"},
		// A driver file is not an interface's; two interfaces disagree.
		{[]string{"net/wireless/nl80211.c", "drivers/net/wireless/foo/main.c"}, ""},
		{[]string{"kernel/bpf/syscall.c", "io_uring/rw.c"}, ""},
		{[]string{"drivers/scsi/sd.c"}, ""},
		{[]string{"include/linux/bpf.h"}, ""},
		{[]string{"fs/ext4/foo_diag.c"}, ""}, // *_diag.c is net/'s only
		// files named for the interface they implement
		{[]string{"fs/btrfs/ioctl.c"}, "ioctl"},
		{[]string{"drivers/gpu/drm/virtio/virtgpu_ioctl.c"}, "ioctl"},
		{[]string{"drivers/staging/r8188eu/os_dep/ioctl_linux.c"}, "ioctl"},
		{[]string{"fs/bcachefs/fs-ioctl.c", "fs/bcachefs/fs.h"}, "ioctl"},
		{[]string{"drivers/staging/rtl8723bs/os_dep/ioctl_cfg80211.c"}, ""},
		{[]string{"drivers/net/wireguard/netlink.c"}, "sendmsg"},
		{[]string{"net/openvswitch/flow_netlink.c"}, "sendmsg"},
		{[]string{"drivers/block/drbd/drbd_nl.c"}, "sendmsg"},
		{[]string{"tools/lib/bpf/netlink.c"}, ""},
		{[]string{"fs/btrfs/ioctl.c", "fs/btrfs/inode.c"}, ""},
		{[]string{"drivers/foo/controller.c"}, ""},
	}
	for _, c := range cases {
		checkDispatch(t, fmt.Sprint(c.files), Dispatch(c.files), c.want)
	}
}

// Texts written for the test in the manner of NVD descriptions of the
// linux_kernel_cves feed (which list no files): one interface named
// decides; two, or none, give nothing.
func TestDispatchText(t *testing.T) {
	cases := []struct{ text, want string }{
		{"A use-after-free was found in the io_uring subsystem of the Linux kernel.", "io_uring_enter"},
		{"A flaw in the Linux kernel's implementation of IO-URING allows a local user to crash it.", "io_uring_enter"},
		{"The eBPF verifier mishandles 32-bit bounds, allowing out-of-bounds reads.", "bpf"},
		{"An unprivileged BPF program can read kernel memory.", "bpf"},
		{"A privileged user inserting iptables rules with the string match can panic the system.", "setsockopt"},
		{"The KVM implementation mishandles nested guests, letting a guest crash the host.", "ioctl"},
		{"A bug in nf_tables lets a local user with CAP_NET_ADMIN corrupt memory.", "sendmsg"},
		// two interfaces, or a lower-case kvm and a bpf() word only
		{"An io_uring request can reach an eBPF program with a stale pointer.", ""},
		{"A race in the scheduler lets a local user crash the kernel.", ""},
		{"The kvm_main.c file and the bpf helper are unrelated here.", ""},
	}
	for _, c := range cases {
		checkDispatch(t, fmt.Sprintf("%q", c.text), DispatchText(c.text), c.want)
	}
}

// checkDispatch wants one dispatch link to want, or none when want is "".
func checkDispatch(t *testing.T, input string, got []Link, want string) {
	t.Helper()
	switch {
	case want == "" && got != nil:
		t.Errorf("%s: %v, want nothing", input, got)
	case want != "" && (len(got) != 1 || got[0].Syscall != want || got[0].Method != MethodDispatch):
		t.Errorf("%s: %v, want %s", input, got, want)
	}
}
