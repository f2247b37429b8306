package cli

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"sysweight/internal/childrun"
)

type historyOut struct {
	Family   string
	Builtin  string
	Versions []historyRow
}

type historyRow struct {
	Version      string
	Date         string
	Score        float64
	Normalized   float64
	Delta        float64
	Added        []struct{ Syscall string }
	Removed      []struct{ Syscall string }
	Changed      []struct{ Syscall string }
	RulesChanged []string `json:"rules_changed"`
	Note         string
}

func historyJSONOf(t *testing.T, family string) historyOut {
	t.Helper()
	code, out, errs := run(t, "history", family, "-o", "json")
	if code != 0 {
		t.Fatalf("history %s: exit %d: %s", family, code, errs)
	}
	var h historyOut
	if err := json.Unmarshal([]byte(out), &h); err != nil {
		t.Fatal(err)
	}
	return h
}

func names(rows []struct{ Syscall string }) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.Syscall)
	}
	slices.Sort(out)
	return out
}

// Issue 10's floors (docker ≥ 70 versions, gvisor ≥ 16, firecracker ≥ 10)
// and every change explained: a row whose score moved names the syscalls
// whose degree moved, and a later row with none says why in its note.
func TestHistoryExplained(t *testing.T) {
	for _, c := range []struct {
		family string
		min    int
	}{{"docker", 70}, {"podman", 10}, {"gvisor", 16}, {"firecracker", 10}} {
		h := historyJSONOf(t, c.family)
		if len(h.Versions) < c.min {
			t.Errorf("%s: %d versions, want at least %d", c.family, len(h.Versions), c.min)
		}
		for i, v := range h.Versions {
			n := len(v.Added) + len(v.Removed) + len(v.Changed)
			if v.Delta != 0 && n == 0 {
				t.Errorf("%s %s: delta %+.2f with no syscall named", c.family, v.Version, v.Delta)
			}
			if i > 0 && n == 0 && v.Note == "" {
				t.Errorf("%s %s: no syscall and no note", c.family, v.Version)
			}
		}
	}
}

// Steps checked by hand on the inputs, outside sysweight:
//   - docker: jq -r '.syscalls[] | select(.action=="SCMP_ACT_ALLOW" or
//     .action==4) | .name // .names[]' | sort -u on consecutive files of
//     shared/data/seccomp-profiles/docker-default-history, then comm:
//     544b74b → b864b50 adds copy_file_range and mlock2; b864b50 → ecd3d23
//     removes mlock, mlock2, mlockall, vhangup; ecd3d23 → 50abcbf removes
//     breakpoint, cacheflush, set_tls (ARM only: no x86_64 syscall),
//     fanotify_init, setdomainname, sethostname, and lists fchown twice
//     (a rule changed, no degree).
//   - firecracker: jq -r '[.[].filter[].syscall] | unique | .[]' on
//     resources/seccomp/x86_64-unknown-linux-musl.json at v0.25.2 and
//     v1.0.0 (git show TAG:…), comm: v1.0.0 adds eventfd2, io_uring_enter,
//     io_uring_register, io_uring_setup, uname.
//   - podman: a Python reading of pkg/seccomp/seccomp.json at v0.47.0 and
//     v0.48.0 (allow entries whose includes and excludes hold for amd64,
//     Podman's 11 capabilities and kernel 6.1) adds membarrier,
//     mount_setattr, process_mrelease, process_vm_readv,
//     process_vm_writev, ptrace, and names no x86_64 syscall has
//     (sigaction, signal, sigpending, sigprocmask, sigsuspend, syscall,
//     timerfd), which are left out.
func TestHistoryHandChecked(t *testing.T) {
	step := func(h historyOut, version string) int {
		i := slices.IndexFunc(h.Versions, func(v historyRow) bool { return v.Version == version })
		if i < 0 {
			t.Fatalf("%s: no version %s", h.Family, version)
		}
		return i
	}
	docker := historyJSONOf(t, "docker")
	for _, c := range []struct {
		h                       historyOut
		version                 string
		added, removed, changed []string
		note                    string
	}{
		{docker, "b864b50", []string{"copy_file_range", "mlock2"}, nil, nil, ""},
		{docker, "ecd3d23", nil, []string{"mlock", "mlock2", "mlockall", "vhangup"}, nil, ""},
		{docker, "50abcbf", nil, []string{"fanotify_init", "setdomainname", "sethostname"}, nil, "rules changed, degree unchanged: fchown"},
		{historyJSONOf(t, "firecracker"), "v1.0.0", []string{"eventfd2", "io_uring_enter", "io_uring_register", "io_uring_setup", "uname"}, nil, []string{"fcntl", "mmap"}, ""},
		{historyJSONOf(t, "podman"), "v0.48.0", []string{"membarrier", "mount_setattr", "process_mrelease", "process_vm_readv", "process_vm_writev", "ptrace"}, nil, nil, ""},
	} {
		v := c.h.Versions[step(c.h, c.version)]
		if got := names(v.Added); !slices.Equal(got, c.added) {
			t.Errorf("%s %s: added %v, want %v", c.h.Family, c.version, got, c.added)
		}
		if got := names(v.Removed); !slices.Equal(got, c.removed) {
			t.Errorf("%s %s: removed %v, want %v", c.h.Family, c.version, got, c.removed)
		}
		if got := names(v.Changed); !slices.Equal(got, c.changed) {
			t.Errorf("%s %s: changed %v, want %v", c.h.Family, c.version, got, c.changed)
		}
		if v.Note != c.note {
			t.Errorf("%s %s: note %q, want %q", c.h.Family, c.version, v.Note, c.note)
		}
	}
}

// Each version scores as `sysweight score` scores its profile. The newest
// podman and firecracker versions are the built-ins' profiles (the same
// bytes: runtimes' TestHistoryVersions), and gVisor's newest is the
// version gvisor-systrap is extracted from, with the same rules
// (tools/gvisor-rules' TestHistoryMatchesGenerate), so they score the same; docker's
// newest is moby/profiles' main of 2026-05-06, not the v0.3.0 module
// runc-docker embeds, and scores more by exactly diff's socket row
// (v0.3.0 allows a list of socket families, main all but AF_ALG and
// AF_VSOCK). With ../shared, the docker rows are checked against score of
// the files themselves.
func TestHistoryScoresAsScore(t *testing.T) {
	scoreOf := func(arg string) float64 {
		t.Helper()
		code, out, errs := run(t, "score", arg, "-o", "json")
		if code != 0 {
			t.Fatalf("score %s: exit %d: %s", arg, code, errs)
		}
		var s struct{ Score float64 }
		if err := json.Unmarshal([]byte(out), &s); err != nil {
			t.Fatal(err)
		}
		return s.Score
	}
	for _, fam := range []string{"podman", "firecracker", "gvisor"} {
		h := historyJSONOf(t, fam)
		last := h.Versions[len(h.Versions)-1]
		if want := scoreOf(h.Builtin); !near(last.Score, want) {
			t.Errorf("%s %s scores %v, %s %v", fam, last.Version, last.Score, h.Builtin, want)
		}
	}
	// Docker's newest profile lets 48 of the corpus's 50 socket families
	// through, v0.3.0 (runc-docker) 32 of them (counted by hand in the
	// profiles, TestLintDocker): the scores differ by 16/50 of socket's
	// weight.
	docker := historyJSONOf(t, "docker")
	last := docker.Versions[len(docker.Versions)-1]
	builtin := scoreOf("runc-docker")
	socket := weightsOf(t)["socket"]
	if d := last.Score - builtin; socket == 0 || !near(d, 16.0/50*socket) {
		t.Errorf("docker %s scores %v, runc-docker %v: want socket's 16/50 × %v between them", last.Version, last.Score, builtin, socket)
	}
	dir := filepath.Join("..", "..", "..", "shared", "data", "seccomp-profiles", "docker-default-history")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("%s is absent (a plain clone has no shared data): docker's rows not checked against score of the files", dir)
	}
	for _, i := range []int{0, 6, 12, 40, len(docker.Versions) - 1} {
		v := docker.Versions[i]
		file := filepath.Join(dir, v.Date+"-"+v.Version+".json")
		if s := scoreOf(file); !near(s, v.Score) {
			t.Errorf("docker %s: history %v, score %s %v", v.Version, v.Score, file, s)
		}
	}
	code, out, errs := run(t, "diff", "runc-docker", filepath.Join(dir, last.Date+"-"+last.Version+".json"), "-o", "json")
	var d struct {
		Rows []struct {
			Syscall string
			Delta   float64
		}
	}
	if code != 0 || json.Unmarshal([]byte(out), &d) != nil {
		t.Fatalf("diff: exit %d: %s", code, errs)
	}
	if len(d.Rows) != 1 || d.Rows[0].Syscall != "socket" || !near(d.Rows[0].Delta, last.Score-builtin) {
		t.Errorf("diff runc-docker → docker %s: %+v, want socket alone, %+.4f", last.Version, d.Rows, last.Score-builtin)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// Bad input: one line naming what was wrong, exit 2.
func TestHistoryBadInput(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"history", "kata"}, `sysweight: history: unknown runtime family "kata" (families: docker, podman, gvisor, firecracker)`},
		{[]string{"history"}, "sysweight: history takes one family (docker, podman, gvisor, firecracker), got 0 arguments"},
		{[]string{"history", "docker", "podman"}, "sysweight: history takes one family (docker, podman, gvisor, firecracker), got 2 arguments"},
		{[]string{"history", "docker", "-o", "xml"}, "sysweight: "},
		{[]string{"history", "docker", "--norm", "cubic"}, "sysweight: --norm: "},
	} {
		code, out, errs := run(t, c.args...)
		if code != 2 || out != "" || strings.Count(errs, "\n") != 1 || !strings.HasPrefix(errs, c.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2, nothing, one line %q", c.args, code, out, errs, c.want)
		}
	}
}

func TestHistoryHelp(t *testing.T) {
	code, help, _ := run(t, "history", "--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"sysweight history docker", "sysweight history gvisor -o markdown", "-o json | jq",
		"docker       Docker's default seccomp profile", "firecracker", "JSON output:", `"rules_changed"`, "ADDED", "REMOVED", "CHANGED", "DELTA"} {
		if !strings.Contains(help, want) {
			t.Errorf("history --help lacks %q", want)
		}
	}
}

// TestHistoryGolden: every output format of every family, against
// testdata/history/FAMILY.* (go test -run TestHistoryGolden -update
// rewrites them).
func TestHistoryGolden(t *testing.T) {
	for _, fam := range []string{"docker", "podman", "gvisor", "firecracker"} {
		for _, f := range []struct{ format, ext string }{{"table", "txt"}, {"json", "json"}, {"csv", "csv"}, {"markdown", "md"}} {
			code, out, errs := run(t, "history", fam, "-o", f.format)
			if code != 0 || errs != "" {
				t.Fatalf("%s -o %s: exit %d: %s", fam, f.format, code, errs)
			}
			checkGolden(t, filepath.Join("testdata", "history", fam+"."+f.ext), out, "TestHistoryGolden")
		}
	}
}

// report --history draws what history computes: a point per version with
// history's score to the last bit; without --history there is no history
// section; an unknown family is bad input.
func TestReportHistory(t *testing.T) {
	if page := writeReport(t, "nabla"); strings.Contains(page, `id="history"`) {
		t.Error("report without --history has a history section")
	}
	page := writeReport(t, "nabla", "--history", "firecracker,docker")
	for _, fam := range []string{"docker", "firecracker"} {
		h := historyJSONOf(t, fam)
		g := regexp.MustCompile(`(?s)<g class="hist" data-family="` + fam + `">.*?</g>`).FindString(page)
		points := regexp.MustCompile(`data-version="([^"]+)" data-date="[^"]+" data-score="([^"]+)"`).FindAllStringSubmatch(g, -1)
		if len(points) != len(h.Versions) {
			t.Fatalf("%s: %d points, history has %d versions", fam, len(points), len(h.Versions))
		}
		for i, p := range points {
			if p[1] != h.Versions[i].Version || p[2] != strconv.FormatFloat(h.Versions[i].Score, 'g', -1, 64) {
				t.Errorf("%s point %d: %s %s; history: %s %v", fam, i, p[1], p[2], h.Versions[i].Version, h.Versions[i].Score)
			}
		}
	}
	code, _, errs := run(t, "report", "--out", filepath.Join(t.TempDir(), "r.html"), "--history", "docker,kata")
	if code != 2 || !strings.HasPrefix(errs, `sysweight: --history docker,kata: unknown family "kata"`) {
		t.Errorf("--history docker,kata: exit %d, %q", code, errs)
	}
}

// The README's history example rows are rows of the golden markdown.
func TestREADMEHistoryExample(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join("testdata", "history", "firecracker.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(readme), "$ sysweight history firecracker -o markdown\n```\n\n")
	if !ok {
		t.Fatal("README.md has no history firecracker example")
	}
	table, _, _ := strings.Cut(after, "\n\n")
	rows := strings.Split(table, "\n")
	if len(rows) < 5 {
		t.Fatalf("README's example has %d rows", len(rows))
	}
	for _, r := range rows {
		if !strings.Contains(string(md), r+"\n") {
			t.Errorf("README's history example row is not in testdata/history/firecracker.md: %s", r)
		}
	}
}

// history docker scores 77 versions in well under a second (0.15 s wall,
// 0.07 s CPU measured on 2026-12-06): the CPU time of the built binary is
// held to 1 s.
func TestBudgetHistoryDocker(t *testing.T) {
	r := childrun.Run(t, sysweightBinary(t), "history", "docker", "-o", "json")
	t.Logf("exit %d, wall %v, CPU %v, peak RSS %d MiB", r.Code, r.Wall.Round(time.Millisecond), r.CPU.Round(time.Millisecond), r.RSS>>20)
	if r.Code != 0 || !strings.Contains(r.Stdout, `"version": "3c28324"`) {
		t.Fatalf("exit %d, stderr %q", r.Code, r.Stderr)
	}
	if r.CPU > time.Second {
		t.Errorf("history docker took %v of CPU, over 1 s", r.CPU)
	}
}
