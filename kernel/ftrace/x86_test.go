package ftrace

import (
	"testing"

	"sysweight/kernel/x86"
	"sysweight/syscalls"
)

// TestRenamesAgreeWithX86 checks defineRenames against kernel/x86, which
// names the entry point of every x86_64 syscall for the static call graph:
// both packages must map each entry symbol to the same syscall, or the
// integrator's merge of static and traced reach would miss functions.
func TestRenamesAgreeWithX86(t *testing.T) {
	tab := syscalls.MustForArch(syscalls.X86_64)
	n := 0
	for _, name := range tab.Names() {
		sym := x86.EntrySymbol(name)
		if sym == "__x64_sys_ni_syscall" {
			continue
		}
		got, ok := SyscallOf(sym, tab)
		if !ok || got != name {
			t.Errorf("SyscallOf(%q) = %q, %v; want %q", sym, got, ok, name)
		}
		if x, _, ok := x86.ParseEntry(sym); !ok || x != got {
			t.Errorf("x86.ParseEntry(%q) = %q, SyscallOf = %q", sym, x, got)
		}
		n++
	}
	// 6.1's x86_64 table has well over 300 implemented entries; a
	// handful of renames must not have hidden them all.
	if n < 300 {
		t.Errorf("checked %d entry symbols, want over 300", n)
	}
}
