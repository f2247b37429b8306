package vuln

import (
	"errors"
	"strings"
	"testing"
)

// Each expected score was worked through by hand with the equations of the
// FIRST CVSS v3.1 specification (section 7) or the CVSS v2 guide (section
// 3.2.1); the intermediate values are in the comments. The real-data tests in
// vuln/kernelcna and vuln/kernelcves check thousands more against the scores
// the feeds publish.
func TestScoreVector(t *testing.T) {
	tests := []struct {
		vector  string
		version string
		score   float64
	}{
		// ISS = 1-0.44^3 = 0.914816, impact 6.42*ISS = 5.8731,
		// exploitability 8.22*.85*.77*.85*.85 = 3.8870, sum 9.7601 -> 9.8.
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "3.1", 9.8},
		// Dirty COW, CVE-2016-5195; NVD gives 7.8. Exploitability
		// 8.22*.55*.77*.62*.85 = 1.8346, + 5.8731 = 7.7077 -> 7.8.
		{"CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", "3.1", 7.8},
		// Heartbleed, CVE-2014-0160; NVD gives 7.5. ISS 0.56, impact 3.5952,
		// + 3.8870 = 7.4822 -> 7.5.
		{"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", "3.0", 7.5},
		// Scope changed: impact 7.52*(0.914816-0.029) - 3.25*0.894816^15
		// = 6.0476; 1.08*(6.0476+3.8870) = 10.73, capped at 10.
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", "3.1", 10.0},
		// Scope changed raises PR:L to 0.68: exploitability 2.0121;
		// 1.08*(6.0476+2.0121) = 8.7045 -> 8.8.
		{"CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", "3.1", 8.8},
		// CVE-2019-25160 (kernel CNA record gives baseScore 9.1):
		// ISS 1-0.44^2 = 0.8064, impact 5.1771, + 3.8870 = 9.0641 -> 9.1.
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:H", "3.1", 9.1},
		// No impact scores 0 whatever the exploitability.
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", "3.1", 0},
		// Metrics in another order and temporal metrics are accepted.
		{"CVSS:3.1/S:U/AV:L/AC:L/PR:L/UI:N/C:H/I:H/A:H/E:F/RL:O", "3.1", 7.8},
		// v2, CVE-2019-1010218 as NVD publishes it (baseScore 5.0):
		// impact 10.41*0.275 = 2.8628, exploitability 20*1*.71*.704 = 9.9968,
		// (0.6*2.8628 + 0.4*9.9968 - 1.5)*1.176 = 4.958 -> 5.0.
		{"AV:N/AC:L/Au:N/C:N/I:N/A:P", "2.0", 5.0},
		// v2 Dirty COW (linux_kernel_cves gives 7.2): impact
		// 10.41*(1-0.34^3) = 10.0008, exploitability 20*.395*.71*.704 = 3.9487,
		// (6.0005 + 1.5795 - 1.5)*1.176 = 7.1501 -> 7.2.
		{"AV:L/AC:L/Au:N/C:C/I:C/A:C", "2.0", 7.2},
		{"(AV:N/AC:L/Au:N/C:C/I:C/A:C)", "2.0", 10.0},
		{"CVSS:2.0/AV:N/AC:L/Au:N/C:N/I:N/A:P", "2.0", 5.0},
	}
	for _, tt := range tests {
		got, err := ScoreVector(tt.vector)
		if err != nil {
			t.Errorf("ScoreVector(%q): %v", tt.vector, err)
			continue
		}
		if got.Version != tt.version || got.Score != tt.score {
			t.Errorf("ScoreVector(%q) = %s %.1f, want %s %.1f", tt.vector, got.Version, got.Score, tt.version, tt.score)
		}
	}
}

// The two worked examples of the v3.1 specification, Appendix A.
func TestRoundup(t *testing.T) {
	for _, tt := range []struct{ in, want float64 }{
		{4.02, 4.1}, {4.00, 4.0}, {4.000000000000001, 4.0}, {9.7601, 9.8}, {10, 10},
	} {
		if got := roundup(tt.in); got != tt.want {
			t.Errorf("roundup(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestScoreVectorErrors(t *testing.T) {
	tests := []struct{ vector, want string }{
		{"CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", `offset 9: metric AV: value "X" not one of A,L,N,P`},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", "metric A: base metric missing"},
		{"CVSS:3.1/AV:N/AV:N", "offset 14: metric AV: given twice"},
		{"CVSS:3.1/AV:N/ZZ:Q", "metric ZZ: unknown metric"},
		{"CVSS:4.0/AV:N", `want prefix "CVSS:3.1/"`},
		{"CVSS:3.1/", "no metrics"},
		{"AV:N/AC:L//", `want METRIC:VALUE, got ""`},
		{"", "no metrics"},
	}
	for _, tt := range tests {
		_, err := ScoreVector(tt.vector)
		if !errors.Is(err, ErrBadVector) {
			t.Errorf("ScoreVector(%q) err = %v, want ErrBadVector", tt.vector, err)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ScoreVector(%q) err = %q, want it to contain %q", tt.vector, err, tt.want)
		}
	}
}

func FuzzScoreVector(f *testing.F) {
	f.Add("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
	f.Add("CVSS:3.0/AV:L/AC:H/PR:H/UI:R/S:C/C:L/I:N/A:L/E:X")
	f.Add("AV:N/AC:M/Au:S/C:P/I:N/A:C")
	f.Add("(AV:L/AC:L/Au:N/C:C/I:C/A:C)")
	f.Fuzz(func(t *testing.T, v string) {
		c, err := ScoreVector(v)
		if err != nil {
			if !errors.Is(err, ErrBadVector) {
				t.Fatalf("error %v does not wrap ErrBadVector", err)
			}
			return
		}
		if c.Score < 0 || c.Score > 10 || c.Score*10 != float64(int(c.Score*10+0.5)) {
			t.Fatalf("ScoreVector(%q) = %v: out of range or not one decimal", v, c.Score)
		}
	})
}
