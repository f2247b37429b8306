package kallsyms

import (
	"slices"
)

// Symbol is one kernel symbol. It is the unit that kernel/image and kernel/x86
// exchange, whether it came from an ELF .symtab, a System.map or a recovered
// kallsyms table.
type Symbol struct {
	Name string
	Addr uint64
	// Size is the symbol's size in bytes, 0 when unknown. ELF symbols carry
	// it; kallsyms and System.map do not (see FillSizes).
	Size uint64
	// Type is the nm(1) letter: 'T'/'t' text, 'W'/'w' weak, 'D'/'d' data,
	// 'R'/'r' read-only data, 'B'/'b' bss, 'A'/'a' absolute, and so on.
	// Upper case is global, lower case local.
	Type byte
	// Module names the module for /proc/kallsyms lines of loaded modules;
	// it is empty for the kernel image itself.
	Module string
}

// IsText reports whether the symbol lies in executable code by its nm letter.
// Weak symbols ('W'/'w') count as text: in a vmlinux they are nearly always
// weak function definitions (nm gives weak objects 'V'/'v').
func (s Symbol) IsText() bool {
	switch s.Type {
	case 'T', 't', 'W', 'w':
		return true
	}
	return false
}

// IsGlobal reports whether the nm letter is upper case (an external symbol).
func (s Symbol) IsGlobal() bool { return s.Type >= 'A' && s.Type <= 'Z' }

// SortByAddr sorts symbols by address, then name, the order of System.map.
func SortByAddr(syms []Symbol) {
	slices.SortStableFunc(syms, func(a, b Symbol) int {
		if a.Addr != b.Addr {
			if a.Addr < b.Addr {
				return -1
			}
			return 1
		}
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
}

// FillSizes sets Size, where it is 0, to the distance to the next symbol at a
// higher address, considering only symbols of the same module. This is the
// estimate the kernel itself prints in "func+0x10/0x80" (kernel/kallsyms.c:
// get_symbol_pos); it overstates a function followed by padding. The last
// symbol keeps size 0. syms must be sorted by address (SortByAddr).
func FillSizes(syms []Symbol) {
	type run struct {
		lowest, higher uint64
		hasHigher      bool
	}
	seen := map[string]*run{} // per module, walking down from the highest address
	for i := len(syms) - 1; i >= 0; i-- {
		s := &syms[i]
		r := seen[s.Module]
		switch {
		case r == nil:
			seen[s.Module] = &run{lowest: s.Addr}
			continue
		case s.Addr < r.lowest:
			r.higher, r.hasHigher, r.lowest = r.lowest, true, s.Addr
		}
		if s.Size == 0 && r.hasHigher && s.Addr == r.lowest {
			s.Size = r.higher - s.Addr
		}
	}
}
