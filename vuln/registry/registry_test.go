package registry

import (
	"slices"
	"testing"

	"sysweight/vuln/db"
)

// TestDefaultWellFormed: every feed can be fetched, found in a cache and
// read; names and flags are each used once (they become db update's and
// db build's flags); every table's metric is one an input gives
// (db.CopyMetric) and every counted metric one db.Assemble counts.
func TestDefaultWellFormed(t *testing.T) {
	r := Default()
	flags := map[string]bool{}
	flag := func(f string) {
		if f != "" && flags[f] {
			t.Errorf("flag --%s declared twice", f)
		}
		flags[f] = true
	}
	names := map[string]bool{}
	for _, f := range r.Feeds {
		if names[f.Name] || f.New == nil || f.Cached == nil || f.Read == nil || f.Origin == "" || f.About == "" {
			t.Errorf("feed %+v: a name used twice, or no fetcher, cache path, reader, origin or help", f)
		}
		names[f.Name] = true
		if f.Flag != "" {
			flag(f.Flag)
			flag(f.Flag + "-version")
			flag(f.Flag + "-date")
		}
		for _, s := range f.Settings {
			flag(s.Flag)
		}
		if got := f.New(Options{}).Name(); got != f.Name {
			t.Errorf("feed %s's fetcher is named %s", f.Name, got)
		}
	}
	var x db.Syscall
	for _, tb := range r.Tables {
		flag(tb.Flag)
		if tb.Embedded == nil || tb.Decode == nil || len(tb.Metrics) == 0 {
			t.Errorf("table %s: no loader or no metric", tb.Flag)
		}
		for _, m := range tb.Metrics {
			if !db.CopyMetric(m, &x, db.Syscall{}) {
				t.Errorf("table %s: metric %q is not one a table can give", tb.Flag, m)
			}
		}
	}
	for _, m := range r.Counted {
		if db.CopyMetric(m, &x, db.Syscall{}) || !slices.Contains(db.Metrics, m) {
			t.Errorf("counted metric %q: not one db.Assemble counts", m)
		}
	}
}

// TestMetricsInDBHead: every metric registered is in the head of the
// embedded DB (meta.metrics, decoded from its binary head when current),
// which make weightdb builds with every table, in the registry's order;
// and each table's embedded copy loads.
func TestMetricsInDBHead(t *testing.T) {
	d, err := db.Default()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d.Meta.Metrics, Default().Metrics(); !slices.Equal(got, want) {
		t.Errorf("embedded DB's meta.metrics %v, registry's %v", got, want)
	}
	var sources []string
	for _, s := range d.Meta.Sources {
		sources = append(sources, s.Name)
	}
	for _, tb := range Default().Tables {
		p, err := tb.Embedded()
		if err != nil {
			t.Fatalf("table %s: %v", tb.Flag, err)
		}
		if !slices.Contains(sources, p.Source.Name) {
			t.Errorf("table %s's source %s is not in the embedded DB's sources %v", tb.Flag, p.Source.Name, sources)
		}
	}
}
