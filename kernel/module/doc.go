// Package module reads Linux kernel modules (.ko: x86-64 relocatable ELF)
// and links a set of them against a kernel the way the analysis needs: the
// executable sections of every module copied into one text segment at the
// module area's addresses, with the x86-64 relocations the kernel's module
// loader applies (arch/x86/kernel/module.c: R_X86_64_64, PC32, PLT32, 32,
// 32S, PC64) resolved against the other modules' global symbols and the
// kernel's; the data sections given addresses; and the pointers the data
// sections initialise (R_X86_64_64) recorded as slots.
//
// Only the data sections a running kernel reads pointers from become
// slots (variables, constants, module parameters, struct module, the
// tracing tables); build metadata such as __mcount_loc, which points at
// every traced function's first instruction, would otherwise make every
// function look address-taken.
//
// The module's name comes from .modinfo ("name="), as the kernel names it,
// and its vermagic tells the kernel release it was built for.
//
// It owns ELF relocatable parsing and linking only: decoding and call
// graphs are kernel/x86's, BTF kernel/btf's, and reading modules out of a
// Debian package kernel/debpkg's.
package module
