package analysis

import (
	"slices"
	"testing"

	"sysweight/kernel/icall"
)

// sortCalls must give what slices.SortFunc then CompactFunc by caller and
// callee give, on a sorted run with edges appended, with and without a
// repeated pair.
func TestSortCalls(t *testing.T) {
	e := func(from, to int32, how string) icall.Edge { return icall.Edge{From: from, To: to, How: how} }
	plain := func(in []icall.Edge) []icall.Edge {
		in = slices.Clone(in)
		slices.SortFunc(in, cmpCall)
		return slices.CompactFunc(in, func(a, b icall.Edge) bool { return cmpCall(a, b) == 0 })
	}
	for _, tc := range []struct {
		name string
		in   []icall.Edge
		want []icall.Edge
	}{
		{"sorted", []icall.Edge{e(1, 2, "m"), e(1, 3, "m"), e(4, 0, "m")}, []icall.Edge{e(1, 2, "m"), e(1, 3, "m"), e(4, 0, "m")}},
		// fault edges appended: merged into place
		{"appended", []icall.Edge{e(1, 2, "m"), e(3, 1, "m"), e(5, 5, "m"), e(4, 9, "f"), e(0, 9, "f")},
			[]icall.Edge{e(0, 9, "f"), e(1, 2, "m"), e(3, 1, "m"), e(4, 9, "f"), e(5, 5, "m")}},
		// a pair in both parts: one edge of it, as the plain sort keeps
		{"repeat", []icall.Edge{e(1, 2, "m"), e(4, 9, "m"), e(4, 9, "f"), e(0, 1, "f")}, nil},
		// a pair twice in the appended part
		{"repeat tail", []icall.Edge{e(1, 2, "m"), e(4, 9, "m"), e(3, 9, "f"), e(3, 9, "g")}, nil},
		{"empty", nil, nil},
	} {
		want := tc.want
		if want == nil {
			want = plain(tc.in)
		}
		if got := sortCalls(slices.Clone(tc.in)); !slices.Equal(got, want) {
			t.Errorf("%s: sortCalls = %v, want %v", tc.name, got, want)
		}
		if got := plain(tc.in); !slices.Equal(got, want) {
			t.Errorf("%s: the plain sort gives %v, want %v", tc.name, got, want)
		}
	}
}
