package runtimes

import (
	"bytes"
	"encoding/json"
	"path"
	"testing"

	mobyseccomp "github.com/moby/profiles/seccomp"
)

// The embedded Docker profile is what DefaultProfile() returns at the
// go.mod pin (DefaultProfile builds only on Linux, hence this file): run
// go generate ./runtimes after moving the pin.
func TestMobyDefaultUpToDate(t *testing.T) {
	want, err := json.MarshalIndent(mobyseccomp.DefaultProfile(), "", "\t")
	if err != nil {
		t.Fatal(err)
	}
	got, err := dataFS.ReadFile(path.Join("data", mobyDefaultFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, append(want, '\n')) {
		t.Errorf("data/%s is not github.com/moby/profiles/seccomp's DefaultProfile(): run go generate ./runtimes", mobyDefaultFile)
	}
}
