package module

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrNotModule means the file is not an x86-64 relocatable ELF object.
	ErrNotModule = errors.New("not an x86-64 kernel module (relocatable ELF)")
	// ErrBadModule means the ELF structure of a module is malformed.
	ErrBadModule = errors.New("malformed kernel module")
)

// ELF constants (include/uapi/linux/elf.h, System V gABI).
const (
	shtProgbits = 1
	shtSymtab   = 2
	shtStrtab   = 3
	shtRela     = 4
	shtNobits   = 8
	shtRel      = 9

	shfWrite     = 0x1
	shfAlloc     = 0x2
	shfExecinstr = 0x4

	shnUndef  = 0
	shnLoRes  = 0xff00
	shnAbs    = 0xfff1
	shnCommon = 0xfff2

	sttObject  = 1
	sttFunc    = 2
	sttSection = 3

	emX86_64 = 62
	etRel    = 1
)

// section is one section header.
type section struct {
	name       string
	typ, flags uint32
	off, size  uint64
	align      uint64
	link, info uint32
	entsize    uint64
	addr       uint64 // assigned by Link for allocated sections
	textOff    int    // offset in the text segment for executable sections, else -1
}

// symbol is one .symtab entry.
type symbol struct {
	name  string
	info  uint8
	shndx uint16
	value uint64
	size  uint64
}

func (s symbol) typ() uint8  { return s.info & 0xf }
func (s symbol) bind() uint8 { return s.info >> 4 }

// Object is one parsed module file (.ko).
type Object struct {
	// Name is the module's name (modinfo "name=", else the file name
	// without .ko, with '-' as '_', as the kernel names it).
	Name string
	// File is the path or name it was read from, for messages.
	File string
	// Vermagic is modinfo "vermagic=": the kernel release and options the
	// module was built for.
	Vermagic string
	// BTF is the module's split BTF (.BTF), nil if absent.
	BTF []byte

	data     []byte
	sections []section
	symbols  []symbol
}

// Parse reads a kernel module. data must stay unchanged while the Object is
// used; the Object keeps slices of it.
func Parse(data []byte, file string) (*Object, error) {
	bad := func(off int, format string, args ...any) error {
		return fmt.Errorf("%s: %w: at byte %d: %s", file, ErrBadModule, off, fmt.Sprintf(format, args...))
	}
	if len(data) < 64 || !bytes.Equal(data[:4], []byte("\x7fELF")) {
		return nil, fmt.Errorf("%s: %w: no ELF magic", file, ErrNotModule)
	}
	if data[4] != 2 || data[5] != 1 {
		return nil, fmt.Errorf("%s: %w: ELF class %d, data %d (want 64-bit little-endian)", file, ErrNotModule, data[4], data[5])
	}
	le := binary.LittleEndian
	if t, m := le.Uint16(data[16:]), le.Uint16(data[18:]); t != etRel || m != emX86_64 {
		return nil, fmt.Errorf("%s: %w: ELF type %d, machine %d (want relocatable, x86-64)", file, ErrNotModule, t, m)
	}
	shoff := le.Uint64(data[40:])
	shentsize, shnum, shstrndx := le.Uint16(data[58:]), le.Uint16(data[60:]), le.Uint16(data[62:])
	if shentsize != 64 {
		return nil, bad(58, "section header size %d, want 64", shentsize)
	}
	if shoff > uint64(len(data)) || uint64(shnum)*64 > uint64(len(data))-shoff {
		return nil, bad(40, "section headers [%d, +%d×64) past the end (%d bytes)", shoff, shnum, len(data))
	}
	o := &Object{File: file, data: data, sections: make([]section, shnum)}
	for i := range o.sections {
		h := data[shoff+uint64(i)*64:]
		s := section{
			typ: le.Uint32(h[4:]), flags: uint32(le.Uint64(h[8:])),
			off: le.Uint64(h[24:]), size: le.Uint64(h[32:]),
			link: le.Uint32(h[40:]), info: le.Uint32(h[44:]),
			align: le.Uint64(h[48:]), entsize: le.Uint64(h[56:]), textOff: -1,
		}
		if s.typ != shtNobits && (s.off > uint64(len(data)) || s.size > uint64(len(data))-s.off) {
			return nil, bad(int(shoff)+i*64, "section %d [%d, +%d) past the end (%d bytes)", i, s.off, s.size, len(data))
		}
		if s.align > 1<<20 {
			return nil, bad(int(shoff)+i*64+48, "section %d alignment %d", i, s.align)
		}
		o.sections[i] = s
	}
	if int(shstrndx) >= len(o.sections) || o.sections[shstrndx].typ != shtStrtab {
		return nil, bad(62, "section name table index %d is not a string table", shstrndx)
	}
	names := o.sectionData(int(shstrndx))
	for i := range o.sections {
		o.sections[i].name = cstring(names, le.Uint32(data[shoff+uint64(i)*64:]))
	}
	for i, s := range o.sections {
		switch s.typ {
		case shtSymtab:
			if err := o.readSymtab(i); err != nil {
				return nil, err
			}
		case shtRela:
			if s.entsize != 24 || s.size%24 != 0 {
				return nil, bad(int(s.off), "%s: entry size %d, size %d (want 24-byte entries)", s.name, s.entsize, s.size)
			}
			if int(s.info) >= len(o.sections) || int(s.link) >= len(o.sections) || o.sections[s.link].typ != shtSymtab {
				return nil, bad(int(s.off), "%s: applies to section %d with symbols in section %d", s.name, s.info, s.link)
			}
		case shtRel:
			return nil, bad(int(s.off), "%s: REL relocations (x86-64 modules use RELA)", s.name)
		}
		switch s.name {
		case ".modinfo":
			o.modinfo(o.sectionData(i))
		case ".BTF":
			o.BTF = o.sectionData(i)
		}
	}
	if o.symbols == nil {
		return nil, bad(int(shoff), "no symbol table")
	}
	if o.Name == "" {
		o.Name = nameFromFile(file)
	}
	return o, nil
}

func (o *Object) sectionData(i int) []byte {
	s := o.sections[i]
	if s.typ == shtNobits {
		return nil
	}
	return o.data[s.off : s.off+s.size]
}

func (o *Object) readSymtab(i int) error {
	s := o.sections[i]
	if s.entsize != 24 || s.size%24 != 0 {
		return fmt.Errorf("%s: %w: .symtab entry size %d, size %d", o.File, ErrBadModule, s.entsize, s.size)
	}
	if o.symbols != nil {
		return fmt.Errorf("%s: %w: two symbol tables", o.File, ErrBadModule)
	}
	if int(s.link) >= len(o.sections) || o.sections[s.link].typ != shtStrtab {
		return fmt.Errorf("%s: %w: .symtab strings in section %d, not a string table", o.File, ErrBadModule, s.link)
	}
	strs := o.sectionData(int(s.link))
	d := o.sectionData(i)
	le := binary.LittleEndian
	o.symbols = make([]symbol, len(d)/24)
	for k := range o.symbols {
		e := d[k*24:]
		sym := symbol{name: cstring(strs, le.Uint32(e)), info: e[4], shndx: le.Uint16(e[6:]), value: le.Uint64(e[8:]), size: le.Uint64(e[16:])}
		if sym.shndx != shnUndef && sym.shndx < shnLoRes && int(sym.shndx) >= len(o.sections) {
			return fmt.Errorf("%s: %w: symbol %d (%s) in section %d of %d", o.File, ErrBadModule, k, sym.name, sym.shndx, len(o.sections))
		}
		o.symbols[k] = sym
	}
	return nil
}

// modinfo reads the "key=value\0" strings of .modinfo.
func (o *Object) modinfo(d []byte) {
	for _, kv := range bytes.Split(d, []byte{0}) {
		k, v, ok := bytes.Cut(kv, []byte{'='})
		if !ok {
			continue
		}
		switch string(k) {
		case "name":
			o.Name = string(v)
		case "vermagic":
			o.Vermagic = string(v)
		}
	}
}

// Release is the kernel release of Vermagic ("6.1.0-56-cloud-amd64").
func (o *Object) Release() string {
	r, _, _ := strings.Cut(strings.TrimSpace(o.Vermagic), " ")
	return r
}

// nameFromFile is the kernel's module name for a file path.
func nameFromFile(file string) string {
	base := file[strings.LastIndexByte(file, '/')+1:]
	for _, ext := range []string{".ko.xz", ".ko.zst", ".ko.gz", ".ko"} {
		if s, ok := strings.CutSuffix(base, ext); ok {
			base = s
			break
		}
	}
	return strings.ReplaceAll(base, "-", "_")
}

func cstring(b []byte, off uint32) string {
	if int(off) >= len(b) {
		return ""
	}
	s := b[off:]
	if i := bytes.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return string(s)
}
