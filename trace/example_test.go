package trace_test

import (
	"context"
	"fmt"
	"log"

	"sysweight/trace"
)

// Trace a command and its children, then turn what it did into an observed
// exposure. Needs root; not run as a test.
func ExampleRun() {
	ctx, stop := trace.NotifyContext(context.Background())
	defer stop()
	res, err := trace.Run(ctx, trace.Options{Cmd: []string{"sh", "-c", "ls / >/dev/null"}})
	if err != nil {
		log.Fatal(err)
	}
	names, _ := res.ByName()
	fmt.Println(res.Backend, names["execve"], res.Lost)
	exp, err := res.Exposure("ls")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(exp.Count(), "syscalls observed")
}
