// Command drawsample draws the random, stratified evaluation sample of CVEs
// for issue 9 (vuln/attrib/testdata/SAMPLE2.md): judges verify the syscalls
// of the drawn CVEs by hand, before any attribution method is tuned on them.
//
//	go run ./vuln/attrib/internal/drawsample -shared ../shared/data -out vuln/attrib/testdata/sample2-draw.json
//
// It reads the two CVE feeds of ../shared/data with the project's readers
// (vuln/kernelcna, vuln/kernelcves), puts every record in one stratum (see
// strata below), and draws 40 main CVEs per stratum and 10 for each holdout
// set (holdout, holdout2 … holdout23; see sets) with a fixed seed. The file it writes holds CVE ids,
// feeds, strata and sets only, never feed text. The draw is deterministic:
// the same inputs give the same bytes (TestDrawIsCommitted checks the
// committed file). Which records the text method linked, the line between
// strata cna and cna-files, is pinned in textlinked.txt as it was at the
// draw, so that improving the text method does not redraw the sample.
package main

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"sysweight/internal/atomicfile"
	"sysweight/internal/xz"

	"sysweight/vuln"
	"sysweight/vuln/kernelcna"
	"sysweight/vuln/kernelcves"
)

// The inputs, relative to the shared data directory, with the versions
// ../shared/data/README.md gives for them.
const (
	cnaPath     = "kernel-cna/kernel-cna-cves-2026-08-21.tar.xz"
	cnaCommit   = "d9dda40c8f21126303839427ebc8652167302488"
	kcvesPath   = "kernel-cves/linux_kernel_cves-2023-01-27.json.xz"
	kcvesCommit = "07180fb5"
)

const seed = 20261204

// sets are the sets of the draw, in order: each stratum's shuffle gives
// the first size ids to the first set, the next size to the second, and so
// on. A set is only ever appended, each before any method was changed in
// the session that added it (SAMPLE2.md), so the earlier sets keep their
// ids.
var sets = []struct {
	name  string
	size  int
	added string // "" for the sets of the first draw
}{
	{"main", 40, ""},
	{"holdout", 10, ""},
	// for a second independent check after the first holdout had been scored
	{"holdout2", 10, "2026-12-05"},
	// before the text method was tuned on the main set
	{"holdout3", 10, "2026-12-05, later"},
	// before the text and site methods were tuned on the main set again
	{"holdout4", 10, "2026-12-05, third session"},
	{"holdout5", 10, "2026-12-05, fourth session"},
	{"holdout6", 10, "2026-12-05, sixth session"},
	{"holdout7", 10, "2026-12-06, eighth session"},
	{"holdout8", 10, "2026-12-06, ninth session"},
	{"holdout9", 10, "2026-12-06, tenth session"},
	// drawn later in the same session, after holdout9 was scored and
	// before the methods were tuned again
	{"holdout10", 10, "2026-12-06, tenth session, later"},
	{"holdout11", 10, "2026-12-06, eleventh session"},
	// drawn after holdout11 was scored, before any method changed
	{"holdout12", 10, "2026-12-06, eleventh session, later"},
	// drawn after holdout12 was scored, before the methods changed again
	{"holdout13", 10, "2026-12-06, eleventh session, third"},
	{"holdout14", 10, "2026-12-06, twelfth session"},
	// drawn after holdout14 was scored, before any method changed
	{"holdout15", 10, "2026-12-06, twelfth session, later"},
	// drawn after the session's member-table additions, before its later
	// changes
	{"holdout16", 10, "2026-12-06, twelfth session, third"},
	// drawn at the start of the thirteenth session, before any change
	{"holdout17", 10, "2026-12-06, thirteenth session"},
	// drawn after holdout17 was scored and the bare-syscall-name fix
	{"holdout18", 10, "2026-12-06, thirteenth session, later"},
	// drawn at the start of the fourteenth session, before any change
	{"holdout19", 10, "2026-12-06, fourteenth session"},
	// drawn at the start of the fifteenth session, before any change
	{"holdout20", 10, "2026-12-07, fifteenth session"},
	// drawn after holdout20 was scored and analysis Version 33, before
	// any attribution change
	{"holdout21", 10, "2026-12-07, fifteenth session, later"},
	// drawn at the start of the sixteenth session, before any change
	{"holdout22", 10, "2026-12-07, sixteenth session"},
	// drawn at the start of the seventeenth session, before any change
	{"holdout23", 10, "2026-12-07, seventeenth session"},
}

// drawSize is how many ids each stratum gives.
func drawSize() int {
	n := 0
	for _, s := range sets {
		n += s.size
	}
	return n
}

// setNames lists the holdout sets as "holdout, holdout2, … and holdoutN";
// shuffleText tells which positions of a shuffle went to which set.
func setNames() string {
	var names []string
	for _, s := range sets[1:] {
		names = append(names, s.name)
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func shuffleText() string {
	var parts []string
	for i, s := range sets {
		switch {
		case i == 0:
			parts = append(parts, fmt.Sprintf("the first %d are %s", s.size, s.name))
		case s.added == "":
			parts = append(parts, fmt.Sprintf("the next %d %s", s.size, s.name))
		default:
			parts = append(parts, fmt.Sprintf("the next %d %s (added %s)", s.size, s.name, s.added))
		}
	}
	return strings.Join(parts, ", ")
}

// stratum is one stratum of the draw, in order of precedence.
type stratum struct {
	name, rule string
}

var strata = []stratum{
	{"trace", "the record's text (kernel-cna: the CNA description; linux_kernel_cves: nvd_text, or cmt_msg when nvd_text is empty) contains a kernel call trace: the string \"Call Trace:\" (case-sensitive), or at least two stack-frame tokens NAME+0xOFF/0xLEN (regexp " + frameRE.String() + ", occurrences counted, not distinct). Either feed."},
	{"kernelcves", "linux_kernel_cves records (pre-2023 era) not in trace, whose id is not in the kernel-cna feed. Text is nvd_text, or cmt_msg when nvd_text is empty; records with both empty are skipped (not in any stratum)."},
	{"cna-files", "kernel-cna records not in trace whose description gets no link from today's text method (attrib.Text, x86_64 table, of this commit) and which list at least one affected[].programFiles entry."},
	{"cna", "the remaining kernel-cna records."},
}

var frameRE = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_.]*\+0x[0-9a-fA-F]+/0x[0-9a-fA-F]+`)

// hasTrace reports whether text holds a kernel call trace (stratum trace).
func hasTrace(text string) bool {
	return strings.Contains(text, "Call Trace:") || len(frameRE.FindAllStringIndex(text, 2)) >= 2
}

// entry is one CVE of the population.
type entry struct {
	id, feed, stratum string
}

// Drawn is one CVE of the sample.
type Drawn struct {
	ID      string `json:"id"`
	Feed    string `json:"feed"`
	Stratum string `json:"stratum"`
	Set     string `json:"set"` // a name in sets: "main", "holdout", "holdout2" … "holdout23"
}

// Sample is the file drawsample writes.
type Sample struct {
	About      string            `json:"about"`
	Seed       uint64            `json:"seed"`
	Shuffle    string            `json:"shuffle"`
	Sources    map[string]string `json:"sources"`
	Strata     map[string]string `json:"strata"`
	Order      []string          `json:"strata_order"`
	Notes      []string          `json:"notes"`
	Population map[string]int    `json:"population"`
	CVEs       []Drawn           `json:"cves"`

	strataOf map[string]string // CVE id → stratum, for the whole population
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("drawsample", flag.ContinueOnError)
	fl.SetOutput(stderr)
	shared := fl.String("shared", "../shared/data", "shared data directory holding "+cnaPath+" and "+kcvesPath)
	out := fl.String("out", "", "sample file to write (atomically)")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if *out == "" || fl.NArg() > 0 {
		fmt.Fprintln(stderr, "drawsample: usage: drawsample -shared DIR -out FILE")
		return 2
	}
	s, err := draw(*shared)
	if err != nil {
		fmt.Fprintln(stderr, "drawsample:", err)
		return 2
	}
	b, err := encode(s)
	if err != nil {
		fmt.Fprintln(stderr, "drawsample:", err)
		return 1
	}
	if err := atomicfile.WriteFile(*out, b); err != nil {
		fmt.Fprintln(stderr, "drawsample:", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %s: %d CVEs\n", *out, len(s.CVEs))
	for _, st := range strata {
		fmt.Fprintf(stdout, "  %-10s population %5d\n", st.name, s.Population[st.name])
	}
	for _, n := range s.Notes {
		fmt.Fprintln(stdout, "  note:", n)
	}
	return 0
}

// draw reads the feeds under shared and draws the sample.
func draw(shared string) (*Sample, error) {
	cnaFile := filepath.Join(shared, cnaPath)
	kcFile := filepath.Join(shared, kcvesPath)
	cnaSum, err := fileSHA256(cnaFile)
	if err != nil {
		return nil, err
	}
	kcSum, err := fileSHA256(kcFile)
	if err != nil {
		return nil, err
	}
	cna, err := readCNA(cnaFile)
	if err != nil {
		return nil, err
	}
	kc, cmt, err := readKernelCVEs(kcFile)
	if err != nil {
		return nil, err
	}
	pop, notes := classify(cna, kc, cmt)

	s := &Sample{
		About: "Random, stratified sample of kernel CVEs for hand-verified judgements of their trigger syscalls " +
			"(issue 9; see SAMPLE2.md). Drawn by vuln/attrib/internal/drawsample from the feeds below; " +
			"holds ids, feeds, strata and sets only, no feed text. " + setNames() + " entries are reserved for " +
			"independent checks and must not be used while building or tuning methods.",
		Seed: seed,
		Shuffle: fmt.Sprintf("per stratum: sort the ids with vuln.CompareID (year, then number), shuffle with "+
			"rand.New(rand.NewPCG(%d, i)).Shuffle (math/rand/v2, Go 1.26), i the stratum's index in strata_order (0-based); "+
			"%s", seed, shuffleText()),
		Sources: map[string]string{
			kernelcna.FeedName:  fmt.Sprintf("%s (kernel CNA vulns repository commit %s, sha256 %s)", cnaPath, cnaCommit, cnaSum),
			kernelcves.FeedName: fmt.Sprintf("%s (github.com/nluedtke/linux_kernel_cves commit %s, sha256 %s)", kcvesPath, kcvesCommit, kcSum),
		},
		Strata:     map[string]string{},
		Notes:      notes,
		Population: map[string]int{},
		strataOf:   map[string]string{},
	}
	for _, e := range pop {
		s.strataOf[e.id] = e.stratum
	}
	for i, st := range strata {
		s.Strata[st.name] = st.rule
		s.Order = append(s.Order, st.name)
		var ids []string
		feed := map[string]string{}
		for _, e := range pop {
			if e.stratum == st.name {
				ids = append(ids, e.id)
				feed[e.id] = e.feed
			}
		}
		s.Population[st.name] = len(ids)
		n := drawSize()
		if len(ids) < n {
			return nil, fmt.Errorf("stratum %s has %d CVEs, fewer than the %d to draw", st.name, len(ids), n)
		}
		slices.SortFunc(ids, vuln.CompareID)
		r := rand.New(rand.NewPCG(seed, uint64(i)))
		r.Shuffle(len(ids), func(a, b int) { ids[a], ids[b] = ids[b], ids[a] })
		k, set := 0, 0
		for _, id := range ids[:n] {
			for k == sets[set].size {
				k, set = 0, set+1
			}
			k++
			s.CVEs = append(s.CVEs, Drawn{ID: id, Feed: feed[id], Stratum: st.name, Set: sets[set].name})
		}
	}
	return s, nil
}

// textLinkedList pins the text method's verdicts at the draw
// (textlinked.txt): which records without a trace it linked.
//
//go:embed textlinked.txt
var textLinkedList string

// textLinked is textLinkedList by id.
var textLinked = func() map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Split(textLinkedList, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			m[l] = true
		}
	}
	return m
}()

// classify puts every record in its stratum. A CVE in both feeds keeps the
// kernel-cna record only.
func classify(cna, kc []vuln.Record, cmt map[string]string) ([]entry, []string) {
	var pop []entry
	inCNA := map[string]bool{}
	cnaFiles := map[string][]string{}
	for _, r := range cna {
		inCNA[r.ID] = true
		cnaFiles[r.ID] = r.ProgramFiles
		st := "cna"
		switch {
		case hasTrace(r.Description):
			st = "trace"
		case !textLinked[r.ID] && len(r.ProgramFiles) > 0:
			st = "cna-files"
		}
		pop = append(pop, entry{r.ID, kernelcna.FeedName, st})
	}
	noFiles := 0
	for _, e := range pop {
		if e.stratum == "cna" && len(cnaFiles[e.id]) == 0 {
			noFiles++
		}
	}
	var both, empty, fromCmt []string
	for _, r := range kc {
		if inCNA[r.ID] {
			both = append(both, r.ID)
			continue
		}
		text := r.Description
		if text == "" {
			text = cmt[r.ID]
			if text == "" {
				empty = append(empty, r.ID)
				continue
			}
			fromCmt = append(fromCmt, r.ID)
		}
		st := "kernelcves"
		if hasTrace(text) {
			st = "trace"
		}
		pop = append(pop, entry{r.ID, kernelcves.FeedName, st})
	}
	counts := map[string]int{}
	for _, e := range pop {
		counts[e.stratum]++
	}
	notes := []string{
		fmt.Sprintf("%d kernel-cna records (published, not rejected), %d linux_kernel_cves records (not rejected)", len(cna), len(kc)),
		fmt.Sprintf("%d CVE ids are in both feeds%s; a CVE in both keeps the kernel-cna record (newer, authoritative) and its linux_kernel_cves record is left out",
			len(both), list(both)),
		fmt.Sprintf("%d of the %d kernel-cna records in stratum cna list no programFiles; all the others are in it because the text method links them to a syscall",
			noFiles, counts["cna"]),
		fmt.Sprintf("%d linux_kernel_cves records have an empty nvd_text and use cmt_msg", len(fromCmt)),
		fmt.Sprintf("%d linux_kernel_cves records have both nvd_text and cmt_msg empty and are skipped%s",
			len(empty), list(empty)),
	}
	return pop, notes
}

func list(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	return " (" + strings.Join(ids, " ") + ")"
}

func readCNA(path string) ([]vuln.Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("kernel CNA input: %w", err)
	}
	defer f.Close()
	recs, _, err := kernelcna.ReadTarXZ(f)
	if err != nil {
		return nil, fmt.Errorf("kernel CNA %s: %w", path, err)
	}
	return recs, nil
}

// readKernelCVEs returns the records of linux_kernel_cves and, by CVE id,
// the cmt_msg fields, which package kernelcves does not expose: the file is
// read a second time for them.
func readKernelCVEs(path string) ([]vuln.Record, map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("linux_kernel_cves input: %w", err)
	}
	kf, err := kernelcves.Parse(bytes.NewReader(b))
	if err != nil {
		return nil, nil, fmt.Errorf("linux_kernel_cves %s: %w", path, err)
	}
	xr, err := xz.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, nil, fmt.Errorf("linux_kernel_cves %s: want an xz file: %w", path, err)
	}
	var raw map[string]struct {
		CmtMsg string `json:"cmt_msg"`
	}
	if err := json.NewDecoder(xr).Decode(&raw); err != nil {
		return nil, nil, fmt.Errorf("linux_kernel_cves %s: reading cmt_msg: %w", path, err)
	}
	cmt := make(map[string]string, len(raw))
	for id, e := range raw {
		cmt[id] = e.CmtMsg
	}
	return kf.Records(), cmt, nil
}

// encode writes s as indented JSON, one CVE per line, in a fixed order.
func encode(s *Sample) ([]byte, error) {
	cves := s.CVEs
	s.CVEs = nil
	b, err := json.MarshalIndent(s, "", "  ")
	s.CVEs = cves
	if err != nil {
		return nil, err
	}
	// Replace the empty list by one line per CVE, so that judges' diffs
	// stay readable.
	var buf bytes.Buffer
	head, ok := bytes.CutSuffix(b, []byte("\"cves\": null\n}"))
	if !ok {
		return nil, fmt.Errorf("encoding the sample: unexpected layout")
	}
	buf.Write(head)
	buf.WriteString("\"cves\": [\n")
	for i, c := range cves {
		line, err := json.Marshal(c)
		if err != nil {
			return nil, err
		}
		buf.WriteString("    ")
		buf.Write(line)
		if i < len(cves)-1 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
	}
	buf.WriteString("  ]\n}\n")
	return buf.Bytes(), nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("input: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("reading %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
