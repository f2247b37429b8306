package suggest_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"sysweight/runtimes"
	"sysweight/seccomp"
	"sysweight/suggest"
	"sysweight/syscalls"
)

func builtin(t *testing.T, name string) *seccomp.Policy {
	t.Helper()
	r, err := runtimes.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	p, err := r.Policy()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func none(t *testing.T) suggest.Runtime {
	t.Helper()
	r, err := suggest.LookupRuntime("none")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func compact(t *testing.T, b []byte) string {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestDockerByHand: five syscalls narrowed from Docker's profile, against
// moby's default.json read by hand (github.com/moby/profiles/seccomp
// v0.3.0): read is allowed outright; personality only for the personas
// 0x0 (PER_LINUX), 0x8 (PER_LINUX32), 0x20000 (UNAME26), 0x20008 and
// 0xffffffff (query), five entries; clone only when arg0 & 0x7E020000
// (CLONE_NEWNS|…|CLONE_NEWNET|CLONE_NEWCGROUP) is 0, the entry for
// containers without CAP_SYS_ADMIN; clone3 answers ENOSYS (38) without
// CAP_SYS_ADMIN so glibc falls back to clone; bpf is in the CAP_SYS_ADMIN
// and CAP_BPF entries only, so Docker's 14 capabilities refuse it with the
// default EPERM.
func TestDockerByHand(t *testing.T) {
	r, err := suggest.Build(suggest.Options{Arch: syscalls.X86_64, Used: []string{"bpf", "clone3", "read", "personality", "clone", "read"},
		Base: builtin(t, "runc-docker"), Runtime: none(t)})
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.Encode()
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,"architectures":["SCMP_ARCH_X86_64"],"syscalls":[` +
		`{"names":["read"],"action":"SCMP_ACT_ALLOW"},` +
		`{"names":["clone3"],"action":"SCMP_ACT_ERRNO","errnoRet":38},` +
		`{"names":["clone"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":2114060288,"op":"SCMP_CMP_MASKED_EQ"}]},` +
		`{"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":0,"op":"SCMP_CMP_EQ"}]},` +
		`{"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":8,"op":"SCMP_CMP_EQ"}]},` +
		`{"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":131072,"op":"SCMP_CMP_EQ"}]},` +
		`{"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":131080,"op":"SCMP_CMP_EQ"}]},` +
		`{"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":4294967295,"op":"SCMP_CMP_EQ"}]}]}`
	if got := compact(t, b); got != want {
		t.Errorf("profile\n%s\nwant\n%s", got, want)
	}
	// read 0, clone 56, personality 135, clone3 435, bpf 321 (x86_64 table)
	if w := []string{"read", "clone", "personality", "bpf", "clone3"}; !slices.Equal(r.Used, w) {
		t.Errorf("Used %v, want %v", r.Used, w)
	}
	if w := []string{"read", "clone", "personality"}; !slices.Equal(r.Allowed, w) {
		t.Errorf("Allowed %v, want %v", r.Allowed, w)
	}
	if w := []string{"clone", "personality"}; !slices.Equal(r.Conditional, w) {
		t.Errorf("Conditional %v, want %v", r.Conditional, w)
	}
	if w := []suggest.Refused{{Syscall: "bpf", Verdict: "errno(1)"}, {Syscall: "clone3", Verdict: "errno(38)"}}; !slices.Equal(r.Refused, w) {
		t.Errorf("Refused %v, want %v", r.Refused, w)
	}
	if len(r.KeptRefusals) != 0 || len(r.RuntimeAdded) != 0 {
		t.Errorf("KeptRefusals %v, RuntimeAdded %v, want none", r.KeptRefusals, r.RuntimeAdded)
	}
	if !strings.HasSuffix(string(b), "}\n") || !strings.Contains(string(b), "\n  \"defaultAction\"") {
		t.Errorf("want indented JSON with a final newline:\n%s", b)
	}
}

// Unused clone3 keeps Docker's ENOSYS (its only refusal that is not the
// default EPERM); with no base every used syscall is allowed outright.
func TestKeptRefusalsAndNoBase(t *testing.T) {
	r, err := suggest.Build(suggest.Options{Arch: syscalls.X86_64, Used: []string{"read"}, Base: builtin(t, "runc-docker"), Runtime: none(t)})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.KeptRefusals, []string{"clone3"}) || len(r.Profile.Syscalls) != 2 {
		t.Errorf("KeptRefusals %v, %d entries; want [clone3], 2", r.KeptRefusals, len(r.Profile.Syscalls))
	}
	r, err = suggest.Build(suggest.Options{Arch: syscalls.X86_64, Used: []string{"write", "bpf", "read"}, Runtime: none(t)})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := r.Encode()
	const want = `{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,"architectures":["SCMP_ARCH_X86_64"],"syscalls":[{"names":["read","write","bpf"],"action":"SCMP_ACT_ALLOW"}]}`
	if got := compact(t, b); got != want {
		t.Errorf("no base:\n%s\nwant\n%s", got, want)
	}
}

// Podman's profile answers ENOSYS by default and refuses a NETLINK_AUDIT
// socket with EINVAL (containers/common seccomp.json: socket with arg0 ==
// AF_NETLINK (16) and arg2 == NETLINK_AUDIT (9) → errnoRet 22): both kept.
func TestPodman(t *testing.T) {
	r, err := suggest.Build(suggest.Options{Arch: syscalls.X86_64, Used: []string{"socket"}, Base: builtin(t, "crun-podman"), Runtime: none(t)})
	if err != nil {
		t.Fatal(err)
	}
	p := r.Profile
	if p.DefaultAction != "SCMP_ACT_ERRNO" || p.DefaultErrnoRet == nil || *p.DefaultErrnoRet != 38 {
		t.Errorf("default %s %v, want SCMP_ACT_ERRNO 38", p.DefaultAction, p.DefaultErrnoRet)
	}
	found := false
	for _, c := range p.Syscalls {
		if slices.Equal(c.Names, []string{"socket"}) && c.Action == "SCMP_ACT_ERRNO" && *c.ErrnoRet == 22 && len(c.Args) == 2 &&
			c.Args[0].Index == 0 && c.Args[0].Value == 16 && c.Args[1].Index == 2 && c.Args[1].Value == 9 {
			found = true
		}
	}
	if !found || !slices.Equal(r.Conditional, []string{"socket"}) {
		t.Errorf("no NETLINK_AUDIT refusal kept, or socket not conditional (%v):\n%+v", r.Conditional, p.Syscalls)
	}
}

// TestSameVerdicts: the profile, written and decoded again as runc would
// read it, gives every syscall the workload or runc makes the base's
// verdict on every tuple of the shared argument corpus, and lets no other
// syscall reach the kernel for any tuple.
func TestSameVerdicts(t *testing.T) {
	used := []string{"read", "write", "close", "poll", "lseek", "mprotect", "brk", "socket", "connect", "execve", "fcntl", "readlink",
		"getuid", "prctl", "arch_prctl", "set_tid_address", "exit_group", "newfstatat", "set_robust_list", "prlimit64", "getrandom", "rseq",
		"clone", "personality", "ioctl", "bpf", "mount", "setsockopt", "clone3"}
	rt, err := suggest.LookupRuntime("runc")
	if err != nil {
		t.Fatal(err)
	}
	tgt := runtimes.Target(runtimes.DockerDefaultCaps)
	for _, base := range []string{"runc-docker", "crun-podman", "nabla", "runc-unconfined"} {
		t.Run(base, func(t *testing.T) {
			bp := builtin(t, base)
			r, err := suggest.Build(suggest.Options{Arch: syscalls.X86_64, Used: used, Base: bp, Runtime: rt})
			if err != nil {
				t.Fatal(err)
			}
			b, err := r.Encode()
			if err != nil {
				t.Fatal(err)
			}
			sp, err := seccomp.Decode(bytes.NewReader(b), "suggested", tgt)
			if err != nil {
				t.Fatal(err)
			}
			sf := sp.Filters[0]
			corpus, err := runtimes.Corpus(syscalls.X86_64, sf)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]bool{}
			for _, s := range append(slices.Clone(r.Used), r.RuntimeAdded...) {
				want[s] = true
			}
			tuples := 0
			for _, s := range syscalls.MustForArch(syscalls.X86_64).Names() {
				for _, a := range corpus.Tuples(s) {
					tuples++
					got := sf.Evaluate(s, &a)
					if bp == nil {
						if reach := got.Action.ReachesKernel(); reach != want[s] {
							t.Fatalf("%s %v: %v under the profile, used %v", s, a, got, want[s])
						}
						continue
					}
					bv := bp.Filters[0].Evaluate(s, &a)
					if want[s] && got != bv {
						t.Fatalf("%s %v: %v under the profile, %v under %s", s, a, got, bv, base)
					}
					if !want[s] && got.Action.ReachesKernel() {
						t.Fatalf("%s %v: %v under the profile; the workload never made it", s, a, got)
					}
				}
			}
			t.Logf("%s: %d tuples, %d allowed, %d conditional, %d refused, %d entries", base, tuples, len(r.Allowed), len(r.Conditional), len(r.Refused), len(r.Profile.Syscalls))
		})
	}
}

func TestErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		o    suggest.Options
		is   error
		want []string
	}{
		{"typo", suggest.Options{Used: []string{"read", "raed"}}, suggest.ErrUnknownSyscall, []string{`"raed"`, "no Linux architecture"}},
		{"i386 name", suggest.Options{Used: []string{"socketcall"}}, suggest.ErrUnknownSyscall, []string{`"socketcall"`, "another architecture"}},
		{"two filters", suggest.Options{Used: []string{"read"}, Base: builtin(t, "gvisor-systrap")}, suggest.ErrBase, []string{"2 filters"}},
		{"default allow", suggest.Options{Used: []string{"read"}, Base: &seccomp.Policy{Name: "allow-all", Filters: []*seccomp.Filter{
			{Name: "default", Default: seccomp.Verdict{Action: seccomp.ActAllow}}}}}, suggest.ErrBase, []string{"allow-all", "lets every syscall"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.o.Arch = syscalls.X86_64
			_, err := suggest.Build(c.o)
			if !errors.Is(err, c.is) {
				t.Fatalf("error %v, want %v", err, c.is)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q lacks %q", err, w)
				}
			}
		})
	}
	// Firecracker's dword conditions compare 32 bits; an OCI profile
	// compares 64.
	fc := &seccomp.Policy{Name: "fc", Filters: []*seccomp.Filter{mustFilter(t, seccomp.Verdict{Action: seccomp.ActKillProcess},
		seccomp.Rule{Syscall: "ioctl", Verdict: seccomp.Verdict{Action: seccomp.ActAllow}, Conds: []seccomp.Cond{{Arg: 1, Op: seccomp.OpEQ, Value: 0xae80, Bits: 32}}})}}
	if _, err := suggest.Build(suggest.Options{Arch: syscalls.X86_64, Used: []string{"ioctl"}, Base: fc}); !errors.Is(err, suggest.ErrBase) || !strings.Contains(err.Error(), "low 32 bits") {
		t.Errorf("dword condition: %v", err)
	}
	if _, err := suggest.LookupRuntime("docker"); !errors.Is(err, suggest.ErrUnknownRuntime) || !strings.Contains(err.Error(), "runc, runc-nnp, none") {
		t.Errorf("LookupRuntime: %v", err)
	}
}

func mustFilter(t *testing.T, def seccomp.Verdict, rules ...seccomp.Rule) *seccomp.Filter {
	t.Helper()
	f, err := seccomp.NewFilter("default", syscalls.X86_64, def, rules)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// runc-nnp's calls are runc's without the ones for capabilities and ids;
// every call is an x86_64 syscall listed once.
func TestRuntimes(t *testing.T) {
	tab := syscalls.MustForArch(syscalls.X86_64)
	sets := map[string][]string{}
	for _, r := range suggest.Runtimes() {
		for _, c := range r.Calls {
			if _, ok := tab.Number(c.Syscall); !ok || c.Why == "" || slices.Contains(sets[r.Name], c.Syscall) {
				t.Errorf("%s: %q", r.Name, c.Syscall)
			}
			sets[r.Name] = append(sets[r.Name], c.Syscall)
		}
	}
	for _, s := range sets["runc-nnp"] {
		if !slices.Contains(sets["runc"], s) {
			t.Errorf("runc-nnp's %s is not runc's", s)
		}
	}
	// 9 calls from prctl(PR_SET_SECCOMP) to execve, 14 more without
	// noNewPrivileges, 7 of Go's runtime (runtime.go)
	if len(sets["runc-nnp"]) != 9+7 || len(sets["runc"]) != 9+14+7 || len(sets["none"]) != 0 {
		t.Errorf("sizes %d, %d, %d", len(sets["runc-nnp"]), len(sets["runc"]), len(sets["none"]))
	}
}
