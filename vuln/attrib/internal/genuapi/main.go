// Command genuapi derives vuln/attrib's table of UAPI names (KEYCTL_READ,
// NFT_MSG_NEWRULE, SIOCGIFCONF, PACKET_RX_RING, …) and the syscall each
// belongs to from the kernel's userspace headers, as Debian's
// linux-libc-dev package installs them. scripts/uapi-table.sh runs it on the
// pinned package; only the names and their syscalls are written, never the
// headers.
//
//	genuapi -include DIR -package "linux-libc-dev 6.1.192-3" -sha256 HEX -out FILE
//
// The rules (below, each with its reason) say which names count: whole
// prefixes of one header (KEYCTL_* in linux/keyctl.h), members of a named
// enum (enum nf_tables_msg_types), a range of #defines (TCP_NODELAY …
// TCP_TX_DELAY: the socket options, not the values that follow), and every
// macro of every header built with _IO/_IOR/_IOW/_IOWR or _IOC (ioctl
// request numbers), following aliases.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// rule selects names of one header.
type rule struct {
	header   string // relative to the include directory
	prefix   string // names must start with it
	enum     string // members of this enum tag (kind enum); "" = every enum of the header
	kind     string // "define", "enum" or "both"
	from, to string // for defines: the first and last name of the block, in file order
	syscall  string
	exclude  []string // names or prefixes (ending in _) left out
	why      string
}

var rules = []rule{
	{header: "linux/keyctl.h", prefix: "KEYCTL_", kind: "define", syscall: "keyctl", why: "keyctl(2) operations and their flags"},
	{header: "linux/futex.h", prefix: "FUTEX_", kind: "define", syscall: "futex", exclude: []string{"FUTEX_WAITV_MAX", "FUTEX_TID_MASK", "FUTEX_OWNER_DIED", "FUTEX_WAITERS", "FUTEX_32"}, why: "futex(2) operations; the lock-word bits are not operations"},
	{header: "asm-generic/mman-common.h", prefix: "MADV_", kind: "define", syscall: "madvise", why: "madvise(2) advice values"},
	{header: "linux/mman.h", prefix: "MREMAP_", kind: "define", syscall: "mremap", why: "mremap(2) flags"},
	{header: "linux/prctl.h", prefix: "PR_", kind: "define", syscall: "prctl", why: "prctl(2) options and their argument values"},
	{header: "linux/bpf.h", prefix: "BPF_", enum: "bpf_cmd", kind: "enum", syscall: "bpf", why: "bpf(2) commands"},
	{header: "linux/bpf.h", prefix: "BPF_MAP_TYPE_", enum: "bpf_map_type", kind: "enum", syscall: "bpf", why: "maps are created with bpf(BPF_MAP_CREATE)"},
	{header: "linux/bpf.h", prefix: "BPF_PROG_TYPE_", enum: "bpf_prog_type", kind: "enum", syscall: "bpf", why: "programs are loaded with bpf(BPF_PROG_LOAD)"},
	{header: "linux/io_uring.h", prefix: "IORING_OP_", enum: "io_uring_op", kind: "enum", syscall: "io_uring_enter", why: "io_uring opcodes run when submitted by io_uring_enter(2)"},
	{header: "linux/io_uring.h", prefix: "IORING_REGISTER_", kind: "both", syscall: "io_uring_register", exclude: []string{"IORING_REGISTER_USE_REGISTERED_RING"}, why: "io_uring_register(2) opcodes"},
	{header: "linux/io_uring.h", prefix: "IORING_UNREGISTER_", kind: "both", syscall: "io_uring_register", why: "io_uring_register(2) opcodes"},
	{header: "linux/io_uring.h", prefix: "IORING_SETUP_", kind: "define", syscall: "io_uring_setup", why: "io_uring_setup(2) flags"},
	{header: "linux/io_uring.h", prefix: "IORING_ENTER_", kind: "define", syscall: "io_uring_enter", why: "io_uring_enter(2) flags"},
	{header: "linux/rtnetlink.h", prefix: "RTM_", enum: "", kind: "enum", syscall: "sendmsg", exclude: []string{"RTM_BASE", "__RTM_MAX", "RTM_MAX", "RTM_NR_"}, why: "rtnetlink message types, sent with sendmsg(2) on a netlink socket"},
	{header: "linux/netfilter/nf_tables.h", prefix: "NFT_MSG_", enum: "nf_tables_msg_types", kind: "enum", syscall: "sendmsg", exclude: []string{"NFT_MSG_MAX"}, why: "nf_tables netlink message types, sent with sendmsg(2)"},
	{header: "linux/netfilter/nfnetlink_conntrack.h", prefix: "IPCTNL_MSG_", kind: "enum", syscall: "sendmsg", exclude: []string{"IPCTNL_MSG_MAX", "IPCTNL_MSG_EXP_MAX"}, why: "conntrack netlink message types"},
	{header: "linux/netfilter/nfnetlink_queue.h", prefix: "NFQNL_MSG_", kind: "enum", syscall: "sendmsg", exclude: []string{"NFQNL_MSG_MAX"}, why: "nfqueue netlink message types"},
	{header: "linux/netfilter/nfnetlink_log.h", prefix: "NFULNL_MSG_", kind: "enum", syscall: "sendmsg", exclude: []string{"NFULNL_MSG_MAX"}, why: "nflog netlink message types"},
	{header: "linux/netfilter/ipset/ip_set.h", prefix: "IPSET_CMD_", kind: "enum", syscall: "sendmsg", exclude: []string{"IPSET_MSG_MAX"}, why: "ipset netlink commands"},
	{header: "linux/xfrm.h", prefix: "XFRM_MSG_", kind: "enum", syscall: "sendmsg", exclude: []string{"XFRM_MSG_BASE", "__XFRM_MSG_MAX", "XFRM_MSG_MAX", "XFRM_NR_MSGTYPES"}, why: "xfrm netlink message types"},
	{header: "linux/nl80211.h", prefix: "NL80211_CMD_", kind: "enum", syscall: "sendmsg", exclude: []string{"__NL80211_CMD_AFTER_LAST", "NL80211_CMD_MAX"}, why: "nl80211 generic-netlink commands"},
	{header: "linux/devlink.h", prefix: "DEVLINK_CMD_", kind: "enum", syscall: "sendmsg", exclude: []string{"__DEVLINK_CMD_MAX", "DEVLINK_CMD_MAX"}, why: "devlink generic-netlink commands"},
	{header: "linux/ethtool_netlink.h", prefix: "ETHTOOL_MSG_", kind: "enum", syscall: "sendmsg", exclude: []string{"__ETHTOOL_MSG_USER_CNT", "ETHTOOL_MSG_USER_MAX", "__ETHTOOL_MSG_KERNEL_CNT", "ETHTOOL_MSG_KERNEL_MAX"}, why: "ethtool generic-netlink messages"},
	{header: "linux/mptcp.h", prefix: "MPTCP_PM_CMD_", kind: "enum", syscall: "sendmsg", exclude: []string{"__MPTCP_PM_CMD_AFTER_LAST", "MPTCP_PM_CMD_MAX"}, why: "MPTCP path-manager generic-netlink commands"},
	{header: "linux/tipc_netlink.h", prefix: "TIPC_NL_", kind: "enum", syscall: "sendmsg", exclude: []string{"__TIPC_NL_CMD_MAX", "TIPC_NL_CMD_MAX"}, why: "TIPC generic-netlink commands"},
	{header: "linux/genetlink.h", prefix: "CTRL_CMD_", kind: "enum", syscall: "sendmsg", exclude: []string{"__CTRL_CMD_MAX"}, why: "generic-netlink controller commands"},
	{header: "linux/seg6_genl.h", prefix: "SEG6_CMD_", kind: "enum", syscall: "sendmsg", exclude: []string{"__SEG6_CMD_MAX"}, why: "seg6 generic-netlink commands"},
	{header: "linux/nfc.h", prefix: "NFC_CMD_", kind: "enum", syscall: "sendmsg", exclude: []string{"__NFC_CMD_AFTER_LAST"}, why: "NFC generic-netlink commands"},
	{header: "linux/l2tp.h", prefix: "L2TP_CMD_", kind: "enum", syscall: "sendmsg", exclude: []string{"__L2TP_CMD_MAX"}, why: "L2TP generic-netlink commands"},
	{header: "linux/if_macsec.h", prefix: "MACSEC_CMD_", kind: "enum", syscall: "sendmsg", why: "MACsec generic-netlink commands"},
	{header: "linux/wireguard.h", prefix: "WG_CMD_", kind: "enum", syscall: "sendmsg", exclude: []string{"__WG_CMD_MAX"}, why: "WireGuard generic-netlink commands"},
	// Netlink attribute types: a request carrying them is a netlink
	// message, sent with sendmsg(2).
	{header: "linux/if_link.h", prefix: "IFLA_", kind: "enum", syscall: "sendmsg", why: "rtnetlink link attributes (RTM_NEWLINK/SETLINK)"},
	{header: "linux/if_addr.h", prefix: "IFA_", kind: "enum", syscall: "sendmsg", why: "rtnetlink address attributes"},
	{header: "linux/rtnetlink.h", prefix: "RTA_", kind: "enum", syscall: "sendmsg", why: "rtnetlink route attributes"},
	{header: "linux/neighbour.h", prefix: "NDA_", kind: "enum", syscall: "sendmsg", why: "rtnetlink neighbour attributes"},
	{header: "linux/fib_rules.h", prefix: "FRA_", kind: "enum", syscall: "sendmsg", why: "rtnetlink FIB rule attributes"},
	{header: "linux/pkt_sched.h", prefix: "TCA_", kind: "enum", syscall: "sendmsg", why: "tc qdisc attributes, sent over rtnetlink"},
	{header: "linux/pkt_cls.h", prefix: "TCA_", kind: "enum", syscall: "sendmsg", why: "tc classifier and action attributes, sent over rtnetlink"},
	{header: "linux/tc_act/", prefix: "TCA_", kind: "enum", syscall: "sendmsg", why: "tc action attributes, sent over rtnetlink"},
	{header: "linux/netfilter/nf_tables.h", prefix: "NFTA_", kind: "enum", syscall: "sendmsg", why: "nf_tables netlink attributes"},
	{header: "linux/netfilter/nfnetlink_conntrack.h", prefix: "CTA_", kind: "enum", syscall: "sendmsg", why: "conntrack netlink attributes"},
	{header: "linux/netfilter/nfnetlink_queue.h", prefix: "NFQA_", kind: "enum", syscall: "sendmsg", why: "nfqueue netlink attributes"},
	{header: "linux/netfilter/nfnetlink_log.h", prefix: "NFULA_", kind: "enum", syscall: "sendmsg", why: "nflog netlink attributes"},
	{header: "linux/netfilter/ipset/ip_set.h", prefix: "IPSET_ATTR_", kind: "enum", syscall: "sendmsg", why: "ipset netlink attributes"},
	{header: "linux/xfrm.h", prefix: "XFRMA_", kind: "enum", syscall: "sendmsg", why: "xfrm netlink attributes"},
	{header: "linux/nl80211.h", prefix: "NL80211_ATTR_", kind: "enum", syscall: "sendmsg", why: "nl80211 generic-netlink attributes"},
	{header: "linux/devlink.h", prefix: "DEVLINK_ATTR_", kind: "enum", syscall: "sendmsg", why: "devlink generic-netlink attributes"},
	{header: "linux/ethtool_netlink.h", prefix: "ETHTOOL_A_", kind: "enum", syscall: "sendmsg", why: "ethtool generic-netlink attributes"},
	{header: "linux/mptcp.h", prefix: "MPTCP_PM_ATTR_", kind: "enum", syscall: "sendmsg", why: "MPTCP path-manager attributes"},
	{header: "linux/tipc_netlink.h", prefix: "TIPC_NLA_", kind: "enum", syscall: "sendmsg", why: "TIPC generic-netlink attributes"},
	{header: "asm-generic/socket.h", prefix: "SO_", kind: "define", syscall: "setsockopt", why: "SOL_SOCKET socket options"},
	{header: "linux/tcp.h", prefix: "TCP_", kind: "define", from: "TCP_NODELAY", to: "TCP_TX_DELAY", syscall: "setsockopt", why: "TCP socket options (the block under \"TCP socket options\")"},
	{header: "linux/udp.h", prefix: "UDP_", kind: "define", from: "UDP_CORK", to: "UDP_GRO", syscall: "setsockopt", why: "UDP socket options"},
	{header: "linux/in.h", prefix: "", kind: "define", from: "IP_TOS", to: "IP_PROTOCOL", syscall: "setsockopt", exclude: []string{"IP_PMTUDISC_", "MCAST_EXCLUDE", "MCAST_INCLUDE", "IP_DEFAULT_"}, why: "IPv4 socket options (IP_* and MCAST_*); the PMTU discovery values are arguments"},
	{header: "linux/in6.h", prefix: "IPV6_", kind: "define", from: "IPV6_ADDRFORM", to: "IPV6_TRANSPARENT", syscall: "setsockopt", exclude: []string{"IPV6_PMTUDISC_", "IPV6_PREFER_SRC_"}, why: "IPv6 socket options"},
	{header: "linux/if_packet.h", prefix: "PACKET_", kind: "define", from: "PACKET_ADD_MEMBERSHIP", to: "PACKET_IGNORE_OUTGOING", syscall: "setsockopt", why: "AF_PACKET socket options (PACKET_HOST … are packet types)"},
	{header: "linux/if_xdp.h", prefix: "XDP_", kind: "define", from: "XDP_MMAP_OFFSETS", to: "XDP_OPTIONS", syscall: "setsockopt", why: "AF_XDP socket options"},
	// if_alg.h lists all ALG_SET_* as socket options, but crypto/af_alg.c
	// takes IV, OP and AEAD_ASSOCLEN as control messages of sendmsg
	// (af_alg_cmsg_send); alg_setsockopt takes the others.
	{header: "linux/if_alg.h", prefix: "ALG_SET_", kind: "define", syscall: "setsockopt", exclude: []string{"ALG_SET_IV", "ALG_SET_OP", "ALG_SET_AEAD_ASSOCLEN"}, why: "AF_ALG socket options"},
	{header: "linux/if_alg.h", prefix: "ALG_SET_", kind: "define", from: "ALG_SET_IV", to: "ALG_SET_AEAD_ASSOCLEN", syscall: "sendmsg", why: "AF_ALG control messages of sendmsg (af_alg_cmsg_send)"},
	{header: "linux/tls.h", prefix: "TLS_", kind: "define", from: "TLS_TX", to: "TLS_RX_EXPECT_NO_PAD", syscall: "setsockopt", why: "kTLS socket options"},
	{header: "linux/netfilter_ipv4/ip_tables.h", prefix: "IPT_SO_", kind: "define", syscall: "setsockopt", why: "iptables socket options; IPT_SO_GET_* are getsockopt's"},
	{header: "linux/netfilter_ipv6/ip6_tables.h", prefix: "IP6T_SO_", kind: "define", syscall: "setsockopt", why: "ip6tables socket options; *_SO_GET_* are getsockopt's"},
	{header: "linux/netfilter_arp/arp_tables.h", prefix: "ARPT_SO_", kind: "define", syscall: "setsockopt", why: "arptables socket options"},
	{header: "linux/netfilter_bridge/ebtables.h", prefix: "EBT_SO_", kind: "define", syscall: "setsockopt", why: "ebtables socket options"},
	{header: "linux/netfilter_ipv4.h", prefix: "SO_ORIGINAL_DST", kind: "define", syscall: "getsockopt", why: "conntrack's original destination, read with getsockopt"},
	{header: "linux/fcntl.h", prefix: "F_", kind: "define", syscall: "fcntl", exclude: []string{"F_LINUX_SPECIFIC_BASE"}, why: "fcntl(2) commands and seal flags"},
	{header: "asm-generic/fcntl.h", prefix: "F_", kind: "define", syscall: "fcntl", exclude: []string{"F_LINUX_SPECIFIC_BASE"}, why: "fcntl(2) commands and lock types"},
	{header: "linux/seccomp.h", prefix: "SECCOMP_SET_MODE_", kind: "define", syscall: "seccomp", why: "seccomp(2) operations"},
	{header: "linux/seccomp.h", prefix: "SECCOMP_GET_", kind: "define", syscall: "seccomp", why: "seccomp(2) operations"},
	{header: "linux/ptrace.h", prefix: "PTRACE_", kind: "define", syscall: "ptrace", why: "ptrace(2) requests and options"},
	{header: "linux/perf_event.h", prefix: "PERF_TYPE_", kind: "enum", syscall: "perf_event_open", exclude: []string{"PERF_TYPE_MAX"}, why: "perf_event_attr.type of perf_event_open(2)"},
	{header: "linux/perf_event.h", prefix: "PERF_FLAG_", kind: "define", syscall: "perf_event_open", why: "perf_event_open(2) flags"},
	{header: "linux/fanotify.h", prefix: "FAN_MARK_", kind: "define", syscall: "fanotify_mark", why: "fanotify_mark(2) flags"},
	{header: "linux/fanotify.h", prefix: "FAN_REPORT_", kind: "define", syscall: "fanotify_init", why: "fanotify_init(2) flags"},
	{header: "linux/fanotify.h", prefix: "FAN_CLASS_", kind: "define", syscall: "fanotify_init", why: "fanotify_init(2) flags"},
	{header: "linux/eventpoll.h", prefix: "EPOLL_CTL_", kind: "define", syscall: "epoll_ctl", why: "epoll_ctl(2) operations"},
	{header: "linux/mount.h", prefix: "MS_", kind: "define", syscall: "mount", why: "mount(2) flags"},
	{header: "linux/mount.h", prefix: "MOUNT_ATTR_", kind: "define", syscall: "mount_setattr", why: "mount_setattr(2) attributes"},
	{header: "linux/mount.h", prefix: "MOVE_MOUNT_", kind: "define", syscall: "move_mount", why: "move_mount(2) flags"},
	{header: "linux/mount.h", prefix: "FSCONFIG_", kind: "enum", syscall: "fsconfig", why: "fsconfig(2) commands"},
	{header: "linux/mount.h", prefix: "FSOPEN_", kind: "define", syscall: "fsopen", why: "fsopen(2) flags"},
	{header: "linux/mount.h", prefix: "FSMOUNT_", kind: "define", syscall: "fsmount", why: "fsmount(2) flags"},
	{header: "linux/mount.h", prefix: "OPEN_TREE_", kind: "define", syscall: "open_tree", why: "open_tree(2) flags"},
	{header: "linux/fs.h", prefix: "SYNC_FILE_RANGE_", kind: "define", syscall: "sync_file_range", why: "sync_file_range(2) flags"},
	{header: "linux/falloc.h", prefix: "FALLOC_FL_", kind: "define", syscall: "fallocate", why: "fallocate(2) modes"},
	{header: "linux/fs.h", prefix: "RENAME_", kind: "define", syscall: "renameat2", why: "renameat2(2) flags"},
	{header: "linux/membarrier.h", prefix: "MEMBARRIER_CMD_", kind: "enum", syscall: "membarrier", why: "membarrier(2) commands"},
	{header: "linux/memfd.h", prefix: "MFD_", kind: "define", syscall: "memfd_create", why: "memfd_create(2) flags"},
	{header: "asm-generic/mman-common.h", prefix: "MLOCK_ONFAULT", kind: "define", syscall: "mlock2", why: "mlock2(2) flag"},
	{header: "asm-generic/mman.h", prefix: "MCL_", kind: "define", syscall: "mlockall", why: "mlockall(2) flags"},
	{header: "linux/fadvise.h", prefix: "POSIX_FADV_", kind: "define", syscall: "fadvise64", why: "fadvise64(2) advice"},
	{header: "linux/random.h", prefix: "GRND_", kind: "define", syscall: "getrandom", why: "getrandom(2) flags"},
	{header: "linux/sockios.h", prefix: "SIOC", kind: "define", syscall: "ioctl", exclude: []string{"SIOCPROTOPRIVATE", "SIOCDEVPRIVATE"}, why: "socket ioctl requests"},
	{header: "asm-generic/sockios.h", prefix: "SIOC", kind: "define", syscall: "ioctl", why: "socket ioctl requests"},
	{header: "asm-generic/ioctls.h", prefix: "", kind: "define", syscall: "ioctl", exclude: []string{"TIOCPKT_", "TIOCSER_TEMT"}, why: "terminal and file ioctl requests (TIOC*, TC*, FIO*)"},
}

// getOnly are socket options a process can only read (socket(7), tcp(7),
// packet(7)): they belong to getsockopt(2).
var getOnly = map[string]bool{
	"SO_PEERCRED": true, "SO_PEERNAME": true, "SO_PEERSEC": true, "SO_ERROR": true, "SO_ACCEPTCONN": true,
	"SO_PROTOCOL": true, "SO_DOMAIN": true, "SO_COOKIE": true, "SO_PEERGROUPS": true, "SO_MEMINFO": true,
	"SO_INCOMING_NAPI_ID": true, "SO_TYPE": true, "SO_NETNS_COOKIE": true, "SO_PEERPIDFD": true,
	"TCP_INFO": true, "TCP_CC_INFO": true, "TCP_SAVED_SYN": true, "TCP_ZEROCOPY_RECEIVE": true,
	"PACKET_STATISTICS": true, "PACKET_HDRLEN": true, "PACKET_ROLLOVER_STATS": true,
	"XDP_MMAP_OFFSETS": true, "XDP_STATISTICS": true, "XDP_OPTIONS": true,
}

var (
	defineRE = regexp.MustCompile(`^\s*#\s*define\s+([A-Za-z_][A-Za-z0-9_]*)(\([^)]*\))?\s*(.*)$`)
	ioctlRE  = regexp.MustCompile(`\b(_IO|_IOR|_IOW|_IOWR|_IOC)\s*\(`)
	identRE  = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*`)
)

type define struct {
	name, header, body string
	funcLike           bool
	order              int
}

type header struct {
	name    string
	defines []define
	enums   map[string][]string // tag ("" for anonymous, several merged) → members in order
}

func main() {
	inc := flag.String("include", "", "include directory of linux-libc-dev (usr/include)")
	pkg := flag.String("package", "", "package name and version, for the provenance")
	sum := flag.String("sha256", "", "sha256 of the package file")
	out := flag.String("out", "", "Go file to write")
	flag.Parse()
	if *inc == "" || *pkg == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "genuapi: -include, -package and -out are required")
		os.Exit(2)
	}
	if err := run(*inc, *pkg, *sum, *out); err != nil {
		fmt.Fprintln(os.Stderr, "genuapi:", err)
		os.Exit(1)
	}
}

func run(inc, pkg, sum, out string) error {
	headers := map[string]*header{}
	var all []define
	err := filepath.WalkDir(inc, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".h") {
			return nil
		}
		rel, _ := filepath.Rel(inc, p)
		rel = filepath.ToSlash(rel)
		// The multiarch asm directory is asm/ to the compiler.
		if i := strings.Index(rel, "-linux-gnu/"); i >= 0 {
			rel = rel[i+len("-linux-gnu/"):]
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		h := parse(rel, b)
		headers[rel] = h
		all = append(all, h.defines...)
		return nil
	})
	if err != nil {
		return err
	}
	table := map[string]entry{}
	add := func(name, sc, hdr string) {
		if old, ok := table[name]; ok && old.syscall != sc {
			// A name claimed by two rules keeps the first; say so.
			fmt.Fprintf(os.Stderr, "genuapi: %s: %s (%s) and %s (%s); keeping the first\n", name, old.syscall, old.header, sc, hdr)
			return
		}
		if _, ok := table[name]; !ok {
			table[name] = entry{sc, hdr}
		}
	}
	for _, r := range rules {
		hs := []*header{headers[r.header]}
		if strings.HasSuffix(r.header, "/") { // every header of a directory
			hs = nil
			for _, name := range sortedKeys(headers) {
				if strings.HasPrefix(name, r.header) {
					hs = append(hs, headers[name])
				}
			}
		}
		if len(hs) == 0 || hs[0] == nil {
			return fmt.Errorf("rule for %s: header not found under %s", r.header, inc)
		}
		n := 0
		for _, h := range hs {
			n += applyRule(r, h, add)
		}
		if n == 0 {
			return fmt.Errorf("rule %s %s*: no name matched", r.header, r.prefix)
		}
	}
	// ioctl request macros anywhere: built with _IO* or a function-like
	// macro that is, or an alias of such a name.
	ctor := map[string]bool{}
	byName := map[string]define{}
	for _, d := range all {
		if _, ok := byName[d.name]; !ok {
			byName[d.name] = d
		}
	}
	for changed := true; changed; {
		changed = false
		for _, d := range all {
			if !d.funcLike || ctor[d.name] {
				continue
			}
			if ioctlRE.MatchString(d.body) || callsAny(d.body, ctor) {
				ctor[d.name] = true
				changed = true
			}
		}
	}
	ioctl := map[string]string{}
	for changed := true; changed; {
		changed = false
		for _, d := range all {
			if d.funcLike || ioctl[d.name] != "" || strings.HasPrefix(d.name, "_") {
				continue
			}
			body := strings.TrimSpace(d.body)
			isIoctl := ioctlRE.MatchString(body) || callsAny(body, ctor)
			if !isIoctl {
				// an alias: #define FOO BAR, or (BAR)
				alias := strings.Trim(body, "() \t")
				if identRE.FindString(alias) == alias && ioctl[alias] != "" {
					isIoctl = true
				}
			}
			if isIoctl {
				ioctl[d.name] = d.header
				changed = true
			}
		}
	}
	for _, name := range sortedKeys(ioctl) {
		add(name, "ioctl", ioctl[name])
	}
	return write(out, pkg, sum, table)
}

// applyRule adds the names of header h that rule r selects and returns
// how many.
func applyRule(r rule, h *header, add func(name, sc, hdr string)) int {
	n := 0
	if r.kind == "define" || r.kind == "both" {
		in := r.from == ""
		for _, d := range h.defines {
			if d.name == r.from {
				in = true
			}
			if in && !d.funcLike && strings.HasPrefix(d.name, r.prefix) && !excluded(d.name, r.exclude) && !strings.HasPrefix(d.name, "_") {
				add(d.name, sockSyscall(d.name, r.syscall), d.header)
				n++
			}
			if d.name == r.to {
				in = false
			}
		}
	}
	if r.kind == "enum" || r.kind == "both" {
		var members []string
		if r.enum != "" {
			members = h.enums[r.enum]
		} else {
			for _, tag := range sortedKeys(h.enums) {
				members = append(members, h.enums[tag]...)
			}
		}
		for _, m := range members {
			if strings.HasPrefix(m, r.prefix) && !excluded(m, r.exclude) && !strings.HasPrefix(m, "_") {
				add(m, r.syscall, h.name)
				n++
			}
		}
	}
	return n
}

type entry struct{ syscall, header string }

func sockSyscall(name, sc string) string {
	if sc != "setsockopt" {
		return sc
	}
	if getOnly[name] || strings.Contains(name, "_SO_GET_") {
		return "getsockopt"
	}
	return sc
}

func excluded(name string, ex []string) bool {
	for _, e := range ex {
		if name == e || strings.HasSuffix(e, "_") && strings.HasPrefix(name, e) {
			return true
		}
	}
	return false
}

func callsAny(body string, ctor map[string]bool) bool {
	for _, m := range identRE.FindAllStringIndex(body, -1) {
		id := body[m[0]:m[1]]
		if ctor[id] && strings.HasPrefix(strings.TrimLeft(body[m[1]:], " \t"), "(") {
			return true
		}
	}
	return false
}

// parse reads the #defines (joined across continuation lines, comments
// dropped) and the enum members of one header.
func parse(rel string, b []byte) *header {
	h := &header{name: rel, enums: map[string][]string{}}
	src := stripComments(string(b))
	src = strings.ReplaceAll(src, "\\\n", " ")
	sc := bufio.NewScanner(strings.NewReader(src))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var code strings.Builder
	for sc.Scan() {
		line := sc.Text()
		if m := defineRE.FindStringSubmatch(line); m != nil {
			h.defines = append(h.defines, define{name: m[1], header: rel, body: m[3], funcLike: m[2] != "" && strings.HasPrefix(line[strings.Index(line, m[1])+len(m[1]):], "("), order: len(h.defines)})
			continue
		}
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		code.WriteString(line)
		code.WriteByte('\n')
	}
	c := code.String()
	anon := 0
	for i := 0; ; {
		k := indexWord(c[i:], "enum")
		if k < 0 {
			break
		}
		k += i
		j := k + 4
		for j < len(c) && (c[j] == ' ' || c[j] == '\t' || c[j] == '\n') {
			j++
		}
		tag := identRE.FindString(c[j:])
		if !strings.HasPrefix(c[j:], tag) {
			tag = ""
		}
		j += len(tag)
		for j < len(c) && (c[j] == ' ' || c[j] == '\t' || c[j] == '\n') {
			j++
		}
		if j >= len(c) || c[j] != '{' {
			i = j
			continue
		}
		end := strings.IndexByte(c[j:], '}')
		if end < 0 {
			break
		}
		body := c[j+1 : j+end]
		if tag == "" {
			anon++
			tag = fmt.Sprintf("<anonymous %d>", anon)
		}
		for _, item := range strings.Split(body, ",") {
			item = strings.TrimSpace(item)
			if name := identRE.FindString(item); name != "" && strings.HasPrefix(item, name) {
				h.enums[tag] = append(h.enums[tag], name)
			}
		}
		i = j + end
	}
	return h
}

func indexWord(s, w string) int {
	for off := 0; ; {
		k := strings.Index(s[off:], w)
		if k < 0 {
			return -1
		}
		k += off
		before := k == 0 || !isIdent(s[k-1])
		after := k+len(w) >= len(s) || !isIdent(s[k+len(w)])
		if before && after {
			return k
		}
		off = k + len(w)
	}
}

func isIdent(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func stripComments(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		switch {
		case strings.HasPrefix(s[i:], "/*"):
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				return b.String()
			}
			// keep line structure
			b.WriteString(strings.Repeat("\n", strings.Count(s[i:i+2+end], "\n")))
			i += end + 4
		case strings.HasPrefix(s[i:], "//"):
			end := strings.IndexByte(s[i:], '\n')
			if end < 0 {
				return b.String()
			}
			i += end
		default:
			b.WriteByte(s[i])
			i++
		}
	}
	return b.String()
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func write(out, pkg, sum string, table map[string]entry) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by vuln/attrib/internal/genuapi; DO NOT EDIT.\n\n")
	fmt.Fprintf(&b, "package attrib\n\n")
	fmt.Fprintf(&b, "// UAPISource is the package the UAPI names were read from (scripts/uapi-table.sh).\n")
	fmt.Fprintf(&b, "const UAPISource = %q\n\n", strings.TrimSpace(pkg+" sha256:"+sum))
	bySC := map[string]int{}
	for _, e := range table {
		bySC[e.syscall]++
	}
	fmt.Fprintf(&b, "// uapiNames maps %d UAPI names to the syscall each belongs to, with the header\n// that defines it (", len(table))
	var parts []string
	for _, sc := range sortedKeys(bySC) {
		parts = append(parts, fmt.Sprintf("%s %d", sc, bySC[sc]))
	}
	fmt.Fprintf(&b, "%s).\nvar uapiNames = map[string]uapiName{\n", strings.Join(parts, ", "))
	hdrs := map[string]bool{}
	for _, e := range table {
		hdrs[e.header] = true
	}
	for _, name := range sortedKeys(table) {
		e := table[name]
		fmt.Fprintf(&b, "%q: {%q, %q},\n", name, e.syscall, e.header)
	}
	b.WriteString("}\n")
	src, err := format.Source(b.Bytes())
	if err != nil {
		return err
	}
	tmp := out + ".tmp"
	if err := os.WriteFile(tmp, src, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, out)
}
