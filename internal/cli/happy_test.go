package cli

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"

	"sysweight/vuln/db"
)

// The compare JSON schema that scripts rely on, with values checked
// independently: the exposed counts are the ones runtimes_test.go checks
// against jq, Python and scmp_sys_resolver; ratio and normalisation
// follow from their definitions.
func TestCompareJSON(t *testing.T) {
	code, out, errs := run(t, "compare", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	by := map[string]map[string]any{}
	for _, r := range rows {
		for _, k := range []string{"runtime", "score", "normalized", "exposed", "ratio"} {
			if _, ok := r[k]; !ok {
				t.Fatalf("row %v lacks %q", r, k)
			}
		}
		by[r["runtime"].(string)] = r
	}
	docker, unconf := by["runc-docker"], by["runc-unconfined"]
	if docker == nil || unconf == nil || by["gvisor-systrap"] == nil || by["kata-firecracker"] == nil || by["nabla"] == nil {
		t.Fatalf("missing built-ins in %v", by)
	}
	if docker["ratio"].(float64) != 1 {
		t.Errorf("runc-docker ratio %v, want 1", docker["ratio"])
	}
	if unconf["normalized"].(float64) != 1 {
		t.Errorf("runc-unconfined normalized %v, want 1", unconf["normalized"])
	}
	// ratio(unconfined) = Σw / score(docker) = 1 / normalized(docker).
	if r, n := unconf["ratio"].(float64), docker["normalized"].(float64); math.Abs(r-1/n) > 1e-9 {
		t.Errorf("unconfined ratio %v, want 1/%v", r, n)
	}
	for name, n := range map[string]float64{"runc-docker": 309, "runc-unconfined": 385, "nabla": 7, "kata-firecracker": 50} {
		if by[name]["exposed"].(float64) != n {
			t.Errorf("%s exposed %v, want %v", name, by[name]["exposed"], n)
		}
	}
	code, out, _ = run(t, "compare", "runc-docker", "nabla", "-o", "csv")
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(recs) != 3 || recs[0][0] != "RUNTIME" || recs[2][0] != "nabla" {
		t.Errorf("csv: %v %v %q", code, err, out)
	}
}

// CVE-2016-0728's NVD text ends "... via crafted keyctl commands", and NVD
// scores it CVSS 3.x 7.8: explain keyctl must list it with that evidence.
func TestExplainKeyctlJSON(t *testing.T) {
	code, out, errs := run(t, "explain", "keyctl", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var ex explanation
	if err := json.Unmarshal([]byte(out), &ex); err != nil {
		t.Fatal(err)
	}
	if ex.Nr != 250 {
		t.Errorf("keyctl nr %d, want 250 (x86_64)", ex.Nr)
	}
	found := false
	for _, c := range ex.CVEs {
		if c.ID == "CVE-2016-0728" {
			found = true
			if c.Score != 7.8 || len(c.Evidence) == 0 || c.Evidence[0].Method != "text" || c.Evidence[0].Evidence != "keyctl" {
				t.Errorf("CVE-2016-0728 = %+v", c)
			}
		}
	}
	if !found {
		t.Errorf("CVE-2016-0728 not among %d CVEs", len(ex.CVEs))
	}
	if int(ex.Raw["cves"]) != len(ex.CVEs) {
		t.Errorf("raw cves %v but %d CVEs listed", ex.Raw["cves"], len(ex.CVEs))
	}
}

func TestDBInfoJSON(t *testing.T) {
	code, out, _ := run(t, "db", "info", "-o", "json")
	if code != 0 {
		t.Fatal(out)
	}
	var info struct {
		Schema int `json:"schema"`
		Meta   struct {
			Sources []struct{ Name, Version string }
			Metrics []string
		}
	}
	if err := json.Unmarshal([]byte(out), &info); err != nil {
		t.Fatal(err)
	}
	if info.Schema != db.SchemaVersion || len(info.Meta.Sources) < 2 || info.Meta.Sources[0].Name != "kernel-cna" ||
		info.Meta.Sources[0].Version != "d9dda40c8f21126303839427ebc8652167302488" {
		t.Errorf("info = %+v", info)
	}
	// The embedded DB has the six metrics of DESIGN.md, the triggers from
	// syzkaller-repros at the pinned commit.
	if want := []string{"cves", "severity", "exploits", "complexity", "reach", "triggers"}; !slices.Equal(info.Meta.Metrics, want) {
		t.Errorf("metrics %v, want %v", info.Meta.Metrics, want)
	}
	var syz bool
	for _, s := range info.Meta.Sources {
		syz = syz || s.Name == "syzbot" && s.Version == "026c8891a19e672bba71481be250080e1a302ed8"
	}
	if !syz {
		t.Errorf("no syzbot source at 026c8891a19e: %+v", info.Meta.Sources)
	}
}
