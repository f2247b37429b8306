package k8s

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var docker = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
	"CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
	"CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
}

// Caps follows containerd's order: add ALL, drop ALL, each add, each drop.
// The expected sets are written out by hand.
func TestCaps(t *testing.T) {
	cases := []struct {
		name      string
		c         Container
		want      []string // nil: check n instead
		n         int
		has, lack []string
	}{
		{name: "defaults", c: Container{}, n: 14},
		{name: "add one", c: Container{CapAdd: []string{"CAP_SYS_ADMIN"}}, n: 15, has: []string{"CAP_SYS_ADMIN"}},
		{name: "drop one", c: Container{CapDrop: []string{"CAP_NET_RAW"}}, n: 13, lack: []string{"CAP_NET_RAW"}},
		{name: "drop ALL", c: Container{CapDrop: []string{"ALL"}}, want: []string{}},
		// drop ALL comes before the individual adds, whatever the order written
		{name: "drop ALL, add one", c: Container{CapAdd: []string{"CAP_NET_BIND_SERVICE"}, CapDrop: []string{"ALL"}}, want: []string{"CAP_NET_BIND_SERVICE"}},
		{name: "add ALL, drop one", c: Container{CapAdd: []string{"ALL"}, CapDrop: []string{"CAP_SYS_ADMIN"}}, n: 40, lack: []string{"CAP_SYS_ADMIN"}, has: []string{"CAP_BPF"}},
		// add ALL and drop ALL: drop ALL is applied second
		{name: "add ALL, drop ALL", c: Container{CapAdd: []string{"ALL"}, CapDrop: []string{"ALL"}}, want: []string{}},
		// an individual drop wins over an individual add
		{name: "add and drop the same", c: Container{CapAdd: []string{"CAP_SYS_ADMIN"}, CapDrop: []string{"CAP_SYS_ADMIN"}}, n: 14, lack: []string{"CAP_SYS_ADMIN"}},
		{name: "privileged", c: Container{Privileged: true, CapDrop: []string{"ALL"}}, n: 41},
	}
	for _, c := range cases {
		got := Caps(docker, &c.c)
		if c.want != nil {
			if !slices.Equal(got, c.want) {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
			}
			continue
		}
		if len(got) != c.n {
			t.Errorf("%s: %d capabilities, want %d", c.name, len(got), c.n)
		}
		for _, h := range c.has {
			if !slices.Contains(got, h) {
				t.Errorf("%s: lacks %s", c.name, h)
			}
		}
		for _, l := range c.lack {
			if slices.Contains(got, l) {
				t.Errorf("%s: has %s", c.name, l)
			}
		}
	}
	if d := CapsDelta(docker, Caps(docker, &Container{CapAdd: []string{"CAP_SYS_ADMIN"}, CapDrop: []string{"CAP_NET_RAW"}})); d != "+SYS_ADMIN -NET_RAW" {
		t.Errorf("CapsDelta %q", d)
	}
}

// Documents are counted as the YAML library counts them, markers at the
// start of a line only, and errors carry the document and the line.
func TestParsePlaces(t *testing.T) {
	const pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: %s}\nspec:\n  containers: [{name: a}]\n"
	cases := []struct {
		in       string
		doc      int
		line     int
		contains string
	}{
		// a leading --- opens the first document; line 12 holds the bad type
		{"---\n" + strings.Replace(pod, "%s", "a", 1) + "---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec:\n  containers: [{name: a, securityContext: {seccompProfile: {type: Nope}}}]\n", 2, 12, `"Nope"`},
		// "----" and "--- x" inside a block scalar are not markers, "..." ends a document
		{"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  k: |\n    ----\n    --- x\n...\n---\n- not an object\n", 2, 10, "sequence"},
		{"apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {containers: []}\n", 1, 1, "empty"},
		{"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {}\n", 1, 1, "spec.template.spec"},
		{"apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  jobTemplate: {spec: {template: {}}}\n", 1, 1, "spec.jobTemplate.spec.template.spec"},
		{"apiVersion: v1\nkind: Pod\nspec: {}\n", 1, 1, "metadata.name"},
	}
	for i, c := range cases {
		var m Manifests
		err := Parse([]byte(c.in), "f.yaml", "default", &m)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("case %d: %v, want an *Error", i, err)
			continue
		}
		if e.File != "f.yaml" || e.Doc != c.doc || e.Line != c.line || !strings.Contains(err.Error(), c.contains) {
			t.Errorf("case %d: %q (doc %d line %d), want doc %d line %d and %q", i, err, e.Doc, e.Line, c.doc, c.line, c.contains)
		}
	}
}

// Kinds of other groups and other kinds are skipped and counted; a List's
// items are read; the namespace defaults.
func TestParseKinds(t *testing.T) {
	in := `apiVersion: example.com/v1
kind: Deployment
metadata: {name: not-apps}
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: p}
  spec:
    containers: [{name: a}]
    initContainers: [{name: i}]
    ephemeralContainers: [{name: e}]
- apiVersion: v1
  kind: Service
  metadata: {name: s}
`
	var m Manifests
	if err := Parse([]byte(in), "f.yaml", "team", &m); err != nil {
		t.Fatal(err)
	}
	if n, s := m.SkippedSummary(); n != 2 || s != "1 Deployment (example.com/v1), 1 Service" {
		t.Errorf("skipped %d: %q", n, s)
	}
	if len(m.Workloads) != 1 || m.Workloads[0].Namespace != "team" || m.Workloads[0].Doc != 2 {
		t.Fatalf("workloads %+v", m.Workloads)
	}
	var got []string
	for _, c := range m.Workloads[0].Containers {
		got = append(got, c.Name+":"+string(c.Type))
	}
	if !slices.Equal(got, []string{"i:init", "a:container", "e:ephemeral"}) {
		t.Errorf("containers %v", got)
	}
}

// FuzzParse: any input gives manifests or an *Error, never a panic.
func FuzzParse(f *testing.F) {
	for _, dir := range []string{"../internal/cli/testdata/k8s/manifests", "../internal/cli/testdata/k8s/sad"} {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if b, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Manifests
		err := Parse(b, "fuzz.yaml", "default", &m)
		var e *Error
		if err != nil && !errors.As(err, &e) {
			t.Fatalf("%v is not an *Error", err)
		}
		if err == nil {
			_, _ = Resolve(&m, Options{RuntimeDefault: "runc-docker", Unconfined: "runc-unconfined", DefaultCaps: docker})
		}
	})
}
