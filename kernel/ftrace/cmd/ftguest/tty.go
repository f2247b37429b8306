//go:build linux

package main

import (
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// runTTY opens a pseudo-terminal pair (/dev/ptmx and /dev/pts/N on the
// devpts instance the init mounted), reads and sets termios and the window
// size, writes a line on the master and reads it on the slave (canonical
// mode: n_tty delivers it at the newline), and the echo back on the
// master.
func runTTY() error {
	m, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return check("open /dev/ptmx", err)
	}
	defer unix.Close(m)
	if err := unix.IoctlSetPointerInt(m, unix.TIOCSPTLCK, 0); err != nil {
		return check("TIOCSPTLCK", err)
	}
	n, err := unix.IoctlGetUint32(m, unix.TIOCGPTN)
	if err != nil {
		return check("TIOCGPTN", err)
	}
	s, err := unix.Open(fmt.Sprintf("/dev/pts/%d", n), unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return check("open the slave", err)
	}
	defer unix.Close(s)
	tio, err := unix.IoctlGetTermios(s, unix.TCGETS)
	if err != nil {
		return check("TCGETS", err)
	}
	if tio.Lflag&unix.ICANON == 0 {
		return fmt.Errorf("a new pty is not in canonical mode")
	}
	tio.Lflag |= unix.ECHO
	if err := unix.IoctlSetTermios(s, unix.TCSETS, tio); err != nil {
		return check("TCSETS", err)
	}
	if err := unix.IoctlSetWinsize(s, unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: 80}); err != nil {
		return check("TIOCSWINSZ", err)
	}
	if ws, err := unix.IoctlGetWinsize(m, unix.TIOCGWINSZ); err != nil || ws.Col != 80 {
		return fmt.Errorf("TIOCGWINSZ on the master: %+v, %v", ws, err)
	}
	if _, err := unix.Write(m, []byte("hello tty\n")); err != nil {
		return check("write on the master", err)
	}
	buf := make([]byte, 64)
	k, err := unix.Read(s, buf)
	if err != nil || string(buf[:k]) != "hello tty\n" {
		return fmt.Errorf("read on the slave: %q, %v", buf[:k], err)
	}
	// The line discipline echoed the input to the master (ECHO, with
	// ONLCR turning \n into \r\n).
	k, err = unix.Read(m, buf)
	if err != nil || !strings.HasPrefix(string(buf[:k]), "hello tty") {
		return fmt.Errorf("echo on the master: %q, %v", buf[:k], err)
	}
	return nil
}
