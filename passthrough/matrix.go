package passthrough

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"sysweight/exposure"
	"sysweight/internal/atomicfile"
	"sysweight/internal/jsonpos"
	"sysweight/syscalls"
)

// Runtime names accepted by Run.
const (
	RuncDocker     = "runc-docker"     // runc, Docker's default seccomp profile and capabilities
	RuncUnconfined = "runc-unconfined" // runc without seccomp (Docker's --security-opt seccomp=unconfined, Kubernetes' default)
	CrunPodman     = "crun-podman"     // crun, Podman's default seccomp profile and capabilities
	RunscSystrap   = "gvisor-systrap"  // gVisor's runsc, systrap platform, no network
	RunscPtrace    = "gvisor-ptrace"   // gVisor's runsc, ptrace platform, no network
	QemuTCG        = "qemu-tcg"        // the probe in a QEMU guest under TCG; the host sees QEMU
)

// Renamed maps the names of earlier releases to today's, which are the
// built-ins' (runtimes.Lookup): a measurement of R is the built-in
// R@measured.
var Renamed = map[string]string{"runsc-systrap": RunscSystrap, "runsc-ptrace": RunscPtrace}

// Runtimes lists the runtime names in a stable order.
func Runtimes() []string {
	return []string{RuncDocker, RuncUnconfined, CrunPodman, RunscSystrap, RunscPtrace, QemuTCG}
}

// Sentinel errors.
var (
	ErrNotSupportedOnOS = errors.New("pass-through experiments need Linux")
	ErrUnknownRuntime   = errors.New("unknown runtime")
	ErrMissing          = errors.New("missing prerequisite") // a runtime, tool, profile or privilege
	ErrProbe            = errors.New("bad probe output")
	ErrTraceLine        = errors.New("bad trace line")
	ErrOptions          = errors.New("bad pass-through options")
)

// SchemaVersion is the version of Matrix's JSON form.
const SchemaVersion = 1

// Reach says whether a guest call reached the host kernel as itself.
type Reach string

const (
	Yes     Reach = "yes"
	No      Reach = "no"
	Unknown Reach = "unknown" // the window was incomplete or lost events
)

// Matrix is the result of one pass-through run.
type Matrix struct {
	Schema  int           `json:"schema"`
	Runtime string        `json:"runtime"`
	Arch    syscalls.Arch `json:"arch"`
	Date    string        `json:"date"` // UTC, RFC 3339
	// HostKernel is the host's uname release.
	HostKernel string `json:"host_kernel"`
	// Versions of the runtime and its pieces (runc, runsc, qemu, guest
	// kernel, seccomp profile source).
	Versions map[string]string `json:"versions"`
	Notes    []string          `json:"notes,omitempty"`
	// Sandbox is what the probe saw from inside.
	Sandbox Hello  `json:"sandbox"`
	Calls   []Call `json:"calls"`
	Skipped []Skip `json:"skipped,omitempty"`
	// Baseline is the per host syscall maximum over the nop windows.
	Baseline        map[string]uint64 `json:"baseline"`
	BaselineWindows int               `json:"baseline_windows"`
	// WindowHost counts host syscalls over all windows, baseline ones
	// included: what the sandbox's tree did while the probe ran.
	WindowHost map[string]uint64 `json:"window_host"`
	// RunHost counts host syscalls over the whole run: runtime start-up
	// and tear-down included.
	RunHost map[string]uint64 `json:"run_host"`
	// ProbeRun counts host syscalls from the probe's hello line to its
	// done line, when the sandbox is up (gVisor's filters are in) and the
	// probe runs, by the role of the process that made them (Role…): the
	// launcher is the process passthrough started (the runc or runsc front
	// end, the shell that starts crun, or QEMU itself); gVisor's Sentry and
	// Gofer are found in /proc when the probe says hello, and its stubs are
	// the processes the Sentry forks.
	ProbeRun map[string]map[string]uint64 `json:"probe_run,omitempty"`
	// Lost is the number of events the trace buffer dropped (LOST lines).
	Lost        uint64  `json:"lost"`
	WallSeconds float64 `json:"wall_seconds"`
}

// Hello is the probe's description of the sandbox.
type Hello struct {
	Uname    map[string]string `json:"uname,omitempty"`
	GVisor   bool              `json:"gvisor"`
	Evidence []string          `json:"evidence,omitempty"`
	// TableKernel is the kernel release of the probe's syscall table.
	TableKernel string `json:"table_kernel,omitempty"`
}

// Call is one guest syscall's row of the matrix.
type Call struct {
	Syscall string    `json:"syscall"`
	Nr      int       `json:"nr"`
	Args    [6]uint64 `json:"args"`
	Inside  Inside    `json:"inside"`
	Reached Reach     `json:"reached"`
	// Why explains an Unknown.
	Why string `json:"why,omitempty"`
	// AsItself counts sys_enter events in the window with the call's
	// number and arguments; SameNr those with its number and other
	// arguments (the sandbox's own use of the syscall).
	AsItself uint64            `json:"as_itself"`
	SameNr   uint64            `json:"same_nr,omitempty"`
	Window   map[string]uint64 `json:"window,omitempty"`
	Induced  map[string]uint64 `json:"induced,omitempty"`
}

// Inside is what the sandbox answered the probe.
type Inside struct {
	// Outcome: returned (Ret or Errno set), signal, exit (the child died
	// another way, e.g. the Go runtime's report of a SIGILL), timeout
	// (blocked until killed), error (the child could not run).
	Outcome string `json:"outcome"`
	Ret     *int64 `json:"ret,omitempty"`
	Errno   string `json:"errno,omitempty"`
	Signal  string `json:"signal,omitempty"`
	Exit    *int   `json:"exit,omitempty"`
	// Emulated is set when the probe found itself under gVisor, whose
	// Sentry serves every call.
	Emulated bool `json:"emulated,omitempty"`
}

// Skip is a syscall the probe did not invoke.
type Skip struct {
	Syscall string `json:"syscall"`
	Reason  string `json:"reason"`
}

// ProbeLine is one JSON line of cmd/sysweight-probe.
type ProbeLine struct {
	Event    string            `json:"event"`
	Seq      int               `json:"seq"`
	Name     string            `json:"name"`
	Nr       *int              `json:"nr"`
	Args     []uint64          `json:"args"`
	Ret      *int64            `json:"ret"`
	Errno    string            `json:"errno"`
	Outcome  string            `json:"outcome"`
	Signal   string            `json:"signal"`
	Exit     *int              `json:"exit"`
	Reason   string            `json:"reason"`
	Uname    map[string]string `json:"uname"`
	GVisor   *bool             `json:"gvisor"`
	Evidence []string          `json:"evidence"`
	Calls    *int              `json:"calls"`
	Kernel   string            `json:"table_kernel"`
}

// Nop is the probe's name for a baseline window.
const Nop = "nop"

// ParseProbeLine decodes one line of probe output. Lines without a probe
// record (a guest kernel's console messages, a tty's echo) return ok false
// and no error; a record that does not decode is an error. Text before the
// record is skipped: on a serial console, a tty echo or console message can
// land in front of it.
func ParseProbeLine(b []byte) (l ProbeLine, ok bool, err error) {
	i := bytes.Index(b, []byte(`{"event":`))
	if i < 0 {
		return l, false, nil
	}
	b = bytes.TrimSpace(b[i:])
	if err := json.Unmarshal(b, &l); err != nil {
		return l, false, fmt.Errorf("%w: %v in %q", ErrProbe, err, clip(b))
	}
	switch l.Event {
	case "hello", "done", "error":
	case "begin", "end", "result":
		if l.Seq <= 0 || l.Name == "" {
			return l, false, fmt.Errorf("%w: %s line without seq or name in %q", ErrProbe, l.Event, clip(b))
		}
		if l.Event == "begin" && (l.Nr == nil || len(l.Args) != 6) {
			return l, false, fmt.Errorf("%w: begin line without nr or six args in %q", ErrProbe, clip(b))
		}
	case "skip":
		if l.Name == "" {
			return l, false, fmt.Errorf("%w: skip line without name in %q", ErrProbe, clip(b))
		}
	default:
		return l, false, fmt.Errorf("%w: event %q: want hello, begin, end, result, skip, done or error", ErrProbe, l.Event)
	}
	return l, true, nil
}

func clip(b []byte) string {
	if len(b) > 120 {
		return string(b[:120]) + "…"
	}
	return string(b)
}

// Exposure is the measured exposure: every host syscall seen inside a
// probe window (the sandbox's tree at work for the probe) and every guest
// call that reached the host as itself, at degree 1. Via says which.
func (m *Matrix) Exposure() (*exposure.Exposure, error) {
	t, err := syscalls.ForArch(m.Arch)
	if err != nil {
		return nil, err
	}
	asItself := map[string]bool{}
	for _, c := range m.Calls {
		if c.Reached == Yes {
			asItself[c.Syscall] = true
		}
	}
	prov := exposure.Provenance{
		Source:  exposure.PassThrough,
		Origin:  "sysweight-probe under " + m.Runtime + ", host traced with tracefs raw_syscalls:sys_enter",
		Version: versionString(m.Versions),
		Date:    dateOnly(m.Date),
		Notes: []string{
			"host kernel " + m.HostKernel,
			fmt.Sprintf("%d guest syscalls invoked, %d skipped, %d reached the host as themselves", len(m.Calls), len(m.Skipped), len(asItself)),
		},
	}
	prov.Notes = append(prov.Notes, m.Notes...)
	if m.Lost > 0 {
		prov.Notes = append(prov.Notes, fmt.Sprintf("%d trace events lost: the set is a lower bound", m.Lost))
	}
	var entries []exposure.Entry
	names := map[string]bool{}
	for n := range m.WindowHost {
		names[n] = true
	}
	for n := range asItself {
		names[n] = true
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	for _, n := range sorted {
		if _, ok := t.Number(n); !ok {
			prov.Notes = append(prov.Notes, fmt.Sprintf("host syscall %s is not in the %s table", n, m.Arch))
			continue
		}
		var via []string
		if asItself[n] {
			via = append(via, "guest call reached the host as itself")
		}
		if m.WindowHost[n] > 0 {
			via = append(via, fmt.Sprintf("made by the sandbox's host processes during probe windows (%d times)", m.WindowHost[n]))
		}
		entries = append(entries, exposure.Entry{Syscall: n, Degree: 1, Via: via})
	}
	return exposure.New(m.Runtime+"@measured", m.Arch, prov, entries)
}

// ErrMatrix is wrapped by DecodeMatrix's errors about the content of a
// matrix file (JSON errors carry their line and column instead).
var ErrMatrix = errors.New("bad pass-through matrix")

// DecodeMatrix reads a Matrix as WriteFiles writes it (RUNTIME.json).
// Unknown fields, another schema version, an architecture without a
// syscall table and a matrix without a runtime are errors; errors name
// name, and JSON errors their line and column.
func DecodeMatrix(b []byte, name string) (*Matrix, error) {
	var m Matrix
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: %w", name, jsonpos.Place(b, err))
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: %w: more than one JSON value", name, ErrMatrix)
	}
	if m.Schema != SchemaVersion {
		return nil, fmt.Errorf("%s: %w: schema %d, want %d", name, ErrMatrix, m.Schema, SchemaVersion)
	}
	if _, err := syscalls.ForArch(m.Arch); err != nil {
		return nil, fmt.Errorf("%s: %w: arch: %v", name, ErrMatrix, err)
	}
	if m.Runtime == "" {
		return nil, fmt.Errorf("%s: %w: no runtime", name, ErrMatrix)
	}
	return &m, nil
}

// versionText keeps the version lines of a tool's --version output, at most
// four ("runc version 1.1.5+ds1; commit: …; spec: …; go: …"), joined by
// "; ". Copyright lines are not versions: QEMU prints one under its
// version.
func versionText(out string) string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "Copyright") || len(lines) == 4 {
			continue
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "; ")
}

func versionString(v map[string]string) string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+" "+v[k])
	}
	return strings.Join(parts, "; ")
}

func dateOnly(rfc string) string {
	if len(rfc) >= 10 {
		return rfc[:10]
	}
	return rfc
}

// WriteFiles writes m as DIR/RUNTIME.json and its Exposure as
// DIR/RUNTIME.exposure.json, each through a temporary file renamed into
// place, so that a reader never sees half a file.
func WriteFiles(dir string, m *Matrix) (matrixPath, exposurePath string, err error) {
	e, err := m.Exposure()
	if err != nil {
		return "", "", err
	}
	matrixPath = filepath.Join(dir, m.Runtime+".json")
	exposurePath = filepath.Join(dir, m.Runtime+".exposure.json")
	if err := writeJSON(matrixPath, m); err != nil {
		return "", "", err
	}
	if err := writeJSON(exposurePath, e); err != nil {
		return "", "", err
	}
	return matrixPath, exposurePath, nil
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding %s: %w", path, err)
	}
	return atomicfile.WriteFile(path, append(b, '\n'))
}
