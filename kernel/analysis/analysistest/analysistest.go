// Package analysistest builds a tiny synthetic x86-64 vmlinux for the tests
// of kernel/analysis and of the `sysweight kernel analyze` command: a dozen
// functions whose call graph, reach sets and complexities can be checked by
// hand (see Funcs).
package analysistest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
)

// TextAddr is where the synthetic .text is linked (x86-64's default).
const TextAddr = 0xffffffff81000000

// Banner is the synthetic linux_banner.
const Banner = "Linux version 6.1.0-test (builder@example) (gcc 12) #1 SMP PREEMPT_DYNAMIC Debian 6.1.0-1 (2026-01-01)"

// Func is one synthetic function: the functions it calls, in order, and
// whether it has one conditional branch (CC 2) or none (CC 1).
type Func struct {
	Name  string
	Calls []string
	Cond  bool
}

// Funcs is the synthetic kernel. With the default hub fraction 0.5 and its
// seven syscalls (keyctl, add_key, request_key, getpid, getuid, getgid,
// read), mutex_lock_hub is the one hub (reached by 7 > 3.5); key_validate
// is reached by keyctl and add_key at depth 3 and by request_key at depth 4.
var Funcs = []Func{
	{Name: "__x64_sys_keyctl", Calls: []string{"keyctl_read_key", "mutex_lock_hub"}},
	{Name: "keyctl_read_key", Calls: []string{"key_validate"}},
	{Name: "__x64_sys_add_key", Calls: []string{"lookup_user_key", "mutex_lock_hub"}},
	{Name: "lookup_user_key", Calls: []string{"key_validate"}},
	{Name: "__x64_sys_request_key", Calls: []string{"request_key_helper", "mutex_lock_hub"}},
	{Name: "request_key_helper", Calls: []string{"lookup_user_key"}},
	{Name: "key_validate", Cond: true},
	{Name: "__x64_sys_getpid", Calls: []string{"mutex_lock_hub"}},
	{Name: "__x64_sys_getuid", Calls: []string{"mutex_lock_hub"}},
	{Name: "__x64_sys_getgid", Calls: []string{"mutex_lock_hub"}},
	{Name: "__x64_sys_read", Calls: []string{"ksys_read", "mutex_lock_hub"}},
	{Name: "ksys_read", Calls: []string{"mutex_lock_hub"}},
	{Name: "mutex_lock_hub"},
}

// Text assembles Funcs at TextAddr, each function 16-byte aligned and
// padded with int3, and returns the code with each function's address.
// A call is e8 rel32, the branch `test %edi,%edi; je +1; nop`, the end ret.
func Text() ([]byte, map[string]uint64) {
	const slot = 32
	addr := map[string]uint64{}
	for i, f := range Funcs {
		addr[f.Name] = TextAddr + uint64(i*slot)
	}
	var text []byte
	for _, f := range Funcs {
		start := len(text)
		for _, c := range f.Calls {
			next := addr[f.Name] + uint64(len(text)-start) + 5
			text = append(text, 0xe8)
			text = binary.LittleEndian.AppendUint32(text, uint32(int32(int64(addr[c])-int64(next))))
		}
		if f.Cond {
			text = append(text, 0x85, 0xff, 0x74, 0x01, 0x90)
		}
		text = append(text, 0xc3)
		for len(text)-start < slot {
			text = append(text, 0xcc)
		}
	}
	return text, addr
}

// ELF returns the synthetic vmlinux: .text, a .rodata holding the banner
// (and linux_banner pointing at it), and a .symtab of STT_FUNC symbols plus
// _text.
func ELF() []byte {
	text, addr := Text()
	const roAddr = TextAddr + 0x100000
	rodata := append([]byte("Linux version %s\x00\x00\x00"), Banner+"\n\x00"...)
	bannerAddr := roAddr + uint64(len("Linux version %s\x00\x00\x00"))
	syms := []elfSym{{name: "_text", info: 0x10, shndx: 1, value: TextAddr}}
	for _, f := range Funcs {
		syms = append(syms, elfSym{name: f.Name, info: 0x12, shndx: 1, value: addr[f.Name], size: 32})
	}
	syms = append(syms, elfSym{name: "linux_banner", info: 0x11, shndx: 2, value: bannerAddr, size: uint64(len(Banner) + 2)})
	return buildELF([]elfSection{
		{name: ".text", typ: 1, flags: 2 | 4, addr: TextAddr, data: text},
		{name: ".rodata", typ: 1, flags: 2, addr: roAddr, data: rodata},
	}, syms)
}

// SystemMap returns the synthetic kernel's symbols as /proc/kallsyms text of
// a kernel moved by slide bytes (KASLR), plus one module symbol.
func SystemMap(slide uint64) string {
	_, addr := Text()
	var b strings.Builder
	fmt.Fprintf(&b, "%016x T _text\n", TextAddr+slide)
	for _, f := range Funcs {
		fmt.Fprintf(&b, "%016x t %s\n", addr[f.Name]+slide, f.Name)
	}
	fmt.Fprintf(&b, "ffffffffc0000000 t some_module_func\t[some_module]\n")
	return b.String()
}

type elfSection struct {
	name  string
	typ   uint32
	flags uint64
	addr  uint64
	data  []byte
}

type elfSym struct {
	name  string
	info  byte // bind<<4 | type
	shndx uint16
	value uint64
	size  uint64
}

// buildELF writes a little-endian ELF64 x86-64 executable: ELF header,
// section data, section headers (System V gABI), with .symtab and .strtab
// after the given sections, which are numbered from 1.
func buildELF(secs []elfSection, syms []elfSym) []byte {
	le := binary.LittleEndian
	var shstr, str bytes.Buffer
	shstr.WriteByte(0)
	str.WriteByte(0)
	tab := make([]byte, 24) // the null symbol
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
	all := append(append([]elfSection(nil), secs...),
		elfSection{name: ".symtab", typ: 2, data: tab},
		elfSection{name: ".strtab", typ: 3, data: str.Bytes()},
		elfSection{name: ".shstrtab", typ: 3})
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
		out = append(out, s.data...)
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
		if s.typ == 2 {
			le.PutUint32(h[40:], uint32(i+2)) // sh_link: .strtab follows
			le.PutUint32(h[44:], uint32(1))
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
