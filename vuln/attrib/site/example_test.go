package site_test

import (
	"bytes"
	"fmt"

	"sysweight/kernel/analysis"
	"sysweight/kernel/analysis/analysistest"
	"sysweight/kernel/image"
	"sysweight/vuln/attrib"
	"sysweight/vuln/attrib/site"
)

func ExampleFunctionAttributor_Links() {
	elf := analysistest.ELF()
	im, _ := image.Load(bytes.NewReader(elf), int64(len(elf)))
	r, _ := analysis.Analyze(im, analysis.Options{})
	a, err := site.NewFunctionAttributor(r.Graph(), site.FunctionOptions{})
	if err != nil {
		panic(err)
	}
	for _, l := range a.Links("A use-after-free in key_validate().", nil) {
		fmt.Printf("%s (%s): %s\n", l.Syscall, l.Method, l.Evidence)
	}
	// Output:
	// add_key (function): add_key → lookup_user_key → key_validate
	// keyctl (function): keyctl → keyctl_read_key → key_validate
}

func ExampleAttributor_Links() {
	elf := analysistest.ELF()
	im, _ := image.Load(bytes.NewReader(elf), int64(len(elf)))
	r, _ := analysis.Analyze(im, analysis.Options{Functions: true})
	x, _ := analysis.NewReachIndex(r, attrib.Incidental)
	a, err := site.NewAttributor(x, site.Options{})
	if err != nil {
		panic(err)
	}
	for _, l := range a.Links(attrib.Input{Description: "BUG: KASAN: use-after-free in key_validate+0x1/0x2\n"}) {
		fmt.Printf("%s (%s): %s\n", l.Syscall, l.Method, l.Evidence)
	}
	// Output:
	// add_key (site): crash key_validate: add_key → lookup_user_key → key_validate
	// keyctl (site): crash key_validate: keyctl → keyctl_read_key → key_validate
}
