//go:build sysweight_gvisor_history

package main

import "gvisor.dev/gvisor/pkg/sentry/platform/ptrace"

// legacyPlatform is runsc's default platform of this version: its
// SyscallFilters needs no state.
func legacyPlatform() any { return &ptrace.PTrace{} }
