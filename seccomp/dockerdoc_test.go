package seccomp

import (
	"bytes"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"sysweight/syscalls"
)

// dockerDocBlocked is the table "Significant syscalls blocked by the
// default profile" of https://docs.docker.com/engine/security/seccomp/
// (source: github.com/docker/docs content/manuals/engine/security/seccomp.md,
// read at commit 2c92482e6aba). The page says each is "effectively
// blocked because [it is] not on the Allowlist".
var dockerDocBlocked = []string{
	"acct", "add_key", "bpf", "clock_adjtime", "clock_settime", "clone", "create_module",
	"delete_module", "finit_module", "get_kernel_syms", "get_mempolicy", "init_module",
	"ioperm", "iopl", "kcmp", "kexec_file_load", "kexec_load", "keyctl", "lookup_dcookie",
	"mbind", "mount", "move_pages", "nfsservctl", "open_by_handle_at", "perf_event_open",
	"personality", "pivot_root", "process_vm_readv", "process_vm_writev", "ptrace",
	"query_module", "quotactl", "reboot", "request_key", "set_mempolicy", "setns",
	"settimeofday", "stime", "swapon", "swapoff", "sysfs", "_sysctl", "umount", "umount2",
	"unshare", "uselib", "userfaultfd", "ustat", "vm86", "vm86old",
}

// docDifference is how our verdict for runc-docker departs from the doc's
// "blocked".
type docDifference string

const (
	diffAbsent      docDifference = "not in the x86_64 syscall table"
	diffAllowed     docDifference = "allowed for every argument"
	diffConditional docDifference = "allowed for some arguments"
)

// THE ACCEPTANCE TEST. For runc under Docker (x86_64, Docker's default
// capabilities, kernel 6.1) and the moby default profile of 2026-06-30,
// every syscall of the Docker documentation's blocked table is blocked,
// except the differences below. Each explanation is the profile's own rule
// (or the syscall table), checked by hand against the profile text.
//
// It runs on two versions of the profile: the shared data set's copy
// (moby/profiles commit cd3bed80, 2026-06-30) and the one sysweight's
// built-in runc-docker uses, github.com/moby/profiles/seccomp v0.3.0's
// DefaultProfile() (2026-10-12), read from runtimes' embedded copy of it
// (DefaultProfile builds only on Linux; runtimes' TestMobyDefaultUpToDate
// holds the copy to it). Both give the same differences.
func TestDockerDocumentationBlockedTable(t *testing.T) {
	t.Run("shared-2026-06-30", func(t *testing.T) {
		p, err := DecodeMoby(openShared(t, dockerDefault), "default.json")
		if err != nil {
			t.Fatal(err)
		}
		checkDockerDocTable(t, p)
	})
	t.Run("moby-profiles-"+MobyProfilesVersion, func(t *testing.T) {
		b, err := os.ReadFile("../runtimes/data/moby-default.json")
		if err != nil {
			t.Fatal(err)
		}
		p, err := DecodeMoby(bytes.NewReader(b), "moby-default.json")
		if err != nil {
			t.Fatal(err)
		}
		checkDockerDocTable(t, p)
	})
}

func checkDockerDocTable(t *testing.T, p *MobyProfile) {
	if n := len(dockerDocBlocked); n != 50 {
		t.Fatalf("doc table has %d rows, want 50", n)
	}
	want := map[string]struct {
		kind docDifference
		why  string
	}{
		"clock_adjtime": {diffAllowed, `listed in the profile's first, unconditional SCMP_ACT_ALLOW entry (the doc predates that; adjtimex is there too)`},
		"clone": {diffConditional, `SCMP_ACT_ALLOW with args [{index 0, SCMP_CMP_MASKED_EQ, value 0x7E020000}] when CAP_SYS_ADMIN is not held and the arch is not s390: ` +
			`clone without CLONE_NEWNS/NEWCGROUP/NEWUTS/NEWIPC/NEWUSER/NEWPID/NEWNET is allowed; the doc's "deny cloning new namespaces" is the blocked part`},
		"personality":       {diffConditional, `SCMP_ACT_ALLOW for arg0 == 0x0, 0x8, 0x20000, 0x20008 and 0xffffffff (five rules); other personas fall to the default errno`},
		"ptrace":            {diffAllowed, `SCMP_ACT_ALLOW with includes {minKernel: "4.8"}; the doc itself says "blocked in Linux kernel versions before 4.8"`},
		"process_vm_readv":  {diffAllowed, `same rule as ptrace: SCMP_ACT_ALLOW with includes {minKernel: "4.8"}`},
		"process_vm_writev": {diffAllowed, `same rule as ptrace: SCMP_ACT_ALLOW with includes {minKernel: "4.8"}`},
		"stime":             {diffAbsent, `32-bit only (i386 stime); x86_64 has no such syscall (the profile allows it with CAP_SYS_TIME, for x86)`},
		"umount":            {diffAbsent, `x86_64 has only umount2 (the profile allows umount with CAP_SYS_ADMIN, for other arches)`},
		"vm86":              {diffAbsent, `i386 only`},
		"vm86old":           {diffAbsent, `i386 only`},
	}

	f, err := p.Resolve(runcDocker)
	if err != nil {
		t.Fatal(err)
	}
	tab := syscalls.MustForArch(syscalls.X86_64)
	got := map[string]docDifference{}
	for _, name := range dockerDocBlocked {
		if _, ok := tab.Number(name); !ok {
			got[name] = diffAbsent
			continue
		}
		if f.Conditional(name) {
			got[name] = diffConditional
			continue
		}
		if f.Evaluate(name, args()).Action.ReachesKernel() {
			got[name] = diffAllowed
		}
	}
	var report []string
	for name, kind := range got {
		w, ok := want[name]
		switch {
		case !ok:
			report = append(report, fmt.Sprintf("%s: unexpected difference %q", name, kind))
		case w.kind != kind:
			report = append(report, fmt.Sprintf("%s: got %q, want %q (%s)", name, kind, w.kind, w.why))
		}
	}
	for name, w := range want {
		if _, ok := got[name]; !ok {
			report = append(report, fmt.Sprintf("%s: expected %q (%s) but it is blocked", name, w.kind, w.why))
		}
	}
	sort.Strings(report)
	if len(report) > 0 {
		t.Fatalf("differences from the Docker documentation changed:\n%s", strings.Join(report, "\n"))
	}
	// The conditional ones are blocked for the arguments the doc worries about.
	if f.Evaluate("clone", args(0x10000000)).Action.ReachesKernel() {
		t.Error("clone(CLONE_NEWUSER) reaches the kernel")
	}
	if f.Evaluate("personality", args(0x0400000)).Action.ReachesKernel() { // READ_IMPLIES_EXEC
		t.Error("personality(READ_IMPLIES_EXEC) reaches the kernel")
	}
	// The other 40 rows are blocked outright with the default EPERM.
	blocked := 0
	for _, name := range dockerDocBlocked {
		if _, diff := got[name]; !diff {
			if v := f.Evaluate(name, args()); v != (Verdict{Action: ActErrno, Errno: 1}) {
				t.Errorf("%s: %v, want errno(1)", name, v)
			}
			blocked++
		}
	}
	if blocked != 40 {
		t.Errorf("%d rows blocked, want 40", blocked)
	}
}
