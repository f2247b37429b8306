package seccomp

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"sysweight/syscalls"
)

// Action is what a filter does with a syscall.
type Action uint8

// Actions, ordered from least to most restrictive as the kernel orders them
// when several filters return different actions (kernel/seccomp.c:
// seccomp_run_filters keeps the lowest SECCOMP_RET_ACTION_FULL value).
// ActUnknown is the third state: the decoder could not tell.
const (
	ActUnknown Action = iota
	ActAllow
	ActLog
	ActTrace
	ActNotify
	ActErrno
	ActTrap
	ActKillThread
	ActKillProcess
)

var actionNames = map[Action]string{
	ActUnknown:     "unknown",
	ActAllow:       "allow",
	ActLog:         "log",
	ActTrace:       "trace",
	ActNotify:      "notify",
	ActErrno:       "errno",
	ActTrap:        "trap",
	ActKillThread:  "kill",
	ActKillProcess: "kill_process",
}

func (a Action) String() string {
	if s, ok := actionNames[a]; ok {
		return s
	}
	return fmt.Sprintf("Action(%d)", uint8(a))
}

// ReachesKernel reports whether a syscall given this action goes on to run
// its kernel implementation. Log lets it run; Trace and Notify hand the
// decision to a tracer or supervisor that may let it run, so they count as
// reaching (the conservative reading for attack surface). Unknown is not
// answered here: callers must handle it.
func (a Action) ReachesKernel() bool {
	switch a {
	case ActAllow, ActLog, ActTrace, ActNotify:
		return true
	}
	return false
}

// ErrUnknownAction is wrapped by ParseAction.
var ErrUnknownAction = errors.New("unknown seccomp action")

// ParseAction accepts libseccomp/OCI names (SCMP_ACT_*) and the lower-case
// names used by Firecracker's seccompiler ("allow", "errno", "kill_process",
// "kill_thread", "trap", "log", "trace").
func ParseAction(s string) (Action, error) {
	switch strings.ToUpper(strings.TrimPrefix(strings.ToUpper(s), "SCMP_ACT_")) {
	case "ALLOW":
		return ActAllow, nil
	case "LOG":
		return ActLog, nil
	case "TRACE":
		return ActTrace, nil
	case "NOTIFY":
		return ActNotify, nil
	case "ERRNO":
		return ActErrno, nil
	case "TRAP":
		return ActTrap, nil
	case "KILL", "KILL_THREAD":
		return ActKillThread, nil
	case "KILL_PROCESS":
		return ActKillProcess, nil
	}
	return ActUnknown, fmt.Errorf("%w %q", ErrUnknownAction, s)
}

// Verdict is an action with its data (the errno for ActErrno).
type Verdict struct {
	Action Action
	Errno  uint32
}

func (v Verdict) String() string {
	if v.Action == ActErrno {
		return fmt.Sprintf("errno(%d)", v.Errno)
	}
	return v.Action.String()
}

// Op is an argument comparison, as libseccomp's SCMP_CMP_*.
type Op uint8

const (
	OpNE Op = iota + 1
	OpLT
	OpLE
	OpEQ
	OpGE
	OpGT
	OpMaskedEQ
)

var opNames = map[Op]string{OpNE: "!=", OpLT: "<", OpLE: "<=", OpEQ: "==", OpGE: ">=", OpGT: ">", OpMaskedEQ: "&"}

func (o Op) String() string {
	if s, ok := opNames[o]; ok {
		return s
	}
	return fmt.Sprintf("Op(%d)", uint8(o))
}

// ErrUnknownOp is wrapped by ParseOp.
var ErrUnknownOp = errors.New("unknown comparison operator")

// ParseOp accepts SCMP_CMP_* names and Firecracker's lower-case names
// ("eq", "ne", "lt", "le", "gt", "ge", "masked_eq"... see the Firecracker
// decoder for its masked form).
func ParseOp(s string) (Op, error) {
	switch strings.TrimPrefix(strings.ToUpper(s), "SCMP_CMP_") {
	case "NE":
		return OpNE, nil
	case "LT":
		return OpLT, nil
	case "LE":
		return OpLE, nil
	case "EQ":
		return OpEQ, nil
	case "GE":
		return OpGE, nil
	case "GT":
		return OpGT, nil
	case "MASKED_EQ":
		return OpMaskedEQ, nil
	}
	return 0, fmt.Errorf("%w %q", ErrUnknownOp, s)
}

// Cond is one argument comparison. For OpMaskedEQ, (arg & Value) == ValueTwo,
// the libseccomp/OCI convention. Bits is 32 when only the low 32 bits of the
// argument are compared (Firecracker "dword" arguments); 0 means all 64.
type Cond struct {
	Arg      uint8
	Op       Op
	Value    uint64
	ValueTwo uint64
	Bits     uint8
}

// Match reports whether args satisfies c. Comparisons are unsigned, as the
// kernel's BPF JGT/JGE are (libseccomp compares unsigned 64-bit values).
func (c Cond) Match(args *[6]uint64) bool {
	x := args[c.Arg]
	v, v2 := c.Value, c.ValueTwo
	if c.Bits == 32 {
		x, v, v2 = x&0xffffffff, v&0xffffffff, v2&0xffffffff
	}
	switch c.Op {
	case OpNE:
		return x != v
	case OpLT:
		return x < v
	case OpLE:
		return x <= v
	case OpEQ:
		return x == v
	case OpGE:
		return x >= v
	case OpGT:
		return x > v
	case OpMaskedEQ:
		return x&v == v2
	}
	return false
}

func (c Cond) String() string {
	w := ""
	if c.Bits == 32 {
		w = "(u32)"
	}
	if c.Op == OpMaskedEQ {
		return fmt.Sprintf("%sarg%d & %#x == %#x", w, c.Arg, c.Value, c.ValueTwo)
	}
	return fmt.Sprintf("%sarg%d %s %#x", w, c.Arg, c.Op, c.Value)
}

// Rule gives Verdict to a syscall when all Conds hold (an empty Conds always
// holds). Several rules for one syscall are alternatives.
type Rule struct {
	Syscall string
	Conds   []Cond
	Verdict Verdict
	Comment string
	// Path is the JSON path of the syscall's name in the document the rule
	// was decoded from (syscalls[3].names[1], vmm.filter[0].syscall), for
	// Positions to turn into a line; "" for rules built in Go.
	Path string
}

// Filter is a policy resolved for one Target: what one process or thread
// installs. Build it with NewFilter so the index is consistent.
type Filter struct {
	Name    string // "default", or a thread/process name such as "vmm", "gofer"
	Arch    syscalls.Arch
	Default Verdict
	Rules   []Rule
	// Unresolved lists syscall names the profile names but the target's
	// table lacks (other architectures' calls, removed calls). They cannot
	// be reached and are kept only to report.
	Unresolved []string
	// UnresolvedPaths holds, for each name of Unresolved, the Path of the
	// first rule that names it.
	UnresolvedPaths []string
	// DefaultPath is the JSON path of the default action in the decoded
	// document ("defaultAction", "vmm.default_action"); "" for filters
	// built in Go.
	DefaultPath string
	byName      map[string][]int
}

// NewFilter indexes rules. Rules whose syscall is not in arch's table are
// moved to Unresolved.
func NewFilter(name string, arch syscalls.Arch, def Verdict, rules []Rule) (*Filter, error) {
	t, err := syscalls.ForArch(arch)
	if err != nil {
		return nil, err
	}
	f := &Filter{Name: name, Arch: arch, Default: def, byName: map[string][]int{}}
	seen := map[string]bool{}
	for _, r := range rules {
		if _, ok := t.Number(r.Syscall); !ok {
			if !seen[r.Syscall] {
				seen[r.Syscall] = true
				f.Unresolved = append(f.Unresolved, r.Syscall)
				f.UnresolvedPaths = append(f.UnresolvedPaths, r.Path)
			}
			continue
		}
		f.byName[r.Syscall] = append(f.byName[r.Syscall], len(f.Rules))
		f.Rules = append(f.Rules, r)
	}
	return f, nil
}

// RulesFor returns the rules that name syscall, in profile order.
func (f *Filter) RulesFor(syscall string) []Rule {
	idx := f.byName[syscall]
	out := make([]Rule, len(idx))
	for i, j := range idx {
		out[i] = f.Rules[j]
	}
	return out
}

// Conditional reports whether any rule for syscall has argument conditions,
// that is whether the verdict can depend on the arguments.
func (f *Filter) Conditional(syscall string) bool {
	for _, j := range f.byName[syscall] {
		if len(f.Rules[j].Conds) > 0 {
			return true
		}
	}
	return false
}

// Evaluate returns the verdict for syscall called with args. When several
// rules match with different verdicts the most restrictive wins, as the
// kernel does across stacked filters; with none, the default applies.
func (f *Filter) Evaluate(syscall string, args *[6]uint64) Verdict {
	return f.For(syscall).Evaluate(args)
}

// SyscallRules are one syscall's rules in a filter, looked up once to
// evaluate many argument tuples.
type SyscallRules struct {
	def   Verdict
	rules []*Rule
	// With many rules, those with an equality test are indexed by the
	// first one's argument, width and value (a rule can match only the
	// arguments that pass it), the others listed in rest: evaluation
	// looks at the few rules an argument tuple can match, not at all of
	// them for every tuple of the corpus.
	eq     map[eqKey][]int32
	eqArgs []eqKey // the distinct (argument, width) pairs of eq's keys
	rest   []int32
}

// eqKey is an equality test: argument, width (0 or 32) and value.
type eqKey struct {
	arg, bits uint8
	v         uint64
}

// indexFrom is the rule count from which For indexes the rules.
const indexFrom = 32

// For returns the rules of syscall.
func (f *Filter) For(syscall string) SyscallRules {
	idx := f.byName[syscall]
	s := SyscallRules{def: f.Default, rules: make([]*Rule, len(idx))}
	for i, j := range idx {
		s.rules[i] = &f.Rules[j]
	}
	if len(s.rules) >= indexFrom {
		s.index()
	}
	return s
}

func (s *SyscallRules) index() {
	s.eq = map[eqKey][]int32{}
	for i, r := range s.rules {
		k, ok := eqKey{}, false
		for _, c := range r.Conds {
			if c.Op == OpEQ {
				k, ok = eqKey{c.Arg, c.Bits, c.Value}, true
				if c.Bits == 32 {
					k.v &= 0xffffffff
				}
				break
			}
		}
		if !ok {
			s.rest = append(s.rest, int32(i))
			continue
		}
		s.eq[k] = append(s.eq[k], int32(i))
		if a := (eqKey{arg: k.arg, bits: k.bits}); !slices.Contains(s.eqArgs, a) {
			s.eqArgs = append(s.eqArgs, a)
		}
	}
}

// Evaluate is Filter.Evaluate for these rules: of the rules that match,
// the one with the highest action, the first of those in rule order.
func (s SyscallRules) Evaluate(args *[6]uint64) Verdict {
	if s.eq == nil {
		best, found := s.def, false
		for _, r := range s.rules {
			if !matchAll(r.Conds, args) {
				continue
			}
			if !found || r.Verdict.Action > best.Action {
				best, found = r.Verdict, true
			}
		}
		return best
	}
	best, bi := s.def, int32(-1)
	try := func(l []int32) {
		for _, i := range l {
			r := s.rules[i]
			if !matchAll(r.Conds, args) {
				continue
			}
			if bi < 0 || r.Verdict.Action > best.Action || r.Verdict.Action == best.Action && i < bi {
				best, bi = r.Verdict, i
			}
		}
	}
	try(s.rest)
	for _, a := range s.eqArgs {
		x := args[a.arg]
		if a.bits == 32 {
			x &= 0xffffffff
		}
		try(s.eq[eqKey{a.arg, a.bits, x}])
	}
	return best
}

func matchAll(conds []Cond, args *[6]uint64) bool {
	for _, c := range conds {
		if !c.Match(args) {
			return false
		}
	}
	return true
}

// Target is the machine a profile is resolved for. Nothing in this package
// reads the host to fill it.
type Target struct {
	Arch   syscalls.Arch
	Caps   map[string]bool // effective capabilities, "CAP_SYS_ADMIN" form
	Kernel KernelVersion
}

// KernelVersion is a kernel release's major.minor.
type KernelVersion struct {
	Major, Minor int
}

// ParseKernelVersion reads "6.1", "6.1.0-56-cloud-amd64" or "v7.2".
func ParseKernelVersion(s string) (KernelVersion, error) {
	var k KernelVersion
	t := strings.TrimPrefix(s, "v")
	if _, err := fmt.Sscanf(t, "%d.%d", &k.Major, &k.Minor); err != nil || k.Major <= 0 || k.Minor < 0 {
		return KernelVersion{}, fmt.Errorf("invalid kernel version %q (want MAJOR.MINOR, e.g. 6.1)", s)
	}
	return k, nil
}

func (k KernelVersion) String() string { return fmt.Sprintf("%d.%d", k.Major, k.Minor) }

// AtLeast reports whether k >= o.
func (k KernelVersion) AtLeast(o KernelVersion) bool {
	return k.Major > o.Major || (k.Major == o.Major && k.Minor >= o.Minor)
}

// Policy is what a runtime installs on the host: one filter per process or
// thread kind. A syscall reaches the host when any filter lets it.
type Policy struct {
	Name    string
	Arch    syscalls.Arch
	Filters []*Filter
}

// UnknownNames lists the names the policy's rules give that no Linux
// architecture has as a syscall (a typo such as "raed"), in profile order,
// each once. Names of other architectures (socketcall, chown32 in Docker's
// profile) are not listed: libseccomp resolves them and runc skips them
// on an architecture without them, as Filter.Unresolved does here.
func (p *Policy) UnknownNames() []string {
	var out []string
	for _, f := range p.Filters {
		for _, n := range f.Unresolved {
			if !syscalls.Known(n) && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}
