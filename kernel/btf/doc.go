// Package btf reads the BPF Type Format that Linux builds into its image
// (.BTF, kept in the stripped vmlinuz) and into each module (split BTF on
// top of the kernel's), as include/uapi/linux/btf.h defines it, and
// answers what indirect-call resolution asks of it: a function's
// prototype by name, the member a load at an offset of a struct reads, the
// function-pointer members of a struct, the structs that begin with
// another, and the per-CPU variable at an offset.
//
// Parse checks every type reference and string offset once, so that the
// accessors never index out of range on malformed input; errors name the
// byte offset (Error). Signature gives a prototype a canonical text that
// is the same in every spec (types by name, typedefs and qualifiers
// removed, integers by size), so functions and members of different
// modules compare by it.
//
// It owns reading BTF only; it does not load BTF into the kernel or
// resolve calls (kernel/icall). TestRealMatchesBpftool compares every
// struct, union and function of Debian's 6.1 kernel with bpftool's dump.
package btf
