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
// description ("key_validate()", a call-trace frame), or a function defined
// in one of the CVE's programFiles (mapped to functions through the -dbg
// vmlinux's DWARF, see FileMap), attributes the CVE to the syscalls that
// reach it. Three rules keep this precise, each measured on vuln/attrib's
// hand-verified sample (TestSampleCallGraph logs the sweep):
//
//   - K (DefaultMaxSyscalls = 6): a function reached by more syscalls says
//     little about which one the bug is reached through, and attributes
//     nothing. Precision is flat for K = 4…8 and drops at K = 10.
//   - Nearest: of the syscalls within K, only those with the shortest call
//     path to the function count (ptrace_may_access is reached by ten
//     syscalls, most of them through long detours).
//   - Fill-in: the call graph speaks only for CVEs the text method leaves
//     unattributed; where the description names syscalls, they are the
//     judgement of the person who wrote it.
//
// On the sample (59 CVEs, 73 (CVE, syscall) pairs) the text method alone
// has precision 0.951 and recall 0.534; text+function 0.930 / 0.548;
// text+function+file 0.933 / 0.575. Over both feeds the function method
// attributes 1,137 more CVEs and the file method 712 more (2,579 → 4,428 of
// 16,883). Recall stays low because the static call graph does not follow
// indirect calls: file_operations, proto_ops, io_uring's opcode table and
// filesystem methods are where most driver, protocol and filesystem bugs
// live, and no syscall statically reaches them.
//
// Since issue 9 the weight DB uses SiteAttributor instead: it combines the
// text-level methods of vuln/attrib (trace, uapi, text, dispatch) with the
// *site* method, which looks the bug sites of a record (the crash frame,
// the fix subject's function, "the FUNC function") up in a ReachIndex —
// for each function the syscalls that reach it, with depth and the
// previous function of a shortest path — and links a site reached by at
// most K syscalls within MaxDepth calls to the nearest of them, with the
// path as evidence. The ReachIndex is built through the Graph's exported
// API only, so the call graph of issue 8 (modules, indirect calls) feeds it
// without changes here; CachedReachIndex keeps it in a cache directory,
// keyed by the sha256 of the image and the file map, so that a DB build
// does not analyse the image again. The figures of both are in
// docs/attribution.md.
//
// data/debian-6.1.0-56-cloud-amd64.json holds the per-syscall figures of
// Debian's linux-image-6.1.0-56-cloud-amd64-unsigned 6.1.192-2 with its
// provenance (package, sha256 of the image, analysis version);
// scripts/kernel-metrics.sh regenerates it and TestCommittedData checks it.
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
