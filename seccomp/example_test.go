package seccomp_test

import (
	"fmt"
	"strings"

	"sysweight/seccomp"
	"sysweight/syscalls"
)

func ExampleDecode() {
	const profile = `{
	  "defaultAction": "SCMP_ACT_ERRNO",
	  "syscalls": [
	    {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
	    {"names": ["ptrace"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "4.8"}},
	    {"names": ["mount"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
	    {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
	     "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}]}
	  ]}`
	t := seccomp.Target{Arch: syscalls.X86_64, Caps: map[string]bool{}, Kernel: seccomp.KernelVersion{Major: 6, Minor: 1}}
	p, err := seccomp.Decode(strings.NewReader(profile), "example.json", t)
	if err != nil {
		fmt.Println(err)
		return
	}
	f := p.Filters[0]
	for _, c := range []struct {
		name string
		arg0 uint64
	}{{"read", 0}, {"ptrace", 0}, {"mount", 0}, {"personality", 0}, {"personality", 8}} {
		fmt.Printf("%s(%#x): %v\n", c.name, c.arg0, f.Evaluate(c.name, &[6]uint64{c.arg0}))
	}
	// Output:
	// read(0x0): allow
	// ptrace(0x0): allow
	// mount(0x0): errno(1)
	// personality(0x0): allow
	// personality(0x8): errno(1)
}

func ExampleDecodeMoby_error() {
	_, err := seccomp.DecodeMoby(strings.NewReader(`{"defaultAction": "SCMP_ACT_ERRNO",
"syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALOW"}]}`), "profile.json")
	fmt.Println(err)
	// Output:
	// decoding moby profile profile.json:2:44: syscalls[0].action: unknown seccomp action "SCMP_ACT_ALOW" (want SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, SCMP_ACT_KILL, SCMP_ACT_KILL_THREAD, SCMP_ACT_KILL_PROCESS, SCMP_ACT_TRAP, SCMP_ACT_TRACE, SCMP_ACT_LOG or SCMP_ACT_NOTIFY)
}
