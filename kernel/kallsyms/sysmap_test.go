package kallsyms_test

import (
	"errors"
	"strings"
	"testing"

	"sysweight/kernel/kallsyms"
)

// Lines in the form of Debian 6.1's System.map and of /proc/kallsyms read as
// root on a KASLR host (slide 0x2a00000), module lines tab-separated as
// kernel/module/kallsyms.c prints them.
const procKallsyms = `0000000000000000 A fixed_percpu_data
0000000000001000 A cpu_debug_store
ffffffff83a00000 T _stext
ffffffff83a00000 T _text
ffffffff83a00000 T startup_64
ffffffff83a01234 t native_write_cr4
ffffffff84c12340 D init_task

ffffffffc0a01000 t nft_do_chain	[nf_tables]
ffffffffc0a02000 T nft_register_expr	[nf_tables]
`

func TestParseMap(t *testing.T) {
	res, err := kallsyms.ParseMap(strings.NewReader(procKallsyms), kallsyms.MapOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []kallsyms.Symbol{
		{Name: "fixed_percpu_data", Addr: 0, Type: 'A'},
		{Name: "cpu_debug_store", Addr: 0x1000, Type: 'A'},
		{Name: "_stext", Addr: 0xffffffff83a00000, Type: 'T'},
		{Name: "_text", Addr: 0xffffffff83a00000, Type: 'T'},
		{Name: "startup_64", Addr: 0xffffffff83a00000, Type: 'T'},
		{Name: "native_write_cr4", Addr: 0xffffffff83a01234, Type: 't'},
		{Name: "init_task", Addr: 0xffffffff84c12340, Type: 'D'},
		{Name: "nft_do_chain", Addr: 0xffffffffc0a01000, Type: 't', Module: "nf_tables"},
		{Name: "nft_register_expr", Addr: 0xffffffffc0a02000, Type: 'T', Module: "nf_tables"},
	}
	if len(res.Symbols) != len(want) {
		t.Fatalf("%d symbols, want %d", len(res.Symbols), len(want))
	}
	for i := range want {
		if res.Symbols[i] != want[i] {
			t.Errorf("symbol %d = %+v, want %+v", i, res.Symbols[i], want[i])
		}
	}

	slide, err := kallsyms.KASLRSlide(res.Symbols, kallsyms.DefaultX86_64Text)
	if err != nil || slide != 0x2a00000 {
		t.Fatalf("KASLRSlide = %#x, %v; want 0x2a00000", slide, err)
	}
	back, err := kallsyms.Rebase(res.Symbols, slide)
	if err != nil {
		t.Fatal(err)
	}
	wantAddr := map[string]uint64{
		"fixed_percpu_data": 0,                  // percpu: not moved by KASLR
		"cpu_debug_store":   0x1000,             // percpu
		"_text":             0xffffffff81000000, // the link address
		"native_write_cr4":  0xffffffff81001234,
		"init_task":         0xffffffff82212340,
		"nft_do_chain":      0xffffffffc0a01000, // modules are placed on their own
	}
	for _, s := range back {
		if w, ok := wantAddr[s.Name]; ok && s.Addr != w {
			t.Errorf("rebased %s = %#x, want %#x", s.Name, s.Addr, w)
		}
	}
	if res.Symbols[3].Addr != 0xffffffff83a00000 {
		t.Error("Rebase changed its input")
	}
}

func TestParseMapErrors(t *testing.T) {
	cases := []struct {
		in, wantMsg string
		line        int
	}{
		{"ffffffff81000000 T _text\nnot a map line at all really\n", `line 2: want "ADDR TYPE NAME [module]": 7 fields`, 2},
		{"ffffffff81000000 T _text\nzzzz T foo\n", "line 2: want hexadecimal ADDR", 2},
		{"ffffffff81000000 TT _text\n", "line 1: want one nm type letter", 1},
		{"ffffffff81000000 T _text\nffffffffc0000000 t f nf_tables\n", "line 2: want [module]", 2},
		{"12345678901234567 T x\n", "line 1: want hexadecimal ADDR of at most 16 digits", 1},
	}
	for _, c := range cases {
		_, err := kallsyms.ParseMap(strings.NewReader(c.in), kallsyms.MapOptions{})
		var se *kallsyms.SyntaxError
		if !errors.As(err, &se) || !errors.Is(err, kallsyms.ErrSyntax) {
			t.Fatalf("%q: err = %v, want a SyntaxError", c.in, err)
		}
		if se.Line != c.line || !strings.HasPrefix(err.Error(), c.wantMsg) {
			t.Errorf("%q: err = %q (line %d), want prefix %q (line %d)", c.in, err, se.Line, c.wantMsg, c.line)
		}
	}

	res, err := kallsyms.ParseMap(strings.NewReader("garbage\n"+procKallsyms+"more garbage here now\n"), kallsyms.MapOptions{Lenient: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Skipped != 2 || len(res.Symbols) != 9 || res.FirstSkipped.Line != 1 {
		t.Errorf("lenient: skipped %d (first at line %d), %d symbols; want 2 (line 1), 9", res.Skipped, res.FirstSkipped.Line, len(res.Symbols))
	}

	// /proc/kallsyms read without CAP_SYSLOG under kptr_restrict=1.
	hidden := "0000000000000000 T _text\n0000000000000000 T startup_64\n"
	if _, err := kallsyms.ParseMap(strings.NewReader(hidden), kallsyms.MapOptions{}); !errors.Is(err, kallsyms.ErrAddressesHidden) {
		t.Errorf("hidden addresses: err = %v, want ErrAddressesHidden", err)
	}
	if _, err := kallsyms.KASLRSlide([]kallsyms.Symbol{{Name: "foo", Addr: 1, Type: 'T'}}, kallsyms.DefaultX86_64Text); !errors.Is(err, kallsyms.ErrNoTextSymbol) {
		t.Errorf("no _text: err = %v, want ErrNoTextSymbol", err)
	}
}

func TestFillSizes(t *testing.T) {
	syms := []kallsyms.Symbol{
		{Name: "a", Addr: 0x100, Type: 't'},
		{Name: "a_alias", Addr: 0x100, Type: 't'},
		{Name: "b", Addr: 0x140, Type: 'T', Size: 8}, // known size stays
		{Name: "c", Addr: 0x180, Type: 'T'},
		{Name: "m1", Addr: 0x10, Type: 't', Module: "mod"},
		{Name: "m2", Addr: 0x30, Type: 't', Module: "mod"},
	}
	kallsyms.FillSizes(syms)
	want := []uint64{0x40, 0x40, 8, 0, 0x20, 0}
	for i, w := range want {
		if syms[i].Size != w {
			t.Errorf("%s size %#x, want %#x", syms[i].Name, syms[i].Size, w)
		}
	}
}

func FuzzParseMap(f *testing.F) {
	f.Add([]byte(procKallsyms), false)
	f.Add([]byte("ffffffff81000000 T _text\nx\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, lenient bool) {
		res, err := kallsyms.ParseMap(strings.NewReader(string(data)), kallsyms.MapOptions{Lenient: lenient})
		if err != nil {
			if lenient && errors.Is(err, kallsyms.ErrSyntax) {
				t.Fatalf("lenient parse failed on syntax: %v", err)
			}
			return
		}
		for _, s := range res.Symbols {
			if s.Name == "" || s.Type == 0 {
				t.Fatalf("empty field in %+v", s)
			}
		}
	})
}
