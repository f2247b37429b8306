package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// tamperedDB writes a copy of the embedded DB with one number changed and
// the checksum left as it was.
func tamperedDB(t *testing.T) string {
	t.Helper()
	var buf bytes.Buffer
	code := Main(context.Background(), []string{"db", "info", "-o", "json"}, &buf, &buf)
	if code != 0 {
		t.Fatalf("db info: %s", buf.String())
	}
	path := filepath.Join(t.TempDir(), "tampered.json")
	b, err := embeddedDBBytes()
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(b), `"cves": 0,`, `"cves": 1,`, 1)
	if s == string(b) {
		t.Fatal("nothing to tamper with")
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// forgedDB writes a copy of the embedded DB with old replaced by new (once)
// and the checksum recomputed, as someone editing the values would: the
// checksum then holds, and only the values' checks can refuse it.
func forgedDB(t *testing.T, name, old, new string) string {
	t.Helper()
	b, err := embeddedDBBytes()
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(b), old, new, 1)
	if s == string(b) {
		t.Fatalf("forgedDB: %q not in the DB", old)
	}
	const key = `"checksum": "`
	i := strings.Index(s, key) + len(key)
	j := i + strings.IndexByte(s[i:], '"')
	sum := sha256.Sum256([]byte(s[:i] + s[j:]))
	s = s[:i] + "sha256:" + hex.EncodeToString(sum[:]) + s[j:]
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// wantInputError checks how bad input ends: exit status 2, nothing on
// stdout, one line on stderr starting with "sysweight: ".
func wantInputError(t *testing.T, code int, stdout, stderr string) {
	t.Helper()
	if code != 2 {
		t.Errorf("exit %d, want 2 (stderr %q)", code, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout %q, want nothing", stdout)
	}
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "sysweight: ") {
		t.Errorf("stderr %q, want one line starting with 'sysweight: '", stderr)
	}
}

// Every malformed input gives exit status 2, one line on stderr that names
// the input and what is wrong, nothing on stdout, and no output file,
// within the budget (runBudget runs the built binary).
func TestBadInput(t *testing.T) {
	sad := filepath.Join("testdata", "sad")
	out := filepath.Join(t.TempDir(), "out.json")
	k8sSad := filepath.Join("testdata", "k8s", "sad")
	// one document over 2 MiB, refused before it is parsed
	huge := writeTemp(t, "huge.yaml", []byte("apiVersion: v1\nkind: Pod\nmetadata: {name: huge}\nspec:\n  containers: [{name: a}]\n  x: ["+strings.Repeat("0,", 1100000)+"0]\n"))
	cases := []struct {
		name string
		args []string
		want []string // fragments the one error line must hold
	}{
		{"truncated profile", []string{"score", filepath.Join(sad, "truncated.json")}, []string{"truncated.json", "unexpected end"}},
		{"garbage profile", []string{"score", filepath.Join(sad, "garbage.json")}, []string{"garbage.json"}},
		{"unknown action", []string{"score", filepath.Join(sad, "unknown-action.json")}, []string{"unknown-action.json", "SCMP_ACT_MAYBE"}},
		{"unknown op", []string{"exposure", filepath.Join(sad, "unknown-op.json")}, []string{"unknown-op.json", "SCMP_CMP_ABOUT"}},
		{"arg index", []string{"exposure", filepath.Join(sad, "bad-index.json")}, []string{"bad-index.json", "7"}},
		{"bad arch", []string{"score", filepath.Join(sad, "bad-arch.json")}, []string{"bad-arch.json", "SCMP_ARCH_PDP11"}},
		{"bad minKernel", []string{"score", filepath.Join(sad, "bad-minkernel.json")}, []string{"bad-minkernel.json", "four.eight"}},
		{"firecracker op", []string{"score", filepath.Join(sad, "firecracker-bad-op.json")}, []string{"firecracker-bad-op.json", "roughly"}},
		{"oci action type", []string{"score", filepath.Join(sad, "oci-bad.json")}, []string{"oci-bad.json"}},
		{"unknown runtime", []string{"score", "runc-dockr"}, []string{"unknown runtime", "runc-dockr", "runc-docker"}},
		{"unknown runtime in compare", []string{"compare", "runc-docker", "kata-qemu-imaginary"}, []string{"kata-qemu-imaginary"}},
		{"renamed built-in", []string{"score", "kata-qemu"}, []string{"kata-qemu", "renamed qemu-tcg@measured", "not Kata"}},
		{"renamed passthrough runtime", []string{"passthrough", "--runtime", "runsc-systrap"}, []string{"runsc-systrap", "renamed gvisor-systrap"}},
		{"unknown syscall", []string{"explain", "frobnicate"}, []string{"frobnicate", "x86_64"}},
		{"bad format", []string{"compare", "-o", "yaml"}, []string{"yaml", "table, json, csv or markdown"}},
		{"bad norm", []string{"weights", "--norm", "cubic"}, []string{"--norm", "cubic"}},
		{"bad alpha", []string{"weights", "--alpha", "cves=lots"}, []string{"--alpha", "cves=lots"}},
		{"bad alpha metric", []string{"weights", "--alpha", "karma=1"}, []string{"karma"}},
		// a finite coefficient so large that the weights overflow to +Inf
		{"huge alpha", []string{"weights", "--alpha", "cves=1e308"}, []string{"--alpha", "cves=1e308", "1e+06"}},
		{"NaN alpha", []string{"weights", "--alpha", "severity=NaN"}, []string{"severity=NaN"}},
		{"NaN hub fraction", []string{"kernel", "analyze", "--hub-fraction", "NaN", filepath.Join(sad, "truncated.json")}, []string{"--hub-fraction", "NaN"}},
		{"hub fraction above 1", []string{"kernel", "analyze", "--hub-fraction", "5", filepath.Join(sad, "truncated.json")}, []string{"--hub-fraction", "5"}},
		{"bad CNA date", []string{"db", "build", "--kernel-cna", filepath.Join(sad, "truncated.json"), "--kernel-cna-date", "2024-13-45", "--out", out}, []string{"--kernel-cna-date", "2024-13-45", "YYYY-MM-DD"}},
		{"bad kernel", []string{"score", filepath.Join(sad, "truncated.json"), "--kernel", "six"}, []string{"--kernel", "six"}},
		{"unknown capability", []string{"score", filepath.Join("testdata", "happy", "typo.json"), "--caps", "CAP_SYS_ADMIN,CAP_FOO"}, []string{"--caps", "CAP_FOO"}},
		{"unknown capability, built-in", []string{"exposure", "runc-docker", "--caps", "foo"}, []string{"--caps", "foo"}},
		{"caps with built-ins", []string{"compare", "--caps", "CAP_SYS_ADMIN"}, []string{"--caps", "profile files", "runc-docker"}},
		{"kernel with a built-in", []string{"score", "nabla", "--kernel", "5.10"}, []string{"--kernel", "profile files", "nabla"}},
		{"compare bad kernel", []string{"compare", "--kernel", "abc"}, []string{"--kernel", "abc"}},
		{"kernel reach one arg", []string{"kernel", "reach", "x"}, []string{"at least 2 arg"}},
		{"negative top", []string{"weights", "--top", "-3"}, []string{"--top"}},
		{"bad DB checksum", []string{"weights", "--db", tamperedDB(t)}, []string{"tampered.json", "checksum mismatch"}},
		// forged: values changed and the checksum recomputed
		{"forged DB negative severity", []string{"weights", "--db", forgedDB(t, "negsev.json", `"severity": 5.5,`, `"severity": -5.5,`)},
			[]string{"negsev.json", "severity -5.5", "from 0"}},
		{"forged DB huge complexity", []string{"score", "runc-docker", "--db", forgedDB(t, "huge.json", `"complexity": 35,`, `"complexity": 1e308,`)},
			[]string{"huge.json", "complexity 1e+308", "to 1e+09"}},
		{"forged DB unknown field", []string{"weights", "--db", forgedDB(t, "field.json", `"complexity": 35,`, `"complexity": 35, "frobs": 1,`)},
			[]string{"field.json", "unknown field", "frobs"}},
		{"forged DB unknown metric", []string{"weights", "--db", forgedDB(t, "metric.json", `"triggers"
  ],`, `"frobs"
  ],`)}, []string{"metric.json", "meta.metrics", "frobs"}},
		{"forged DB negative count", []string{"weights", "--db", forgedDB(t, "negcount.json", `"unscored": 0,`, `"unscored": -3,`)},
			[]string{"negcount.json", "unscored -3"}},
		{"exposure degree out of range", []string{"score", filepath.Join(sad, "exposure-degree.json")}, []string{"exposure-degree.json", "degree 2 of read"}},
		{"exposure unknown field", []string{"compare", filepath.Join(sad, "exposure-field.json")}, []string{"exposure-field.json", "unknown field", "frobs"}},
		{"forged DB absent unsorted", []string{"weights", "--db", forgedDB(t, "absent1.json", `"_sysctl",
   "afs_syscall",`, `"afs_syscall",
   "_sysctl",`)}, []string{"absent1.json", "kernel_absent[1]", "sorted"}},
		{"forged DB absent unknown", []string{"compare", "--db", forgedDB(t, "absent2.json", `"_sysctl",`, `"frobnicate",`)},
			[]string{"absent2.json", "kernel_absent[0]", "frobnicate"}},
		{"forged DB kernel release", []string{"compare", "--db", forgedDB(t, "release.json", `"kernel_release": "6.1"`, `"kernel_release": "6.1.0-56"`)},
			[]string{"release.json", "kernel_release", "MAJOR.MINOR"}},
		{"forged DB CVE score", []string{"explain", "CVE-2016-8655", "--db", forgedDB(t, "cvescore.json", `"score": 5.5,`, `"score": 55,`)},
			[]string{"cvescore.json", "score 55", "CVSS"}},
		{"missing DB", []string{"weights", "--db", "/nonexistent/w.json"}, []string{"/nonexistent/w.json"}},
		{"corrupt tar.xz", []string{"db", "build", "--kernel-cna", filepath.Join(sad, "corrupt.tar.xz"), "--out", out, "--kernel-cna-date", "2026-01-01"}, []string{"corrupt.tar.xz"}},
		{"bad CVE record", []string{"db", "build", "--kernel-cna", filepath.Join(sad, "badcna"), "--out", out, "--kernel-cna-date", "2026-01-01"}, []string{"CVE-2024-0001.json"}},
		{"db build without out", []string{"db", "build", "--kernel-cna", filepath.Join(sad, "badcna")}, []string{"--out"}},
		{"bad built time", []string{"db", "build", "--kernel-cna", filepath.Join(sad, "badcna"), "--out", out, "--built", "yesterday"}, []string{"--built", "yesterday"}},
		{"too many args", []string{"explain", "read", "write"}, []string{"accepts 1 arg"}},
		{"unknown command", []string{"frob"}, []string{"unknown command"}},
		{"unknown kernel subcommand", []string{"kernel", "frob"}, []string{"unknown command", "frob"}},
		{"unknown db subcommand", []string{"db", "frob"}, []string{"unknown command", "frob"}},
		// trace checks its options before it needs root: exit 2, not 1
		{"trace backend", []string{"trace", "--backend", "foo", "--", "true"}, []string{"backend", "foo", "ebpf, tracefs or auto"}},
		{"trace negative duration", []string{"trace", "--duration", "-1s", "--", "true"}, []string{"--duration", "-1s"}},
		{"trace no process", []string{"trace", "--pid", "99999999"}, []string{"no such process", "99999999"}}, // above any pid_max (2^22)
		{"trace pid and command", []string{"trace", "--pid", "1", "--", "true"}, []string{"--pid"}},
		{"passthrough unknown runtime", []string{"passthrough", "--runtime", "runc-dockr"}, []string{"runc-dockr", "runc-docker"}},
		{"passthrough no runtime", []string{"passthrough"}, []string{"--runtime"}},
		{"report unknown runtime", []string{"report", "runc-dockr", "--out", out}, []string{"runc-dockr", "runc-docker"}},
		{"report with -o", []string{"report", "-o", "report.html"}, []string{"--out report.html", "-o/--format"}},
		{"report with -o and --out", []string{"report", "-o", "json", "--out", out}, []string{"-o/--format", "json"}},
		{"report without --out", []string{"report", "nabla"}, []string{"--out FILE"}},
		{"report into a missing directory", []string{"report", "--out", filepath.Join(out, "r.html")}, []string{"--out", "no directory", out}},
		{"report onto a directory", []string{"report", "--out", filepath.Dir(out)}, []string{"--out", "a directory"}},
		{"report negative top", []string{"report", "--top", "-1", "--out", out}, []string{"--top -1"}},
		{"report bad profile", []string{"report", filepath.Join(sad, "truncated.json"), "--out", out}, []string{"truncated.json", "unexpected end"}},
		{"k8s broken YAML", []string{"k8s", filepath.Join(k8sSad, "broken.yaml")}, []string{"broken.yaml", "document 2, line 10", "invalid YAML"}},
		{"k8s not an object", []string{"k8s", filepath.Join(k8sSad, "notobject.yaml")}, []string{"notobject.yaml", "document 2", "want a mapping with apiVersion and kind"}},
		{"k8s no kind", []string{"k8s", filepath.Join(k8sSad, "nokind.yaml")}, []string{"nokind.yaml", "no apiVersion or kind", "the kinds read are Pod, Deployment"}},
		{"k8s only other kinds", []string{"k8s", filepath.Join(k8sSad, "only-other-kinds.yaml")}, []string{"only-other-kinds.yaml", "no workload (only 1 ConfigMap, 1 Service)", "the kinds read are"}},
		{"k8s missing Localhost file", []string{"k8s", filepath.Join(k8sSad, "missing-localhost.yaml"), "--profiles-dir", filepath.Join("testdata", "k8s", "profiles")},
			[]string{"missing-localhost.yaml", "document 1, line 6", "nowhere/missing.json", "--profiles-dir"}},
		{"k8s Localhost without --profiles-dir", []string{"k8s", filepath.Join(k8sSad, "missing-localhost.yaml")}, []string{"missing-localhost.yaml", "nowhere/missing.json", "no --profiles-dir"}},
		{"k8s unmapped runtime class", []string{"k8s", filepath.Join(k8sSad, "unmapped-class.yaml"), "--runtime-class", "kata=kata-firecracker"},
			[]string{"unmapped-class.yaml", "Deployment sandboxed", `"gvisor"`, "--runtime-class gvisor=RUNTIME"}},
		{"k8s bad Localhost profile", []string{"k8s", filepath.Join(k8sSad, "bad-localhost-profile.yaml"), "--profiles-dir", sad}, []string{"bad-localhost-profile.yaml", "truncated.json", "unexpected end"}},
		{"k8s bad SPO profile", []string{"k8s", filepath.Join(k8sSad, "bad-spo.yaml")}, []string{"bad-spo.yaml", "SeccompProfile shop/odd", "spec.defaultAction", "SCMP_ACT_MAYBE"}},
		{"k8s bad profile type", []string{"k8s", filepath.Join(k8sSad, "bad-type.yaml")}, []string{"bad-type.yaml", "line 9", `"Strict"`, "RuntimeDefault, Localhost or Unconfined"}},
		{"k8s bad capability", []string{"k8s", filepath.Join(k8sSad, "bad-cap.yaml")}, []string{"bad-cap.yaml", "capabilities.add", `"FLY"`}},
		{"k8s wrong type", []string{"k8s", filepath.Join(k8sSad, "wrong-type.yaml")}, []string{"wrong-type.yaml", "line 7", "list of container mappings"}},
		{"k8s Localhost path escapes", []string{"k8s", filepath.Join(k8sSad, "escape.yaml")}, []string{"escape.yaml", "../../etc/passwd", "without '..'"}},
		{"k8s too deep", []string{"k8s", filepath.Join(k8sSad, "deep.yaml")}, []string{"deep.yaml", "64 levels"}},
		{"k8s alias bomb", []string{"k8s", filepath.Join(k8sSad, "aliases.yaml")}, []string{"aliases.yaml", "excessive aliasing"}},
		{"k8s document too large", []string{"k8s", huge}, []string{"huge.yaml", "document 1", "larger than 2097152 bytes"}},
		{"k8s bad seccomp-default", []string{"k8s", "--seccomp-default", "maybe", k8sSad}, []string{"--seccomp-default", "off or on"}},
		{"k8s bad runtime-default", []string{"k8s", "--runtime-default", "runc-dockr", k8sSad}, []string{"--runtime-default", "runc-dockr"}},
		{"k8s runtime-class without =", []string{"k8s", "--runtime-class", "gvisor", k8sSad}, []string{"--runtime-class", "NAME=RUNTIME"}},
		{"k8s runtime-class unknown runtime", []string{"k8s", "--runtime-class", "gvisor=gvisor-sytrap", k8sSad}, []string{"--runtime-class", "gvisor-sytrap"}},
		{"k8s profiles-dir a file", []string{"k8s", "--profiles-dir", huge, k8sSad}, []string{"--profiles-dir", "huge.yaml"}},
		{"k8s no arguments", []string{"k8s"}, []string{"at least 1 arg"}},
		{"report bad baseline", []string{"report", "nabla", "--baseline", "runc-dockr", "--out", out}, []string{"--baseline", "runc-dockr"}},
		{"lint broken profile", []string{"lint", filepath.Join(sad, "truncated.json"), "-o", "sarif", "--out", out}, []string{"truncated.json", "unexpected end"}},
		{"lint broken profile beside a good one", []string{"lint", "runc-docker", filepath.Join(sad, "unknown-op.json"), "--out", out}, []string{"unknown-op.json", "SCMP_CMP_ABOUT"}},
		{"lint unknown baseline", []string{"lint", "nabla", "--baseline", "runc-dockr", "--out", out}, []string{"--baseline", "runc-dockr", "runc-docker"}},
		{"lint broken baseline", []string{"lint", "nabla", "--baseline", filepath.Join(sad, "truncated.json"), "--out", out}, []string{"--baseline", "truncated.json", "unexpected end"}},
		{"lint fail-above above 1", []string{"lint", "nabla", "--fail-above", "1.5", "--out", out}, []string{"--fail-above 1.5", "from 0 to 1"}},
		{"lint fail-above below 0", []string{"lint", "nabla", "--fail-above", "-0.1", "--out", out}, []string{"--fail-above -0.1", "from 0 to 1"}},
		{"lint fail-above NaN", []string{"lint", "nabla", "--fail-above", "NaN", "--out", out}, []string{"--fail-above NaN", "from 0 to 1"}},
		{"lint fail-above not a number", []string{"lint", "nabla", "--fail-above", "half"}, []string{"--fail-above", "half"}},
		{"lint fail-on-excess without baseline", []string{"lint", "nabla", "--fail-on-excess", "--out", out}, []string{"--fail-on-excess", "--baseline"}},
		{"lint negative heavy", []string{"lint", "nabla", "--heavy", "-1", "--out", out}, []string{"--heavy -1"}},
		{"lint bad format", []string{"lint", "nabla", "-o", "yaml"}, []string{"yaml", "table, json, csv, markdown or sarif"}},
		{"lint unknown runtime", []string{"lint", "runc-dockr", "--out", out}, []string{"runc-dockr", "runc-docker"}},
		{"lint into a missing directory", []string{"lint", "nabla", "--out", filepath.Join(out, "l.sarif")}, []string{"--out", "no directory"}},
		{"lint no arguments", []string{"lint"}, []string{"at least 1 arg"}},
		{"suggest no input", []string{"suggest", "--out", out}, []string{"exactly one of --trace FILE, --passthrough FILE or --syscalls LIST", "got 0"}},
		{"suggest two inputs", []string{"suggest", "--syscalls", "read", "--trace", filepath.Join("testdata", "suggest", "wget.trace.json"), "--out", out},
			[]string{"exactly one of", "--trace, --syscalls"}},
		{"suggest unreadable trace", []string{"suggest", "--trace", "/nonexistent/t.json", "--out", out}, []string{"--trace", "/nonexistent/t.json"}},
		{"suggest truncated trace", []string{"suggest", "--trace", filepath.Join(sad, "truncated.json"), "--out", out},
			[]string{"truncated.json", "line ", "column ", "unexpected end"}},
		{"suggest trace unknown field", []string{"suggest", "--trace", filepath.Join(sad, "exposure-field.json"), "--out", out},
			[]string{"exposure-field.json", "line 1, column 140", `unknown field "frobs"`}},
		{"suggest profile as trace", []string{"suggest", "--trace", filepath.Join("testdata", "k8s", "profiles", "moby.json"), "--out", out},
			[]string{"moby.json", "not a trace file", "trace --out FILE"}},
		{"suggest passthrough exposure as trace", []string{"suggest", "--trace", filepath.Join("..", "..", "runtimes", "data", "measured", "runc-docker.exposure.json"), "--out", out},
			[]string{"runc-docker.exposure.json", `provenance.source is "passthrough"`, "--trace wants"}},
		{"suggest trace as passthrough", []string{"suggest", "--passthrough", filepath.Join("testdata", "suggest", "wget.trace.json"), "--out", out},
			[]string{"wget.trace.json", `provenance.source is "observed"`, "--passthrough wants"}},
		{"suggest unknown base", []string{"suggest", "--syscalls", "read", "--base", "runc-dockr", "--out", out}, []string{"--base", "runc-dockr", "runc-docker"}},
		{"suggest two-filter base", []string{"suggest", "--syscalls", "read", "--base", "gvisor-systrap", "--out", out}, []string{"--base: unusable base gvisor-systrap", "2 filters"}},
		{"suggest measured base", []string{"suggest", "--syscalls", "read", "--base", "runc-docker@measured", "--out", out}, []string{"--base runc-docker@measured", "measured exposure"}},
		{"suggest unknown syscall", []string{"suggest", "--syscalls", "read,raed", "--out", out}, []string{"--syscalls", "item 2", `"raed"`, "no Linux architecture"}},
		{"suggest other arch syscall", []string{"suggest", "--syscalls", "read,socketcall", "--out", out}, []string{"item 2", `"socketcall"`, "not an x86_64 syscall"}},
		{"suggest empty syscall", []string{"suggest", "--syscalls", "read,,write", "--out", out}, []string{"item 2 is empty"}},
		{"suggest bad runtime calls", []string{"suggest", "--syscalls", "read", "--runtime-calls", "crun", "--out", out}, []string{"--runtime-calls", `"crun"`, "runc, runc-nnp, none"}},
		{"suggest -o FILE", []string{"suggest", "--syscalls", "read", "-o", "profile.json"}, []string{"profile.json", "did you mean --out profile.json"}},
		{"suggest negative top", []string{"suggest", "--syscalls", "read", "--top", "-1", "--out", out}, []string{"--top -1"}},
		{"suggest into a missing directory", []string{"suggest", "--syscalls", "read", "--out", filepath.Join(out, "p.json")}, []string{"--out", "no directory"}},
		{"suggest caps with a built-in base", []string{"suggest", "--syscalls", "read", "--caps", "CAP_SYS_ADMIN", "--out", out}, []string{"--base", "--caps", "runc-docker"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runBudget(t, c.args...)
			wantInputError(t, code, stdout, stderr)
			for _, w := range c.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q lacks %q", stderr, w)
				}
			}
			if strings.Contains(stderr, "goroutine") || strings.Contains(stderr, "panic") {
				t.Errorf("stack trace in %q", stderr)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%s was written", out)
			}
		})
	}
}

// TestDBUpdateOffline: feeds whose host names do not resolve (.invalid,
// RFC 6761) fail at once, side by side, one line each, exit 1, and the
// cache directory the command made is gone again.
func TestDBUpdateOffline(t *testing.T) {
	cache := filepath.Join(t.TempDir(), "feeds")
	start := time.Now()
	code, stdout, stderr := run(t, "db", "update", "--cache", cache,
		"--kernel-cna-url", "http://sysweight-test.invalid/vulns.tar.gz",
		"--kernel-cves-url", "http://sysweight-test.invalid/kernel_cves.json",
		"--nvd-url", "http://sysweight-test.invalid/rest/json/cves/2.0")
	took := time.Since(start)
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if code != 1 || stdout != "" || len(lines) != 4 {
		t.Fatalf("db update offline: exit %d, stdout %q, stderr %q; want 1, nothing, four lines", code, stdout, stderr)
	}
	for i, feed := range []string{"kernel-cna", "linux_kernel_cves", "nvd"} {
		if !strings.HasPrefix(lines[i], feed+": failed in ") || !strings.Contains(lines[i], "sysweight-test.invalid") {
			t.Errorf("line %d: %q, want %s's failure naming the host", i, lines[i], feed)
		}
	}
	if lines[3] != "sysweight: db update: 3 of 3 feeds failed" {
		t.Errorf("last line %q", lines[3])
	}
	if took > 30*time.Second {
		t.Errorf("took %v, want under 30 s", took)
	}
	if _, err := os.Stat(cache); !os.IsNotExist(err) {
		t.Errorf("cache directory left behind: %v", err)
	}
}

// TestWriteAtomicStaleTemps: a temporary copy that a killed sysweight left
// (its pid no longer runs) goes at the next write of the same file; one of
// a running process stays; the output has mode 0644 and the data.
func TestWriteAtomicStaleTemps(t *testing.T) {
	if _, err := os.Stat("/proc/self"); err != nil {
		t.Skip("no /proc here to tell running processes")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "db.json")
	dead := filepath.Join(dir, tempPrefix("db.json", 99999999)+"x1") // above any pid_max (2^22)
	live := filepath.Join(dir, tempPrefix("db.json", 1)+"x2")        // init runs
	other := filepath.Join(dir, tempPrefix("other.json", 99999999)+"x3")
	for _, p := range []string{dead, live, other} {
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := writeAtomic(context.Background(), out, []byte("data\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Errorf("the dead writer's copy is still there: %v", err)
	}
	for _, p := range []string{live, other} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s removed: %v", filepath.Base(p), err)
		}
	}
	st, err := os.Stat(out)
	if err != nil || st.Mode().Perm() != 0o644 {
		t.Fatalf("output: %v %v", st, err)
	}
	if b, _ := os.ReadFile(out); string(b) != "data\n" {
		t.Errorf("output %q", b)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 3 { // db.json, live, other
		t.Errorf("%d entries left, want 3: %v", len(ents), ents)
	}
}
