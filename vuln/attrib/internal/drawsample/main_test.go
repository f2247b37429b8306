package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sysweight/syscalls"
	"sysweight/vuln/attrib"
)

const committed = "../../testdata/sample2-draw.json"

// sharedData is ../shared/data relative to the repository root.
func sharedData(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "..", "..", "..", "shared", "data")) // drawsample → repo root → ..
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{cnaPath, kcvesPath} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Skipf("real CVE feeds absent (%s), cannot redraw the sample: %v", dir, err)
		}
	}
	return dir
}

// TestDrawIsCommitted redraws the sample from the shared feeds and checks that
// the committed file is byte-identical, then checks the strata of CVEs whose
// records were read by hand (jq on the unpacked archive and on
// kernel_cves.json, outside this program).
func TestDrawIsCommitted(t *testing.T) {
	s, err := draw(sharedData(t))
	if err != nil {
		t.Fatal(err)
	}
	got, err := encode(s)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(committed)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("redrawn sample differs from %s: regenerate it only if the draw was meant to change (see SAMPLE2.md)", committed)
	}
	if len(s.CVEs) != len(strata)*(drawSize()) {
		t.Errorf("drew %d CVEs, want %d", len(s.CVEs), len(strata)*(drawSize()))
	}

	// Population sizes reproduced by a separate Python script (json module
	// over the unpacked archive and kernel_cves.json, the same trace regexp):
	// 4062 kernel-cna descriptions and no linux_kernel_cves text hold a
	// trace; 2257 non-rejected linux_kernel_cves records, 3 with both texts
	// empty; no id in both feeds; every kernel-cna record lists programFiles.
	if p := s.Population; p["trace"] != 4062 || p["kernelcves"] != 2254 || p["cna-files"]+p["cna"] != 14626-4062 {
		t.Errorf("population %v: want trace 4062, kernelcves 2254, cna-files+cna %d", p, 14626-4062)
	}
	for _, c := range []struct{ id, want, why string }{
		// The description has no "Call Trace:" but two frames,
		// "skb_segment+0xd2a/0xf70" and "__udp_gso_segment+0xaa/0x560".
		{"CVE-2024-35884", "trace", "two stack frames"},
		// "Fail COMEDI_INSNLIST ioctl": ioctl is a bare-word name of the
		// text method (names.go), so it links; no call trace.
		{"CVE-2025-38481", "cna", "text method links ioctl"},
		// TCP reordering sysctl: names no syscall, no trace; programFiles
		// net/ipv4/sysctl_net_ipv4.c and net/ipv4/tcp_output.c.
		{"CVE-2026-64422", "cna-files", "no syscall named, has programFiles"},
		// nvd_text is null; cmt_msg is "net_sched: cls_route: remove from
		// list when handle is 0".
		{"CVE-2022-2588", "kernelcves", "text from cmt_msg"},
		// nvd_text and cmt_msg are both null: skipped.
		{"CVE-2011-4916", "", "both texts empty"},
	} {
		if got := s.strataOf[c.id]; got != c.want {
			t.Errorf("%s: stratum %q, want %q (%s)", c.id, got, c.want, c.why)
		}
	}
}

// TestMissingInput checks that a missing feed is one line and exit status 2.
func TestMissingInput(t *testing.T) {
	var stdout, stderr bytes.Buffer
	out := filepath.Join(t.TempDir(), "draw.json")
	if rc := run([]string{"-shared", t.TempDir(), "-out", out}, &stdout, &stderr); rc != 2 {
		t.Errorf("exit status %d, want 2", rc)
	}
	msg := stderr.String()
	if strings.Count(msg, "\n") != 1 || !strings.Contains(msg, cnaPath) {
		t.Errorf("stderr %q: want one line naming %s", msg, cnaPath)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("%s written despite the error", out)
	}
}

func TestHasTrace(t *testing.T) {
	for _, c := range []struct {
		text string
		want bool
	}{
		{"Call Trace:\n <TASK>", true},
		{"RIP: 0010:skb_segment+0xd2a/0xf70\n __udp_gso_segment+0xaa/0x560", true},
		{"RIP: 0010:skb_segment+0xd2a/0xf70 only one frame", false},
		{"the call trace: shows it", false}, // case-sensitive
		{"skb_segment+0xd2a and foo+0x10", false},
	} {
		if got := hasTrace(c.text); got != c.want {
			t.Errorf("hasTrace(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}

// TestTextLinkedPinned checks the pinned verdicts of the text method
// (textlinked.txt): 538 kernel-cna records, each without a call trace
// (SAMPLE2.md's population of stratum cna), and logs how many records the
// text method of this commit would put in the other stratum.
func TestTextLinkedPinned(t *testing.T) {
	if len(textLinked) != 538 {
		t.Errorf("textlinked.txt lists %d ids, want 538", len(textLinked))
	}
	dir := sharedData(t)
	cna, err := readCNA(filepath.Join(dir, cnaPath))
	if err != nil {
		t.Fatal(err)
	}
	tb := syscalls.MustForArch(syscalls.X86_64)
	seen, moved := 0, 0
	for _, r := range cna {
		if !textLinked[r.ID] {
			if !hasTrace(r.Description) && len(attrib.Text(r.Description, tb)) > 0 {
				moved++
			}
			continue
		}
		seen++
		if hasTrace(r.Description) {
			t.Errorf("%s is pinned as text-linked but its record has a call trace", r.ID)
		}
		if len(attrib.Text(r.Description, tb)) == 0 {
			moved++
		}
	}
	if seen != len(textLinked) {
		t.Errorf("%d of the %d pinned ids are kernel-cna records", seen, len(textLinked))
	}
	t.Logf("the text method of this commit would move %d records between cna and cna-files", moved)
}
