package trace

import "testing"

// Property: an error or a layout, never a panic.
func FuzzLayout(f *testing.F) {
	f.Add([]byte("name: x\nID: 1\nformat:\n\tfield:long id;\toffset:8;\tsize:8;\tsigned:1;\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = newLayout(b, b, b)
	})
}
