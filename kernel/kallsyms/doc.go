// Package kallsyms owns kernel symbols as plain data: the Symbol type that all
// of sysweight's kernel analysis shares, parsing of the text formats that list
// them (System.map and /proc/kallsyms), KASLR rebasing, and recovery of the
// kernel's own compressed symbol table ("kallsyms") from the bytes of a
// stripped vmlinux.
//
// It does not open or decompress kernel images and does not know ELF; that is
// kernel/image, which hands this package the bytes of a section together with
// the virtual address they are loaded at. It never reads the host's
// /proc/kallsyms by itself: callers pass a reader or a path.
//
// Recovery follows the table layout written by the kernel's
// scripts/kallsyms.c and read back by kernel/kallsyms.c (Linux 4.6 to 6.x with
// CONFIG_KALLSYMS_BASE_RELATIVE on a little-endian 64-bit kernel), including the
// "absolute percpu" address rule of x86-64 SMP kernels, the two-byte "big
// symbol" name lengths of 6.1+, the kallsyms_seqs_of_names array of 6.2+ (and
// 6.1 stable), and the reordered tables of 6.4+.
package kallsyms
