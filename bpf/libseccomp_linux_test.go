//go:build linux

package bpf

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"sysweight/seccomp"
	"sysweight/syscalls"
)

var (
	allow    = seccomp.Verdict{Action: seccomp.ActAllow}
	logV     = seccomp.Verdict{Action: seccomp.ActLog}
	errno    = func(e uint32) seccomp.Verdict { return seccomp.Verdict{Action: seccomp.ActErrno, Errno: e} }
	eq       = func(arg uint8, v uint64) seccomp.Cond { return seccomp.Cond{Arg: arg, Op: seccomp.OpEQ, Value: v} }
	lscRules = []seccomp.Rule{
		// What the child needs after loading the filter.
		{Syscall: "read", Verdict: allow},
		{Syscall: "write", Verdict: allow},
		{Syscall: "exit_group", Verdict: allow},
		// The rules under test: default EPERM, as Docker's.
		{Syscall: "getppid", Verdict: allow},
		{Syscall: "getuid", Verdict: errno(13)},
		{Syscall: "getgid", Verdict: logV},
		{Syscall: "uname", Verdict: errno(38)},
		{Syscall: "personality", Conds: []seccomp.Cond{eq(0, 0xffffffff)}, Verdict: allow},
		{Syscall: "personality", Conds: []seccomp.Cond{eq(0, 8)}, Verdict: errno(22)},
		{Syscall: "socket", Conds: []seccomp.Cond{eq(0, 1)}, Verdict: allow},
		{Syscall: "socket", Conds: []seccomp.Cond{eq(0, 10)}, Verdict: errno(97)},
		{Syscall: "getpriority", Conds: []seccomp.Cond{eq(0, 0)}, Verdict: allow},
		{Syscall: "getpriority", Conds: []seccomp.Cond{eq(0, 1), {Arg: 1, Op: seccomp.OpGE, Value: 0x100000000}}, Verdict: errno(34)},
		{Syscall: "getpriority", Conds: []seccomp.Cond{eq(0, 2), {Arg: 1, Op: seccomp.OpLT, Value: 0x80000000}}, Verdict: errno(35)},
		{Syscall: "dup3", Conds: []seccomp.Cond{{Arg: 2, Op: seccomp.OpMaskedEQ, Value: 0x80000, ValueTwo: 0x80000}}, Verdict: allow},
		{Syscall: "kill", Conds: []seccomp.Cond{eq(1, 0)}, Verdict: allow},
		{Syscall: "setpgid", Conds: []seccomp.Cond{{Arg: 0, Op: seccomp.OpNE, Value: 0}}, Verdict: errno(36)},
		{Syscall: "getpgid", Conds: []seccomp.Cond{{Arg: 0, Op: seccomp.OpGT, Value: 0xffffffff}}, Verdict: errno(39)},
		{Syscall: "getsid", Conds: []seccomp.Cond{{Arg: 0, Op: seccomp.OpLE, Value: 5}}, Verdict: errno(40)},
	}
)

var cmpNames = map[seccomp.Op]string{seccomp.OpNE: "SCMP_CMP_NE", seccomp.OpLT: "SCMP_CMP_LT", seccomp.OpLE: "SCMP_CMP_LE",
	seccomp.OpEQ: "SCMP_CMP_EQ", seccomp.OpGE: "SCMP_CMP_GE", seccomp.OpGT: "SCMP_CMP_GT", seccomp.OpMaskedEQ: "SCMP_CMP_MASKED_EQ"}

// libseccompSource renders rules as a C program that loads them with
// libseccomp, says "ready", then makes the syscalls listed on stdin
// ("NR A0 .. A5" per line) and prints "RET ERRNO" for each.
func libseccompSource(def seccomp.Verdict, rules []seccomp.Rule) string {
	action := func(v seccomp.Verdict) string {
		switch v.Action {
		case seccomp.ActAllow:
			return "SCMP_ACT_ALLOW"
		case seccomp.ActLog:
			return "SCMP_ACT_LOG"
		case seccomp.ActErrno:
			return fmt.Sprintf("SCMP_ACT_ERRNO(%d)", v.Errno)
		}
		panic("action not used in this test: " + v.String())
	}
	var b strings.Builder
	b.WriteString(`#define _GNU_SOURCE
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

static char in[1 << 16];

int main(void)
{
	scmp_filter_ctx ctx = seccomp_init(` + action(def) + `);
	if (!ctx) return 2;
	int rc = 0;
`)
	for _, r := range rules {
		var conds []string
		for _, c := range r.Conds {
			if c.Op == seccomp.OpMaskedEQ {
				conds = append(conds, fmt.Sprintf("SCMP_A%d(%s, %#xULL, %#xULL)", c.Arg, cmpNames[c.Op], c.Value, c.ValueTwo))
			} else {
				conds = append(conds, fmt.Sprintf("SCMP_A%d(%s, %#xULL)", c.Arg, cmpNames[c.Op], c.Value))
			}
		}
		args := ""
		if len(conds) > 0 {
			args = ", " + strings.Join(conds, ", ")
		}
		fmt.Fprintf(&b, "\trc |= seccomp_rule_add(ctx, %s, SCMP_SYS(%s), %d%s);\n", action(r.Verdict), r.Syscall, len(conds), args)
	}
	b.WriteString(`	if (rc) { fprintf(stderr, "rule_add: %d\n", rc); return 2; }
	if ((rc = seccomp_load(ctx))) { fprintf(stderr, "load: %d\n", rc); return 2; }
	/* From here on only read, write, exit_group and the calls under test. */
	write(1, "ready\n", 6);
	size_t n = 0;
	ssize_t r;
	while ((r = read(0, in + n, sizeof in - 1 - n)) > 0)
		n += r;
	in[n] = 0;
	for (char *p = in; *p;) {
		unsigned long long v[7];
		for (int i = 0; i < 7; i++)
			v[i] = strtoull(p, &p, 0);
		while (*p == ' ' || *p == '\n') p++;
		long ret = syscall((long)v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
		char out[64];
		int len = snprintf(out, sizeof out, "%ld %d\n", ret, ret < 0 ? errno : 0);
		write(1, out, len);
	}
	syscall(SYS_exit_group, 0);
}
`)
	return b.String()
}

func hostArch(t *testing.T) syscalls.Arch {
	a, err := syscalls.ParseArch(runtime.GOARCH)
	if err != nil {
		t.Skipf("no syscall table for %s", runtime.GOARCH)
	}
	return a
}

// TestLibseccompFilter is the three-way differential test: rules we wrote,
// compiled to BPF by libseccomp and loaded in a child; the dumped program
// interpreted by Run must give what seccomp.Filter.Evaluate says the rules
// mean, on a grid of arguments, and the child's real syscalls must get
// those verdicts from the kernel.
func TestLibseccompFilter(t *testing.T) {
	requireRoot(t)
	arch := hostArch(t)
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		t.Skip("gcc not installed")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "lsc.c")
	def := errno(1)
	if err := os.WriteFile(src, []byte(libseccompSource(def, lscRules)), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "lsc")
	if out, err := exec.Command(gcc, "-O1", "-o", bin, src, "-lseccomp").CombinedOutput(); err != nil {
		if strings.Contains(string(out), "seccomp.h") {
			t.Skip("libseccomp headers missing (apt-get install libseccomp-dev)")
		}
		t.Fatalf("gcc: %v: %s", err, out)
	}
	want, err := seccomp.NewFilter("libseccomp-test", arch, def, lscRules)
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Unresolved) > 0 {
		t.Skipf("rules name syscalls %v missing on %s", want.Unresolved, arch)
	}

	child := exec.Command(bin)
	stdin, err := child.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { child.Process.Kill(); child.Wait() })
	out := bufio.NewScanner(stdout)
	if !out.Scan() || out.Text() != "ready" {
		t.Fatalf("child did not load its filter: %q", out.Text())
	}
	pid := child.Process.Pid
	stack, err := DumpFilters(pid)
	if err != nil {
		t.Fatal(err)
	}
	if len(stack) != 1 {
		t.Fatalf("%d filters, want 1", len(stack))
	}
	prog, err := Compile(stack[0])
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("libseccomp program: %d instructions", prog.Len())
	table := syscalls.MustForArch(arch)

	// The grid: every rule constant, its neighbours, and boundaries, in
	// every conditioned argument.
	vals := []uint64{0, 1, 2, 5, 6, 7, 8, 9, 10, 11, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000, 0x100000001, 0x80000, 0x80800, 0xffffffffffffffff}
	checked := 0
	for _, name := range append(ruleSyscalls(lscRules), "close", "kexec_load") {
		nr, _ := table.Number(name)
		for _, a0 := range vals {
			for _, a1 := range vals {
				for _, a2 := range []uint64{0, 0x80000, 0x80800, 0x800} {
					args := [6]uint64{a0, a1, a2}
					d := SeccompData{Nr: int32(nr), Arch: arch.AuditArch(), Args: args}
					got, exp := prog.Verdict(&d), want.Evaluate(name, &args)
					if got != exp {
						t.Errorf("%s%#x: BPF says %v, the rules say %v", name, args[:3], got, exp)
					}
					checked++
				}
			}
		}
	}
	// Another architecture's calls hit libseccomp's bad-arch action,
	// KILL_THREAD unless set otherwise (seccomp_init(3)).
	if v := prog.Verdict(&SeccompData{Nr: 0, Arch: 0x40000003}); v.Action != seccomp.ActKillThread {
		t.Errorf("i386 read: %v, want kill (libseccomp's default bad-arch action)", v)
	}
	t.Logf("%d verdicts agree", checked)

	// Real calls in the child. An allowed call must succeed (each is
	// chosen so that it does); a denied one fails with the rule's errno.
	calls := []struct {
		name string
		args [6]uint64
	}{
		{"getppid", [6]uint64{}},
		{"getuid", [6]uint64{}},
		{"getgid", [6]uint64{}},
		{"uname", [6]uint64{}},
		{"personality", [6]uint64{0xffffffff}},
		{"personality", [6]uint64{8}},
		{"personality", [6]uint64{0}},
		{"socket", [6]uint64{1, 1, 0}},
		{"socket", [6]uint64{10, 1, 0}},
		{"socket", [6]uint64{2, 1, 0}},
		{"getpriority", [6]uint64{0, 0}},
		{"getpriority", [6]uint64{1, 0x100000001}},
		{"getpriority", [6]uint64{2, 5}},
		{"getpriority", [6]uint64{2, 0x80000000}},
		{"dup3", [6]uint64{0, 100, 0x80000}},
		{"dup3", [6]uint64{0, 101, 0}},
		{"kill", [6]uint64{uint64(pid), 0}},
		{"kill", [6]uint64{uint64(pid), 28}}, // SIGWINCH: ignored by default; denied anyway
		{"setpgid", [6]uint64{0, 0}},
		{"setpgid", [6]uint64{1, 0}},
		{"getpgid", [6]uint64{0x100000000}},
		{"getsid", [6]uint64{0}},
		{"getsid", [6]uint64{6}},
		{"kexec_load", [6]uint64{}},
	}
	var in strings.Builder
	verdicts := make([]seccomp.Verdict, len(calls))
	for i, c := range calls {
		nr, _ := table.Number(c.name)
		args := c.args
		verdicts[i] = prog.Verdict(&SeccompData{Nr: int32(nr), Arch: arch.AuditArch(), Args: args})
		if exp := want.Evaluate(c.name, &args); verdicts[i] != exp {
			t.Errorf("%s%#x: BPF says %v, the rules say %v", c.name, c.args[:3], verdicts[i], exp)
		}
		fmt.Fprintf(&in, "%d %d %d %d %d %d %d\n", nr, args[0], args[1], args[2], args[3], args[4], args[5])
	}
	stdin.Write([]byte(in.String()))
	stdin.Close()
	reached, denied := 0, 0
	for i, c := range calls {
		if !out.Scan() {
			t.Fatalf("child stopped before %s", c.name)
		}
		f := strings.Fields(out.Text())
		ret, _ := strconv.ParseInt(f[0], 10, 64)
		e, _ := strconv.Atoi(f[1])
		v := verdicts[i]
		switch {
		case v.Action.ReachesKernel() && ret < 0:
			t.Errorf("%s%#x: verdict %v, but the call failed with errno %d", c.name, c.args[:3], v, e)
		case v.Action == seccomp.ActErrno && (ret != -1 || e != int(v.Errno)):
			t.Errorf("%s%#x: verdict %v, but the call returned %d errno %d", c.name, c.args[:3], v, ret, e)
		case v.Action.ReachesKernel():
			reached++
		case v.Action == seccomp.ActErrno:
			denied++
		}
	}
	t.Logf("real calls: %d reached the kernel, %d denied with the predicted errno", reached, denied)
	if reached+denied != len(calls) {
		t.Errorf("%d of %d calls checked", reached+denied, len(calls))
	}
}

func ruleSyscalls(rules []seccomp.Rule) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range rules {
		if !seen[r.Syscall] {
			seen[r.Syscall] = true
			out = append(out, r.Syscall)
		}
	}
	return out
}
