package gomod

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"testing"
)

func TestRequire(t *testing.T) {
	mod := []byte(`module x

go 1.26.0

require gvisor.dev/gvisor v0.0.0-20260905035102-160fafc42237

require (
	github.com/moby/profiles/seccomp v0.3.0
	github.com/spf13/pflag v1.0.10 // indirect
	// github.com/commented/out v9.9.9
)

require github.com/a/b v1.0.0 // indirect
`)
	for _, tc := range []struct{ module, want string }{
		{"gvisor.dev/gvisor", "v0.0.0-20260905035102-160fafc42237"},
		{"github.com/moby/profiles/seccomp", "v0.3.0"},
		{"github.com/spf13/pflag", "v1.0.10"},
		{"github.com/a/b", "v1.0.0"},
	} {
		got, err := Require(mod, tc.module)
		if err != nil || got != tc.want {
			t.Errorf("Require(%s) = %q, %v; want %q", tc.module, got, err, tc.want)
		}
	}
	for _, m := range []string{"github.com/commented/out", "github.com/moby/profiles", "x"} {
		if v, err := Require(mod, m); !errors.Is(err, ErrNotRequired) {
			t.Errorf("Require(%s) = %q, %v; want ErrNotRequired", m, v, err)
		}
	}
	if _, err := Require([]byte("require (\n\tgithub.com/a/b\n)\n"), "github.com/a/b"); err == nil || err.Error() != `go.mod:2: require github.com/a/b: want one version, got ""` {
		t.Errorf("no version: %v", err)
	}
}

// The repository's go.mod files hold the pins; the docs that name a
// pinned version name that one.
func TestRepositoryPins(t *testing.T) {
	for _, tc := range []struct {
		gomod, module string
		doc, mention  string // mention: with %s for the version
	}{
		{"../../go.mod", "github.com/moby/profiles/seccomp", "../../README.md", "`github.com/moby/profiles/seccomp` %s"},
		{"../../go.mod", "github.com/moby/profiles/seccomp", "../../ARCHITECTURE.md", "moby/profiles/seccomp %s"},
		{"../../go.mod", "golang.org/x/sys", "../../README.md", "golang.org/x/sys %s"},
		{"../../tools/gvisor-rules/go.mod", "gvisor.dev/gvisor", "../../README.md", "`gvisor.dev/gvisor` %s"},
	} {
		b, err := os.ReadFile(tc.gomod)
		if err != nil {
			t.Fatal(err)
		}
		v, err := Require(b, tc.module)
		if err != nil {
			t.Fatalf("%s: %v", tc.gomod, err)
		}
		doc, err := os.ReadFile(tc.doc)
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf(tc.mention, v); !bytes.Contains(doc, []byte(want)) {
			t.Errorf("%s does not say %q (%s pins %s %s)", tc.doc, want, tc.gomod, tc.module, v)
		}
	}
}
