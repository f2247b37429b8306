package site_test

import (
	"reflect"
	"strings"
	"testing"

	"sysweight/internal/kerneltest"
	"sysweight/kernel/analysis"
	"sysweight/vuln/attrib"
	"sysweight/vuln/attrib/site"
)

// TestRealApart checks the apart method (the site method's apart rule) on Debian's 6.1 cloud
// kernel package, for bug sites that the static graph lets every syscall
// reach (hubs) but that the kernel reaches from a few entries only. The
// expected entries are the kernel's own paths, read in its source:
//   - ext4_orphan_cleanup runs at mount: mount → path_mount → vfs_get_tree →
//     ext4_get_tree → get_tree_bdev → ext4_fill_super → ext4_orphan_cleanup
//     (CVE-2024-40998 shows the same chain); fsconfig(FSCONFIG_CMD_CREATE)
//     reaches vfs_get_tree too;
//   - collapse_file is MADV_COLLAPSE's: madvise → madvise_collapse →
//     hpage_collapse_scan_file → collapse_file, and process_madvise's
//     do_madvise;
//   - perf_uprobe_event_init is the uprobe PMU's event_init, which
//     perf_event_open's perf_try_init_event calls.
//
// proc_pid_stack, a seq_file show behind read, pread64, readv and more at
// one or two calls from each other, has no gap: the apart rule leaves it,
// and the member rule links it to read, as proc_single_show's
// proc_op.proc_show (fs/proc/base.c), with or without the apart rule.
func TestRealApart(t *testing.T) {
	deb := kerneltest.Deb(t)
	fm := kerneltest.FileMap(t)
	x, _, err := analysis.CachedReachIndex(deb, fm, kerneltest.Dir(t), attrib.Incidental)
	if err != nil {
		t.Fatal(err)
	}
	a, err := site.NewAttributor(x, site.Options{Methods: site.DefaultMethods | site.MethodApart})
	if err != nil {
		t.Fatal(err)
	}
	noApart, _ := site.NewAttributor(x, site.Options{})
	for fn, want := range map[string][]string{
		"ext4_orphan_cleanup":    {"fsconfig", "mount"},
		"collapse_file":          {"madvise", "process_madvise"},
		"perf_uprobe_event_init": {"perf_event_open"},
	} {
		in := attrib.Input{Description: "BUG: KASAN: use-after-free in " + fn + "+0x10/0x20\n"}
		var got []string
		for _, l := range a.Links(in) {
			got = append(got, l.Syscall)
			if l.Method != attrib.MethodApart || len(l.Path) < 2 || l.Path[len(l.Path)-1] != fn {
				t.Errorf("%s: link %+v, want a site link with the path to it", fn, l)
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: linked %v, want %v", fn, got, want)
		}
		// The site is shared code: the default methods link it nowhere.
		if l := noApart.Links(in); len(l) != 0 {
			t.Errorf("%s with the default methods: %v, want none", fn, l)
		}
	}
	in := attrib.Input{Description: "BUG: KASAN: use-after-free in proc_pid_stack+0x10/0x20\n"}
	for name, at := range map[string]*site.Attributor{"apart": a, "default": noApart} {
		l := at.Links(in)
		if len(l) != 1 || l[0].Syscall != "read" || l[0].Method != attrib.MethodSite || !strings.Contains(l[0].Evidence, "proc_op.proc_show") {
			t.Errorf("proc_pid_stack with the %s methods: %+v, want read by the member rule", name, l)
		}
	}
}
