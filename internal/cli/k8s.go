package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"sysweight/exposure"
	"sysweight/internal/infile"
	"sysweight/k8s"
	"sysweight/report"
	"sysweight/runtimes"
	"sysweight/score"
	"sysweight/seccomp"
	"sysweight/syscalls"
)

type k8sOptions struct {
	seccompDefault string
	runtimeDefault string
	runtimeClasses []string
	profilesDir    string
	namespace      string
	arch           string
}

// maxManifest bounds one manifest file, as runtimes.MaxInput bounds a profile,
// and maxManifests all of them together; k8s.MaxDocument bounds each
// document, which is what the YAML library's memory grows with.
const (
	maxManifest  = 16 << 20
	maxManifests = 256 << 20
)

func newK8sCmd(g *globalOptions) *cobra.Command {
	o := &k8sOptions{}
	cmd := &cobra.Command{
		Use:   "k8s FILE|DIR ...",
		Short: "Score each container of Kubernetes manifests by the seccomp configuration it gets",
		Long: `Read Kubernetes manifests and score every container of every workload by the
seccomp configuration the node gives it. Files are YAML or JSON, one or
more documents each (---); a directory is walked recursively for *.yaml,
*.yml and *.json (entries that are not regular files are skipped). Each
file may be up to 16 MiB, each document in it 2 MiB (etcd stores
objects up to 1.5 MiB), all files together 256 MiB; a document may nest
64 levels deep.

Kinds read: ` + k8s.KindsRead() + `. Objects of other kinds
(Service, ConfigMap, …) are skipped and counted on stderr; a document
that is not a Kubernetes object (no apiVersion or kind) is an error, and
so are inputs without any workload.

For each container (init and ephemeral containers too), the rules, in
order:
  1. runtimeClassName mapped by --runtime-class NAME=RUNTIME: the pod runs
     in that sandbox and scores as that built-in, whatever its
     seccompProfile says (NAME=default: the node's runtime, rules 2-4
     apply). A runtime class without a mapping is an error.
  2. privileged: true: no filter (runc-unconfined).
  3. the container's securityContext.seccompProfile, else the pod's:
       Unconfined     no filter (runc-unconfined)
       RuntimeDefault the --runtime-default built-in as it is, with its
                      own capability set (caps_ignored says when the
                      container's differ)
       Localhost      localhostProfile names an SPO SeccompProfile
                      among the inputs (operator/NAMESPACE/NAME.json) or
                      else a file under --profiles-dir; it is decoded as
                      score decodes a profile file and resolved for the
                      container's capabilities: the runtime's default
                      set (Docker's 14; Podman's 11 for crun-podman),
                      then capabilities.add/drop as containerd applies
                      them (add ALL, drop ALL, each add, each drop), on
                      kernel 6.1.
  4. unset: Unconfined, Kubernetes' default; --seccomp-default on (the
     kubelet's flag) makes it RuntimeDefault.
The legacy seccomp annotations, unused since Kubernetes 1.27, are not read.

Rows are ordered by score, highest first. Columns: WORKLOAD is kind/name;
CONTAINER is the name, "(init)" or "(ephemeral)" after it for those;
PROFILE is the effective profile, with the container's change to the
runtime's capabilities: what a Localhost profile was resolved for, or
"ignores: …" after RuntimeDefault, whose built-in keeps its own; RULE how it was decided; RUNTIME the built-in
scored, or for Localhost the node runtime and where the profile came
from; then SCORE, NORMALIZED, EXPOSED and RATIO to runc-docker as in
compare. Scores equal those of score and compare for the same built-in or
profile file: all configurations are evaluated over one corpus, as
compare evaluates its arguments.

JSON output is a list of objects:
  {"namespace", "kind", "name", "container", "container_type" (container, init or
   ephemeral), "file", "document" (1-based), "profile" (Unconfined, RuntimeDefault,
   Localhost, "none (privileged)" or "sandbox (runtime class)"), "localhost_profile"
   (Localhost only), "profile_source" (Localhost only: the file, or
   "SeccompProfile NS/NAME in FILE"), "rule", "runtime", "runtime_class" (omitted
   when none), "caps" (the container's capability set), "caps_ignored" (omitted
   when false), "score", "normalized", "exposed", "partial", "ratio", "baseline"}`,
		Example: `  sysweight k8s deploy/                       # every manifest under deploy/
  sysweight k8s app.yaml --seccomp-default on --runtime-default crun-podman
  sysweight k8s manifests/ --profiles-dir /var/lib/kubelet/seccomp
  sysweight k8s manifests/ --runtime-class gvisor=gvisor-systrap --runtime-class kata=kata-firecracker
  kubectl get pods -A -o yaml > pods.yaml && sysweight k8s pods.yaml -o json | jq '.[0]'`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runK8s(cmd.Context(), g, o, args, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.seccompDefault, "seccomp-default", "off", "the kubelet's --seccomp-default: off (a container without a profile is Unconfined) or on (RuntimeDefault)")
	f.StringVar(&o.runtimeDefault, "runtime-default", runtimes.Baseline, "the built-in whose default profile RuntimeDefault means (runc-docker, crun-podman, …), the node's runtime")
	f.StringArrayVar(&o.runtimeClasses, "runtime-class", nil, "NAME=RUNTIME: pods with runtimeClassName NAME score as built-in RUNTIME (or default: the node's runtime); repeatable")
	f.StringVar(&o.profilesDir, "profiles-dir", "", "the kubelet's seccomp directory, where Localhost profiles are (e.g. /var/lib/kubelet/seccomp)")
	f.StringVar(&o.namespace, "namespace", "default", "the namespace of objects that name none")
	f.StringVar(&o.arch, "arch", string(syscalls.X86_64), archHelp)
	return cmd
}

// options checks the flags and turns them into k8s.Options.
func (o *k8sOptions) options() (k8s.Options, error) {
	ko := k8s.Options{Unconfined: "runc-unconfined", RuntimeClasses: map[string]string{}}
	switch o.seccompDefault {
	case "off":
	case "on":
		ko.SeccompDefault = true
	default:
		return ko, fmt.Errorf("--seccomp-default %q: want off or on", o.seccompDefault)
	}
	if _, err := runtimes.Lookup(o.runtimeDefault); err != nil {
		return ko, fmt.Errorf("--runtime-default: %w", err)
	}
	ko.RuntimeDefault = o.runtimeDefault
	ko.DefaultCaps = runtimes.DefaultCapsOf(o.runtimeDefault)
	for _, rc := range o.runtimeClasses {
		name, rt, ok := strings.Cut(rc, "=")
		if !ok || name == "" || rt == "" {
			return ko, fmt.Errorf("--runtime-class %q: want NAME=RUNTIME, e.g. gvisor=gvisor-systrap", rc)
		}
		if rt != k8s.ClassDefault {
			if _, err := runtimes.Lookup(rt); err != nil {
				return ko, fmt.Errorf("--runtime-class %s: %w", rc, err)
			}
		}
		ko.RuntimeClasses[name] = rt
	}
	if o.profilesDir != "" {
		if err := infile.CheckDir(o.profilesDir); err != nil {
			return ko, fmt.Errorf("--profiles-dir: %w", err)
		}
	}
	return ko, nil
}

func runK8s(ctx context.Context, g *globalOptions, o *k8sOptions, args []string, w, stderr io.Writer) error {
	format, err := g.outputFormat()
	if err != nil {
		return err
	}
	ko, err := o.options()
	if err != nil {
		return err
	}
	arch, err := (&profileOptions{arch: o.arch}).targetArch()
	if err != nil {
		return err
	}
	var m k8s.Manifests
	if err := readManifests(ctx, args, o.namespace, &m); err != nil {
		return err
	}
	if len(m.Workloads) == 0 {
		n, skipped := m.SkippedSummary()
		what := "no objects"
		if n > 0 {
			what = "only " + skipped
		}
		return fmt.Errorf("%s: no workload (%s); the kinds read are %s", strings.Join(args, ", "), what, k8s.KindsRead())
	}
	decisions, err := k8s.Resolve(&m, ko)
	if err != nil {
		return err
	}
	wait := meanwhile(func() { runtimes.BuiltinNames() })
	_, weights, warn, err := g.loadWeights(runtimes.DefaultKernel)
	wait()
	if err != nil {
		return err
	}
	weights, archWarn := forArch(weights, arch)
	warn += archWarn
	rows, warnings, err := o.score(decisions, ko, weights)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	if err := presentK8s(&out, format, rows, weights); err != nil {
		return err
	}
	fmt.Fprint(stderr, warn)
	for _, s := range warnings {
		fmt.Fprintln(stderr, "sysweight: warning: "+s)
	}
	if n, skipped := m.SkippedSummary(); n > 0 {
		objects := "objects"
		if n == 1 {
			objects = "object"
		}
		fmt.Fprintf(stderr, "sysweight: k8s: skipped %d %s of other kinds: %s\n", n, objects, skipped)
	}
	_, err = w.Write(out.Bytes())
	return err
}

// readManifests parses every file named or found under a directory named.
func readManifests(ctx context.Context, args []string, ns string, m *k8s.Manifests) error {
	total := 0
	read := func(path string) error {
		if err := ctx.Err(); err != nil {
			return context.Cause(ctx)
		}
		f, err := infile.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		data, err := io.ReadAll(io.LimitReader(f, maxManifest+1))
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if len(data) > maxManifest {
			return fmt.Errorf("%s: larger than %d bytes, want a manifest file of at most 16 MiB", path, maxManifest)
		}
		if total += len(data); total > maxManifests {
			return fmt.Errorf("%s: the manifests read so far exceed %d bytes together", path, maxManifests)
		}
		return k8s.Parse(data, path, ns, m)
	}
	for _, a := range args {
		if err := infile.Check(a, true); err != nil {
			return err
		}
		st, err := os.Stat(a)
		if err != nil {
			return err
		}
		if !st.IsDir() {
			if err := read(a); err != nil {
				return err
			}
			continue
		}
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				return nil
			}
			switch strings.ToLower(filepath.Ext(p)) {
			case ".yaml", ".yml", ".json":
			default:
				return nil
			}
			if st, err := os.Stat(p); err != nil || !st.Mode().IsRegular() {
				return nil // a FIFO, device or dangling link inside the tree
			}
			return read(p)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// k8sRow is one container's row; its JSON form is the schema --help shows.
type k8sRow struct {
	Namespace     string   `json:"namespace"`
	Kind          string   `json:"kind"`
	Name          string   `json:"name"`
	Container     string   `json:"container"`
	ContainerType string   `json:"container_type"`
	File          string   `json:"file"`
	Document      int      `json:"document"`
	Profile       string   `json:"profile"`
	Localhost     string   `json:"localhost_profile,omitempty"`
	ProfileSource string   `json:"profile_source,omitempty"`
	Rule          string   `json:"rule"`
	Runtime       string   `json:"runtime"`
	RuntimeClass  string   `json:"runtime_class,omitempty"`
	Caps          []string `json:"caps"`
	CapsIgnored   bool     `json:"caps_ignored,omitempty"`
	Score         float64  `json:"score"`
	Normalized    float64  `json:"normalized"`
	Exposed       int      `json:"exposed"`
	Partial       int      `json:"partial"`
	Ratio         *float64 `json:"ratio"`
	Baseline      string   `json:"baseline,omitempty"`

	capsDelta   string
	tableSource string // ProfileSource, shorter
	order       int
}

// score evaluates the distinct configurations of decisions as compare
// evaluates its arguments (built-ins alone from their precomputed
// exposures; with Localhost profiles, everything over one corpus with
// them) and scores each container. It returns warnings for stderr.
func (o *k8sOptions) score(ds []k8s.Decision, ko k8s.Options, weights *score.Weights) ([]k8sRow, []string, error) {
	type config struct {
		key                 string
		source, tableSource string // Localhost: where the profile came from
	}
	var keys []string // distinct, in order of first use
	items := map[string]runtimes.Named{}
	cfg := make([]config, len(ds))
	raw := map[string][]byte{} // profile files, read once
	var warnings []string
	for i, d := range ds {
		if d.Runtime != "" {
			cfg[i] = config{key: d.Runtime}
			if !slices.Contains(keys, d.Runtime) {
				keys = append(keys, d.Runtime)
			}
			continue
		}
		w, c := d.Workload, d.Container
		where := &k8s.Error{File: w.File, Doc: w.Doc, Line: c.Line}
		var data []byte
		var name, source, short string
		if d.SPO != nil {
			short = fmt.Sprintf("SeccompProfile %s/%s", d.SPO.Namespace, d.SPO.Name)
			name = fmt.Sprintf("%s in %s", short, d.SPO.File)
			source, data = name, d.SPO.Spec
		} else {
			if o.profilesDir == "" {
				where.Err = fmt.Errorf("%s %s: %s %q: Localhost profile %s is no SeccompProfile among the inputs (those are at operator/NAMESPACE/NAME.json), and no --profiles-dir was given to find it in",
					w.Kind, w.Name, c.Type, c.Name, d.Localhost)
				return nil, nil, where
			}
			name = filepath.Join(o.profilesDir, filepath.FromSlash(d.Localhost))
			source, short = name, name
			var ok bool
			if data, ok = raw[name]; !ok {
				var err error
				if data, err = readProfileFile(name); err != nil {
					where.Err = fmt.Errorf("%s %s: %s %q: Localhost profile %s: %w", w.Kind, w.Name, c.Type, c.Name, d.Localhost, err)
					return nil, nil, where
				}
				raw[name] = data
			}
		}
		key := "Localhost " + source + " caps " + strings.Join(d.Caps, ",")
		cfg[i] = config{key: key, source: source, tableSource: short}
		if _, ok := items[key]; ok {
			continue
		}
		caps := map[string]bool{}
		for _, k := range d.Caps {
			caps[k] = true
		}
		t := seccomp.Target{Arch: weights.Arch, Caps: caps, Kernel: runtimes.DefaultKernel}
		p, err := seccomp.Decode(bytes.NewReader(data), name, t)
		n := runtimes.Named{Name: key, Policy: p, Provenance: exposure.Provenance{Source: exposure.Declared, Origin: source}}
		switch {
		case errors.Is(err, seccomp.ErrNoSeccomp):
			n = runtimes.Named{Name: key, Arch: weights.Arch, Provenance: exposure.Provenance{Source: exposure.Unfiltered, Origin: source}}
		case err != nil:
			where.Err = fmt.Errorf("%s %s: %s %q: Localhost profile %s: %w", w.Kind, w.Name, c.Type, c.Name, d.Localhost, err)
			var de *seccomp.DecodeError
			if d.SPO != nil && errors.As(err, &de) {
				// the line and column are in the JSON made of the spec, not in the file
				at := ""
				if de.Path != "" {
					at = "." + de.Path
				}
				where.Err = fmt.Errorf("%s %s: %s %q: Localhost profile %s: %s (%s, document %d, line %d): spec%s: %w",
					w.Kind, w.Name, c.Type, c.Name, d.Localhost, short, d.SPO.File, d.SPO.Doc, d.SPO.Line, at, de.Err)
			}
			return nil, nil, where
		case len(p.UnknownNames()) > 0:
			warnings = append(warnings, fmt.Sprintf("%s: no Linux architecture has a syscall named %s; the rules naming it are left out", name, strings.Join(p.UnknownNames(), ", ")))
		}
		items[key] = n
		keys = append(keys, key)
	}
	base := runtimes.Baseline
	want := keys
	if !slices.Contains(keys, base) {
		want = append(slices.Clip(keys), base)
	}
	var exps []*exposure.Exposure
	if len(items) == 0 && weights.Arch == syscalls.X86_64 {
		var ok bool
		var err error
		if exps, ok, err = runtimes.BuiltinExposures(want); err != nil {
			return nil, nil, err
		} else if !ok {
			return nil, nil, fmt.Errorf("built-ins %v: not all precomputed", want)
		}
	} else {
		var named []runtimes.Named
		for _, k := range want {
			if n, ok := items[k]; ok {
				named = append(named, n)
				continue
			}
			r, err := runtimes.Lookup(k)
			if err != nil {
				return nil, nil, err
			}
			n, err := r.NamedFor(weights.Arch)
			if err != nil {
				return nil, nil, err
			}
			named = append(named, n)
		}
		var err error
		if exps, err = runtimes.Evaluate(weights.Arch, named); err != nil {
			return nil, nil, err
		}
	}
	scores, err := score.Compare(exps, weights, base)
	if err != nil {
		return nil, nil, err
	}
	byKey := map[string]score.Score{}
	for i, k := range want {
		byKey[k] = scores[i]
	}
	rows := make([]k8sRow, len(ds))
	for i, d := range ds {
		w, c := d.Workload, d.Container
		s := byKey[cfg[i].key]
		r := k8sRow{Namespace: w.Namespace, Kind: w.Kind, Name: w.Name, Container: c.Name, ContainerType: string(c.Type),
			File: w.File, Document: w.Doc, Profile: d.Profile, Localhost: d.Localhost, ProfileSource: cfg[i].source,
			Rule: d.Rule, Runtime: d.Runtime, Caps: d.Caps, CapsIgnored: d.CapsIgnored,
			Score: s.Score, Normalized: s.Normalized, Exposed: s.Exposed, Partial: s.Partial, Ratio: s.Ratio, Baseline: s.Baseline,
			capsDelta: k8s.CapsDelta(ko.DefaultCaps, d.Caps), tableSource: cfg[i].tableSource, order: i}
		if d.Profile == k8s.ProfileSandbox {
			r.RuntimeClass = w.RuntimeClass
		}
		if d.Runtime == "" {
			r.Runtime = ko.RuntimeDefault
		}
		rows[i] = r
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.Namespace != b.Namespace {
			return a.Namespace < b.Namespace
		}
		if a.Kind+"/"+a.Name != b.Kind+"/"+b.Name {
			return a.Kind+"/"+a.Name < b.Kind+"/"+b.Name
		}
		return a.order < b.order
	})
	return rows, warnings, nil
}

// readProfileFile reads a Localhost profile within the profile size limit.
func readProfileFile(path string) ([]byte, error) {
	f, err := infile.Open(path)
	if err != nil {
		var ie *infile.Error
		if errors.As(err, &ie) && errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no file %s (--profiles-dir)", path)
		}
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, runtimes.MaxInput+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > runtimes.MaxInput {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, runtimes.MaxInput)
	}
	return data, nil
}

func presentK8s(w io.Writer, f report.Format, rows []k8sRow, weights *score.Weights) error {
	if f == report.JSON {
		return report.WriteJSON(w, rows)
	}
	t := report.Table{Header: []string{"NAMESPACE", "WORKLOAD", "CONTAINER", "PROFILE", "RULE", "RUNTIME", "SCORE", "NORMALIZED", "EXPOSED", "RATIO"}, Align: "llllllrrrr"}
	for _, r := range rows {
		container := r.Container
		if r.ContainerType != string(k8s.Regular) {
			container += " (" + r.ContainerType + ")"
		}
		profile := r.Profile
		switch {
		case r.Localhost != "":
			profile = "Localhost " + r.Localhost
			if r.capsDelta != "" {
				profile += " (" + r.capsDelta + ")"
			}
		case r.CapsIgnored:
			profile += " (ignores: " + r.capsDelta + ")" // the built-in keeps its own set
		}
		runtime := r.Runtime
		if r.ProfileSource != "" {
			runtime += ": " + r.tableSource
		}
		ratio := "-"
		if r.Ratio != nil {
			ratio = strconv.FormatFloat(*r.Ratio, 'f', 3, 64)
		}
		t.Rows = append(t.Rows, []string{r.Namespace, r.Kind + "/" + r.Name, container, profile, r.Rule, runtime,
			fmtFloat(r.Score, 2), fmtFloat(r.Normalized, 3), strconv.Itoa(r.Exposed), ratio})
	}
	if err := t.Write(w, f); err != nil {
		return err
	}
	note := fmt.Sprintf("\nweights: %s over %s; metrics used: %v", weights.Options.Norm, tableNote(weights), weights.Used)
	return report.WriteBelow(w, f, note+"\n"+k8sLegend)
}

const k8sLegend = `RULE: how the profile was decided (runtimeClassName, privileged, the container's or the pod's securityContext, or unset and the kubelet's --seccomp-default).
RUNTIME: the built-in scored; for Localhost, the node's runtime and the profile's file or SeccompProfile object. RATIO: against runc-docker.
`
