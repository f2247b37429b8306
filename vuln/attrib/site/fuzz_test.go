package site_test

import (
	"strings"
	"testing"

	"sysweight/kernel/analysis"
	"sysweight/vuln/attrib/site"
)

// The property of every fuzz target: an error or a result, never a panic.

// FuzzLinks feeds descriptions (untrusted text from the CVE feeds) to the
// function and file methods over the synthetic kernel.
func FuzzLinks(f *testing.F) {
	r := synthetic(f, analysis.Options{})
	a, err := site.NewFunctionAttributor(r.Graph(), site.FunctionOptions{Always: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Add("A use-after-free in key_validate() via keyctl_read_key+0x1c/0x40", "security/keys/permission.c")
	f.Add(" ? key_validate+0x1/0x2 ops->lookup_user_key() fs/ksys_read.c", "")
	f.Add("key_validate.isra.0 __x64_sys_read SYSCALL_DEFINE3(read", "./x/../y.c")
	f.Fuzz(func(t *testing.T, desc, file string) {
		for _, l := range a.Links(desc, strings.Split(file, ",")) {
			if l.Syscall == "" || l.Evidence == "" {
				t.Fatalf("empty link %+v", l)
			}
		}
	})
}
