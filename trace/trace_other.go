//go:build !linux

package trace

import "context"

func run(context.Context, Options) (*Result, error) { return nil, ErrNotSupportedOnOS }
