// Package sariftest is for tests only: it checks a SARIF log against the
// SARIF 2.1.0 JSON schema (OASIS, errata 01), with
// github.com/santhosh-tekuri/jsonschema/v6 and formats asserted.
//
// The schema is not committed here (nothing fetched from another project
// is): it comes from the module cache, from a Go module go.mod pins that
// ships it, github.com/securego/gosec/v2 (report/sarif/testdata). The
// blank import below is what keeps that module in go.mod and go.sum, so
// go test downloads it like any dependency; this package uses none of its
// code. Schema finds the module's directory with go list -m -json and
// skips the test, saying why, only when the module cannot be had.
//
// It does not produce SARIF (package lint does) or judge what GitHub code
// scanning makes of a log beyond the schema.
package sariftest

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	// Pinned for its report/sarif/testdata/sarif-schema-2.1.0.json.
	_ "github.com/securego/gosec/v2/cwe"
)

// SchemaModule ships the schema at SchemaPath.
const (
	SchemaModule = "github.com/securego/gosec/v2"
	SchemaPath   = "report/sarif/testdata/sarif-schema-2.1.0.json"
	// SchemaID is the schema's own id, checked so that another file in
	// its place is not taken for it.
	SchemaID = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)

var (
	once    sync.Once
	schema  *jsonschema.Schema
	skipMsg string
	failMsg string
)

// File returns the schema file's path in the module cache, or why there is
// none: the go command's output.
func File() (string, string) {
	out, err := exec.Command("go", "list", "-m", "-json", SchemaModule).Output()
	if err != nil {
		msg := err.Error()
		if ee, ok := err.(*exec.ExitError); ok {
			msg += ": " + string(bytes.TrimSpace(ee.Stderr))
		}
		return "", "go list -m -json " + SchemaModule + ": " + msg
	}
	var m struct {
		Dir     string
		Version string
	}
	if err := json.Unmarshal(out, &m); err != nil {
		return "", "go list -m -json " + SchemaModule + ": " + err.Error()
	}
	if m.Dir == "" {
		// not in the module cache yet: go mod download fetches the
		// version go.mod requires
		out, err := exec.Command("go", "mod", "download", "-json", SchemaModule).Output()
		if err == nil {
			err = json.Unmarshal(out, &m)
		}
		if err != nil || m.Dir == "" {
			return "", "go mod download " + SchemaModule + "@" + m.Version + " failed (offline, no module proxy?): " + string(bytes.TrimSpace(out))
		}
	}
	return filepath.Join(m.Dir, filepath.FromSlash(SchemaPath)), ""
}

func load() {
	path, why := File()
	if path == "" {
		skipMsg = "SARIF schema not available: " + why
		return
	}
	f, err := os.Open(path)
	if err != nil {
		failMsg = "SARIF schema: " + err.Error()
		return
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		failMsg = "SARIF schema " + path + ": " + err.Error()
		return
	}
	if m, ok := doc.(map[string]any); !ok || m["id"] != SchemaID {
		failMsg = "SARIF schema " + path + ": not the OASIS 2.1.0 errata 01 schema (id " + SchemaID + ")"
		return
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(SchemaID, doc); err != nil {
		failMsg = "SARIF schema: " + err.Error()
		return
	}
	if schema, err = c.Compile(SchemaID); err != nil {
		failMsg = "SARIF schema: " + err.Error()
	}
}

// Validate fails t when data is not a SARIF 2.1.0 log by the schema, and
// skips it when the schema's module cannot be had.
func Validate(t testing.TB, data []byte) {
	t.Helper()
	once.Do(load)
	switch {
	case skipMsg != "":
		t.Skip(skipMsg)
	case failMsg != "":
		t.Fatal(failMsg)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("SARIF output is not JSON: %v", err)
	}
	if err := schema.Validate(v); err != nil {
		t.Errorf("SARIF output does not validate against the SARIF 2.1.0 schema:\n%v", err)
	}
}
