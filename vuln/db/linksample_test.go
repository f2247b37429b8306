package db

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"sysweight/vuln/internal/judged"
)

// TestRandomLinksPrecision scores the links drawn at random from the
// embedded DB (linksample-draw.json: 60 of its 6,891 distinct (CVE,
// syscall) links, seed 20261206, drawn before any judging; the CVE
// metrics count these links, so their precision is the one the weights
// stand on) against two blind judges, 30 CVEs each
// (linksample-judged-a.json, -b.json), who judged each CVE's triggers by
// SAMPLE2.md's protocol without seeing the links. A link is right when
// its syscall is in the judge's want ∪ also. It scores the drawn links as
// drawn, so later DB changes do not move the figure; it logs how many of
// them the current DB still has.
//
// Measured once, in the fourteenth session, and checked by a separate
// script: 53 of 60 right, precision 0.883 (Wilson 95 % interval [0.778,
// 0.942]); by method sibling 21/22, text 11/15, trace 11/11, site 5/5,
// uapi 3/4, dispatch 2/3. The seven wrong: text links to syscalls the
// prose names beside the trigger (munmap, bind twice, listen), a UAPI
// option named in passing (setsockopt), nf_tables' netlink dispatch for a
// bug run at netns teardown, and sendto as sendmsg's sibling for an
// IPoIB netns teardown. The judges read the kernel source for 6 of the 60
// CVEs and judged the rest from the record and memory (they say which in
// each reason); one judged 1 CVE none, the other none. Issue 9's "Why"
// found about 0.78 on 40 links drawn the same way from the DB before the
// attribution work. The floor guards the figure.
func TestRandomLinksPrecision(t *testing.T) {
	scoreLinkDraw(t, "linksample", 60, 53, 0.86)
}

// TestRandomLinksPrecision2 scores a second draw, of the DB of analysis
// Version 34 (linksample2-draw.json: 80 of its 6,886 distinct links, seed
// 20261207, committed before any judging; no link or CVE in common with
// the first draw), against two more blind judges, 40 CVEs each
// (linksample2-judged-a.json, -b.json; 5 CVEs judged none between them,
// source read for 13).
//
// Measured once, in the sixteenth session, and checked by a separate
// script: 71 of 80 right, precision 0.888 (Wilson 95 % interval [0.800,
// 0.940]); by method text 14/15, sibling 15/20, dispatch 12/14, trace
// 16/16, site 12/12, uapi 2/3. Of the nine wrong, five belong to CVEs the
// judges put on no syscall (a driver's USB completion, resume handler or
// 32-bit-only statistics race, a devlink kworker, a 32-bit boot flag):
// three siblings of sendmsg and two dispatch links. The others are
// siblings (sendto beside a connect trigger, open beside a crafted
// image's mount), a UAPI option and a text link named beside the
// trigger. Both draws together: 124 of 140, 0.886 ([0.822, 0.928]). The
// floor guards the figure.
func TestRandomLinksPrecision2(t *testing.T) {
	scoreLinkDraw(t, "linksample2", 80, 71, 0.86)
}

// scoreLinkDraw scores the links of NAME-draw.json against the judgements
// of NAME-judged-a.json and -b.json (half the CVEs each), as drawn, and
// fails under the floor; want and right are the draw's size and the
// count measured when it was judged.
func scoreLinkDraw(t *testing.T, name string, want, right int, floor float64) {
	t.Helper()
	var draw struct {
		Population int `json:"population"`
		Links      []struct{ ID, Syscall, Method string }
	}
	b, err := os.ReadFile(filepath.Join(sample2Dir, name+"-draw.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &draw); err != nil {
		t.Fatal(err)
	}
	judge := map[string]judged.CVE{}
	for _, f := range []string{name + "-judged-a.json", name + "-judged-b.json"} {
		cs, err := judged.Read(filepath.Join(sample2Dir, f), want/2)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			judge[c.ID] = c
		}
	}
	d, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	type count struct{ n, right int }
	var all count
	by := map[string]count{}
	kept := 0
	var wrong []string
	for _, l := range draw.Links {
		j, ok := judge[l.ID]
		if !ok {
			t.Fatalf("%s (drawn) has no judgement", l.ID)
		}
		c := by[l.Method]
		c.n++
		all.n++
		if j.Accepts(l.Syscall) {
			c.right++
			all.right++
		} else {
			wrong = append(wrong, l.ID+" "+l.Syscall+" ("+l.Method+")")
		}
		by[l.Method] = c
		if cve, ok, _ := d.CVE(l.ID); ok {
			for _, x := range cve.Links {
				if x.Syscall == l.Syscall {
					kept++
					break
				}
			}
		}
	}
	var methods []string
	for m := range by {
		methods = append(methods, m)
	}
	sort.Strings(methods)
	var lines []string
	for _, m := range methods {
		lines = append(lines, fmt.Sprintf("%s %d/%d", m, by[m].right, by[m].n))
	}
	p := float64(all.right) / float64(all.n)
	t.Logf("%d links drawn of %d: precision %.3f (%d right); by method: %s; the current DB keeps %d of them; wrong: %s",
		all.n, draw.Population, p, all.right, strings.Join(lines, ", "), kept, strings.Join(wrong, "; "))
	if all.n != want {
		t.Fatalf("%d links drawn, want %d", all.n, want)
	}
	if p < floor {
		t.Errorf("precision %.3f (%d of %d); measured %.3f (%d of %d)", p, all.right, all.n, float64(right)/float64(want), right, want)
	}
}
