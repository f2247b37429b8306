package exposure

import (
	"bufio"
	"os"
	"regexp"
	"strconv"
	"testing"

	"sysweight/seccomp"
)

// headerValues reads `#define NAME VALUE` lines of a system header (Debian's
// libc6-dev and linux-libc-dev), keeping names that match re.
func headerValues(t *testing.T, path string, re *regexp.Regexp) map[string]uint64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("%s absent (apt-get install libc6-dev linux-libc-dev): %v", path, err)
	}
	defer f.Close()
	out := map[string]uint64{}
	line := regexp.MustCompile(`^#define\s+(\w+)\s+(0x[0-9a-fA-F]+|\d+|\w+)\b`)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := line.FindStringSubmatch(sc.Text())
		if m == nil || !re.MatchString(m[1]) {
			continue
		}
		if v, err := strconv.ParseUint(m[2], 0, 64); err == nil {
			out[m[1]] = v
		} else if v, ok := out[m[2]]; ok {
			out[m[1]] = v // an alias: PF_UNIX is PF_LOCAL
		}
	}
	return out
}

// The name tables agree with the system's headers, read here as a second
// source: glibc's bits/socket.h for the families (PF_* numbers), the
// kernel's linux/sched.h for the clone flags, asm-generic/mman-common.h for
// PROT_*.
func TestNameTablesMatchHeaders(t *testing.T) {
	pf := headerValues(t, "/usr/include/x86_64-linux-gnu/bits/socket.h", regexp.MustCompile(`^PF_`))
	for v, n := range socketFamilyNames {
		if got, ok := pf["PF_"+n[3:]]; !ok || got != uint64(v) {
			t.Errorf("%s = %d here, %d (%v) in bits/socket.h", n, v, got, ok)
		}
	}
	if pf["PF_MAX"] != uint64(len(socketFamilyNames)) {
		t.Errorf("PF_MAX %d, %d names", pf["PF_MAX"], len(socketFamilyNames))
	}
	cl := headerValues(t, "/usr/include/linux/sched.h", regexp.MustCompile(`^CLONE_`))
	for v, n := range cloneFlagNames {
		if cl[n] != v {
			t.Errorf("%s = %#x here, %#x in linux/sched.h", n, v, cl[n])
		}
	}
	pr := headerValues(t, "/usr/include/asm-generic/mman-common.h", regexp.MustCompile(`^PROT_`))
	for v, n := range protNames {
		if pr[n] != v {
			t.Errorf("%s = %#x here, %#x in mman-common.h", n, v, pr[n])
		}
	}
}

// Conditions name the values of the arguments that have names: Docker's
// clone rule (moby default.json: value 2114060288, "CLONE_NEWNS |
// CLONE_NEWCGROUP | … | CLONE_NEWNET" in its comment), a family bound, a
// persona; other arguments stay numbers.
func TestCondString(t *testing.T) {
	for _, c := range []struct {
		sys  string
		cond seccomp.Cond
		want string
	}{
		{"clone", seccomp.Cond{Arg: 0, Op: seccomp.OpMaskedEQ, Value: 2114060288}, "arg0 & 0x7e020000 == 0x0 (CLONE_NEWNS|CLONE_NEWCGROUP|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNET)"},
		{"socket", seccomp.Cond{Arg: 0, Op: seccomp.OpNE, Value: 38}, "arg0 != 0x26 (AF_ALG)"},
		{"socket", seccomp.Cond{Arg: 0, Op: seccomp.OpEQ, Value: 99}, "arg0 == 0x63"},
		{"personality", seccomp.Cond{Arg: 0, Op: seccomp.OpEQ, Value: 0xffffffff}, "arg0 == 0xffffffff (query)"},
		{"ioctl", seccomp.Cond{Arg: 1, Op: seccomp.OpEQ, Value: 0x5401}, "arg1 == 0x5401"},
		{"mprotect", seccomp.Cond{Arg: 2, Op: seccomp.OpMaskedEQ, Value: 4, ValueTwo: 4}, "arg2 & 0x4 == 0x4 (PROT_EXEC)"},
	} {
		if got := condString(c.sys, c.cond); got != c.want {
			t.Errorf("%s %+v: %q, want %q", c.sys, c.cond, got, c.want)
		}
	}
}
