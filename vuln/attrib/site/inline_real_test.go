package site_test

import (
	"reflect"
	"testing"

	"sysweight/internal/kerneltest"
	"sysweight/kernel/analysis"
	"sysweight/vuln/attrib"
	"sysweight/vuln/attrib/site"
)

// TestRealInlined: functions of Debian's 6.1 cloud kernel that have no
// symbol (nm of the -dbg vmlinux lists none of xdp_umem_reg,
// do_get_mempolicy, handle_to_path, mm_cpumask) are placed through the
// functions holding their inlined copies, and by the file declaring them.
// Checked by hand against the 6.1 source: xdp_umem_create calls the
// static xdp_umem_reg (net/xdp/xdp_umem.c) and xsk_setsockopt's
// XDP_UMEM_REG calls xdp_umem_create; kernel_get_mempolicy calls the
// static do_get_mempolicy (mm/mempolicy.c), as SYSCALL get_mempolicy does;
// mm_cpumask is a helper of include/linux/mm_types.h.
//
// A record naming xdp_umem_reg and its file links setsockopt; one naming
// mm_cpumask with arch/x86/mm/tlb.c (CVE-2025-37964's file) links
// nothing by the site method, although flush_tlb_mm_range, which holds a
// copy, is in that file: the helper is not declared there.
func TestRealInlined(t *testing.T) {
	x, _, err := analysis.CachedReachIndex(kerneltest.Deb(t), kerneltest.FileMap(t), kerneltest.Dir(t), attrib.Incidental)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string][2][]string{
		"xdp_umem_reg":     {{"xdp_umem_create"}, {"net/xdp/xdp_umem.c"}},
		"do_get_mempolicy": {{"kernel_get_mempolicy"}, {"mm/mempolicy.c"}},
	} {
		into, files := x.InlinedInto(name)
		if !reflect.DeepEqual(into, want[0]) || !reflect.DeepEqual(files, want[1]) {
			t.Errorf("%s: inlined into %v, declared in %v; want %v", name, into, files, want)
		}
	}
	if _, files := x.InlinedInto("mm_cpumask"); !reflect.DeepEqual(files, []string{"include/linux/mm_types.h"}) {
		t.Errorf("mm_cpumask declared in %v", files)
	}
	a, err := site.NewAttributor(x, site.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		in   attrib.Input
		want []string
	}{
		{attrib.Input{Description: "xsk: Add missing overflow check in xdp_umem_reg\n\nThe number of chunks can overflow u32.", ProgramFiles: []string{"net/xdp/xdp_umem.c"}},
			[]string{"setsockopt: named xdp_umem_reg (inlined into xdp_umem_create): setsockopt → __sys_setsockopt → xsk_setsockopt → xdp_umem_create"}},
		{attrib.Input{Description: "x86/mm: fix a window\n\nupdating mm_cpumask() was observed to be too expensive.", ProgramFiles: []string{"arch/x86/mm/tlb.c"}},
			nil},
	} {
		var got []string
		for _, l := range a.Links(c.in) {
			if l.Method == attrib.MethodSite {
				got = append(got, l.Syscall+": "+l.Evidence)
			}
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: %q, want %q", c.in.Description, got, c.want)
		}
	}
}
