// Command cnabench times kernelcna.ReadDir on an extracted vulns tree or
// kernelcna.ReadTarXZ on a packed one, for scripts/bench-feeds.sh. It prints
// one line: mode, records, rejected, seconds (wall), and for tar.xz the
// seconds spent decompressing and parsing.
package main

import (
	"fmt"
	"os"

	"sysweight/vuln/kernelcna"
)

func main() {
	if len(os.Args) != 3 || (os.Args[1] != "dir" && os.Args[1] != "tarxz") {
		fmt.Fprintln(os.Stderr, "usage: cnabench dir TREE | cnabench tarxz ARCHIVE.tar.xz")
		os.Exit(2)
	}
	var st kernelcna.Stats
	var n int
	var err error
	switch os.Args[1] {
	case "dir":
		recs, s, e := kernelcna.ReadDir(os.Args[2])
		n, st, err = len(recs), s, e
	case "tarxz":
		f, e := os.Open(os.Args[2])
		if e != nil {
			fmt.Fprintln(os.Stderr, "cnabench:", e)
			os.Exit(1)
		}
		recs, s, e := kernelcna.ReadTarXZ(f)
		f.Close()
		n, st, err = len(recs), s, e
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "cnabench:", err)
		os.Exit(1)
	}
	fmt.Printf("%s records=%d rejected=%d with_cvss=%d bytes=%d total=%.3f decompress=%.3f parse=%.3f\n",
		os.Args[1], n, st.Rejected, st.WithCVSS, st.Bytes, st.Total.Seconds(), st.Decompress.Seconds(), st.Parse.Seconds())
}
