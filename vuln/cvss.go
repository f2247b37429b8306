package vuln

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// ErrBadVector is wrapped by every error about a malformed CVSS vector.
var ErrBadVector = errors.New("bad cvss vector")

// VectorError says where in a CVSS vector string parsing failed.
type VectorError struct {
	Vector string
	Offset int    // byte offset of the offending metric in Vector
	Metric string // metric abbreviation, when known
	Msg    string // what was expected
}

func (e *VectorError) Error() string {
	if e.Metric != "" {
		return fmt.Sprintf("cvss vector %q: offset %d: metric %s: %s", e.Vector, e.Offset, e.Metric, e.Msg)
	}
	return fmt.Sprintf("cvss vector %q: offset %d: %s", e.Vector, e.Offset, e.Msg)
}

func (e *VectorError) Is(target error) bool { return target == ErrBadVector }

// Weights of the CVSS v3.x base metrics, from FIRST's "CVSS v3.1
// Specification Document", section 7.4 (identical in v3.0, section 8.4).
var v3Base = map[string]map[string]float64{
	"AV": {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2},
	"AC": {"L": 0.77, "H": 0.44},
	"PR": {"N": 0.85, "L": 0.62, "H": 0.27}, // scope unchanged; changed is handled below
	"UI": {"N": 0.85, "R": 0.62},
	"S":  {"U": 0, "C": 0},
	"C":  {"H": 0.56, "L": 0.22, "N": 0},
	"I":  {"H": 0.56, "L": 0.22, "N": 0},
	"A":  {"H": 0.56, "L": 0.22, "N": 0},
}

// v3.x temporal and environmental metrics are accepted, checked and
// ignored: sysweight uses base scores only.
var v3Other = map[string][]string{
	"E": {"X", "U", "P", "F", "H"}, "RL": {"X", "O", "T", "W", "U"}, "RC": {"X", "U", "R", "C"},
	"CR": {"X", "L", "M", "H"}, "IR": {"X", "L", "M", "H"}, "AR": {"X", "L", "M", "H"},
	"MAV": {"X", "N", "A", "L", "P"}, "MAC": {"X", "L", "H"}, "MPR": {"X", "N", "L", "H"},
	"MUI": {"X", "N", "R"}, "MS": {"X", "U", "C"},
	"MC": {"X", "N", "L", "H"}, "MI": {"X", "N", "L", "H"}, "MA": {"X", "N", "L", "H"},
}

// Weights of the CVSS v2 base metrics, from FIRST's "A Complete Guide to
// the Common Vulnerability Scoring System Version 2.0", section 3.2.1.
var v2Base = map[string]map[string]float64{
	"AV": {"L": 0.395, "A": 0.646, "N": 1.0},
	"AC": {"H": 0.35, "M": 0.61, "L": 0.71},
	"Au": {"M": 0.45, "S": 0.56, "N": 0.704},
	"C":  {"N": 0, "P": 0.275, "C": 0.660},
	"I":  {"N": 0, "P": 0.275, "C": 0.660},
	"A":  {"N": 0, "P": 0.275, "C": 0.660},
}

var v2Other = map[string][]string{
	"E": {"U", "POC", "F", "H", "ND"}, "RL": {"OF", "TF", "W", "U", "ND"}, "RC": {"UC", "UR", "C", "ND"},
	"CDP": {"N", "L", "LM", "MH", "H", "ND"}, "TD": {"N", "L", "M", "H", "ND"},
	"CR": {"L", "M", "H", "ND"}, "IR": {"L", "M", "H", "ND"}, "AR": {"L", "M", "H", "ND"},
}

var (
	v3Order = []string{"AV", "AC", "PR", "UI", "S", "C", "I", "A"}
	v2Order = []string{"AV", "AC", "Au", "C", "I", "A"}
)

// ScoreVector parses a CVSS base vector and computes its base score with
// the formula of its specification. It accepts "CVSS:3.1/…" and "CVSS:3.0/…"
// vectors and v2 vectors ("AV:N/AC:L/Au:N/C:P/I:P/A:P", optionally in
// parentheses or prefixed "CVSS:2.0/"). Temporal and environmental metrics
// are validated and ignored. Source is left empty for the caller.
func ScoreVector(vector string) (CVSS, error) {
	v := strings.TrimSpace(vector)
	switch {
	case strings.HasPrefix(v, "CVSS:3.1/"):
		s, err := parseMetrics(v, len("CVSS:3.1/"), v3Base, v3Other, v3Order)
		if err != nil {
			return CVSS{}, err
		}
		return CVSS{Version: "3.1", Score: score3(s), Vector: v}, nil
	case strings.HasPrefix(v, "CVSS:3.0/"):
		s, err := parseMetrics(v, len("CVSS:3.0/"), v3Base, v3Other, v3Order)
		if err != nil {
			return CVSS{}, err
		}
		return CVSS{Version: "3.0", Score: score3(s), Vector: v}, nil
	case strings.HasPrefix(v, "CVSS:2.0/"):
		s, err := parseMetrics(v, len("CVSS:2.0/"), v2Base, v2Other, v2Order)
		if err != nil {
			return CVSS{}, err
		}
		return CVSS{Version: "2.0", Score: score2(s), Vector: v}, nil
	case strings.HasPrefix(v, "CVSS:"):
		return CVSS{}, &VectorError{Vector: vector, Msg: `want prefix "CVSS:3.1/", "CVSS:3.0/" or a v2 vector`}
	case strings.HasPrefix(v, "(") && strings.HasSuffix(v, ")"):
		s, err := parseMetrics(v[:len(v)-1], 1, v2Base, v2Other, v2Order)
		if err != nil {
			return CVSS{}, err
		}
		return CVSS{Version: "2.0", Score: score2(s), Vector: v[1 : len(v)-1]}, nil
	}
	s, err := parseMetrics(v, 0, v2Base, v2Other, v2Order)
	if err != nil {
		return CVSS{}, err
	}
	return CVSS{Version: "2.0", Score: score2(s), Vector: v}, nil
}

// parseMetrics reads "K:V/K:V…" from v[start:] and returns the base
// metrics' values (as the letter chosen, looked up later by the scorer).
func parseMetrics(v string, start int, base map[string]map[string]float64, other map[string][]string, order []string) (map[string]string, error) {
	got := make(map[string]string, len(order))
	seen := map[string]bool{}
	off := start
	if off >= len(v) {
		return nil, &VectorError{Vector: v, Offset: off, Msg: "no metrics"}
	}
	for _, part := range strings.Split(v[start:], "/") {
		k, val, ok := strings.Cut(part, ":")
		if !ok || k == "" || val == "" {
			return nil, &VectorError{Vector: v, Offset: off, Msg: fmt.Sprintf("want METRIC:VALUE, got %q", part)}
		}
		if seen[k] {
			return nil, &VectorError{Vector: v, Offset: off, Metric: k, Msg: "given twice"}
		}
		seen[k] = true
		if w, ok := base[k]; ok {
			if _, ok := w[val]; !ok {
				return nil, &VectorError{Vector: v, Offset: off, Metric: k, Msg: fmt.Sprintf("value %q not one of %s", val, keys(w))}
			}
			got[k] = val
		} else if vals, ok := other[k]; ok {
			if !contains(vals, val) {
				return nil, &VectorError{Vector: v, Offset: off, Metric: k, Msg: fmt.Sprintf("value %q not one of %s", val, strings.Join(vals, ","))}
			}
		} else {
			return nil, &VectorError{Vector: v, Offset: off, Metric: k, Msg: "unknown metric"}
		}
		off += len(part) + 1
	}
	for _, k := range order {
		if _, ok := got[k]; !ok {
			return nil, &VectorError{Vector: v, Offset: len(v), Metric: k, Msg: "base metric missing"}
		}
	}
	return got, nil
}

func keys(m map[string]float64) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	// Deterministic messages: sort the few letters.
	for i := range ks {
		for j := i + 1; j < len(ks); j++ {
			if ks[j] < ks[i] {
				ks[i], ks[j] = ks[j], ks[i]
			}
		}
	}
	return strings.Join(ks, ",")
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// score3 is the v3.1 base score equation (specification section 7.1).
func score3(m map[string]string) float64 {
	changed := m["S"] == "C"
	pr := v3Base["PR"][m["PR"]]
	if changed {
		// Section 7.4: PR weighs more when the scope changes.
		switch m["PR"] {
		case "L":
			pr = 0.68
		case "H":
			pr = 0.5
		}
	}
	c, i, a := v3Base["C"][m["C"]], v3Base["I"][m["I"]], v3Base["A"][m["A"]]
	iss := 1 - (1-c)*(1-i)*(1-a)
	var impact float64
	if changed {
		impact = 7.52*(iss-0.029) - 3.25*math.Pow(iss-0.02, 15)
	} else {
		impact = 6.42 * iss
	}
	expl := 8.22 * v3Base["AV"][m["AV"]] * v3Base["AC"][m["AC"]] * pr * v3Base["UI"][m["UI"]]
	if impact <= 0 {
		return 0
	}
	if changed {
		return roundup(math.Min(1.08*(impact+expl), 10))
	}
	return roundup(math.Min(impact+expl, 10))
}

// roundup is the v3.1 Roundup of specification Appendix A: the smallest
// one-decimal number not below x, computed on integers so that 4.0000001
// floating-point noise does not become 4.1. v3.0 vectors use it as well: the
// v3.0 definition meant the same and differed only in float artefacts.
func roundup(x float64) float64 {
	i := int64(math.Round(x * 100000))
	if i%10000 == 0 {
		return float64(i) / 100000
	}
	return float64(i/10000+1) / 10
}

// score2 is the v2 base equation (guide section 3.2.1).
func score2(m map[string]string) float64 {
	c, i, a := v2Base["C"][m["C"]], v2Base["I"][m["I"]], v2Base["A"][m["A"]]
	impact := 10.41 * (1 - (1-c)*(1-i)*(1-a))
	expl := 20 * v2Base["AV"][m["AV"]] * v2Base["AC"][m["AC"]] * v2Base["Au"][m["Au"]]
	f := 1.176
	if impact == 0 {
		f = 0
	}
	return round1((0.6*impact + 0.4*expl - 1.5) * f)
}

// round1 rounds half up to one decimal, deciding on the value scaled to
// five decimals so that 4.35 stored as 4.34999… still rounds to 4.4.
func round1(x float64) float64 {
	i := int64(math.Round(x * 100000))
	return float64((i+5000)/10000) / 10
}
