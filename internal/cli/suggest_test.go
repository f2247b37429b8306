package cli

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// suggestSummary is the part of suggest -o json the tests read.
type suggestSummary struct {
	Inputs       []string
	Used         []string
	RuntimeAdded []string `json:"runtime_added"`
	Allowed      []string
	Conditional  []string
	KeptRefusals []string `json:"kept_refusals"`
	Refused      []struct{ Syscall, Verdict string }
	BaseScore    struct {
		Score, Normalized float64
		Exposed           int
	} `json:"base_score"`
	Suggested struct {
		Score, Normalized float64
		Exposed, Partial  int
	} `json:"suggested_score"`
	Removed float64
	Top     []struct {
		Syscall string
		Removed float64
	}
}

func runSuggestJSON(t *testing.T, args ...string) suggestSummary {
	t.Helper()
	code, out, errs := run(t, append([]string{"suggest", "-o", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("suggest %v: exit %d: %s", args, code, errs)
	}
	var s suggestSummary
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("suggest %v: %v in %s", args, err, out)
	}
	return s
}

func scoreJSON(t *testing.T, arg string) (score float64, exposed int) {
	t.Helper()
	code, out, errs := run(t, "score", arg, "-o", "json")
	if code != 0 {
		t.Fatalf("score %s: exit %d: %s", arg, code, errs)
	}
	var s struct {
		Score   float64
		Exposed int
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	return s.Score, s.Exposed
}

// TestSuggestGolden: every output format for the committed wget trace
// (testdata/suggest/README.txt), and the profile it writes, against
// testdata/suggest/golden (go test -run TestSuggestGolden -update rewrites
// them). The temporary directory reads OUT in the goldens.
func TestSuggestGolden(t *testing.T) {
	dir := t.TempDir()
	trace := filepath.Join("testdata", "suggest", "wget.trace.json")
	golden := filepath.Join("testdata", "suggest", "golden")
	check := func(name, got string) {
		t.Helper()
		checkGolden(t, filepath.Join(golden, name), got, "TestSuggestGolden")
	}
	var profile []byte
	for _, f := range []struct{ format, ext string }{{"table", "txt"}, {"json", "json"}, {"csv", "csv"}, {"markdown", "md"}} {
		out := filepath.Join(dir, "wget.profile.json")
		code, stdout, stderr := run(t, "suggest", "--trace", trace, "--out", out, "-o", f.format)
		if code != 0 || stderr != "" {
			t.Fatalf("-o %s: exit %d, stderr %q", f.format, code, stderr)
		}
		check("wget."+f.ext, strings.ReplaceAll(stdout, dir, "OUT"))
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if profile != nil && string(b) != string(profile) {
			t.Errorf("-o %s wrote another profile", f.format)
		}
		profile = b
	}
	check("wget.profile.json", string(profile))

	// without --out: the profile on stdout, the summary on stderr
	code, stdout, stderr := run(t, "suggest", "--trace", trace)
	if code != 0 || stdout != string(profile) {
		t.Errorf("without --out: exit %d, stdout is not the profile:\n%s", code, stdout)
	}
	if !strings.HasPrefix(stderr, "suggested profile for the trace "+trace+" (22 syscalls) narrowed from runc-docker: on stdout\n") {
		t.Errorf("without --out: stderr %q", stderr)
	}
}

// The committed trace has the 22 syscalls strace -f lists for the same
// busybox wget (testdata/suggest/README.txt): arch_prctl brk close connect
// execve exit_group fcntl getrandom getuid lseek mprotect newfstatat poll
// prctl prlimit64 read readlink rseq set_robust_list set_tid_address socket
// write. Of them Docker's profile tests the arguments of socket alone (the
// address families it allows). runc's 30 calls (suggest.Runtimes: 9 + 14
// + 7) less the 8 wget made too (close, write, read, fcntl, prctl,
// newfstatat, execve, exit_group) add 22. Docker's only refusal other
// than its default, clone3's ENOSYS, is kept.
func TestSuggestWgetByHand(t *testing.T) {
	s := runSuggestJSON(t, "--trace", filepath.Join("testdata", "suggest", "wget.trace.json"), "--out", filepath.Join(t.TempDir(), "p.json"))
	want := "read write close poll lseek mprotect brk socket connect execve fcntl readlink getuid prctl arch_prctl set_tid_address exit_group newfstatat set_robust_list prlimit64 getrandom rseq"
	if got := strings.Join(s.Used, " "); got != want {
		t.Errorf("used %s\nwant %s", got, want)
	}
	if len(s.RuntimeAdded) != 30-8 || len(s.Allowed) != 22+22 {
		t.Errorf("%d added for runc, %d allowed; want 22, 44", len(s.RuntimeAdded), len(s.Allowed))
	}
	if strings.Join(s.Conditional, " ") != "socket" || strings.Join(s.KeptRefusals, " ") != "clone3" || len(s.Refused) != 0 {
		t.Errorf("conditional %v, kept refusals %v, refused %v; want [socket], [clone3], none", s.Conditional, s.KeptRefusals, s.Refused)
	}
	if s.Suggested.Exposed != 44 || s.Suggested.Partial != 1 {
		t.Errorf("suggested exposes %d (%d partial), want 44 (1)", s.Suggested.Exposed, s.Suggested.Partial)
	}
}

// The scores suggest reports are those score computes: of the base by
// name, and of the written profile read back as score reads any profile.
func TestSuggestScoreAgrees(t *testing.T) {
	trace := filepath.Join("testdata", "suggest", "wget.trace.json")
	for _, base := range []string{"runc-docker", "crun-podman", "runc-unconfined", filepath.Join("testdata", "k8s", "profiles", "moby.json")} {
		t.Run(filepath.Base(base), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "p.json")
			s := runSuggestJSON(t, "--trace", trace, "--base", base, "--out", out)
			bs, be := scoreJSON(t, base)
			ss, se := scoreJSON(t, out)
			if s.BaseScore.Score != bs || s.BaseScore.Exposed != be {
				t.Errorf("base: suggest says %v (%d exposed), score %v (%d)", s.BaseScore.Score, s.BaseScore.Exposed, bs, be)
			}
			if s.Suggested.Score != ss || s.Suggested.Exposed != se {
				t.Errorf("suggested: suggest says %v (%d exposed), score %s %v (%d)", s.Suggested.Score, s.Suggested.Exposed, out, ss, se)
			}
			if s.Removed != bs-ss || ss >= bs {
				t.Errorf("removed %v, want %v − %v", s.Removed, bs, ss)
			}
		})
	}
}

// By hand: narrowed from no filter to read and write, the profile scores
// w(read) + w(write), each w the sum of its six normalised metrics (α = 1
// for every metric, weights -o json's "normalized"), and the base, no
// filter, scores Σ_s w(s), weights' "total", over the 346 syscalls of
// kernel 6.1.
func TestSuggestUnconfinedByHand(t *testing.T) {
	s := runSuggestJSON(t, "--syscalls", "write, read", "--base", "runc-unconfined", "--runtime-calls", "none", "--out", filepath.Join(t.TempDir(), "p.json"))
	code, out, errs := run(t, "weights", "--top", "0", "-o", "json")
	if code != 0 {
		t.Fatalf("weights: %s", errs)
	}
	var ws struct {
		Total   float64
		Weights []struct {
			Syscall    string
			Normalized map[string]float64
		}
	}
	if err := json.Unmarshal([]byte(out), &ws); err != nil {
		t.Fatal(err)
	}
	want := 0.0
	for _, x := range ws.Weights {
		if x.Syscall == "read" || x.Syscall == "write" {
			if len(x.Normalized) != 6 {
				t.Fatalf("%s: %d metrics, want 6", x.Syscall, len(x.Normalized))
			}
			for _, v := range x.Normalized {
				want += v
			}
		}
	}
	if math.Abs(s.Suggested.Score-want) > 1e-9 || want == 0 || s.Suggested.Exposed != 2 {
		t.Errorf("suggested %v (%d exposed), want w(read)+w(write) = %v (2)", s.Suggested.Score, s.Suggested.Exposed, want)
	}
	if math.Abs(s.BaseScore.Score-ws.Total) > 1e-9 || s.BaseScore.Exposed != 346 || s.Removed != s.BaseScore.Score-s.Suggested.Score {
		t.Errorf("base %v (%d exposed), removed %v; want Σ w = %v (346), the difference", s.BaseScore.Score, s.BaseScore.Exposed, s.Removed, ws.Total)
	}
	if strings.Join(s.Used, ",") != "read,write" || len(s.KeptRefusals) != 0 || len(s.Conditional) != 0 {
		t.Errorf("used %v, kept refusals %v, conditional %v", s.Used, s.KeptRefusals, s.Conditional)
	}
}

// A pass-through measurement narrowed from no filter without runtime
// calls is an allow-list of what it measured, so it scores what the
// measured built-in scores (gvisor-systrap@measured: 28 syscalls in the
// README); the matrix and the exposure file give the same.
func TestSuggestPassthrough(t *testing.T) {
	dir := filepath.Join("..", "..", "runtimes", "data", "measured")
	ms, me := scoreJSON(t, "gvisor-systrap@measured")
	for _, f := range []string{"gvisor-systrap.json", "gvisor-systrap.exposure.json"} {
		s := runSuggestJSON(t, "--passthrough", filepath.Join(dir, f), "--base", "runc-unconfined", "--runtime-calls", "none", "--out", filepath.Join(t.TempDir(), "p.json"))
		if len(s.Used) != 28 || s.Suggested.Score != ms || s.Suggested.Exposed != me {
			t.Errorf("%s: %d used, score %v (%d exposed); gvisor-systrap@measured %v (%d), want 28 used and the same", f, len(s.Used), s.Suggested.Score, s.Suggested.Exposed, ms, me)
		}
	}
	// two traces: the union
	s := runSuggestJSON(t, "--trace", filepath.Join("testdata", "suggest", "wget.trace.json"), "--trace", filepath.Join("testdata", "suggest", "true.trace.json"),
		"--runtime-calls", "none", "--out", filepath.Join(t.TempDir(), "p.json"))
	if len(s.Used) != 22 || len(s.Inputs) != 2 { // busybox true's 13 are all wget's too
		t.Errorf("union of two traces: %d used from %v, want 22 from 2", len(s.Used), s.Inputs)
	}
}

// --help gives the inputs, the runtime calls, the JSON schema and examples.
func TestSuggestHelp(t *testing.T) {
	code, help, _ := run(t, "suggest", "--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"--trace FILE", "--passthrough FILE", "--syscalls LIST", "runc-nnp", "noNewPrivileges",
		"ENOSYS for clone3", `"removed_share"`, "sysweight suggest --trace wget.trace.json --out wget.profile.json", "sysweight score wget.profile.json"} {
		if !strings.Contains(help, want) {
			t.Errorf("suggest --help lacks %q", want)
		}
	}
}

// trace -o json's report gives the syscalls trace --out's exposure gives;
// numbers the table lacks and lost events are warnings, one line each.
func TestSuggestTraceReport(t *testing.T) {
	dir := filepath.Join("testdata", "suggest")
	a := runSuggestJSON(t, "--trace", filepath.Join(dir, "true.trace.json"), "--out", filepath.Join(t.TempDir(), "a.json"))
	b := runSuggestJSON(t, "--trace", filepath.Join(dir, "true.report.json"), "--out", filepath.Join(t.TempDir(), "b.json"))
	if strings.Join(a.Used, " ") != strings.Join(b.Used, " ") || len(a.Used) != 13 {
		t.Errorf("exposure %v, report %v; want the same 13", a.Used, b.Used)
	}
	lossy := filepath.Join(dir, "lossy.report.json")
	code, _, errs := run(t, "suggest", "--trace", lossy, "--out", filepath.Join(t.TempDir(), "c.json"))
	want := "sysweight: warning: " + lossy + ": syscall numbers the x86_64 table lacks are left out: nr_999\n" +
		"sysweight: warning: " + lossy + ": 3 events lost and 0 tasks untracked: the set is a lower bound\n"
	if code != 0 || errs != want {
		t.Errorf("exit %d, stderr\n%s\nwant\n%s", code, errs, want)
	}
}

// A syscall the workload made that the base refuses (bpf: Docker's
// profile allows it only with CAP_SYS_ADMIN or CAP_BPF) stays refused,
// with a warning, and the summary says so.
func TestSuggestRefusedWarning(t *testing.T) {
	code, out, errs := run(t, "suggest", "--syscalls", "read,bpf", "--runtime-calls", "none", "--out", filepath.Join(t.TempDir(), "p.json"))
	if code != 0 || errs != "sysweight: warning: runc-docker refuses 1 syscall(s) the workload needs, and so does the suggested profile: bpf (errno(1))\n" {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
	if !strings.Contains(out, "allows 1 syscalls: 1 the workload made\nrefuses as runc-docker does: bpf (errno(1))\n") {
		t.Errorf("summary:\n%s", out)
	}
}

// The README's suggest example is the golden markdown output, with the
// paths as a user in the trace's directory would give them.
func TestREADMESuggestExample(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join("testdata", "suggest", "golden", "wget.md"))
	if err != nil {
		t.Fatal(err)
	}
	summary, rest, _ := strings.Cut(string(md), "\n\n")
	table, _, _ := strings.Cut(rest, "\n\n")
	summary = strings.NewReplacer("testdata/suggest/wget.trace.json", "wget.trace.json", "OUT/wget.profile.json", "wget.profile.json").Replace(summary)
	if want := "-o markdown\n" + summary + "\n```\n\n" + table + "\n"; !strings.Contains(string(readme), want) {
		t.Errorf("README.md lacks suggest's golden markdown output:\n%s", want)
	}
}

// Podman's profile refuses 41 syscalls otherwise than by its default
// ENOSYS (counted here from the rule set's JSON, as the file has them: the
// rules whose action is neither allow nor the default); wget made one of
// them, socket, whose EINVAL for NETLINK_AUDIT is kept with its other
// rules, so 40 are kept for the rest, and the table names the first 8.
func TestSuggestPodmanKeptRefusals(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "runtimes", "data", "crun-podman.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rs struct {
		Filters []struct {
			Default string
			Rules   []struct{ Syscall, Action string }
		}
	}
	if err := json.Unmarshal(b, &rs); err != nil {
		t.Fatal(err)
	}
	refused := map[string]bool{}
	for _, r := range rs.Filters[0].Rules {
		if r.Action != "allow" && r.Action != rs.Filters[0].Default {
			refused[r.Syscall] = true
		}
	}
	trace := filepath.Join("testdata", "suggest", "wget.trace.json")
	s := runSuggestJSON(t, "--trace", trace, "--base", "crun-podman", "--out", filepath.Join(t.TempDir(), "p.json"))
	want := 0
	for n := range refused {
		if !slices.Contains(s.Used, n) && !slices.Contains(s.RuntimeAdded, n) {
			want++
		}
	}
	if len(refused) != 41 || want != 40 || len(s.KeptRefusals) != want {
		t.Errorf("%d refusals in the rule set, %d outside the workload; suggest kept %d; want 41, 40, 40", len(refused), want, len(s.KeptRefusals))
	}
	code, out, errs := run(t, "suggest", "--trace", trace, "--base", "crun-podman", "--out", filepath.Join(t.TempDir(), "p.json"))
	if line := "keeps crun-podman's other answers for: " + strings.Join(s.KeptRefusals[:8], ", ") + " … (40 in all)\n"; code != 0 || !strings.Contains(out, line) {
		t.Errorf("exit %d (%s), table lacks %q:\n%s", code, errs, line, out)
	}
}
