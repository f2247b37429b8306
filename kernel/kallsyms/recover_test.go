package kallsyms_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"sysweight/kernel/kallsyms"
	"sysweight/kernel/kallsyms/kallsymstest"
)

// syntheticSymbols makes n symbols shaped like an x86-64 kernel's: a few
// percpu symbols at small absolute addresses, then text and data above
// 0xffffffff81000000, with long and repeated names.
func syntheticSymbols(n int) []kallsyms.Symbol {
	r := rand.New(rand.NewPCG(1, 2))
	words := []string{"sys", "do", "vfs", "read", "write", "ext4", "inode", "page", "lock", "irq", "net", "sock", "tcp", "_", "__", "x64", "init", "alloc", "free"}
	syms := []kallsyms.Symbol{
		{Name: "fixed_percpu_data", Addr: 0, Type: 'A'},
		{Name: "__per_cpu_start", Addr: 0, Type: 'A'},
		{Name: "cpu_debug_store", Addr: 0x1000, Type: 'A'},
		{Name: "_text", Addr: 0xffffffff81000000, Type: 'T'},
		{Name: "startup_64", Addr: 0xffffffff81000000, Type: 'T'},
	}
	addr := uint64(0xffffffff81000040)
	for i := len(syms); i < n; i++ {
		var b strings.Builder
		for k := 1 + r.IntN(5); k > 0; k-- {
			b.WriteString(words[r.IntN(len(words))])
		}
		fmt.Fprintf(&b, "_%d", i)
		typ := "TtTtDdRrBbW"[r.IntN(11)]
		syms = append(syms, kallsyms.Symbol{Name: b.String(), Addr: addr, Type: typ})
		addr += uint64(r.IntN(300)) // 0 makes aliases, as in real kernels
	}
	// A 200-character name needs the two-byte length of Linux 6.1+.
	syms = append(syms, kallsyms.Symbol{Name: strings.Repeat("long_name_", 20), Addr: addr + 16, Type: 't'})
	return syms
}

func TestRecoverSynthetic(t *testing.T) {
	cases := []struct {
		name string
		n    int
		o    kallsymstest.Options
	}{
		{"6.1-stable", 3000, kallsymstest.Options{Layout: kallsymstest.Layout61, SeqsOfNames: true, AbsolutePercpu: true}},
		{"6.1-mainline", 3001, kallsymstest.Options{Layout: kallsymstest.Layout61, AbsolutePercpu: true}},
		{"6.4+", 2999, kallsymstest.Options{Layout: kallsymstest.Layout64, SeqsOfNames: true, AbsolutePercpu: true}},
		{"arm64-like relative", 700, kallsymstest.Options{Layout: kallsymstest.Layout61}},
		{"one marker", 100, kallsymstest.Options{Layout: kallsymstest.Layout61, AbsolutePercpu: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			syms := syntheticSymbols(c.n)
			if !c.o.AbsolutePercpu {
				syms = syms[3:] // no absolute symbols without the percpu rule
			}
			const base = 0xffffffff82000000
			tab, err := kallsymstest.Build(syms, base+0x1000, c.o)
			if err != nil {
				t.Fatal(err)
			}
			// Embed the tables in other .rodata-like bytes: zeros and
			// strings before, random bytes after.
			pre := make([]byte, 0x1000)
			copy(pre[0x100:], "some rodata string\x00another\x00")
			post := make([]byte, 4096)
			r := rand.New(rand.NewPCG(3, 4))
			for i := range post {
				post[i] = byte(r.Uint32())
			}
			data := append(append(pre, tab.Data...), post...)

			got, err := kallsyms.Recover(data, base)
			if err != nil {
				t.Fatal(err)
			}
			if got.NumSyms != len(syms) || len(got.Symbols) != len(syms) {
				t.Fatalf("NumSyms %d, %d symbols; want %d", got.NumSyms, len(got.Symbols), len(syms))
			}
			for i, s := range syms {
				if g := got.Symbols[i]; g.Name != s.Name || g.Addr != s.Addr || g.Type != s.Type {
					t.Fatalf("symbol %d = %c %s %#x, want %c %s %#x", i, g.Type, g.Name, g.Addr, s.Type, s.Name, s.Addr)
				}
			}
			want := []struct {
				what      string
				got, want uint64
			}{
				{"offsets", got.OffsetsAddr, tab.Offsets},
				{"relative_base", got.RelativeBaseAddr, tab.RelativeBase},
				{"num_syms", got.NumSymsAddr, tab.NumSyms},
				{"names", got.NamesAddr, tab.Names},
				{"markers", got.MarkersAddr, tab.Markers},
				{"token_table", got.TokenTableAddr, tab.TokenTable},
				{"token_index", got.TokenIndexAddr, tab.TokenIndex},
			}
			if c.o.Layout == kallsymstest.Layout61 {
				// In 6.4+ seqs_of_names follows relative_base; Recover
				// reports only the 6.1 placement between markers and tokens.
				want = append(want, struct {
					what      string
					got, want uint64
				}{"seqs_of_names", got.SeqsOfNamesAddr, tab.SeqsOfNames})
			}
			for _, w := range want {
				if w.got != w.want {
					t.Errorf("kallsyms_%s at %#x, want %#x", w.what, w.got, w.want)
				}
			}
			if got.AbsolutePercpu != c.o.AbsolutePercpu {
				t.Errorf("AbsolutePercpu = %v, want %v", got.AbsolutePercpu, c.o.AbsolutePercpu)
			}
		})
	}
}

func TestRecoverBadInput(t *testing.T) {
	syms := syntheticSymbols(600)
	tab, err := kallsymstest.Build(syms, 0xffffffff82000000, kallsymstest.Options{Layout: kallsymstest.Layout61, SeqsOfNames: true, AbsolutePercpu: true})
	if err != nil {
		t.Fatal(err)
	}
	names := int(tab.Names - tab.Base)
	corruptName := append([]byte(nil), tab.Data...)
	corruptName[names]++ // the first length byte: every later entry shifts and the markers no longer match
	corruptOffsets := append([]byte(nil), tab.Data...)
	off := int(tab.Offsets-tab.Base) + 4*500
	copy(corruptOffsets[off:], []byte{0, 0, 0, 0x80}) // breaks the address order
	cases := map[string][]byte{
		"empty":            nil,
		"zeros":            make([]byte, 1<<16),
		"cut token index":  tab.Data[:int(tab.TokenIndex-tab.Base)+100],
		"corrupt names":    corruptName,
		"unsorted offsets": corruptOffsets,
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := kallsyms.Recover(data, tab.Base)
			if !errors.Is(err, kallsyms.ErrNoKallsyms) {
				t.Fatalf("err = %v, want ErrNoKallsyms", err)
			}
		})
	}
}

func FuzzRecover(f *testing.F) {
	// Small seeds: the fuzzer minimizes every new input by re-running it
	// many times, which stalls on inputs of many kilobytes.
	syms := syntheticSymbols(30)
	tab, err := kallsymstest.Build(syms, 0x1000, kallsymstest.Options{Layout: kallsymstest.Layout61, SeqsOfNames: true, AbsolutePercpu: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(tab.Data, uint64(0x1000))
	f.Fuzz(func(t *testing.T, data []byte, base uint64) {
		got, err := kallsyms.Recover(data, base)
		if err != nil {
			return
		}
		if len(got.Symbols) != got.NumSyms {
			t.Fatalf("%d symbols, NumSyms %d", len(got.Symbols), got.NumSyms)
		}
		for i := 1; i < len(got.Symbols); i++ {
			if got.Symbols[i].Addr < got.Symbols[i-1].Addr {
				t.Fatalf("symbols not sorted at %d", i)
			}
		}
	})
}
