package attrib

import (
	"reflect"
	"slices"
	"testing"
)

func siteFuncs(ss []Site) []string {
	var out []string
	for _, s := range ss {
		if s.Func != "" {
			out = append(out, s.Role.String()+":"+s.Func)
		} else {
			out = append(out, s.Role.String()+":"+s.File)
		}
	}
	return out
}

// Texts written in the feeds' styles; the expected sites are a reading.
func TestSites(t *testing.T) {
	cases := []struct {
		name, text, subject string
		want                []string
	}{
		{"NVD function phrase",
			"The mq_notify function in the Linux kernel through 4.11.9 does not set the sock pointer to NULL.", "mqueue: fix a use-after-free in sys_mq_notify()",
			[]string{"named:mq_notify"}},
		{"NVD file and functions",
			"Race condition in net/packet/af_packet.c allows local users to gain privileges, related to the packet_set_ring and packet_setsockopt functions.", "packet: fix race condition in packet_set_ring",
			[]string{"subject:packet_set_ring", "named:net/packet/af_packet.c", "named:packet_setsockopt"}},
		{"CNA subject with function",
			cnaPreamble + "\n\nnet/sched: cls_u32: fix netns refcount changes in u32_change()\n\nWe need to be careful.", "",
			// cls_u32 is a module's name; the call graph knows no such
			// function and discards it.
			[]string{"subject:cls_u32", "subject:u32_change"}},
		{"CNA subject prefix function",
			cnaPreamble + "\n\nbtrfs: btrfs_relocate_sys_chunks: handle errors\n\nFixes: 0123456789ab (\"btrfs: add fsck_relocate_chunk()\")", "",
			[]string{"subject:btrfs_relocate_sys_chunks", "fixes:fsck_relocate_chunk"}},
		{"UBSAN file", "UBSAN: array-index-out-of-bounds in fs/jfs/jfs_dmap.c:1234:5", "",
			[]string{"crash:fs/jfs/jfs_dmap.c"}},
		{"kernel BUG file", "kernel BUG at fs/ext4/inode.c:2720!", "", []string{"crash:fs/ext4/inode.c"}},
		{"syzbot title", "syzbot reported:\n\ngeneral protection fault in tcp_retransmit_skb\n", "", []string{"crash:tcp_retransmit_skb"}},
		{"KCSAN pair", "BUG: KCSAN: data-race in do_mpage_readpage / end_buffer_async_read", "", []string{"crash:do_mpage_readpage", "crash:end_buffer_async_read"}},
	}
	for _, c := range cases {
		got := siteFuncs(Sites(c.text, c.subject))
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
	s := Sites("The mq_notify function in the Linux kernel", "")
	if len(s) != 1 || !s[0].Phrase {
		t.Errorf("\"The mq_notify function\": %+v, want a phrase site", s)
	}
}

func TestUAPI(t *testing.T) {
	text := "A KEYCTL_READ on a revoked key, an NFT_MSG_NEWRULE batch, SIOCGIFCONF, PACKET_RX_RING and IPT_SO_GET_INFO; include/uapi/linux/KEYCTL_X.h is a path."
	var got []string
	for _, l := range UAPI(text, x86) {
		got = append(got, l.Syscall+"="+l.Evidence)
	}
	want := []string{"getsockopt=IPT_SO_GET_INFO (linux/netfilter_ipv4/ip_tables.h)", "ioctl=SIOCGIFCONF (linux/sockios.h)",
		"keyctl=KEYCTL_READ (linux/keyctl.h)", "sendmsg=NFT_MSG_NEWRULE (linux/netfilter/nf_tables.h)",
		"setsockopt=PACKET_RX_RING (linux/if_packet.h)"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	if sc, hdr, ok := UAPIName("IORING_OP_READV"); !ok || sc != "io_uring_enter" || hdr != "linux/io_uring.h" {
		t.Errorf("IORING_OP_READV: %s %s %v", sc, hdr, ok)
	}
	// AF_ALG: crypto/af_alg.c's alg_setsockopt takes the key, the AEAD
	// tag size and the DRBG entropy; af_alg_cmsg_send takes the IV, the
	// operation and the AEAD associated-data length as sendmsg's control
	// messages, although if_alg.h lists them all as socket options.
	for n, want := range map[string]string{"ALG_SET_KEY": "setsockopt", "ALG_SET_AEAD_AUTHSIZE": "setsockopt",
		"ALG_SET_IV": "sendmsg", "ALG_SET_OP": "sendmsg", "ALG_SET_AEAD_ASSOCLEN": "sendmsg"} {
		if sc, _, ok := UAPIName(n); !ok || sc != want {
			t.Errorf("%s: %s %v, want %s", n, sc, ok, want)
		}
	}
	// Values that are not requests or options are not in the table.
	for _, n := range []string{"PACKET_HOST", "TCP_REPAIR_ON", "IP_PMTUDISC_DO", "RTM_MAX", "FUTEX_WAITERS"} {
		if _, _, ok := UAPIName(n); ok {
			t.Errorf("%s is in the table", n)
		}
	}
}

// TestSyscallNameIsNoSite: a syscall's bare name in a record (CVE-2026-64108's
// race diagram, "fd = open(PATH)"; CVE-2024-26703's subject "timerlat_fd
// open()") is the syscall, not a bug site; the functions beside it are.
func TestSyscallNameIsNoSite(t *testing.T) {
	desc := "In the Linux kernel, the following vulnerability has been resolved:\n\n" +
		"cifs: Fix busy dentry used after unmounting\n\n" +
		"  process A\n  fd = open(PATH)\n   vfs_open\n    cifs_open\n     cifs_new_fileinfo\n  close(fd)\n"
	f := Read(Input{Description: desc}, x86)
	var funcs []string
	for _, s := range f.Sites() {
		if s.Func != "" {
			funcs = append(funcs, s.Func)
		}
	}
	for _, name := range []string{"open", "close"} {
		if slices.Contains(funcs, name) {
			t.Errorf("sites %v hold the syscall name %q", funcs, name)
		}
	}
	for _, name := range []string{"vfs_open", "cifs_open", "cifs_new_fileinfo"} {
		if !slices.Contains(funcs, name) {
			t.Errorf("sites %v lack %q", funcs, name)
		}
	}
}
