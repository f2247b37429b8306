package ftrace

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"

	"sysweight/internal/tracefs"
)

func realRaw(t testing.TB, excerpt string) RawTrace {
	t.Helper()
	h, err := tracefs.ParsePageLayout(bytes.NewReader(realFile(t, "header_page")))
	if err != nil {
		t.Fatal(err)
	}
	en, err := tracefs.ParseFormat(bytes.NewReader(realFile(t, "funcgraph_entry.format")))
	if err != nil {
		t.Fatal(err)
	}
	ex, err := tracefs.ParseFormat(bytes.NewReader(realFile(t, "funcgraph_exit.format")))
	if err != nil {
		t.Fatal(err)
	}
	syms, err := ParseKallsyms(bytes.NewReader(realFile(t, excerpt+".kallsyms")))
	if err != nil {
		t.Fatal(err)
	}
	return RawTrace{Header: h, Entry: en, Exit: ex, Symbols: syms,
		CPUs: []io.Reader{bytes.NewReader(realFile(t, excerpt+".raw"))}}
}

// The formats as the 6.1 kernel wrote them (kernel/trace/trace_entries.h:
// funcgraph_entry, funcgraph_exit; ring_buffer_print_page_header).
func TestRealFormats(t *testing.T) {
	r := realRaw(t, "tty_read")
	if r.Header != (tracefs.PageLayout{CommitOffset: 8, CommitSize: 8, DataOffset: 16, DataSize: 4080}) {
		t.Errorf("page header = %+v", r.Header)
	}
	if r.Header.PageSize() != 4096 {
		t.Errorf("page size %d", r.Header.PageSize())
	}
	if r.Entry.Name != "funcgraph_entry" || r.Entry.ID != 11 || r.Exit.Name != "funcgraph_exit" || r.Exit.ID != 10 {
		t.Errorf("events %s %d, %s %d", r.Entry.Name, r.Entry.ID, r.Exit.Name, r.Exit.ID)
	}
	for _, c := range []struct {
		f      *tracefs.Format
		name   string
		offset int
		size   int
	}{
		{r.Entry, "common_pid", 4, 4}, {r.Entry, "func", 8, 8}, {r.Entry, "depth", 16, 4},
		{r.Exit, "func", 8, 8}, {r.Exit, "overrun", 20, 4}, {r.Exit, "rettime", 32, 8},
	} {
		if fl, ok := c.f.Field(c.name); !ok || fl.Offset != c.offset || fl.Size != c.size {
			t.Errorf("%s.%s = %+v, %v; want offset %d size %d", c.f.Name, c.name, fl, ok, c.offset, c.size)
		}
	}
}

// The kernel's text rendering and our decoding of the binary pages of the
// same events must give the same footprint, counter for counter.
func TestRealTextAndRawAgree(t *testing.T) {
	for _, ex := range []string{"tty_read", "nft_newrule"} {
		t.Run(ex, func(t *testing.T) {
			text, err := Parse(bytes.NewReader(realFile(t, ex+".txt")), Options{Strict: true})
			if err != nil {
				t.Fatal(err)
			}
			raw, err := ParseRaw(realRaw(t, ex), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(text.Syscalls(), raw.Syscalls()) {
				t.Fatalf("syscalls: text %v, raw %v", text.Syscalls(), raw.Syscalls())
			}
			for _, s := range text.Syscalls() {
				a, b := text.PerSyscall[s], raw.PerSyscall[s]
				if !maps.Equal(a.Functions, b.Functions) || !maps.Equal(a.ExitWork, b.ExitWork) || a.Depth != b.Depth || a.Invocations != b.Invocations {
					t.Errorf("%s: text %+v\nraw %+v", s, a, b)
				}
			}
			tc := counters{text.Unattributed, text.IRQ, text.Unbalanced, text.Abandoned, text.Skipped, text.LostMarks, text.Lost}
			rc := counters{raw.Unattributed, raw.IRQ, raw.Unbalanced, raw.Abandoned, raw.Skipped, raw.LostMarks, raw.Lost}
			if tc != rc {
				t.Errorf("counters: text %+v, raw %+v", tc, rc)
			}
			if !maps.Equal(text.Modules, raw.Modules) {
				t.Errorf("modules: text %v, raw %v", text.Modules, raw.Modules)
			}
			// Every call is counted once: the entry lines ("{" and
			// leaves ";") of the text, counted here with grep's
			// eyes, are the calls attributed, unattributed or in
			// interrupt context.
			lines := strings.Split(string(realFile(t, ex+".txt")), "\n")
			calls := 0
			for _, l := range lines {
				if strings.HasSuffix(l, "{") || strings.HasSuffix(l, ";") {
					calls++
				}
			}
			got := text.Unattributed + text.IRQ
			for _, sf := range text.PerSyscall {
				for _, n := range sf.Functions {
					got += n
				}
			}
			if got != calls {
				t.Errorf("%d calls counted, the text has %d entry lines", got, calls)
			}
		})
	}
}

func TestParseKallsyms(t *testing.T) {
	s, err := ParseKallsyms(strings.NewReader(`ffffffff81000000 T _stext
ffffffff81000000 T startup_64
ffffffff81000100 t __do_sys_getpid
ffffffff81000100 T __x64_sys_getpid
ffffffff82000000 D some_data
ffffffffc0001000 t nf_tables_newrule	[nf_tables]
ffffffffc0002000 t cleanup_module	[nf_tables]
ffffffffc0003000 t cleanup_module	[nfnetlink]
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		addr      uint64
		name, mod string
		ok        bool
	}{
		{0xffffffff81000000, "_stext", "", true},
		{0xffffffff81000104, "__do_sys_getpid", "", true}, // inside: the symbol below
		{0xffffffff81000100, "__do_sys_getpid", "", true}, // aliases: the first listed
		{0xffffffffc0001000, "nf_tables_newrule", "nf_tables", true},
		{0xffffffff80000000, "", "", false},
	} {
		sym, ok := s.Lookup(c.addr)
		if ok != c.ok || sym.Name != c.name || sym.Module != c.mod {
			t.Errorf("Lookup(%#x) = %+v, %v; want %s [%s], %v", c.addr, sym, ok, c.name, c.mod, c.ok)
		}
	}
	if got := s.Aliases("__do_sys_getpid"); !slices.Equal(got, []string{"__x64_sys_getpid"}) {
		t.Errorf("Aliases(__do_sys_getpid) = %v", got)
	}
	if got := s.Modules("cleanup_module"); !slices.Equal(got, []string{"nf_tables", "nfnetlink"}) {
		t.Errorf("Modules(cleanup_module) = %v", got)
	}
	if s.Len() != 7 {
		t.Errorf("Len = %d, want the 7 text symbols", s.Len())
	}
	for _, bad := range []string{
		"",
		"0000000000000000 T _stext\n0000000000000000 t foo\n", // kptr_restrict
		"ffffffff81000000 T\n",
		"xyz T foo\n",
		"ffffffff81000000 T foo [mod\n",
		"ffffffff81000000 TT foo\n",
	} {
		if _, err := ParseKallsyms(strings.NewReader(bad)); !errors.Is(err, ErrRaw) {
			t.Errorf("ParseKallsyms(%q) = %v, want ErrRaw", bad, err)
		}
	}
}

// rawPage builds one page of the 6.1 layout holding records.
func rawPage(commitFlags uint64, records ...[]byte) []byte {
	p := make([]byte, 4096)
	binary.LittleEndian.PutUint64(p[0:], 1000)
	off := 16
	for _, r := range records {
		copy(p[off:], r)
		off += len(r)
	}
	binary.LittleEndian.PutUint64(p[8:], uint64(off-16)|commitFlags)
	return p
}

// graphRecord is a ring-buffer record (type_len 6: 24 bytes) of a
// funcgraph_entry (id 11) or a 40-byte funcgraph_exit (id 10, type_len 10).
func graphRecord(id uint16, pid int32, fn uint64, delta uint32) []byte {
	size := 24
	if id == 10 {
		size = 40
	}
	r := make([]byte, 4+size)
	binary.LittleEndian.PutUint32(r, uint32(size/4)|delta<<5)
	binary.LittleEndian.PutUint16(r[4:], id)
	binary.LittleEndian.PutUint32(r[8:], uint32(pid))
	binary.LittleEndian.PutUint64(r[12:], fn)
	return r
}

// A synthetic trace in the real layout exercises what the captured pages
// do not: a time extend, padding, two CPUs merged by time, and a page
// flagged with missed events and their count.
func TestParseRawLayout(t *testing.T) {
	base := realRaw(t, "tty_read")
	syms, err := ParseKallsyms(strings.NewReader("ffffffff81000000 T __x64_sys_getpid\nffffffff81000100 t __task_pid_nr_ns\nffffffff81000200 t f\n"))
	if err != nil {
		t.Fatal(err)
	}
	ext := make([]byte, 8) // time extend: type_len 30
	binary.LittleEndian.PutUint32(ext, 30)
	binary.LittleEndian.PutUint32(ext[4:], 1)
	pad := make([]byte, 12) // discarded event: type_len 29, delta 1, length 8
	binary.LittleEndian.PutUint32(pad, 29|1<<5)
	binary.LittleEndian.PutUint32(pad[4:], 8)
	cpu0 := rawPage(0,
		graphRecord(11, 7, 0xffffffff81000000, 0), // getpid {
		ext,
		pad,
		graphRecord(11, 7, 0xffffffff81000100, 1), // __task_pid_nr_ns {
		graphRecord(10, 7, 0xffffffff81000100, 1), // }
		graphRecord(10, 7, 0xffffffff81000000, 1), // }
	)
	// CPU 1: pid 8 calls f before pid 7 returns (earlier timestamps);
	// its second page reports 5 missed events.
	lost := rawPage(1<<31|1<<30, graphRecord(11, 8, 0xffffffff81000200, 0))
	binary.LittleEndian.PutUint64(lost[16+28:], 5)
	cpu1 := append(rawPage(0, graphRecord(11, 8, 0xffffffff81000000, 0), graphRecord(10, 8, 0xffffffff81000000, 1)), lost...)
	base.Symbols = syms
	base.CPUs = []io.Reader{bytes.NewReader(cpu0), bytes.NewReader(cpu1)}
	fp, err := ParseRaw(base, Options{})
	if err != nil {
		t.Fatal(err)
	}
	g := fp.PerSyscall["getpid"]
	if g == nil || g.Invocations != 2 || g.Functions["__x64_sys_getpid"] != 2 || g.Functions["__task_pid_nr_ns"] != 1 || g.Depth != 2 {
		t.Fatalf("getpid = %+v", g)
	}
	if fp.Lost != 5 || fp.LostMarks != 1 || fp.Unattributed != 1 {
		t.Errorf("lost %d in %d marks, %d unattributed; want 5, 1, 1 (f after the loss)", fp.Lost, fp.LostMarks, fp.Unattributed)
	}

	for _, c := range []struct {
		name string
		cpus [][]byte
		want string
	}{
		{"short page", [][]byte{cpu0[:100]}, "cpu 0 page 0 (byte 0): the input ends 100 bytes into a 4096-byte page"},
		{"commit too large", [][]byte{func() []byte { p := slices.Clone(cpu0); binary.LittleEndian.PutUint64(p[8:], 5000); return p }()}, "cpu 0 page 0 (byte 0): bad ring buffer page: commit says 5000 data bytes"},
		{"record overruns", [][]byte{rawPage(0, graphRecord(11, 7, 0xffffffff81000000, 0)[:20])}, "cpu 0 page 0 (byte 0): bad ring buffer page: offset 16: event of 24 bytes overruns"},
		{"negative pid", [][]byte{rawPage(0, graphRecord(11, -3, 0xffffffff81000000, 0))}, "pid -3"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rt := base
			rt.CPUs = nil
			for _, b := range c.cpus {
				rt.CPUs = append(rt.CPUs, bytes.NewReader(b))
			}
			_, err := ParseRaw(rt, Options{})
			if !errors.Is(err, ErrRaw) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want ErrRaw saying %q", err, c.want)
			}
		})
	}
}

// The event formats are tracefs's (tracefs.ParseFormat, tested there);
// ParseRaw refuses those it cannot read records by.
func TestParseRawFormatErrors(t *testing.T) {
	base := realRaw(t, "tty_read")
	noPid := *base.Entry
	noPid.Fields = slices.DeleteFunc(slices.Clone(noPid.Fields), func(f tracefs.Field) bool { return f.Name == "common_pid" })
	bigID := *base.Exit
	bigID.ID = 70000
	for _, c := range []struct {
		name string
		edit func(*RawTrace)
		want string
	}{
		{"no header", func(r *RawTrace) { r.Header = tracefs.PageLayout{} }, "want pages of at most 1 MiB"},
		{"no exit format", func(r *RawTrace) { r.Exit = nil }, "want the funcgraph_entry and funcgraph_exit formats"},
		{"no common_pid", func(r *RawTrace) { r.Entry = &noPid }, "event funcgraph_entry has no field common_pid"},
		{"ID beyond 16 bits", func(r *RawTrace) { r.Exit = &bigID }, `event "funcgraph_exit": ID 70000`},
	} {
		t.Run(c.name, func(t *testing.T) {
			rt := base
			c.edit(&rt)
			if _, err := ParseRaw(rt, Options{}); !errors.Is(err, ErrRaw) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want ErrRaw saying %q", err, c.want)
			}
		})
	}
}
