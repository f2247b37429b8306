// Command genhead derives the binary head of the embedded weight DB
// (vuln/db/data/weights-x86_64.head) from the DB file, so that loading the
// default DB needs no JSON decoding of its per-syscall metrics. Run by
// `go generate ./vuln/db` (and make weightdb) from vuln/db:
//
//	go run ./internal/genhead [-in data/weights-x86_64.json] [-out data/weights-x86_64.head]
//
// The output is written to a temporary file and renamed over -out.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"sysweight/internal/atomicfile"
	"sysweight/vuln/db"
)

func main() {
	in := flag.String("in", filepath.Join("data", "weights-x86_64.json"), "canonical weight DB")
	out := flag.String("out", filepath.Join("data", "weights-x86_64.head"), "head file to write")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "genhead:", err)
		os.Exit(2)
	}
}

func run(in, out string) error {
	b, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	head, err := db.EncodeHead(b)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	return atomicfile.WriteFile(out, head)
}
