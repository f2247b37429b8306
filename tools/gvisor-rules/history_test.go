package main

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// Install is rewritten to record its arguments, in both of the forms
// gVisor has had: a function (rules, denyRules, options) and, since 2026,
// a method of *Program.
func TestOverlayInstall(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"package seccomp\n\nfunc Install(rules SyscallRules, denyRules SyscallRules) error {\n\treturn nil\n}\n",
			"func Install(rules SyscallRules, denyRules SyscallRules) error {\n\tSysweightCaptured = append(SysweightCaptured, []interface{}{rules, denyRules})"},
		{"package seccomp\n\ntype Program struct{}\n\nfunc (p *Program) Install(timer *timing.Timer) error {\n\treturn nil\n}\n",
			"func (p *Program) Install(timer *timing.Timer) error {\n\tSysweightCaptured = append(SysweightCaptured, []interface{}{p})"},
	} {
		out, err := overlayInstall([]byte(c.src))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(out), c.want) || !strings.Contains(string(out), "sysweightOriginalInstall(") {
			t.Errorf("rewritten:\n%s\nwant %q and the original renamed", out, c.want)
		}
	}
	if _, err := overlayInstall([]byte("package seccomp\n\nfunc SetFilter() {}\n")); err == nil {
		t.Error("a file without Install was rewritten")
	}
}

// With P = 20 (the highest bound seen is !go1.21), a file for Go 1.12 to
// 1.20 builds unconstrained, the variant for Go 1.13 only is ignored, a
// Go 1.21+ file is ignored, other tags stay; a file with no goX.Y tag is
// left alone. Old +build lines are read as //go:build ones.
func TestFixGoTags(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"// Copyright\n\n//go:build go1.12 && !go1.21\n\npackage sync\n", "// Copyright\n\n\npackage sync\n"},
		{"// +build go1.13,!go1.14\n\npackage sync\n", "//go:build ignore\n\npackage sync\n"},
		{"//go:build go1.21\n\npackage sync\n", "//go:build ignore\n\npackage sync\n"},
		{"//go:build amd64 && go1.14\n// +build amd64,go1.14\n\npackage sync\n", "//go:build amd64\n\npackage sync\n"},
		{"// +build go1.12\n// +build !go1.21\n\n#include \"textflag.h\"\n", "\n#include \"textflag.h\"\n"},
		{"//go:build linux\n\npackage x\n", "//go:build linux\n\npackage x\n"},
	} {
		out, _, err := fixGoTags([]byte(c.src), 20)
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != c.want {
			t.Errorf("fixGoTags(%q) = %q, want %q", c.src, out, c.want)
		}
	}
}

// Two runs differ only where a rule compares with the process's PID;
// those comparisons are widened, the rest kept.
func TestWidenPIDs(t *testing.T) {
	run := func(pid string) File {
		return File{Filters: []Filter{{Name: "gofer", Rules: []Rule{
			{Syscall: "tgkill", Nr: 234, Action: "allow", Alternatives: [][]Cond{{{Arg: 0, Op: "eq", Value: pid}, {Arg: 2, Op: "eq", Value: "0x9"}}}},
			{Syscall: "read", Nr: 0, Action: "allow", Alternatives: [][]Cond{{}}},
		}}}}
	}
	f, err := widenPIDs(run("0x540"), run("0x545"))
	if err != nil {
		t.Fatal(err)
	}
	got := f.Filters[0].Rules[0].Alternatives
	if len(got) != 1 || len(got[0]) != 1 || got[0][0].Arg != 2 || len(f.Approx) != 1 || f.Approx[0].Matcher != "== self_pid" {
		t.Errorf("tgkill %v, approximations %v", got, f.Approx)
	}
	b := run("0x545")
	b.Filters[0].Rules = b.Filters[0].Rules[:1]
	if _, err := widenPIDs(run("0x540"), b); err == nil {
		t.Error("runs with different rules were accepted")
	}
}

func TestReadVersions(t *testing.T) {
	vs, err := readVersions(strings.NewReader("# comment\n\n2024Q1 v0.0.0-20240226115847-1e7c3a84e4e3\n"))
	if err != nil || len(vs) != 1 || vs[0].label != "2024Q1" {
		t.Errorf("%v %v", vs, err)
	}
	if _, err := readVersions(strings.NewReader("2024Q1 release-20240226.0\n")); err == nil {
		t.Error("a tag was taken for a pseudo-version")
	}
}

// The history extractor, built against the gVisor version this module
// pins, gives the rules Generate gives for runsc's defaults (the committed
// gvisor-systrap.json): the same syscalls with the same alternatives, in
// both filters. It builds a module of its own (about a minute and a half);
// -short skips it.
func TestHistoryMatchesGenerate(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the history extractor's build takes minutes")
	}
	src, err := gvisorSource()
	if err != nil {
		t.Fatal(err)
	}
	b, err := extractVersion(src.Version, filepath.Join(t.TempDir(), src.Version))
	if err != nil {
		t.Fatal(err)
	}
	var got File
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want, err := Generate(Variants[0])
	if err != nil {
		t.Fatal(err)
	}
	if got.GVisor != want.GVisor || !slices.Equal(got.RunscFlags, want.RunscFlags) {
		t.Errorf("source %+v flags %v, want %+v %v", got.GVisor, got.RunscFlags, want.GVisor, want.RunscFlags)
	}
	for i, f := range want.Filters {
		g := got.Filters[i]
		if g.Name != f.Name || !reflect.DeepEqual(g.Rules, f.Rules) || !reflect.DeepEqual(g.Deny, f.Deny) {
			t.Errorf("filter %s: the history extractor's rules differ from Generate's", f.Name)
		}
	}
}
