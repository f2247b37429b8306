package attrib

import (
	"path"
	"regexp"
	"strings"
)

// MethodDispatch: the fixed file is one an interface's requests are
// dispatched to (nl80211.c: generic-netlink commands, sendmsg), so a bug in
// it is reached through that interface's syscall.
const MethodDispatch Method = "dispatch"

// dispatchFiles maps kernel source files (exact; a directory with a
// trailing '/'; a prefix whose last part has no '.'; "*suffix") to the
// syscall that carries their requests. It stands in for the indirect calls a static call
// graph does not follow (genl and rtnetlink handler tables, file and
// socket operations): each entry is a file whose functions user space
// reaches only, or almost only, through that one syscall. Files where
// much of the code also runs from hardware events, timers or packet
// receive (drivers, protocol input) are left out.
var dispatchFiles = []struct{ path, syscall, why string }{
	// netlink: requests are messages sent with sendmsg(2)
	{"net/wireless/nl80211.c", "sendmsg", "nl80211 generic-netlink commands"},
	{"net/mac80211/cfg.c", "sendmsg", "mac80211's cfg80211 operations, called for nl80211 commands"},
	{"net/core/rtnetlink.c", "sendmsg", "rtnetlink requests"},
	{"net/netlink/genetlink.c", "sendmsg", "generic netlink"},
	{"net/netfilter/nf_tables_api.c", "sendmsg", "nf_tables netlink batches"},
	{"net/netfilter/nft_", "sendmsg", "nf_tables expressions, configured by netlink"},
	{"net/netfilter/nfnetlink", "sendmsg", "nfnetlink subsystems"},
	{"net/netfilter/nf_conntrack_netlink.c", "sendmsg", "conntrack netlink"},
	{"net/netfilter/ipset/", "sendmsg", "ipset netlink"},
	{"net/sched/cls_api.c", "sendmsg", "tc filters over rtnetlink"},
	{"net/sched/act_api.c", "sendmsg", "tc actions over rtnetlink"},
	{"net/sched/sch_api.c", "sendmsg", "tc qdiscs over rtnetlink"},
	{"net/xfrm/xfrm_user.c", "sendmsg", "xfrm netlink"},
	{"net/ethtool/netlink.c", "sendmsg", "ethtool netlink"},
	{"net/devlink/", "sendmsg", "devlink generic netlink"},
	{"net/core/devlink.c", "sendmsg", "devlink generic netlink"},
	{"net/mptcp/pm_netlink.c", "sendmsg", "MPTCP path-manager netlink"},
	{"net/tipc/netlink", "sendmsg", "TIPC generic netlink"},
	{"net/bluetooth/mgmt.c", "sendmsg", "Bluetooth management commands on an HCI control socket"},
	{"crypto/crypto_user", "sendmsg", "NETLINK_CRYPTO requests"},
	{"net/ipv4/inet_diag.c", "sendmsg", "sock_diag requests on NETLINK_SOCK_DIAG"},
	{"*_diag.c", "sendmsg", "sock_diag handlers, run for NETLINK_SOCK_DIAG requests"},
	// socket options
	{"net/netfilter/x_tables.c", "setsockopt", "iptables rules are set with setsockopt"},
	{"net/ipv4/netfilter/ip_tables.c", "setsockopt", "iptables"},
	{"net/ipv6/netfilter/ip6_tables.c", "setsockopt", "ip6tables"},
	{"net/ipv4/netfilter/arp_tables.c", "setsockopt", "arptables"},
	{"net/bridge/netfilter/ebtables.c", "setsockopt", "ebtables"},
	{"net/netfilter/xt_", "setsockopt", "xtables matches and targets, installed with iptables' setsockopt"},
	// single-syscall subsystems
	{"kernel/bpf/", "bpf", "programs, maps and BTF are loaded, verified and created with bpf(2)"},
	{"io_uring/", "io_uring_enter", "io_uring requests run when submitted"},
	{"fs/io_uring.c", "io_uring_enter", "io_uring before v5.19"},
	{"security/keys/", "keyctl", "the key management syscalls"},
	{"kernel/futex/", "futex", "futex(2)"},
	// ioctl interfaces
	{"fs/ioctl.c", "ioctl", "the ioctl(2) core"},
	{"virt/kvm/", "ioctl", "KVM is driven by ioctls on /dev/kvm and its fds"},
	{"arch/x86/kvm/", "ioctl", "KVM"},
	{"drivers/usb/core/devio.c", "ioctl", "usbfs"},
	{"sound/core/control.c", "ioctl", "ALSA control ioctls"},
	{"sound/core/pcm_native.c", "ioctl", "ALSA PCM ioctls"},
	{"sound/core/seq/", "ioctl", "ALSA sequencer ioctls"},
	{"drivers/media/v4l2-core/", "ioctl", "V4L2 ioctls"},
	{"drivers/media/dvb-core/", "ioctl", "DVB ioctls"},
	{"drivers/gpu/drm/drm_ioctl.c", "ioctl", "DRM ioctls"},
	{"drivers/infiniband/core/uverbs", "ioctl", "RDMA verbs"},
	{"drivers/infiniband/core/ucma.c", "write", "rdma_cm commands are written to /dev/infiniband/rdma_cm"},
	{"drivers/vfio/", "ioctl", "VFIO ioctls"},
	{"drivers/comedi/comedi_fops.c", "ioctl", "comedi ioctls"},
	{"drivers/comedi/drivers.c", "ioctl", "comedi instructions, run for COMEDI_INSN ioctls"},
	// configfs attributes are files user space writes to configure
	{"fs/configfs/", "write", "configfs"},
	{"*/configfs.c", "write", "a subsystem's configfs attributes"},
	{"drivers/tty/vt/selection.c", "ioctl", "selection is set and pasted with TIOCLINUX"},
	{"drivers/tty/tty_io.c", "ioctl", "tty ioctls"},
	{"drivers/block/loop.c", "ioctl", "loop device ioctls"},
	{"drivers/md/dm-ioctl.c", "ioctl", "device-mapper ioctls"},
}

// Dispatch is the *dispatch* method: when the record's programFiles (or
// the source files its text names; headers aside) all belong to interfaces of dispatchFiles that agree on one
// syscall, the CVE links to it, with the file and the interface as
// evidence. One file that is not an interface's, or two interfaces of
// different syscalls, give nothing.
func Dispatch(programFiles []string) []Link {
	sc, ev := "", ""
	for _, f := range programFiles {
		f = strings.TrimPrefix(f, "./")
		if strings.HasPrefix(f, "include/") || strings.HasSuffix(f, ".h") || strings.HasPrefix(f, "Documentation/") ||
			strings.HasPrefix(f, "tools/") {
			continue
		}
		s, why := dispatchOf(f)
		if s == "" || sc != "" && s != sc {
			return nil
		}
		if sc == "" {
			sc, ev = s, f+": "+why
		}
	}
	if sc == "" {
		return nil
	}
	return []Link{{Syscall: sc, Method: MethodDispatch, Evidence: ev}}
}

// dispatchBases are file names that say which interface the file
// implements, wherever it is: a driver's or a file system's ioctl.c
// (btrfs, nvme, sgx, virtgpu_ioctl.c) holds its ioctl handlers, and a
// netlink.c, *_nl.c or *genl.c a generic-netlink family's commands
// (wireguard, openvswitch's flow_netlink.c, thermal, dpll, drbd_nl.c).
// A staging driver's ioctl_cfg80211.c is its cfg80211 operations, run
// for nl80211 commands, and is left out.
var dispatchBases = []struct {
	re           *regexp.Regexp
	not          string
	syscall, why string
}{
	{regexp.MustCompile(`(^|[_-])ioctl([_-].*)?\.c$`), "cfg80211", "ioctl", "a file of ioctl handlers"},
	{regexp.MustCompile(`(^|[_-])(netlink|genl|nl)\.c$`), "", "sendmsg", "a netlink family's handlers, run for requests sent with sendmsg"},
}

func dispatchOf(f string) (string, string) {
	if b := path.Base(f); !strings.HasPrefix(f, "tools/") {
		for _, d := range dispatchBases {
			if d.re.MatchString(b) && (d.not == "" || !strings.Contains(b, d.not)) {
				return d.syscall, d.why
			}
		}
	}
	for _, d := range dispatchFiles {
		if suffix, ok := strings.CutPrefix(d.path, "*"); ok {
			// "*_diag.c" is net/'s sock_diag handlers; "*/configfs.c" any
			// subsystem's configfs file.
			if strings.HasSuffix(f, suffix) && (suffix[0] == '/' || strings.HasPrefix(f, "net/")) {
				return d.syscall, d.why
			}
			continue
		}
		last := d.path[len(d.path)-1]
		switch {
		case f == d.path, (last == '/' || last == '_' || last == '-' || !strings.Contains(d.path[strings.LastIndexByte(d.path, '/')+1:], ".")) && strings.HasPrefix(f, d.path):
			return d.syscall, d.why
		}
	}
	return "", ""
}

// dispatchNames are interfaces a record without programFiles names in its
// text, each reached from user space through one syscall: a bug "in
// io_uring", "in the eBPF verifier", in KVM (which runs a guest inside
// ioctl(KVM_RUN)), or hit "when inserting iptables rules". It is the
// dispatch method for the linux_kernel_cves feed, whose records list no
// files: every kernel CNA record lists programFiles, and there the files
// decide (dispatchFiles covers io_uring/, kernel/bpf/, KVM and x_tables).
var dispatchNames = []struct {
	re      *regexp.Regexp
	syscall string
	why     string
}{
	{regexp.MustCompile(`(?i)\bio[_ -]uring\b`), "io_uring_enter", "io_uring requests run when submitted"},
	{regexp.MustCompile(`\beBPF\b|\bBPF (?:program|verifier|map)s?\b|\bbpf verifier\b`), "bpf", "BPF programs and maps are loaded and created with bpf(2)"},
	{regexp.MustCompile(`\b(?:ip6?tables|ebtables|arptables)\b`), "setsockopt", "iptables rules are set with setsockopt"},
	{regexp.MustCompile(`\b(?:nftables|nf_tables)\b`), "sendmsg", "nf_tables netlink batches"},
	{regexp.MustCompile(`\bKVM\b`), "ioctl", "KVM is driven by ioctls on /dev/kvm and its fds, a guest runs inside KVM_RUN"},
}

// DispatchText is the dispatch method for a record without programFiles:
// when its text names exactly one interface of dispatchNames, the CVE
// links to that interface's syscall, with the words as evidence. Two
// interfaces named give nothing.
func DispatchText(description string) []Link {
	var out []Link
	for _, d := range dispatchNames {
		if m := d.re.FindString(description); m != "" {
			if len(out) > 0 && out[0].Syscall != d.syscall {
				return nil
			}
			if len(out) == 0 {
				out = []Link{{Syscall: d.syscall, Method: MethodDispatch, Evidence: m + ": " + d.why}}
			}
		}
	}
	return out
}
