package x86

import (
	"slices"
	"testing"
)

// TestTopCCHugeN checks that a count far above the number of functions
// (kernel analyze --top 2147483647) lists every function once, most
// complex first and the specific ones before the others, without
// allocating for the count: the order below is worked out by hand.
func TestTopCCHugeN(t *testing.T) {
	p := &Program{Functions: []FuncInfo{
		{Name: "a", Addr: 0x10, CC: 3},
		{Name: "b", Addr: 0x20, CC: 9},
		{Name: "c", Addr: 0x30, CC: 3},
		{Name: "d", Addr: 0x40, CC: 7},
	}}
	specific := func(f int) bool { return f != 1 } // b is shared
	allocs := testing.AllocsPerRun(10, func() { topCC(p, []int{0, 1, 2, 3}, 1<<31-1, specific) })
	got := topCC(p, []int{0, 1, 2, 3}, 1<<31-1, specific)
	var names []string
	for _, f := range got {
		names = append(names, f.Name)
	}
	if want := []string{"d", "a", "c", "b"}; !slices.Equal(names, want) {
		t.Errorf("topCC = %v, want %v", names, want)
	}
	if allocs > 4 {
		t.Errorf("topCC allocates %v times for 4 functions", allocs)
	}
	if got := topCC(p, []int{0, 1, 2, 3}, 2, specific); len(got) != 2 || got[0].Name != "d" || got[1].Name != "a" {
		t.Errorf("topCC n=2 = %v, want d, a", got)
	}
}
