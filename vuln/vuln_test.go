package vuln

import (
	"reflect"
	"slices"
	"testing"
)

func TestBestCVSS(t *testing.T) {
	v2 := CVSS{Version: "2.0", Score: 7.2, Source: "a"}
	v30 := CVSS{Version: "3.0", Score: 7.8, Source: "b"}
	v3x := CVSS{Version: "3.x", Score: 5.5, Source: "c"}
	for _, tt := range []struct {
		in   []CVSS
		want CVSS
		ok   bool
	}{
		{nil, CVSS{}, false},
		{[]CVSS{v2}, v2, true},
		{[]CVSS{v2, v30}, v30, true},
		{[]CVSS{v3x, v30, v2}, v3x, true},
	} {
		got, ok := Record{CVSS: tt.in}.BestCVSS()
		if got != tt.want || ok != tt.ok {
			t.Errorf("BestCVSS(%v) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestMerge(t *testing.T) {
	cna := []Record{
		{ID: "CVE-2024-10000", Description: "", ProgramFiles: []string{"mm/gup.c"}, Feed: "kernel-cna",
			CVSS: []CVSS{{Version: "3.1", Score: 7.8, Source: "kernel-cna"}}},
		{ID: "CVE-2024-9999", Description: "cna text", Feed: "kernel-cna"},
	}
	nvd := []Record{
		{ID: "CVE-2024-10000", Description: "nvd text", Published: "2024-02-01T00:00:00.000", Feed: "nvd",
			ProgramFiles: []string{"mm/gup.c", "mm/memory.c"},
			CVSS:         []CVSS{{Version: "3.1", Score: 5.5, Source: "nvd"}, {Version: "2.0", Score: 4.6, Source: "nvd"}}},
		{ID: "CVE-2024-10000", Description: "dup", Feed: "nvd", CVSS: []CVSS{{Version: "3.1", Score: 1.0, Source: "nvd"}}},
		{ID: "CVE-2023-0005", Description: "old", Feed: "nvd"},
	}
	got := Merge(cna, nvd)
	want := []Record{
		{ID: "CVE-2023-0005", Description: "old", Feed: "nvd"},
		{ID: "CVE-2024-9999", Description: "cna text", Feed: "kernel-cna"},
		{ID: "CVE-2024-10000", Description: "nvd text", Published: "2024-02-01T00:00:00.000", Feed: "kernel-cna,nvd",
			ProgramFiles: []string{"mm/gup.c", "mm/memory.c"},
			CVSS:         []CVSS{{Version: "3.1", Score: 7.8, Source: "kernel-cna"}, {Version: "3.1", Score: 5.5, Source: "nvd"}, {Version: "2.0", Score: 4.6, Source: "nvd"}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Merge:\n got %+v\nwant %+v", got, want)
	}
	if b, _ := got[2].BestCVSS(); b.Source != "kernel-cna" {
		t.Errorf("best of merged = %v, want the first feed's v3.1", b)
	}
}

func TestCompareID(t *testing.T) {
	ids := []string{"CVE-2024-10000", "bogus", "CVE-2023-52744", "CVE-2024-9999", "CVE-2019-25160", "CVE-2024-09999", "CVE-2024-999"}
	slices.SortFunc(ids, CompareID)
	want := []string{"CVE-2019-25160", "CVE-2023-52744", "CVE-2024-09999", "CVE-2024-9999", "CVE-2024-10000", "CVE-2024-999", "bogus"}
	if !slices.Equal(ids, want) {
		t.Errorf("sorted = %v, want %v", ids, want)
	}
	for id, ok := range map[string]bool{"CVE-2024-1000": true, "CVE-24-1000": false, "CVE-2024-12": false, "CVE-2024-1x00": false} {
		if ValidID(id) != ok {
			t.Errorf("ValidID(%q) = %v", id, !ok)
		}
	}
}
