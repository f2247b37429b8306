package build

import (
	"path/filepath"
	"testing"

	"sysweight/internal/kerneltest"
	"sysweight/syscalls"
	"sysweight/vuln/attrib"
	"sysweight/vuln/attrib/site"
	"sysweight/vuln/internal/judged"
)

// TestApartMethod builds the DB from the pinned feeds with the default
// methods and the apart method (not a default one) and scores the apart
// method's links on vuln/attrib/testdata/apart-sample-judged.json: 30
// CVEs drawn at random from what the rule's first form added, judged
// blind. The rule's final form was chosen on them (a tuning figure, not
// an independent check): 13 of its 14 links there are right. On the 400
// CVEs of the judged sample 2 sets (main and holdout–holdout6) it makes
// 3 links, none right, which is why it is not a default method
// (docs/attribution.md). Since the site method's member rule (eleventh
// session) links three of those CVEs first, by the method their site is
// stored as (inet_create and packet_create → socket, cgroup_kill_sb →
// umount2; all right by the same judgements), the apart method makes 10
// links there, 9 right. The floors guard the measured figures.
func TestApartMethod(t *testing.T) {
	in := sharedInputs(t)
	a, err := site.NewAttributor(kernelIndex(t, kerneltest.Dir(t)), site.Options{Methods: site.DefaultMethods | site.MethodApart})
	if err != nil {
		t.Fatal(err)
	}
	in.Attribute = a.Links
	d, _, err := Build(in, syscalls.MustForArch(syscalls.X86_64))
	if err != nil {
		t.Fatal(err)
	}
	sample, err := judged.Read(filepath.Join("..", "attrib", "testdata", "apart-sample-judged.json"), 30)
	if err != nil {
		t.Fatal(err)
	}
	links, correct := 0, 0
	for _, j := range sample {
		c, _, err := d.CVE(j.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range c.Links {
			if l.Method != string(attrib.MethodApart) {
				continue
			}
			links++
			if j.Accepts(l.Syscall) {
				correct++
			}
		}
	}
	t.Logf("apart method on its judged sample: %d of %d links right", correct, links)
	if links < 9 || float64(correct)/float64(links) < 0.85 {
		t.Errorf("apart method: %d of %d links right on its judged sample; measured 9 of 10", correct, links)
	}
}
