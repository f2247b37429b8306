package module_test

import (
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sysweight/kernel/module"
)

func buildMod(t *testing.T) ([]byte, string) {
	t.Helper()
	for _, tool := range []string{"gcc", "readelf"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not found (scripts/install-deps.sh installs gcc and binutils)", tool)
		}
	}
	dir := t.TempDir()
	src, _ := filepath.Abs(filepath.Join("testdata", "mod.c"))
	obj := filepath.Join(dir, "test-mod.ko")
	cmd := exec.Command("gcc", "-O2", "-c", "-fno-pic", "-mcmodel=kernel", "-mno-red-zone", "-fno-stack-protector", src, "-o", obj)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	b, err := os.ReadFile(obj)
	if err != nil {
		t.Fatal(err)
	}
	return b, obj
}

func TestParseLink(t *testing.T) {
	b, path := buildMod(t)
	o, err := module.Parse(b, path)
	if err != nil {
		t.Fatal(err)
	}
	if o.Name != "test_mod" || o.Release() != "6.1.0-56-cloud-amd64" {
		t.Errorf("name %q release %q", o.Name, o.Release())
	}
	const helper uint64 = 0xffffffff81234560
	set, err := module.Link([]*module.Object{o}, func(n string) (uint64, bool) {
		return helper, n == "ext_helper"
	}, 0xffffffffc0000000, 0xffffffffd0000000)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]module.Func{}
	for _, f := range set.Funcs {
		names[f.Name] = f
	}
	if len(set.Funcs) != 2 || names["mod_start"].Addr == 0 || names["mod_stop"].Addr == 0 {
		t.Fatalf("functions %+v", set.Funcs)
	}
	// readelf gives the call's relocation: R_X86_64_PLT32 (or PC32)
	// against ext_helper − 4 at some offset of .text; after linking, the
	// rel32 there must make the call land on the helper's address.
	out, err := exec.Command("readelf", "-rW", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	var callOff, slots int
	found := false
	sec := ""
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "Relocation section") {
			sec = strings.Fields(line)[2]
			continue
		}
		f := strings.Fields(line)
		if len(f) < 5 {
			continue
		}
		switch {
		case sec == "'.rela.text'" && strings.HasPrefix(f[4], "ext_helper"):
			var off uint64
			if _, err := fmtSscanHex(f[0], &off); err == nil {
				callOff, found = int(off), true
			}
		case sec == "'.rela.data.rel.ro.local'" || sec == "'.rela.rodata'" || sec == "'.rela.data.rel.ro'":
			if f[2] == "R_X86_64_64" {
				slots++
			}
		}
	}
	if !found {
		t.Fatalf("no relocation against ext_helper in readelf output:\n%s", out)
	}
	rel := int32(binary.LittleEndian.Uint32(set.Text[callOff:]))
	if got := set.TextAddr + uint64(callOff) + 4 + uint64(int64(rel)); got != helper {
		t.Errorf("the call lands on %#x, want %#x", got, helper)
	}
	if slots != 2 || len(set.Slots) != 2 {
		t.Errorf("readelf shows %d R_X86_64_64 data relocations; Link made %d slots", slots, len(set.Slots))
	}
	for _, s := range set.Slots {
		if s.Target != names["mod_start"].Addr && s.Target != names["mod_stop"].Addr {
			t.Errorf("slot %#x → %#x: not a function start", s.Addr, s.Target)
		}
	}
	if set.Relocations == 0 || len(set.Unresolved) != 0 {
		t.Errorf("relocations %d, unresolved %v", set.Relocations, set.Unresolved)
	}
	// without the kernel's symbol, the reference is counted
	set, err = module.Link([]*module.Object{o}, func(string) (uint64, bool) { return 0, false }, 0xffffffffc0000000, 0xffffffffd0000000)
	if err != nil {
		t.Fatal(err)
	}
	if set.Unresolved["ext_helper"] != 1 {
		t.Errorf("unresolved %v, want ext_helper once", set.Unresolved)
	}
}

func fmtSscanHex(s string, v *uint64) (int, error) {
	var x uint64
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			x = x<<4 | uint64(c-'0')
		case c >= 'a' && c <= 'f':
			x = x<<4 | uint64(c-'a'+10)
		default:
			return 0, errors.New("not hex")
		}
	}
	*v = x
	return 1, nil
}

func TestParseBad(t *testing.T) {
	b, _ := buildMod(t)
	le := binary.LittleEndian
	mut := func(f func(b []byte)) []byte {
		c := append([]byte(nil), b...)
		f(c)
		return c
	}
	shoff := le.Uint64(b[40:])
	for name, c := range map[string]struct {
		data []byte
		err  error
	}{
		"empty":        {nil, module.ErrNotModule},
		"not elf":      {[]byte(strings.Repeat("not an ELF file ", 8)), module.ErrNotModule},
		"32-bit":       {mut(func(b []byte) { b[4] = 1 }), module.ErrNotModule},
		"arm64":        {mut(func(b []byte) { le.PutUint16(b[18:], 183) }), module.ErrNotModule},
		"executable":   {mut(func(b []byte) { le.PutUint16(b[16:], 2) }), module.ErrNotModule},
		"headers cut":  {b[:shoff+10], module.ErrBadModule},
		"section past": {mut(func(b []byte) { le.PutUint64(b[shoff+64+32:], 1<<40) }), module.ErrBadModule},
		"bad shstrndx": {mut(func(b []byte) { le.PutUint16(b[62:], 0) }), module.ErrBadModule},
	} {
		_, err := module.Parse(c.data, "x.ko")
		if !errors.Is(err, c.err) {
			t.Errorf("%s: %v, want %v", name, err, c.err)
		} else if err != nil && !strings.HasPrefix(err.Error(), "x.ko: ") {
			t.Errorf("%s: error does not name the file: %v", name, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("\x7fELF\x02\x01\x01"))
	f.Fuzz(func(t *testing.T, b []byte) {
		o, err := module.Parse(b, "f.ko")
		if err != nil {
			return
		}
		_, _ = module.Link([]*module.Object{o}, func(string) (uint64, bool) { return 0, false }, 0xffffffffc0000000, 0xffffffffd0000000)
	})
}
