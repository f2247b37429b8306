// Package analysis turns a kernel image into sysweight's kernel metrics and
// into call-graph attribution of CVEs to syscalls.
//
// Analyze runs the pipeline on one image: its text symbols (from .symtab, a
// recovered kallsyms table or a System.map the caller hands in) → kernel/x86
// (CFGs, cyclomatic complexity, call graph) → per-syscall reach and
// complexity with hubs left out. The Report it returns is small, JSON and
// deterministic: the kernel's identity (file name, sha256, the "Linux
// version" banner), the symbol source, summary counts and, per syscall,
// reach, complexity and the most complex functions. DBMetrics hands these
// figures to the weight DB. LoadReport reads a Report back; one read back
// carries no call graph.
//
// An analysed Report also holds, in memory only, the reverse index that
// attribution needs: for every function that is not a hub, the set of
// syscalls that reach it and, per syscall, the BFS parents that give a
// shortest call path from the entry. Attributor uses it for the *function*
// and *file* methods of DESIGN.md ("Attribution of a CVE to syscalls"), on
// top of vuln/attrib's *text* method: a kernel function named in a
// description, or a function defined in one of the CVE's programFiles
// (source files, mapped to functions through the -dbg vmlinux's DWARF, see
// FileMap), attributes the CVE to every syscall that reaches it, provided
// that at most MaxSyscalls syscalls do (a function reached by many syscalls
// says little about which one the bug is reached through).
//
// Functions are always the image's text symbols sized to the next symbol,
// the only sizes a stripped image's kallsyms table gives; with them, the
// stripped bzImage and the -dbg vmlinux of one build give identical metrics.
//
// It owns this assembly and the attribution rules only: decoding and graphs
// are kernel/x86's, image reading kernel/image's, symbol formats
// kernel/kallsyms's, the text method vuln/attrib's, and the weight DB
// (vuln/db, vuln/build) decides what to do with the figures and links.
package analysis
