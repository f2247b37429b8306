package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sysweight/score"
	"sysweight/vuln/db"
	"sysweight/vuln/registry"
	"sysweight/vuln/registry/registrytest"
)

// TestDBCommandsIterateRegistry gives db update and db build a registry
// with one more feed and one more table (and without the default tables)
// and shows that both commands take their flags and their work from it,
// with no edit of either: db update --help lists the feed and its
// setting, db update fetches it, db build reads it from the cache with
// the --fake-date it declares and joins the --fake-table file.
func TestDBCommandsIterateRegistry(t *testing.T) {
	reg := registry.Default()
	reg.Feeds = append(reg.Feeds, registrytest.Feed())
	reg.Tables = []registry.Table{registrytest.Table()}
	dir := t.TempDir()
	cache := filepath.Join(dir, "cache")

	var out, errs bytes.Buffer
	up := newDBUpdateCmd(&globalOptions{}, reg)
	up.SetOut(&out)
	up.SetErr(&errs)
	up.SetArgs([]string{"--help"})
	if err := up.ExecuteContext(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "\n  fake                a feed of the test\n") || !strings.Contains(out.String(), "--fake-id") ||
		!strings.Contains(out.String(), "(default: kernel-cna,linux_kernel_cves,nvd,fake)") {
		t.Errorf("db update --help:\n%s", out.String())
	}
	out.Reset()
	up = newDBUpdateCmd(&globalOptions{}, reg)
	up.SetOut(&out)
	up.SetErr(&errs)
	up.SetArgs([]string{"--cache", cache, "--feeds", "fake", "--fake-id", "CVE-2099-4242"})
	if err := up.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("db update: %v (%s)", err, errs.String())
	}

	table := filepath.Join(dir, "table.json")
	if err := os.WriteFile(table, []byte(`{"keyctl": 4, "bpf": 2}`), 0o644); err != nil {
		t.Fatal(err)
	}
	dbFile := filepath.Join(dir, "weights.json")
	build := newDBBuildCmd(&globalOptions{}, reg)
	build.SetOut(&out)
	build.SetErr(&errs)
	build.SetArgs([]string{"--kernel-cna", filepath.Join("..", "..", "vuln", "kernelcna", "testdata", "happy"), "--kernel-cna-date", "2026-01-02",
		"--cache", cache, "--fake-date", "2026-02-03", "--fake-table", table, "--graph-cache", "none", "--out", dbFile})
	if err := build.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("db build: %v", err)
	}
	f, err := os.Open(dbFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := db.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range d.Meta.Sources {
		names = append(names, s.Name+" "+s.Date)
	}
	if strings.Join(names, ", ") != "kernel-cna 2026-01-02, fake 2026-02-03, fake-table 2026-01-01" {
		t.Errorf("sources %v", names)
	}
	if !slices.Equal(d.Meta.Metrics, []string{"cves", "severity", "triggers"}) {
		t.Errorf("meta.metrics %v", d.Meta.Metrics)
	}
	k, _ := d.Syscall("keyctl")
	if k.Triggers != 4 || !slices.Contains(k.CVEIDs, "CVE-2099-4242") {
		t.Errorf("keyctl = %+v: want triggers 4 (the table file) and the fake feed's CVE", k)
	}
	if b, _ := d.Syscall("bpf"); b.Triggers != 2 {
		t.Errorf("bpf = %+v: want triggers 2", b)
	}
}

// TestMetricNamesAgree: the metrics of the registry's inputs are the
// DB's (vuln/db) and score's, by name, in the same order.
func TestMetricNamesAgree(t *testing.T) {
	reg := registry.Default().Metrics()
	var sc []string
	for _, m := range score.Metrics {
		sc = append(sc, string(m))
	}
	if !slices.Equal(reg, db.Metrics) || !slices.Equal(sc, db.Metrics) {
		t.Errorf("metrics: registry %v, vuln/db %v, score %v", reg, db.Metrics, sc)
	}
}
