// Package bpf owns classic BPF as seccomp uses it: decoding the raw
// sock_filter array, validating a program the way the kernel does before it
// installs a filter (kernel/seccomp.c: seccomp_check_filter and
// net/core/filter.c: bpf_check_classic), interpreting it over seccomp_data,
// disassembling it with syscall names, decoding SECCOMP_RET_* return values
// into seccomp.Verdict, and (on Linux) dumping the filters installed in a
// live process with PTRACE_SECCOMP_GET_FILTER.
//
// It does not compile rules into BPF, and it does not turn verdicts into
// exposure degrees (package exposure does, from a Program and an argument
// corpus).
package bpf
