package runtimes

import (
	"reflect"
	"testing"
)

// The precomputed exposures are what Exposures(Builtins()) evaluates now:
// a change to a rule set, the corpus or the evaluation without go generate
// fails here.
func TestBuiltinExposuresUpToDate(t *testing.T) {
	fresh, err := Exposures(Builtins())
	if err != nil {
		t.Fatal(err)
	}
	names, err := BuiltinNames()
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != len(fresh) {
		t.Fatalf("%d precomputed, %d built-ins: run go generate ./runtimes", len(names), len(fresh))
	}
	pre, ok, err := BuiltinExposures(names)
	if err != nil || !ok {
		t.Fatalf("%v %v", ok, err)
	}
	for i, e := range fresh {
		p := pre[i]
		same := p.Name == e.Name && reflect.DeepEqual(p.Provenance, e.Provenance) && len(p.Entries) == len(e.Entries)
		for k := 0; same && k < len(e.Entries); k++ {
			a, b := p.Entries[k], e.Entries[k]
			same = a.Syscall == b.Syscall && a.Nr == b.Nr && a.Degree == b.Degree
		}
		if !same {
			t.Errorf("%s: precomputed exposure differs from a fresh evaluation: run go generate ./runtimes", e.Name)
		}
	}
	if _, ok, _ := BuiltinExposures([]string{"runc-docker", "no-such-runtime"}); ok {
		t.Error("an unknown name was found")
	}
}
