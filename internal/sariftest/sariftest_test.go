package sariftest

import (
	"fmt"
	"testing"
)

// recorder takes the failures Validate reports.
type recorder struct {
	*testing.T
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// The schema accepts a minimal log and refuses logs that break it: no
// version, an unknown level, a result without a message, a line 0.
func TestValidate(t *testing.T) {
	const ok = `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x", "rules": [{"id": "R1", "properties": {"security-severity": "5.0"}}]}},
  "results": [{"ruleId": "R1", "level": "warning", "message": {"text": "m"},
    "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a b/p.json"}, "region": {"startLine": 3}}}]}]}]}`
	r := &recorder{T: t}
	Validate(r, []byte(ok))
	if len(r.errs) != 0 {
		t.Errorf("a valid log refused: %v", r.errs)
	}
	for name, bad := range map[string]string{
		"no version":    `{"runs": []}`,
		"unknown level": `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "R1", "level": "severe", "message": {"text": "m"}}]}]}`,
		"no message":    `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "R1"}]}]}`,
		"line 0":        `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "m"}, "locations": [{"physicalLocation": {"artifactLocation": {"uri": "p"}, "region": {"startLine": 0}}}]}]}]}`,
	} {
		r := &recorder{T: t}
		Validate(r, []byte(bad))
		if len(r.errs) == 0 {
			t.Errorf("%s: accepted", name)
		}
	}
}
