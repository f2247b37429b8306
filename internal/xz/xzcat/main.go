// Command xzcat decodes .xz files to standard output with sysweight's
// internal/xz, for scripts/bench-xz.sh to time against the xz tool. It is a
// measuring aid, not part of sysweight.
//
//	xzcat [-workers N] [-stream] FILE...
//	xzcat [-workers N] -deb PACKAGE.deb
//
// With -deb it reads a whole package with kernel/debpkg, as "sysweight
// kernel analyze PACKAGE.deb" does, and prints its file count and size;
// -workers then sets GOMAXPROCS, which bounds Decode's workers.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"

	"sysweight/internal/bigbuf"
	"sysweight/internal/xz"
	"sysweight/kernel/debpkg"
)

func main() {
	workers := flag.Int("workers", 0, "blocks decoded at once by Decode (0: GOMAXPROCS)")
	stream := flag.Bool("stream", false, "decode with the streaming Reader instead of Decode")
	deb := flag.Bool("deb", false, "read a Debian package with kernel/debpkg")
	flag.Parse()
	if *deb {
		if *workers > 0 {
			runtime.GOMAXPROCS(*workers)
		}
		if err := readDeb(flag.Arg(0)); err != nil {
			fmt.Fprintln(os.Stderr, "xzcat:", err)
			os.Exit(2)
		}
		return
	}
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	for _, name := range flag.Args() {
		if err := cat(out, name, *workers, *stream); err != nil {
			fmt.Fprintf(os.Stderr, "xzcat: %s: %v\n", name, err)
			os.Exit(2)
		}
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "xzcat:", err)
		os.Exit(1)
	}
}

func cat(w io.Writer, name string, workers int, stream bool) error {
	cfg := xz.Config{Workers: workers}
	if stream {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		r, err := cfg.NewReader(f)
		if err != nil {
			return err
		}
		_, err = io.Copy(w, r)
		return err
	}
	src, err := readFile(name)
	if err != nil {
		return err
	}
	out, err := cfg.Decode(src)
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

func readDeb(path string) error {
	p, err := debpkg.ReadFile(path, nil)
	if err != nil {
		return err
	}
	n := 0
	for _, f := range p.Files {
		n += len(f.Data)
	}
	fmt.Printf("%s %s: %d files, %d bytes\n", p.Control["Package"], p.Control["Version"], len(p.Files), n)
	return nil
}

// readFile reads a whole file into a buffer from bigbuf, as kernel/debpkg
// reads a package member.
func readFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	b := bigbuf.Make(int(st.Size()))
	if _, err := io.ReadFull(f, b); err != nil {
		return nil, err
	}
	return b, nil
}
