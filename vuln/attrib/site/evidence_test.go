package site

import "testing"

func TestEvidencePath(t *testing.T) {
	for _, c := range []struct {
		path []string
		want string
	}{
		{[]string{"__x64_sys_keyctl"}, "keyctl"},
		{[]string{"__x64_sys_keyctl", "a", "b", "c"}, "keyctl → a → b → c"},
		{[]string{"__x64_sys_keyctl", "a", "b", "c", "d", "e"}, "keyctl → a → … → d → e"},
	} {
		if got := evidencePath("keyctl", c.path); got != c.want {
			t.Errorf("%v: %q, want %q", c.path, got, c.want)
		}
	}
}
