// Command triggertable reads syzbot's C reproducers from a tar stream (git
// archive of github.com/dvyukov/syzkaller-repros' linux/ folder) and writes
// the derived per-syscall triggers table (vuln/syzbot/data). The
// reproducers are read from the stream and never written anywhere.
//
//	triggertable -tar FILE|- -repo R -commit C -date D -out FILE [-top N]
package main

import (
	"archive/tar"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"

	"sysweight/syscalls"
	"sysweight/vuln/syzbot"
)

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("triggertable", flag.ContinueOnError)
	fl.SetOutput(stderr)
	tarPath := fl.String("tar", "", "tar stream of the repository's linux/ folder (- for stdin)")
	var src syzbot.Source
	fl.StringVar(&src.Repo, "repo", "github.com/dvyukov/syzkaller-repros", "repository the files come from")
	fl.StringVar(&src.Commit, "commit", "", "full commit hash")
	fl.StringVar(&src.Date, "date", "", "commit date, YYYY-MM-DD")
	out := fl.String("out", "", "table to write (atomically)")
	top := fl.Int("top", 25, "print the top N syscalls")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if *tarPath == "" || *out == "" {
		fmt.Fprintln(stderr, "triggertable: give -tar and -out")
		return 2
	}
	r := stdin
	if *tarPath != "-" {
		f, err := os.Open(*tarPath)
		if err != nil {
			fmt.Fprintln(stderr, "triggertable:", err)
			return 1
		}
		defer f.Close()
		r = f
	}
	t := syscalls.MustForArch(syscalls.X86_64)
	var files []syzbot.File
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Fprintln(stderr, "triggertable: reading tar:", err)
			return 1
		}
		name := strings.TrimPrefix(path.Clean(h.Name), "./")
		if h.Typeflag != tar.TypeReg || path.Dir(name) != "linux" || path.Ext(name) != ".c" {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(tr, 16<<20))
		if err != nil {
			fmt.Fprintln(stderr, "triggertable:", name+":", err)
			return 1
		}
		files = append(files, syzbot.File{Path: name, Repro: syzbot.ParseRepro(b, t)})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	tb, err := syzbot.Build(files, src, t)
	if err != nil {
		fmt.Fprintln(stderr, "triggertable:", err)
		return 1
	}
	if err := syzbot.WriteFile(*out, tb); err != nil {
		fmt.Fprintln(stderr, "triggertable:", err)
		return 1
	}
	p := tb.Source
	fmt.Fprintf(stdout, "%s\nbodies %v; left out: %d data-area mmaps, %d exits, %d unresolved; pseudo mapped %v\n",
		p, p.Bodies, p.DataMmaps, p.Exits, p.Unresolved, p.Pseudo)
	rows := append([]syzbot.Row(nil), tb.Syscalls...)
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Bugs > rows[j].Bugs })
	fmt.Fprintln(stdout, "top by bugs:")
	for _, r := range rows[:min(*top, len(rows))] {
		fmt.Fprintf(stdout, "  %-20s %5d  %9.4f\n", r.Name, r.Bugs, r.TFIDF)
	}
	return 0
}
