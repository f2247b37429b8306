package debpkg_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"sysweight/kernel/debpkg"
)

// FuzzRead: any input is an error or a package, never a panic; an error is
// an *debpkg.Error. Seeds: the dpkg-deb fixtures in testdata/happy.
func FuzzRead(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "happy", "*.deb"))
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := debpkg.Read(bytes.NewReader(b), int64(len(b)), nil)
		var e *debpkg.Error
		if err != nil && (p != nil || !errors.As(err, &e)) {
			t.Fatalf("package %v with error %v (%T)", p, err, err)
		}
	})
}
