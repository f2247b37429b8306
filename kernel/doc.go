// Package kernel is the root of sysweight's kernel-image analysis. It holds no
// code of its own; the work is split into subpackages:
//
//   - kernel/kallsyms: the Symbol type shared by all kernel analysis, parsing of
//     System.map and /proc/kallsyms text, KASLR rebasing, and recovery of the
//     kernel's own compressed symbol table (kallsyms) from a stripped image.
//   - kernel/image: x86 bzImage parsing and payload decompression (gzip, xz,
//     lzma, lz4 legacy, zstd, bzip2; not lzo), and reading a vmlinux ELF: its .text
//     bytes and its symbols, from .symtab or, when stripped, from kallsyms.
//   - kernel/x86: disassembly, control-flow graphs and call graphs (owned
//     separately; it consumes kallsyms.Symbol and image.Vmlinux.Text).
//   - kernel/ftrace: dynamic footprints: function_graph and trace-cmd report
//     text attributed to the syscall under which each function ran.
//
// Nothing here reads the running host's kernel unless a caller hands it
// /proc/kallsyms or a /boot path explicitly; parsing is pure and works for an
// image of any machine.
package kernel
