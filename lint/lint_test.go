package lint

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"sysweight/exposure"
	"sysweight/internal/sariftest"
	"sysweight/score"
	"sysweight/seccomp"
	"sysweight/syscalls"
)

// weights are made by hand: one metric (cves), linear, so w(s) =
// cves(s)/8: ioctl 1, mount 0.75, read 0.5, write 0.25, socket 0.125,
// every other syscall 0; cachestat is absent from the target kernel.
// Σ w = 2.625. By weight: ioctl 1st, mount 2nd, read 3rd, write 4th,
// socket 5th.
func weights(t testing.TB) *score.Weights {
	t.Helper()
	raw := score.Raw{Values: map[string]map[score.Metric]float64{
		"ioctl": {score.CVEs: 8}, "mount": {score.CVEs: 6}, "read": {score.CVEs: 4}, "write": {score.CVEs: 2}, "socket": {score.CVEs: 1},
	}, Present: []score.Metric{score.CVEs}, Release: "6.1", Absent: []string{"cachestat"}}
	w, err := score.NewWeights(syscalls.MustForArch(syscalls.X86_64), raw, score.Options{Alpha: map[score.Metric]float64{score.CVEs: 1}, Norm: score.NormLinear})
	if err != nil {
		t.Fatal(err)
	}
	if w.Total != 2.625 {
		t.Fatalf("Σ w = %v, want 2.625", w.Total)
	}
	return w
}

var target = seccomp.Target{Arch: syscalls.X86_64, Kernel: seccomp.KernelVersion{Major: 6, Minor: 1}}

// config decodes a profile document and evaluates it over c (nil: a
// corpus of its own rules and base's).
func config(t *testing.T, name, doc string) Config {
	t.Helper()
	p, err := seccomp.Decode(strings.NewReader(doc), name, target)
	if err != nil {
		t.Fatal(err)
	}
	return Config{Name: name, URI: name, Doc: []byte(doc), Policy: p}
}

func evaluate(t *testing.T, cs ...*Config) *exposure.Corpus {
	t.Helper()
	var fs []*seccomp.Filter
	for _, c := range cs {
		if c.Policy != nil {
			fs = append(fs, c.Policy.Filters...)
		}
	}
	corpus := exposure.NewCorpus(syscalls.X86_64, fs...)
	for _, c := range cs {
		if c.Exposure != nil {
			continue
		}
		e, err := exposure.FromPolicy(c.Name, c.Policy, corpus, exposure.Provenance{})
		if err != nil {
			t.Fatal(err)
		}
		c.Exposure = e
	}
	return corpus
}

// The lines of each finding are counted by hand in this document.
const profile = `{
  "defaultAction": "SCMP_ACT_ERRNO",
  "syscalls": [
    {"names": ["read", "ioctl"], "action": "SCMP_ACT_ALLOW"},
    {"names": ["write"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]},
    {"names": ["mount"], "action": "SCMP_ACT_ALLOW"},
    {"names": ["mount"], "action": "SCMP_ACT_KILL_PROCESS"},
    {"names": ["raed", "chown32"], "action": "SCMP_ACT_ALLOW"},
    {"names": ["socket"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_LT"}]},
    {"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 255, "valueTwo": 256, "op": "SCMP_CMP_MASKED_EQ"}]}
  ]
}`

// baseline allows read and write for every argument.
const baseline = `{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"}]}`

type want struct {
	rule, syscall string
	line          int
}

func got(r Result) []want {
	var out []want
	for _, f := range r.Findings {
		out = append(out, want{f.RuleID, f.Syscall, f.Line})
	}
	return out
}

func TestCheck(t *testing.T) {
	w := weights(t)
	p, b := config(t, "p.json", profile), config(t, "b.json", baseline)
	c := evaluate(t, &p, &b)
	r, err := Check(Input{Profile: p, Baseline: &b, Corpus: c, Weights: w, Heavy: 4})
	if err != nil {
		t.Fatal(err)
	}
	// SW002: of the 4 heaviest (ioctl, mount, read, write) ioctl and read
	// are allowed outright (line 4); mount's allow is shadowed by the
	// kill on line 7 (SW006 on line 6), write only for arg0 == 1.
	// SW003: beyond the baseline (read, write) only ioctl is.
	// SW004: raed, line 8 (chown32 is i386's, left out silently).
	// SW005: socket's arg0 < 0 (line 9), personality's datum 0x100
	// outside its mask 0xff (line 10).
	wantFindings := []want{
		{HeavyUnconditional, "ioctl", 4}, {HeavyUnconditional, "read", 4}, {BeyondBaseline, "ioctl", 4},
		{Shadowed, "mount", 6}, {UnknownSyscall, "raed", 8}, {NeverMatches, "socket", 9}, {NeverMatches, "personality", 10},
	}
	if g := got(r); !slices.Equal(g, wantFindings) {
		t.Errorf("findings\n%v\nwant\n%v", g, wantFindings)
	}
	// write's corpus for arg0: the rule's 1 and the boundaries 0, 1,
	// 2^31-1, 2^31, 2^32-1, 2^64-1: 6 values, 1 allowed. Score: ioctl 1 +
	// read 0.5 + write 0.25/6.
	if n := len(c.Tuples("write")); n != 6 {
		t.Fatalf("%d write tuples, want 6", n)
	}
	wantScore := 1 + 0.5 + 0.25/6
	if math.Abs(r.Score-wantScore) > 1e-12 || math.Abs(r.Normalized-wantScore/2.625) > 1e-12 || r.Exposed != 3 {
		t.Errorf("score %v, normalized %v, exposed %d; want %v, %v, 3", r.Score, r.Normalized, r.Exposed, wantScore, wantScore/2.625)
	}
	bl := r.Baseline
	if bl == nil || bl.Within || bl.Syscalls != 1 || bl.BeyondScore != 1 || math.Abs(bl.BeyondNormalized-1/2.625) > 1e-12 || !bl.Exact ||
		math.Abs(bl.Normalized-0.75/2.625) > 1e-12 {
		t.Errorf("baseline %+v: want not within, 1 syscall (ioctl), beyond score 1, exact; baseline normalised 0.75/2.625", bl)
	}
	for _, f := range r.Findings {
		switch {
		case f.RuleID == HeavyUnconditional && f.Syscall == "ioctl" && (f.Rank != 1 || f.Weight != 1 || *f.Degree != 1):
			t.Errorf("ioctl SW002: rank %d, weight %v", f.Rank, f.Weight)
		case f.RuleID == HeavyUnconditional && f.Syscall == "read" && (f.Rank != 3 || f.Weight != 0.5):
			t.Errorf("read SW002: rank %d, weight %v", f.Rank, f.Weight)
		case f.RuleID == BeyondBaseline && (*f.Beyond != 1 || *f.BaselineDegree != 0 || *f.Degree != 1):
			t.Errorf("SW003 %+v", f)
		case f.RuleID == Shadowed && !strings.Contains(f.Message, "the rule on line 7 (always → kill_process)"):
			t.Errorf("SW006 message %q", f.Message)
		case f.RuleID == NeverMatches && f.Syscall == "personality" && !strings.Contains(f.Message, "arg0 & 0xff == 0x100"):
			t.Errorf("SW005 message %q", f.Message)
		}
		if len(f.Fingerprint) != 32 || f.Level == "" {
			t.Errorf("%s %s: fingerprint %q, level %q", f.RuleID, f.Syscall, f.Fingerprint, f.Level)
		}
	}
	if len(r.Failed) != 0 {
		t.Errorf("failed %v without a gate", r.Failed)
	}
	// The same input gives the same bytes.
	r2, _ := Check(Input{Profile: p, Baseline: &b, Corpus: c, Weights: w, Heavy: 4})
	j1, _ := json.Marshal(r)
	j2, _ := json.Marshal(r2)
	if !bytes.Equal(j1, j2) {
		t.Error("two checks of the same input differ")
	}
}

// A deny list (default allow) in two of three threads of a Firecracker
// file: SW001 for each, with the syscalls no rule of that filter names.
// vmm names read and ioctl: 384 of the 385 syscalls less those 2, weight
// 2.625 - 1.5; api names nothing: 384, weight 2.625.
func TestDefaultAllow(t *testing.T) {
	const doc = `{
 "vmm": {"default_action": "allow", "filter_action": "trap", "filter": [{"syscall": "read"}, {"syscall": "ioctl"}]},
 "api": {"default_action": "log", "filter_action": "allow", "filter": []},
 "vcpu": {"default_action": "trap", "filter_action": "allow", "filter": [{"syscall": "read"}]}
}`
	w := weights(t)
	p := config(t, "fc.json", doc)
	c := evaluate(t, &p)
	r, err := Check(Input{Profile: p, Corpus: c, Weights: w})
	if err != nil {
		t.Fatal(err)
	}
	n := syscalls.MustForArch(syscalls.X86_64).Len() - 1 // cachestat is absent
	if n != 384 {
		t.Fatalf("%d syscalls on the target kernel", n)
	}
	var msgs []string
	for _, f := range r.Findings {
		if f.RuleID != DefaultAllow {
			t.Errorf("finding %+v, want SW001 only (--heavy 0)", f)
		}
		msgs = append(msgs, f.Filter+" "+strings.SplitN(f.Message, ": ", 2)[0]+fmt32(f.Line))
	}
	want := []string{"vmm default action allow/2", "api default action log/3"}
	if !slices.Equal(msgs, want) {
		t.Errorf("SW001 %q, want %q", msgs, want)
	}
	if !strings.Contains(r.Findings[0].Message, "(382 of the 384 syscalls, weight 1.12 of 2.62)") ||
		!strings.Contains(r.Findings[1].Message, "(384 of the 384 syscalls, weight 2.62 of 2.62)") {
		t.Errorf("messages %q", msgs)
	}
	// No filter at all: one SW001, no line.
	u, _ := exposure.Unconfined("none", syscalls.X86_64, exposure.Provenance{Source: exposure.Unfiltered})
	r, err = Check(Input{Profile: Config{Name: "config.json", URI: "config.json", Exposure: u}, Weights: w})
	if err != nil || len(r.Findings) != 1 || r.Findings[0].RuleID != DefaultAllow || r.Findings[0].Line != 0 || r.Normalized != 1 {
		t.Errorf("no filter: %+v, %v", r, err)
	}
}

func fmt32(line int) string {
	b, _ := json.Marshal(line)
	return "/" + string(b)
}

// Beyond a measured exposure (degrees only) the difference of degrees
// counts, and the result says it is not exact; beyond no filter nothing
// is.
func TestBeyondDegrees(t *testing.T) {
	w := weights(t)
	p := config(t, "p.json", profile)
	c := evaluate(t, &p)
	measured, _ := exposure.New("m", syscalls.X86_64, exposure.Provenance{Source: exposure.PassThrough},
		[]exposure.Entry{{Syscall: "read", Degree: 1}, {Syscall: "write", Degree: 1}, {Syscall: "ioctl", Degree: 0.25}})
	r, err := Check(Input{Profile: p, Baseline: &Config{Name: "m", Exposure: measured}, Corpus: c, Weights: w})
	if err != nil {
		t.Fatal(err)
	}
	// ioctl: 1 - 0.25 = 0.75 beyond, 0.75 of its weight 1
	if b := r.Baseline; b.Exact || b.Syscalls != 1 || b.BeyondScore != 0.75 {
		t.Errorf("baseline %+v, want ioctl 0.75 beyond, not exact", b)
	}
	u, _ := exposure.Unconfined("runc-unconfined", syscalls.X86_64, exposure.Provenance{Source: exposure.Unfiltered})
	r, _ = Check(Input{Profile: p, Baseline: &Config{Name: "runc-unconfined", Exposure: u}, Corpus: c, Weights: w})
	if b := r.Baseline; !b.Within || !b.Exact {
		t.Errorf("beyond no filter: %+v, want within, exact", b)
	}
}

func TestGate(t *testing.T) {
	w := weights(t)
	p, b := config(t, "p.json", profile), config(t, "b.json", baseline)
	c := evaluate(t, &p, &b)
	x := func(f float64) *float64 { return &f }
	for _, tc := range []struct {
		gate Gate
		want int
	}{
		{Gate{}, 0},
		{Gate{FailAbove: x(0.6)}, 0}, // normalised 0.587
		{Gate{FailAbove: x(0.5)}, 1},
		{Gate{FailOnExcess: true}, 1},
		{Gate{FailAbove: x(0), FailOnExcess: true}, 2},
	} {
		r, err := Check(Input{Profile: p, Baseline: &b, Corpus: c, Weights: w, Gate: tc.gate})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Failed) != tc.want {
			t.Errorf("gate %+v: failed %q, want %d", tc.gate, r.Failed, tc.want)
		}
	}
}

// Fingerprints do not move with lines: a blank line and an entry added
// above the profile's rules leave each finding's fingerprint as it was
// (though every rule's JSON path changes), and the lines shift by 2.
func TestFingerprintsStable(t *testing.T) {
	w := weights(t)
	moved := strings.Replace(profile, `"syscalls": [`, `"syscalls": [

    {"names": ["getpid"], "action": "SCMP_ACT_ALLOW"},`, 1)
	fps := func(doc string) map[string]int {
		p := config(t, "p.json", doc)
		c := evaluate(t, &p)
		r, err := Check(Input{Profile: p, Corpus: c, Weights: w, Heavy: 4})
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]int{}
		for _, f := range r.Findings {
			m[f.Fingerprint] = f.Line
		}
		return m
	}
	a, b := fps(profile), fps(moved)
	if len(a) != 6 || len(a) != len(b) {
		t.Fatalf("%d and %d findings, want 6 each", len(a), len(b))
	}
	for fp, line := range a {
		if b[fp] != line+2 {
			t.Errorf("fingerprint %s: line %d, then %d; want %d", fp, line, b[fp], line+2)
		}
	}
}

// The SARIF of the results validates against the SARIF 2.1.0 schema,
// names every rule with a security-severity, and points each result at
// its rule and its line.
func TestSARIF(t *testing.T) {
	w := weights(t)
	p, b := config(t, "profiles/p.json", profile), config(t, "b.json", baseline)
	c := evaluate(t, &p, &b)
	r, err := Check(Input{Profile: p, Baseline: &b, Corpus: c, Weights: w, Heavy: 4})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := exposure.Unconfined("runc-unconfined", syscalls.X86_64, exposure.Provenance{Source: exposure.Unfiltered})
	builtin, err := Check(Input{Profile: Config{Name: "runc-unconfined", Exposure: u}, Weights: w, Heavy: 4})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	if err := enc.Encode(SARIF([]Result{r, builtin}, "linear over 385 syscalls")); err != nil {
		t.Fatal(err)
	}
	sariftest.Validate(t, buf.Bytes())
	var log Log
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if len(run.Tool.Driver.Rules) != len(Rules) || len(run.Results) != len(r.Findings)+len(builtin.Findings) {
		t.Fatalf("%d rules, %d results", len(run.Tool.Driver.Rules), len(run.Results))
	}
	for i, d := range run.Tool.Driver.Rules {
		if d.ID != Rules[i].ID || d.Properties.SecuritySeverity == "" || !slices.Contains(d.Properties.Tags, "security") {
			t.Errorf("rule %d: %+v", i, d)
		}
	}
	if run.Tool.Driver.Rules[0].Properties.SecuritySeverity != "8.0" {
		t.Errorf("SW001 security-severity %q, want 8.0", run.Tool.Driver.Rules[0].Properties.SecuritySeverity)
	}
	for i, res := range run.Results {
		if run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID || res.PartialFingerprints[FingerprintKey] == "" {
			t.Errorf("result %d: rule %s at index %d, fingerprints %v", i, res.RuleID, res.RuleIndex, res.PartialFingerprints)
		}
		l := res.Locations[0]
		if i < len(r.Findings) {
			f := r.Findings[i]
			if l.PhysicalLocation == nil || l.PhysicalLocation.ArtifactLocation.URI != "profiles/p.json" ||
				l.PhysicalLocation.ArtifactLocation.URIBaseID != "%SRCROOT%" || l.PhysicalLocation.Region.StartLine != f.Line {
				t.Errorf("result %d (%s %s line %d): location %+v", i, f.RuleID, f.Syscall, f.Line, l.PhysicalLocation)
			}
			if f.RuleID == Shadowed && (len(res.RelatedLocations) != 1 || res.RelatedLocations[0].PhysicalLocation.Region.StartLine != 7) {
				t.Errorf("SW006 related locations %+v, want line 7", res.RelatedLocations)
			}
		} else if l.PhysicalLocation != nil || len(l.LogicalLocations) != 1 || l.LogicalLocations[0].Name != "runc-unconfined" {
			t.Errorf("built-in result %d: location %+v", i, l)
		}
	}
	if len(run.Properties.Profiles) != 2 || run.Properties.Profiles[0].Baseline == nil {
		t.Errorf("run properties %+v", run.Properties)
	}
}

func TestFileURI(t *testing.T) {
	for in, want := range map[string]string{
		"profile.json":           "profile.json",
		"./deploy//seccomp.json": "deploy/seccomp.json",
		"my profiles/a b.json":   "my%20profiles/a%20b.json",
		"/etc/containers/s.json": "file:///etc/containers/s.json",
		"../shared/x.json":       "../shared/x.json",
		"/tmp/100%/profile.json": "file:///tmp/100%25/profile.json",
	} {
		if got := FileURI(in); got != want {
			t.Errorf("FileURI(%q) = %q, want %q", in, got, want)
		}
	}
}

// At most MaxPerRule findings of a rule are listed, the first in the
// profile; the rest are counted.
func TestMaxPerRule(t *testing.T) {
	var names []string
	for i := range MaxPerRule + 5 {
		names = append(names, fmt.Sprintf(`"typo%04d"`, i)) // one a line, from line 1
	}
	doc := `{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": [` + strings.Join(names, ",\n") + `], "action": "SCMP_ACT_ALLOW"}]}`
	p := config(t, "p.json", doc)
	c := evaluate(t, &p)
	r, err := Check(Input{Profile: p, Corpus: c, Weights: weights(t)})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Findings) != MaxPerRule || r.Omitted[UnknownSyscall] != 5 || r.Findings[MaxPerRule-1].Line != MaxPerRule {
		t.Errorf("%d findings (last on line %d), omitted %v; want %d, the last on line %d, 5 omitted", len(r.Findings), r.Findings[len(r.Findings)-1].Line, r.Omitted, MaxPerRule, MaxPerRule)
	}
	if !strings.Contains(r.Summary(), "(and 5 SW004 not listed: at most 1000 of a rule)") {
		t.Errorf("summary %q", r.Summary())
	}
}
