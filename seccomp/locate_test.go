package seccomp

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"sysweight/syscalls"
)

// atPosition returns the JSON value that starts at p in data.
func atPosition(t *testing.T, data []byte, p Position) string {
	t.Helper()
	lines := bytes.SplitAfter(data, []byte("\n"))
	if p.Line < 1 || p.Line > len(lines) || p.Col < 1 || p.Col > len(lines[p.Line-1]) {
		t.Fatalf("position %d:%d outside the document", p.Line, p.Col)
	}
	off := p.Col - 1
	for _, l := range lines[:p.Line-1] {
		off += len(l)
	}
	dec := json.NewDecoder(bytes.NewReader(data[off:]))
	var v json.RawMessage
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("no JSON value at %d:%d: %v", p.Line, p.Col, err)
	}
	return string(v)
}

// Each rule's Path and each filter's DefaultPath lead, through Locate, to
// the syscall name and the default action in the document, in every
// format, counted by hand in the small documents below.
func TestRulePaths(t *testing.T) {
	tgt := Target{Arch: syscalls.X86_64, Caps: capSet(), Kernel: KernelVersion{6, 1}}
	cases := []struct {
		name, doc string
		paths     []string // of the rules, in order
		lines     []int    // of the rules, in order
		def       string
		defLine   int
	}{{
		name: "moby",
		doc: `{
  "defaultAction": "SCMP_ACT_ERRNO",
  "syscalls": [
    {"names": ["read",
               "write"], "action": "SCMP_ACT_ALLOW"},
    {"name": "mount", "action": "SCMP_ACT_ALLOW"},
    {"names": ["raed"], "action": "SCMP_ACT_ALLOW"}
  ]
}`,
		paths: []string{"syscalls[0].names[0]", "syscalls[0].names[1]", "syscalls[1].name"},
		lines: []int{4, 5, 6},
		def:   "defaultAction", defLine: 2,
	}, {
		name: "oci",
		doc: `{"ociVersion": "1.2.1",
 "linux": {"seccomp": {
   "defaultAction": "SCMP_ACT_ERRNO",
   "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}}}`,
		paths: []string{"linux.seccomp.syscalls[0].names[0]"},
		lines: []int{4},
		def:   "linux.seccomp.defaultAction", defLine: 3,
	}, {
		name: "libcontainer",
		doc: `{"default_action": 2,
 "syscalls": [
  {"name": "read", "action": 4}]}`,
		paths: []string{"syscalls[0].name"},
		lines: []int{3},
		def:   "default_action", defLine: 1,
	}, {
		name: "firecracker",
		doc: `{"vmm": {
  "default_action": "trap",
  "filter_action": "allow",
  "filter": [
    {"syscall": "read"},
    {"syscall": "ioctl", "args": [{"index": 1, "type": "dword", "op": "eq", "val": 44672}]}
  ]}}`,
		paths: []string{"vmm.filter[0].syscall", "vmm.filter[1].syscall"},
		lines: []int{5, 6},
		def:   "vmm.default_action", defLine: 2,
	}}
	for _, c := range cases {
		p, err := Decode(strings.NewReader(c.doc), c.name+".json", tgt)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		f := p.Filters[0]
		var paths []string
		for _, r := range f.Rules {
			paths = append(paths, r.Path)
		}
		want := append([]string{f.DefaultPath}, paths...)
		want = append(want, f.UnresolvedPaths...)
		pos := Locate([]byte(c.doc), want)
		if strings.Join(paths, " ") != strings.Join(c.paths, " ") || f.DefaultPath != c.def {
			t.Errorf("%s: rule paths %q, default %q; want %q, %q", c.name, paths, f.DefaultPath, c.paths, c.def)
			continue
		}
		for i, r := range f.Rules {
			if pos[r.Path].Line != c.lines[i] || atPosition(t, []byte(c.doc), pos[r.Path]) != `"`+r.Syscall+`"` {
				t.Errorf("%s: %s at %v, want line %d", c.name, r.Path, pos[r.Path], c.lines[i])
			}
		}
		if pos[f.DefaultPath].Line != c.defLine {
			t.Errorf("%s: default at %v, want line %d", c.name, pos[f.DefaultPath], c.defLine)
		}
		if c.name == "moby" {
			if len(f.Unresolved) != 1 || f.UnresolvedPaths[0] != "syscalls[2].names[0]" || pos["syscalls[2].names[0]"].Line != 7 {
				t.Errorf("unresolved %v at %v", f.Unresolved, f.UnresolvedPaths)
			}
		}
	}
	if got := Locate([]byte(`{"a": 1}`), []string{"b", "a"}); len(got) != 1 || got["a"] != (Position{1, 7}) {
		t.Errorf("Locate: %v, want only a at 1:7", got)
	}
}

// On the real profiles every rule's path leads to its syscall's name.
func TestRulePathsReal(t *testing.T) {
	tgt := Target{Arch: syscalls.X86_64, Caps: capSet(), Kernel: KernelVersion{6, 1}}
	for _, rel := range []string{
		"seccomp-profiles/docker-default-moby-profiles-2026-06-30.json",
		"seccomp-profiles/podman-containers-common-2025-08-25.json",
		"seccomp-profiles/firecracker-v1.16.1-x86_64.json",
		"seccomp-profiles/docker-default-history/2016-02-08-6f3206a.json",
	} {
		path := sharedData(t, rel)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Skipf("%s: %v", rel, err)
		}
		p, err := Decode(bytes.NewReader(data), path, tgt)
		if err != nil {
			t.Fatal(err)
		}
		var paths []string
		n := 0
		for _, f := range p.Filters {
			paths = append(paths, f.DefaultPath)
			for _, r := range f.Rules {
				paths = append(paths, r.Path)
				n++
			}
			paths = append(paths, f.UnresolvedPaths...)
		}
		pos := Locate(data, paths)
		for _, f := range p.Filters {
			if _, ok := pos[f.DefaultPath]; !ok {
				t.Errorf("%s: %s: default action not located", rel, f.DefaultPath)
			}
			for _, r := range f.Rules {
				if got := atPosition(t, data, pos[r.Path]); got != `"`+r.Syscall+`"` {
					t.Fatalf("%s: %s at %v is %s, want %q", rel, r.Path, pos[r.Path], got, r.Syscall)
				}
			}
			for i, u := range f.Unresolved {
				if got := atPosition(t, data, pos[f.UnresolvedPaths[i]]); got != `"`+u+`"` {
					t.Fatalf("%s: %s at %v is %s, want %q", rel, f.UnresolvedPaths[i], pos[f.UnresolvedPaths[i]], got, u)
				}
			}
		}
		if n < 30 {
			t.Errorf("%s: %d rules", rel, n)
		}
	}
}
