package xz_test

import (
	"fmt"
	"io"
	"log"
	"os"

	"sysweight/internal/xz"
)

// testdata/hello.xz was made with
//
//	printf 'Hello from a two-block xz stream.\nThe second block starts here.\n' |
//	    xz -c -T2 --block-size=34 --check=sha256
func ExampleDecode() {
	src, err := os.ReadFile("testdata/hello.xz")
	if err != nil {
		log.Fatal(err)
	}
	out, err := xz.Config{Workers: 2}.Decode(src) // both blocks at once
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(out))
	// Output:
	// Hello from a two-block xz stream.
	// The second block starts here.
}

func ExampleNewReader() {
	f, err := os.Open("testdata/hello.xz")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	r, err := xz.NewReader(f)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := io.Copy(os.Stdout, r); err != nil {
		log.Fatal(err)
	}
	// Output:
	// Hello from a two-block xz stream.
	// The second block starts here.
}
