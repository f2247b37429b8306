package trace

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

func readTestdata(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Offsets below are read by eye from the committed format files.
func TestLayoutLinux618(t *testing.T) {
	l, err := newLayout(readTestdata(t, "format/linux-6.18/sys_enter.format"),
		readTestdata(t, "format/linux-6.18/sched_process_fork.format"),
		readTestdata(t, "format/linux-6.18/sched_process_exec.format"))
	if err != nil {
		t.Fatal(err)
	}
	want := layout{enterID: 443, idOff: 8, argOff: 16, pidOff: 4, recLen: 64,
		parentOff: 12, childOff: 20, execPidOff: 12, execOldOff: 16}
	if l != want {
		t.Errorf("layout = %+v, want %+v", l, want)
	}
}

// Before 6.x the comms were inline char[16] arrays, moving the pids.
func TestLayoutLinux515Fork(t *testing.T) {
	l, err := newLayout(readTestdata(t, "format/linux-6.18/sys_enter.format"),
		readTestdata(t, "format/linux-5.15/sched_process_fork.format"),
		readTestdata(t, "format/linux-6.18/sched_process_exec.format"))
	if err != nil {
		t.Fatal(err)
	}
	if l.parentOff != 24 || l.childOff != 44 {
		t.Errorf("parent_pid at %d, child_pid at %d; want 24 and 44", l.parentOff, l.childOff)
	}
}

func TestParseFormatFields(t *testing.T) {
	f, err := ParseFormat(bytes.NewReader(readTestdata(t, "format/linux-6.18/sys_enter.format")))
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "sys_enter" || f.ID != 443 || len(f.Fields) != 6 {
		t.Fatalf("got name %q ID %d with %d fields, want sys_enter 443 with 6", f.Name, f.ID, len(f.Fields))
	}
	args, _ := f.Field("args")
	if args != (Field{Name: "args", Type: "unsigned long", Offset: 16, Size: 48}) {
		t.Errorf("args = %+v", args)
	}
	hp, err := headerPage(readTestdata(t, "format/linux-6.18/header_page"))
	if err != nil {
		t.Fatal(err)
	}
	if hp != defaultPage {
		t.Errorf("header_page layout %+v, want %+v", hp, defaultPage)
	}
}

func TestParseFormatSad(t *testing.T) {
	for _, name := range []string{"bad-id", "empty-decl", "negative-offset"} {
		_, err := ParseFormat(bytes.NewReader(readTestdata(t, "format/sad/"+name+".format")))
		if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "line ") {
			t.Errorf("%s: err = %v, want ErrFormat naming the line", name, err)
		}
	}
	_, err := newLayout(readTestdata(t, "format/sad/no-args.format"),
		readTestdata(t, "format/linux-6.18/sched_process_fork.format"),
		readTestdata(t, "format/linux-6.18/sched_process_exec.format"))
	if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "no field args") {
		t.Errorf("no args: err = %v", err)
	}
}

// traceLine is one line of the kernel's text rendering of sys_enter.
type traceLine struct {
	pid  int
	usec uint64
	nr   int
	args [6]uint64
}

func parseTraceText(t *testing.T, b []byte) []traceLine {
	var out []traceLine
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		// "            bash-1650    [000] .....  1472.087554: sys_enter: NR 33 (b, 1, 564eac9979bc, 0, 7, b)"
		f := strings.Fields(sc.Text())
		var l traceLine
		l.pid, _ = strconv.Atoi(f[0][strings.LastIndexByte(f[0], '-')+1:])
		sec, frac, _ := strings.Cut(strings.TrimSuffix(f[3], ":"), ".")
		s, _ := strconv.ParseUint(sec, 10, 64)
		us, _ := strconv.ParseUint(frac, 10, 64)
		l.usec = s*1e6 + us
		l.nr, _ = strconv.Atoi(f[6])
		_, list, _ := strings.Cut(sc.Text(), "(")
		for i, a := range strings.Split(strings.TrimSuffix(list, ")"), ", ") {
			l.args[i], _ = strconv.ParseUint(a, 16, 64)
		}
		out = append(out, l)
	}
	return out
}

// The parser's reading of raw pages must equal the kernel's own text
// rendering of the same events, field by field (time stamps to the µs).
func TestParsePageMatchesKernelText(t *testing.T) {
	want := parseTraceText(t, readTestdata(t, "ringbuf/linux-6.18-sys_enter.trace"))
	if len(want) != 63 {
		t.Fatalf("reference has %d lines, want 63", len(want))
	}
	l, err := newLayout(readTestdata(t, "format/linux-6.18/sys_enter.format"),
		readTestdata(t, "format/linux-6.18/sched_process_fork.format"),
		readTestdata(t, "format/linux-6.18/sched_process_exec.format"))
	if err != nil {
		t.Fatal(err)
	}
	raw := readTestdata(t, "ringbuf/linux-6.18-sys_enter.pages")
	var got []traceLine
	le := binary.LittleEndian
	for off := 0; off < len(raw); off += 4096 {
		info, err := parsePage(raw[off:off+4096], defaultPage, func(ts uint64, rec []byte) {
			var tl traceLine
			tl.pid = int(le.Uint32(rec[l.pidOff:]))
			tl.usec = (ts + 500) / 1000 // the kernel's ns2usecs rounds
			tl.nr = int(le.Uint64(rec[l.idOff:]))
			for i := range tl.args {
				tl.args[i] = le.Uint64(rec[l.argOff+8*i:])
			}
			got = append(got, tl)
		})
		if err != nil {
			t.Fatalf("page at %d: %v", off, err)
		}
		if info.missed {
			t.Errorf("page at %d flagged missed events", off)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("parsed %d events, kernel text has %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("event %d: parsed %+v, kernel says %+v", i, got[i], want[i])
		}
	}
}

// page builds a buffer_data_page from 32-bit words after the header.
func page(ts uint64, flags uint64, words ...uint32) []byte {
	b := make([]byte, 4096)
	binary.LittleEndian.PutUint64(b, ts)
	for i, w := range words {
		binary.LittleEndian.PutUint32(b[16+4*i:], w)
	}
	binary.LittleEndian.PutUint64(b[8:], uint64(4*len(words))|flags)
	return b
}

func hdr(typeLen, delta uint32) uint32 { return typeLen | delta<<5 }

// Hand-made pages following include/linux/ring_buffer.h and
// kernel/trace/ring_buffer.c: rb_event_length, rb_update_event.
func TestParsePageEventTypes(t *testing.T) {
	p := page(1000, 0,
		hdr(2, 10), 0xaa, 0xbb, // 8-byte event, delta 10
		hdr(rbTypeExtend, 5), 2, // delta 2<<27 + 5
		hdr(0, 1), 4+12, 1, 2, 3, // long form: array[0] = 16 covers itself and 12 data bytes
		hdr(rbTypePadding, 7), 12, 0, 0, // discarded event: array[0] = 12 bytes after the header
		hdr(1, 3), 0xcc,
		hdr(rbTypeStamp, 9), 0, // absolute time 9
		hdr(1, 1), 0xdd,
		hdr(rbTypePadding, 0), 0, // end of data
		hdr(1, 1), 0xee, // never reached
	)
	type ev struct {
		ts  uint64
		len int
		w0  uint32
	}
	var got []ev
	_, err := parsePage(p, defaultPage, func(ts uint64, rec []byte) {
		got = append(got, ev{ts, len(rec), binary.LittleEndian.Uint32(rec)})
	})
	if err != nil {
		t.Fatal(err)
	}
	ext := uint64(2)<<27 + 5
	want := []ev{
		{1010, 8, 0xaa},
		{1010 + ext + 1, 12, 1},
		{1010 + ext + 1 + 3, 4, 0xcc}, // padding's delta is a flag, not time
		{9 + 1, 4, 0xdd},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("events %v, want %v", got, want)
	}
}

func TestParsePageMissed(t *testing.T) {
	p := page(0, rbMissedEvents|rbMissedStored, hdr(1, 1), 7)
	binary.LittleEndian.PutUint64(p[16+8:], 12345)
	info, err := parsePage(p, defaultPage, func(uint64, []byte) {})
	if err != nil || !info.missed || info.missedCount != 12345 {
		t.Errorf("info %+v err %v, want missed 12345", info, err)
	}
}

func TestParsePageSad(t *testing.T) {
	for name, p := range map[string][]byte{
		"short header":   make([]byte, 10),
		"commit too big": func() []byte { b := page(0, 0); binary.LittleEndian.PutUint64(b[8:], 5000); return b }(),
		"truncated":      page(0, 0, hdr(4, 0), 1),
		"long overrun":   page(0, 0, hdr(0, 0), 4000),
		"long too short": page(0, 0, hdr(0, 0), 2),
		"padding":        page(0, 0, hdr(rbTypePadding, 1), 100),
		"half header":    page(0, 0, hdr(0, 0))[:16+4],
	} {
		if name == "half header" {
			binary.LittleEndian.PutUint64(p[8:], 4)
		}
		_, err := parsePage(p, defaultPage, func(uint64, []byte) {})
		if !errors.Is(err, ErrPage) {
			t.Errorf("%s: err = %v, want ErrPage", name, err)
		}
	}
}

// The overrun of 40080 is what `cat per_cpu/cpu1/stats` showed.
func TestParseStatsLost(t *testing.T) {
	for file, want := range map[string]uint64{"stats-cpu0.txt": 0, "stats-cpu1.txt": 40080} {
		got, err := parseStatsLost(readTestdata(t, file))
		if err != nil || got != want {
			t.Errorf("%s: lost %d, %v; want %d", file, got, err, want)
		}
	}
	if _, err := parseStatsLost([]byte("overrun: lots\n")); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("bad overrun: err = %v", err)
	}
}

func TestStatPPID(t *testing.T) {
	for stat, want := range map[string]int{
		"1234 (sh) S 1 1234 1234 0 -1":            1,
		"77 (a) b (c) R 42 77 77 0 -1 4194560 91": 42, // comm "a) b (c"
	} {
		if got, err := statPPID([]byte(stat)); err != nil || got != want {
			t.Errorf("%q: %d, %v; want %d", stat, got, err, want)
		}
	}
	for _, bad := range []string{"1234 sh S 1", "1 (x) S", "1 (x) S y"} {
		if _, err := statPPID([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestTreeTids(t *testing.T) {
	proc := fstest.MapFS{
		"10/stat":     {Data: []byte("10 (init) S 1 0")},
		"10/task/10":  {},
		"10/task/11":  {},
		"20/stat":     {Data: []byte("20 (child) S 10 0")},
		"20/task/20":  {},
		"30/stat":     {Data: []byte("30 (grand) S 20 0")},
		"30/task/30":  {},
		"40/stat":     {Data: []byte("40 (other) S 1 0")},
		"40/task/40":  {},
		"self/stat":   {Data: []byte("x")},
		"cpuinfo":     {Data: []byte("x")},
		"99/task/99":  {}, // vanished: no stat
		"20/task/21":  {},
		"30/task/xyz": {},
	}
	got, err := treeTids(proc, 10)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[10 11 20 21 30]" {
		t.Errorf("tids %v, want [10 11 20 21 30]", got)
	}
	if _, err := treeTids(proc, 55); !errors.Is(err, ErrNoProcess) {
		t.Errorf("absent pid: err = %v", err)
	}
}

func TestTracefsMount(t *testing.T) {
	mi := "22 1 0:21 / /sys rw - sysfs sysfs rw\n" +
		"40 22 0:12 / /sys/kernel/tracing rw,nosuid - tracefs nodev rw\n"
	if got := tracefsMount([]byte(mi)); got != "/sys/kernel/tracing" {
		t.Errorf("got %q", got)
	}
	if got := tracefsMount([]byte("40 22 0:12 /sub /mnt/x rw - tracefs nodev rw\n")); got != "" {
		t.Errorf("non-canonical mount: got %q", got)
	}
}
