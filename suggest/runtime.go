package suggest

import (
	"fmt"
	"strings"
)

// Call is one syscall a container runtime makes after it has loaded the
// container's filter, and why.
type Call struct {
	Syscall string
	Why     string
}

// Runtime names the syscalls an OCI runtime makes under the container's
// filter before the container's own program runs: a profile that refuses
// them stops the container from starting.
type Runtime struct {
	Name  string
	About string
	Calls []Call
}

// runcNNP is what runc 1.1.5 (Debian 12's runc 1.1.5+ds1, libseccomp
// 2.5.4) does on the thread that loaded the filter when the container has
// noNewPrivileges (runc spec's default, docker run --security-opt
// no-new-privileges): libcontainer/standard_init_linux.go loads it just
// before it waits on the exec fifo. Found with strace -f of runc run, the
// syscalls of the init thread from prctl(PR_SET_SECCOMP) to execve
// (2026-12-06), and checked by running busybox true with each left out:
// close, openat, write, fstatfs, getdents64 and execve are fatal when
// refused; futex, getpid and epoll_ctl were not in those runs but are made
// every time.
var runcNNP = []Call{
	{"close", "closes the init pipes"},
	{"openat", "opens the exec fifo through /proc/self/fd, and /proc/self/fd to close inherited descriptors"},
	{"write", "writes the exec fifo: runc start proceeds"},
	{"getpid", "the container state's pid"},
	{"fstatfs", "checks /proc/self/fd is procfs before trusting it"},
	{"getdents64", "lists /proc/self/fd"},
	{"epoll_ctl", "Go's poller registers the files it opens"},
	{"futex", "Go runtime locks and wake-ups"},
	{"execve", "starts the container's process"},
}

// runcPrivs is what runc 1.1.5 adds when the container runs without
// noNewPrivileges (Docker's default): the filter is loaded before
// finalizeNamespace, so the capability and user changes, the fd checks
// and the lookup of the program run under it. Found and checked as
// runcNNP: the container did not start without any one of these but fcntl
// and faccessat2, whose failures runc and Go get past.
var runcPrivs = []Call{
	{"fcntl", "marks inherited descriptors close-on-exec"},
	{"chdir", "enters the process's cwd"},
	{"capget", "reads the capability sets"},
	{"capset", "sets the container's capabilities"},
	{"prctl", "drops the bounding set, PR_SET_KEEPCAPS, ambient capabilities"},
	{"read", "reads /proc/self/status and /proc/self/setgroups"},
	{"fstat", "checks the standard descriptors"},
	{"newfstatat", "checks /dev/null and looks up the program"},
	{"faccessat2", "looks up the program (X_OK)"},
	{"setgroups", "sets the supplementary groups"},
	{"setgid", "sets the group id"},
	{"setuid", "sets the user id"},
	{"getcwd", "checks the working directory"},
	{"getppid", "checks the parent is alive (pdeathsig)"},
}

// goRuntime are syscalls Go's runtime may make on any thread at any time,
// runc init's included, which no run above showed: returning from a
// preemption signal, spinning and sleeping in locks, growing and releasing
// the heap, exiting when the exec fails. Refused, they crash runc init
// rarely and unpredictably, so they are added whether or not seen.
var goRuntime = []Call{
	{"rt_sigreturn", "Go runtime: return from a signal handler (async preemption)"},
	{"sched_yield", "Go runtime: lock spinning (osyield)"},
	{"nanosleep", "Go runtime: lock back-off (usleep)"},
	{"mmap", "Go runtime: heap growth"},
	{"munmap", "Go runtime: heap release"},
	{"madvise", "Go runtime: heap scavenging"},
	{"exit_group", "runc init exits when the exec fails"},
}

// Runtimes lists the runtimes whose calls a suggested profile can include,
// in a stable order; "none" adds nothing.
func Runtimes() []Runtime {
	cat := func(parts ...[]Call) []Call {
		var out []Call
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	return []Runtime{
		{Name: "runc", About: "runc 1.1 without noNewPrivileges (Docker's default): the filter is loaded before the capabilities and ids are set",
			Calls: cat(runcNNP, runcPrivs, goRuntime)},
		{Name: "runc-nnp", About: "runc 1.1 with noNewPrivileges (runc spec's default, docker run --security-opt no-new-privileges): the filter is loaded just before the exec",
			Calls: cat(runcNNP, goRuntime)},
		{Name: "none", About: "nothing: the profile is for a process that installs it itself"},
	}
}

// LookupRuntime returns the runtime called name.
func LookupRuntime(name string) (Runtime, error) {
	var names []string
	for _, r := range Runtimes() {
		if r.Name == name {
			return r, nil
		}
		names = append(names, r.Name)
	}
	return Runtime{}, fmt.Errorf("%w %q: want %s", ErrUnknownRuntime, name, strings.Join(names, ", "))
}
