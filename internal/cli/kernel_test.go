package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"sysweight/kernel/analysis"
	"sysweight/kernel/analysis/analysistest"
)

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestKernelAnalyze runs the command on the synthetic kernel of
// kernel/analysis/analysistest, whose figures are worked out by hand there:
// keyctl reaches 3 functions with total CC 4, 4 and 5 with the hub; its top
// functions list the two only keyctl reaches first (kernel/analysis tests).
func TestKernelAnalyze(t *testing.T) {
	img := writeTemp(t, "vmlinux", analysistest.ELF())
	out := filepath.Join(t.TempDir(), "k.json")
	code, stdout, stderr := run(t, "kernel", "analyze", img, "--syscalls", "keyctl,read", "--out", out, "--package", "test 1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(stdout, analysistest.Banner+" (symtab symbols)\n13 functions, 7 syscalls") {
		t.Errorf("head:\n%s", stdout)
	}
	if !regexp.MustCompile(`(?m)^keyctl +3 +4 +4 +5 +1 +0 +__x64_sys_keyctl\(1\) keyctl_read_key\(1\) key_validate\(2\)$`).MatchString(stdout) {
		t.Errorf("keyctl row missing:\n%s", stdout)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := analysis.LoadReport(f)
	if err != nil {
		t.Fatal(err)
	}
	if r.Kernel.Package != "test 1" || r.Kernel.File != "vmlinux" || len(r.Kernel.SHA256) != 64 || len(r.Syscalls) != 7 {
		t.Errorf("report kernel %+v, %d syscalls", r.Kernel, len(r.Syscalls))
	}
	dir, _ := os.ReadDir(filepath.Dir(out))
	if len(dir) != 1 {
		t.Errorf("temporary files left beside --out: %v", dir)
	}

	code, stdout, _ = run(t, "kernel", "analyze", img, "--functions", "-o", "csv")
	if code != 0 || !strings.HasPrefix(stdout, "FUNCTION,ADDR,CC,SYSCALLS,HUB,FILE\nkey_validate,0xffffffff810000c0,2,3,,\n") {
		t.Errorf("--functions csv (exit %d):\n%s", code, stdout)
	}
	sysmap := writeTemp(t, "System.map", []byte(analysistest.SystemMap(0x1e00000)))
	code, stdout2, stderr := run(t, "kernel", "analyze", img, "--symbols", sysmap, "-o", "csv")
	code1, stdout1, _ := run(t, "kernel", "analyze", img, "-o", "csv")
	if code != 0 || code1 != 0 || stdout1 != stdout2 {
		t.Errorf("--symbols (KASLR-moved kallsyms) differs (exit %d %s):\n%s\n%s", code, stderr, stdout1, stdout2)
	}
}

// TestKernelAnalyzeBadInput: one line on stderr naming the input, exit 2.
func TestKernelAnalyzeBadInput(t *testing.T) {
	elf := analysistest.ELF()
	img := writeTemp(t, "vmlinux", elf)
	truncated := writeTemp(t, "truncated", elf[:200])
	garbage := writeTemp(t, "garbage", []byte("PK\x03\x04 this is a zip, not a kernel image................"))
	badSyms := writeTemp(t, "System.map", []byte("ffffffff81000000 T _text\nnot a symbol line\n"))
	emptySyms := writeTemp(t, "empty.map", nil)
	badMap := writeTemp(t, "filemap", []byte("hello\n"))
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{img[:len(img)-1] + "X"}, "no such file"},
		{[]string{truncated}, truncated + ": reading ELF"},
		{[]string{garbage}, garbage + ": unknown kernel image format: magic 50 4b 03 04"},
		{[]string{img, "--symbols", badSyms}, badSyms + ": line 2: "},
		{[]string{img, "--symbols", emptySyms}, emptySyms + ": no symbols"},
		{[]string{img, "--dwarf", badMap}, badMap + `: bad file map: line 1: want the header`},
		{[]string{img, "--syscalls", "frobnicate"}, `"frobnicate" has no entry point`},
		{[]string{img, "--save-filemap", "x"}, "--save-filemap needs --dwarf"},
		{[]string{img, "--top", "-1"}, "want 0 or more"},
	} {
		code, stdout, stderr := run(t, append([]string{"kernel", "analyze"}, c.args...)...)
		if code != 2 || stdout != "" || !strings.Contains(stderr, c.want) || strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "sysweight: ") {
			t.Errorf("%v: exit %d, stderr %q, want one line with %q", c.args, code, stderr, c.want)
		}
	}
}

func TestKernelAnalyzeHelp(t *testing.T) {
	code, stdout, _ := run(t, "kernel", "analyze", "--help")
	if code != 0 || !strings.Contains(stdout, "sysweight kernel analyze /boot/vmlinuz-$(uname -r)") {
		t.Errorf("exit %d:\n%s", code, stdout)
	}
}

// TestKernelModuleBadInput: the package and module inputs of kernel analyze
// and kernel reach fail with one line naming the file, exit 2. The wrong
// kernel is real: kernel/module's test module, built with gcc, carries the
// vermagic of Debian's 6.1.0-56-cloud-amd64 (testdata/mod.c), and the
// synthetic image is 6.1.0-test.
func TestKernelModuleBadInput(t *testing.T) {
	img := writeTemp(t, "vmlinux", analysistest.ELF())
	deb, err := os.ReadFile(filepath.Join("..", "..", "kernel", "debpkg", "testdata", "happy", "hello-xz.deb"))
	if err != nil {
		t.Fatal(err)
	}
	truncated := writeTemp(t, "linux-image-truncated.deb", deb[:len(deb)*2/3])
	noKernel := writeTemp(t, "hello.deb", deb)
	notELF := t.TempDir()
	if err := os.WriteFile(filepath.Join(notELF, "bad.ko"), []byte("this is not an ELF object\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	emptyDir := t.TempDir()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{truncated}, truncated + ": "},
		{[]string{noKernel}, noKernel + ": no kernel image (boot/vmlinuz-*) in the package"},
		{[]string{img, "--modules", notELF}, filepath.Join(notELF, "bad.ko") + ": "},
		{[]string{img, "--modules", emptyDir}, emptyDir + ": no kernel modules"},
		{[]string{noKernel, "--modules", emptyDir}, "brings its own modules"},
	}
	if gcc, err := exec.LookPath("gcc"); err == nil {
		other := t.TempDir()
		src, _ := filepath.Abs(filepath.Join("..", "..", "kernel", "module", "testdata", "mod.c"))
		ko := filepath.Join(other, "test-mod.ko")
		if out, err := exec.Command(gcc, "-O2", "-c", "-fno-pic", "-mcmodel=kernel", "-mno-red-zone", "-fno-stack-protector", src, "-o", ko).CombinedOutput(); err != nil {
			t.Fatalf("gcc: %v\n%s", err, out)
		}
		cases = append(cases, struct {
			args []string
			want string
		}{[]string{img, "--modules", other}, ko + `: module built for another kernel: vermagic "6.1.0-56-cloud-amd64", the image is 6.1.0-test`})
	} else {
		t.Log("gcc absent: the wrong-kernel case is skipped (scripts/install-deps.sh installs gcc)")
	}
	for _, c := range cases {
		for _, cmd := range [][]string{{"kernel", "analyze"}, {"kernel", "reach"}} {
			args := append(append(slices.Clone(cmd), c.args...), "keyctl")
			if cmd[1] == "analyze" {
				args = append(slices.Clone(cmd), c.args...)
			}
			code, stdout, stderr := run(t, args...)
			if code != 2 || stdout != "" || !strings.Contains(stderr, c.want) || strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "sysweight: ") {
				t.Errorf("%v: exit %d, stderr %q, want one line with %q", args, code, stderr, c.want)
			}
		}
	}
}
