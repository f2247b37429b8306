package ftrace

import (
	"bytes"
	_ "embed"
	"sync"
)

//go:embed data/debian-6.1.0-56-cloud-amd64.footprints.json.gz
var defaultFootprints []byte

var (
	defaultOnce sync.Once
	defaultFP   *Footprints
	defaultErr  error
)

// DefaultFootprints returns the committed footprints of Debian's
// 6.1.0-56-cloud-amd64 kernel (linux-image-6.1.0-56-cloud-amd64-unsigned
// 6.1.192-2), made by make kernel-footprints. The value is shared: do not
// modify it.
func DefaultFootprints() (*Footprints, error) {
	defaultOnce.Do(func() {
		defaultFP, defaultErr = LoadFootprints(bytes.NewReader(defaultFootprints))
	})
	return defaultFP, defaultErr
}
