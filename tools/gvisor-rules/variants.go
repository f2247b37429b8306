package main

import (
	"fmt"
	"sort"

	"gvisor.dev/gvisor/pkg/seccomp/precompiledseccomp"
	"gvisor.dev/gvisor/pkg/sentry/platform"
	// Each platform registers its constructor in init; config_precompiled.go
	// in runsc/boot/filter/config finds them the same way.
	_ "gvisor.dev/gvisor/pkg/sentry/platform/kvm"
	_ "gvisor.dev/gvisor/pkg/sentry/platform/ptrace"
	_ "gvisor.dev/gvisor/pkg/sentry/platform/systrap"

	sentrycfg "gvisor.dev/gvisor/runsc/boot/filter/config"
	gofercfg "gvisor.dev/gvisor/runsc/fsgofer/filter/config"
)

// Variant is one runsc configuration whose host filters are emitted.
//
// Defaults of runsc at the pinned version (runsc/config/flags.go):
// --platform=systrap, --network=sandbox, --directfs=true, --net-raw=false,
// --host-uds=none, --profile=false. Variants change one of them at a time.
type Variant struct {
	Name        string
	Description string
	Flags       []string
	Platform    string
	HostNetwork bool
	DirectFS    bool
}

// Variants lists what the generator emits, in output order.
var Variants = []Variant{
	{"gvisor-systrap", "runsc defaults: systrap platform, netstack (sandbox) network, directfs on", []string{"--platform=systrap", "--network=sandbox", "--directfs=true"}, "systrap", false, true},
	{"gvisor-kvm", "KVM platform, otherwise runsc defaults", []string{"--platform=kvm", "--network=sandbox", "--directfs=true"}, "kvm", false, true},
	{"gvisor-ptrace", "ptrace platform, otherwise runsc defaults", []string{"--platform=ptrace", "--network=sandbox", "--directfs=true"}, "ptrace", false, true},
	{"gvisor-systrap-hostnet", "host network (raw sockets off), otherwise runsc defaults", []string{"--platform=systrap", "--network=host", "--net-raw=false", "--directfs=true"}, "systrap", true, true},
	{"gvisor-systrap-nodirectfs", "directfs off: the Sentry reaches files only through the gofer (LisaFS), otherwise runsc defaults", []string{"--platform=systrap", "--network=sandbox", "--directfs=false"}, "systrap", false, false},
}

// Stand-ins for runtime variables that gVisor takes from Options or from the
// platform. They lie above pid_max (2^22) and above any constant in gVisor's
// rules, so a comparison against one is known to be a runtime value. The PID
// cannot be replaced this way (gVisor calls os.Getpid itself); pid.go finds
// it by comparing two processes.
const (
	controllerFDSentinel  = 0x5e5e0001
	platformVar32Sentinel = 0x5e5e1000
	platformVar64Sentinel = 0x5e5e5e5e5e5e2000
)

// pinnedVars is a platform's SeccompInfo with its runtime variables
// (e.g. systrap's sysmsg thread priority, read from the host) replaced by
// stand-ins, so that the rules do not depend on this machine.
type pinnedVars struct {
	platform.SeccompInfo
	vars precompiledseccomp.Values
}

func (p pinnedVars) Variables() precompiledseccomp.Values { return p.vars.Copy() }

// platformInfo returns the platform's seccomp info the way runsc's
// precompilation does (platform.Lookup + PrecompiledSeccompInfo), and the
// stand-in values of its variables.
func platformInfo(name string) (platform.SeccompInfo, runtimeVars, error) {
	c, err := platform.Lookup(name)
	if err != nil {
		return nil, nil, err
	}
	infos := c.PrecompiledSeccompInfo()
	if len(infos) != 1 {
		return nil, nil, fmt.Errorf("platform %s has %d seccomp configurations, want 1", name, len(infos))
	}
	real := infos[0].Variables()
	names := make([]string, 0, len(real))
	for n := range real {
		names = append(names, n)
	}
	sort.Strings(names)
	pinned := precompiledseccomp.Values{}
	vars := runtimeVars{}
	for i, n := range names {
		if _, done := pinned[n]; done {
			continue
		}
		if v64 := real.Uint64VarName(n); v64 != "" {
			s := uint64(platformVar64Sentinel + i)
			pinned.SetUint64(v64, s)
			vars[s] = v64
			continue
		}
		s := uint64(platformVar32Sentinel + i)
		pinned[n] = uint32(s)
		vars[s] = n
	}
	return pinnedVars{infos[0], pinned}, vars, nil
}

func (v Variant) sentryOptions() (sentrycfg.Options, runtimeVars, error) {
	info, vars, err := platformInfo(v.Platform)
	if err != nil {
		return sentrycfg.Options{}, nil, err
	}
	vars[controllerFDSentinel] = "controller_fd"
	return sentrycfg.Options{
		Platform:       info,
		HostNetwork:    v.HostNetwork,
		HostFilesystem: v.DirectFS,
		ControllerFD:   controllerFDSentinel,
		// runsc/config/cgo_disabled.go: release builds of runsc are pure Go.
		CgoEnabled: false,
	}, vars, nil
}

func (v Variant) goferOptions() (gofercfg.Options, runtimeVars) {
	return gofercfg.Options{
		DirectFS: v.DirectFS,
		// LisafsNeeded is set only when a mount suppresses directfs
		// (runsc/cmd/gofer.go lisafsNeededForDirectFSSuppression).
		LisafsNeeded: false,
		CgoEnabled:   false,
	}, runtimeVars{}
}

func sentryOptionsJSON(o sentrycfg.Options) map[string]any {
	return map[string]any{
		"Platform":              o.Platform.ConfigKey(),
		"HostNetwork":           o.HostNetwork,
		"HostNetworkRawSockets": o.HostNetworkRawSockets,
		"HostFilesystem":        o.HostFilesystem,
		"ProfileEnable":         o.ProfileEnable,
		"NVProxy":               o.NVProxy,
		"TPUProxy":              o.TPUProxy,
		"RDMAProxy":             o.RDMAProxy,
		"CgoEnabled":            o.CgoEnabled,
		"PluginNetwork":         o.PluginNetwork,
		"ControllerFD":          "runtime value",
	}
}

func goferOptionsJSON(o gofercfg.Options) map[string]any {
	return map[string]any{
		"UDSOpenEnabled":   o.UDSOpenEnabled,
		"UDSCreateEnabled": o.UDSCreateEnabled,
		"ProfileEnabled":   o.ProfileEnabled,
		"DirectFS":         o.DirectFS,
		"LisafsNeeded":     o.LisafsNeeded,
		"CgoEnabled":       o.CgoEnabled,
		"ExtraRules":       len(o.ExtraRules),
	}
}
