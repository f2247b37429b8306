//go:build linux

package main

import (
	"encoding/binary"
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"
)

// The nftables workload speaks nfnetlink directly, as nft(8) does through
// libmnl: one batch (NFNL_MSG_BATCH_BEGIN ... BATCH_END) adds
//
//	table ip sysweight
//	chain ip sysweight input { type filter hook input priority 0; policy accept; }
//	rule ip sysweight input ip protocol udp counter accept
//
// then a UDP datagram to 127.0.0.1 passes the input hook, a rule dump
// (NFT_MSG_GETRULE) must show the counter at one packet or more, and a
// second batch deletes the table. Message and attribute layouts are those
// of include/uapi/linux/netfilter/nf_tables.h and nfnetlink.h.

const nftTable, nftChain = "sysweight", "input"

// nfAccept is NF_ACCEPT (include/uapi/linux/netfilter.h).
const nfAccept = 1

func runNft() error {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_NETFILTER)
	if err != nil {
		return check("netlink socket", err)
	}
	defer unix.Close(fd)
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return check("netlink bind", err)
	}
	nl := &netlink{fd: fd, seq: 1}

	rule := nest(unix.NFTA_RULE_EXPRESSIONS,
		expr("payload",
			u32attr(unix.NFTA_PAYLOAD_DREG, unix.NFT_REG_1),
			u32attr(unix.NFTA_PAYLOAD_BASE, unix.NFT_PAYLOAD_NETWORK_HEADER),
			u32attr(unix.NFTA_PAYLOAD_OFFSET, 9), // struct iphdr: protocol
			u32attr(unix.NFTA_PAYLOAD_LEN, 1)),
		expr("cmp",
			u32attr(unix.NFTA_CMP_SREG, unix.NFT_REG_1),
			u32attr(unix.NFTA_CMP_OP, unix.NFT_CMP_EQ),
			nest(unix.NFTA_CMP_DATA, attr(unix.NFTA_DATA_VALUE, []byte{unix.IPPROTO_UDP}))),
		expr("counter"),
		expr("immediate",
			u32attr(unix.NFTA_IMMEDIATE_DREG, unix.NFT_REG_VERDICT),
			nest(unix.NFTA_IMMEDIATE_DATA,
				nest(unix.NFTA_DATA_VERDICT, u32attr(unix.NFTA_VERDICT_CODE, nfAccept)))),
	)
	create := unix.NLM_F_CREATE | unix.NLM_F_ACK
	if err := nl.batch(
		nl.msg(unix.NFT_MSG_NEWTABLE, create, strattr(unix.NFTA_TABLE_NAME, nftTable)),
		nl.msg(unix.NFT_MSG_NEWCHAIN, create,
			strattr(unix.NFTA_CHAIN_TABLE, nftTable),
			strattr(unix.NFTA_CHAIN_NAME, nftChain),
			nest(unix.NFTA_CHAIN_HOOK,
				u32attr(unix.NFTA_HOOK_HOOKNUM, unix.NF_INET_LOCAL_IN),
				u32attr(unix.NFTA_HOOK_PRIORITY, 0)),
			u32attr(unix.NFTA_CHAIN_POLICY, nfAccept),
			strattr(unix.NFTA_CHAIN_TYPE, "filter")),
		nl.msg(unix.NFT_MSG_NEWRULE, create|unix.NLM_F_APPEND,
			strattr(unix.NFTA_RULE_TABLE, nftTable),
			strattr(unix.NFTA_RULE_CHAIN, nftChain),
			rule),
	); err != nil {
		return fmt.Errorf("adding table, chain and rule: %w", err)
	}
	if err := udpRound(); err != nil {
		return fmt.Errorf("datagram through the rule: %w", err)
	}
	packets, err := nl.rulePackets()
	if err != nil {
		return err
	}
	// udpRound sends two datagrams to 127.0.0.1.
	if packets < 2 {
		return fmt.Errorf("rule counter at %d packets after two datagrams, want 2 or more", packets)
	}
	fmt.Printf("nft: rule counted %d packets\n", packets)
	if err := nl.batch(nl.msg(unix.NFT_MSG_DELTABLE, unix.NLM_F_ACK, strattr(unix.NFTA_TABLE_NAME, nftTable))); err != nil {
		return fmt.Errorf("deleting the table: %w", err)
	}
	return nil
}

type netlink struct {
	fd  int
	seq uint32
}

// msg builds one nf_tables message for family ip.
func (nl *netlink) msg(typ, flags int, attrs ...[]byte) []byte {
	return nl.raw(unix.NFNL_SUBSYS_NFTABLES<<8|typ, flags, unix.NFPROTO_IPV4, 0, attrs...)
}

func (nl *netlink) raw(typ, flags int, family uint8, resID uint16, attrs ...[]byte) []byte {
	nl.seq++
	b := make([]byte, unix.NLMSG_HDRLEN+4)
	binary.NativeEndian.PutUint16(b[4:], uint16(typ))
	binary.NativeEndian.PutUint16(b[6:], uint16(unix.NLM_F_REQUEST|flags))
	binary.NativeEndian.PutUint32(b[8:], nl.seq)
	// struct nfgenmsg: family, version, res_id (big endian).
	b[16], b[17] = family, unix.NFNETLINK_V0
	binary.BigEndian.PutUint16(b[18:], resID)
	for _, a := range attrs {
		b = append(b, a...)
	}
	binary.NativeEndian.PutUint32(b[0:], uint32(len(b)))
	return b
}

// batch sends msgs between BATCH_BEGIN and BATCH_END in one sendmsg and
// waits for the acknowledgement of each.
func (nl *netlink) batch(msgs ...[]byte) error {
	var buf []byte
	buf = append(buf, nl.raw(unix.NFNL_MSG_BATCH_BEGIN, 0, unix.AF_UNSPEC, unix.NFNL_SUBSYS_NFTABLES)...)
	for _, m := range msgs {
		buf = append(buf, m...)
	}
	buf = append(buf, nl.raw(unix.NFNL_MSG_BATCH_END, 0, unix.AF_UNSPEC, unix.NFNL_SUBSYS_NFTABLES)...)
	if err := unix.Sendmsg(nl.fd, buf, nil, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}, 0); err != nil {
		return check("sendmsg", err)
	}
	acked := map[uint32]bool{}
	for len(acked) < len(msgs) {
		replies, err := nl.recv()
		if err != nil {
			return err
		}
		for _, r := range replies {
			if r.Header.Type != unix.NLMSG_ERROR {
				continue
			}
			if len(r.Data) < 4 {
				return fmt.Errorf("short NLMSG_ERROR")
			}
			if e := int32(binary.NativeEndian.Uint32(r.Data)); e != 0 {
				return fmt.Errorf("message with sequence number %d: %w", r.Header.Seq, unix.Errno(-e))
			}
			acked[r.Header.Seq] = true
		}
	}
	return nil
}

func (nl *netlink) recv() ([]syscall.NetlinkMessage, error) {
	buf := make([]byte, 1<<16)
	n, _, _, _, err := unix.Recvmsg(nl.fd, buf, nil, 0)
	if err != nil {
		return nil, check("recvmsg", err)
	}
	msgs, err := syscall.ParseNetlinkMessage(buf[:n])
	return msgs, check("parsing netlink reply", err)
}

// rulePackets dumps the rules of family ip and returns the packet count
// of the counter expression of the rule in sysweight/input.
func (nl *netlink) rulePackets() (uint64, error) {
	req := nl.msg(unix.NFT_MSG_GETRULE, unix.NLM_F_DUMP)
	if err := unix.Sendto(nl.fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return 0, check("sendto GETRULE", err)
	}
	found, packets := false, uint64(0)
	for {
		msgs, err := nl.recv()
		if err != nil {
			return 0, err
		}
		for _, m := range msgs {
			switch m.Header.Type {
			case unix.NLMSG_DONE:
				if !found {
					return 0, fmt.Errorf("the rule dump has no rule in %s/%s", nftTable, nftChain)
				}
				return packets, nil
			case unix.NLMSG_ERROR:
				return 0, fmt.Errorf("rule dump failed")
			}
			if len(m.Data) < 4 {
				continue
			}
			top := attrs(m.Data[4:])
			if string(trimNul(top[unix.NFTA_RULE_TABLE])) != nftTable || string(trimNul(top[unix.NFTA_RULE_CHAIN])) != nftChain {
				continue
			}
			found = true
			for _, elem := range attrList(top[unix.NFTA_RULE_EXPRESSIONS]) {
				e := attrs(elem)
				if string(trimNul(e[unix.NFTA_EXPR_NAME])) != "counter" {
					continue
				}
				if p := attrs(e[unix.NFTA_EXPR_DATA])[unix.NFTA_COUNTER_PACKETS]; len(p) == 8 {
					packets = binary.BigEndian.Uint64(p)
				}
			}
		}
	}
}

// Attributes (struct nlattr: u16 length, u16 type, payload, 4-byte aligned).

func attr(typ int, payload []byte) []byte {
	n := 4 + len(payload)
	b := make([]byte, (n+3)&^3)
	binary.NativeEndian.PutUint16(b[0:], uint16(n))
	binary.NativeEndian.PutUint16(b[2:], uint16(typ))
	copy(b[4:], payload)
	return b
}

func strattr(typ int, s string) []byte { return attr(typ, append([]byte(s), 0)) }

func u32attr(typ int, v uint32) []byte {
	return attr(typ, binary.BigEndian.AppendUint32(nil, v))
}

func nest(typ int, children ...[]byte) []byte {
	var p []byte
	for _, c := range children {
		p = append(p, c...)
	}
	return attr(typ|unix.NLA_F_NESTED, p)
}

func expr(name string, data ...[]byte) []byte {
	parts := [][]byte{strattr(unix.NFTA_EXPR_NAME, name)}
	if len(data) > 0 {
		parts = append(parts, nest(unix.NFTA_EXPR_DATA, data...))
	}
	return nest(unix.NFTA_LIST_ELEM, parts...)
}

// attrs indexes the attributes in b by type (nested flag cleared).
func attrs(b []byte) map[int][]byte {
	m := map[int][]byte{}
	for len(b) >= 4 {
		n := int(binary.NativeEndian.Uint16(b[0:]))
		if n < 4 || n > len(b) {
			break
		}
		m[int(binary.NativeEndian.Uint16(b[2:])&^unix.NLA_F_NESTED)] = b[4:n]
		b = b[min((n+3)&^3, len(b)):]
	}
	return m
}

// attrList returns the payloads of the attributes in b, in order.
func attrList(b []byte) [][]byte {
	var out [][]byte
	for len(b) >= 4 {
		n := int(binary.NativeEndian.Uint16(b[0:]))
		if n < 4 || n > len(b) {
			break
		}
		out = append(out, b[4:n])
		b = b[min((n+3)&^3, len(b)):]
	}
	return out
}

func trimNul(b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == 0 {
		b = b[:len(b)-1]
	}
	return b
}
