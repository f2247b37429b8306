package registry

import (
	"bytes"
	"testing"

	"sysweight/kernel/analysis"
	"sysweight/kernel/analysis/analysistest"
	"sysweight/kernel/image"
)

// TestKernelFromReport reads the synthetic kernel's report back from JSON,
// as db build reads the committed one, and checks the DB's figures for
// keyctl, worked out by hand from analysistest.Funcs: its entry reaches
// itself, keyctl_read_key and key_validate (reach 3, the hub left out);
// CC 1 + 1 + 2 = 4.
func TestKernelFromReport(t *testing.T) {
	elf := analysistest.ELF()
	im, err := image.Load(bytes.NewReader(elf), int64(len(elf)))
	if err != nil {
		t.Fatal(err)
	}
	r, err := analysis.Analyze(im, analysis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := r.Encode(&b); err != nil {
		t.Fatal(err)
	}
	back, err := analysis.LoadReport(&b)
	if err != nil {
		t.Fatal(err)
	}
	m := KernelFromReport(back).Syscalls
	if k := m["keyctl"]; k.Nr != 250 || k.Reach != 3 || k.Complexity != 4 || len(k.TopFuncs) != 3 || k.TopFuncs[0].Name != "__x64_sys_keyctl" {
		t.Errorf("keyctl = %+v", k) // 250: keyctl's x86_64 number (syscall_64.tbl)
	}
	if len(m) != 7 {
		t.Errorf("%d syscalls, want 7", len(m))
	}
}

func TestBannerDate(t *testing.T) {
	b := "Linux version 6.1.0-56-cloud-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)"
	if d := bannerDate(b); d != "2026-11-16" {
		t.Errorf("bannerDate = %q", d)
	}
	if d := bannerDate("Linux version 6.18.0 (x)"); d != "" {
		t.Errorf("bannerDate without a date = %q", d)
	}
}
