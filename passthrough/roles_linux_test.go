package passthrough

import (
	"fmt"
	"maps"
	"testing"
	"testing/fstest"
)

// A /proc with the runsc front end (100), its Sentry and Gofer, a stub,
// and an unrelated sandbox; one command name holds ") ", as comm may.
func TestSandboxRoles(t *testing.T) {
	stat := func(pid, ppid int) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte(fmt.Sprintf("%d (a) name) S %d 1 1 0", pid, ppid))}
	}
	proc := fstest.MapFS{
		"100/stat": stat(100, 1), "100/cmdline": {Data: []byte("/usr/bin/runsc\x00run\x00")},
		"110/stat": stat(110, 100), "110/cmdline": {Data: []byte("runsc-sandbox\x00boot\x00")},
		"120/stat": stat(120, 100), "120/cmdline": {Data: []byte("runsc-gofer\x00gofer\x00")},
		"130/stat": stat(130, 110), "130/cmdline": {Data: []byte("")},
		"200/stat": stat(200, 1), "200/cmdline": {Data: []byte("runsc-sandbox\x00boot\x00")}, // another sandbox
		"self/stat": stat(5, 1),
	}
	got := sandboxRoles(proc, 100)
	if want := map[int]string{110: RoleSentry, 120: RoleGofer}; !maps.Equal(got, want) {
		t.Errorf("roles %v, want %v", got, want)
	}
}
