package syzbot

import (
	"os"
	"reflect"
	"testing"

	"sysweight/syscalls"
)

var x86 = syscalls.MustForArch(syscalls.X86_64)

// testdata/threaded.c was written for this test; the counts below are
// read off it by hand.
func TestParseRepro(t *testing.T) {
	b, err := os.ReadFile("testdata/threaded.c")
	if err != nil {
		t.Fatal(err)
	}
	r := ParseRepro(b, x86)
	if r.Title != "KASAN: use-after-free Read in fixture_release" || r.Status != "fixed" || r.Arch != "" || r.Body != "execute_call" {
		t.Errorf("header/body: %+v", r)
	}
	// socket (case 0), openat (syz_open_dev, case 1), ioctl ×2 (case 2),
	// sendmsg and the test's own mmap of an fd (case 3). Not counted: the
	// kill in a comment, the harness's SYS_unshare and SYS_mount, the
	// openat inside syz_open_dev's definition, the data-area mmaps in
	// main, exit_group, and syz_usb_connect.
	want := map[string]int{"socket": 1, "openat": 1, "ioctl": 2, "sendmsg": 1, "mmap": 1}
	if !reflect.DeepEqual(r.Calls, want) {
		t.Errorf("calls %v, want %v", r.Calls, want)
	}
	if r.Exits != 1 || r.DataMmaps != 0 || r.Skipped["syz_usb_connect"] != 1 || r.Pseudo["syz_open_dev"] != 1 {
		t.Errorf("exits %d, data mmaps %d, skipped %v, pseudo %v", r.Exits, r.DataMmaps, r.Skipped, r.Pseudo)
	}
}

// An older, unthreaded reproducer: the calls are in loop(), main only maps
// the data area.
func TestParseReproLoop(t *testing.T) {
	src := "// WARNING in fixture_write\n// https://syzkaller.appspot.com/bug?id=2\n// status:invalid arch:386\n\n" +
		"void loop()\n{\n  syscall(__NR_mmap, 0x20000000, 0xfff000, 3, 0x32, -1, 0);\n  syscall(__NR_keyctl, 0x17, 0x20000100, 0, 5, 0);\n  syscall(__NR_mmap2, 0x20001000, 0x1000, 3, 0x11, -1, 0);\n}\n\n" +
		"int main()\n{\n  syscall(__NR_mmap, 0x20000000, 0x1000000, 3, 0x32, -1, 0);\n  loop();\n  return 0;\n}\n"
	r := ParseRepro([]byte(src), x86)
	if r.Body != "loop" || r.Status != "invalid" || r.Arch != "386" {
		t.Errorf("%+v", r)
	}
	if want := map[string]int{"keyctl": 1, "mmap": 1}; !reflect.DeepEqual(r.Calls, want) || r.DataMmaps != 1 {
		t.Errorf("calls %v (want %v), data mmaps %d (want 1)", r.Calls, want, r.DataMmaps)
	}
}

func TestBuild(t *testing.T) {
	mk := func(title, status string, calls map[string]int) Repro {
		return Repro{Title: title, Status: status, Body: "execute_one", Calls: calls}
	}
	files := []File{
		{"linux/a.c", mk("bug A", "fixed", map[string]int{"socket": 1, "sendmsg": 3})},
		{"linux/b.c", mk("bug A", "open", map[string]int{"socket": 1})}, // same title: one bug
		{"linux/c.c", mk("bug C", "invalid", map[string]int{"keyctl": 1})},
		{"linux/d.c", mk("bug D", "dup", map[string]int{"socket": 2, "keyctl": 2})},
		{"linux/e.c", mk("bug E", "0", map[string]int{})},
	}
	tb, err := Build(files, Source{"example.org/repros", "0123456789012345678901234567890123456789", "2022-05-16"}, x86)
	if err != nil {
		t.Fatal(err)
	}
	p := tb.Source
	if p.Files != 5 || p.Invalid != 1 || p.Duplicates != 1 || p.Bugs != 3 || p.NoCalls != 1 || p.Documents != 2 {
		t.Errorf("provenance counts %+v", p)
	}
	// N = 2. socket: df 2, tf 1/4 + 2/4, idf ln(2/3). sendmsg: df 1, tf
	// 3/4, idf ln(2/2) = 0. keyctl: df 1, tf 2/4, idf 0.
	want := []Row{{"keyctl", 1, 0}, {"sendmsg", 1, 0}, {"socket", 2, round6(0.75 * -0.4054651081081644)}}
	if !reflect.DeepEqual(tb.Syscalls, want) {
		t.Errorf("rows %v, want %v", tb.Syscalls, want)
	}
}

func TestDefault(t *testing.T) {
	tb, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	p := tb.Source
	if p.Commit != "026c8891a19e672bba71481be250080e1a302ed8" || p.Date != "2022-05-16" || p.Analysis != AnalysisVersion {
		t.Errorf("provenance %+v", p)
	}
	// The corpus at that commit holds 6,804 reproducers (git ls-tree
	// HEAD linux/ lists 6,804 .c files).
	if p.Files != 6804 {
		t.Errorf("files %d, want 6804", p.Files)
	}
	for _, n := range []string{"exit", "exit_group"} {
		if _, ok := tb.Row(n); ok {
			t.Errorf("%s has a row: exits are harness, not test", n)
		}
	}
	for _, n := range []string{"keyctl", "bpf", "io_uring_setup", "setsockopt", "sendmsg"} {
		if r, ok := tb.Row(n); !ok || r.Bugs == 0 {
			t.Errorf("%s: no bugs", n)
		}
	}
}
