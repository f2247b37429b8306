package k8s

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"sysweight/seccomp"
)

// Sentinel errors, wrapped by *Error.
var (
	// ErrSyntax is YAML that does not parse.
	ErrSyntax = errors.New("invalid YAML")
	// ErrNotObject is a document that is not a Kubernetes object: not a
	// mapping, or without apiVersion and kind.
	ErrNotObject = errors.New("not a Kubernetes object")
	// ErrInvalid is an object of a kind this package reads whose fields
	// are not what the Kubernetes API accepts.
	ErrInvalid = errors.New("invalid object")
)

// Error is bad input with its place: the file, the document (1-based, in
// a multi-document stream) and the line, each 0 when unknown.
type Error struct {
	File string
	Doc  int
	Line int
	Err  error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	switch {
	case e.Doc > 0 && e.Line > 0:
		fmt.Fprintf(&b, ": document %d, line %d", e.Doc, e.Line)
	case e.Doc > 0:
		fmt.Fprintf(&b, ": document %d", e.Doc)
	case e.Line > 0:
		fmt.Fprintf(&b, ": line %d", e.Line)
	}
	return b.String() + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// WorkloadKinds are the kinds whose pod template Parse reads, with their
// API groups ("" is the core group; extensions is the pre-apps group of
// Deployment, DaemonSet and ReplicaSet).
var WorkloadKinds = []struct{ Kind, Groups string }{
	{"Pod", ""}, {"Deployment", "apps,extensions"}, {"StatefulSet", "apps"}, {"DaemonSet", "apps,extensions"},
	{"ReplicaSet", "apps,extensions"}, {"Job", "batch"}, {"CronJob", "batch"},
}

// SPOGroup is the API group of the Security Profiles Operator, whose
// SeccompProfile objects Parse reads.
const SPOGroup = "security-profiles-operator.x-k8s.io"

// KindsRead names the kinds Parse reads, for messages and --help.
func KindsRead() string {
	var ks []string
	for _, k := range WorkloadKinds {
		ks = append(ks, k.Kind)
	}
	return strings.Join(ks, ", ") + ", List (their items) and " + SPOGroup + " SeccompProfile"
}

// ContainerType tells a pod's containers apart.
type ContainerType string

const (
	Regular   ContainerType = "container"
	Init      ContainerType = "init"
	Ephemeral ContainerType = "ephemeral"
)

// Profile types of securityContext.seccompProfile.type.
const (
	RuntimeDefault = "RuntimeDefault"
	Localhost      = "Localhost"
	Unconfined     = "Unconfined"
)

// SeccompProfile is a securityContext's seccompProfile.
type SeccompProfile struct {
	Type             string `yaml:"type"`
	LocalhostProfile string `yaml:"localhostProfile"`
	Line             int    `yaml:"-"`
}

// Container is one container of a pod template.
type Container struct {
	Name       string
	Type       ContainerType
	Line       int
	Privileged bool
	Seccomp    *SeccompProfile // nil: not set on the container
	// CapAdd and CapDrop are securityContext.capabilities, CAP_-prefixed,
	// upper case; "ALL" as it is.
	CapAdd, CapDrop []string
}

// Workload is a pod or the pod template of a controller.
type Workload struct {
	File         string
	Doc          int // 1-based document index in File
	Line         int
	Kind         string
	Name         string
	Namespace    string
	RuntimeClass string
	PodSeccomp   *SeccompProfile // nil: not set on the pod
	Containers   []Container     // init containers, containers, then ephemeral containers
}

// Profile is a Security Profiles Operator SeccompProfile: its spec is a
// Docker-style seccomp profile.
type Profile struct {
	File      string
	Doc       int
	Line      int
	Name      string
	Namespace string
	// Spec is the object's spec as JSON, for seccomp.Decode.
	Spec []byte
}

// LocalhostPath is where SPO installs the profile on each node, relative
// to the kubelet's seccomp directory: what a pod's localhostProfile names.
func (p *Profile) LocalhostPath() string {
	return "operator/" + p.Namespace + "/" + p.Name + ".json"
}

// Manifests is what Parse collected from one or more files.
type Manifests struct {
	Workloads []Workload
	Profiles  []Profile
	// Skipped counts the objects of other kinds, by kind (and apiVersion
	// when the kind is one read in another group).
	Skipped map[string]int
}

// SkippedSummary lists the skipped kinds with their counts, most first:
// "2 Service, 1 ConfigMap".
func (m *Manifests) SkippedSummary() (n int, summary string) {
	type kc struct {
		k string
		c int
	}
	var ks []kc
	for k, c := range m.Skipped {
		ks = append(ks, kc{k, c})
		n += c
	}
	sort.Slice(ks, func(i, j int) bool {
		if ks[i].c != ks[j].c {
			return ks[i].c > ks[j].c
		}
		return ks[i].k < ks[j].k
	})
	var parts []string
	for _, k := range ks {
		parts = append(parts, fmt.Sprintf("%d %s", k.c, k.k))
	}
	return n, strings.Join(parts, ", ")
}

// maxDepth bounds the nesting of a manifest's mappings and sequences
// (real manifests nest about 15 deep; a SeccompProfile spec 6), as package
// seccomp bounds a profile's, so that no walk over a hostile document is
// deep.
const maxDepth = 64

// Parse reads the YAML or JSON documents of one file into m. Objects
// without a namespace are put in defaultNS. Empty documents are skipped;
// objects of other kinds are counted in m.Skipped. Errors are *Error.
func Parse(data []byte, file, defaultNS string, m *Manifests) error {
	if m.Skipped == nil {
		m.Skipped = map[string]int{}
	}
	if err := checkSizes(data, file); err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for doc := 1; ; doc++ {
		var n yaml.Node
		err := dec.Decode(&n)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return yamlError(file, doc, ErrSyntax, err)
		}
		if len(n.Content) == 0 {
			continue
		}
		root := n.Content[0]
		if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
			continue // a document of comments only
		}
		if d := depth(root, 0); d > maxDepth {
			return &Error{File: file, Doc: doc, Line: root.Line, Err: fmt.Errorf("%w: nested deeper than %d levels", ErrInvalid, maxDepth)}
		}
		p := parser{file: file, doc: doc, ns: defaultNS, m: m}
		if err := p.object(root, false); err != nil {
			return err
		}
	}
}

// MaxDocument bounds one document of a manifest file. etcd refuses a
// request over 1.5 MiB by default (--max-request-bytes), so no object a
// cluster stores is larger; 2 MiB leaves room for YAML spelling it longer
// than JSON. The YAML library holds a document's node tree, about 120
// bytes a node, while it is decoded: a 2 MiB document of one-byte items
// peaks near 260 MB.
const MaxDocument = 2 << 20

// checkSizes finds the document markers of a stream ("---" or "..." at the
// start of a line and followed by a blank or the line's end: YAML 1.2
// c-forbidden, which no content may hold at the start of a line) and
// refuses a document larger than MaxDocument before the parser builds it.
func checkSizes(data []byte, file string) error {
	start, startLine, line, doc := 0, 1, 1, 1
	for off := 0; off <= len(data); {
		end := bytes.IndexByte(data[off:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += off
		}
		l := data[off:end]
		marker := len(l) >= 3 && (string(l[:3]) == "---" || string(l[:3]) == "...") &&
			(len(l) == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\r')
		if marker || end == len(data) {
			if off-start > MaxDocument || end == len(data) && end-start > MaxDocument {
				return &Error{File: file, Doc: doc, Line: startLine, Err: fmt.Errorf("%w: document larger than %d bytes (2 MiB; etcd stores objects up to 1.5 MiB)", ErrInvalid, MaxDocument)}
			}
			if marker {
				if string(l[:3]) == "---" && off > 0 {
					doc++
				}
				start, startLine = end, line
			}
		}
		off, line = end+1, line+1
	}
	return nil
}

// depth is the nesting depth of n, stopping once past maxDepth. Aliases
// count where they are defined, not where they are used.
func depth(n *yaml.Node, d int) int {
	if d > maxDepth {
		return d
	}
	max := d
	for _, c := range n.Content {
		if c.Kind == yaml.AliasNode {
			continue
		}
		if cd := depth(c, d+1); cd > max {
			max = cd
			if max > maxDepth {
				break
			}
		}
	}
	return max
}

type parser struct {
	file string
	doc  int
	ns   string
	m    *Manifests
}

func (p *parser) errf(line int, format string, args ...any) error {
	return &Error{File: p.file, Doc: p.doc, Line: line, Err: fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)}
}

type metadata struct {
	Name         string `yaml:"name"`
	GenerateName string `yaml:"generateName"`
	Namespace    string `yaml:"namespace"`
}

type header struct {
	APIVersion string   `yaml:"apiVersion"`
	Kind       string   `yaml:"kind"`
	Metadata   metadata `yaml:"metadata"`
}

// object reads one object; inList is true for the items of a List.
func (p *parser) object(n *yaml.Node, inList bool) error {
	if n.Kind != yaml.MappingNode {
		return &Error{File: p.file, Doc: p.doc, Line: n.Line, Err: fmt.Errorf("%w: a YAML %s, want a mapping with apiVersion and kind", ErrNotObject, kindName(n))}
	}
	var h header
	if err := n.Decode(&h); err != nil {
		return yamlError(p.file, p.doc, ErrInvalid, err)
	}
	if h.Kind == "" || h.APIVersion == "" {
		return &Error{File: p.file, Doc: p.doc, Line: n.Line, Err: fmt.Errorf("%w: no apiVersion or kind (the kinds read are %s)", ErrNotObject, KindsRead())}
	}
	group := ""
	if i := strings.LastIndexByte(h.APIVersion, '/'); i >= 0 {
		group = h.APIVersion[:i]
	}
	switch {
	case h.Kind == "List" && group == "" && !inList:
		var l struct {
			Items []yaml.Node `yaml:"items"`
		}
		if err := n.Decode(&l); err != nil {
			return yamlError(p.file, p.doc, ErrInvalid, err)
		}
		for i := range l.Items {
			if err := p.object(&l.Items[i], true); err != nil {
				return err
			}
		}
		return nil
	case h.Kind == "SeccompProfile" && group == SPOGroup:
		return p.profile(n, h)
	}
	for _, k := range WorkloadKinds {
		if k.Kind != h.Kind {
			continue
		}
		if !strings.Contains(","+k.Groups+",", ","+group+",") {
			p.m.Skipped[h.Kind+" ("+h.APIVersion+")"]++
			return nil
		}
		return p.workload(n, h)
	}
	p.m.Skipped[h.Kind]++
	return nil
}

func (p *parser) name(n *yaml.Node, h header) (name, ns string, err error) {
	name = h.Metadata.Name
	if name == "" && h.Metadata.GenerateName != "" {
		name = h.Metadata.GenerateName + "*"
	}
	if name == "" {
		return "", "", p.errf(n.Line, "%s without metadata.name", h.Kind)
	}
	ns = h.Metadata.Namespace
	if ns == "" {
		ns = p.ns
	}
	return name, ns, nil
}

type podSpec struct {
	RuntimeClassName    string              `yaml:"runtimeClassName"`
	SecurityContext     *podSecurityContext `yaml:"securityContext"`
	Containers          []container         `yaml:"containers"`
	InitContainers      []container         `yaml:"initContainers"`
	EphemeralContainers []container         `yaml:"ephemeralContainers"`
}

type podSecurityContext struct {
	SeccompProfile *seccompProfile `yaml:"seccompProfile"`
}

type container struct {
	Name            string           `yaml:"name"`
	SecurityContext *securityContext `yaml:"securityContext"`
	line            int
}

// UnmarshalYAML keeps the container's line for messages.
func (c *container) UnmarshalYAML(n *yaml.Node) error {
	type containerFields container
	if err := n.Decode((*containerFields)(c)); err != nil {
		return err
	}
	c.line = n.Line
	return nil
}

type securityContext struct {
	Privileged     *bool           `yaml:"privileged"`
	SeccompProfile *seccompProfile `yaml:"seccompProfile"`
	Capabilities   *capabilities   `yaml:"capabilities"`
}

type capabilities struct {
	Add  []string `yaml:"add"`
	Drop []string `yaml:"drop"`
}

type seccompProfile SeccompProfile

// UnmarshalYAML keeps the profile's line for messages.
func (s *seccompProfile) UnmarshalYAML(n *yaml.Node) error {
	type seccompProfileFields SeccompProfile
	if err := n.Decode((*seccompProfileFields)(s)); err != nil {
		return err
	}
	s.Line = n.Line
	return nil
}

// template is where each kind keeps its pod spec: spec (Pod),
// spec.template.spec (the controllers), spec.jobTemplate.spec.template.spec
// (CronJob).
type podTemplate struct {
	Spec *podSpec `yaml:"spec"`
}

func (p *parser) workload(n *yaml.Node, h header) error {
	name, ns, err := p.name(n, h)
	if err != nil {
		return err
	}
	var spec *podSpec
	where := "spec"
	switch h.Kind {
	case "Pod":
		var o struct {
			Spec *podSpec `yaml:"spec"`
		}
		if err := n.Decode(&o); err != nil {
			return yamlError(p.file, p.doc, ErrInvalid, err)
		}
		spec = o.Spec
	case "CronJob":
		var o struct {
			Spec *struct {
				JobTemplate *struct {
					Spec *struct {
						Template *podTemplate `yaml:"template"`
					} `yaml:"spec"`
				} `yaml:"jobTemplate"`
			} `yaml:"spec"`
		}
		if err := n.Decode(&o); err != nil {
			return yamlError(p.file, p.doc, ErrInvalid, err)
		}
		where = "spec.jobTemplate.spec.template.spec"
		if o.Spec != nil && o.Spec.JobTemplate != nil && o.Spec.JobTemplate.Spec != nil && o.Spec.JobTemplate.Spec.Template != nil {
			spec = o.Spec.JobTemplate.Spec.Template.Spec
		}
	default:
		var o struct {
			Spec *struct {
				Template *podTemplate `yaml:"template"`
			} `yaml:"spec"`
		}
		if err := n.Decode(&o); err != nil {
			return yamlError(p.file, p.doc, ErrInvalid, err)
		}
		where = "spec.template.spec"
		if o.Spec != nil && o.Spec.Template != nil {
			spec = o.Spec.Template.Spec
		}
	}
	if spec == nil {
		return p.errf(n.Line, "%s %s has no %s", h.Kind, name, where)
	}
	if len(spec.Containers) == 0 {
		return p.errf(n.Line, "%s %s: %s.containers is empty, want at least one container", h.Kind, name, where)
	}
	w := Workload{File: p.file, Doc: p.doc, Line: n.Line, Kind: h.Kind, Name: name, Namespace: ns, RuntimeClass: spec.RuntimeClassName}
	if spec.SecurityContext != nil && spec.SecurityContext.SeccompProfile != nil {
		sp := SeccompProfile(*spec.SecurityContext.SeccompProfile)
		if err := p.checkProfile(&sp, fmt.Sprintf("%s %s: pod securityContext.seccompProfile", h.Kind, name)); err != nil {
			return err
		}
		w.PodSeccomp = &sp
	}
	for _, list := range []struct {
		t  ContainerType
		cs []container
	}{{Init, spec.InitContainers}, {Regular, spec.Containers}, {Ephemeral, spec.EphemeralContainers}} {
		for _, c := range list.cs {
			what := fmt.Sprintf("%s %s: %s %q", h.Kind, name, list.t, c.Name)
			if c.Name == "" {
				return p.errf(c.line, "%s %s: a %s without a name", h.Kind, name, list.t)
			}
			out := Container{Name: c.Name, Type: list.t, Line: c.line}
			if sc := c.SecurityContext; sc != nil {
				out.Privileged = sc.Privileged != nil && *sc.Privileged
				if sc.SeccompProfile != nil {
					sp := SeccompProfile(*sc.SeccompProfile)
					if err := p.checkProfile(&sp, what+": securityContext.seccompProfile"); err != nil {
						return err
					}
					out.Seccomp = &sp
				}
				if sc.Capabilities != nil {
					var err error
					if out.CapAdd, err = p.caps(sc.Capabilities.Add, c.line, what+": capabilities.add"); err != nil {
						return err
					}
					if out.CapDrop, err = p.caps(sc.Capabilities.Drop, c.line, what+": capabilities.drop"); err != nil {
						return err
					}
				}
			}
			w.Containers = append(w.Containers, out)
		}
	}
	p.m.Workloads = append(p.m.Workloads, w)
	return nil
}

// checkProfile mirrors the API server's validation of seccompProfile
// (pkg/apis/core/validation ValidateSeccompProfileField): a known type,
// localhostProfile if and only if Localhost, and a relative path that does
// not leave the kubelet's seccomp directory (ValidateLocalDescendingPath).
func (p *parser) checkProfile(sp *SeccompProfile, what string) error {
	switch sp.Type {
	case RuntimeDefault, Unconfined:
		if sp.LocalhostProfile != "" {
			return p.errf(sp.Line, "%s: localhostProfile %q with type %s, want it only with type Localhost", what, sp.LocalhostProfile, sp.Type)
		}
	case Localhost:
		lp := sp.LocalhostProfile
		if lp == "" {
			return p.errf(sp.Line, "%s: type Localhost without localhostProfile", what)
		}
		if path.IsAbs(lp) || strings.Contains(lp, "\\") || slices.Contains(strings.Split(lp, "/"), "..") {
			return p.errf(sp.Line, "%s: localhostProfile %q, want a relative path without '..' (under the kubelet's seccomp directory)", what, lp)
		}
	default:
		return p.errf(sp.Line, "%s: type %q, want RuntimeDefault, Localhost or Unconfined", what, sp.Type)
	}
	return nil
}

// caps checks capability names as the CRI spells them (NET_ADMIN; the
// CAP_ prefix and any case are accepted too) and returns them CAP_-prefixed
// and upper case, ALL as it is.
func (p *parser) caps(names []string, line int, what string) ([]string, error) {
	var out []string
	for _, c := range names {
		if strings.EqualFold(c, "ALL") {
			out = append(out, "ALL")
			continue
		}
		m, err := seccomp.ParseCaps(c)
		if err != nil || len(m) != 1 {
			return nil, p.errf(line, "%s: unknown capability %q (want names of include/uapi/linux/capability.h such as NET_ADMIN, or ALL)", what, c)
		}
		for k := range m {
			out = append(out, k)
		}
	}
	return out, nil
}

// profile reads an SPO SeccompProfile: its spec, minus the fields that
// only the operator reads, as a Docker-style profile.
func (p *parser) profile(n *yaml.Node, h header) error {
	name, ns, err := p.name(n, h)
	if err != nil {
		return err
	}
	var o struct {
		Spec map[string]any `yaml:"spec"`
	}
	if err := n.Decode(&o); err != nil {
		return yamlError(p.file, p.doc, ErrInvalid, err)
	}
	if o.Spec == nil {
		return p.errf(n.Line, "SeccompProfile %s has no spec", name)
	}
	if b, ok := o.Spec["baseProfileName"]; ok && b != "" {
		return p.errf(n.Line, "SeccompProfile %s: baseProfileName %v: profiles built on a base profile are not read, want the whole profile in spec", name, b)
	}
	// fields only the operator reads (disabled: whether it installs the
	// profile on the nodes); the rest is the Docker-style profile
	for _, k := range []string{"disabled", "baseProfileName"} {
		delete(o.Spec, k)
	}
	spec, err := json.Marshal(o.Spec)
	if err != nil {
		return p.errf(n.Line, "SeccompProfile %s: spec: %v", name, err)
	}
	p.m.Profiles = append(p.m.Profiles, Profile{File: p.file, Doc: p.doc, Line: n.Line, Name: name, Namespace: ns, Spec: spec})
	return nil
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "sequence"
	case yaml.ScalarNode:
		return "scalar (" + strings.TrimPrefix(n.Tag, "!!") + ")"
	case yaml.AliasNode:
		return "alias"
	}
	return "value"
}

var (
	lineRE   = regexp.MustCompile(`^(?:yaml: )?line (\d+): `)
	goTypeRE = regexp.MustCompile(`(\[\])?(?:map\[string\])?k8s\.(\w+?)(?:Fields)?\b`)
)

// yamlError turns the YAML library's error into an *Error: the line
// taken out of the message, the first of a TypeError's errors only, and
// this package's Go type names said as what the manifest holds.
func yamlError(file string, doc int, kind, err error) error {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	line := 0
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
	}
	msg = goTypeRE.ReplaceAllStringFunc(msg, func(s string) string {
		m := goTypeRE.FindStringSubmatch(s)
		if m[1] != "" {
			return "a list of " + m[2] + " mappings"
		}
		return "a " + m[2] + " mapping"
	})
	return &Error{File: file, Doc: doc, Line: line, Err: fmt.Errorf("%w: %s", kind, msg)}
}
