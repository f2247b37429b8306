package cli

import (
	"encoding/json"
	"testing"
)

// exposure --all -o json lists every syscall of the table, as the table
// output does: 385 x86_64 syscalls (runc-unconfined's count in
// TestCompareJSON), of which nabla's 7 have a degree above 0.
func TestExposureAllJSON(t *testing.T) {
	for _, c := range []struct {
		args           []string
		entries, above int
	}{
		{[]string{"exposure", "nabla", "-o", "json"}, 7, 7},
		{[]string{"exposure", "nabla", "--all", "-o", "json"}, 385, 7},
	} {
		code, out, errs := run(t, c.args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", c.args, code, errs)
		}
		var e struct {
			Name    string
			Entries []struct {
				Syscall string
				Nr      int
				Degree  float64
			}
		}
		if err := json.Unmarshal([]byte(out), &e); err != nil {
			t.Fatal(err)
		}
		above := 0
		for _, en := range e.Entries {
			if en.Degree > 0 {
				above++
			}
			if en.Syscall == "keyctl" && en.Nr != 250 { // arch/x86/entry/syscalls/syscall_64.tbl
				t.Errorf("%v: keyctl nr %d, want 250", c.args, en.Nr)
			}
		}
		if e.Name != "nabla" || len(e.Entries) != c.entries || above != c.above {
			t.Errorf("%v: %s with %d entries, %d above 0; want nabla, %d, %d", c.args, e.Name, len(e.Entries), above, c.entries, c.above)
		}
	}
}
