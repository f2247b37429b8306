package analysis

import (
	"bytes"
	_ "embed"
	"sync"
)

// DefaultName names the kernel of the embedded report.
const DefaultName = "debian-6.1.0-56-cloud-amd64"

// defaultReport is the per-syscall analysis of Debian's 6.1.0-56 cloud
// kernel written by scripts/kernel-metrics.sh; it feeds the default weight
// DB's complexity and reach metrics.
//
//go:embed data/debian-6.1.0-56-cloud-amd64.json
var defaultReport []byte

var loadDefault = sync.OnceValues(func() (*Report, error) {
	return LoadReport(bytes.NewReader(defaultReport))
})

// Default returns the embedded report (no call graph).
func Default() (*Report, error) { return loadDefault() }
