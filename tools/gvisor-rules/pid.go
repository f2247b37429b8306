package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"sync"
)

// gVisor compares some arguments with the process's own PID, which it reads
// with os.Getpid (tgkill in runsc/boot/filter/config selfPIDFilters and the
// gofer's, rt_tgsigqueueinfo in the systrap and ptrace platforms). The PID
// cannot be swapped for a stand-in, and a PID may equal a constant of the
// rules (16, 0x5401...), so these comparisons are found by computing the
// rules in a second process: the matchers whose Repr differs between the
// two, as this process's PID in one and the child's in the other, are the
// PID comparisons.

// probeEnv, when set to a variant name, makes the binary print that
// variant's probe as JSON and exit (see probeMain).
const probeEnv = "GVISOR_RULES_PID_PROBE"

type probe struct {
	PID   int                 `json:"pid"`
	Reprs map[string][]string `json:"reprs"` // "sentry/allow" → Repr of each matcher, by ordinal
}

// probeMain serves a parent's probe request. It reports whether it did.
func probeMain() bool {
	name := os.Getenv(probeEnv)
	if name == "" {
		return false
	}
	i := slices.IndexFunc(Variants, func(v Variant) bool { return v.Name == name })
	if i < 0 {
		fmt.Fprintf(os.Stderr, "gvisor-rules: %s=%q names no variant\n", probeEnv, name)
		os.Exit(1)
	}
	p, err := localProbe(Variants[i])
	if err == nil {
		err = json.NewEncoder(os.Stdout).Encode(p)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gvisor-rules probe:", err)
		os.Exit(1)
	}
	return true
}

func localProbe(v Variant) (*probe, error) {
	ins, err := v.inputs()
	if err != nil {
		return nil, err
	}
	p := &probe{PID: os.Getpid(), Reprs: map[string][]string{}}
	for _, in := range ins {
		for _, half := range in.halves() {
			t := &translator{filter: in.name, action: half.action, vars: in.vars, name: syscallName}
			if _, err := t.rules(half.rules); err != nil {
				return nil, err
			}
			p.Reprs[in.name+"/"+half.action] = t.reprs
		}
	}
	return p, nil
}

var (
	pidSitesMu    sync.Mutex
	pidSitesCache = map[string]map[string]map[int]bool{}
)

// pidSites returns, per "filter/action", the ordinals of the matchers that
// compare with the process's PID.
func pidSites(v Variant) (map[string]map[int]bool, error) {
	pidSitesMu.Lock()
	defer pidSitesMu.Unlock()
	if s, ok := pidSitesCache[v.Name]; ok {
		return s, nil
	}
	local, err := localProbe(v)
	if err != nil {
		return nil, err
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), probeEnv+"="+v.Name)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("probing %s in a child process: %w", v.Name, err)
	}
	var child probe
	if err := json.Unmarshal(out, &child); err != nil {
		return nil, fmt.Errorf("probing %s in a child process: %w", v.Name, err)
	}
	if child.PID == local.PID {
		return nil, fmt.Errorf("probing %s: child reports this process's PID %d", v.Name, child.PID)
	}
	sites := map[string]map[int]bool{}
	for key, mine := range local.Reprs {
		theirs, ok := child.Reprs[key]
		if !ok || len(theirs) != len(mine) {
			return nil, fmt.Errorf("probing %s: %s has %d matchers here and %d in the child", v.Name, key, len(mine), len(theirs))
		}
		for i := range mine {
			if mine[i] == theirs[i] {
				continue
			}
			if mine[i] != fmt.Sprintf("== %#x", local.PID) || theirs[i] != fmt.Sprintf("== %#x", child.PID) {
				return nil, fmt.Errorf("probing %s: %s matcher %d is %q here and %q in the child; only PID comparisons may differ", v.Name, key, i, mine[i], theirs[i])
			}
			if sites[key] == nil {
				sites[key] = map[int]bool{}
			}
			sites[key][i] = true
		}
	}
	pidSitesCache[v.Name] = sites
	return sites, nil
}
