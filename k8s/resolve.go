package k8s

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"sysweight/seccomp"
)

// ErrNoMapping is a runtimeClassName that Options.RuntimeClasses does not
// map.
var ErrNoMapping = errors.New("runtime class without a mapping")

// ClassDefault maps a runtime class to the node's own runtime: the
// seccomp rules apply as without a runtime class (a class whose handler is
// runc or crun).
const ClassDefault = "default"

// Options are the node's settings the rules depend on.
type Options struct {
	// SeccompDefault is the kubelet's --seccomp-default: a container
	// without a profile runs RuntimeDefault rather than Unconfined.
	SeccompDefault bool
	// RuntimeDefault is the built-in runtime whose default profile
	// RuntimeDefault means (runc-docker, crun-podman, …).
	RuntimeDefault string
	// Unconfined is the built-in without a filter (runc-unconfined).
	Unconfined string
	// DefaultCaps is the node runtime's default capability set,
	// CAP_-prefixed.
	DefaultCaps []string
	// RuntimeClasses maps a runtimeClassName to a built-in runtime, or to
	// ClassDefault.
	RuntimeClasses map[string]string
}

// Profile kinds of a Decision besides the seccompProfile types.
const (
	ProfilePrivileged = "none (privileged)"
	ProfileSandbox    = "sandbox (runtime class)"
)

// Decision is the effective seccomp configuration of one container.
type Decision struct {
	Workload  *Workload
	Container *Container
	// Profile is RuntimeDefault, Localhost, Unconfined, ProfilePrivileged
	// or ProfileSandbox.
	Profile string
	// Rule says how it was decided, e.g. "container securityContext" or
	// "unset, kubelet --seccomp-default off".
	Rule string
	// Runtime is the built-in whose exposure the container has; "" for a
	// Localhost profile.
	Runtime string
	// Localhost is the localhostProfile path (Localhost only), and SPO
	// the SeccompProfile object among the inputs installed at that path
	// (nil: a file under the kubelet's seccomp directory).
	Localhost string
	SPO       *Profile
	// Caps is the container's capability set (sorted), which a Localhost
	// profile is resolved for; CapsIgnored is set when it differs from the
	// runtime's default set but the built-in scored keeps its own.
	Caps        []string
	CapsIgnored bool
}

// Resolve decides the effective seccomp configuration of every container
// of m's workloads, in their order. An unmapped runtime class is an
// *Error wrapping ErrNoMapping.
func Resolve(m *Manifests, o Options) ([]Decision, error) {
	spo := map[string]*Profile{}
	for i := range m.Profiles {
		p := &m.Profiles[i]
		spo[p.LocalhostPath()] = p
	}
	var out []Decision
	for wi := range m.Workloads {
		w := &m.Workloads[wi]
		class := ""
		if w.RuntimeClass != "" {
			r, ok := o.RuntimeClasses[w.RuntimeClass]
			if !ok {
				return nil, &Error{File: w.File, Doc: w.Doc, Line: w.Line, Err: fmt.Errorf("%w: %s %s: runtimeClassName %q: pass --runtime-class %s=RUNTIME (a built-in such as gvisor-systrap or kata-firecracker, or %s for the node's runtime)",
					ErrNoMapping, w.Kind, w.Name, w.RuntimeClass, w.RuntimeClass, ClassDefault)}
			}
			if r != ClassDefault {
				class = r
			}
		}
		for ci := range w.Containers {
			c := &w.Containers[ci]
			d := Decision{Workload: w, Container: c, Caps: Caps(o.DefaultCaps, c)}
			switch {
			case class != "":
				d.Profile, d.Runtime = ProfileSandbox, class
				d.Rule = fmt.Sprintf("runtimeClassName %s → %s", w.RuntimeClass, class)
			case c.Privileged:
				d.Profile, d.Runtime, d.Rule = ProfilePrivileged, o.Unconfined, "privileged: true"
			default:
				sp, rule := c.Seccomp, "container securityContext"
				if sp == nil {
					sp, rule = w.PodSeccomp, "pod securityContext"
				}
				if sp == nil {
					t := Unconfined
					rule = "unset, kubelet --seccomp-default off"
					if o.SeccompDefault {
						t, rule = RuntimeDefault, "unset, kubelet --seccomp-default on"
					}
					sp = &SeccompProfile{Type: t}
				}
				d.Profile, d.Rule = sp.Type, rule
				switch sp.Type {
				case Unconfined:
					d.Runtime = o.Unconfined
				case RuntimeDefault:
					d.Runtime = o.RuntimeDefault
				case Localhost:
					d.Localhost, d.SPO = sp.LocalhostProfile, spo[sp.LocalhostProfile]
				}
			}
			if d.Profile == RuntimeDefault && !slices.Equal(d.Caps, sorted(o.DefaultCaps)) {
				d.CapsIgnored = true
			}
			out = append(out, d)
		}
	}
	return out, nil
}

// Caps is a container's capability set: the runtime's default set, then
// securityContext.capabilities applied as containerd applies them (add
// ALL, drop ALL, then each added, then each dropped: pkg/cri/opts
// WithCapabilities), every capability for a privileged container. The
// result is sorted.
func Caps(defaults []string, c *Container) []string {
	set := map[string]bool{}
	for _, k := range defaults {
		set[k] = true
	}
	all := c.Privileged || slices.Contains(c.CapAdd, "ALL")
	if all {
		for _, k := range seccomp.Capabilities {
			set[k] = true
		}
	}
	if !c.Privileged {
		if slices.Contains(c.CapDrop, "ALL") {
			clear(set)
		}
		for _, k := range c.CapAdd {
			if k != "ALL" {
				set[k] = true
			}
		}
		for _, k := range c.CapDrop {
			delete(set, k)
		}
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}

// CapsDelta says how caps differ from defaults: "+SYS_ADMIN -NET_RAW",
// "no capabilities", "40 capabilities" when more than 8 differ, "" when
// they are the same.
func CapsDelta(defaults, caps []string) string {
	var parts []string
	for _, k := range caps {
		if !slices.Contains(defaults, k) {
			parts = append(parts, "+"+strings.TrimPrefix(k, "CAP_"))
		}
	}
	for _, k := range sorted(defaults) {
		if !slices.Contains(caps, k) {
			parts = append(parts, "-"+strings.TrimPrefix(k, "CAP_"))
		}
	}
	switch {
	case len(parts) > 0 && len(caps) == 0:
		return "no capabilities"
	case len(parts) > 8:
		return fmt.Sprintf("%d capabilities", len(caps))
	}
	return strings.Join(parts, " ")
}
