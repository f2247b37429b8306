//go:build !linux

package bpf

import "time"

func threadCPU() time.Duration { return 0 }
