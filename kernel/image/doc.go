// Package image reads Linux kernel images: the x86 bzImage container and its
// compressed payload (gzip, bzip2, lzma, xz including the x86 BCJ filter, lz4
// legacy frames, zstd; not lzo), and the vmlinux ELF inside it or shipped in a
// -dbg package: its sections, its .symtab symbols, and, when the ELF is
// stripped, the symbols recovered from the kernel's own kallsyms tables.
//
// It does not disassemble (kernel/x86) and does not parse symbol text files or
// the kallsyms table format (kernel/kallsyms); it hands kernel/kallsyms the
// bytes of .rodata. Everything works from an io.ReaderAt or a []byte; LoadFile
// is the thin wrapper that opens a path.
package image
