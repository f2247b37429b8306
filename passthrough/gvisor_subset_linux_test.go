//go:build linux

package passthrough

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"sysweight/bpf"
	"sysweight/exposure"
	"sysweight/internal/leftovers"
	"sysweight/runtimes"
	"sysweight/syscalls"
)

// TestGVisorObservedWithinInstalled checks the committed gVisor matrices
// against the filters runsc really installs (issue 4): every host syscall
// the sandbox's processes made during the probe run (from the probe's
// hello to its done line), and so in every probe window, must be one that
// the installed Sentry, Gofer or stub filters let through for some input. A
// syscall outside them would have killed the process (gVisor's filters
// trap or kill what they do not allow), so a miss means the matrix or
// this evaluation is wrong. The filters are dumped from a fresh sandbox
// running sleep: runsc installs them before the application starts, and
// they do not depend on the application.
func TestGVisorObservedWithinInstalled(t *testing.T) {
	if testing.Short() {
		t.Skip("runs gVisor sandboxes (-short)")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to run runsc and read its filters with ptrace")
	}
	runsc, err := findTool("", "runsc")
	if err != nil {
		t.Skipf("runsc not installed: run scripts/install-runtimes.sh (%v)", err)
	}
	busybox := ""
	for _, p := range []string{"/bin/busybox", "/usr/bin/busybox"} {
		if isStatic(p) {
			busybox = p
			break
		}
	}
	if busybox == "" {
		t.Skip("needs a static busybox (apt-get install busybox-static)")
	}
	corpus, err := runtimes.Corpus(syscalls.X86_64)
	if err != nil {
		t.Fatal(err)
	}
	for _, rt := range []string{RunscSystrap, RunscPtrace} {
		t.Run(rt, func(t *testing.T) {
			m := loadMatrix(t, rt)
			procs := startSleepingSandbox(t, runsc, busybox, strings.TrimPrefix(rt, "gvisor-"))
			allowed := map[string]set{}
			for _, role := range []string{"sentry", "gofer", "stub"} {
				allowed[role] = set{}
			}
			for _, p := range procs {
				if p.role == "cli" {
					continue // unfiltered: runsc's own front end, reported below
				}
				d, err := bpf.DumpProcess(p.pid)
				if errors.Is(err, bpf.ErrPermission) && p.role == "stub" {
					// ptrace platform: the Sentry traces its stubs, and a
					// thread has one tracer.
					t.Logf("%s: stub %d not dumpable: %v", rt, p.pid, err)
					continue
				}
				if err != nil {
					t.Fatalf("%s %d: %v", p.role, p.pid, err)
				}
				e, err := exposure.FromDump(fmt.Sprintf("%s %s %d", rt, p.role, p.pid), syscalls.X86_64, d, corpus)
				if err != nil {
					t.Fatal(err)
				}
				s := set{}
				for _, en := range e.Entries {
					s[en.Syscall] = true
				}
				w := witnessed(d)
				t.Logf("%s: %s pid %d: %d threads, %d distinct filters, %d syscalls allowed for a corpus tuple, %d for some input (filter constants; extra: %v)",
					rt, p.role, p.pid, len(d.Threads), len(d.Filters), len(s), len(w), w.minus(s).sorted())
				// Both are witnessed by a concrete input; the search gives up
				// on some deep paths (openat, statx) the corpus covers.
				allowed[p.role].add(s)
				allowed[p.role].add(w)
			}
			if len(allowed["sentry"]) == 0 || len(allowed["gofer"]) == 0 {
				t.Fatalf("no filter read from the Sentry (%d) or the Gofer (%d)", len(allowed["sentry"]), len(allowed["gofer"]))
			}
			sg := set{}
			sg.add(allowed["sentry"])
			sg.add(allowed["gofer"])
			all := set{}
			all.add(sg)
			all.add(allowed["stub"])

			window := keys(m.WindowHost)
			whole := keys(m.RunHost)
			t.Logf("%s: installed allowed: Sentry %d, Gofer %d, Sentry∪Gofer %d, stubs %d, all %d",
				rt, len(allowed["sentry"]), len(allowed["gofer"]), len(sg), len(allowed["stub"]), len(all))
			t.Logf("%s: observed: in probe windows %d, whole run %d (start-up and tear-down included)", rt, len(window), len(whole))

			if out := window.minus(all); len(out) > 0 {
				t.Errorf("%s: %d host syscalls seen in probe windows that no installed filter allows: %v", rt, len(out), out.sorted())
			}
			if out := window.minus(sg); len(out) > 0 {
				var notStub []string
				for _, s := range out.sorted() {
					if !allowed["stub"][s] {
						notStub = append(notStub, s)
					}
				}
				t.Logf("%s: in windows, outside Sentry∪Gofer: %v (allowed by the stub filters: all but %v)", rt, out.sorted(), notStub)
			}
			// The probe run (hello to done) by process role: each of the
			// Sentry, the Gofer and the stubs within its own filters, and
			// nothing from an unknown process.
			pr := m.ProbeRun
			if len(pr) == 0 {
				t.Fatalf("%s.json has no probe-run counts: re-run make passthrough-matrix PT_RUNTIMES=%s", rt, rt)
			}
			sandbox := set{}
			for _, r := range []string{RoleSentry, RoleGofer, RoleStub} {
				sandbox.add(keys(pr[r]))
			}
			t.Logf("%s: probe run (hello to done): Sentry %d, Gofer %d, stubs %d, all three %d syscalls; runsc front end %d; other %d",
				rt, len(pr[RoleSentry]), len(pr[RoleGofer]), len(pr[RoleStub]), len(sandbox), len(pr[RoleLauncher]), len(pr[RoleOther]))
			// The Gofer may well be idle: with directfs (runsc's default)
			// the Sentry opens files itself.
			if len(pr[RoleSentry]) == 0 {
				t.Errorf("%s: no probe-run syscalls from the Sentry: its role was not found", rt)
			}
			if len(pr[RoleOther]) > 0 {
				t.Errorf("%s: probe-run syscalls from processes that are not the front end, Sentry, Gofer or a stub: %v", rt, keys(pr[RoleOther]).sorted())
			}
			for _, r := range []string{RoleSentry, RoleGofer} {
				if out := keys(pr[r]).minus(allowed[r]); len(out) > 0 {
					t.Errorf("%s: %s made %d host syscalls its installed filter does not allow: %v", rt, r, len(out), out.sorted())
				}
			}
			if out := sandbox.minus(sg); len(out) > 0 {
				t.Logf("%s: probe run outside Sentry∪Gofer: %v, made by the stubs: %v", rt, out.sorted(), keys(pr[RoleStub]).sorted())
			}
			if len(allowed[RoleStub]) > 0 {
				// A stub the Sentry forks runs its set-up under the filter
				// it inherits from the Sentry until it installs its own on
				// top (systrap's forkStub at the pinned version: setsid,
				// signal mask and actions, then seccomp), and the pass
				// counts a process as a stub from its fork on: so a stub
				// syscall is within the stub filters or the Sentry's.
				out := keys(pr[RoleStub]).minus(allowed[RoleStub])
				if early := out.minus(allowed[RoleSentry]); len(early) > 0 {
					t.Errorf("%s: stubs made %d host syscalls neither their installed filters nor the Sentry's (inherited before theirs) allow: %v", rt, len(early), early.sorted())
				}
				if len(out) > 0 {
					t.Logf("%s: stubs made %v outside their own filters, inside the Sentry's: a stub forked in the probe run, before its filter", rt, out.sorted())
				}
			} else {
				// ptrace: the Sentry traces its stubs, and only a tracer can
				// read a filter (PTRACE_SECCOMP_GET_FILTER). The stub filter's
				// allowed syscalls are then taken from gVisor's source at the
				// pinned runsc version (pkg/sentry/platform/ptrace:
				// attachedThread in subprocess_linux.go, appendArchSeccompRules
				// in subprocess_amd64.go); everything else kills the thread.
				documented := set{"clone": true, "wait4": true, "exit": true, "prctl": true, "getppid": true, "getpid": true,
					"kill": true, "mmap": true, "munmap": true, "arch_prctl": true}
				if out := keys(pr[RoleStub]).minus(documented); len(out) > 0 {
					t.Errorf("%s: stubs made %v, outside gVisor's ptrace stub rules", rt, out.sorted())
				}
				t.Logf("%s: stub filters unreadable (the Sentry is their tracer); the stubs made %v, all in gVisor's ptrace stub rules (%d syscalls)",
					rt, keys(pr[RoleStub]).sorted(), len(documented))
			}
			t.Logf("%s: runsc front end (no seccomp filter) in the probe run: %v", rt, keys(pr[RoleLauncher]).sorted())
			// The whole run adds runsc's set-up before any filter is in and
			// tear-down; it is not split by process, and only reported.
			inside := whole.minus(whole.minus(all))
			t.Logf("%s: whole run ∩ installed %d; whole run outside every installed filter %d (set-up before the filters, or the front end): %v",
				rt, len(inside), len(whole)-len(inside), whole.minus(all).sorted())
		})
	}
}

type set map[string]bool

func (s set) add(o set) {
	for k := range o {
		s[k] = true
	}
}

func (s set) minus(o set) set {
	out := set{}
	for k := range s {
		if !o[k] {
			out[k] = true
		}
	}
	return out
}

func (s set) sorted() []string {
	out := make([]string, 0, len(s))
	for k := range s {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func keys(m map[string]uint64) set {
	s := set{}
	for k := range m {
		s[k] = true
	}
	return s
}

func loadMatrix(t *testing.T, rt string) *Matrix {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "runtimes", "data", "measured", rt+".json"))
	if err != nil {
		t.Skipf("no committed matrix for %s: %v", rt, err)
	}
	var m Matrix
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s.json: %v", rt, err)
	}
	if m.Runtime != rt || len(m.WindowHost) == 0 || len(m.RunHost) == 0 {
		t.Fatalf("%s.json: runtime %q, %d window and %d whole-run host syscalls", rt, m.Runtime, len(m.WindowHost), len(m.RunHost))
	}
	return &m
}

type sandboxProc struct {
	pid  int
	role string // cli, sentry, gofer, stub
}

// startSleepingSandbox runs busybox sleep 30 under runsc and returns its
// processes once the Sentry and Gofer have their filters and (systrap,
// ptrace) the application's stub exists. Everything is killed, deleted and
// unmounted when the test ends, and that is checked.
func startSleepingSandbox(t *testing.T, runsc, busybox, platform string) []sandboxProc {
	t.Helper()
	work, err := os.MkdirTemp("", "sysweight-gvsub-")
	if err != nil {
		t.Fatal(err)
	}
	state, bundle := filepath.Join(work, "state"), filepath.Join(work, "bundle")
	id := fmt.Sprintf("sysweight-gvsub-%d-%s", os.Getpid(), platform)
	var cmd *exec.Cmd
	t.Cleanup(func() {
		var pids []int
		if cmd != nil && cmd.Process != nil {
			pids = tree(cmd.Process.Pid)
			// runsc ignores SIGTERM; the sandbox's processes are in the
			// group, the stubs are children of the Sentry.
			_ = unix.Kill(-cmd.Process.Pid, unix.SIGKILL)
			for _, p := range pids {
				_ = unix.Kill(p, unix.SIGKILL)
			}
			_ = cmd.Wait()
		}
		quiet(runsc, "--root", state, "delete", "-force", id)
		if err := leftovers.UnmountUnder(work); err != nil {
			t.Error(err)
		}
		if err := os.RemoveAll(work); err != nil {
			t.Errorf("removing %s: %v", work, err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for _, p := range pids {
			for alive(p) && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
			}
			if alive(p) {
				t.Errorf("process %d of the sandbox survived", p)
			}
		}
		if left := processesNaming(id); len(left) > 0 {
			t.Errorf("processes left: %v", left)
		}
		mi, _ := os.ReadFile("/proc/self/mountinfo")
		if bytes.Contains(mi, []byte(work)) {
			t.Errorf("mounts left under %s", work)
		}
	})
	rootfs := filepath.Join(bundle, "rootfs")
	for _, d := range []string{"bin", "proc", "dev", "sys", "tmp"} {
		if err := os.MkdirAll(filepath.Join(rootfs, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := copyFile(busybox, filepath.Join(rootfs, "bin", "busybox"), 0o755); err != nil {
		t.Fatal(err)
	}
	spec, err := json.MarshalIndent(baseSpec([]string{"/bin/busybox", "sleep", "30"}, dockerDefaultCaps), "", "\t")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bundle, "config.json"), spec, 0o644); err != nil {
		t.Fatal(err)
	}
	var out tailBuffer
	cmd = exec.Command(runsc, "--root", state, "--network=none", "--platform="+platform, "run", "--bundle", bundle, id)
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		procs := classify(cmd.Process.Pid)
		n := map[string]int{}
		for _, p := range procs {
			n[p.role]++
		}
		if n["sentry"] == 1 && n["gofer"] == 1 && n["stub"] > 0 && filtered(procs) {
			// Let the application get past exec: its stub is made then.
			time.Sleep(time.Second)
			return classify(cmd.Process.Pid)
		}
		if time.Now().After(deadline) {
			t.Fatalf("runsc %s: no Sentry, Gofer and stub with filters after 30 s (%v); output: %s", platform, n, out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// classify names the processes of the tree under the runsc front end by
// their command line: runsc re-executes itself as runsc-sandbox (the
// Sentry) and runsc-gofer; the Sentry's children, whose command line is
// empty, are the platform's stubs.
func classify(cli int) []sandboxProc {
	out := []sandboxProc{{cli, "cli"}}
	roles := sandboxRoles(os.DirFS("/proc"), cli)
	sentry := 0
	for _, p := range tree(cli)[1:] {
		switch {
		case roles[p] != "":
			if roles[p] == RoleSentry {
				sentry = p
			}
			out = append(out, sandboxProc{p, roles[p]})
		case sentry != 0 && descends(p, sentry):
			out = append(out, sandboxProc{p, RoleStub})
		default:
			b, _ := os.ReadFile("/proc/" + strconv.Itoa(p) + "/cmdline")
			arg0, _, _ := strings.Cut(string(b), "\x00")
			out = append(out, sandboxProc{p, "other " + strconv.Quote(arg0)})
		}
	}
	return out
}

func descends(p, ancestor int) bool {
	for _, q := range tree(ancestor)[1:] {
		if q == p {
			return true
		}
	}
	return false
}

// filtered reports whether every process but the front end is in seccomp
// filter mode.
func filtered(procs []sandboxProc) bool {
	for _, p := range procs {
		if p.role == "cli" {
			continue
		}
		f, err := os.Open(fmt.Sprintf("/proc/%d/status", p.pid))
		if err != nil {
			return false
		}
		st, err := bpf.ParseStatus(f)
		f.Close()
		if err != nil || st.Mode != 2 {
			return false
		}
	}
	return true
}

// witnessed is the set of syscalls some thread's filter stack in d lets
// reach the kernel for at least one input. The shared argument corpus
// cannot show this for gVisor: its stub filters allow calls only from the
// stub's code page and with addresses chosen at run time (the disassembly
// shows ip and args compared with 0x7fc0… constants), values no corpus
// holds. So inputs are searched for: the stack is run on a seccomp_data,
// and every comparison on the path of a word loaded straight from
// seccomp_data suggests values for that word (the constant, ±1); the
// search follows them depth-first until the stack allows or the words on
// the path are exhausted.
func witnessed(d *bpf.Dump) set {
	table := syscalls.MustForArch(syscalls.X86_64)
	stacks, _ := d.Stacks()
	out := set{}
	for _, st := range stacks {
		progs := append([][]bpf.Instruction(nil), st...)
		for _, s := range table.All() {
			if out[s.Name] {
				continue
			}
			data := [16]uint32{uint32(s.Nr), syscalls.X86_64.AuditArch()}
			if searchAllow(progs, &data, 0, map[[16]uint32]bool{}) && allows(progs, data) {
				out[s.Name] = true
			}
		}
	}
	return out
}

// searchAllow looks for a seccomp_data (16 words: nr, arch, ip, args)
// that every program in progs lets through. Words 0 and 1 stay fixed.
func searchAllow(progs [][]bpf.Instruction, at *[16]uint32, depth int, seen map[[16]uint32]bool) bool {
	data := *at
	if seen[data] || len(seen) > 20000 {
		return false
	}
	seen[data] = true
	allow := true
	var hints [][2]uint32 // word, value
	for _, p := range progs {
		ret, h := runHints(p, data)
		hints = append(hints, h...)
		if !bpf.DecodeReturn(ret).Action.ReachesKernel() {
			allow = false
		}
	}
	if allow {
		return true
	}
	if depth >= 10 {
		return false
	}
	for _, h := range hints {
		if h[0] < 2 || data[h[0]] == h[1] {
			continue
		}
		next := data
		next[h[0]] = h[1]
		if searchAllow(progs, &next, depth+1, seen) {
			*at = next
			return true
		}
	}
	return false
}

// allows checks a found input with package bpf's interpreter, the one
// exposure uses, so the search's own interpreter cannot add a syscall.
func allows(progs [][]bpf.Instruction, w [16]uint32) bool {
	d := bpf.SeccompData{Nr: int32(w[0]), Arch: w[1], InstructionPointer: uint64(w[3])<<32 | uint64(w[2])}
	for i := range d.Args {
		d.Args[i] = uint64(w[5+2*i])<<32 | uint64(w[4+2*i])
	}
	ret := bpf.RetAllow
	for _, p := range progs {
		c, err := bpf.Compile(p)
		if err != nil {
			return false
		}
		ret = bpf.Combine(ret, c.Run(&d))
	}
	return bpf.DecodeReturn(ret).Action.ReachesKernel()
}

// runHints runs a classic BPF seccomp program on data and returns its
// return value and, for each conditional jump on the path whose A is a
// word loaded unchanged from data, that word with the values on both sides
// of the comparison. Instructions beyond loads, jumps, returns and the
// scratch memory make it give up with a kill (no hints): gVisor's and
// libseccomp's filters use only these.
func runHints(prog []bpf.Instruction, data [16]uint32) (uint32, [][2]uint32) {
	const kill = 0
	var a, x uint32
	aw := -1 // word A was loaded from, -1 when A is computed
	var mem [16]uint32
	var hints [][2]uint32
	for pc := 0; pc < len(prog); pc++ {
		in := prog[pc]
		switch in.Code {
		case bpf.Ld | bpf.W | bpf.Abs:
			if in.K%4 != 0 || in.K/4 >= 16 {
				return kill, nil
			}
			a, aw = data[in.K/4], int(in.K/4)
		case bpf.Ld | bpf.Imm:
			a, aw = in.K, -1
		case bpf.Ld | bpf.Mem:
			a, aw = mem[in.K&15], -1
		case bpf.Ldx | bpf.Imm:
			x = in.K
		case bpf.St:
			mem[in.K&15] = a
		case bpf.Stx:
			mem[in.K&15] = x
		case bpf.Alu | bpf.And | bpf.K:
			a, aw = a&in.K, -1
		case bpf.Misc | bpf.Tax:
			x = a
		case bpf.Ret | bpf.K:
			return in.K, hints
		case bpf.Ret | bpf.RetA:
			return a, hints
		case bpf.Jmp | bpf.Ja:
			pc += int(in.K)
		case bpf.Jmp | bpf.Jeq | bpf.K, bpf.Jmp | bpf.Jgt | bpf.K, bpf.Jmp | bpf.Jge | bpf.K, bpf.Jmp | bpf.Jset | bpf.K:
			var taken bool
			switch in.Code &^ (bpf.Jmp | bpf.K) {
			case bpf.Jeq:
				taken = a == in.K
			case bpf.Jgt:
				taken = a > in.K
			case bpf.Jge:
				taken = a >= in.K
			case bpf.Jset:
				taken = a&in.K != 0
			}
			if aw >= 0 {
				hints = append(hints, [2]uint32{uint32(aw), in.K}, [2]uint32{uint32(aw), in.K + 1}, [2]uint32{uint32(aw), in.K - 1}, [2]uint32{uint32(aw), 0})
			}
			if taken {
				pc += int(in.Jt)
			} else {
				pc += int(in.Jf)
			}
		default:
			return kill, nil
		}
	}
	return kill, nil
}
