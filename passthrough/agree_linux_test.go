//go:build linux

package passthrough

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	mobyseccomp "github.com/moby/profiles/seccomp"

	"sysweight/bpf"
	"sysweight/seccomp"
	"sysweight/syscalls"
)

// TestThreeWayRuncDocker compares, for every probed syscall and the
// probe's own arguments, three readings of runc with Docker's default
// profile on this host:
//
//	(a) declared: moby's DefaultProfile, decoded by package seccomp and
//	    resolved for Docker's default capabilities and this host's kernel;
//	(b) installed: the BPF filter runc installed in a live container,
//	    dumped with bpf.DumpFilters and run by package bpf's interpreter;
//	(c) observed: the probe's pass-through (sys_enter seen on the host).
//
// The three are independent: (a) never runs libseccomp, (b) never reads
// the profile, (c) reads neither. Every syscall where they disagree must
// be one of the cases explain checks. It probes the whole table (about
// 45 s).
func TestThreeWayRuncDocker(t *testing.T) {
	requireHost(t)
	requireTool(t, "runc")
	resolver, err := exec.LookPath("scmp_sys_resolver")
	if err != nil {
		t.Skip("needs scmp_sys_resolver (apt-get install seccomp) to explain disagreements")
	}
	probe := buildProbe(t)
	m, err := Run(context.Background(), Options{Runtime: RuncDocker, Probe: probe, WorkDir: t.TempDir(), Timeout: 10 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	rows := threeWay(t, m, probe)
	n := 0
	for _, r := range rows {
		if r.declared == r.installed && r.installed == r.observed {
			continue
		}
		n++
		if why := explain(r, resolver); why == "" {
			t.Errorf("unexplained disagreement: %s (inside: %s)", r, r.errno)
		} else {
			t.Logf("%s: %s", r, why)
		}
	}
	t.Logf("%d syscalls compared, %d disagree, all explained", len(rows), n)
}

// explain returns why a row disagrees, after checking the facts the
// explanation rests on, or "".
func explain(r agreeRow, resolver string) string {
	// libseccomp cannot compile a rule for a name it does not know; runc
	// then leaves the rule out, and its ENOSYS stub (libcontainer/seccomp/
	// patchbpf) answers syscalls newer than libseccomp's table. Checked
	// with scmp_sys_resolver of the same libseccomp: it prints -1.
	if r.declared && !r.installed && !r.observed && r.errno == "ENOSYS" {
		out, _ := exec.Command(resolver, "-a", "x86_64", r.name).Output()
		if strings.TrimSpace(string(out)) == "-1" {
			return "libseccomp does not know " + r.name + ", so runc dropped its rule and answers ENOSYS"
		}
	}
	// kernel/seccomp.c lets uretprobe and uprobe through without running
	// the filters (seccomp_uprobe_exception, Linux 6.14 for uretprobe and
	// later for uprobe, backported to stable kernels), because uprobe
	// trampolines call them from inside any process. Outside a trampoline
	// the kernel kills the caller (uretprobe: SIGILL, which the Go runtime
	// reports as exit 2) or answers ENXIO (uprobe): the probe's answer
	// shows that the syscall ran rather than the filter's EPERM.
	if !r.installed && r.observed && (r.name == "uretprobe" || r.name == "uprobe") &&
		r.errno != "EPERM" && r.errno != "ENOSYS" {
		return "the kernel exempts " + r.name + " from seccomp filters (seccomp_uprobe_exception); inside: " + r.inside
	}
	return ""
}

func describeInside(in Inside) string {
	switch {
	case in.Errno != "":
		return in.Errno
	case in.Exit != nil:
		return fmt.Sprintf("exit %d", *in.Exit)
	case in.Signal != "":
		return in.Signal
	}
	return in.Outcome
}

type agreeRow struct {
	name                          string
	declared, installed, observed bool
	errno                         string // what the probe saw inside
	inside                        string
}

func (r agreeRow) String() string {
	yn := func(b bool) string {
		if b {
			return "reaches"
		}
		return "blocked"
	}
	return r.name + ": declared " + yn(r.declared) + ", installed " + yn(r.installed) + ", observed " + yn(r.observed)
}

func threeWay(t *testing.T, m *Matrix, probe string) []agreeRow {
	t.Helper()
	host, err := seccomp.ParseKernelVersion(m.HostKernel)
	if err != nil {
		t.Fatal(err)
	}
	caps := map[string]bool{}
	for _, c := range dockerDefaultCaps {
		caps[c] = true
	}
	raw, err := json.Marshal(mobyseccomp.DefaultProfile())
	if err != nil {
		t.Fatal(err)
	}
	prof, err := seccomp.DecodeMoby(bytes.NewReader(raw), "moby DefaultProfile")
	if err != nil {
		t.Fatal(err)
	}
	declared, err := prof.Resolve(seccomp.Target{Arch: syscalls.X86_64, Caps: caps, Kernel: host})
	if err != nil {
		t.Fatal(err)
	}
	filters := installedFilters(t, probe)
	var progs []*bpf.Program
	for _, f := range filters {
		p, err := bpf.Compile(f)
		if err != nil {
			t.Fatal(err)
		}
		progs = append(progs, p)
	}
	var rows []agreeRow
	for _, c := range m.Calls {
		if c.Reached == Unknown {
			t.Errorf("%s: observation unknown (%s)", c.Syscall, c.Why)
			continue
		}
		args := c.Args
		d := &bpf.SeccompData{Nr: int32(c.Nr), Arch: syscalls.X86_64.AuditArch(), Args: args}
		ret := uint32(bpf.RetAllow)
		for _, p := range progs {
			ret = bpf.Combine(ret, p.Run(d))
		}
		rows = append(rows, agreeRow{
			name:      c.Syscall,
			declared:  declared.Evaluate(c.Syscall, &args).Action.ReachesKernel(),
			installed: bpf.DecodeReturn(ret).Action.ReachesKernel(),
			observed:  c.Reached == Yes,
			errno:     c.Inside.Errno,
			inside:    describeInside(c.Inside),
		})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].name < rows[j].name })
	return rows
}

// installedFilters starts a container from the same bundle the
// pass-through uses (sleeping instead of probing) and dumps its filters.
func installedFilters(t *testing.T, probe string) [][]bpf.Instruction {
	t.Helper()
	runc, _ := findTool("", "runc")
	busybox := ""
	for _, p := range []string{"/bin/busybox", "/usr/bin/busybox"} {
		if isStatic(p) {
			busybox = p
		}
	}
	if busybox == "" {
		t.Skip("no static busybox")
	}
	dir := t.TempDir()
	if _, err := writeBundle(dir, RuncDocker, probe, busybox, "", nil); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "config.json")
	b, _ := os.ReadFile(cfg)
	b = bytes.Replace(b, []byte(`"/sysweight-probe"`), []byte(`"/bin/busybox", "sleep", "600"`), 1)
	if err := os.WriteFile(cfg, b, 0o644); err != nil {
		t.Fatal(err)
	}
	state, id := filepath.Join(dir, "state"), "sysweight-pt-agree"
	t.Cleanup(func() {
		quiet(runc, "--root", state, "kill", id, "KILL")
		quiet(runc, "--root", state, "delete", "-f", id)
	})
	logf, _ := os.Create(filepath.Join(dir, "log"))
	defer logf.Close()
	run := exec.Command(runc, "--root", state, "run", "-d", "--bundle", dir, id)
	run.Stdout, run.Stderr = logf, logf
	if err := run.Run(); err != nil {
		out, _ := os.ReadFile(logf.Name())
		t.Fatalf("runc run: %v: %s", err, out)
	}
	out, err := exec.Command(runc, "--root", state, "state", id).Output()
	if err != nil {
		t.Fatal(err)
	}
	var st struct{ Pid int }
	if err := json.Unmarshal(out, &st); err != nil || st.Pid <= 0 {
		t.Fatalf("runc state %s: %v", strings.TrimSpace(string(out)), err)
	}
	filters, err := bpf.DumpFilters(st.Pid)
	if err != nil {
		t.Fatal(err)
	}
	if len(filters) == 0 {
		t.Fatal("no filter installed in the container")
	}
	return filters
}
