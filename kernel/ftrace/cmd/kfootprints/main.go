// Command kfootprints measures the dynamic kernel footprint of syscalls:
// it boots a kernel under QEMU (TCG) with a busybox initramfs whose /init
// is ftguest, traces workloads with the function_graph tracer, and derives
// per-syscall footprints (package sysweight/kernel/ftrace, Footprints).
//
//	kfootprints run   -kernel VMLINUZ -modules LIB/MODULES/RELEASE -probe P -guest G -out DIR
//	kfootprints build -run DIR -o FILE.json[.gz]
//
// run leaves DIR/trace.img (the guest's raw disk: sections of ring-buffer
// pages, kernel text traces, kallsyms, formats, workload output),
// DIR/console.log and DIR/run.json. build reads them and writes the
// footprints file. scripts/kernel-footprints.sh runs both.
//
// Exit status: 0 done, 2 bad usage or input, 1 anything else.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

type usageError struct{ error }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := dispatch(ctx, os.Args[1:])
	if err == nil {
		return
	}
	fmt.Fprintf(os.Stderr, "kfootprints: %v\n", err)
	var ue usageError
	var be badInput
	if errors.As(err, &ue) || errors.As(err, &be) {
		stop()
		os.Exit(2)
	}
	stop()
	os.Exit(1)
}

func dispatch(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageError{errors.New("usage: kfootprints run|build [flags]")}
	}
	switch args[0] {
	case "run":
		return runCmd(ctx, args[1:])
	case "build":
		return buildCmd(args[1:])
	}
	return usageError{fmt.Errorf("unknown command %q, want run or build", args[0])}
}
