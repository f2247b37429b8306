package seccomp

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strconv"
	"testing"

	"sysweight/internal/gomod"
)

// gomodPin reads the version file (a go.mod) requires of module.
func gomodPin(t *testing.T, file, module string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	v, err := gomod.Require(b, module)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return v
}

func TestMobyProfilesPin(t *testing.T) {
	if v := gomodPin(t, "../go.mod", "github.com/moby/profiles/seccomp"); v != MobyProfilesVersion {
		t.Errorf("go.mod requires github.com/moby/profiles/seccomp %s, MobyProfilesVersion is %s", v, MobyProfilesVersion)
	}
}

// The schema tools/gvisor-rules writes (a separate module, so it cannot
// share the constant) is the one DecodeGVisor accepts.
func TestGVisorSchemaPin(t *testing.T) {
	const file = "../tools/gvisor-rules/model.go"
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || vs.Names[0].Name != "schemaVersion" || len(vs.Values) != 1 {
			return true
		}
		lit, ok := vs.Values[0].(*ast.BasicLit)
		if !ok || lit.Kind != token.INT {
			t.Fatalf("%s: schemaVersion is not an integer literal", file)
		}
		v, err := strconv.Atoi(lit.Value)
		if err != nil {
			t.Fatal(err)
		}
		if v != gvisorSchema {
			t.Errorf("%s writes schema %d, DecodeGVisor reads %d", file, v, gvisorSchema)
		}
		found = true
		return false
	})
	if !found {
		t.Fatalf("%s: no schemaVersion constant", file)
	}
}
