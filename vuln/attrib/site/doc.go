// Package site attributes kernel CVEs to syscalls by every method of
// DESIGN.md ("Attribution of a CVE to syscalls"): the ones that read only
// a record's text (vuln/attrib.Read: text, trace, uapi; vuln/attrib.Dispatch:
// dispatch) and the ones that follow the kernel's call graph from a bug
// site or a fixed file to the syscalls that reach it (site, apart, file,
// function). It reads the call graph only through two small interfaces:
// Reach (functions by name and by file, the syscalls that reach a function
// with depth and incidental paths, a shortest path) and CallGraph (Reach
// and Extend, carrying a path on). kernel/analysis implements them (its
// ReachIndex both, its Graph Reach), so kernel analysis, which comes first
// in the data flow, imports nothing of attribution; internal/layers tests
// that.
//
// Attributor is what the weight DB counts (DefaultMethods: text, trace,
// uapi, site, dispatch, sibling; the last adds to any link of a socket send
// or receive the other sends or receives, vuln/attrib.Siblings). The trace, uapi and text methods are the direct
// evidence; the *site* method fills in for a record they leave
// unattributed: it looks the record's bug sites (vuln/attrib.Site: the
// crash frame, the fix subject's function, "the FUNC function", trace
// frames, Fixes: subjects, strongest role first) up in the call graph and
// links a site reached by at most K syscalls (DefaultMaxSyscalls) within
// MaxDepth calls (DefaultMaxDepth) to the nearest of them, with the call
// path as evidence; paths through exit, task_work, module init, a kprobe,
// a tracepoint or an interrupt (vuln/attrib.Incidental, the rule
// kernel/analysis's ReachIndex is built with) do not count. A hub (reached
// by more than half the syscalls) never links by reach alone, but a link's
// evidence runs on to a hub the CVE names when the linked syscall reaches
// it through the linked site (CVE-2016-8655: setsockopt →
// __sys_setsockopt → packet_setsockopt → packet_set_ring). The *dispatch*
// method comes next, then the opt-in *apart* method (MethodApart, not a
// default): a crash or fix-subject site in shared code links to its
// nearest syscalls when they stand apart from the rest, at most three
// within one call of the nearest, every other syscall at least three calls
// farther (the walk back from a hub stops at that depth). The *file*
// method, last, links the functions of the CNA's programFiles.
//
// Measured on vuln/attrib's judged sample 2 (docs/attribution.md): the
// default DB's links have precision 0.885 and recall 0.614 on the main
// set, and 0.856 (137 of 160 links) and 0.508 (127 of 250 wanted pairs)
// over the seven holdouts; the acceptance (P ≥ 0.90, R ≥ 0.75) is not met.
// The apart rule made 13 of its 14 links right on the sample that tuned it
// and none of its three right on the 400 CVEs of sample 2, which is why it
// is not a default (TestRealApart, vuln/build's TestApartMethod).
//
// FunctionAttributor keeps the first call-graph methods, *function* and
// *file*, over kernel/analysis's Graph (a Report from Analyze or Open;
// the file method with a FileMap): a kernel function the description
// names ("key_validate()", a call-trace frame), or a function defined in
// one of the CVE's programFiles, attributes the CVE to the syscalls that
// reach it. Three rules keep this precise, each measured on
// vuln/attrib's hand-verified sample (TestSampleCallGraph logs the
// sweep):
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
// On the direct-call graph they were tuned on, on the sample (59 CVEs, 73
// (CVE, syscall) pairs), the text method alone had precision 0.951 and
// recall 0.534; text+function 0.930 / 0.548; text+function+file 0.933 /
// 0.575. With indirect calls resolved they gain nothing (a named function
// is reached by more syscalls at the same depth) and the file method's
// precision drops (TestSampleCallGraph has today's figures); neither is a
// default method.
//
// It owns the combination of the methods and the call-graph rules (K,
// MaxDepth, nearest, fill-in, Dispatchers, apart). It does not read text
// (vuln/attrib), build or cache call graphs (kernel/analysis, which it
// does not import; of the kernel packages it imports only kernel/x86, for
// the syscall entry symbols the function method leaves to the text
// method), read feeds, or count and weigh CVEs (vuln/build, vuln/db,
// score).
package site
