package build

import (
	"errors"
	"io"

	"sysweight/vuln"
)

func parseKernelCVEs(r io.Reader) ([]vuln.Record, error) { return nil, errors.New("not yet") }
