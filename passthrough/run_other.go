//go:build !linux

package passthrough

import "context"

// Run needs Linux: tracefs and the runtimes are Linux-only.
func Run(ctx context.Context, opts Options) (*Matrix, error) { return nil, ErrNotSupportedOnOS }
