//go:build linux

package main

import (
	"bytes"
	"fmt"

	"golang.org/x/sys/unix"
)

// runNet: TCP over 127.0.0.1 and ::1, UDP over 127.0.0.1. The sockets are
// blocking and driven by raw syscalls in one thread: over loopback the
// handshake completes inside connect, so accept finds the connection
// queued.
func runNet() error {
	for _, fam := range []int{unix.AF_INET, unix.AF_INET6} {
		if err := tcpRound(fam); err != nil {
			return err
		}
	}
	return udpRound()
}

func loopback(fam int) unix.Sockaddr {
	if fam == unix.AF_INET6 {
		return &unix.SockaddrInet6{Addr: [16]byte{15: 1}}
	}
	return &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}
}

func tcpRound(fam int) error {
	ls, err := unix.Socket(fam, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return check("tcp socket", err)
	}
	defer unix.Close(ls)
	if err := unix.SetsockoptInt(ls, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
		return check("SO_REUSEADDR", err)
	}
	if err := unix.Bind(ls, loopback(fam)); err != nil {
		return check("tcp bind", err)
	}
	if err := unix.Listen(ls, 8); err != nil {
		return check("listen", err)
	}
	addr, err := unix.Getsockname(ls)
	if err != nil {
		return check("getsockname", err)
	}
	c, err := unix.Socket(fam, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return check("tcp socket", err)
	}
	defer unix.Close(c)
	for _, o := range []struct {
		level, opt, v int
		name          string
	}{
		{unix.IPPROTO_TCP, unix.TCP_NODELAY, 1, "TCP_NODELAY"},
		{unix.IPPROTO_TCP, unix.TCP_KEEPIDLE, 60, "TCP_KEEPIDLE"},
		{unix.SOL_SOCKET, unix.SO_KEEPALIVE, 1, "SO_KEEPALIVE"},
		{unix.SOL_SOCKET, unix.SO_SNDBUF, 1 << 16, "SO_SNDBUF"},
		{unix.SOL_SOCKET, unix.SO_RCVBUF, 1 << 16, "SO_RCVBUF"},
	} {
		if err := unix.SetsockoptInt(c, o.level, o.opt, o.v); err != nil {
			return check("setsockopt "+o.name, err)
		}
	}
	if err := unix.Connect(c, addr); err != nil {
		return check("connect", err)
	}
	s, _, err := unix.Accept4(ls, unix.SOCK_CLOEXEC)
	if err != nil {
		return check("accept4", err)
	}
	defer unix.Close(s)
	if _, err := unix.Getpeername(s); err != nil {
		return check("getpeername", err)
	}
	if v, err := unix.GetsockoptInt(c, unix.IPPROTO_TCP, unix.TCP_NODELAY); err != nil || v != 1 {
		return fmt.Errorf("getsockopt TCP_NODELAY = %d, %v; want 1", v, err)
	}
	if _, err := unix.GetsockoptTCPInfo(c, unix.IPPROTO_TCP, unix.TCP_INFO); err != nil {
		return check("TCP_INFO", err)
	}
	msg := []byte("sysweight over loopback\n")
	buf := make([]byte, 256)
	// write/read, sendto/recvfrom, sendmsg/recvmsg, each both ways.
	if _, err := unix.Write(c, msg); err != nil {
		return check("write", err)
	}
	if err := readFull(s, buf[:len(msg)], msg); err != nil {
		return err
	}
	if err := unix.Sendto(s, msg, 0, nil); err != nil {
		return check("sendto", err)
	}
	if n, _, err := unix.Recvfrom(c, buf, 0); err != nil || !bytes.Equal(buf[:n], msg) {
		return fmt.Errorf("recvfrom: %q, %v", buf[:n], err)
	}
	if _, err := unix.SendmsgN(c, msg, nil, nil, 0); err != nil {
		return check("sendmsg", err)
	}
	if n, _, _, _, err := unix.Recvmsg(s, buf, nil, 0); err != nil || !bytes.Equal(buf[:n], msg) {
		return fmt.Errorf("recvmsg: %q, %v", buf[:n], err)
	}
	if err := unix.Shutdown(c, unix.SHUT_WR); err != nil {
		return check("shutdown", err)
	}
	if n, err := unix.Read(s, buf); n != 0 || err != nil {
		return fmt.Errorf("read after the peer's shutdown: %d bytes, %v; want end of stream", n, err)
	}
	return nil
}

func readFull(fd int, buf, want []byte) error {
	got := 0
	for got < len(buf) {
		n, err := unix.Read(fd, buf[got:])
		if err != nil || n == 0 {
			return fmt.Errorf("read: %d bytes, %v", n, err)
		}
		got += n
	}
	if !bytes.Equal(buf, want) {
		return fmt.Errorf("read %q, want %q", buf, want)
	}
	return nil
}

func udpRound() error {
	a, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return check("udp socket", err)
	}
	defer unix.Close(a)
	if err := unix.Bind(a, loopback(unix.AF_INET)); err != nil {
		return check("udp bind", err)
	}
	addr, err := unix.Getsockname(a)
	if err != nil {
		return check("getsockname", err)
	}
	b, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return check("udp socket", err)
	}
	defer unix.Close(b)
	if err := unix.SetsockoptInt(b, unix.IPPROTO_IP, unix.IP_TOS, 0x10); err != nil {
		return check("IP_TOS", err)
	}
	if err := unix.SetsockoptInt(a, unix.SOL_SOCKET, unix.SO_RCVBUF, 1<<16); err != nil {
		return check("SO_RCVBUF", err)
	}
	msg := []byte("datagram")
	if err := unix.Sendto(b, msg, 0, addr); err != nil {
		return check("udp sendto", err)
	}
	buf := make([]byte, 64)
	if n, _, err := unix.Recvfrom(a, buf, 0); err != nil || !bytes.Equal(buf[:n], msg) {
		return fmt.Errorf("udp recvfrom: %q, %v", buf[:n], err)
	}
	if err := unix.Connect(b, addr); err != nil {
		return check("udp connect", err)
	}
	if _, err := unix.Write(b, msg); err != nil {
		return check("udp write", err)
	}
	if n, _, _, _, err := unix.Recvmsg(a, buf, nil, 0); err != nil || !bytes.Equal(buf[:n], msg) {
		return fmt.Errorf("udp recvmsg: %q, %v", buf[:n], err)
	}
	return nil
}
