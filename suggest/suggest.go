package suggest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"sysweight/seccomp"
	"sysweight/syscalls"
)

// Sentinel errors.
var (
	// ErrUnknownSyscall: a name the target architecture's table lacks.
	ErrUnknownSyscall = errors.New("unknown syscall")
	// ErrBase: the base cannot be narrowed into an OCI profile (it lets
	// unnamed syscalls through, has several filters, or has rules the
	// OCI form cannot carry).
	ErrBase = errors.New("unusable base")
	// ErrUnknownRuntime: LookupRuntime's name is none of Runtimes.
	ErrUnknownRuntime = errors.New("unknown runtime")
)

// Options is what Build narrows and for whom.
type Options struct {
	Arch syscalls.Arch
	// Used are the syscalls the workload made (any order, repeats allowed).
	Used []string
	// Base is the policy to narrow, resolved for the target; nil means no
	// filter (every syscall allowed for every argument).
	Base *seccomp.Policy
	// Runtime's calls are allowed as if the workload had made them.
	Runtime Runtime
}

// Refused is a syscall the workload (or the runtime) needs that the base
// refuses for every argument.
type Refused struct {
	Syscall string `json:"syscall"`
	Verdict string `json:"verdict"` // the base's (for all-zero arguments, if they matter): errno(1), kill, …
	Runtime bool   `json:"runtime,omitempty"`
}

// Result is a suggested profile with what Build did to get it.
type Result struct {
	// Profile is the OCI linux.seccomp section, which is also a Docker
	// profile (architectures, no includes). Encode writes it.
	Profile specs.LinuxSeccomp
	// Used is Options.Used, sorted by number, each once.
	Used []string
	// RuntimeAdded are the runtime's calls the workload did not make.
	RuntimeAdded []string
	// Allowed are the syscalls of Used and RuntimeAdded the profile lets
	// through for some argument, by number.
	Allowed []string
	// Conditional are those of Allowed whose base rules test arguments:
	// the profile keeps the rules as they are.
	Conditional []string
	// Refused are the syscalls of Used and RuntimeAdded the base refuses
	// for every argument; the profile refuses them too.
	Refused []Refused
	// KeptRefusals are syscalls outside Used and RuntimeAdded that the base
	// refuses otherwise than by its default (Docker's ENOSYS for clone3, so
	// that glibc falls back to clone); the profile keeps those answers.
	KeptRefusals []string
}

// Build narrows Base to the syscalls the workload used plus the runtime's:
// for each of them the profile has the base's rules unchanged (so the same
// verdict for every argument), every other syscall gets the base's default
// (ERRNO EPERM for no base), and the base's other refusals are kept. It
// never allows a syscall, or an argument, the base refuses.
func Build(o Options) (*Result, error) {
	t, err := syscalls.ForArch(o.Arch)
	if err != nil {
		return nil, err
	}
	scmp, ok := scmpArch[o.Arch]
	if !ok {
		return nil, fmt.Errorf("%w: architecture %s has no SCMP_ARCH name here", syscalls.ErrUnknownArch, o.Arch)
	}
	used, err := checkNames(t, o.Arch, o.Used)
	if err != nil {
		return nil, err
	}
	r := &Result{Used: used}
	want := map[string]bool{}
	for _, s := range used {
		want[s] = true
	}
	for _, c := range o.Runtime.Calls {
		if _, ok := t.Number(c.Syscall); !ok {
			return nil, fmt.Errorf("runtime %s: %w %q on %s", o.Runtime.Name, ErrUnknownSyscall, c.Syscall, o.Arch)
		}
		if !want[c.Syscall] {
			want[c.Syscall] = true
			r.RuntimeAdded = append(r.RuntimeAdded, c.Syscall)
		}
	}
	t.SortNames(r.RuntimeAdded)

	f, err := baseFilter(o.Base)
	if err != nil {
		return nil, err
	}
	def := seccomp.Verdict{Action: seccomp.ActErrno, Errno: 1} // EPERM, as Docker's
	if f != nil {
		def = f.Default
	}
	var rules []seccomp.Rule
	names := t.Names()
	for _, s := range names {
		if !want[s] {
			// another refusal than the default's: kept, so the answer
			// the workload's libraries see is the base's
			for _, rl := range baseRules(f, s) {
				if !rl.Verdict.Action.ReachesKernel() && rl.Verdict != def {
					rules = append(rules, rl)
					if !slices.Contains(r.KeptRefusals, s) {
						r.KeptRefusals = append(r.KeptRefusals, s)
					}
				}
			}
			continue
		}
		if f == nil {
			rules = append(rules, seccomp.Rule{Syscall: s, Verdict: seccomp.Verdict{Action: seccomp.ActAllow}})
			r.Allowed = append(r.Allowed, s)
			continue
		}
		reaches, conds := false, false
		for _, rl := range baseRules(f, s) {
			if rl.Verdict == def {
				continue // runc drops rules equal to the default too
			}
			rules = append(rules, rl)
			reaches = reaches || rl.Verdict.Action.ReachesKernel()
			conds = conds || len(rl.Conds) > 0
		}
		switch {
		case !reaches:
			var zero [6]uint64
			v := f.Evaluate(s, &zero)
			r.Refused = append(r.Refused, Refused{Syscall: s, Verdict: v.String(), Runtime: slices.Contains(r.RuntimeAdded, s)})
		case conds:
			r.Allowed = append(r.Allowed, s)
			r.Conditional = append(r.Conditional, s)
		default:
			r.Allowed = append(r.Allowed, s)
		}
	}
	p, err := profile(t, scmp, def, rules, baseName(o.Base))
	if err != nil {
		return nil, err
	}
	r.Profile = p
	return r, nil
}

// scmpArch is libseccomp's name of each architecture a profile is built
// for. Only the native one is listed: the workload's syscalls were seen
// there, and a 32-bit call gets the runtime's bad-arch answer.
var scmpArch = map[syscalls.Arch]specs.Arch{
	syscalls.X86_64:  specs.ArchX86_64,
	syscalls.AArch64: specs.ArchAARCH64,
}

// checkNames validates and orders the workload's syscalls.
func checkNames(t *syscalls.Table, arch syscalls.Arch, in []string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if _, ok := t.Number(s); !ok {
			if syscalls.Known(s) {
				return nil, fmt.Errorf("%w %q on %s (another architecture's)", ErrUnknownSyscall, s, arch)
			}
			return nil, fmt.Errorf("%w %q: no Linux architecture has it (want %s names such as read, openat)", ErrUnknownSyscall, s, arch)
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	t.SortNames(out)
	return out, nil
}

// baseFilter checks that p is one filter that refuses what it does not
// name, with rules the OCI form can carry.
func baseFilter(p *seccomp.Policy) (*seccomp.Filter, error) {
	if p == nil {
		return nil, nil
	}
	if len(p.Filters) != 1 {
		var names []string
		for _, f := range p.Filters {
			names = append(names, f.Name)
		}
		return nil, fmt.Errorf("%w %s: %d filters (%s); a base is the one filter of a container's process", ErrBase, p.Name, len(p.Filters), strings.Join(names, ", "))
	}
	f := p.Filters[0]
	if d := f.Default.Action; d == seccomp.ActUnknown || d.ReachesKernel() {
		return nil, fmt.Errorf("%w %s: its default action %s lets every syscall it does not name through; want a base that refuses by default, as Docker's does", ErrBase, p.Name, d)
	}
	return f, nil
}

func baseName(p *seccomp.Policy) string {
	if p == nil {
		return "(no filter)"
	}
	return p.Name
}

func baseRules(f *seccomp.Filter, s string) []seccomp.Rule {
	if f == nil {
		return nil
	}
	return f.RulesFor(s)
}

// ociActions are the OCI names of the actions a profile can keep. TRACE
// and NOTIFY need data a Verdict does not carry (the tracer's message, a
// listener socket).
var ociActions = map[seccomp.Action]specs.LinuxSeccompAction{
	seccomp.ActAllow:       specs.ActAllow,
	seccomp.ActLog:         specs.ActLog,
	seccomp.ActErrno:       specs.ActErrno,
	seccomp.ActTrap:        specs.ActTrap,
	seccomp.ActKillThread:  specs.ActKill,
	seccomp.ActKillProcess: specs.ActKillProcess,
}

var ociOps = map[seccomp.Op]specs.LinuxSeccompOperator{
	seccomp.OpNE: specs.OpNotEqual, seccomp.OpLT: specs.OpLessThan, seccomp.OpLE: specs.OpLessEqual,
	seccomp.OpEQ: specs.OpEqualTo, seccomp.OpGE: specs.OpGreaterEqual, seccomp.OpGT: specs.OpGreaterThan,
	seccomp.OpMaskedEQ: specs.OpMaskedEqual,
}

// profile lays rules out as OCI entries: rules with the same verdict and
// conditions share one entry, names in table order; entries without
// conditions first, then by action and the number of the first name;
// otherwise in the base's order. Each rule
// keeps its conditions in one entry, so runc ANDs them as the base's
// filter does; a rule testing one argument twice could not be kept so
// (runc makes such args alternatives) and is refused.
func profile(t *syscalls.Table, arch specs.Arch, def seccomp.Verdict, rules []seccomp.Rule, base string) (specs.LinuxSeccomp, error) {
	p := specs.LinuxSeccomp{Architectures: []specs.Arch{arch}}
	act, err := ociAction(def, base, "the default")
	if err != nil {
		return p, err
	}
	p.DefaultAction = act
	if def.Action == seccomp.ActErrno {
		e := uint(def.Errno)
		p.DefaultErrnoRet = &e
	}
	type group struct {
		key  string
		rule seccomp.Rule
		call specs.LinuxSyscall
	}
	var groups []*group
	byKey := map[string]*group{}
	for _, rl := range rules {
		act, err := ociAction(rl.Verdict, base, rl.Syscall)
		if err != nil {
			return p, err
		}
		c := specs.LinuxSyscall{Action: act}
		if rl.Verdict.Action == seccomp.ActErrno {
			e := uint(rl.Verdict.Errno)
			c.ErrnoRet = &e
		}
		var seen [6]bool
		for _, cd := range rl.Conds {
			if cd.Bits != 0 {
				return p, fmt.Errorf("%w %s: %s: condition %s compares the low 32 bits, which an OCI profile cannot", ErrBase, base, rl.Syscall, cd)
			}
			if seen[cd.Arg] {
				return p, fmt.Errorf("%w %s: %s: a rule tests arg%d twice, which runc would read as alternatives", ErrBase, base, rl.Syscall, cd.Arg)
			}
			seen[cd.Arg] = true
			c.Args = append(c.Args, specs.LinuxSeccompArg{Index: uint(cd.Arg), Value: cd.Value, ValueTwo: cd.ValueTwo, Op: ociOps[cd.Op]})
		}
		k, err := json.Marshal(c)
		if err != nil {
			return p, err
		}
		g := byKey[string(k)]
		if g == nil {
			g = &group{key: string(k), rule: rl, call: c}
			byKey[g.key] = g
			groups = append(groups, g)
		}
		if !slices.Contains(g.call.Names, rl.Syscall) {
			g.call.Names = append(g.call.Names, rl.Syscall) // rules come in table order
		}
	}
	sort.SliceStable(groups, func(i, j int) bool {
		a, b := groups[i], groups[j]
		if (len(a.call.Args) > 0) != (len(b.call.Args) > 0) {
			return len(a.call.Args) == 0
		}
		if a.rule.Verdict.Action != b.rule.Verdict.Action {
			return a.rule.Verdict.Action < b.rule.Verdict.Action
		}
		return number(t, a.call.Names[0]) < number(t, b.call.Names[0])
	})
	for _, g := range groups {
		p.Syscalls = append(p.Syscalls, g.call)
	}
	return p, nil
}

func number(t *syscalls.Table, s string) int {
	n, _ := t.Number(s)
	return n
}

func ociAction(v seccomp.Verdict, base, what string) (specs.LinuxSeccompAction, error) {
	a, ok := ociActions[v.Action]
	if !ok {
		return "", fmt.Errorf("%w %s: %s: action %s cannot be kept in a suggested profile (allow, log, errno, trap, kill and kill_process can)", ErrBase, base, what, v.Action)
	}
	return a, nil
}

// Encode is the profile as JSON, indented, with a final newline: the same
// bytes for the same Result.
func (r *Result) Encode() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r.Profile); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
