package cli

import (
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sysweight/runtimes"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files (testdata/golden, testdata/k8s/golden, testdata/lint/golden, testdata/suggest/golden) from the current output")

type k8sTestRow struct {
	Namespace     string
	Kind          string
	Name          string
	Container     string
	ContainerType string `json:"container_type"`
	Profile       string
	Localhost     string `json:"localhost_profile"`
	Rule          string
	Runtime       string
	RuntimeClass  string `json:"runtime_class"`
	Caps          []string
	CapsIgnored   bool `json:"caps_ignored"`
	Score         float64
	Normalized    float64
	Exposed       int
	Ratio         *float64
}

func runK8sJSON(t *testing.T, args ...string) ([]k8sTestRow, string) {
	t.Helper()
	code, out, errs := run(t, append(append([]string{"k8s"}, args...), "-o", "json")...)
	if code != 0 {
		t.Fatalf("k8s %v: exit %d: %s", args, code, errs)
	}
	var rows []k8sTestRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	return rows, errs
}

// scoreOf scores a built-in (caps == nil) or a profile file for caps
// through the established path, `score … -o json`.
func scoreOf(t *testing.T, cache map[string]k8sTestRow, target string, caps []string) k8sTestRow {
	t.Helper()
	args := []string{"score", target, "-o", "json"}
	if caps != nil {
		args = append(args, "--caps", strings.Join(caps, ","))
	}
	key := strings.Join(args, " ")
	if r, ok := cache[key]; ok {
		return r
	}
	code, out, errs := run(t, args...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, errs)
	}
	var r k8sTestRow
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	cache[key] = r
	return r
}

func plus(base []string, add ...string) []string {
	return append(append([]string(nil), base...), add...)
}

// TestK8sRules runs k8s on testdata/k8s/manifests (22 manifest files: every
// workload kind, multi-document files, a List in JSON, a nested
// directory) under two node settings and checks every container against a
// table written by hand: the rule, the profile, the runtime, and the
// score, which must equal what `sysweight score` gives for the same
// built-in or for the same profile file with the same capabilities
// (--caps), plus exposed counts counted by hand for the small profiles
// (strict.json allows 8 syscalls, the SPO object tight 5).
func TestK8sRules(t *testing.T) {
	dir := filepath.Join("testdata", "k8s")
	profiles := filepath.Join(dir, "profiles")
	moby := filepath.Join(profiles, "moby.json")
	strict := filepath.Join(profiles, "strict.json")
	tight := filepath.Join(profiles, "tight-equivalent.json") // the SPO object's spec as a file
	docker, podman := runtimes.DockerDefaultCaps, runtimes.PodmanDefaultCaps
	var allCaps []string
	for _, c := range strings.Split("CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON BPF CHECKPOINT_RESTORE", " ") {
		allCaps = append(allCaps, "CAP_"+c) // every capability but CAP_SYS_ADMIN
	}
	type want struct {
		ctype, profile, rule, runtime string
		target                        string   // built-in or profile file whose `score` the row must equal
		caps                          []string // for a profile file: the --caps to score it with
		exposed                       int      // counted by hand; 0: not checked
	}
	common := []string{"--profiles-dir", profiles, "--runtime-class", "gvisor=gvisor-systrap", "--runtime-class", "kata=kata-firecracker", "--runtime-class", "runc=default"}
	cases := []struct {
		name string
		args []string
		rows map[string]want // "namespace Kind/name container"
	}{{
		name: "seccomp-default off, runc-docker",
		args: common,
		rows: map[string]want{
			"shop Pod/web nginx":                {"container", "RuntimeDefault", "pod securityContext", "runc-docker", "runc-docker", nil, 0},
			"shop Pod/mixed loose":              {"container", "Unconfined", "container securityContext", "runc-unconfined", "runc-unconfined", nil, 346},
			"shop Pod/mixed inherits":           {"container", "RuntimeDefault", "pod securityContext", "runc-docker", "runc-docker", nil, 0},
			"shop Pod/bare app":                 {"container", "Unconfined", "unset, kubelet --seccomp-default off", "runc-unconfined", "runc-unconfined", nil, 346},
			"shop Pod/priv tool":                {"container", "none (privileged)", "privileged: true", "runc-unconfined", "runc-unconfined", nil, 346},
			"shop Pod/custom app":               {"container", "Localhost", "container securityContext", "runc-docker", moby, docker, 0},
			"ops Pod/caps admin":                {"container", "Localhost", "pod securityContext", "runc-docker", moby, plus(docker, "CAP_SYS_ADMIN"), 0},
			"ops Pod/caps dropall":              {"container", "Localhost", "pod securityContext", "runc-docker", moby, []string{}, 0},
			"ops Pod/caps all-but-admin":        {"container", "Localhost", "pod securityContext", "runc-docker", moby, allCaps, 0},
			"shop Pod/strict app":               {"container", "Localhost", "pod securityContext", "runc-docker", strict, docker, 8},
			"shop Pod/spo-user app":             {"container", "Localhost", "container securityContext", "runc-docker", tight, docker, 5},
			"shop Deployment/api migrate":       {"init", "RuntimeDefault", "pod securityContext", "runc-docker", "runc-docker", nil, 0},
			"shop Deployment/api api":           {"container", "RuntimeDefault", "pod securityContext", "runc-docker", "runc-docker", nil, 0},
			"shop StatefulSet/db postgres":      {"container", "Localhost", "container securityContext", "runc-docker", strict, docker, 8},
			"kube-system DaemonSet/agent agent": {"container", "none (privileged)", "privileged: true", "runc-unconfined", "runc-unconfined", nil, 346},
			"default ReplicaSet/legacy app":     {"container", "Unconfined", "unset, kubelet --seccomp-default off", "runc-unconfined", "runc-unconfined", nil, 346},
			"ops Job/migrate migrate":           {"container", "Unconfined", "pod securityContext", "runc-unconfined", "runc-unconfined", nil, 346},
			"ops CronJob/backup backup":         {"container", "RuntimeDefault", "container securityContext", "runc-docker", "runc-docker", nil, 0},
			"shop Deployment/sandboxed app":     {"container", "sandbox (runtime class)", "runtimeClassName gvisor → gvisor-systrap", "gvisor-systrap", "gvisor-systrap", nil, 0},
			"shop Pod/vm app":                   {"container", "sandbox (runtime class)", "runtimeClassName kata → kata-firecracker", "kata-firecracker", "kata-firecracker", nil, 0},
			"multi Pod/multi-a a":               {"container", "RuntimeDefault", "container securityContext", "runc-docker", "runc-docker", nil, 0},
			"multi Deployment/multi-b b":        {"container", "Unconfined", "container securityContext", "runc-unconfined", "runc-unconfined", nil, 346},
			"ops Pod/debugged app":              {"container", "RuntimeDefault", "pod securityContext", "runc-docker", "runc-docker", nil, 0},
			"ops Pod/debugged debugger":         {"ephemeral", "Localhost", "container securityContext", "runc-docker", moby, plus(docker, "CAP_SYS_PTRACE"), 0},
			"listed Pod/from-list app":          {"container", "RuntimeDefault", "pod securityContext", "runc-docker", "runc-docker", nil, 0},
			"shop Pod/runc-class app":           {"container", "RuntimeDefault", "container securityContext", "runc-docker", "runc-docker", nil, 0},
			"deep Deployment/nested app":        {"container", "Localhost", "pod securityContext", "runc-docker", tight, docker, 5},
		},
	}, {
		name: "seccomp-default on, crun-podman",
		args: append([]string{"--seccomp-default", "on", "--runtime-default", "crun-podman"}, common...),
		rows: map[string]want{
			"shop Pod/web nginx":            {"container", "RuntimeDefault", "pod securityContext", "crun-podman", "crun-podman", nil, 0},
			"shop Pod/mixed loose":          {"container", "Unconfined", "container securityContext", "runc-unconfined", "runc-unconfined", nil, 346},
			"shop Pod/bare app":             {"container", "RuntimeDefault", "unset, kubelet --seccomp-default on", "crun-podman", "crun-podman", nil, 0},
			"default ReplicaSet/legacy app": {"container", "RuntimeDefault", "unset, kubelet --seccomp-default on", "crun-podman", "crun-podman", nil, 0},
			"shop Pod/priv tool":            {"container", "none (privileged)", "privileged: true", "runc-unconfined", "runc-unconfined", nil, 346},
			"shop Pod/custom app":           {"container", "Localhost", "container securityContext", "crun-podman", moby, podman, 0},
			"ops Pod/caps admin":            {"container", "Localhost", "pod securityContext", "crun-podman", moby, plus(podman, "CAP_SYS_ADMIN"), 0},
			"ops Pod/debugged debugger":     {"ephemeral", "Localhost", "container securityContext", "crun-podman", moby, plus(podman, "CAP_SYS_PTRACE"), 0},
			"shop Deployment/sandboxed app": {"container", "sandbox (runtime class)", "runtimeClassName gvisor → gvisor-systrap", "gvisor-systrap", "gvisor-systrap", nil, 0},
			"ops CronJob/backup backup":     {"container", "RuntimeDefault", "container securityContext", "crun-podman", "crun-podman", nil, 0},
		},
	}}
	cache := map[string]k8sTestRow{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, errs := runK8sJSON(t, append([]string{filepath.Join(dir, "manifests")}, c.args...)...)
			if len(rows) != 27 {
				t.Errorf("%d rows, want 27 (one per container of the 22 files)", len(rows))
			}
			if want := "sysweight: k8s: skipped 3 objects of other kinds: 1 ConfigMap, 1 Secret, 1 Service\n"; errs != want {
				t.Errorf("stderr %q, want %q", errs, want)
			}
			seen := map[string]bool{}
			for i, r := range rows {
				if i > 0 && r.Score > rows[i-1].Score {
					t.Errorf("row %d (%v) scores above row %d (%v)", i, r.Score, i-1, rows[i-1].Score)
				}
				key := r.Namespace + " " + r.Kind + "/" + r.Name + " " + r.Container
				seen[key] = true
				w, ok := c.rows[key]
				if !ok {
					continue
				}
				if r.ContainerType != w.ctype || r.Profile != w.profile || r.Rule != w.rule || r.Runtime != w.runtime {
					t.Errorf("%s: %s, %s, %s, %s; want %s, %s, %s, %s", key, r.ContainerType, r.Profile, r.Rule, r.Runtime, w.ctype, w.profile, w.rule, w.runtime)
				}
				ref := scoreOf(t, cache, w.target, w.caps)
				if math.Abs(r.Score-ref.Score) > 1e-9 || r.Exposed != ref.Exposed || math.Abs(r.Normalized-ref.Normalized) > 1e-12 ||
					r.Ratio == nil || ref.Ratio == nil || math.Abs(*r.Ratio-*ref.Ratio) > 1e-12 {
					t.Errorf("%s: score %v, exposed %d; sysweight score %s --caps %v gives %v, %d", key, r.Score, r.Exposed, w.target, w.caps, ref.Score, ref.Exposed)
				}
				if w.exposed != 0 && r.Exposed != w.exposed {
					t.Errorf("%s: exposed %d, want %d", key, r.Exposed, w.exposed)
				}
			}
			for key := range c.rows {
				if !seen[key] {
					t.Errorf("no row for %s", key)
				}
			}
		})
	}
	// The capabilities of a Localhost profile change its includes: with
	// CAP_SYS_ADMIN Docker's profile allows mount, umount2, unshare …, so
	// it scores more than with Docker's 14, and with none, less.
	d := scoreOf(t, cache, moby, docker).Score
	if a, n := scoreOf(t, cache, moby, plus(docker, "CAP_SYS_ADMIN")).Score, scoreOf(t, cache, moby, []string{}).Score; !(a > d && n < d) {
		t.Errorf("moby.json: +SYS_ADMIN %v, Docker's 14 %v, none %v: want more, then less", a, d, n)
	}
}

// TestK8sGolden: every output format of a small fixed case (an SPO
// profile, a Deployment with a privileged init container, RuntimeDefault
// and Localhost containers, a gVisor pod, a Service skipped), against
// testdata/k8s/golden/small.* (go test -run TestK8sGolden -update
// rewrites them).
func TestK8sGolden(t *testing.T) {
	in := filepath.Join("testdata", "k8s", "golden", "small.yaml")
	for _, f := range []struct{ format, ext string }{{"table", "txt"}, {"json", "json"}, {"csv", "csv"}, {"markdown", "md"}} {
		code, out, errs := run(t, "k8s", in, "--runtime-class", "gvisor=gvisor-systrap", "-o", f.format)
		if code != 0 {
			t.Fatalf("-o %s: exit %d: %s", f.format, code, errs)
		}
		if errs != "sysweight: k8s: skipped 1 object of other kinds: 1 Service\n" {
			t.Errorf("-o %s: stderr %q", f.format, errs)
		}
		checkGolden(t, filepath.Join("testdata", "k8s", "golden", "small."+f.ext), out, "TestK8sGolden")
	}
}

// TestBudgetK8sLargestDocument: a document just under the 2 MiB limit
// made of one-byte items, the most YAML nodes a document may hold, scores
// within the budget of issue 12 (2 s CPU, 512 MiB).
func TestBudgetK8sLargestDocument(t *testing.T) {
	head := "apiVersion: v1\nkind: Pod\nmetadata: {name: big}\nspec:\n  containers: [{name: a}]\n  x: ["
	n := (2<<20 - len(head) - 3) / 2
	big := writeTemp(t, "big.yaml", []byte(head+strings.Repeat("0,", n)+"0]\n"))
	code, stdout, stderr := runBudget(t, "k8s", big, "-o", "csv")
	if code != 0 || !strings.Contains(stdout, "default,Pod/big,a,Unconfined,") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// --help gives the rules, the kinds read, the JSON schema and examples.
func TestK8sHelp(t *testing.T) {
	code, help, _ := run(t, "k8s", "--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"Kinds read: Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob", "SeccompProfile",
		"--seccomp-default on", "operator/NAMESPACE/NAME.json", "JSON output is a list of objects", `"container_type"`, `"caps_ignored"`,
		"sysweight k8s manifests/ --runtime-class gvisor=gvisor-systrap", "--profiles-dir string"} {
		if !strings.Contains(help, want) {
			t.Errorf("k8s --help lacks %q", want)
		}
	}
}

// The README's k8s example is the golden markdown table.
func TestREADMEK8sExample(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join("testdata", "k8s", "golden", "small.md"))
	if err != nil {
		t.Fatal(err)
	}
	table, _, _ := strings.Cut(string(md), "\n\n")
	if !strings.Contains(string(readme), table+"\n") {
		t.Errorf("README.md lacks the table of testdata/k8s/golden/small.md:\n%s", table)
	}
}
