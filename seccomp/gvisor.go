package seccomp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"sysweight/internal/infile"
	"sysweight/syscalls"
)

// FormatGVisor is sysweight's JSON form of gVisor's own host seccomp rules,
// written by tools/gvisor-rules into runtimes/data/gvisor.
const FormatGVisor Format = "gvisor"

// gvisorSchema is the schema version tools/gvisor-rules writes (its
// model.go schemaVersion, in a separate module that cannot share the
// constant); the two change together, and TestGVisorSchemaPin fails when
// they differ.
const gvisorSchema = 1

// The document, as tools/gvisor-rules/model.go writes it. Pointers mark
// fields that must be present; unknown fields are rejected, since this is
// our own format and a stray field means the two sides drifted.
type gvDoc struct {
	Schema      *int            `json:"schema"`
	GVisor      *gvSource       `json:"gvisor"`
	GeneratedBy string          `json:"generated_by"`
	Variant     *string         `json:"variant"`
	Description string          `json:"description"`
	RunscFlags  []string        `json:"runsc_flags"`
	Options     json.RawMessage `json:"options"`
	Arch        *string         `json:"arch"`
	Filters     []gvFilterDoc   `json:"filters"`
	Approx      []GVisorApprox  `json:"approximations"`
	Notes       []string        `json:"notes"`
}

type gvSource struct {
	Module  string `json:"module"`
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Date    string `json:"date"`
}

type gvFilterDoc struct {
	Name     string      `json:"name"`
	Process  string      `json:"process"`
	Default  *string     `json:"default"`
	BadArch  *string     `json:"bad_arch"`
	Deny     []gvRuleDoc `json:"deny"`
	Rules    []gvRuleDoc `json:"rules"`
	NumAllow *int        `json:"num_allowed_syscalls"`
}

type gvRuleDoc struct {
	Syscall      string        `json:"syscall"`
	Nr           *int64        `json:"nr"`
	Action       string        `json:"action"`
	Alternatives [][]gvCondDoc `json:"alternatives"`
}

type gvCondDoc struct {
	Arg      *int   `json:"arg"`
	Op       string `json:"op"`
	Value    string `json:"value"`
	ValueTwo string `json:"value_two"`
}

// GVisorApprox is a gVisor matcher that the rule file widens to "any
// value" (a comparison with a runtime value such as the Sentry's PID, or
// with the instruction pointer).
type GVisorApprox struct {
	Filter  string `json:"filter"`
	Syscall string `json:"syscall"`
	Nr      int64  `json:"nr"`
	Operand string `json:"operand"`
	Matcher string `json:"matcher"`
	Reason  string `json:"reason"`
}

// GVisorRuleSet is a decoded gVisor rule file: the Policy and what it was
// computed from.
type GVisorRuleSet struct {
	Variant        string // e.g. "gvisor-systrap"
	Description    string
	Module         string // "gvisor.dev/gvisor"
	Version        string // the pinned pseudo-version
	RunscFlags     []string
	Approximations []GVisorApprox
	Policy         *Policy // one Filter per process: "sentry", "gofer"
}

// DecodeGVisor reads a gVisor rule file (runtimes/data/gvisor/*.json) into
// a Policy with one Filter per process. Each alternative of a syscall
// becomes one Rule; "deny" entries become Rules with their (killing)
// verdict, so Filter.Evaluate's "most restrictive match wins" gives
// gVisor's "deny list first" result. nr -1 (the KVM platform's
// return-to-host call) is no kernel syscall and lands in
// Filter.Unresolved.
func DecodeGVisor(r io.Reader, name string) (*Policy, error) {
	rs, err := DecodeGVisorRuleSet(r, name)
	if err != nil {
		return nil, err
	}
	return rs.Policy, nil
}

// DecodeGVisorFile is DecodeGVisorRuleSet for a file.
func DecodeGVisorFile(path string) (*GVisorRuleSet, error) {
	f, err := infile.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return DecodeGVisorRuleSet(f, path)
}

// DecodeGVisorRuleSet is DecodeGVisor keeping the file's metadata and
// approximations.
func DecodeGVisorRuleSet(r io.Reader, name string) (*GVisorRuleSet, error) {
	d, err := readInput(r, name, FormatGVisor)
	if err != nil {
		return nil, err
	}
	var gd gvDoc
	dec := json.NewDecoder(bytes.NewReader(d.data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&gd); err != nil {
		if strings.HasPrefix(err.Error(), "json: unknown field ") {
			return nil, d.errAt(dec.InputOffset(), "", fmt.Errorf("%w: %s", ErrInvalidProfile, strings.TrimPrefix(err.Error(), "json: ")))
		}
		return nil, d.jsonErr(err, 0)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, d.errAt(dec.InputOffset(), "", fmt.Errorf("%w: data after the JSON object", ErrInvalidProfile))
	}
	invalid := func(path, format string, args ...any) error {
		return d.errorf(path, fmt.Errorf("%w: "+format, append([]any{ErrInvalidProfile}, args...)...))
	}
	switch {
	case gd.Schema == nil:
		return nil, invalid("", "schema missing (want %d)", gvisorSchema)
	case *gd.Schema != gvisorSchema:
		return nil, invalid("schema", "schema %d (want %d; regenerate with tools/gvisor-rules)", *gd.Schema, gvisorSchema)
	case gd.GVisor == nil || gd.GVisor.Module != "gvisor.dev/gvisor" || gd.GVisor.Version == "":
		return nil, invalid("gvisor", "want {\"module\": \"gvisor.dev/gvisor\", \"version\": ...}")
	case gd.Variant == nil || *gd.Variant == "":
		return nil, invalid("", "variant missing (want e.g. \"gvisor-systrap\")")
	case gd.Arch == nil:
		return nil, invalid("", "arch missing (want \"x86_64\")")
	case len(gd.Filters) == 0:
		return nil, invalid("filters", "no filters (want the sentry's and the gofer's)")
	}
	arch, err := syscalls.ParseArch(*gd.Arch)
	if err != nil {
		return nil, d.errorf("arch", fmt.Errorf("%w: %w", ErrUnknownArchName, err))
	}
	table, err := syscalls.ForArch(arch)
	if err != nil {
		return nil, d.errorf("arch", err)
	}
	pol := &Policy{Name: *gd.Variant, Arch: arch}
	rulesOf := map[string]map[int64]string{} // filter → nr → syscall, to check approximations
	for i, fd := range gd.Filters {
		f, nrs, err := gvFilter(d, table, arch, fmt.Sprintf("filters[%d]", i), fd)
		if err != nil {
			return nil, err
		}
		if _, dup := rulesOf[fd.Name]; dup {
			return nil, invalid(fmt.Sprintf("filters[%d].name", i), "filter %q appears twice", fd.Name)
		}
		rulesOf[fd.Name] = nrs
		pol.Filters = append(pol.Filters, f)
	}
	for i, a := range gd.Approx {
		at := fmt.Sprintf("approximations[%d]", i)
		nrs, ok := rulesOf[a.Filter]
		switch {
		case !ok:
			return nil, invalid(at+".filter", "filter %q is not in filters", a.Filter)
		case nrs[a.Nr] != a.Syscall || a.Syscall == "":
			return nil, invalid(at, "syscall %q (nr %d) has no rule in filter %s", a.Syscall, a.Nr, a.Filter)
		case !validOperand(a.Operand):
			return nil, invalid(at+".operand", "%q (want arg0..arg5 or rip)", a.Operand)
		case a.Reason == "":
			return nil, invalid(at, "reason missing")
		}
		for _, f := range pol.Filters {
			if f.Name != a.Filter {
				continue
			}
			for _, j := range f.byName[a.Syscall] {
				f.Rules[j].Comment = appendNote(f.Rules[j].Comment, "widened: "+a.Operand+" "+a.Matcher)
			}
		}
	}
	return &GVisorRuleSet{
		Variant:        *gd.Variant,
		Description:    gd.Description,
		Module:         gd.GVisor.Module,
		Version:        gd.GVisor.Version,
		RunscFlags:     gd.RunscFlags,
		Approximations: gd.Approx,
		Policy:         pol,
	}, nil
}

func validOperand(s string) bool {
	return s == "rip" || len(s) == 4 && strings.HasPrefix(s, "arg") && s[3] >= '0' && s[3] <= '5'
}

func appendNote(c, note string) string {
	if c == "" {
		return note
	}
	if strings.Contains(c, note) {
		return c
	}
	return c + "; " + note
}

// gvFilter decodes one filter; nrs maps each syscall number with a rule
// (allow or deny) to its name.
func gvFilter(d *doc, t *syscalls.Table, arch syscalls.Arch, at string, fd gvFilterDoc) (*Filter, map[int64]string, error) {
	invalid := func(path, format string, args ...any) error {
		return d.errorf(path, fmt.Errorf("%w: "+format, append([]any{ErrInvalidProfile}, args...)...))
	}
	if fd.Name == "" {
		return nil, nil, invalid(at, "name missing (want \"sentry\" or \"gofer\")")
	}
	if fd.Default == nil {
		return nil, nil, invalid(at, "default missing (want an action such as \"kill_process\")")
	}
	def, err := gvAction(*fd.Default)
	if err != nil {
		return nil, nil, d.errorf(at+".default", err)
	}
	if def.Action.ReachesKernel() {
		return nil, nil, invalid(at+".default", "%s: gVisor's default action never lets a syscall through", def)
	}
	if fd.BadArch == nil {
		return nil, nil, invalid(at, "bad_arch missing")
	}
	if _, err := gvAction(*fd.BadArch); err != nil {
		return nil, nil, d.errorf(at+".bad_arch", err)
	}
	if fd.NumAllow == nil || *fd.NumAllow != len(fd.Rules) {
		return nil, nil, invalid(at, "num_allowed_syscalls does not equal the %d rules", len(fd.Rules))
	}
	nrs := map[int64]string{}
	var rules []Rule
	for _, list := range []struct {
		key   string
		items []gvRuleDoc
	}{{"deny", fd.Deny}, {"rules", fd.Rules}} {
		prev := int64(-2)
		for i, rd := range list.items {
			here := fmt.Sprintf("%s.%s[%d]", at, list.key, i)
			if rd.Nr == nil {
				return nil, nil, invalid(here, "nr missing")
			}
			nr := *rd.Nr
			if nr <= prev {
				return nil, nil, invalid(here+".nr", "%d after %d (want strictly increasing numbers)", nr, prev)
			}
			prev = nr
			if err := gvCheckName(t, arch, rd.Syscall, nr); err != nil {
				return nil, nil, d.errorf(here, err)
			}
			if old, ok := nrs[nr]; ok && old != rd.Syscall {
				return nil, nil, invalid(here, "nr %d named %q here and %q elsewhere", nr, rd.Syscall, old)
			}
			nrs[nr] = rd.Syscall
			v, err := gvAction(rd.Action)
			if err != nil {
				return nil, nil, d.errorf(here+".action", err)
			}
			if list.key == "rules" && v.Action != ActAllow {
				return nil, nil, invalid(here+".action", "%s in rules (want allow; denials go in deny)", v)
			}
			if list.key == "deny" && v.Action.ReachesKernel() {
				return nil, nil, invalid(here+".action", "%s in deny (want a blocking action)", v)
			}
			if len(rd.Alternatives) == 0 {
				return nil, nil, invalid(here+".alternatives", "empty (want [[]] for unconditional)")
			}
			for j, alt := range rd.Alternatives {
				r := Rule{Syscall: rd.Syscall, Verdict: v, Path: here + ".syscall"}
				for k, cd := range alt {
					c, field, err := gvCond(cd)
					if err != nil {
						p := fmt.Sprintf("%s.alternatives[%d][%d]", here, j, k)
						if field != "" {
							p += "." + field
						}
						return nil, nil, d.errorf(p, err)
					}
					r.Conds = append(r.Conds, c)
				}
				rules = append(rules, r)
			}
		}
	}
	f, err := NewFilter(fd.Name, arch, def, rules)
	if err != nil {
		return nil, nil, d.errorf(at, err)
	}
	f.DefaultPath = at + ".default"
	return f, nrs, nil
}

// gvCheckName checks that name and nr agree with the syscall table. The
// names come from gVisor's table and the numbers from its rules, so this
// checks gVisor's naming against ours. A negative nr is no syscall; its
// name must then be outside the table.
func gvCheckName(t *syscalls.Table, arch syscalls.Arch, name string, nr int64) error {
	if name == "" {
		return fmt.Errorf("%w: syscall missing", ErrInvalidProfile)
	}
	if nr < -1 {
		return fmt.Errorf("%w: nr %d (want -1 or a syscall number)", ErrInvalidProfile, nr)
	}
	want, known := t.Number(name)
	switch {
	case nr < 0 && known:
		return fmt.Errorf("%w: %s has nr %d on %s, not %d", ErrInvalidProfile, name, want, arch, nr)
	case nr >= 0 && !known:
		return fmt.Errorf("%w: syscall %q not in the %s table (nr %d)", ErrInvalidProfile, name, arch, nr)
	case nr >= 0 && int64(want) != nr:
		return fmt.Errorf("%w: %s has nr %d on %s, not %d", ErrInvalidProfile, name, want, arch, nr)
	}
	return nil
}

// gvAction accepts the lower-case action names the generator writes.
func gvAction(s string) (Verdict, error) {
	switch s {
	case "allow", "kill_process", "kill_thread", "trap":
		a, err := ParseAction(s)
		return Verdict{Action: a}, err
	}
	return Verdict{}, fmt.Errorf("%w %q (want allow, kill_process, kill_thread or trap)", ErrUnknownAction, s)
}

var gvOps = map[string]Op{"eq": OpEQ, "ne": OpNE, "lt": OpLT, "le": OpLE, "ge": OpGE, "gt": OpGT, "masked_eq": OpMaskedEQ}

// gvCond decodes one comparison; field names the offending field.
func gvCond(cd gvCondDoc) (Cond, string, error) {
	if cd.Arg == nil {
		return Cond{}, "", fmt.Errorf("%w: arg missing", ErrInvalidProfile)
	}
	if *cd.Arg < 0 || *cd.Arg > 5 {
		return Cond{}, "arg", fmt.Errorf("%w: %d (want 0..5)", ErrArgIndex, *cd.Arg)
	}
	op, ok := gvOps[cd.Op]
	if !ok {
		return Cond{}, "op", fmt.Errorf("%w %q (want eq, ne, lt, le, ge, gt or masked_eq)", ErrUnknownOp, cd.Op)
	}
	v, err := gvHex(cd.Value)
	if err != nil {
		return Cond{}, "value", err
	}
	c := Cond{Arg: uint8(*cd.Arg), Op: op, Value: v}
	switch {
	case op == OpMaskedEQ && cd.ValueTwo == "":
		return Cond{}, "", fmt.Errorf("%w: masked_eq without value_two", ErrInvalidProfile)
	case op != OpMaskedEQ && cd.ValueTwo != "":
		return Cond{}, "value_two", fmt.Errorf("%w: value_two with op %s (only masked_eq has one)", ErrInvalidProfile, cd.Op)
	case op == OpMaskedEQ:
		if c.ValueTwo, err = gvHex(cd.ValueTwo); err != nil {
			return Cond{}, "value_two", err
		}
	}
	return c, "", nil
}

var errGVHex = errors.New("want a hex string such as \"0x1f\"")

func gvHex(s string) (uint64, error) {
	h, ok := strings.CutPrefix(s, "0x")
	if !ok || h == "" || strings.HasPrefix(h, "+") {
		return 0, fmt.Errorf("%w: %q: %w", ErrInvalidProfile, s, errGVHex)
	}
	v, err := strconv.ParseUint(h, 16, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %q: %w", ErrInvalidProfile, s, errGVHex)
	}
	return v, nil
}
