//go:build sysweight_gvisor_history

package main

// Before runsc/boot/filter/config (2024), the Sentry's rules are
// unexported in runsc/boot/filter; its Install, called with runsc's
// defaults and the overlaid seccomp.Install, hands them over. Options
// changed over the years, so its fields are set by name where they exist
// (HostFilesystem, directfs, only since 2023).

import (
	sentryfilter "gvisor.dev/gvisor/runsc/boot/filter"
	goferfilter "gvisor.dev/gvisor/runsc/fsgofer/filter"
)

var goferInstall = goferfilter.Install

func sentryRules() (extracted, []string, error) {
	err := callInstall(sentryfilter.Install, map[string]any{
		"Platform": legacyPlatform(), "ControllerFD": controllerFDSentinel, "HostFilesystem": directFS})
	if err != nil {
		return extracted{}, nil, err
	}
	allow, deny, err := captured()
	return extracted{name: "sentry", process: "runsc boot (the Sentry)", allow: allow, deny: deny}, runscFlags, err
}
