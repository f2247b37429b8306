//go:build linux

// Command ftguest is the guest half of the kernel footprint experiment
// (scripts/kernel-footprints.sh, kernel/ftrace/cmd/kfootprints): a static
// program that is both the /init of a busybox initramfs booted under QEMU
// and the small workloads it traces.
//
// As /init (pid 1) it mounts proc, sysfs, devtmpfs, devpts, tmpfs and
// tracefs, loads the modules named in /ftguest.json, brings lo up, turns
// the function_graph tracer on and runs each workload of the config with
// set_ftrace_pid naming it and function-fork on, so that the workload and
// everything it forks are traced and nothing else is. The ring buffer is
// drained into a raw virtio disk while the workload runs (or, for a
// workload marked text, read as the kernel's text after it ends and then
// drained); the disk holds named sections (package
// sysweight/kernel/ftrace/internal/secfile) that the host reads after the
// guest powers off.
//
// As a workload, "ftguest NAME" runs one of:
//
//	net   TCP and UDP over loopback (IPv4 and IPv6): socket options, connect,
//	      accept, read/write, send/recv{,from,msg}, shutdown
//	nft   an nftables table, base chain and rule added over raw
//	      NETLINK_NETFILTER (NFT_MSG_NEWTABLE/NEWCHAIN/NEWRULE in a batch),
//	      a datagram that the rule counts, a rule dump, the table deleted
//	ipc   pipes, epoll, eventfd, futex, a shared file mapping on tmpfs,
//	      unix stream and datagram sockets with SCM_RIGHTS
//	tty   a pseudo-terminal pair: termios and window-size ioctls, write on
//	      the master, read on the slave
//
// Each workload checks that the kernel did what was asked and exits 1 with
// a message if not, so a footprint never comes from a failed run.
package main

import (
	"fmt"
	"os"
)

var workloads = map[string]func() error{
	"net": runNet,
	"nft": runNft,
	"ipc": runIPC,
	"tty": runTTY,
}

func main() {
	if os.Getpid() == 1 {
		runInit()
		return
	}
	if len(os.Args) != 2 || workloads[os.Args[1]] == nil {
		fmt.Fprintln(os.Stderr, "usage: ftguest net|nft|ipc|tty (or as /init)")
		os.Exit(2)
	}
	if err := workloads[os.Args[1]](); err != nil {
		fmt.Fprintf(os.Stderr, "ftguest %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}

// check turns a failed step into an error naming it.
func check(what string, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
