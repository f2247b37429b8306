package seccomp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"sysweight/syscalls"
)

// The Firecracker seccompiler JSON format, as
// firecracker-microvm/firecracker src/seccompiler/src/types.rs (serde) and
// docs/seccompiler.md define it: a map of thread name to
//
//	{"default_action": A, "filter_action": A, "filter": [SyscallRule]}
//
// SyscallRule is {"syscall": NAME, "args": [Cond]?, "comment": ...}; the
// rules are alternatives and the args of one rule are ANDed. Cond is
// {"index": 0..5, "type": "dword"|"qword", "op": OP, "val": u64}. OP is
// "eq", "ne", "lt", "le", "gt", "ge" or {"masked_eq": MASK}, matching
// (arg & MASK) == val. An action A is "allow", "trap", "kill_thread",
// "kill_process", "log", {"errno": N} or {"trace": N}. Unknown fields
// (comments) are ignored, as serde does by default.
type fcFilterDoc struct {
	DefaultAction json.RawMessage `json:"default_action"`
	FilterAction  json.RawMessage `json:"filter_action"`
	Filter        *[]fcRuleDoc    `json:"filter"`
}

type fcRuleDoc struct {
	Syscall *string     `json:"syscall"`
	Comment string      `json:"comment"`
	Args    []fcCondDoc `json:"args"`
}

type fcCondDoc struct {
	Index   *uint64         `json:"index"`
	Type    *string         `json:"type"`
	Op      json.RawMessage `json:"op"`
	Val     *uint64         `json:"val"`
	Comment string          `json:"comment"`
}

// DecodeFirecracker reads a Firecracker seccompiler JSON file into one
// Filter per thread (Filter.Name is the thread name, in the sorted order
// seccompiler's BTreeMap uses). Rule and argument comments are kept in
// Rule.Comment.
//
// "dword" conditions compare the low 32 bits (Cond.Bits = 32). That is
// exact for the in-tree BPF backend of Firecracker ≤ 1.9 and, since the
// libseccomp backend (types.rs to_scmp_type), for "eq", which becomes
// MASKED_EQ 0xffffffff; libseccomp compares the other dword ops on all 64
// bits, which differs only for values or masks of 2^32 and above.
func DecodeFirecracker(r io.Reader, name string, arch syscalls.Arch) (*Policy, error) {
	d, err := readInput(r, name, FormatFirecracker)
	if err != nil {
		return nil, err
	}
	return decodeFirecrackerDoc(d, arch)
}

func decodeFirecrackerDoc(d *doc, arch syscalls.Arch) (*Policy, error) {
	d.format = FormatFirecracker
	if _, err := syscalls.ForArch(arch); err != nil {
		return nil, fmt.Errorf("decoding firecracker profile %s: %w", d.name, err)
	}
	var threads map[string]*fcFilterDoc
	if err := d.unmarshal(&threads); err != nil {
		return nil, err
	}
	if len(threads) == 0 {
		return nil, d.errorf("", fmt.Errorf("%w: no thread filters (want {\"vmm\": {...}, ...})", ErrInvalidProfile))
	}
	names := make([]string, 0, len(threads))
	for n := range threads {
		names = append(names, n)
	}
	sort.Strings(names)
	p := &Policy{Name: d.name, Arch: arch}
	for _, th := range names {
		f, err := fcFilter(d, arch, th, threads[th])
		if err != nil {
			return nil, err
		}
		p.Filters = append(p.Filters, f)
	}
	return p, nil
}

func fcFilter(d *doc, arch syscalls.Arch, th string, fd *fcFilterDoc) (*Filter, error) {
	base := keySegment(th, true)
	if fd == nil {
		return nil, d.errorf(base, fmt.Errorf("%w: null thread filter (want an object)", ErrInvalidProfile))
	}
	def, err := fcAction(fd.DefaultAction)
	if err != nil {
		return nil, d.errorf(base+".default_action", err)
	}
	match, err := fcAction(fd.FilterAction)
	if err != nil {
		return nil, d.errorf(base+".filter_action", err)
	}
	if fd.Filter == nil {
		return nil, d.errorf(base, fmt.Errorf("%w: filter missing (want an array of rules)", ErrInvalidProfile))
	}
	var rules []Rule
	for i, r := range *fd.Filter {
		here := fmt.Sprintf("%s.filter[%d]", base, i)
		if r.Syscall == nil || *r.Syscall == "" {
			return nil, d.errorf(here, fmt.Errorf("%w: syscall missing (want a syscall name)", ErrInvalidProfile))
		}
		rule := Rule{Syscall: *r.Syscall, Verdict: match, Comment: r.Comment, Path: here + ".syscall"}
		var notes []string
		for j, a := range r.Args {
			at := fmt.Sprintf("%s.args[%d]", here, j)
			c, field, err := fcCond(a)
			if err != nil {
				if field != "" {
					at += "." + field
				}
				return nil, d.errorf(at, err)
			}
			rule.Conds = append(rule.Conds, c)
			if a.Comment != "" {
				notes = append(notes, fmt.Sprintf("arg%d: %s", c.Arg, a.Comment))
			}
		}
		if len(notes) > 0 {
			rule.Comment = strings.Join(append(nonEmpty(rule.Comment), notes...), "; ")
		}
		rules = append(rules, rule)
	}
	f, err := NewFilter(th, arch, def, rules)
	if err != nil {
		return nil, err
	}
	f.DefaultPath = base + ".default_action"
	return f, nil
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// fcCond converts one condition; field names the offending field.
func fcCond(a fcCondDoc) (Cond, string, error) {
	if a.Index == nil {
		return Cond{}, "", fmt.Errorf("%w: index missing (want 0..5)", ErrInvalidProfile)
	}
	if err := checkArgIndex(*a.Index); err != nil {
		return Cond{}, "index", err
	}
	c := Cond{Arg: uint8(*a.Index)}
	switch {
	case a.Type == nil:
		return Cond{}, "", fmt.Errorf("%w: type missing (want \"dword\" or \"qword\")", ErrInvalidProfile)
	case *a.Type == "dword":
		c.Bits = 32
	case *a.Type == "qword":
	default:
		return Cond{}, "type", fmt.Errorf("%w: argument type %q (want \"dword\" or \"qword\")", ErrInvalidProfile, *a.Type)
	}
	if a.Val == nil {
		return Cond{}, "", fmt.Errorf("%w: val missing (want an unsigned integer)", ErrInvalidProfile)
	}
	op, mask, err := fcOp(a.Op)
	if err != nil {
		return Cond{}, "op", err
	}
	c.Op = op
	if op == OpMaskedEQ {
		c.Value, c.ValueTwo = mask, *a.Val
	} else {
		c.Value = *a.Val
	}
	return c, "", nil
}

const fcOpList = `"eq", "ne", "lt", "le", "gt", "ge" or {"masked_eq": MASK}`

var fcOps = map[string]Op{"eq": OpEQ, "ne": OpNE, "lt": OpLT, "le": OpLE, "gt": OpGT, "ge": OpGE}

func fcOp(raw json.RawMessage) (Op, uint64, error) {
	if isNull(raw) {
		return 0, 0, fmt.Errorf("%w: op missing (want %s)", ErrInvalidProfile, fcOpList)
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if op, ok := fcOps[s]; ok {
			return op, 0, nil
		}
		return 0, 0, fmt.Errorf("%w %q (want %s)", ErrUnknownOp, s, fcOpList)
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil || len(m) != 1 {
		return 0, 0, fmt.Errorf("%w %s (want %s)", ErrUnknownOp, compact(raw), fcOpList)
	}
	mraw, ok := m["masked_eq"]
	if !ok {
		return 0, 0, fmt.Errorf("%w %s (want %s)", ErrUnknownOp, compact(raw), fcOpList)
	}
	var mask uint64
	if err := json.Unmarshal(mraw, &mask); err != nil {
		return 0, 0, fmt.Errorf("%w: masked_eq mask %s (want an unsigned 64-bit integer)", ErrInvalidProfile, compact(mraw))
	}
	return OpMaskedEQ, mask, nil
}

const fcActionList = `"allow", "trap", "kill_thread", "kill_process", "log", {"errno": N} or {"trace": N}`

var fcActions = map[string]Action{
	"allow": ActAllow, "trap": ActTrap, "kill_thread": ActKillThread, "kill_process": ActKillProcess, "log": ActLog,
}

func fcAction(raw json.RawMessage) (Verdict, error) {
	if isNull(raw) {
		return Verdict{}, fmt.Errorf("%w: action missing (want %s)", ErrInvalidProfile, fcActionList)
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if a, ok := fcActions[s]; ok {
			return Verdict{Action: a}, nil
		}
		return Verdict{}, fmt.Errorf("%w %q (want %s)", ErrUnknownAction, s, fcActionList)
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil || len(m) != 1 {
		return Verdict{}, fmt.Errorf("%w %s (want %s)", ErrUnknownAction, compact(raw), fcActionList)
	}
	var k string
	var v json.RawMessage
	for k, v = range m {
	}
	var a Action
	switch k {
	case "errno":
		a = ActErrno
	case "trace":
		a = ActTrace
	default:
		return Verdict{}, fmt.Errorf("%w %s (want %s)", ErrUnknownAction, compact(raw), fcActionList)
	}
	// types.rs: Errno(u16), Trace(u16).
	var n uint16
	if err := json.Unmarshal(v, &n); err != nil {
		return Verdict{}, fmt.Errorf("%w: %s value %s (want 0..65535)", ErrInvalidProfile, k, compact(v))
	}
	if a == ActErrno {
		return Verdict{Action: a, Errno: uint32(n)}, nil
	}
	return Verdict{Action: a}, nil
}

func isNull(raw json.RawMessage) bool {
	return len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null"
}

func compact(raw json.RawMessage) string {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return string(raw)
	}
	if b.Len() > 60 {
		return b.String()[:60] + "…"
	}
	return b.String()
}
