package ftrace

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

// The files in testdata/real were captured from a running kernel (see
// testdata/README.md): the same events as the kernel's own text (the trace
// file) and as binary ring-buffer pages (trace_pipe_raw), with the guest's
// kallsyms cut down to the traced addresses.

func realFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "real", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tty_read.txt, read by eye: two read(2)s of the tty workload begin in it
// ("__x64_sys_read() {" at lines 88 and 170). The first reads the pty
// slave, through tty_read (line 109; tty_fops.read_iter) and n_tty_read
// (line 115; n_tty_ops.read), and its exit work follows at lines 165-167;
// the second is cut off by the end of the excerpt. The lines of kworker-27
// (a context switch, lines 72-77) belong to no syscall, nor does the exit
// work at lines 40-41 and 84-86, which ends a write whose entry is before
// the excerpt.
func TestRealTTYRead(t *testing.T) {
	fp, err := Parse(bytes.NewReader(realFile(t, "tty_read.txt")), Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := fp.Syscalls(); !slices.Equal(got, []string{"read"}) {
		t.Fatalf("syscalls %v, want [read]", got)
	}
	r := fp.PerSyscall["read"]
	if r.Invocations != 2 {
		t.Errorf("read invocations %d, want 2", r.Invocations)
	}
	for fn, n := range map[string]int{"__x64_sys_read": 2, "ksys_read": 2, "tty_read": 1, "n_tty_read": 1} {
		if r.Functions[fn] != n {
			t.Errorf("read: %s called %d times, want %d", fn, r.Functions[fn], n)
		}
	}
	if _, ok := r.Functions["switch_mm_irqs_off"]; ok {
		t.Error("kworker's switch_mm_irqs_off counted for read")
	}
	// The first read's exit work (lines 165-167) is kept apart, once
	// each; that of the write before it is nobody's.
	for _, fn := range []string{"syscall_exit_to_user_mode_prepare", "exit_to_user_mode_prepare", "fpregs_assert_state_consistent"} {
		if r.ExitWork[fn] != 1 || r.Functions[fn] != 0 {
			t.Errorf("read: %s: %d exit-work calls, %d in the footprint; want 1 and 0", fn, r.ExitWork[fn], r.Functions[fn])
		}
	}
}

// nft_newrule.txt is inside the sendmsg of the nftables batch: no syscall
// entry is in it, so every call is unattributed, and every module function
// is named with its module, as the kernel printed it ("name [module]").
func TestRealModules(t *testing.T) {
	text := realFile(t, "nft_newrule.txt")
	fp, err := Parse(bytes.NewReader(text), Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, m := range regexp.MustCompile(`([A-Za-z0-9_.]+) \[([a-z_]+)\]\(\)`).FindAllSubmatch(text, -1) {
		want[string(m[1])] = string(m[2])
	}
	if len(want) != 29 {
		t.Fatalf("the fixture names %d module functions, want 29", len(want))
	}
	if !maps.Equal(fp.Modules, want) {
		t.Errorf("modules = %v\nwant %v", fp.Modules, want)
	}
	if fp.Modules["nf_tables_newrule"] != "nf_tables" || fp.Modules["nfnetlink_has_listeners"] != "nfnetlink" {
		t.Error("nf_tables_newrule or nfnetlink_has_listeners not in their modules")
	}
	if len(fp.PerSyscall) != 0 {
		t.Errorf("syscalls %v, want none", fp.Syscalls())
	}
}
