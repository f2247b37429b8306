package tracefs

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
)

func readTestdata(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
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
	hp, err := ParsePageLayout(bytes.NewReader(readTestdata(t, "format/linux-6.18/header_page")))
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
	f, err := ParseFormat(bytes.NewReader(readTestdata(t, "format/linux-6.18/sys_enter.format")))
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := f.Field("common_pid")
	id, _ := f.Field("id")
	args, _ := f.Field("args")
	raw := readTestdata(t, "ringbuf/linux-6.18-sys_enter.pages")
	var got []traceLine
	le := binary.LittleEndian
	for off := 0; off < len(raw); off += 4096 {
		info, err := parsePage(raw[off:off+4096], defaultPage, func(ts uint64, rec []byte) {
			var tl traceLine
			tl.pid = int(le.Uint32(rec[pid.Offset:]))
			tl.usec = (ts + 500) / 1000 // the kernel's ns2usecs rounds
			tl.nr = int(le.Uint64(rec[id.Offset:]))
			for i := range tl.args {
				tl.args[i] = le.Uint64(rec[args.Offset+8*i:])
			}
			got = append(got, tl)
		})
		if err != nil {
			t.Fatalf("page at %d: %v", off, err)
		}
		if info.Missed {
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
	p := page(77, rbMissedEvents|rbMissedStored, hdr(1, 1), 7)
	binary.LittleEndian.PutUint64(p[16+8:], 12345)
	info, err := parsePage(p, defaultPage, func(uint64, []byte) {})
	if err != nil || !info.Missed || info.MissedCount != 12345 || info.Time != 77 {
		t.Errorf("info %+v err %v, want missed 12345 at time 77", info, err)
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

// The mountinfo lines are this machine's (tracefs at /sys/kernel/tracing)
// and hand-made variants: a sub-tree mount is no root mount, a non-canonical
// root mount is taken only when any place will do, and \040 is a space.
func TestMountPoint(t *testing.T) {
	host := "22 1 0:21 / /sys rw - sysfs sysfs rw\n" +
		"45 23 0:13 / /sys/kernel/tracing rw,relatime - tracefs nodev rw\n"
	other := "40 22 0:12 / /mnt/my\\040trace rw - tracefs nodev rw\n"
	sub := "41 22 0:12 /instances /mnt/x rw - tracefs nodev rw\n"
	for _, c := range []struct {
		mi       string
		anywhere bool
		want     string
	}{
		{host, false, "/sys/kernel/tracing"},
		{other + host, false, "/sys/kernel/tracing"},
		{other + host, true, "/sys/kernel/tracing"},
		{other, false, ""},
		{other, true, "/mnt/my trace"},
		{sub, true, ""},
		{"50 22 0:12 / /sys/kernel/debug/tracing rw - tracefs nodev rw\n", false, "/sys/kernel/debug/tracing"},
		{"", true, ""},
	} {
		if got := mountPoint([]byte(c.mi), c.anywhere); got != c.want {
			t.Errorf("mountPoint(%q, %v) = %q, want %q", c.mi, c.anywhere, got, c.want)
		}
	}
}

// A marker line as trace_pipe prints it with record-tgid: the head of line 1
// of passthrough/testdata/trace_pipe_tgid.txt (captured), with this
// package's stop text after ": tracing_mark_write: ".
func TestIsMarker(t *testing.T) {
	line := []byte("            bash-7233    (   7233) [001] ...1.  7803.052566: tracing_mark_write: sysweight stop 0123456789abcdef")
	if !isMarker(line, "sysweight stop 0123456789abcdef") {
		t.Error("the stop marker is not recognised")
	}
	for _, text := range []string{"stop 0123456789abcdef", "sysweight stop 0123456789abcde", "x"} {
		if isMarker(line, text) {
			t.Errorf("%q taken for the marker", text)
		}
	}
	if isMarker([]byte("sysweight stop 1"), "sysweight stop 1") {
		t.Error("a bare text taken for a marker line")
	}
}
