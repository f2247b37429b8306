package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"time"

	"gvisor.dev/gvisor/pkg/seccomp"
	syslinux "gvisor.dev/gvisor/pkg/sentry/syscalls/linux"
	sentrycfg "gvisor.dev/gvisor/runsc/boot/filter/config"
	gofercfg "gvisor.dev/gvisor/runsc/fsgofer/filter/config"
)

const (
	gvisorModule = "gvisor.dev/gvisor"
	generatedBy  = "tools/gvisor-rules"
	// kvmReturnToHost is how the output names syscall number -1, which the
	// KVM platform's redpill executes (pkg/sentry/platform/kvm/bluepill.go
	// _SYS_KVM_RETURN_TO_HOST = ^uintptr(0)). No kernel syscall has it.
	kvmReturnToHost = "_SYS_KVM_RETURN_TO_HOST"
)

// The action gVisor's Program uses for seccomp.Default: SECCOMP_RET_KILL_PROCESS
// where the kernel has it (4.14+), else SECCOMP_RET_TRAP (pkg/seccomp
// saneDefaultAction). runsc's filter.Install leaves DefaultAction,
// BadArchAction and the deny RuleSet's Action at Default.
const defaultAction = "kill_process"

var pseudoVersion = regexp.MustCompile(`^v0\.0\.0-(\d{14})-([0-9a-f]{12})$`)

// gvisorSource reads the gVisor version this binary was built with.
func gvisorSource() (Source, error) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return Source{}, errors.New("no build info in this binary")
	}
	for _, d := range bi.Deps {
		if d.Path != gvisorModule {
			continue
		}
		if d.Replace != nil {
			return Source{}, fmt.Errorf("%s is replaced by %s; the output must name a published version", gvisorModule, d.Replace.Path)
		}
		m := pseudoVersion.FindStringSubmatch(d.Version)
		if m == nil {
			return Source{}, fmt.Errorf("%s version %q is not a pseudo-version", gvisorModule, d.Version)
		}
		t, err := time.Parse("20060102150405", m[1])
		if err != nil {
			return Source{}, fmt.Errorf("pseudo-version time %q: %w", m[1], err)
		}
		return Source{Module: gvisorModule, Version: d.Version, Commit: m[2], Date: t.UTC().Format(time.RFC3339)}, nil
	}
	return Source{}, fmt.Errorf("%s not among this binary's dependencies", gvisorModule)
}

// syscallName names x86-64 syscall nr by gVisor's own syscall table.
func syscallName(nr int64) (string, error) {
	if nr == -1 {
		return kvmReturnToHost, nil
	}
	s, ok := syslinux.AMD64.Table[uintptr(nr)]
	if !ok || s.Name == "" {
		return "", fmt.Errorf("syscall %d not in gVisor's AMD64 table", nr)
	}
	return s.Name, nil
}

// ruleInput is one process's rule pair as gVisor computes it.
type ruleInput struct {
	name, process string
	allow, deny   seccomp.SyscallRules
	vars          runtimeVars
}

type ruleHalf struct {
	action string
	rules  seccomp.SyscallRules
}

// halves lists deny before allow, gVisor's RuleSet order.
func (in ruleInput) halves() []ruleHalf {
	return []ruleHalf{{defaultAction, in.deny}, {"allow", in.allow}}
}

// inputs computes gVisor's rules for v: the Sentry's, then the Gofer's.
func (v Variant) inputs() ([]ruleInput, error) {
	sopt, svars, err := v.sentryOptions()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", v.Name, err)
	}
	sallow, sdeny := sentrycfg.Rules(sopt)
	gopt, gvars := v.goferOptions()
	gallow, gdeny := gofercfg.Rules(gopt)
	return []ruleInput{
		{"sentry", "runsc boot (the Sentry)", sallow, sdeny, svars},
		{"gofer", "runsc gofer", gallow, gdeny, gvars},
	}, nil
}

// filterRules translates one process's rule pair.
func filterRules(in ruleInput, pids map[string]map[int]bool) (Filter, []Approx, error) {
	f := Filter{Name: in.name, Process: in.process, Default: defaultAction, BadArch: defaultAction}
	var approx []Approx
	for _, h := range in.halves() {
		t := &translator{filter: in.name, action: h.action, vars: in.vars, name: syscallName, pidSites: pids[in.name+"/"+h.action]}
		rules, err := t.rules(h.rules)
		if err != nil {
			return Filter{}, nil, err
		}
		if h.action == "allow" {
			f.Rules = rules
		} else {
			f.Deny = rules
		}
		approx = append(approx, t.approx...)
	}
	f.NumAllow = len(f.Rules)
	if err := checkNoStandIns(f, in.vars); err != nil {
		return Filter{}, nil, err
	}
	return f, approx, nil
}

// checkNoStandIns fails when a stand-in value survived translation, e.g.
// because gVisor compared only half of a 64-bit variable.
func checkNoStandIns(f Filter, vars runtimeVars) error {
	for _, r := range slices.Concat(f.Deny, f.Rules) {
		for _, alt := range r.Alternatives {
			for _, c := range alt {
				for _, s := range []string{c.Value, c.ValueTwo} {
					if s == "" {
						continue
					}
					v := mustHex(s)
					for sv, name := range vars {
						if v == sv || v == sv&0xffffffff || v == sv>>32 && sv>>32 != 0 {
							return fmt.Errorf("%s: syscall %s: value %s is the stand-in for runtime variable %s", f.Name, r.Syscall, s, name)
						}
					}
				}
			}
		}
	}
	return nil
}

// Generate computes one variant's file. It runs this binary once more to
// find PID comparisons (pid.go).
func Generate(v Variant) (*File, error) {
	if runtime.GOARCH != "amd64" {
		// gVisor selects its rules by build tags (config_amd64.go ...).
		return nil, fmt.Errorf("generator built for %s; the output is x86_64 rules, build it for amd64", runtime.GOARCH)
	}
	src, err := gvisorSource()
	if err != nil {
		return nil, err
	}
	pids, err := pidSites(v)
	if err != nil {
		return nil, err
	}
	ins, err := v.inputs()
	if err != nil {
		return nil, err
	}
	var filters []Filter
	var approx []Approx
	for _, in := range ins {
		f, a, err := filterRules(in, pids)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", v.Name, err)
		}
		filters = append(filters, f)
		approx = append(approx, a...)
	}
	sopt, _, err := v.sentryOptions()
	if err != nil {
		return nil, err
	}
	gopt, _ := v.goferOptions()
	return &File{
		Schema:      schemaVersion,
		GVisor:      src,
		GeneratedBy: generatedBy,
		Variant:     v.Name,
		Description: v.Description,
		RunscFlags:  v.Flags,
		Options:     Options{Sentry: sentryOptionsJSON(sopt), Gofer: goferOptionsJSON(gopt)},
		Arch:        "x86_64",
		Filters:     filters,
		Approx:      approx,
		Notes: []string{
			"Rules come from runsc/boot/filter/config.Rules (sentry) and runsc/fsgofer/filter/config.Rules (gofer) before gVisor's rule optimizer; the optimizer does not change which syscalls have rules.",
			"gVisor checks deny before rules and returns the first match; deny actions are kill_process, so 'most restrictive match wins' gives the same verdicts.",
			"default and bad_arch are gVisor's seccomp.Default: kill_process on kernels with SECCOMP_RET_KILL_PROCESS (4.14+), trap before.",
			"Syscall names are gVisor's (pkg/sentry/syscalls/linux AMD64 table). nr -1 (" + kvmReturnToHost + ") is the KVM platform's return-to-host call; the kernel answers it with ENOSYS.",
			"CgoEnabled is false as in release runsc builds (runsc/config/cgo_disabled.go); no gofer extensions are registered.",
		},
	}, nil
}

// Marshal renders f as the committed bytes: indented JSON and a newline.
func Marshal(f *File) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
