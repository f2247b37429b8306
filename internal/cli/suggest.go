package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"sysweight/exposure"
	"sysweight/internal/infile"
	"sysweight/internal/jsonpos"
	"sysweight/passthrough"
	"sysweight/report"
	"sysweight/runtimes"
	"sysweight/score"
	"sysweight/seccomp"
	"sysweight/suggest"
	"sysweight/syscalls"
)

type suggestOptions struct {
	profileOptions
	trace, passthrough []string
	syscalls           string
	base               string
	out                string
	top                int
	runtimeCalls       string
	// given: the flag was on the command line (--syscalls "" is given)
	given func(name string) bool
}

// suggestOutput is the JSON schema of suggest's summary.
type suggestOutput struct {
	Inputs       []string          `json:"inputs"` // the files, or "--syscalls"
	Source       string            `json:"source"` // trace, passthrough or syscalls
	Base         string            `json:"base"`
	RuntimeCalls string            `json:"runtime_calls"`
	Out          string            `json:"out,omitempty"`
	Used         []string          `json:"used"`
	RuntimeAdded []string          `json:"runtime_added"`
	Allowed      []string          `json:"allowed"`
	Conditional  []string          `json:"conditional"`
	Refused      []suggest.Refused `json:"refused"`
	KeptRefusals []string          `json:"kept_refusals"`
	BaseScore    score.Score       `json:"base_score"`
	Suggested    score.Score       `json:"suggested_score"`
	Removed      float64           `json:"removed"`            // base score − suggested score
	RemovedNorm  float64           `json:"removed_normalized"` // the same over Σ w
	RemovedShare float64           `json:"removed_share"`      // removed / base score
	Top          []suggestRow      `json:"top"`
}

// suggestRow is one syscall whose exposure the profile removes.
type suggestRow struct {
	Syscall   string  `json:"syscall"`
	Base      float64 `json:"degree_base"`
	Suggested float64 `json:"degree_suggested"`
	Weight    float64 `json:"weight"`
	Removed   float64 `json:"removed"` // (degree_base − degree_suggested)·weight
}

func newSuggestCmd(g *globalOptions) *cobra.Command {
	o := &suggestOptions{}
	var names []string
	for _, r := range suggest.Runtimes() {
		names = append(names, hangingIndent(fmt.Sprintf("  %-9s ", r.Name), r.About, 78))
	}
	cmd := &cobra.Command{
		Use:   "suggest (--trace FILE | --passthrough FILE | --syscalls LIST) [--base RUNTIME|PROFILE] [--out FILE]",
		Short: "Suggest the smallest Docker/OCI seccomp profile for what a workload used, and the risk it removes",
		Long: `Narrow a base profile (default runc-docker) to the syscalls a workload made:
the suggested profile allows each of them exactly as the base does, with the
base's argument conditions (Docker's personality, clone without namespace
flags, socket families), and refuses every other syscall with the base's
default answer (EPERM for Docker's and without a base filter; Podman's
answers ENOSYS). Where the base
refuses a syscall otherwise (Docker's ENOSYS for clone3, so that glibc falls
back to clone) that answer is kept. A syscall the workload made that the base
refuses stays refused, with a warning: the profile never allows more than the
base.

The workload's syscalls come from one of:
  --trace FILE        the exposure sysweight trace --out FILE wrote, or the
                      output of sysweight trace -o json
  --passthrough FILE  a matrix (RUNTIME.json) or measured exposure
                      (RUNTIME.exposure.json) sysweight passthrough wrote:
                      the host syscalls the sandbox made for the probe
  --syscalls LIST     comma-separated x86_64 syscall names
--trace and --passthrough may be given several times: the profile allows
what any of the files holds. A workload may take another path on another
run (busybox wget polls only when the body is late), and one trace holds
only the path it took: trace several runs, or make the timing fixed.

The container runtime runs under the filter too: it loads it, then does some
work and executes the container's program. --runtime-calls adds what it
needs, as if the workload had made it (found with strace on runc 1.1.5 and
checked by leaving each out; see package suggest):
` + strings.Join(names, "\n") + `

The base is a built-in with one container filter (runc-docker, crun-podman,
runc-unconfined) or a Docker/OCI profile file, resolved for --caps and
--kernel. The profile lists SCMP_ARCH_X86_64 only; it works as
docker run --security-opt seccomp=FILE and as an OCI config.json's
linux.seccomp. runc answers syscalls numbered above every one the profile
names with ENOSYS rather than the default errno.

The profile goes to --out FILE (written to a temporary file and renamed),
and the summary to stdout; without --out the profile goes to stdout and the
summary to stderr. -o is the summary's format; the profile is JSON. The summary gives the score of the base and of the
suggested profile, as sysweight score computes them (sysweight score FILE
gives the same), the weighted risk removed and the --top syscalls removed by
weight.

JSON output: {"inputs", "source", "base", "runtime_calls", "out", "used",
"runtime_added", "allowed", "conditional", "refused": [{"syscall",
"verdict", "runtime"}], "kept_refusals", "base_score", "suggested_score"
(each as score -o json gives it, without "top"), "removed",
"removed_normalized", "removed_share", "top": [{"syscall", "degree_base",
"degree_suggested", "weight", "removed"}]}`,
		Example: `  sysweight trace --out wget.trace.json -- busybox wget -O /dev/null http://127.0.0.1:8080/
  sysweight suggest --trace wget.trace.json --out wget.profile.json
  sysweight suggest --syscalls read,write,exit_group --runtime-calls none -o json --out tiny.json
  sysweight suggest --passthrough runc-docker.json --base crun-podman > profile.json
  sysweight score wget.profile.json   # the suggested score again`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSuggest(cmd.Context(), g, o, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	o.profileOptions.addFlags(cmd)
	f := cmd.Flags()
	f.StringArrayVar(&o.trace, "trace", nil, "the workload's syscalls: a file sysweight trace wrote (--out FILE, or -o json); repeat for several runs")
	f.StringArrayVar(&o.passthrough, "passthrough", nil, "the workload's syscalls: a matrix or exposure file sysweight passthrough wrote; repeat for several")
	f.StringVar(&o.syscalls, "syscalls", "", "the workload's syscalls: comma-separated x86_64 names")
	f.StringVar(&o.base, "base", runtimes.Baseline, "the profile to narrow: a built-in runtime or a Docker/OCI profile file")
	f.StringVar(&o.out, "out", "", "write the profile to this file (default: stdout, with the summary on stderr)")
	f.IntVar(&o.top, "top", 10, "how many of the syscalls removed to list, heaviest first (0: all)")
	f.StringVar(&o.runtimeCalls, "runtime-calls", "runc", "the runtime's calls to allow: runc, runc-nnp or none")
	o.given = f.Changed
	return cmd
}

func runSuggest(ctx context.Context, g *globalOptions, o *suggestOptions, stdout, stderr io.Writer) error {
	format, err := g.outputFormat()
	if err != nil {
		return fmt.Errorf("%w; -o is the summary's format, the profile file is --out (did you mean --out %s?)", err, g.format)
	}
	var inputs []string
	for _, f := range []string{"trace", "passthrough", "syscalls"} {
		if o.given(f) {
			inputs = append(inputs, "--"+f)
		}
	}
	if len(inputs) != 1 {
		return fmt.Errorf("suggest needs exactly one of --trace FILE, --passthrough FILE or --syscalls LIST (got %d: %s)", len(inputs), strings.Join(inputs, ", "))
	}
	if o.top < 0 {
		return fmt.Errorf("--top %d: want 0 (all) or more", o.top)
	}
	rt, err := suggest.LookupRuntime(o.runtimeCalls)
	if err != nil {
		return fmt.Errorf("--runtime-calls: %w", err)
	}
	if o.out != "" {
		if err := checkOutPath(o.out); err != nil {
			return err
		}
	}
	if a, err := o.targetArch(); err != nil {
		return err
	} else if a != syscalls.X86_64 {
		return fmt.Errorf("--arch %s: suggest writes x86_64 profiles only", a)
	}
	weights, warn, err := o.weightsBeside(g)
	if err != nil {
		return err
	}
	in, err := o.workload(inputs[0])
	if err != nil {
		return err
	}
	items, err := o.resolve([]string{o.base}, stderr)
	if err != nil {
		return fmt.Errorf("--base: %w", err)
	}
	base := items[0]
	if base.Measured != nil {
		return fmt.Errorf("--base %s: a measured exposure has no rules to keep; want a built-in with a container profile (runc-docker, crun-podman, runc-unconfined) or a Docker/OCI profile file", o.base)
	}
	res, err := suggest.Build(suggest.Options{Arch: syscalls.X86_64, Used: in.used, Base: base.Policy, Runtime: rt})
	if err != nil {
		if errors.Is(err, suggest.ErrBase) {
			return fmt.Errorf("--base: %w", err)
		}
		return fmt.Errorf("%s: %w", strings.Join(in.names, ", "), err)
	}
	prof, err := res.Encode()
	if err != nil {
		return err
	}
	// the profile is scored as score reads it back from the file
	tgt, err := o.target()
	if err != nil {
		return err
	}
	sp, err := seccomp.Decode(bytes.NewReader(prof), "suggested", tgt)
	if err != nil {
		return fmt.Errorf("the suggested profile does not decode: %w", err)
	}
	sugg := runtimes.Named{Name: "suggested", Policy: sp, Provenance: exposure.Provenance{Source: exposure.Declared,
		Origin: "sysweight suggest from " + strings.Join(in.names, ", ") + " and " + o.base}}
	base.Name = o.base
	exps, err := runtimes.Evaluate(syscalls.X86_64, []runtimes.Named{base, sugg})
	if err != nil {
		return err
	}
	scores, err := score.Compare(exps, weights, o.base)
	if err != nil {
		return err
	}
	diff, err := score.Diff(exps[0], exps[1], weights)
	if err != nil {
		return err
	}
	out := suggestOutput{Inputs: in.names, Source: in.source, Base: o.base, RuntimeCalls: rt.Name, Out: o.out,
		Used: res.Used, RuntimeAdded: res.RuntimeAdded, Allowed: res.Allowed, Conditional: res.Conditional,
		Refused: res.Refused, KeptRefusals: res.KeptRefusals, BaseScore: scores[0], Suggested: scores[1]}
	out.Removed = out.BaseScore.Score - out.Suggested.Score
	out.RemovedNorm = out.BaseScore.Normalized - out.Suggested.Normalized
	if out.BaseScore.Score > 0 {
		out.RemovedShare = out.Removed / out.BaseScore.Score
	}
	for _, l := range []*[]string{&out.Used, &out.RuntimeAdded, &out.Allowed, &out.Conditional, &out.KeptRefusals} {
		if *l == nil {
			*l = []string{} // [] in JSON, not null
		}
	}
	if out.Refused == nil {
		out.Refused = []suggest.Refused{}
	}
	out.Top = []suggestRow{}
	for _, r := range diff {
		if o.top > 0 && len(out.Top) == o.top {
			break
		}
		out.Top = append(out.Top, suggestRow{Syscall: r.Syscall, Base: r.DegreeA, Suggested: r.DegreeB, Weight: r.Weight, Removed: -r.Delta})
	}

	// the warnings once the input is known to be good, then the profile,
	// then the summary
	fmt.Fprint(stderr, warn)
	for _, w := range in.warnings {
		fmt.Fprintln(stderr, "sysweight: warning: "+w)
	}
	if len(res.Refused) > 0 {
		var l []string
		for _, r := range res.Refused {
			who := ""
			if r.Runtime {
				who = ", needed by " + rt.Name
			}
			l = append(l, fmt.Sprintf("%s (%s%s)", r.Syscall, r.Verdict, who))
		}
		fmt.Fprintf(stderr, "sysweight: warning: %s refuses %d syscall(s) the workload needs, and so does the suggested profile: %s\n", o.base, len(l), strings.Join(l, ", "))
	}
	summary := stdout
	if o.out != "" {
		if err := writeAtomic(ctx, o.out, prof); err != nil {
			return envError{err}
		}
	} else {
		if _, err := stdout.Write(prof); err != nil {
			return err
		}
		summary = stderr
	}
	return presentSuggest(summary, format, out)
}

// workloadInput is the syscalls the inputs give.
type workloadInput struct {
	names    []string // the files, or "--syscalls"
	source   string
	used     []string // of every file, repeats left in
	warnings []string
}

// workload reads the input flag given: the union of its files.
func (o *suggestOptions) workload(flag string) (workloadInput, error) {
	if flag == "--syscalls" {
		used, err := parseSyscallList(o.syscalls)
		if err != nil {
			return workloadInput{}, fmt.Errorf("--syscalls %q: %w", o.syscalls, err)
		}
		return workloadInput{names: []string{"--syscalls"}, source: "syscalls", used: used}, nil
	}
	in := workloadInput{source: strings.TrimPrefix(flag, "--")}
	files := o.trace
	if in.source == "passthrough" {
		files = o.passthrough
	}
	for _, f := range files {
		one, err := readWorkload(f, in.source)
		if err != nil {
			return in, err
		}
		in.names = append(in.names, f)
		in.used = append(in.used, one.used...)
		in.warnings = append(in.warnings, one.warnings...)
	}
	return in, nil
}

// parseSyscallList checks a comma-separated list of x86_64 syscall names.
func parseSyscallList(s string) ([]string, error) {
	t := syscalls.MustForArch(syscalls.X86_64)
	var out []string
	for i, n := range strings.Split(s, ",") {
		n = strings.TrimSpace(n)
		switch _, ok := t.Number(n); {
		case ok:
			out = append(out, n)
		case n == "":
			return nil, fmt.Errorf("item %d is empty; want x86_64 syscall names such as read,openat", i+1)
		case syscalls.Known(n):
			return nil, fmt.Errorf("item %d, %q: not an x86_64 syscall (another architecture's)", i+1, n)
		default:
			return nil, fmt.Errorf("item %d, %q: no Linux architecture has a syscall so named; want x86_64 names such as read,openat", i+1, n)
		}
	}
	return out, nil
}

// readWorkload reads --trace or --passthrough FILE: an exposure of the
// source the flag names, trace -o json's report, or passthrough's matrix.
func readWorkload(path, source string) (workloadInput, error) {
	in := workloadInput{names: []string{path}, source: source}
	f, err := infile.Open(path)
	if err != nil {
		return in, fmt.Errorf("--%s: %w", source, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, runtimes.MaxInput+1))
	if err != nil {
		return in, fmt.Errorf("%s: %w", path, err)
	}
	if len(b) > runtimes.MaxInput {
		return in, fmt.Errorf("%s: larger than %d bytes", path, runtimes.MaxInput)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		return in, fmt.Errorf("%s: %w", path, jsonpos.Place(b, err))
	}
	has := func(keys ...string) bool {
		for _, k := range keys {
			if _, ok := top[k]; !ok {
				return false
			}
		}
		return true
	}
	want := map[string]string{
		"trace":       "the exposure sysweight trace --out FILE writes (name, arch, provenance, entries) or trace -o json's report (backend, counts, …)",
		"passthrough": "the matrix (RUNTIME.json: schema, runtime, calls, …) or the exposure (RUNTIME.exposure.json) sysweight passthrough writes",
	}[source]
	var e *exposure.Exposure
	switch {
	case runtimes.IsExposure(b):
		if e, err = runtimes.DecodeExposure(b, path); err != nil {
			return in, err
		}
		wantSrc := map[string]exposure.Source{"trace": exposure.Observed, "passthrough": exposure.PassThrough}[source]
		if e.Provenance.Source != wantSrc {
			return in, fmt.Errorf("%s: provenance.source is %q; --%s wants %s", path, e.Provenance.Source, source, want)
		}
	case source == "trace" && has("backend", "counts"):
		return readTraceReport(b, in)
	case source == "passthrough" && has("schema", "runtime", "calls"):
		m, err := passthrough.DecodeMatrix(b, path)
		if err != nil {
			return in, err
		}
		if e, err = m.Exposure(); err != nil {
			return in, fmt.Errorf("%s: %w", path, err)
		}
	default:
		return in, fmt.Errorf("%s: not a %s file: want %s", path, source, want)
	}
	if e.Arch != syscalls.X86_64 {
		return in, fmt.Errorf("%s: syscalls of %s; suggest writes x86_64 profiles", path, e.Arch)
	}
	for _, en := range e.Entries {
		in.used = append(in.used, en.Syscall)
	}
	for _, n := range e.Provenance.Notes {
		if strings.Contains(n, "lower bound") || strings.Contains(n, "not in the") || strings.Contains(n, "not attributed") {
			in.warnings = append(in.warnings, path+": "+n)
		}
	}
	return in, nil
}

// readTraceReport reads trace -o json's output: traceOutput, strictly.
func readTraceReport(b []byte, in workloadInput) (workloadInput, error) {
	var r traceOutput
	name := in.names[0]
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return in, fmt.Errorf("%s: %w", name, jsonpos.Place(b, err))
	}
	t := syscalls.MustForArch(syscalls.X86_64)
	var unnamed []string
	for n, c := range r.Counts {
		switch _, ok := t.Number(n); {
		case c == 0:
		case ok:
			in.used = append(in.used, n)
		case strings.HasPrefix(n, "nr_"):
			unnamed = append(unnamed, n)
		default:
			return in, fmt.Errorf("%s: counts: %q is not an x86_64 syscall", name, n)
		}
	}
	t.SortNames(in.used)
	if len(unnamed) > 0 {
		t.SortNames(unnamed)
		in.warnings = append(in.warnings, fmt.Sprintf("%s: syscall numbers the x86_64 table lacks are left out: %s", name, strings.Join(unnamed, ", ")))
	}
	if r.Lost > 0 || r.Untracked > 0 {
		in.warnings = append(in.warnings, fmt.Sprintf("%s: %d events lost and %d tasks untracked: the set is a lower bound", name, r.Lost, r.Untracked))
	}
	return in, nil
}

func presentSuggest(w io.Writer, f report.Format, out suggestOutput) error {
	if f == report.JSON {
		return report.WriteJSON(w, out)
	}
	var b strings.Builder
	what := map[string]string{"trace": "trace", "passthrough": "pass-through measurement", "syscalls": "list"}[out.Source]
	dest := "on stdout"
	if out.Out != "" {
		dest = "written to " + out.Out
	}
	if len(out.Inputs) > 1 {
		what += "s"
	}
	fmt.Fprintf(&b, "suggested profile for the %s %s (%d syscalls) narrowed from %s: %s\n", what, strings.Join(out.Inputs, ", "), len(out.Used), out.Base, dest)
	fmt.Fprintf(&b, "allows %d syscalls: %d the workload made", len(out.Allowed), len(out.Used)-countRefused(out.Refused, false))
	if len(out.RuntimeAdded) > 0 {
		fmt.Fprintf(&b, ", %d more that %s makes after loading the filter", len(out.RuntimeAdded)-countRefused(out.Refused, true), out.RuntimeCalls)
	}
	if len(out.Conditional) > 0 {
		fmt.Fprintf(&b, "; %d only for the arguments %s allows: %s", len(out.Conditional), out.Base, strings.Join(out.Conditional, ", "))
	}
	b.WriteString("\n")
	if len(out.Refused) > 0 {
		var l []string
		for _, r := range out.Refused {
			l = append(l, r.Syscall+" ("+r.Verdict+")")
		}
		fmt.Fprintf(&b, "refuses as %s does: %s\n", out.Base, strings.Join(l, ", "))
	}
	if k := out.KeptRefusals; len(k) > 0 {
		list := strings.Join(k, ", ")
		if len(k) > 8 { // Podman's profile has 40 (-o json lists them all)
			list = fmt.Sprintf("%s … (%d in all)", strings.Join(k[:8], ", "), len(k))
		}
		fmt.Fprintf(&b, "keeps %s's other answers for: %s\n", out.Base, list)
	}
	bs, ss := out.BaseScore, out.Suggested
	fmt.Fprintf(&b, "score %.2f → %.2f (normalized %.3f → %.3f), exposed %d → %d: removes %.2f, %.1f%% of %s's weighted risk\n\n",
		bs.Score, ss.Score, bs.Normalized, ss.Normalized, bs.Exposed, ss.Exposed, out.Removed, 100*out.RemovedShare, out.Base)
	if err := report.WriteAbove(w, f, b.String()); err != nil {
		return err
	}
	t := report.Table{Header: []string{"SYSCALL", "BASE", "SUGGESTED", "WEIGHT", "REMOVED"}, Align: "lrrrr"}
	for _, r := range out.Top {
		t.Rows = append(t.Rows, []string{r.Syscall, fmtFloat(r.Base, 3), fmtFloat(r.Suggested, 3), fmtFloat(r.Weight, 3), fmtFloat(r.Removed, 3)})
	}
	if err := t.Write(w, f); err != nil {
		return err
	}
	return report.WriteBelow(w, f, "\nBASE, SUGGESTED: degree of exposure under each; REMOVED: (BASE − SUGGESTED)·WEIGHT, the heaviest first.\n")
}

// countRefused counts the refused syscalls of the workload (runtime
// false) or of the runtime's additions (true).
func countRefused(rs []suggest.Refused, runtime bool) int {
	n := 0
	for _, r := range rs {
		if r.Runtime == runtime {
			n++
		}
	}
	return n
}

// hangingIndent is head followed by text wrapped at width columns, the
// lines after the first indented as far as head reaches.
func hangingIndent(head, text string, width int) string {
	var b strings.Builder
	b.WriteString(head)
	col := len(head)
	for i, w := range strings.Fields(text) {
		switch {
		case i == 0:
		case col+1+len(w) > width:
			b.WriteString("\n" + strings.Repeat(" ", len(head)))
			col = len(head)
		default:
			b.WriteByte(' ')
			col++
		}
		b.WriteString(w)
		col += len(w)
	}
	return b.String()
}
