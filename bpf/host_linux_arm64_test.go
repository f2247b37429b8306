package bpf

// auditArchHost is AUDIT_ARCH_AARCH64, what the kernel puts in
// seccomp_data.arch for this test binary's syscalls.
const auditArchHost = 0xc00000b7
