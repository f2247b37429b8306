package runtimes

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"sysweight/seccomp"
	"sysweight/syscalls"
)

// rulesOf renders a policy as its rule sets do: per filter, the default
// and the rules grouped by syscall in name order (what a history keeps;
// the order of rules across syscalls does not change a verdict).
func rulesOf(p *seccomp.Policy) string {
	var b strings.Builder
	for _, f := range p.Filters {
		s := stateOf(f)
		b.WriteString(f.Name + " " + s.def + "\n")
		for _, sys := range sortedKeys(s.rules) {
			for _, r := range s.rules[sys] {
				b.WriteString(" " + r.Syscall + " " + r.Action)
				for _, c := range r.Conds {
					b.WriteString(" " + c.Op + c.Value)
				}
				b.WriteString("\n")
			}
		}
	}
	return b.String()
}

func loadHistory(t *testing.T, family string) *History {
	t.Helper()
	h, err := LoadHistory(family)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// Counts and ends of each history. docker: the 77 files of
// shared/data/seccomp-profiles/docker-default-history; podman: the 44
// vX.Y.0 tags of containers/common from v0.21.0 to v0.64.0 whose tree has
// pkg/seccomp/seccomp.json (git cat-file -e TAG:pkg/seccomp/seccomp.json);
// firecracker: the 43 vX.Y.Z tags from v0.25.0 to v1.16.1 (git tag, less
// -dev, -wip, -nemo), less the 7 patch releases tagged after the next
// minor release (v1.0.1, v1.0.2, v1.1.4, v1.2.1, v1.13.2, v1.14.3,
// v1.14.4: git log -1 --format=%cs TAG against the next vX.Y.0): 36;
// gvisor: the 25 versions of tools/gvisor-rules/history/versions.txt less
// the 3 the extractor could not build (2019Q4, 2020Q3, 2021Q1: listed in
// the history's notes with the reason): 22.
func TestHistoryVersions(t *testing.T) {
	for _, c := range []struct {
		family       string
		n            int
		first, last  string
		lastSameAsIn string
	}{
		{"docker", 77, "6f3206a", "3c28324", ""},
		{"podman", 44, "v0.21.0", "v0.64.0", "crun-podman"},
		{"firecracker", 36, "v0.25.0", "v1.16.1", "kata-firecracker"},
		{"gvisor", 22, "v0.0.0-20201204040109-0ba39926c86f", "v0.0.0-20260905035102-160fafc42237", "gvisor-systrap"},
	} {
		h := loadHistory(t, c.family)
		if len(h.Versions) != c.n || h.Versions[0].Version != c.first || h.Versions[len(h.Versions)-1].Version != c.last {
			t.Errorf("%s: %d versions %s … %s, want %d %s … %s", c.family, len(h.Versions), h.Versions[0].Version,
				h.Versions[len(h.Versions)-1].Version, c.n, c.first, c.last)
		}
		for i := 1; i < len(h.Versions); i++ {
			if h.Versions[i].Date < h.Versions[i-1].Date {
				t.Errorf("%s: %s (%s) after %s (%s)", c.family, h.Versions[i].Version, h.Versions[i].Date, h.Versions[i-1].Version, h.Versions[i-1].Date)
			}
		}
		if c.lastSameAsIn == "" {
			continue
		}
		// The newest version is the built-in's profile: the same bytes
		// (the sha256 in the built-in's provenance note is the newest
		// version's source checksum) and the same rules.
		r, err := Lookup(c.lastSameAsIn)
		if err != nil {
			t.Fatal(err)
		}
		p, err := r.Policy()
		if err != nil {
			t.Fatal(err)
		}
		last := h.Versions[len(h.Versions)-1]
		if got, want := rulesOf(last.Policy), rulesOf(p); got != want {
			t.Errorf("%s %s: rules differ from %s", c.family, last.Version, c.lastSameAsIn)
		}
		if c.family == "gvisor" {
			// Extracted again by tools/gvisor-rules -history, not the
			// same file: the same rules and version.
			if r.Provenance.Version != last.Version {
				t.Errorf("gvisor %s: %s is of %s", last.Version, c.lastSameAsIn, r.Provenance.Version)
			}
			continue
		}
		sum := last.Source[strings.Index(last.Source, "sha256:"):]
		if !slices.ContainsFunc(r.Provenance.Notes, func(n string) bool { return strings.HasSuffix(n, sum) }) {
			t.Errorf("%s %s: source %s; %s's notes %v", c.family, last.Version, last.Source, c.lastSameAsIn, r.Provenance.Notes)
		}
	}
}

// Docker's newest version (moby/profiles main, 2026-05-06) is not the
// v0.3.0 module runc-docker embeds: the two differ in socket's rules
// alone. Checked by hand: jq '.syscalls[] | select(.names | index("socket"))'
// on both gives v0.3.0's families < 3, 7, 8, 9, 10, 13, … (an allow-list)
// and main's < 38, == 39, > 40 (everything but AF_ALG, 38, and AF_VSOCK,
// 40). Every other syscall's rules are equal.
func TestHistoryDockerNewestVsBuiltin(t *testing.T) {
	h := loadHistory(t, "docker")
	r, err := Lookup("runc-docker")
	if err != nil {
		t.Fatal(err)
	}
	p, err := r.Policy()
	if err != nil {
		t.Fatal(err)
	}
	a, b := stateOf(p.Filters[0]), stateOf(h.Versions[len(h.Versions)-1].Policy.Filters[0])
	var differ []string
	for _, sys := range sortedKeys(a.rules) {
		if !sameRules(a.rules[sys], b.rules[sys]) {
			differ = append(differ, sys)
		}
	}
	for _, sys := range sortedKeys(b.rules) {
		if _, ok := a.rules[sys]; !ok {
			differ = append(differ, sys)
		}
	}
	if !slices.Equal(differ, []string{"socket"}) || a.def != b.def {
		t.Errorf("runc-docker and docker@3c28324 differ in %v (defaults %s, %s), want socket alone", differ, a.def, b.def)
	}
}

// Every version of the docker history is its shared profile resolved as
// runc-docker is, and genhistory writes today what is committed.
func TestHistoryDockerFromShared(t *testing.T) {
	shared := filepath.Join("..", "..", "shared", "data")
	dir := filepath.Join(shared, "seccomp-profiles", "docker-default-history")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("%s is absent (a plain clone has no shared data): cannot check the docker history against its inputs", dir)
	}
	h := loadHistory(t, "docker")
	for _, v := range h.Versions {
		name := v.Date + "-" + v.Version + ".json"
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		prof, err := seccomp.DecodeMoby(bytes.NewReader(b), name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := prof.Resolve(Target(DockerDefaultCaps))
		if err != nil {
			t.Fatal(err)
		}
		want := rulesOf(&seccomp.Policy{Arch: syscalls.X86_64, Filters: []*seccomp.Filter{f}})
		if got := rulesOf(v.Policy); got != want {
			t.Errorf("docker@%s: rules differ from %s", v.Version, name)
		}
	}
	out := t.TempDir()
	cmd := exec.Command("go", "run", "./internal/genhistory", "-family", "docker", "-shared", shared, "-out", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("genhistory: %v\n%s", err, b)
	}
	got, _ := os.ReadFile(filepath.Join(out, "docker.json"))
	want, _ := os.ReadFile(filepath.Join("data", "history", "docker.json"))
	if !bytes.Equal(got, want) {
		t.Error("data/history/docker.json is stale: run go generate ./runtimes")
	}
}

// A history round-trips through its delta form: filters added, removed,
// a default changed, rules set and unset, a version with no change.
func TestHistoryRoundTrip(t *testing.T) {
	allow := seccomp.Verdict{Action: seccomp.ActAllow}
	errno := seccomp.Verdict{Action: seccomp.ActErrno, Errno: 1}
	filter := func(name string, def seccomp.Verdict, rules ...seccomp.Rule) *seccomp.Filter {
		f, err := seccomp.NewFilter(name, syscalls.X86_64, def, rules)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	pol := func(fs ...*seccomp.Filter) *seccomp.Policy {
		return &seccomp.Policy{Arch: syscalls.X86_64, Filters: fs}
	}
	read := seccomp.Rule{Syscall: "read", Verdict: allow}
	sock := seccomp.Rule{Syscall: "socket", Verdict: allow, Conds: []seccomp.Cond{{Arg: 0, Op: seccomp.OpEQ, Value: 1}}}
	sock2 := seccomp.Rule{Syscall: "socket", Verdict: allow, Conds: []seccomp.Cond{{Arg: 0, Op: seccomp.OpEQ, Value: 2}}}
	in := &History{Family: "test", Target: "x86_64", Versions: []HistoryVersion{
		{Version: "a", Date: "2020-01-01", Policy: pol(filter("vmm", errno, read, sock))},
		{Version: "b", Date: "2020-02-01", Policy: pol(filter("vmm", errno, read, sock, sock2), filter("api", errno, read))},
		{Version: "c", Date: "2020-03-01", Policy: pol(filter("vmm", errno, read, sock, sock2), filter("api", errno, read))},
		{Version: "d", Date: "2020-04-01", Policy: pol(filter("vmm", seccomp.Verdict{Action: seccomp.ActKillProcess}, sock2))},
	}}
	var buf bytes.Buffer
	if err := EncodeHistory(&buf, in, "test"); err != nil {
		t.Fatal(err)
	}
	out, err := decodeHistory(bytes.NewReader(buf.Bytes()), "test.json")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ rules, defaults []string }{{nil, nil}, {[]string{"read", "socket"}, []string{"api"}}, {[]string{}, []string{}}, {[]string{"read", "socket"}, []string{"vmm", "api"}}}
	for i, v := range out.Versions {
		if got, w := rulesOf(v.Policy), rulesOf(in.Versions[i].Policy); got != w {
			t.Errorf("version %s: rules\n%s\nwant\n%s", v.Version, got, w)
		}
		if !slices.Equal(v.RulesChanged, want[i].rules) || !slices.Equal(v.DefaultsChanged, want[i].defaults) || (v.RulesChanged == nil) != (i == 0) {
			t.Errorf("version %s: rules changed %q, defaults %q; want %q, %q", v.Version, v.RulesChanged, v.DefaultsChanged, want[i].rules, want[i].defaults)
		}
	}
	if out.Versions[2].Policy != out.Versions[1].Policy {
		t.Error("an unchanged version does not share its predecessor's policy")
	}
	// Bad input names the file and the version.
	bad := strings.Replace(buf.String(), `"unset": [`, `"unset": ["keyctl", `, 1)
	if _, err := decodeHistory(strings.NewReader(bad), "bad.json"); err == nil || !strings.Contains(err.Error(), "bad.json: versions[3] (d)") {
		t.Errorf("unsetting a syscall with no rule: %v", err)
	}
	if _, err := LoadHistory("kata"); !errors.Is(err, ErrUnknownFamily) {
		t.Errorf("LoadHistory(kata): %v", err)
	}
}

// EvaluateEach gives each version the exposure Evaluate gives it alone (as
// `sysweight score` evaluates one profile), once per distinct policy.
func TestEvaluateEach(t *testing.T) {
	h := loadHistory(t, "docker")
	var items []Named
	for _, v := range h.Versions[len(h.Versions)-4:] { // 8a31106 … 3c28324: two distinct policies
		items = append(items, h.Named(v))
	}
	each, err := EvaluateEach(items)
	if err != nil {
		t.Fatal(err)
	}
	for i, it := range items {
		alone, err := Evaluate(syscalls.X86_64, []Named{it})
		if err != nil {
			t.Fatal(err)
		}
		if each[i].Name != it.Name || each[i].Provenance.Version != h.Versions[len(h.Versions)-4+i].Version ||
			!reflect.DeepEqual(each[i].Entries, alone[0].Entries) {
			t.Errorf("%s: EvaluateEach differs from Evaluate alone", it.Name)
		}
	}
}
