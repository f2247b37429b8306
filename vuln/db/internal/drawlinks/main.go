// Command drawlinks draws links at random from the embedded weight DB for
// a blind check of their precision: the links are what the CVE metrics
// count, so a uniform draw over them measures the precision the weights
// stand on (issue 9's "Why" measured 40 such links).
//
//	go run ./vuln/db/internal/drawlinks -seed 20261206 -n 60 -out vuln/attrib/testdata/linksample-draw.json
//
// A link is a (CVE, syscall) pair; a pair several methods give is one
// link, named by its preferred method (the DB's order). The pairs are
// sorted by CVE id (vuln.CompareID) and syscall, shuffled with
// math/rand/v2's PCG(seed, 0), and the first n kept, in draw order. The
// file holds ids, syscalls, methods and the DB's sha256, no feed text.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"sysweight/internal/atomicfile"
	"sysweight/vuln"
	"sysweight/vuln/db"
)

type link struct {
	ID      string `json:"id"`
	Syscall string `json:"syscall"`
	Method  string `json:"method"`
}

func main() {
	seed := flag.Uint64("seed", 20261206, "PCG seed")
	n := flag.Int("n", 60, "links to draw")
	out := flag.String("out", "", "file to write")
	flag.Parse()
	if *out == "" || *n <= 0 || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "drawlinks: want -out FILE and -n > 0, and no other arguments (usage: drawlinks -seed S -n N -out FILE)")
		os.Exit(2)
	}
	if st, err := os.Stat(filepath.Dir(*out)); err != nil || !st.IsDir() {
		fmt.Fprintf(os.Stderr, "drawlinks: -out %s: its directory does not exist\n", *out)
		os.Exit(2)
	}
	d, err := db.Default()
	if err != nil {
		fmt.Fprintln(os.Stderr, "drawlinks:", err)
		os.Exit(1)
	}
	cves, err := d.CVEs()
	if err != nil {
		fmt.Fprintln(os.Stderr, "drawlinks:", err)
		os.Exit(1)
	}
	var all []link
	for _, c := range cves {
		seen := map[string]bool{}
		for _, l := range c.Links {
			if !seen[l.Syscall] {
				seen[l.Syscall] = true
				all = append(all, link{c.ID, l.Syscall, l.Method})
			}
		}
	}
	slices.SortFunc(all, func(a, b link) int {
		if c := vuln.CompareID(a.ID, b.ID); c != 0 {
			return c
		}
		return strings.Compare(a.Syscall, b.Syscall)
	})
	pop := len(all)
	rand.New(rand.NewPCG(*seed, 0)).Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	if *n > len(all) {
		*n = len(all)
	}
	sum := sha256.Sum256(db.DefaultBytes())
	doc := struct {
		About      string `json:"about"`
		Seed       uint64 `json:"seed"`
		Shuffle    string `json:"shuffle"`
		DB         string `json:"db"`
		Population int    `json:"population"`
		Links      []link `json:"links"`
	}{
		About:      "Links drawn at random from the embedded weight DB for a blind check of their precision (issue 9); each CVE's trigger syscalls are judged without seeing the link. Holds ids, syscalls and methods only, no feed text.",
		Seed:       *seed,
		Shuffle:    "every distinct (CVE, syscall) pair of the DB, sorted by vuln.CompareID then syscall, shuffled with rand.New(rand.NewPCG(seed, 0)).Shuffle (math/rand/v2, Go 1.26); the first links in draw order",
		DB:         "vuln/db/data/weights-x86_64.json sha256:" + hex.EncodeToString(sum[:]),
		Population: pop,
		Links:      all[:*n],
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		fmt.Fprintln(os.Stderr, "drawlinks:", err)
		os.Exit(1)
	}
	if err := atomicfile.WriteFile(*out, append(b, '\n')); err != nil {
		fmt.Fprintln(os.Stderr, "drawlinks:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %s: %d of %d links\n", *out, *n, pop)
}
