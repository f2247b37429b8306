// Package layers holds a test of the import rules of ARCHITECTURE.md: no
// package imports one that sits after it in the data flow (kernel analysis
// and feeds → attribution → weight DB → weights and scores → reports and
// commands).
package layers

import (
	"os/exec"
	"strings"
	"testing"
)

// forbidden lists, for a package, packages it must not depend on, even
// through others. The weight DB knows nothing of scoring (score reads it
// through score.MetricSource), and scoring nothing of the DB's types.
// Kernel analysis comes before attribution, and the attribution methods
// read its call graph only through vuln/attrib/site's interfaces (Reach,
// CallGraph), which kernel/analysis's Graph and ReachIndex implement.
// The registry of the DB's inputs sits before the runners that iterate it
// (vuln/update, vuln/build) and knows nothing of scoring or commands.
var forbidden = map[string][]string{
	"sysweight/kernel/analysis":  {"sysweight/vuln/attrib", "sysweight/vuln/db", "sysweight/vuln/registry", "sysweight/vuln/build", "sysweight/score"},
	"sysweight/vuln/registry":    {"sysweight/vuln/update", "sysweight/vuln/build", "sysweight/score", "sysweight/report", "sysweight/internal/cli"},
	"sysweight/vuln/db":          {"sysweight/score", "sysweight/report", "sysweight/runtimes", "sysweight/internal/cli"},
	"sysweight/score":            {"sysweight/vuln/db", "sysweight/vuln/build", "sysweight/report", "sysweight/internal/cli"},
	"sysweight/vuln/attrib":      {"sysweight/vuln/db", "sysweight/vuln/build", "sysweight/score", "sysweight/internal/cli"},
	"sysweight/vuln/attrib/site": {"sysweight/kernel/analysis", "sysweight/vuln/db", "sysweight/vuln/build", "sysweight/score", "sysweight/internal/cli"},
}

func TestLayers(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to list dependencies")
	}
	for pkg, bad := range forbidden {
		out, err := exec.Command(gobin, "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		deps := map[string]bool{}
		for _, d := range strings.Fields(string(out)) {
			deps[d] = true
		}
		if !deps["sysweight/syscalls"] {
			t.Fatalf("go list -deps %s lists no sysweight/syscalls: %q", pkg, out)
		}
		for _, b := range bad {
			if deps[b] {
				t.Errorf("%s depends on %s", pkg, b)
			}
		}
	}
}
