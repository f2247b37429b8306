package main

// The JSON written here is read by sysweight/seccomp.DecodeGVisor. Keep the
// two in step: any change to these types bumps schemaVersion, and
// seccomp's gvisorSchema with it (sysweight/seccomp's TestGVisorSchemaPin
// fails while they differ).

const schemaVersion = 1

// File is one variant's output.
type File struct {
	Schema      int      `json:"schema"`
	GVisor      Source   `json:"gvisor"`
	GeneratedBy string   `json:"generated_by"`
	Variant     string   `json:"variant"`
	Description string   `json:"description"`
	RunscFlags  []string `json:"runsc_flags"`
	Options     Options  `json:"options"`
	Arch        string   `json:"arch"`
	Filters     []Filter `json:"filters"`
	Approx      []Approx `json:"approximations"`
	Notes       []string `json:"notes"`
}

// Source names the pinned gVisor module. Date is the commit time encoded in
// the pseudo-version, so the output carries no clock of its own.
type Source struct {
	Module  string `json:"module"`
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Date    string `json:"date"`
}

// Options records the gVisor option structs each filter was computed from,
// field by field under gVisor's own field names.
type Options struct {
	Sentry map[string]any `json:"sentry"`
	Gofer  map[string]any `json:"gofer"`
}

// Filter is one process's seccomp program. gVisor checks Deny first (first
// matching RuleSet wins), then Rules; anything else gets Default.
type Filter struct {
	Name     string `json:"name"`
	Process  string `json:"process"`
	Default  string `json:"default"`
	BadArch  string `json:"bad_arch"`
	Deny     []Rule `json:"deny"`
	Rules    []Rule `json:"rules"`
	NumAllow int    `json:"num_allowed_syscalls"`
}

// Rule lists, for one syscall, the alternatives (OR) of conjunctions (AND)
// of argument comparisons that give Action. An empty conjunction always
// holds, so [[]] means "unconditional".
type Rule struct {
	Syscall      string   `json:"syscall"`
	Nr           int64    `json:"nr"`
	Action       string   `json:"action"`
	Alternatives [][]Cond `json:"alternatives"`
}

// Cond is one comparison of a 64-bit syscall argument, unsigned. For
// masked_eq, (arg & value) == value_two. Values are hex strings so masks
// read as masks and no JSON reader rounds them.
type Cond struct {
	Arg      int    `json:"arg"`
	Op       string `json:"op"`
	Value    string `json:"value"`
	ValueTwo string `json:"value_two,omitempty"`
}

// Approx records a gVisor matcher that the output widens to "any value".
type Approx struct {
	Filter  string `json:"filter"`
	Syscall string `json:"syscall"`
	Nr      int64  `json:"nr"`
	Operand string `json:"operand"` // "arg0".."arg5" or "rip"
	Matcher string `json:"matcher"`
	Reason  string `json:"reason"`
}
