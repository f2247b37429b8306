package debpkg_test

import (
	"fmt"
	"log"
	"strings"

	"sysweight/kernel/debpkg"
)

// Read a package's control fields and the files under usr/share/hello.
func ExampleReadFile() {
	p, err := debpkg.ReadFile("testdata/happy/hello-xz.deb", func(name string) bool {
		return strings.HasPrefix(name, "usr/share/hello/h")
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Control["Package"], p.Control["Version"], p.Control["Architecture"])
	for _, f := range p.Files {
		fmt.Printf("%s: %q\n", f.Name, f.Data)
	}
	// Output:
	// hello 1.0-1 amd64
	// usr/share/hello/hard: "hello\n"
	// usr/share/hello/hello.txt: "hello\n"
}
