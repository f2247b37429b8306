package analysis_test

import (
	"bytes"
	"fmt"

	"sysweight/kernel/analysis"
	"sysweight/kernel/analysis/analysistest"
	"sysweight/kernel/image"
)

func ExampleAnalyze() {
	elf := analysistest.ELF() // a tiny synthetic vmlinux
	im, err := image.Load(bytes.NewReader(elf), int64(len(elf)))
	if err != nil {
		panic(err)
	}
	r, err := analysis.Analyze(im, analysis.Options{})
	if err != nil {
		panic(err)
	}
	s, _ := r.Syscall("keyctl")
	fmt.Println(r.SymbolSource, r.Summary.Functions, "functions,", r.Summary.Hubs, "hub")
	fmt.Println(s.Name, "reach", s.Reach, "complexity", s.Complexity, "top", s.Top[0].Name)
	// Output:
	// symtab 13 functions, 1 hub
	// keyctl reach 3 complexity 4 top __x64_sys_keyctl
}
