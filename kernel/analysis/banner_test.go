package analysis

import "testing"

func TestFindBanner(t *testing.T) {
	// A Linux 6.1 vmlinux holds a printf format, a copy of the banner with
	// an empty build number (init/version-timestamp.c) and linux_banner;
	// `strings vmlinux | grep '^Linux version'` on Debian's 6.1.0-56 shows
	// the last two.
	data := []byte("xx Linux version %s\x00Linux version 6.1.0-56-cloud-amd64 (d@l) # SMP PREEMPT_DYNAMIC Debian\n\x00" +
		"Linux version 6.1.0-56-cloud-amd64 (d@l) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)\n\x00")
	if got, want := findBanner(data), "Linux version 6.1.0-56-cloud-amd64 (d@l) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)"; got != want {
		t.Errorf("findBanner = %q, want %q", got, want)
	}
	if got := findBanner([]byte("Linux version 5.10.0 (x) # SMP\x00")); got != "Linux version 5.10.0 (x) # SMP" {
		t.Errorf("only an empty build number: %q", got)
	}
	if got := findBanner([]byte("Linux version %s")); got != "" {
		t.Errorf("format string taken for the banner: %q", got)
	}
}
