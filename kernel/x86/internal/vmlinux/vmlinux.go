// Package vmlinux reads the input of kernel/x86 from an unstripped vmlinux
// ELF: the bytes of .text, its address and its function symbols. It is the
// test and benchmark feeder of kernel/x86; kernel/image owns general vmlinux
// reading (including stripped images through kallsyms).
package vmlinux

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"

	"sysweight/kernel/x86"
)

// ErrNoText is returned for an ELF without a .text section.
var ErrNoText = errors.New("no .text section")

// ErrNoSymbols is returned for an ELF without a symbol table.
var ErrNoSymbols = errors.New("no symbol table")

func cstring(b []byte, off uint32) string {
	if int(off) >= len(b) {
		return ""
	}
	b = b[off:]
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// Image is what kernel/x86 needs from a vmlinux.
type Image struct {
	Text  []byte
	Base  uint64 // address of Text[0]
	Funcs []x86.Func
	// Data holds the other allocated sections (.rodata, .data, ...), for
	// reading pointer tables such as sys_call_table.
	Data []Section
	// Objects are the data symbols (STT_OBJECT), by name; read only
	// withData.
	Objects map[string]x86.Func
}

// Section is one allocated non-executable section.
type Section struct {
	Name string
	Addr uint64
	Data []byte
}

// Word reads the little-endian 8-byte word at addr from Data.
func (im *Image) Word(addr uint64) (uint64, bool) {
	for _, s := range im.Data {
		if addr >= s.Addr && addr+8 <= s.Addr+uint64(len(s.Data)) {
			b := s.Data[addr-s.Addr:]
			return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
				uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56, true
		}
	}
	return 0, false
}

// Open reads the vmlinux at path. The file is mapped, not read: its
// sections are used in place, which spares copying and faulting in tens of
// megabytes of fresh memory.
func Open(path string, withData bool) (*Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.ReaderAt = f
	if b, err := mapFile(f); err == nil {
		r = bytes.NewReader(b)
		im, err := read(r, b, withData)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", path, err)
		}
		return im, nil
	}
	im, err := Read(r, withData)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return im, nil
}

// Read reads a vmlinux. Function symbols are the STT_FUNC symbols of .text
// with their ELF sizes, plus the STT_NOTYPE assembly entry points
// (SYM_CODE_START) that lie outside every STT_FUNC; those get size 0 and
// x86.Analyze derives it from the next symbol.
func Read(r io.ReaderAt, withData bool) (*Image, error) {
	return read(r, nil, withData)
}

// read is Read; when whole holds the entire file, sections are slices of
// it instead of copies.
func read(r io.ReaderAt, whole []byte, withData bool) (*Image, error) {
	f, err := elf.NewFile(r)
	if err != nil {
		return nil, err
	}
	text := f.Section(".text")
	if text == nil {
		return nil, ErrNoText
	}
	data := func(s *elf.Section) ([]byte, error) {
		if whole != nil && s.Type != elf.SHT_NOBITS && s.Offset+s.Size <= uint64(len(whole)) && s.Offset+s.Size >= s.Offset {
			return whole[s.Offset : s.Offset+s.Size], nil
		}
		return s.Data()
	}
	im := &Image{Base: text.Addr}
	if im.Text, err = data(text); err != nil {
		return nil, fmt.Errorf("reading .text: %w", err)
	}
	symtab := f.SectionByType(elf.SHT_SYMTAB)
	if symtab == nil || int(symtab.Link) >= len(f.Sections) {
		return nil, ErrNoSymbols
	}
	raw, err := data(symtab)
	if err != nil {
		return nil, fmt.Errorf("reading .symtab: %w", err)
	}
	strs, err := data(f.Sections[symtab.Link])
	if err != nil {
		return nil, fmt.Errorf("reading .strtab: %w", err)
	}
	var textIdx uint16
	for i, s := range f.Sections {
		if s == text {
			textIdx = uint16(i)
		}
	}
	funcs := make([]x86.Func, 0, len(raw)/24/4)
	var labels []x86.Func
	im.Objects = make(map[string]x86.Func)
	// Elf64_Sym: name u32, info u8, other u8, shndx u16, value u64, size u64.
	// Decoded by hand: elf.File.Symbols makes a string of every one of the
	// ~200k names, most of which (DWARF-era locals, data) are not needed.
	le := binary.LittleEndian
	for off := 24; off+24 <= len(raw); off += 24 {
		e := raw[off : off+24]
		typ, shndx := elf.ST_TYPE(e[4]), le.Uint16(e[6:])
		value, size := le.Uint64(e[8:]), le.Uint64(e[16:])
		switch {
		case shndx == textIdx && typ == elf.STT_FUNC:
			funcs = append(funcs, x86.Func{Name: cstring(strs, le.Uint32(e)), Addr: value, Size: size})
		case shndx == textIdx && typ == elf.STT_NOTYPE:
			if n := cstring(strs, le.Uint32(e)); n != "" {
				labels = append(labels, x86.Func{Name: n, Addr: value})
			}
		case withData && typ == elf.STT_OBJECT:
			n := cstring(strs, le.Uint32(e))
			im.Objects[n] = x86.Func{Name: n, Addr: value, Size: size}
		}
	}
	sort.Slice(funcs, func(i, j int) bool { return funcs[i].Addr < funcs[j].Addr })
	for _, l := range labels {
		// the FUNC starting at or before l
		k := sort.Search(len(funcs), func(i int) bool { return funcs[i].Addr > l.Addr }) - 1
		if k >= 0 && (funcs[k].Addr == l.Addr || l.Addr < funcs[k].Addr+funcs[k].Size) {
			continue
		}
		im.Funcs = append(im.Funcs, l)
	}
	im.Funcs = append(make([]x86.Func, 0, len(im.Funcs)+len(funcs)), im.Funcs...)
	im.Funcs = append(im.Funcs, funcs...)
	if withData {
		for _, s := range f.Sections {
			if s.Flags&elf.SHF_ALLOC == 0 || s.Flags&elf.SHF_EXECINSTR != 0 || s.Type != elf.SHT_PROGBITS {
				continue
			}
			b, err := data(s)
			if err != nil {
				return nil, fmt.Errorf("reading %s: %w", s.Name, err)
			}
			im.Data = append(im.Data, Section{Name: s.Name, Addr: s.Addr, Data: b})
		}
	}
	return im, nil
}
