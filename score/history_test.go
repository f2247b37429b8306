package score

import (
	"testing"

	"sysweight/exposure"
	"sysweight/syscalls"
)

func TestSteps(t *testing.T) {
	w := testWeights(t, DefaultOptions()) // w(read) = 2/3, w(keyctl) = 1, every other syscall 0
	mk := func(name string, entries ...exposure.Entry) *exposure.Exposure {
		e, err := exposure.New(name, syscalls.X86_64, exposure.Provenance{Source: exposure.Declared}, entries)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	v1 := mk("v1", exposure.Entry{Syscall: "read", Degree: 1}, exposure.Entry{Syscall: "write", Degree: 1})
	v2 := mk("v2", exposure.Entry{Syscall: "read", Degree: 1}, exposure.Entry{Syscall: "keyctl", Degree: 0.5})
	v3 := mk("v3", exposure.Entry{Syscall: "keyctl", Degree: 1})
	steps, err := Steps([]*exposure.Exposure{v1, v2, v3}, w)
	if err != nil {
		t.Fatal(err)
	}
	// v1: 2/3; v2: 2/3 + 0.5 = 7/6 (+1/2: keyctl added at 0.5, +1/2;
	// write removed, a row of weight 0); v3: 1 (−1/6: read removed −2/3,
	// keyctl 0.5 → 1 +1/2).
	want := []struct {
		score, delta           float64
		added, removed, change []string
	}{
		{2.0 / 3, 0, nil, nil, nil},
		{7.0 / 6, 0.5, []string{"keyctl"}, []string{"write"}, nil},
		{1, -1.0 / 6, nil, []string{"read"}, []string{"keyctl"}},
	}
	names := func(rows []DiffRow) (out []string) {
		for _, r := range rows {
			out = append(out, r.Syscall)
		}
		return out
	}
	for i, s := range steps {
		wt := want[i]
		if !near(s.Score.Score, wt.score) || !near(s.Delta, wt.delta) {
			t.Errorf("step %d: score %v delta %v, want %v %v", i, s.Score.Score, s.Delta, wt.score, wt.delta)
		}
		for _, c := range []struct {
			what      string
			got, want []string
		}{{"added", names(s.Added), wt.added}, {"removed", names(s.Removed), wt.removed}, {"changed", names(s.Changed), wt.change}} {
			if len(c.got) != len(c.want) || len(c.got) > 0 && c.got[0] != c.want[0] {
				t.Errorf("step %d %s: %v, want %v", i, c.what, c.got, c.want)
			}
		}
		sum := 0.0
		for _, r := range append(append(append([]DiffRow{}, s.Added...), s.Removed...), s.Changed...) {
			sum += r.Delta
		}
		if !near(sum, s.Delta) {
			t.Errorf("step %d: rows add up to %v, delta %v", i, sum, s.Delta)
		}
	}
}
