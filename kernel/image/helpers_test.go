package image_test

import (
	"bytes"
	"encoding/binary"
	"os/exec"
	"testing"
)

// elfSection is one section of a test ELF.
type elfSection struct {
	name  string
	typ   uint32 // SHT_*
	flags uint64 // SHF_*
	addr  uint64
	data  []byte
}

// elfSym is one .symtab entry of a test ELF; shndx 0xfff1 is SHN_ABS.
type elfSym struct {
	name  string
	info  byte // bind<<4 | type
	shndx uint16
	value uint64
	size  uint64
}

const (
	shtProgbits = 1
	shtSymtab   = 2
	shtStrtab   = 3
	shtNobits   = 8
	shfWrite    = 1
	shfAlloc    = 2
	shfExec     = 4
)

// buildELF writes a little-endian ELF64 x86-64 executable with the given
// sections (numbered from 1) and, if syms is not nil, a .symtab and .strtab.
// The layout follows the System V gABI (ELF header, section data, section
// headers); readelf -a accepts it.
func buildELF(secs []elfSection, syms []elfSym) []byte {
	le := binary.LittleEndian
	var shstr, str bytes.Buffer
	shstr.WriteByte(0)
	str.WriteByte(0)
	all := append([]elfSection(nil), secs...)
	if syms != nil {
		var tab []byte
		tab = append(tab, make([]byte, 24)...) // the null symbol
		for _, s := range syms {
			e := make([]byte, 24)
			le.PutUint32(e[0:], uint32(str.Len()))
			str.WriteString(s.name)
			str.WriteByte(0)
			e[4] = s.info
			le.PutUint16(e[6:], s.shndx)
			le.PutUint64(e[8:], s.value)
			le.PutUint64(e[16:], s.size)
			tab = append(tab, e...)
		}
		all = append(all, elfSection{name: ".symtab", typ: shtSymtab, data: tab},
			elfSection{name: ".strtab", typ: shtStrtab, data: str.Bytes()})
	}
	all = append(all, elfSection{name: ".shstrtab", typ: shtStrtab})
	nameOff := make([]int, len(all))
	for i, s := range all {
		nameOff[i] = shstr.Len()
		shstr.WriteString(s.name)
		shstr.WriteByte(0)
	}
	all[len(all)-1].data = shstr.Bytes()

	out := make([]byte, 64)
	offs := make([]int, len(all))
	for i, s := range all {
		for len(out)%8 != 0 {
			out = append(out, 0)
		}
		offs[i] = len(out)
		if s.typ != shtNobits {
			out = append(out, s.data...)
		}
	}
	for len(out)%8 != 0 {
		out = append(out, 0)
	}
	shoff := len(out)
	out = append(out, make([]byte, 64)...) // the null section header
	for i, s := range all {
		h := make([]byte, 64)
		le.PutUint32(h[0:], uint32(nameOff[i]))
		le.PutUint32(h[4:], s.typ)
		le.PutUint64(h[8:], s.flags)
		le.PutUint64(h[16:], s.addr)
		le.PutUint64(h[24:], uint64(offs[i]))
		le.PutUint64(h[32:], uint64(len(s.data)))
		le.PutUint64(h[48:], 8)
		if s.typ == shtSymtab {
			le.PutUint32(h[40:], uint32(i+2)) // sh_link: .strtab follows
			le.PutUint32(h[44:], 1)
			le.PutUint64(h[56:], 24)
		}
		out = append(out, h...)
	}
	copy(out, []byte{0x7f, 'E', 'L', 'F', 2, 1, 1})
	le.PutUint16(out[16:], 2)  // ET_EXEC
	le.PutUint16(out[18:], 62) // EM_X86_64
	le.PutUint32(out[20:], 1)
	le.PutUint64(out[40:], uint64(shoff))
	le.PutUint16(out[52:], 64)
	le.PutUint16(out[54:], 56)
	le.PutUint16(out[58:], 64)
	le.PutUint16(out[60:], uint16(len(all)+1))
	le.PutUint16(out[62:], uint16(len(all)))
	return out
}

// bzImageHeader is the part of a bzImage that ParseBzImage reads.
type bzImageHeader struct {
	setupSects    byte
	version       uint16
	payloadOffset uint32 // from the start of the protected-mode code
	prefAddress   uint64
	initSize      uint32
}

// buildBzImage lays out boot sector + setup, then protected-mode code whose
// payload_offset points at the payload, following the field offsets of
// Documentation/arch/x86/boot.rst.
func buildBzImage(h bzImageHeader, payload []byte) []byte {
	le := binary.LittleEndian
	sects := int(h.setupSects)
	if sects == 0 {
		sects = 4
	}
	img := make([]byte, (sects+1)*512+int(h.payloadOffset))
	img[0x1f1] = h.setupSects
	le.PutUint16(img[0x1fe:], 0xaa55)
	copy(img[0x202:], "HdrS")
	le.PutUint16(img[0x206:], h.version)
	le.PutUint32(img[0x248:], h.payloadOffset)
	le.PutUint32(img[0x24c:], uint32(len(payload)))
	le.PutUint64(img[0x258:], h.prefAddress)
	le.PutUint32(img[0x260:], h.initSize)
	img = append(img, payload...)
	return append(img, make([]byte, 4096)...) // the rest of the setup code, as in a real image
}

// sizeAppend adds the uncompressed size as the kernel build does
// (scripts/Makefile.lib: size_append).
func sizeAppend(compressed []byte, size int) []byte {
	return binary.LittleEndian.AppendUint32(append([]byte(nil), compressed...), uint32(size))
}

// runTool pipes in through an external compressor, skipping if it is absent.
func runTool(t *testing.T, in []byte, name string, args ...string) []byte {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not installed", name)
	}
	cmd := exec.Command(path, args...)
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return out
}
