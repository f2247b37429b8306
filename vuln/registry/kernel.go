package registry

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"sysweight/kernel/analysis"
	"sysweight/syscalls"
	"sysweight/vuln/db"
)

// KernelFromReport turns a kernel analysis report into the DB's kernel
// metrics (complexity, reach) and source; its note names the kernel and,
// from its banner and sys_call_table, its release and the syscalls it
// lacks. The source date is the build date in the kernel's banner, so the
// DB stays deterministic.
func KernelFromReport(rep *analysis.Report) *Part {
	k := rep.Kernel
	var absent []string
	absent = append(absent, rep.Summary.Missing...)
	for _, s := range rep.Syscalls {
		if s.NotImplemented {
			absent = append(absent, s.Name)
		}
	}
	slices.Sort(absent)
	absent = slices.Compact(absent)
	kernel := fmt.Sprintf("%s (%s, sha256 %s), symbols from %s, analysis v%d", k.Banner, k.Package, k.SHA256, rep.SymbolSource, rep.AnalysisVersion)
	release := majorMinor(k.Banner)
	return &Part{
		Source: db.Source{Name: "kernel", Origin: k.Package + " (kernel analyze: complexity, reach)", Version: k.SHA256,
			Date: bannerDate(k.Banner), Records: rep.Summary.Functions},
		Syscalls: dbMetrics(rep),
		Note: func(m *db.Meta) {
			m.Kernel = kernel
			if release != "" {
				m.KernelRelease, m.KernelAbsent = release, absent
			}
		},
	}
}

// MembersSource records, among the DB's sources, the second kernel
// package whose methods the member rule read (db build --kernel-members):
// its file name, Debian version (from the name), sha256 and functions.
func MembersSource(deb string, x *analysis.ReachIndex) db.Source {
	name := filepath.Base(deb)
	version := ""
	if parts := strings.Split(strings.TrimSuffix(name, ".deb"), "_"); len(parts) == 3 {
		version = parts[1]
	}
	return db.Source{Name: "kernel-members", Origin: name + " (the site method's member rule, for bug sites the kernel image lacks)",
		Version: version, Records: len(x.Funcs), SHA256: x.Kernel}
}

// dbMetrics gives the weight DB its kernel figures per syscall: Complexity
// and Reach with hubs left out, and the most complex functions. A syscall
// the kernel does not implement (an alias of sys_ni_syscall) gets zeros: it
// returns ENOSYS and exposes no code of its own.
func dbMetrics(rep *analysis.Report) map[string]db.Syscall {
	t, _ := syscalls.ForArch(syscalls.Arch(rep.Arch))
	out := make(map[string]db.Syscall, len(rep.Syscalls))
	for _, s := range rep.Syscalls {
		d := db.Syscall{Name: s.Name}
		if t != nil {
			d.Nr, _ = t.Number(s.Name)
		}
		if !s.NotImplemented {
			d.Complexity, d.Reach = float64(s.Complexity), float64(s.Reach)
			for _, f := range s.Top {
				d.TopFuncs = append(d.TopFuncs, db.FuncCC{Name: f.Name, CC: f.CC})
			}
		}
		out[s.Name] = d
	}
	return out
}

// majorMinor is the major.minor of a "Linux version 6.1.0-56-cloud-amd64
// …" banner ("6.1"), "" when it has none.
func majorMinor(banner string) string {
	r, _, _ := strings.Cut(strings.TrimPrefix(banner, "Linux version "), " ")
	var maj, min int
	if n, _ := fmt.Sscanf(r, "%d.%d", &maj, &min); n != 2 || maj <= 0 || min < 0 {
		return ""
	}
	return fmt.Sprintf("%d.%d", maj, min)
}

// bannerDate reads the build date at the end of a Debian linux_banner,
// "... Debian 6.1.192-2 (2026-11-16)".
func bannerDate(b string) string {
	i := strings.LastIndex(b, "(")
	if i < 0 || len(b) < i+12 || b[i+11] != ')' {
		return ""
	}
	d := b[i+1 : i+11]
	if _, err := time.Parse("2006-01-02", d); err != nil {
		return ""
	}
	return d
}
