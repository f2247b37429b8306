package build

import (
	"fmt"
	"strings"
	"time"

	"sysweight/kernel/analysis"
	"sysweight/vuln/db"
)

// KernelFromReport turns a kernel analysis report into the DB's kernel
// metrics and source. The source date is the build date in the kernel's
// banner, so the DB stays deterministic.
func KernelFromReport(rep *analysis.Report) *KernelMetrics {
	k := rep.Kernel
	return &KernelMetrics{
		Kernel: fmt.Sprintf("%s (%s, sha256 %s), symbols from %s, analysis v%d", k.Banner, k.Package, k.SHA256, rep.SymbolSource, rep.AnalysisVersion),
		Source: db.Source{Name: "kernel", Origin: k.Package + " (kernel analyze: complexity, reach)", Version: k.SHA256,
			Date: bannerDate(k.Banner), Records: rep.Summary.Functions},
		Syscalls: rep.DBMetrics(),
	}
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
