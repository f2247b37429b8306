package runtimes

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"path"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"sysweight/exposure"
	"sysweight/seccomp"
	"sysweight/syscalls"
)

//go:embed data
var dataFS embed.FS

// ErrUnknownRuntime is returned by Lookup.
var ErrUnknownRuntime = errors.New("unknown runtime")

// ErrArchUnsupported means a built-in has rules for x86_64 only (a derived
// rule set, a measured exposure) and cannot be evaluated for another
// architecture.
var ErrArchUnsupported = errors.New("has x86_64 rules only")

// DockerDefaultCaps is the capability set Docker grants a container by
// default (moby oci/caps/defaults.go DefaultCapabilities).
var DockerDefaultCaps = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
	"CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
	"CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
}

// PodmanDefaultCaps is Podman's default set (containers/common
// pkg/config/default.go DefaultCapabilities, since Podman 4.0 without
// CAP_AUDIT_WRITE, CAP_MKNOD and CAP_NET_RAW).
var PodmanDefaultCaps = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
	"CAP_NET_BIND_SERVICE", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP",
	"CAP_SETUID", "CAP_SYS_CHROOT",
}

// DefaultKernel is the kernel release the built-ins are resolved for:
// Debian 12's 6.1, the kernel the weight DB's code metrics come from.
var DefaultKernel = seccomp.KernelVersion{Major: 6, Minor: 1}

// Baseline is the runtime ratios are taken against.
const Baseline = "runc-docker"

// Runtime is one built-in configuration.
type Runtime struct {
	Name        string
	Description string
	Provenance  exposure.Provenance
	// policy returns the declared policy; nil for configurations with no
	// filter at all or with a measured exposure.
	policy func() (*seccomp.Policy, error)
	// measured is a fixed exposure from a pass-through experiment.
	measured func() (*exposure.Exposure, error)
	// forArch resolves the built-in's profile for another architecture;
	// nil when its rules are x86_64 only.
	forArch func(syscalls.Arch) (*seccomp.Policy, error)
}

// Measured returns the runtime's measured exposure, or nil when it is
// declared.
func (r *Runtime) Measured() (*exposure.Exposure, error) {
	if r.measured == nil {
		return nil, nil
	}
	e, err := r.measured()
	if err != nil {
		return nil, fmt.Errorf("runtime %s: %w", r.Name, err)
	}
	return e, nil
}

// Policy returns the runtime's declared policy, or nil when it installs no
// filter.
func (r *Runtime) Policy() (*seccomp.Policy, error) {
	if r.policy == nil {
		return nil, nil
	}
	p, err := r.policy()
	if err != nil {
		return nil, fmt.Errorf("runtime %s: %w", r.Name, err)
	}
	return p, nil
}

// Target makes a Target for x86_64, the given capabilities and the default
// kernel.
func Target(caps []string) seccomp.Target { return TargetFor(syscalls.X86_64, caps) }

// TargetFor makes a Target for arch, the given capabilities and the
// default kernel.
func TargetFor(arch syscalls.Arch, caps []string) seccomp.Target {
	m := map[string]bool{}
	for _, c := range caps {
		m[c] = true
	}
	return seccomp.Target{Arch: arch, Caps: m, Kernel: DefaultKernel}
}

// mobyDefaultFile is Docker's default profile as
// github.com/moby/profiles/seccomp's DefaultProfile() returns it, written by
// internal/genmoby: DefaultProfile itself only builds on Linux, the
// embedded copy everywhere.
const mobyDefaultFile = "moby-default.json"

func dockerPolicy() (*seccomp.Policy, error) { return dockerPolicyFor(syscalls.X86_64) }

func dockerPolicyFor(arch syscalls.Arch) (*seccomp.Policy, error) {
	b, err := dataFS.ReadFile(path.Join("data", mobyDefaultFile))
	if err != nil {
		return nil, err
	}
	prof, err := seccomp.DecodeMoby(bytes.NewReader(b), "moby default profile")
	if err != nil {
		return nil, err
	}
	f, err := prof.Resolve(TargetFor(arch, DockerDefaultCaps))
	if err != nil {
		return nil, err
	}
	return &seccomp.Policy{Name: "runc-docker", Arch: arch, Filters: []*seccomp.Filter{f}}, nil
}

// fromRuleSet decodes an embedded derived rule set once: its provenance
// and its policy.
func fromRuleSet(name, desc, file string) *Runtime {
	r := &Runtime{Name: name, Description: desc}
	b, err := dataFS.ReadFile(path.Join("data", file))
	if err == nil {
		var rs *ruleSet
		var p *seccomp.Policy
		if rs, p, err = decodeRuleSet(bytes.NewReader(b), file); err == nil {
			r.Provenance = rs.Provenance
			r.policy = func() (*seccomp.Policy, error) { return p, nil }
			return r
		}
	}
	r.Provenance = exposure.Provenance{Source: exposure.Declared, Origin: file}
	r.policy = func() (*seccomp.Policy, error) { return nil, fmt.Errorf("embedded %s: %w", file, err) }
	return r
}

// fromGVisor decodes an embedded gVisor rule set (tools/gvisor-rules
// output) once.
func fromGVisor(file string) *Runtime {
	name := strings.TrimSuffix(file, ".json")
	r := &Runtime{Name: name, Description: "gVisor runsc: Sentry and Gofer host seccomp rules"}
	b, err := dataFS.ReadFile(path.Join("data", "gvisor", file))
	if err == nil {
		var rs *seccomp.GVisorRuleSet
		if rs, err = seccomp.DecodeGVisorRuleSet(bytes.NewReader(b), file); err == nil {
			r.Provenance = exposure.Provenance{Source: exposure.Declared, Origin: "gvisor.dev/gvisor runsc/boot/filter/config, runsc/fsgofer/filter/config (via tools/gvisor-rules)",
				Version: rs.Version, Notes: []string{"runsc " + strings.Join(rs.RunscFlags, " ")}}
			if d := pseudoVersionDate(rs.Version); d != "" {
				r.Provenance.Date = d
			}
			for _, a := range rs.Approximations {
				r.Provenance.Notes = append(r.Provenance.Notes, fmt.Sprintf("approximated: %s %s %s: %s", a.Filter, a.Syscall, a.Operand, a.Reason))
			}
			if n := stubNote(rs.RunscFlags); n != "" {
				r.Provenance.Notes = append(r.Provenance.Notes, n)
			}
			if rs.Description != "" {
				r.Description = rs.Description
			}
			p := rs.Policy
			r.policy = func() (*seccomp.Policy, error) { return p, nil }
			return r
		}
	}
	r.Provenance = exposure.Provenance{Source: exposure.Declared, Origin: file}
	r.policy = func() (*seccomp.Policy, error) { return nil, fmt.Errorf("embedded %s: %w", file, err) }
	return r
}

// stubNote says why the platform's stub filters are not in the rule set
// and what they would change (issue 11). The stubs are processes the
// Sentry creates; their filters are built at run time, with addresses, and
// are not in the rules tools/gvisor-rules extracts.
func stubNote(flags []string) string {
	switch {
	case slices.Contains(flags, "--platform=systrap"):
		return "not modelled: the systrap stubs' own filters. Dumped from a sleeping sandbox of runsc at this version " +
			"(2026-12-06, ptrace PTRACE_SECCOMP_GET_FILTER, evaluated on the corpus at instruction pointer 0): " +
			"the stub that runs application code allows nothing from another address, and arch_prctl, futex, " +
			"rt_sigreturn and sched_yield only from its code page; the stubs that create address spaces allow 15 syscalls, " +
			"3 of them not in this exposure (getppid, arch_prctl at 1 of 8 tuples, tkill at 1 of 69) and mmap for every " +
			"argument (0.15 here). Counted in, they would raise gvisor-systrap's score by 3.4% (92.39 to 95.49 on the " +
			"embedded DB of that day)"
	case slices.Contains(flags, "--platform=ptrace"):
		return "not modelled: the ptrace stubs' own filters, which only their tracer, the Sentry, can read; gVisor's " +
			"source at this version (platform/ptrace subprocess_linux.go attachedThread, subprocess_amd64.go) allows " +
			"clone, wait4, exit, prctl, getppid, getpid, kill, mmap, munmap and arch_prctl in them, the calls the Sentry " +
			"has its stubs make"
	}
	return ""
}

// pseudoVersionDate reads the date of a Go pseudo-version
// (v0.0.0-20260905035102-160fafc42237 → 2026-09-05; also the
// vX.Y.Z-pre.0.yyyymmddhhmmss-hash and vX.Y.Z-0.yyyymmddhhmmss-hash forms).
func pseudoVersionDate(v string) string {
	parts := strings.Split(v, "-")
	if len(parts) < 3 {
		return ""
	}
	ts := parts[len(parts)-2]
	if i := strings.LastIndexByte(ts, '.'); i >= 0 {
		ts = ts[i+1:]
	}
	if len(ts) != 14 || strings.Trim(ts, "0123456789") != "" {
		return ""
	}
	return ts[0:4] + "-" + ts[4:6] + "-" + ts[6:8]
}

// Builtins returns every built-in configuration, in a stable order. The
// list and each policy are decoded once per process.
func Builtins() []*Runtime { return builtins() }

var builtins = sync.OnceValue(func() []*Runtime {
	// Each constructor decodes embedded data; they run concurrently and
	// the list keeps this order.
	ctors := []func() *Runtime{
		func() *Runtime {
			return &Runtime{Name: "runc-docker", Description: "runc under Docker/containerd: Docker's default seccomp profile and capabilities",
				Provenance: exposure.Provenance{Source: exposure.Declared, Origin: "github.com/moby/profiles/seccomp DefaultProfile()",
					Version: seccomp.MobyProfilesVersion, Date: "2026-10-12",
					Notes: []string{"resolved for x86_64, Docker's 14 default capabilities, kernel 6.1"}},
				policy: dockerPolicy, forArch: dockerPolicyFor}
		},
		func() *Runtime {
			return &Runtime{Name: "runc-unconfined", Description: "runc with no seccomp filter: --privileged, or a Kubernetes pod without seccompProfile: RuntimeDefault",
				Provenance: exposure.Provenance{Source: exposure.Unfiltered, Origin: "no filter"}}
		},
		func() *Runtime {
			return fromRuleSet("crun-podman", "crun under Podman/CRI-O: containers/common default seccomp profile and Podman's capabilities", "crun-podman.json")
		},
		func() *Runtime {
			return fromRuleSet("kata-firecracker", "Kata Containers with Firecracker v1.16.1: the VMM's seccompiler filters (vmm, api, vcpu threads)", "firecracker-v1.16.1.json")
		},
		func() *Runtime {
			return fromRuleSet("firecracker-v1.0.0", "Firecracker v1.0.0's seccompiler filters, for the trend across versions", "firecracker-v1.0.0.json")
		},
		func() *Runtime {
			return &Runtime{Name: "nabla", Description: "Nabla containers: the solo5 spt tender's filter (one tap, one disk)",
				Provenance: exposure.Provenance{Source: exposure.Declared, Origin: "github.com/Solo5/solo5 tenders/spt/spt_core.c, spt_module_net.c, spt_module_block.c",
					Version: "00d4180f", Notes: []string{"tap at fd 3, disk at fd 4, 512-byte blocks, 1 GiB disk"}},
				policy: nablaPolicy}
		},
	}
	gv, _ := dataFS.ReadDir("data/gvisor")
	var names []string
	for _, e := range gv {
		if strings.HasSuffix(e.Name(), ".json") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	for _, n := range names {
		ctors = append(ctors, func() *Runtime { return fromGVisor(n) })
	}
	for _, m := range measuredSpecs {
		ctors = append(ctors, func() *Runtime { return fromMeasured(m) })
	}
	built := make([]*Runtime, len(ctors))
	var wg sync.WaitGroup
	for i, c := range ctors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := c()
			if r == nil {
				return
			}
			if r.policy != nil {
				// Decode now, on this goroutine, and keep the result.
				p, err := r.policy()
				r.policy = func() (*seccomp.Policy, error) { return p, err }
			}
			if r.measured != nil {
				e, err := r.measured()
				r.measured = func() (*exposure.Exposure, error) { return e, err }
			}
			built[i] = r
		}()
	}
	wg.Wait()
	var rs []*Runtime
	for _, r := range built {
		if r != nil {
			rs = append(rs, r)
		}
	}
	return rs
})

// Lookup returns the built-in called name.
// renamed are the built-ins' names of earlier releases.
var renamed = map[string]string{"kata-qemu": "qemu-tcg@measured"}

var renamedWhy = map[string]string{"kata-qemu": "it is QEMU under TCG with a busybox initramfs, measured with pass-through runtime qemu-tcg, not Kata"}

func Lookup(name string) (*Runtime, error) {
	var names []string
	for _, r := range Builtins() {
		if r.Name == name {
			return r, nil
		}
		names = append(names, r.Name)
	}
	if now, ok := renamed[name]; ok {
		return nil, fmt.Errorf("%w %q: renamed %s (%s)", ErrUnknownRuntime, name, now, renamedWhy[name])
	}
	return nil, fmt.Errorf("%w %q (built-ins: %s)", ErrUnknownRuntime, name, strings.Join(names, ", "))
}

// Named returns what Evaluate needs of r.
func (r *Runtime) Named() (Named, error) {
	m, err := r.Measured()
	if err != nil {
		return Named{}, err
	}
	p, err := r.Policy()
	if err != nil {
		return Named{}, err
	}
	return Named{Name: r.Name, Policy: p, Measured: m, Provenance: r.Provenance}, nil
}

// Supports says whether NamedFor can evaluate r for arch.
func (r *Runtime) Supports(arch syscalls.Arch) bool {
	return arch == syscalls.X86_64 || r.forArch != nil || r.policy == nil && r.measured == nil
}

// NamedFor returns what Evaluate needs of r on arch. x86_64 is Named. For
// another architecture, a built-in with no filter stays unconfined, one
// resolved from a profile (runc-docker) is resolved again for arch, and
// the others, whose rules are x86_64 (derived rule sets, gVisor's,
// Firecracker's, nabla's, measured exposures), are ErrArchUnsupported.
func (r *Runtime) NamedFor(arch syscalls.Arch) (Named, error) {
	if arch == syscalls.X86_64 {
		return r.Named()
	}
	switch {
	case !r.Supports(arch):
		return Named{}, fmt.Errorf("runtime %s %w; for %s, evaluate a profile file, runc-docker or runc-unconfined", r.Name, ErrArchUnsupported, arch)
	case r.forArch != nil:
		p, err := r.forArch(arch)
		if err != nil {
			return Named{}, fmt.Errorf("runtime %s: %w", r.Name, err)
		}
		prov := r.Provenance
		prov.Notes = []string{fmt.Sprintf("resolved for %s, Docker's 14 default capabilities, kernel 6.1", arch)}
		return Named{Name: r.Name, Policy: p, Provenance: prov}, nil
	}
	return Named{Name: r.Name, Provenance: r.Provenance, Arch: arch}, nil
}

// Named is a policy to evaluate beside the built-ins, such as a profile the
// user passed.
type Named struct {
	Name       string
	Policy     *seccomp.Policy // nil: no filter (unless Measured is set)
	Measured   *exposure.Exposure
	Provenance exposure.Provenance
	// Arch is the architecture of an item with neither Policy nor
	// Measured (no filter); empty means x86_64.
	Arch syscalls.Arch
}

// arch is the architecture the item is for.
func (n Named) arch() syscalls.Arch {
	switch {
	case n.Measured != nil:
		return n.Measured.Arch
	case n.Policy != nil:
		return n.Policy.Arch
	case n.Arch != "":
		return n.Arch
	}
	return syscalls.X86_64
}

// Exposures evaluates the runtimes and extra policies over one corpus built
// from all their filters, so degrees are comparable.
func Exposures(rs []*Runtime, extra ...Named) ([]*exposure.Exposure, error) {
	items := make([]Named, 0, len(rs)+len(extra))
	for _, r := range rs {
		n, err := r.Named()
		if err != nil {
			return nil, err
		}
		items = append(items, n)
	}
	items = append(items, extra...)
	return Evaluate(syscalls.X86_64, items)
}

// Corpus builds the argument corpus for arch from the built-in filters for
// arch and the given ones: the corpus every comparison shares. The
// built-ins' filters are x86_64 rules, so another architecture's corpus
// holds the given filters' constants and the UAPI values only.
func Corpus(arch syscalls.Arch, extra ...*seccomp.Filter) (*exposure.Corpus, error) {
	var filters []*seccomp.Filter
	for _, r := range Builtins() {
		p, err := r.Policy()
		if err != nil {
			return nil, err
		}
		if p != nil && p.Arch == arch {
			filters = append(filters, p.Filters...)
		}
	}
	filters = append(filters, extra...)
	return exposure.NewCorpus(arch, filters...), nil
}

// Evaluate builds the shared corpus for arch from every filter of every
// item, plus the built-ins' filters for arch (so a user's profile is
// measured on the same corpus as the built-ins), and evaluates each item.
// Every item must be for arch.
func Evaluate(arch syscalls.Arch, items []Named) ([]*exposure.Exposure, error) {
	corpus, err := CorpusOf(arch, items)
	if err != nil {
		return nil, err
	}
	return EvaluateOn(items, corpus)
}

// CorpusOf is the corpus Evaluate builds for items, for a caller that
// evaluates more over it (exposure.Beyond) with EvaluateOn.
func CorpusOf(arch syscalls.Arch, items []Named) (*exposure.Corpus, error) {
	var filters []*seccomp.Filter
	for _, it := range items {
		if a := it.arch(); a != arch {
			return nil, fmt.Errorf("%s: for %s; the target is %s", it.Name, a, arch)
		}
		if it.Policy != nil {
			filters = append(filters, it.Policy.Filters...)
		}
	}
	return Corpus(arch, filters...)
}

// EvaluateOn evaluates each item over corpus, which CorpusOf(items) built.
func EvaluateOn(items []Named, corpus *exposure.Corpus) ([]*exposure.Exposure, error) {
	out := make([]*exposure.Exposure, len(items))
	errs := make([]error, len(items))
	var wg sync.WaitGroup
	for i, it := range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if a := it.arch(); a != corpus.Arch() {
				errs[i] = fmt.Errorf("%s: for %s; the corpus is for %s", it.Name, a, corpus.Arch())
				return
			}
			if it.Measured != nil {
				out[i] = it.Measured
				return
			}
			if it.Policy == nil {
				out[i], errs[i] = exposure.Unconfined(it.Name, corpus.Arch(), it.Provenance)
				return
			}
			out[i], errs[i] = exposure.FromPolicy(it.Name, it.Policy, corpus, it.Provenance)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// EvaluateEach evaluates each item over its own corpus, the built-ins'
// filters and the item's, as score and compare evaluate one profile file
// beside the built-ins: each exposure is the one `sysweight score` gives
// for that item. Items that share a *seccomp.Policy (unchanged versions of
// a history) are evaluated once.
func EvaluateEach(items []Named) ([]*exposure.Exposure, error) {
	type result struct {
		e   *exposure.Exposure
		err error
	}
	byPolicy := map[*seccomp.Policy]*result{}
	var todo []Named
	for _, it := range items {
		if it.Policy == nil || it.Measured != nil {
			return nil, fmt.Errorf("%s: EvaluateEach takes declared policies only", it.Name)
		}
		if _, ok := byPolicy[it.Policy]; !ok {
			byPolicy[it.Policy] = &result{}
			todo = append(todo, it)
		}
	}
	next := make(chan Named)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(todo)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range next {
				r := byPolicy[it.Policy] // written by this goroutine alone
				corpus, err := Corpus(it.Policy.Arch, it.Policy.Filters...)
				if err != nil {
					r.err = err
					continue
				}
				r.e, r.err = exposure.FromPolicy(it.Name, it.Policy, corpus, it.Provenance)
			}
		}()
	}
	for _, it := range todo {
		next <- it
	}
	close(next)
	wg.Wait()
	out := make([]*exposure.Exposure, len(items))
	for i, it := range items {
		r := byPolicy[it.Policy]
		if r.err != nil {
			return nil, r.err
		}
		e := *r.e // the entries are shared, read only
		e.Name, e.Provenance = it.Name, it.Provenance
		out[i] = &e
	}
	return out, nil
}
