package ftrace_test

import (
	"fmt"
	"strings"

	"sysweight/kernel/ftrace"
)

func ExampleParse() {
	trace := `# tracer: function_graph
#
# CPU  DURATION                  FUNCTION CALLS
# |     |   |                     |   |   |   |
 0)               |  __x64_sys_close() {
 0)               |    close_fd() {
 0)   0.210 us    |      _raw_spin_lock();
 0)   0.400 us    |      pick_file();
 0)   1.300 us    |    }
 0)   1.700 us    |  }
`
	fp, err := ftrace.Parse(strings.NewReader(trace), ftrace.Options{Strict: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(fp.Reach("close"), fp.PerSyscall["close"].Depth)
	// Output: [__x64_sys_close _raw_spin_lock close_fd pick_file] 3
}

func ExampleDefaultFootprints() {
	f, err := ftrace.DefaultFootprints()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Provenance.Kernel.Package, f.Provenance.Kernel.Version)
	fmt.Println(f.Ran("sendmsg", "nf_tables_newrule"), f.Module("nf_tables_newrule"))
	fmt.Println(f.Ran("getpid", "__x64_sys_getpid"))
	// Output:
	// linux-image-6.1.0-56-cloud-amd64-unsigned 6.1.192-2
	// true nf_tables
	// true
}
