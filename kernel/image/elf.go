package image

import (
	"debug/elf"
	"errors"
	"fmt"
	"io"

	"sysweight/internal/bigbuf"
	"sysweight/kernel/kallsyms"
)

var (
	// ErrNotELF means the input is not an ELF file.
	ErrNotELF = errors.New("not an ELF file")
	// ErrNoSymtab means the ELF has no .symtab (it was stripped).
	ErrNoSymtab = errors.New("ELF has no .symtab")
	// ErrNoSection means the ELF has no section of the name asked for.
	ErrNoSection = errors.New("no such ELF section")
)

// Vmlinux is an ELF kernel image.
type Vmlinux struct {
	ELF *elf.File
}

// Section is the loaded bytes of one ELF section.
type Section struct {
	Name string
	Addr uint64 // virtual address of Data[0]
	Data []byte
}

// OpenELF reads the ELF headers from r. Section data is read on demand, so r
// must stay readable while the Vmlinux is used.
func OpenELF(r io.ReaderAt) (v *Vmlinux, err error) {
	var magic [4]byte
	if _, err := r.ReadAt(magic[:], 0); err != nil || string(magic[:]) != elf.ELFMAG {
		return nil, fmt.Errorf("%w: magic % x at offset 0, want 7f 45 4c 46", ErrNotELF, magic)
	}
	// debug/elf is not hardened against every malformed header; a bad
	// input must come back as an error, not take the process down.
	defer func() {
		if p := recover(); p != nil {
			v, err = nil, fmt.Errorf("malformed ELF: %v", p)
		}
	}()
	f, err := elf.NewFile(r)
	if err != nil {
		return nil, fmt.Errorf("reading ELF: %w", err)
	}
	return &Vmlinux{ELF: f}, nil
}

// Section returns the named section's bytes and address.
func (v *Vmlinux) Section(name string) (*Section, error) {
	s := v.ELF.Section(name)
	if s == nil {
		return nil, fmt.Errorf("%w: %s", ErrNoSection, name)
	}
	if s.Type == elf.SHT_NOBITS {
		return nil, fmt.Errorf("section %s has no file bytes (NOBITS)", name)
	}
	data, err := s.Data()
	if err != nil {
		return nil, fmt.Errorf("reading section %s: %w", name, err)
	}
	return &Section{Name: name, Addr: s.Addr, Data: data}, nil
}

// Text returns .text, where the kernel's functions live (x86-64 also has
// .init.text and, in some configs, .noinstr.text outside it: use Section or
// ReadAddr for those).
func (v *Vmlinux) Text() (*Section, error) { return v.Section(".text") }

// ReadAddr reads size bytes at virtual address addr from the allocated
// section that holds them.
func (v *Vmlinux) ReadAddr(addr, size uint64) ([]byte, error) {
	for _, s := range v.ELF.Sections {
		if s.Flags&elf.SHF_ALLOC == 0 || s.Type == elf.SHT_NOBITS || addr < s.Addr || addr-s.Addr >= s.Size {
			continue
		}
		if size > s.Size-(addr-s.Addr) {
			return nil, fmt.Errorf("reading %d bytes at %#x: section %s ends at %#x", size, addr, s.Name, s.Addr+s.Size)
		}
		buf := make([]byte, size)
		if _, err := s.ReadAt(buf, int64(addr-s.Addr)); err != nil {
			return nil, fmt.Errorf("reading %d bytes at %#x in %s: %w", size, addr, s.Name, err)
		}
		return buf, nil
	}
	return nil, fmt.Errorf("no section holds address %#x", addr)
}

// SymtabSymbols returns every named symbol of .symtab (not sections or
// files) with its size and an nm(1)-style type letter.
func (v *Vmlinux) SymtabSymbols() ([]kallsyms.Symbol, error) {
	return v.symtab(false)
}

// FuncSymbols returns the STT_FUNC symbols of .symtab, with sizes.
func (v *Vmlinux) FuncSymbols() ([]kallsyms.Symbol, error) {
	return v.symtab(true)
}

func (v *Vmlinux) symtab(funcsOnly bool) ([]kallsyms.Symbol, error) {
	syms, err := v.ELF.Symbols()
	if errors.Is(err, elf.ErrNoSymbols) {
		return nil, ErrNoSymtab
	}
	if err != nil {
		return nil, fmt.Errorf("reading .symtab: %w", err)
	}
	out := make([]kallsyms.Symbol, 0, len(syms))
	for _, s := range syms {
		typ := elf.ST_TYPE(s.Info)
		if s.Name == "" || typ == elf.STT_SECTION || typ == elf.STT_FILE {
			continue
		}
		if funcsOnly && typ != elf.STT_FUNC {
			continue
		}
		out = append(out, kallsyms.Symbol{Name: s.Name, Addr: s.Value, Size: s.Size, Type: v.nmType(s)})
	}
	return out, nil
}

// nmType approximates the letter GNU nm prints (binutils nm.c and bfd
// syms.c: bfd_decode_symclass), enough to tell text, data, rodata and bss.
func (v *Vmlinux) nmType(s elf.Symbol) byte {
	bind := elf.ST_BIND(s.Info)
	var c byte
	switch {
	case s.Section == elf.SHN_UNDEF:
		if bind == elf.STB_WEAK {
			return 'w'
		}
		return 'U'
	case s.Section == elf.SHN_ABS:
		c = 'A'
	case s.Section == elf.SHN_COMMON:
		return 'C'
	case bind == elf.STB_WEAK:
		if elf.ST_TYPE(s.Info) == elf.STT_OBJECT {
			return 'V'
		}
		return 'W'
	case int(s.Section) < len(v.ELF.Sections):
		sec := v.ELF.Sections[s.Section]
		switch {
		case sec.Flags&elf.SHF_EXECINSTR != 0:
			c = 'T'
		case sec.Type == elf.SHT_NOBITS && sec.Flags&elf.SHF_ALLOC != 0:
			c = 'B'
		case sec.Flags&elf.SHF_ALLOC != 0 && sec.Flags&elf.SHF_WRITE == 0:
			c = 'R'
		case sec.Flags&elf.SHF_ALLOC != 0:
			c = 'D'
		default:
			c = 'N'
		}
	default:
		c = '?'
	}
	if bind == elf.STB_LOCAL && c >= 'A' && c <= 'Z' {
		c += 'a' - 'A'
	}
	return c
}

// Kallsyms recovers the kernel's own symbol table from .rodata, or from
// every allocated section when the section headers name no .rodata.
func (v *Vmlinux) Kallsyms() (*kallsyms.Table, error) {
	if s, err := v.Section(".rodata"); err == nil {
		return kallsyms.Recover(s.Data, s.Addr)
	}
	var firstErr error
	for _, s := range v.ELF.Sections {
		if s.Flags&elf.SHF_ALLOC == 0 || s.Type == elf.SHT_NOBITS || s.Flags&elf.SHF_EXECINSTR != 0 {
			continue
		}
		data, err := s.Data()
		if err != nil {
			continue
		}
		t, err := kallsyms.Recover(data, s.Addr)
		if err == nil {
			return t, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	for _, p := range v.ELF.Progs {
		if p.Type != elf.PT_LOAD || p.Filesz > MaxDecompressed {
			continue
		}
		// p_filesz is only a claim: read what is there, so that a
		// header naming a gigabyte costs what the file holds.
		data, err := bigbuf.ReadAll(p.Open(), 0, int64(p.Filesz))
		if err != nil || uint64(len(data)) != p.Filesz {
			continue
		}
		t, err := kallsyms.Recover(data, p.Vaddr)
		if err == nil {
			return t, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	if firstErr == nil {
		firstErr = kallsyms.ErrNoKallsyms
	}
	return nil, firstErr
}

// SymbolSource says where Symbols found the symbols.
type SymbolSource int

const (
	SourceSymtab   SymbolSource = iota + 1 // the ELF .symtab
	SourceKallsyms                         // kallsyms tables recovered from .rodata
)

func (s SymbolSource) String() string {
	switch s {
	case SourceSymtab:
		return "symtab"
	case SourceKallsyms:
		return "kallsyms"
	}
	return fmt.Sprintf("SymbolSource(%d)", int(s))
}

// Symbols returns the kernel's symbols sorted by address: from .symtab when
// present (with sizes), else recovered from kallsyms (sizes estimated by
// kallsyms.FillSizes, as the kernel itself does).
func (v *Vmlinux) Symbols() ([]kallsyms.Symbol, SymbolSource, error) {
	syms, err := v.SymtabSymbols()
	if err == nil && len(syms) > 0 {
		kallsyms.SortByAddr(syms)
		return syms, SourceSymtab, nil
	}
	if err != nil && !errors.Is(err, ErrNoSymtab) {
		return nil, 0, err
	}
	t, err := v.Kallsyms()
	if err != nil {
		return nil, 0, fmt.Errorf("stripped ELF: %w", err)
	}
	syms = t.Symbols
	kallsyms.SortByAddr(syms)
	kallsyms.FillSizes(syms)
	return syms, SourceKallsyms, nil
}

// Functions returns the kernel's functions sorted by address, with sizes:
// the STT_FUNC symbols of .symtab when present; otherwise the text symbols
// ('T', 't', 'W', 'w') recovered from kallsyms, sized up to the next symbol
// (kallsyms.FillSizes). kallsyms has no symbol types beyond the nm letter, so
// the second list also holds text labels such as _stext and
// __entry_text_start, which .symtab marks NOTYPE.
func (v *Vmlinux) Functions() ([]kallsyms.Symbol, SymbolSource, error) {
	funcs, err := v.FuncSymbols()
	if err == nil && len(funcs) > 0 {
		kallsyms.SortByAddr(funcs)
		return funcs, SourceSymtab, nil
	}
	if err != nil && !errors.Is(err, ErrNoSymtab) {
		return nil, 0, err
	}
	all, src, err := v.Symbols()
	if err != nil {
		return nil, 0, err
	}
	out := all[:0:0]
	for _, s := range all {
		if s.IsText() {
			out = append(out, s)
		}
	}
	return out, src, nil
}
