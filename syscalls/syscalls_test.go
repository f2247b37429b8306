package syscalls

import (
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// libseccompUnknown lists the names of our tables (Linux v7.2, from
// golang.org/x/sys v0.50.0) that libseccomp 2.5.4+deb12u1 (Debian 12)
// cannot resolve, with the reason. A newer libseccomp may know some of
// them; then its number must agree.
var libseccompUnknown = map[Arch]map[string]string{
	X86_64: merge(newerThanLibseccomp, map[string]string{
		"uretprobe": "x86_64-only syscall 335, added in Linux 6.11, after libseccomp's table",
		"uprobe":    "x86_64-only syscall 336, added after uretprobe, after libseccomp's table",
	}),
	AArch64: newerThanLibseccomp,
}

// newerThanLibseccomp are the generic-table syscalls numbered above 456
// (futex_requeue), the highest number libseccomp 2.5.4+deb12u1 resolves
// on either architecture (checked by the reverse scan below).
var newerThanLibseccomp = func() map[string]string {
	m := map[string]string{}
	for _, n := range []string{"statmount", "listmount", "lsm_get_self_attr", "lsm_set_self_attr", "lsm_list_modules",
		"mseal", "setxattrat", "getxattrat", "listxattrat", "removexattrat", "open_tree_attr", "file_getattr",
		"file_setattr", "listns", "rseq_slice_yield"} {
		m[n] = "numbered 457..471, newer than libseccomp 2.5.4+deb12u1's syscall table (it stops at 456, futex_requeue)"
	}
	return m
}()

func merge(a, b map[string]string) map[string]string {
	m := map[string]string{}
	for k, v := range a {
		m[k] = v
	}
	for k, v := range b {
		m[k] = v
	}
	return m
}

// resolveAll runs scmp_sys_resolver -a arch for every query. It takes one
// name or number per run, so a shell loop runs it once per query (one
// fork from the test binary per chunk, not per query), in two concurrent
// chunks.
func resolveAll(t *testing.T, bin string, arch Arch, queries []string) map[string]string {
	t.Helper()
	const script = `bin=$1; arch=$2; shift 2; for q; do "$bin" -a "$arch" "$q" || echo error; done`
	out := make(map[string]string, len(queries))
	var mu sync.Mutex
	var wg sync.WaitGroup
	half := (len(queries) + 1) / 2
	for _, chunk := range [][]string{queries[:half], queries[half:]} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, err := exec.Command("sh", append([]string{"-c", script, "sh", bin, string(arch)}, chunk...)...).Output()
			lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
			mu.Lock()
			defer mu.Unlock()
			if err != nil || len(lines) != len(chunk) {
				t.Errorf("scmp_sys_resolver loop: %v, %d lines for %d queries", err, len(lines), len(chunk))
				return
			}
			for i, q := range chunk {
				out[q] = strings.TrimSpace(lines[i])
			}
		}()
	}
	wg.Wait()
	return out
}

// Differential test: every name↔number pair of our tables against
// libseccomp's scmp_sys_resolver.
func TestTablesAgainstLibseccomp(t *testing.T) {
	bin, err := exec.LookPath("scmp_sys_resolver")
	if err != nil {
		t.Skip("scmp_sys_resolver not found: install Debian package seccomp")
	}
	for _, arch := range []Arch{X86_64, AArch64} {
		t.Run(string(arch), func(t *testing.T) {
			tab := MustForArch(arch)
			got := resolveAll(t, bin, arch, tab.Names())
			var unknown, agreed []string
			for _, s := range tab.All() {
				res := got[s.Name]
				if res == "-1" {
					unknown = append(unknown, s.Name)
					continue
				}
				nr, err := strconv.Atoi(res)
				if err != nil {
					t.Errorf("%s: scmp_sys_resolver said %q", s.Name, res)
					continue
				}
				if nr != s.Nr {
					t.Errorf("%s: ours %d, libseccomp %d", s.Name, s.Nr, nr)
					continue
				}
				agreed = append(agreed, s.Name)
				if why, listed := libseccompUnknown[arch][s.Name]; listed {
					t.Logf("%s: listed as unknown to libseccomp (%s) but this libseccomp resolves it to the same number", s.Name, why)
				}
			}
			for _, n := range unknown {
				if _, ok := libseccompUnknown[arch][n]; !ok {
					t.Errorf("%s (nr %d): libseccomp does not know it and it is not listed as expected", n, mustNumber(tab, n))
				}
			}
			// The checks above must have covered real pairs.
			if len(agreed)+len(unknown) != tab.Len() || len(agreed) < 300 {
				t.Fatalf("%d agreed, %d unknown of %d", len(agreed), len(unknown), tab.Len())
			}
			t.Logf("%s: %d pairs agree with libseccomp, %d names unknown to it", arch, len(agreed), len(unknown))
		})
	}
}

func mustNumber(t *Table, name string) int {
	nr, _ := t.Number(name)
	return nr
}

// Reverse: no number libseccomp names is missing from our tables. Only the
// gaps need asking; numbers in the tables were checked above.
func TestLibseccompNumbersInTables(t *testing.T) {
	bin, err := exec.LookPath("scmp_sys_resolver")
	if err != nil {
		t.Skip("scmp_sys_resolver not found: install Debian package seccomp")
	}
	for _, arch := range []Arch{X86_64, AArch64} {
		tab := MustForArch(arch)
		all := tab.All()
		var gaps []string
		for nr := 0; nr <= all[len(all)-1].Nr+64; nr++ {
			if _, ok := tab.Name(nr); !ok {
				gaps = append(gaps, strconv.Itoa(nr))
			}
		}
		got := resolveAll(t, bin, arch, gaps)
		for _, q := range gaps {
			if res := got[q]; res != "UNKNOWN" {
				t.Errorf("%s %s: libseccomp names it %q, our table lacks it", arch, q, res)
			}
		}
		if len(got) != len(gaps) || len(gaps) < 100 {
			t.Fatalf("%s: asked %d gap numbers, got %d answers", arch, len(gaps), len(got))
		}
	}
}

// Known holds the names of every architecture: the other-arch names that
// Docker's and Podman's profiles list (moby/profiles default.json,
// containers/common seccomp.json: resolved for x86_64 they leave these
// out) are known; a typo is not.
func TestKnown(t *testing.T) {
	for _, n := range []string{"read", "newfstatat", "socketcall", "chown32", "_llseek", "_newselect", "mmap2",
		"riscv_hwprobe", "set_tls", "vm86old", "bdflush", "pciconfig_read", "clock_gettime64", "umount", "recv", "syscall", "ipc"} {
		if !Known(n) {
			t.Errorf("Known(%q) = false", n)
		}
	}
	for _, n := range []string{"raed", "fstatat", "", "READ", "socket call"} {
		if Known(n) {
			t.Errorf("Known(%q) = true", n)
		}
	}
}
