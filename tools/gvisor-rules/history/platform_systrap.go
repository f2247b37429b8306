//go:build sysweight_gvisor_history

package main

import "gvisor.dev/gvisor/pkg/sentry/platform/systrap"

// legacyPlatform is runsc's default platform of this version: its
// SyscallFilters needs no state.
func legacyPlatform() any { return &systrap.Systrap{} }
