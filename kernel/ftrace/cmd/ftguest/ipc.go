//go:build linux

package main

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// runIPC: pipes with epoll, eventfd with ppoll, a futex wait and wake
// between two threads, a shared mapping of a tmpfs file, timerfd, and unix
// sockets (a stream pair passing a descriptor with SCM_RIGHTS, a datagram
// socket bound to a path).
func runIPC() error {
	for _, step := range []func() error{pipeEpoll, eventfdPoll, futexWaitWake, fileMapping, timerFD, unixSockets} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

func pipeEpoll() error {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		return check("pipe2", err)
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	ep, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return check("epoll_create1", err)
	}
	defer unix.Close(ep)
	if err := unix.EpollCtl(ep, unix.EPOLL_CTL_ADD, p[0], &unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(p[0])}); err != nil {
		return check("epoll_ctl add", err)
	}
	msg := []byte("through a pipe")
	if _, err := unix.Write(p[1], msg); err != nil {
		return check("pipe write", err)
	}
	evs := make([]unix.EpollEvent, 4)
	n, err := unix.EpollWait(ep, evs, 1000)
	if err != nil || n != 1 || evs[0].Fd != int32(p[0]) {
		return fmt.Errorf("epoll_wait: %d events, %v; want the pipe readable", n, err)
	}
	if err := readFull(p[0], make([]byte, len(msg)), msg); err != nil {
		return err
	}
	if err := unix.EpollCtl(ep, unix.EPOLL_CTL_DEL, p[0], nil); err != nil {
		return check("epoll_ctl del", err)
	}
	if size, err := unix.FcntlInt(uintptr(p[0]), unix.F_GETPIPE_SZ, 0); err != nil || size <= 0 {
		return fmt.Errorf("F_GETPIPE_SZ: %d, %v", size, err)
	}
	return nil
}

func eventfdPoll() error {
	fd, err := unix.Eventfd(0, unix.EFD_CLOEXEC)
	if err != nil {
		return check("eventfd2", err)
	}
	defer unix.Close(fd)
	one := []byte{1, 0, 0, 0, 0, 0, 0, 0}
	if _, err := unix.Write(fd, one); err != nil {
		return check("eventfd write", err)
	}
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	if n, err := unix.Ppoll(fds, &unix.Timespec{Sec: 1}, nil); err != nil || n != 1 {
		return fmt.Errorf("ppoll: %d, %v; want the eventfd readable", n, err)
	}
	buf := make([]byte, 8)
	if _, err := unix.Read(fd, buf); err != nil || !bytes.Equal(buf, one) {
		return fmt.Errorf("eventfd read %v, %v", buf, err)
	}
	return nil
}

// include/uapi/linux/futex.h: FUTEX_WAIT, FUTEX_WAKE | FUTEX_PRIVATE_FLAG.
const (
	futexWaitPrivate = 0 | 128
	futexWakePrivate = 1 | 128
)

// futexWaitWake makes one thread wait on a futex word and another wake it.
func futexWaitWake() error {
	var word uint32
	addr := uintptr(unsafe.Pointer(&word))
	// A wait on a word that does not hold the expected value fails at
	// once with EAGAIN.
	if _, _, e := unix.Syscall6(unix.SYS_FUTEX, addr, futexWaitPrivate, 1, 0, 0, 0); e != unix.EAGAIN {
		return fmt.Errorf("futex wait on a mismatched value: %v, want EAGAIN", e)
	}
	var waiting atomic.Bool
	done := make(chan unix.Errno, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		waiting.Store(true)
		ts := unix.Timespec{Sec: 5}
		for atomic.LoadUint32(&word) == 0 {
			_, _, e := unix.Syscall6(unix.SYS_FUTEX, addr, futexWaitPrivate, 0, uintptr(unsafe.Pointer(&ts)), 0, 0)
			if e != 0 && e != unix.EAGAIN && e != unix.EINTR {
				done <- e
				return
			}
		}
		done <- 0
	}()
	for !waiting.Load() {
		runtime.Gosched()
	}
	time.Sleep(20 * time.Millisecond) // let it block in the kernel
	atomic.StoreUint32(&word, 1)
	woken := uintptr(0)
	for i := 0; i < 100 && woken == 0; i++ {
		var e unix.Errno
		woken, _, e = unix.Syscall6(unix.SYS_FUTEX, addr, futexWakePrivate, 1, 0, 0, 0)
		if e != 0 {
			return fmt.Errorf("futex wake: %v", e)
		}
		if woken == 0 {
			time.Sleep(time.Millisecond)
		}
	}
	if e := <-done; e != 0 {
		return fmt.Errorf("futex wait: %v", e)
	}
	if woken != 1 {
		return fmt.Errorf("futex wake woke %d waiters, want 1", woken)
	}
	return nil
}

// fileMapping writes a tmpfs file through a shared mapping and reads it
// back with pread.
func fileMapping() error {
	f, err := os.OpenFile("mapped", os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	defer os.Remove("mapped")
	defer f.Close()
	const size = 8192
	if err := unix.Ftruncate(int(f.Fd()), size); err != nil {
		return check("ftruncate", err)
	}
	m, err := unix.Mmap(int(f.Fd()), 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		return check("mmap", err)
	}
	msg := []byte("written through the mapping")
	copy(m[4096:], msg)
	if err := unix.Msync(m, unix.MS_SYNC); err != nil {
		return check("msync", err)
	}
	if err := unix.Munmap(m); err != nil {
		return check("munmap", err)
	}
	buf := make([]byte, len(msg))
	if _, err := unix.Pread(int(f.Fd()), buf, 4096); err != nil || !bytes.Equal(buf, msg) {
		return fmt.Errorf("pread after munmap: %q, %v", buf, err)
	}
	return check("fsync", unix.Fsync(int(f.Fd())))
}

func timerFD() error {
	fd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_CLOEXEC)
	if err != nil {
		return check("timerfd_create", err)
	}
	defer unix.Close(fd)
	spec := unix.ItimerSpec{Value: unix.Timespec{Nsec: 1e6}}
	if err := unix.TimerfdSettime(fd, 0, &spec, nil); err != nil {
		return check("timerfd_settime", err)
	}
	buf := make([]byte, 8)
	if n, err := unix.Read(fd, buf); err != nil || n != 8 {
		return fmt.Errorf("timerfd read: %d, %v", n, err)
	}
	return nil
}

func unixSockets() error {
	sp, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return check("socketpair", err)
	}
	defer unix.Close(sp[0])
	defer unix.Close(sp[1])
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		return check("pipe2", err)
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	if err := unix.Sendmsg(sp[0], []byte("fd"), unix.UnixRights(p[1]), nil, 0); err != nil {
		return check("sendmsg SCM_RIGHTS", err)
	}
	buf, oob := make([]byte, 16), make([]byte, unix.CmsgSpace(4))
	_, oobn, _, _, err := unix.Recvmsg(sp[1], buf, oob, 0)
	if err != nil {
		return check("recvmsg SCM_RIGHTS", err)
	}
	cms, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil || len(cms) != 1 {
		return fmt.Errorf("control messages: %d, %v", len(cms), err)
	}
	fds, err := unix.ParseUnixRights(&cms[0])
	if err != nil || len(fds) != 1 {
		return fmt.Errorf("passed descriptors: %v, %v", fds, err)
	}
	// The passed descriptor is the pipe's write end.
	if _, err := unix.Write(fds[0], []byte("x")); err != nil {
		return check("write on the passed fd", err)
	}
	unix.Close(fds[0])
	if err := readFull(p[0], make([]byte, 1), []byte("x")); err != nil {
		return err
	}

	d, err := unix.Socket(unix.AF_UNIX, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return check("unix dgram socket", err)
	}
	defer unix.Close(d)
	addr := &unix.SockaddrUnix{Name: "sock"}
	if err := unix.Bind(d, addr); err != nil {
		return check("unix bind", err)
	}
	defer os.Remove("sock")
	c, err := unix.Socket(unix.AF_UNIX, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return check("unix dgram socket", err)
	}
	defer unix.Close(c)
	if err := unix.Sendto(c, []byte("dgram"), 0, addr); err != nil {
		return check("unix sendto", err)
	}
	if n, _, err := unix.Recvfrom(d, buf, 0); err != nil || string(buf[:n]) != "dgram" {
		return fmt.Errorf("unix recvfrom: %q, %v", buf[:n], err)
	}
	return nil
}
