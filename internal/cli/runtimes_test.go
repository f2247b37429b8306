package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// The VERSION column holds versions: qemu-tcg@measured's QEMU line without the
// copyright line `qemu-system-x86_64 --version` prints under it.
func TestRuntimesVersion(t *testing.T) {
	code, out, errs := run(t, "runtimes", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rows []struct{ Name, Version string }
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if strings.Contains(r.Version, "Copyright") {
			t.Errorf("%s version %q", r.Name, r.Version)
		}
		if r.Name == "qemu-tcg@measured" && !strings.HasSuffix(r.Version, "; qemu QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)") {
			t.Errorf("qemu-tcg@measured version %q", r.Version)
		}
	}
}
