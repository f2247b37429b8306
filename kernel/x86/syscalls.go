package x86

import (
	"fmt"
	"math/bits"
	"slices"
	"strings"

	"sysweight/syscalls"
)

// Entry-point symbol prefixes of the x86 syscall wrappers
// (arch/x86/include/asm/syscall_wrapper.h), by ABI.
var entryPrefixes = []struct{ prefix, abi string }{
	{"__x64_sys_", "x64"},
	{"__ia32_compat_sys_", "ia32-compat"},
	{"__ia32_sys_", "ia32"},
	{"__x64_compat_sys_", "x32-compat"},
	{"__x32_compat_sys_", "x32-compat"},
}

// entryRenames maps x86_64 syscall names to the SYSCALL_DEFINE name of their
// entry where the two differ (arch/x86/entry/syscalls/syscall_64.tbl, v6.1:
// "4 common stat sys_newstat" and so on).
var entryRenames = map[string]string{
	"stat":     "newstat",
	"fstat":    "newfstat",
	"lstat":    "newlstat",
	"uname":    "newuname",
	"umount2":  "umount",
	"sendfile": "sendfile64",
}

// noEntry64 are x86_64 syscall numbers whose syscall_64.tbl row (v6.1) has
// no entry point, so sys_call_table holds sys_ni_syscall, although a
// __x64_sys_ symbol of the name may exist for the ia32 table (uselib,
// set_thread_area, get_thread_area) — the kernel's own sys_call_table
// showed these three in TestKernelEntriesMatchSysCallTable.
var noEntry64 = map[string]bool{
	"uselib": true, "set_thread_area": true, "get_thread_area": true,
	"create_module": true, "get_kernel_syms": true, "query_module": true, "nfsservctl": true,
	"getpmsg": true, "putpmsg": true, "afs_syscall": true, "tuxcall": true, "security": true,
	"epoll_ctl_old": true, "epoll_wait_old": true, "vserver": true,
}

// EntrySymbol is the x86-64 entry point of the syscall name:
// __x64_sys_ plus the name, or its SYSCALL_DEFINE name where that differs,
// or __x64_sys_ni_syscall where the x86_64 table wires none.
func EntrySymbol(name string) string {
	if noEntry64[name] {
		return "__x64_sys_ni_syscall"
	}
	if r, ok := entryRenames[name]; ok {
		name = r
	}
	return "__x64_sys_" + name
}

// ParseEntry maps an entry-point symbol of any x86 ABI (__x64_sys_newstat,
// __ia32_sys_bpf, __ia32_compat_sys_ioctl, __x64_compat_sys_readv) to the
// x86_64 syscall name it implements and its ABI. The ia32 and compat
// entries are named by their SYSCALL_DEFINE name with entryRenames undone,
// which is the x86_64 name of the same operation; their own numbers differ.
func ParseEntry(sym string) (name, abi string, ok bool) {
	for _, e := range entryPrefixes {
		if rest, found := strings.CutPrefix(sym, e.prefix); found && rest != "" {
			for k, v := range entryRenames {
				if v == rest {
					rest = k
					break
				}
			}
			return rest, e.abi, true
		}
	}
	return "", "", false
}

// ReachOptions tunes SyscallMetrics.
type ReachOptions struct {
	// HubFraction: a function reached from more than this fraction of the
	// syscall entries is a hub. 0 means DefaultHubFraction; 1 or more means
	// no hubs.
	HubFraction float64
	// Top is how many of the most complex reached functions to list; 0
	// means 10.
	Top int
}

// DefaultHubFraction is the share of syscalls above which a function counts
// as shared infrastructure rather than a syscall's own code.
const DefaultHubFraction = 0.5

// FuncCC names a function and its cyclomatic complexity.
type FuncCC struct {
	Name string
	CC   int
}

// Metrics are the complexity and reach metrics of one syscall.
type Metrics struct {
	Syscall string
	Entry   string // entry-point symbol
	// NotImplemented: the entry is an alias of __x64_sys_ni_syscall
	// (cond_syscall for a feature configured out).
	NotImplemented bool
	// Reach and Complexity leave hubs out; the *All variants keep them.
	Reach, Complexity       int
	ReachAll, ComplexityAll int
	Shared                  int // hubs reached
	// IndirectCalls are the indirect call sites in the reached functions
	// (hubs excluded); the walk cannot follow them, so they mark where
	// Reach is a lower bound.
	IndirectCalls int
	// Top are the most complex reached functions, hubs excluded, those
	// specific to few syscalls (SpecificDivisor) first.
	Top []FuncCC
}

// SyscallReport holds the metrics of every syscall of a table.
type SyscallReport struct {
	HubFraction float64
	Hubs        []int // function indexes, by address
	Hub         []bool
	// Sets tells which syscall entries reach each function.
	Sets    *ReachSets
	Metrics map[string]Metrics
	// NotImplemented counts the Metrics with NotImplemented set.
	NotImplemented int
	// Missing are the table's syscalls without an entry symbol: newer than
	// the kernel, or not in this architecture's table.
	Missing []string
}

// SyscallMetrics computes reach and complexity for every syscall of table
// that has an entry point in p.
func SyscallMetrics(p *Program, table *syscalls.Table, opt ReachOptions) (*SyscallReport, error) {
	if table == nil {
		return nil, fmt.Errorf("syscall metrics: nil table")
	}
	frac := opt.HubFraction
	if frac == 0 {
		frac = DefaultHubFraction
	}
	top := opt.Top
	if top == 0 {
		top = 10
	}
	rep := &SyscallReport{HubFraction: frac, Metrics: make(map[string]Metrics)}
	ni := -1
	if i, ok := p.Lookup("__x64_sys_ni_syscall"); ok {
		ni = i
	}
	type found struct {
		name, sym string
		fn        int
	}
	var list []found
	var entries []int
	for _, name := range table.Names() {
		sym := EntrySymbol(name)
		i, ok := p.Lookup(sym)
		if !ok {
			rep.Missing = append(rep.Missing, name)
			continue
		}
		list = append(list, found{name, sym, i})
		if i != ni {
			entries = append(entries, i)
		}
	}
	hub, count, all, rs := p.hubs(entries, frac)
	rep.Sets = rs
	rep.Hub = hub
	// A function reached by at most this many syscalls is specific to them;
	// Top lists those first, so a syscall's list shows its own code rather
	// than the shared network or memory paths that many syscalls reach.
	specific := max(1, len(entries)/SpecificDivisor)
	for i, h := range hub {
		if h {
			rep.Hubs = append(rep.Hubs, i)
		}
	}
	// Each syscall's own functions: reached by it, not hubs (everything a
	// hub reaches is reached at least as often, so this is also what a walk
	// that stops at hubs finds).
	own := make([][]int, len(rs.Entries))
	for f := range p.Functions {
		if hub[f] {
			continue
		}
		for w, word := range rs.Of(f) {
			for word != 0 {
				b := bits.TrailingZeros64(word)
				word &= word - 1
				own[w*64+b] = append(own[w*64+b], f)
			}
		}
	}
	for _, s := range list {
		var mine []int
		if k, ok := slices.BinarySearch(rs.Entries, s.fn); ok && !hub[s.fn] {
			mine = own[k]
		} else if !ok && !hub[s.fn] {
			// an entry left out of the count (sys_ni_syscall): walk it
			mine = p.reachOwn(s.fn, hub, make([]int32, len(p.Functions)), 1, nil)
		}
		c := all[s.fn]
		if s.fn == ni {
			c = p.closureOf(s.fn)
		}
		m := Metrics{
			Syscall: s.name, Entry: s.sym, NotImplemented: s.fn == ni,
			Reach: len(mine), ReachAll: c.n, ComplexityAll: c.cc,
		}
		for _, f := range mine {
			m.Complexity += p.Functions[f].CC
			m.IndirectCalls += p.Functions[f].IndirectCalls
		}
		m.Shared = m.ReachAll - m.Reach
		m.Top = topCC(p, mine, top, func(f int) bool { return count[f] <= specific })
		if m.NotImplemented {
			rep.NotImplemented++
		}
		rep.Metrics[s.name] = m
	}
	return rep, nil
}

// SyscallEntries are the entry functions of table's syscalls in p, each
// once, without __x64_sys_ni_syscall.
func SyscallEntries(p *Program, table *syscalls.Table) []int {
	ni, hasNi := p.Lookup("__x64_sys_ni_syscall")
	var out []int
	for _, name := range table.Names() {
		if i, ok := p.Lookup(EntrySymbol(name)); ok && !(hasNi && i == ni) {
			out = append(out, i)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// closureOf is one entry's closure, for entries left out of the hub count.
func (p *Program) closureOf(e int) closure {
	r := p.Reach(e, nil)
	return closure{len(r.Functions), r.Complexity}
}

// SpecificDivisor: a function reached by at most 1/SpecificDivisor of the
// syscall entries (at least 1) counts as specific for Metrics.Top.
const SpecificDivisor = 20

// topCC lists the n functions of fns with the highest CC, specific ones
// first, ties by address.
func topCC(p *Program, fns []int, n int, specific func(int) bool) []FuncCC {
	// n is the caller's (kernel analyze --top): never more than there are
	// functions, so --top 2147483647 lists them all without allocating
	// for the rest
	n = min(n, len(fns))
	best := make([]int, 0, n+1)
	less := func(a, b int) bool { // a ranks before b
		sa, sb := specific(a), specific(b)
		if sa != sb {
			return sa
		}
		fa, fb := &p.Functions[a], &p.Functions[b]
		return fa.CC > fb.CC || fa.CC == fb.CC && fa.Addr < fb.Addr
	}
	for _, f := range fns {
		if len(best) == n && !less(f, best[n-1]) {
			continue
		}
		k := len(best)
		for k > 0 && less(f, best[k-1]) {
			k--
		}
		best = slices.Insert(best, k, f)
		if len(best) > n {
			best = best[:n]
		}
	}
	out := make([]FuncCC, len(best))
	for i, f := range best {
		out[i] = FuncCC{p.Functions[f].Name, p.Functions[f].CC}
	}
	return out
}
