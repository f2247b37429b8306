package kallsyms_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sysweight/kernel/kallsyms/kallsymstest"
)

var update = flag.Bool("update", false, "rewrite the committed fuzz seed corpora in testdata/fuzz")

// writeSeed writes one seed in the "go test fuzz v1" file format; each value
// is a Go literal such as []byte("...") or uint64(4096).
func writeSeed(t *testing.T, target, name string, values ...string) {
	t.Helper()
	dir := filepath.Join("testdata", "fuzz", target)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	body := "go test fuzz v1\n" + strings.Join(values, "\n") + "\n"
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestUpdateFuzzCorpus regenerates testdata/fuzz with -update: small real-
// format inputs for each fuzz target.
func TestUpdateFuzzCorpus(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite testdata/fuzz")
	}
	for _, c := range []struct {
		name string
		n    int
		o    kallsymstest.Options
	}{
		{"layout61-seqs-percpu", 40, kallsymstest.Options{Layout: kallsymstest.Layout61, SeqsOfNames: true, AbsolutePercpu: true}},
		{"layout64", 20, kallsymstest.Options{Layout: kallsymstest.Layout64, SeqsOfNames: true, AbsolutePercpu: true}},
	} {
		syms := syntheticSymbols(c.n)
		tab, err := kallsymstest.Build(syms, 0x1000, c.o)
		if err != nil {
			t.Fatal(err)
		}
		writeSeed(t, "FuzzRecover", c.name, fmt.Sprintf("[]byte(%q)", tab.Data), "uint64(4096)")
	}
	writeSeed(t, "FuzzParseMap", "proc-kallsyms", fmt.Sprintf("[]byte(%q)", procKallsyms), "bool(false)")
	writeSeed(t, "FuzzParseMap", "garbage-lenient", fmt.Sprintf("[]byte(%q)", "ffffffff81000000 T _text\nnot a line\n\n0 A"), "bool(true)")
}
