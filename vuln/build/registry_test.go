package build

import (
	"context"
	"slices"
	"strings"
	"testing"

	"sysweight/syscalls"
	"sysweight/vuln/db"
	"sysweight/vuln/registry"
	"sysweight/vuln/registry/registrytest"
	"sysweight/vuln/update"
)

// TestRegistryIsIterated registers one more feed and one more table in a
// registry of the test's own and shows that db update's runner fetches
// the feed and the build reads it and joins the table, with no other
// edit: the feed's CVE is counted for keyctl, its source is recorded in
// the registry's order, and the table's metric is in meta.metrics and in
// the syscall's record.
func TestRegistryIsIterated(t *testing.T) {
	reg := registry.Default()
	reg.Feeds = append(reg.Feeds[:1:1], registrytest.Feed())
	reg.Tables = []registry.Table{registrytest.Table()}

	cache := t.TempDir()
	feeds := update.Feeds(reg, registry.Options{Settings: map[string]string{registrytest.IDSetting: "CVE-2099-4242"}})
	if len(feeds) != 2 || feeds[1].Name() != "fake" {
		t.Fatalf("update.Feeds = %v, want kernel-cna and fake", feeds)
	}
	if _, err := update.Run(context.Background(), cache, feeds[1:]); err != nil {
		t.Fatal(err)
	}

	fake, _ := reg.Feed("fake")
	tb, err := reg.Tables[0].Embedded()
	if err != nil {
		t.Fatal(err)
	}
	in := Inputs{
		Registry: &reg,
		Feeds: map[string]Input{
			"kernel-cna": {Path: writeTree(t), Version: "test", Date: "2026-01-02"},
			"fake":       {Path: fake.Cached(cache), Version: "v1", Date: "2026-02-03"},
		},
		Tables: map[string]*registry.Part{registrytest.TableFlag: tb},
	}
	d, tm, err := Build(in, syscalls.MustForArch(syscalls.X86_64))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range d.Meta.Sources {
		names = append(names, s.Name)
	}
	if strings.Join(names, ",") != "kernel-cna,fake,fake-table" {
		t.Errorf("sources %v, want kernel-cna,fake,fake-table", names)
	}
	if !slices.Equal(d.Meta.Metrics, []string{"cves", "severity", "triggers"}) || d.Meta.Triggers != "fake table" {
		t.Errorf("meta.metrics %v, meta.triggers %q", d.Meta.Metrics, d.Meta.Triggers)
	}
	// the newest input date is the fake feed's
	if d.Meta.Built != "2026-02-03T00:00:00Z" || !slices.Contains(tm.Notes, "fake: read") {
		t.Errorf("built %s, notes %q", d.Meta.Built, tm.Notes)
	}
	// keyctl: CVE-2024-11111 of the tree (7.8) and the fake feed's (5.5):
	// 13.3; the table gives triggers 3, and not its exploits, which are no
	// metric of it.
	k, _ := d.Syscall("keyctl")
	if k.CVEs != 2 || k.Severity != 13.3 || k.Triggers != 3 || k.Exploits != 0 ||
		!slices.Equal(k.CVEIDs, []string{"CVE-2024-11111", "CVE-2099-4242"}) {
		t.Errorf("keyctl = %+v", k)
	}
	if c, ok, _ := d.CVE("CVE-2099-4242"); !ok || c.Feed != "fake" || c.Score != registrytest.Score {
		t.Errorf("fake CVE = %+v, %v", c, ok)
	}
}

// A table that names a metric no input can give is refused: cves and
// severity are counted from the CVEs.
func TestRegistryTableOfCountedMetric(t *testing.T) {
	reg := registry.Default()
	reg.Tables = []registry.Table{{Flag: "bad", Metrics: []string{"cves"}}}
	in := Inputs{
		Registry: &reg,
		Feeds:    map[string]Input{"kernel-cna": {Path: writeTree(t), Date: "2026-01-02"}},
		Tables:   map[string]*registry.Part{"bad": {Syscalls: map[string]db.Syscall{"read": {CVEs: 4}}}},
	}
	if _, _, err := Build(in, syscalls.MustForArch(syscalls.X86_64)); err == nil || !strings.Contains(err.Error(), `table bad: metric "cves"`) {
		t.Errorf("Build with a table of cves: %v", err)
	}
}
