package runtimes

import (
	"sysweight/seccomp"
	"sysweight/syscalls"
)

// Nabla containers run a unikernel on the solo5 spt ("sandboxed process")
// tender, which installs a libseccomp filter with default SCMP_ACT_KILL and
// these allow rules (Solo5/solo5 at commit 00d4180f, tenders/spt/):
//   - spt_core.c: write(fd == 1), exit_group, ppoll(arg3 == 0),
//     clock_gettime(CLOCK_MONOTONIC), clock_gettime(CLOCK_REALTIME);
//   - spt_module_net.c, per attached tap: read(fd == tapfd),
//     write(fd == tapfd);
//   - spt_module_block.c, per disk: pread64(fd == diskfd, size ==
//     block size, offset <= capacity - block size), pwrite64 the same.
//
// The descriptors are runtime values. We take one tap at fd 3 and one disk at
// fd 4 (the first descriptors the tender opens after stdio), a 512-byte
// block and a 1 GiB disk; the degrees depend on these only through the
// corpus values that the rules name.
const (
	nablaTapFD     = 3
	nablaDiskFD    = 4
	nablaBlockSize = 512
	nablaCapacity  = 1 << 30
)

func nablaPolicy() (*seccomp.Policy, error) {
	allow := seccomp.Verdict{Action: seccomp.ActAllow}
	eq := func(arg uint8, v uint64) seccomp.Cond { return seccomp.Cond{Arg: arg, Op: seccomp.OpEQ, Value: v} }
	block := []seccomp.Cond{eq(0, nablaDiskFD), eq(2, nablaBlockSize),
		{Arg: 3, Op: seccomp.OpLE, Value: nablaCapacity - nablaBlockSize}}
	rules := []seccomp.Rule{
		{Syscall: "write", Verdict: allow, Conds: []seccomp.Cond{eq(0, 1)}},
		{Syscall: "exit_group", Verdict: allow},
		{Syscall: "ppoll", Verdict: allow, Conds: []seccomp.Cond{eq(3, 0)}},
		{Syscall: "clock_gettime", Verdict: allow, Conds: []seccomp.Cond{eq(0, 1)}}, // CLOCK_MONOTONIC
		{Syscall: "clock_gettime", Verdict: allow, Conds: []seccomp.Cond{eq(0, 0)}}, // CLOCK_REALTIME
		{Syscall: "read", Verdict: allow, Conds: []seccomp.Cond{eq(0, nablaTapFD)}},
		{Syscall: "write", Verdict: allow, Conds: []seccomp.Cond{eq(0, nablaTapFD)}},
		{Syscall: "pread64", Verdict: allow, Conds: block},
		{Syscall: "pwrite64", Verdict: allow, Conds: block},
	}
	f, err := seccomp.NewFilter("solo5-spt", syscalls.X86_64, seccomp.Verdict{Action: seccomp.ActKillThread}, rules)
	if err != nil {
		return nil, err
	}
	return &seccomp.Policy{Name: "nabla", Arch: syscalls.X86_64, Filters: []*seccomp.Filter{f}}, nil
}
