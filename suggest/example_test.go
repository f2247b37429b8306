package suggest_test

import (
	"fmt"
	"os"

	"sysweight/runtimes"
	"sysweight/suggest"
	"sysweight/syscalls"
)

// Narrow Docker's profile to a program that reads, writes and exits.
// runc's own calls are left out here (Runtime "none"); a profile for runc
// takes suggest.LookupRuntime("runc").
func ExampleBuild() {
	docker, _ := runtimes.Lookup("runc-docker")
	base, _ := docker.Policy()
	rt, _ := suggest.LookupRuntime("none")
	r, err := suggest.Build(suggest.Options{Arch: syscalls.X86_64, Used: []string{"write", "read", "exit_group"}, Base: base, Runtime: rt})
	if err != nil {
		fmt.Println(err)
		return
	}
	b, _ := r.Encode()
	os.Stdout.Write(b)
	fmt.Println("allowed:", r.Allowed, "kept refusals:", r.KeptRefusals)
	// Output:
	// {
	//   "defaultAction": "SCMP_ACT_ERRNO",
	//   "defaultErrnoRet": 1,
	//   "architectures": [
	//     "SCMP_ARCH_X86_64"
	//   ],
	//   "syscalls": [
	//     {
	//       "names": [
	//         "read",
	//         "write",
	//         "exit_group"
	//       ],
	//       "action": "SCMP_ACT_ALLOW"
	//     },
	//     {
	//       "names": [
	//         "clone3"
	//       ],
	//       "action": "SCMP_ACT_ERRNO",
	//       "errnoRet": 38
	//     }
	//   ]
	// }
	// allowed: [read write exit_group] kept refusals: [clone3]
}
