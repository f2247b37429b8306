package lint

import (
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
)

// SARIF 2.1.0 as GitHub code scanning reads it: the OASIS schema (errata
// 01) the output is checked against, and the key of the fingerprints.
const (
	SARIFVersion   = "2.1.0"
	SARIFSchema    = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	FingerprintKey = "sysweight/v1"
)

// Log is a SARIF log: one run of sysweight lint over all its profiles.
type Log struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []Run  `json:"runs"`
}

// Run is the run of the log.
type Run struct {
	Tool       Tool          `json:"tool"`
	Results    []SARIFResult `json:"results"`
	Properties RunProperties `json:"properties"`
}

// Tool is the run's tool: sysweight, with every rule.
type Tool struct {
	Driver Driver `json:"driver"`
}

// Driver describes sysweight and its rules.
type Driver struct {
	Name           string       `json:"name"`
	FullName       string       `json:"fullName"`
	InformationURI string       `json:"informationUri,omitempty"`
	Rules          []Descriptor `json:"rules"`
}

// Descriptor is SARIF's reportingDescriptor of a Rule.
type Descriptor struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     Text           `json:"shortDescription"`
	FullDescription      Text           `json:"fullDescription"`
	Help                 Text           `json:"help"`
	DefaultConfiguration Configuration  `json:"defaultConfiguration"`
	Properties           RuleProperties `json:"properties"`
}

// Text is a SARIF message string.
type Text struct {
	Text string `json:"text"`
}

// Configuration is a rule's default level.
type Configuration struct {
	Level string `json:"level"`
}

// RuleProperties carry what GitHub code scanning reads of a rule: tags
// ("security" makes it a security alert) and security-severity, a number
// from 0 to 10 written as a string.
type RuleProperties struct {
	Tags             []string `json:"tags"`
	SecuritySeverity string   `json:"security-severity"`
	Precision        string   `json:"precision"`
}

// SARIFResult is one finding.
type SARIFResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             Text              `json:"message"`
	Locations           []Location        `json:"locations"`
	RelatedLocations    []Location        `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          ResultProperties  `json:"properties"`
}

// Location is where a result is: a line of a profile file, or a built-in
// runtime by name (a logical location: it has no file).
type Location struct {
	ID               *int              `json:"id,omitempty"`
	PhysicalLocation *PhysicalLocation `json:"physicalLocation,omitempty"`
	LogicalLocations []LogicalLocation `json:"logicalLocations,omitempty"`
	Message          *Text             `json:"message,omitempty"`
}

// PhysicalLocation is a file and, when known, a line.
type PhysicalLocation struct {
	ArtifactLocation ArtifactLocation `json:"artifactLocation"`
	Region           *Region          `json:"region,omitempty"`
}

// ArtifactLocation is a file's URI; a relative one is relative to the
// checkout (%SRCROOT%).
type ArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

// Region is a line. Columns are left out: the profile's byte columns are
// not SARIF's code-point columns where a line holds other characters.
type Region struct {
	StartLine int `json:"startLine"`
}

// LogicalLocation names a built-in runtime.
type LogicalLocation struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// ResultProperties repeat a finding's values for programs.
type ResultProperties struct {
	Profile        string   `json:"profile"`
	Syscall        string   `json:"syscall,omitempty"`
	Filter         string   `json:"filter,omitempty"`
	Path           string   `json:"path,omitempty"`
	Weight         float64  `json:"weight,omitempty"`
	Rank           int      `json:"rank,omitempty"`
	Degree         *float64 `json:"degree,omitempty"`
	BaselineDegree *float64 `json:"baseline_degree,omitempty"`
	Beyond         *float64 `json:"beyond,omitempty"`
}

// RunProperties hold each profile's score and baseline answer, and how
// the weights were computed.
type RunProperties struct {
	Weights  string    `json:"weights"`
	Profiles []Summary `json:"profiles"`
}

// Summary is a Result without its findings.
type Summary struct {
	Profile    string          `json:"profile"`
	Source     string          `json:"source"`
	Score      float64         `json:"score"`
	Normalized float64         `json:"normalized"`
	Exposed    int             `json:"exposed"`
	Heavy      int             `json:"heavy"`
	Baseline   *BaselineResult `json:"baseline"`
	Findings   int             `json:"findings"`
	Omitted    map[string]int  `json:"omitted,omitempty"`
	Failed     []string        `json:"failed"`
}

// SARIF renders results as one SARIF run; weights says how the weights
// were computed (for the run's properties).
func SARIF(results []Result, weights string) Log {
	run := Run{Tool: Tool{Driver: Driver{Name: "sysweight", FullName: "sysweight lint: seccomp profiles weighed by kernel CVE, exploit and complexity evidence"}},
		Results: []SARIFResult{}, Properties: RunProperties{Weights: weights, Profiles: []Summary{}}}
	for _, r := range Rules {
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, Descriptor{
			ID: r.ID, Name: r.Name, ShortDescription: Text{r.Short}, FullDescription: Text{r.Full}, Help: Text{r.Full},
			DefaultConfiguration: Configuration{Level: r.Level},
			Properties: RuleProperties{Tags: []string{"security", "seccomp"}, SecuritySeverity: fmt.Sprintf("%.1f", r.Severity),
				Precision: precision(r.ID)},
		})
	}
	for _, res := range results {
		run.Properties.Profiles = append(run.Properties.Profiles, Summary{Profile: res.Profile, Source: res.Source, Score: res.Score,
			Normalized: res.Normalized, Exposed: res.Exposed, Heavy: res.Heavy, Baseline: res.Baseline, Findings: len(res.Findings), Omitted: res.Omitted, Failed: res.Failed})
		for _, f := range res.Findings {
			idx := slices.IndexFunc(Rules, func(r Rule) bool { return r.ID == f.RuleID })
			sr := SARIFResult{RuleID: f.RuleID, RuleIndex: idx, Level: f.Level, Message: Text{f.Message},
				Locations:           []Location{res.location(f.Line)},
				PartialFingerprints: map[string]string{FingerprintKey: f.Fingerprint},
				Properties: ResultProperties{Profile: res.Profile, Syscall: f.Syscall, Filter: f.Filter, Path: f.Path,
					Weight: f.Weight, Rank: f.Rank, Degree: f.Degree, BaselineDegree: f.BaselineDegree, Beyond: f.Beyond}}
			if f.relatedLine > 0 && res.uri != "" {
				id := 1
				l := res.location(f.relatedLine)
				l.ID, l.Message = &id, &Text{"the more restrictive rule"}
				sr.RelatedLocations = []Location{l}
			}
			run.Results = append(run.Results, sr)
		}
	}
	return Log{Schema: SARIFSchema, Version: SARIFVersion, Runs: []Run{run}}
}

// location is line of res's profile file, or the built-in by name.
func (res Result) location(line int) Location {
	if res.uri == "" {
		return Location{LogicalLocations: []LogicalLocation{{Name: res.Profile, Kind: "resource"}}}
	}
	pl := &PhysicalLocation{ArtifactLocation: ArtifactLocation{URI: res.uri}}
	if !isAbsURI(res.uri) {
		pl.ArtifactLocation.URIBaseID = "%SRCROOT%"
	}
	if line > 0 {
		pl.Region = &Region{StartLine: line}
	}
	return Location{PhysicalLocation: pl}
}

func isAbsURI(u string) bool {
	return strings.HasPrefix(u, "file:")
}

// FileURI is the SARIF artifact URI of a profile file named path: a
// relative path stays relative (to the checkout, where CI runs), with /
// and escaped as a URI; an absolute one becomes a file: URI.
func FileURI(path string) string {
	p := filepath.ToSlash(filepath.Clean(path))
	if filepath.IsAbs(path) {
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	return (&url.URL{Path: p}).String()
}

// precision is SARIF/GitHub's precision of each rule: how often a finding
// is what it says (see the package doc).
func precision(id string) string {
	switch id {
	case DefaultAllow, UnknownSyscall, NeverMatches:
		return "very-high"
	}
	return "high"
}
