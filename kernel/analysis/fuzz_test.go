package analysis_test

import (
	"bytes"
	"testing"

	"sysweight/kernel/analysis"
)

// The property of every fuzz target: an error or a result, never a panic.

func FuzzReadFileMap(f *testing.F) {
	fm := &analysis.FileMap{Source: "seed", Entries: []analysis.FileEntry{
		{Addr: 0xffffffff81000000, Name: "a", File: "fs/a.c"},
		{Addr: 0xffffffff81000010, Name: "b", File: "net/b.c"},
	}, Inlined: []analysis.Inline{{Name: "h", File: "include/h.h", Into: "a"}}}
	var gz bytes.Buffer
	if _, err := fm.WriteTo(&gz); err != nil {
		f.Fatal(err)
	}
	f.Add(gz.Bytes())
	f.Add([]byte("# sysweight file map v1\nsource x\nfiles 1\nfs/a.c\nffffffff81000000 0 a\n"))
	f.Add([]byte("# sysweight file map v1\nsource x\nfiles 99999999\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := analysis.ReadFileMap(bytes.NewReader(b))
		if err == nil && m == nil {
			t.Fatal("nil map without an error")
		}
	})
}

func FuzzLoadReport(f *testing.F) {
	f.Add([]byte(`{"analysis_version": 1, "arch": "x86_64", "syscalls": [{"name": "read", "reach": 2, "complexity": 3, "reach_all": 4, "complexity_all": 5, "top": [{"name": "ksys_read", "cc": 2}]}]}`))
	f.Add([]byte(`{"analysis_version": 1, "arch": "aarch64", "syscalls": [{"name": "read"}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := analysis.LoadReport(bytes.NewReader(b))
		if err != nil {
			return
		}
		// What vuln/registry.KernelFromReport relies on.
		seen := map[string]bool{}
		for _, s := range r.Syscalls {
			if s.Reach < 0 || s.Complexity < 0 || seen[s.Name] {
				t.Fatalf("syscall %+v accepted", s)
			}
			seen[s.Name] = true
		}
	})
}
