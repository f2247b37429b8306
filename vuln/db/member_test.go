package db

import (
	"path/filepath"
	"strings"
	"sysweight/vuln/internal/judged"
	"testing"
)

// TestMemberRuleOnItsJudgedSample scores the site method's member rule (a
// bug site the kernel stores as a method a syscall calls: "the
// proc_ops.proc_write method, which write calls") in the embedded DB on
// vuln/attrib/testdata/member-sample-judged.json: 25 CVEs drawn at random
// (seed 20261206) from the 105 whose links the rule changed, outside the
// judged sample 2 sets, after its member table was written, judged blind.
// Measured once: 20 of its 26 links right (0.77; 20 of 27 since module
// functions may link by it too); on those CVEs the DB of
// the session's start had 4 links, none right, and found none of their 34
// wanted pairs, the rule's DB 23. Wrong: a .release or .close method
// named in passing (af_alg_release, mptcp_close), a crash in tty_open at
// boot, ext4_put_super's crash after a shutdown that writes caused,
// sg_write where the judge counts splice, and ioctl beside sendmsg for a
// bond's ndo_open. The floors guard the figures.
func TestMemberRuleOnItsJudgedSample(t *testing.T) {
	links, correct, want, found := scoreJudged(t, "member-sample-judged.json", 25, memberLink)
	t.Logf("member rule on its judged sample: %d of %d links right; %d of %d wanted pairs found", correct, links, found, want)
	if links < 24 || float64(correct)/float64(links) < 0.70 || found < 21 {
		t.Errorf("member rule: %d of %d links right, %d of %d wanted pairs; measured 20 of 27, 23 of 34", correct, links, found, want)
	}
}

// TestMemberRuleOnModulesSample: the member rule for a module's function
// the graph cannot place in the record's files, on
// member-unplaced-sample-judged.json (25 CVEs drawn at random, seed
// 20261207, from the 94 it changed, judged blind): 34 of the 41 links
// (the rule's and their siblings) right, 22 of 28 wanted pairs found
// (docs/attribution.md).
func TestMemberRuleOnModulesSample(t *testing.T) {
	// every link of these CVEs is the rule's or a sibling of one
	links, correct, want, found := scoreJudged(t, "member-unplaced-sample-judged.json", 25, func(Link) bool { return true })
	t.Logf("member rule for module functions: %d of %d links right; %d of %d wanted pairs found", correct, links, found, want)
	if links < 38 || float64(correct)/float64(links) < 0.78 || found < 20 {
		t.Errorf("member rule for module functions: %d of %d links right, %d of %d wanted pairs; measured 34 of 41, 22 of 28", correct, links, found, want)
	}
}

// TestOrigRAXOnItsJudgedCVEs: the trace method's ORIG_RAX rule on every CVE
// it attributes outside the judged sets (origrax-sample-judged.json, 12
// CVEs judged blind): 9 of 12 links right.
func TestOrigRAXOnItsJudgedCVEs(t *testing.T) {
	links, correct, want, found := scoreJudged(t, "origrax-sample-judged.json", 12, func(l Link) bool {
		return l.Method == "trace" && strings.HasPrefix(l.Evidence, "ORIG_RAX ")
	})
	t.Logf("ORIG_RAX rule: %d of %d links right; %d of %d wanted pairs found", correct, links, found, want)
	if links != 12 || correct < 9 {
		t.Errorf("ORIG_RAX rule: %d of %d links right; measured 9 of 12", correct, links)
	}
}

// The twelfth session's three trace and text rules, each on a sample of
// the CVEs whose links it changes in the DB, outside the judged sets,
// drawn at random (seed 20261211) after the rule was written and judged
// blind (docs/attribution.md). Every link of these CVEs is counted: the
// rule's, their siblings' and what the DB had before. Measured once:
//   - auxAlone (the one syscall of a report's auxiliary stacks): 20 of
//     51 CVEs, 24 of 30 links right (0.80), 15 of 21 wanted pairs found
//     (the DB before: 1 link, wrong, none found). Wrong: the syscall
//     that made or looked up an object (socket, unshare, write, lstat)
//     where the judge wants the close, sendmsg or rename that freed or
//     used it, open beside a right openat, and a device unplug.
//   - the netlink input of a cut trace: 10 of 22, 30 of 30 right, 10 of
//     10 found (before: 10 links, right, 3 found); 33 of 33 with the
//     other two rules.
//   - "a NAME call": all 4, 7 of 7 right, 5 of 7 found (before: none).
func TestTwelfthSessionRulesOnTheirJudgedSamples(t *testing.T) {
	all := func(Link) bool { return true }
	for _, c := range []struct {
		file                           string
		n, links, correct, want, found int
	}{
		{"auxalone-sample-judged.json", 20, 30, 24, 21, 15},
		{"netlinkcut-sample-judged.json", 10, 33, 33, 10, 10},
		{"articlecall-sample-judged.json", 4, 7, 7, 7, 5},
	} {
		links, correct, want, found := scoreJudged(t, c.file, c.n, all)
		t.Logf("%s: %d of %d links right; %d of %d wanted pairs found", c.file, correct, links, found, want)
		// floors: two links fewer, one right fewer in precision, one
		// wanted pair fewer
		if links < c.links-2 || float64(correct)/float64(links) < float64(c.correct-1)/float64(c.links) ||
			found < c.found-1 || want != c.want {
			t.Errorf("%s: %d of %d links right, %d of %d wanted pairs; measured %d of %d, %d of %d",
				c.file, correct, links, found, want, c.correct, c.links, c.found, c.want)
		}
	}
}

// TestMemberTableAdditionsOnTheirJudgedSample: the twelfth session's
// additions to the member table (tc's qdisc, class, filter and action
// set-up and rtnetlink's link and nexthop requests → sendmsg, cgroup
// files → write/read, /proc/PID/attr and proc_single_show, binfmt's
// load_binary → execve, SCTP's accept, device-mapper target messages →
// ioctl) on member2-sample-judged.json: 20 CVEs drawn at random (seed
// 20261212) from the 40 they change outside the judged sets, judged
// blind. Measured once: 45 of 46 links right, 19 of 20 wanted pairs
// found (the DB before had no link on them). The wrong one was a name
// two modules share: the SMB client's crypt_message found as dm-crypt's
// target message. Since the ReachIndex keeps each module's source
// directory and a record means the copy in its own part of the tree
// (site.Attributor.copies), that link is gone: 45 of 45.
func TestMemberTableAdditionsOnTheirJudgedSample(t *testing.T) {
	links, correct, want, found := scoreJudged(t, "member2-sample-judged.json", 20, func(Link) bool { return true })
	t.Logf("member table additions: %d of %d links right; %d of %d wanted pairs found", correct, links, found, want)
	if links < 44 || float64(correct)/float64(links) < 0.93 || found < 18 || want != 20 {
		t.Errorf("member table additions: %d of %d links right, %d of %d wanted pairs; measured 45 of 46, 19 of 20", correct, links, found, want)
	}
}

// TestMemberTableAdditions2OnTheirJudgedCVEs: the session's second
// additions (sysfs binary attributes, module parameters' get, tracefs
// event triggers, the page cache's write_begin and write_end, a cgroup
// controller's css_alloc and css_online) on every CVE they change outside
// the judged sets (member3-sample-judged.json, 8 CVEs judged blind): 9 of
// 9 links right, 8 of 8 wanted pairs found.
func TestMemberTableAdditions2OnTheirJudgedCVEs(t *testing.T) {
	links, correct, want, found := scoreJudged(t, "member3-sample-judged.json", 8, func(Link) bool { return true })
	t.Logf("member table additions (2): %d of %d links right; %d of %d wanted pairs found", correct, links, found, want)
	if links != 9 || correct != 9 || found != 8 || want != 8 {
		t.Errorf("member table additions (2): %d of %d links right, %d of %d wanted pairs; measured 9 of 9, 8 of 8", correct, links, found, want)
	}
}

// TestMembersKernelOnItsJudgedSample: the member rule read in a second
// kernel (Debian's generic package of the same version) for bug sites
// the cloud kernel lacks, on members-kernel-sample-judged.json: 25 CVEs
// drawn at random (seed 20261214) from the 197 it changes outside the
// judged sets, judged blind. Measured once: 42 of the 50 links of those
// CVEs right (39 of the 47 added), 29 of 35 wanted pairs found (the DB
// before: 5 links, 4 right, 1 pair). Wrong: an nl80211 handler named in a
// record whose trace is a module's removal, a net device's ndo_stop in a
// record on a Thunderbolt unplug, ax25's bind beside the
// accept the judge wants (close, beside it, the judge counts).
func TestMembersKernelOnItsJudgedSample(t *testing.T) {
	links, correct, want, found := scoreJudged(t, "members-kernel-sample-judged.json", 25, func(Link) bool { return true })
	t.Logf("member rule in the second kernel: %d of %d links right; %d of %d wanted pairs found", correct, links, found, want)
	if links < 48 || float64(correct)/float64(links) < 0.80 || found < 27 || want != 35 {
		t.Errorf("member rule in the second kernel: %d of %d links right, %d of %d wanted pairs; measured 42 of 50, 29 of 35", correct, links, found, want)
	}
}

// memberLink is a link of the member rule.
func memberLink(l Link) bool {
	return l.Method == "site" && strings.Contains(l.Evidence, " method, which ")
}

// scoreJudged scores the embedded DB's links that rule picks on a judged
// file of vuln/attrib/testdata: links and those right (in want or also),
// wanted pairs and those any link of the CVE finds.
func scoreJudged(t *testing.T, file string, n int, rule func(Link) bool) (links, correct, want, found int) {
	t.Helper()
	d, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	sample, err := judged.Read(filepath.Join(sample2Dir, file), n)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range sample {
		c, _, err := d.CVE(j.ID)
		if err != nil {
			t.Fatal(err)
		}
		linked := map[string]bool{}
		for _, l := range c.Links {
			linked[l.Syscall] = true
			if !rule(l) {
				continue
			}
			links++
			if j.Accepts(l.Syscall) {
				correct++
			}
		}
		for _, s := range j.Want {
			want++
			if linked[s] {
				found++
			}
		}
	}
	return links, correct, want, found
}
