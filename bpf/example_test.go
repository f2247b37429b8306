package bpf_test

import (
	"fmt"

	"sysweight/bpf"
	"sysweight/syscalls"
)

func Example() {
	// Allow close, refuse everything else with EPERM.
	prog := []bpf.Instruction{
		bpf.Stmt(bpf.Ld|bpf.W|bpf.Abs, 0),
		bpf.Jump(bpf.Jmp|bpf.Jeq|bpf.K, 3, 0, 1),
		bpf.Stmt(bpf.Ret|bpf.K, bpf.RetAllow),
		bpf.Stmt(bpf.Ret|bpf.K, bpf.RetErrno|1),
	}
	p, err := bpf.Compile(prog)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range bpf.Disassemble(prog, syscalls.MustForArch(syscalls.X86_64)) {
		fmt.Println(line)
	}
	fmt.Println(p.Verdict(&bpf.SeccompData{Nr: 3, Arch: syscalls.X86_64.AuditArch()}))
	fmt.Println(p.Verdict(&bpf.SeccompData{Nr: 59, Arch: syscalls.X86_64.AuditArch()}))
	// Output:
	// 0000: A = nr
	// 0001: if (A != 0x3 /* close */) goto 0003
	// 0002: return ALLOW
	// 0003: return ERRNO(1)
	// allow
	// errno(1)
}

func ExampleValidate() {
	err := bpf.Validate([]bpf.Instruction{
		bpf.Stmt(bpf.Ld|bpf.W|bpf.Abs, 6), // not 4-byte aligned
		bpf.Stmt(bpf.Ret|bpf.K, bpf.RetAllow),
	})
	fmt.Println(err)
	// Output:
	// bpf: pc 0 {0x20, 0, 0, 0x00000006}: bad seccomp_data load: offset 6, want a multiple of 4 below 64 (sizeof(struct seccomp_data))
}
