package module

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
)

// Relocation types applied (arch/x86/kernel/module.c, apply_relocate_add).
const (
	rX86_64None  = 0
	rX86_64_64   = 1
	rX86_64PC32  = 2
	rX86_64PLT32 = 4
	rX86_64_32   = 10
	rX86_64_32S  = 11
	rX86_64PC64  = 24
)

// Func is a function of a linked module.
type Func struct {
	Name   string
	Addr   uint64
	Size   uint64 // from the symbol table; 0 if unknown
	Module int    // index into Set.Modules
}

// DataSym is a data object of a linked module.
type DataSym struct {
	Name   string
	Addr   uint64
	Size   uint64
	Module int
}

// Slot is a pointer initialised in a module's data: the 8 bytes at Addr
// hold Target once relocated (R_X86_64_64).
type Slot struct {
	Addr, Target uint64
}

// Set is a group of modules linked together against a kernel: their
// executable sections copied into one text segment with relocations
// applied, their other sections given addresses in a data range, and
// their symbols resolved against the kernel's and each other's.
type Set struct {
	Modules []*Object
	// TextAddr is where Text is mapped; DataAddr is where data sections
	// start (they get addresses, not bytes).
	TextAddr, DataAddr uint64
	Text               []byte
	// ModuleText[i] is module i's [start, end) in Text addresses.
	ModuleText [][2]uint64
	Funcs      []Func    // by address
	Objects    []DataSym // by address
	Slots      []Slot    // by address
	// Relocations counts the relocations applied to text; Unresolved the
	// symbols no module and not the kernel define, by name, with how many
	// relocations referred to them.
	Relocations int
	Unresolved  map[string]int
	// Unsupported counts relocations of other types (not applied).
	Unsupported int
	// Faults are the addresses of instructions the modules' exception
	// tables (__ex_table) list: user-memory accesses that may fault.
	Faults []uint64
}

// Resolver finds a kernel (vmlinux) symbol's address by name.
type Resolver func(name string) (uint64, bool)

// Link lays out mods (text from textAddr, data from dataAddr), resolves
// their undefined symbols against the others' global symbols and kernel,
// and applies the relocations of their executable sections. Missing
// symbols are counted, not fatal: their references point at dataAddr − 1,
// an address inside no function.
func Link(mods []*Object, kernel Resolver, textAddr, dataAddr uint64) (*Set, error) {
	set := &Set{Modules: mods, TextAddr: textAddr, DataAddr: dataAddr, Unresolved: map[string]int{}}
	// Layout.
	var textSize, dataSize uint64
	for _, o := range mods {
		start := textAddr + textSize
		for i := range o.sections {
			s := &o.sections[i]
			if s.flags&shfAlloc == 0 || s.size == 0 {
				continue
			}
			a := max(s.align, 1)
			if s.flags&shfExecinstr != 0 {
				textSize = alignUp(textSize, max(a, 16))
				s.addr, s.textOff = textAddr+textSize, int(textSize)
				textSize += s.size
			} else {
				dataSize = alignUp(dataSize, a)
				s.addr = dataAddr + dataSize
				dataSize += s.size
			}
		}
		textSize = alignUp(textSize, 64)
		set.ModuleText = append(set.ModuleText, [2]uint64{start, textAddr + textSize})
	}
	if textSize > 1<<31 || dataSize > 1<<31 {
		return nil, fmt.Errorf("modules: %d bytes of text, %d of data: too large", textSize, dataSize)
	}
	set.Text = make([]byte, textSize)
	// Global symbols of all modules, for cross-module references.
	globals := make(map[string]uint64)
	for mi, o := range mods {
		for _, sym := range o.symbols {
			if sym.bind() == 0 || sym.shndx == shnUndef || sym.shndx >= shnLoRes || sym.name == "" {
				continue
			}
			sec := o.sections[sym.shndx]
			if sec.flags&shfAlloc == 0 {
				continue
			}
			if _, dup := globals[sym.name]; !dup {
				globals[sym.name] = sec.addr + sym.value
			}
		}
		for i, s := range o.sections {
			if s.textOff >= 0 && s.typ != shtNobits {
				copy(set.Text[s.textOff:], o.sectionData(i))
			}
		}
		// Functions and objects.
		for _, sym := range o.symbols {
			if sym.shndx == shnUndef || sym.shndx >= shnLoRes || sym.name == "" {
				continue
			}
			sec := o.sections[sym.shndx]
			if sec.flags&shfAlloc == 0 {
				continue
			}
			a := sec.addr + sym.value
			switch {
			case sec.flags&shfExecinstr != 0 && (sym.typ() == sttFunc || sym.typ() == 0 && !strings.HasPrefix(sym.name, ".L")):
				if sym.value < sec.size {
					set.Funcs = append(set.Funcs, Func{Name: sym.name, Addr: a, Size: sym.size, Module: mi})
				}
			case sec.flags&shfExecinstr == 0 && sym.typ() == sttObject:
				set.Objects = append(set.Objects, DataSym{Name: sym.name, Addr: a, Size: sym.size, Module: mi})
			}
		}
	}
	unresolvedAddr := dataAddr - 1
	le := binary.LittleEndian
	for _, o := range mods {
		// symbol addresses, resolved once per module
		addr := make([]uint64, len(o.symbols))
		for k, sym := range o.symbols {
			switch {
			case sym.shndx == shnAbs:
				addr[k] = sym.value
			case sym.shndx == shnUndef:
				if sym.name == "" {
					continue
				}
				if a, ok := globals[sym.name]; ok {
					addr[k] = a
				} else if a, ok := kernel(sym.name); ok {
					addr[k] = a
				} else {
					addr[k] = unresolvedAddr
					set.Unresolved[sym.name]++
				}
			case sym.shndx < shnLoRes:
				addr[k] = o.sections[sym.shndx].addr + sym.value
			}
		}
		for i, rs := range o.sections {
			if rs.typ != shtRela {
				continue
			}
			tgt := &o.sections[rs.info]
			if tgt.flags&shfAlloc == 0 || tgt.typ == shtNobits {
				continue
			}
			d := o.sectionData(i)
			exec := tgt.textOff >= 0
			for p := 0; p+24 <= len(d); p += 24 {
				off := le.Uint64(d[p:])
				info := le.Uint64(d[p+8:])
				add := int64(le.Uint64(d[p+16:]))
				symi, typ := int(info>>32), uint32(info)
				if symi >= len(addr) || off >= tgt.size {
					return nil, fmt.Errorf("%s: %w: relocation %d of %s: symbol %d, offset %d out of range", o.File, ErrBadModule, p/24, rs.name, symi, off)
				}
				s := addr[symi] + uint64(add)
				place := tgt.addr + off
				if !exec {
					// struct exception_table_entry {int insn, fixup, data;}:
					// the insn field is PC32-relocated to the instruction
					if tgt.name == "__ex_table" && off%12 == 0 && (typ == rX86_64PC32 || typ == rX86_64PLT32) {
						set.Faults = append(set.Faults, s)
					}
					if typ == rX86_64_64 && slotSection(tgt.name) {
						set.Slots = append(set.Slots, Slot{Addr: place, Target: s})
					}
					continue
				}
				b := set.Text[tgt.textOff+int(off):]
				switch typ {
				case rX86_64None:
				case rX86_64_64:
					if len(b) >= 8 {
						le.PutUint64(b, s)
					}
				case rX86_64PC64:
					if len(b) >= 8 {
						le.PutUint64(b, s-place)
					}
				case rX86_64PC32, rX86_64PLT32:
					if len(b) >= 4 {
						le.PutUint32(b, uint32(s-place))
					}
				case rX86_64_32, rX86_64_32S:
					if len(b) >= 4 {
						le.PutUint32(b, uint32(s))
					}
				default:
					set.Unsupported++
					continue
				}
				set.Relocations++
			}
		}
	}
	slices.SortFunc(set.Funcs, func(a, b Func) int { return cmpU64(a.Addr, b.Addr) })
	slices.SortFunc(set.Objects, func(a, b DataSym) int { return cmpU64(a.Addr, b.Addr) })
	slices.SortFunc(set.Slots, func(a, b Slot) int { return cmpU64(a.Addr, b.Addr) })
	return set, nil
}

// slotSections are the data sections whose pointers a running kernel
// follows: variables and constants, module parameters, the module's own
// struct module (init and exit), and the tracing tables. The others hold
// build metadata (__mcount_loc points at every traced function's first
// instruction, __jump_table, __bug_table, .altinstructions, .smp_locks)
// or run only at load (.init.data, .exit.data).
var slotSections = []string{".data", ".rodata", ".data..read_mostly", ".data..ro_after_init", ".ref.data",
	"__param", ".gnu.linkonce.this_module", "_ftrace_events", "__tracepoints", "__bpf_raw_tp_map"}

func slotSection(name string) bool {
	if strings.HasPrefix(name, ".rodata.") {
		return true
	}
	for _, s := range slotSections {
		if name == s {
			return true
		}
	}
	return false
}

// ModuleOf returns the index of the module whose text holds addr, or -1.
func (s *Set) ModuleOf(addr uint64) int {
	i, _ := slices.BinarySearchFunc(s.ModuleText, addr, func(r [2]uint64, a uint64) int {
		switch {
		case r[1] <= a:
			return -1
		case r[0] > a:
			return 1
		}
		return 0
	})
	if i < len(s.ModuleText) && s.ModuleText[i][0] <= addr && addr < s.ModuleText[i][1] {
		return i
	}
	return -1
}

func alignUp(x, a uint64) uint64 { return (x + a - 1) / a * a }

func cmpU64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
