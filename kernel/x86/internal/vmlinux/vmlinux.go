// Package vmlinux reads the input of kernel/x86 from an unstripped vmlinux
// ELF: the bytes of .text, its address and its function symbols. It is the
// test and benchmark feeder of kernel/x86; kernel/image owns general vmlinux
// reading (including stripped images through kallsyms).
package vmlinux

import (
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"

	"sysweight/kernel/x86"
)

// ErrNoText is returned for an ELF without a .text section.
var ErrNoText = errors.New("no .text section")

// Image is what kernel/x86 needs from a vmlinux.
type Image struct {
	Text  []byte
	Base  uint64 // address of Text[0]
	Funcs []x86.Func
	// Data holds the other allocated sections (.rodata, .data, ...), for
	// reading pointer tables such as sys_call_table.
	Data []Section
	// Objects are the data symbols (STT_OBJECT), by name.
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

// Open reads the vmlinux at path.
func Open(path string, withData bool) (*Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	im, err := Read(f, withData)
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
	f, err := elf.NewFile(r)
	if err != nil {
		return nil, err
	}
	text := f.Section(".text")
	if text == nil {
		return nil, ErrNoText
	}
	im := &Image{Base: text.Addr, Text: make([]byte, text.Size)}
	if _, err := text.ReadAt(im.Text, 0); err != nil {
		return nil, fmt.Errorf("reading .text: %w", err)
	}
	syms, err := f.Symbols()
	if err != nil {
		return nil, fmt.Errorf("reading symbols: %w", err)
	}
	var textIdx elf.SectionIndex
	for i, s := range f.Sections {
		if s == text {
			textIdx = elf.SectionIndex(i)
		}
	}
	var funcs, labels []x86.Func
	im.Objects = make(map[string]x86.Func)
	for _, s := range syms {
		switch {
		case s.Section == textIdx && elf.ST_TYPE(s.Info) == elf.STT_FUNC:
			funcs = append(funcs, x86.Func{Name: s.Name, Addr: s.Value, Size: s.Size})
		case s.Section == textIdx && elf.ST_TYPE(s.Info) == elf.STT_NOTYPE && s.Name != "":
			labels = append(labels, x86.Func{Name: s.Name, Addr: s.Value})
		case elf.ST_TYPE(s.Info) == elf.STT_OBJECT:
			im.Objects[s.Name] = x86.Func{Name: s.Name, Addr: s.Value, Size: s.Size}
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
	im.Funcs = append(im.Funcs, funcs...)
	if withData {
		for _, s := range f.Sections {
			if s.Flags&elf.SHF_ALLOC == 0 || s.Flags&elf.SHF_EXECINSTR != 0 || s.Type != elf.SHT_PROGBITS {
				continue
			}
			b, err := s.Data()
			if err != nil {
				return nil, fmt.Errorf("reading %s: %w", s.Name, err)
			}
			im.Data = append(im.Data, Section{Name: s.Name, Addr: s.Addr, Data: b})
		}
	}
	return im, nil
}
