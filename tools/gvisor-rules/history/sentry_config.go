//go:build sysweight_gvisor_history

package main

// Since 2024 runsc/boot/filter/config.Rules(Options) returns the Sentry's
// rules (what tools/gvisor-rules itself calls), with the platform given as
// its SeccompInfo; its runtime variables (systrap's sysmsg thread
// priority, read from the host) are pinned to stand-ins, widened later.

import (
	"fmt"
	"reflect"
	"sort"

	"gvisor.dev/gvisor/pkg/seccomp/precompiledseccomp"
	"gvisor.dev/gvisor/pkg/sentry/platform"
	_ "gvisor.dev/gvisor/pkg/sentry/platform/systrap"
	sentrycfg "gvisor.dev/gvisor/runsc/boot/filter/config"
	goferfilter "gvisor.dev/gvisor/runsc/fsgofer/filter"
)

var goferInstall = goferfilter.Install

const platformVarSentinel = 0x5e5e1000

type pinnedVars struct {
	platform.SeccompInfo
	vars precompiledseccomp.Values
}

func (p pinnedVars) Variables() precompiledseccomp.Values { return p.vars }

func sentryRules() (extracted, []string, error) {
	c, err := platform.Lookup("systrap")
	if err != nil {
		return extracted{}, nil, err
	}
	infos := c.PrecompiledSeccompInfo()
	if len(infos) != 1 {
		return extracted{}, nil, fmt.Errorf("systrap has %d seccomp configurations, want 1", len(infos))
	}
	real := infos[0].Variables()
	names := make([]string, 0, len(real))
	for n := range real {
		names = append(names, n)
	}
	sort.Strings(names)
	pinned := precompiledseccomp.Values{}
	vars := map[uint64]string{}
	for i, n := range names {
		s := uint32(platformVarSentinel + i)
		pinned[n] = s
		vars[uint64(s)] = n
	}
	opt := sentrycfg.Options{}
	o := reflect.ValueOf(&opt).Elem()
	o.FieldByName("Platform").Set(reflect.ValueOf(pinnedVars{infos[0], pinned}))
	for name, v := range map[string]any{"ControllerFD": controllerFDSentinel, "HostFilesystem": directFS} {
		if f := o.FieldByName(name); f.IsValid() {
			f.Set(reflect.ValueOf(v).Convert(f.Type()))
		}
	}
	allow, deny := sentrycfg.Rules(opt)
	return extracted{name: "sentry", process: "runsc boot (the Sentry)", allow: allow, deny: deny, vars: vars}, runscFlags, nil
}
