package runtimes

import (
	"fmt"
	"strings"

	"sysweight/seccomp"
	"sysweight/syscalls"
)

// DefaultCapSet is DockerDefaultCaps written as ParseTarget reads a
// capability set: the set a profile file is resolved for when the user
// names none.
var DefaultCapSet = strings.Join(DockerDefaultCaps, ",")

// DefaultCapsOf is the capability set the engine behind a built-in grants
// a container by default: Podman's for crun-podman and its variants,
// Docker's for the rest (Kubernetes nodes run containerd, which grants
// Docker's).
func DefaultCapsOf(runtime string) []string {
	if strings.HasPrefix(runtime, "crun-podman") {
		return PodmanDefaultCaps
	}
	return DockerDefaultCaps
}

// TargetError says which part of a target's description is wrong.
type TargetError struct {
	Part string // "arch", "kernel" or "caps"
	Err  error
}

func (e *TargetError) Error() string { return e.Part + ": " + e.Err.Error() }
func (e *TargetError) Unwrap() error { return e.Err }

// ParseTargetArch reads a target's architecture as a user names it:
// x86_64 or aarch64, "" for x86_64 (not the other spellings
// syscalls.ParseArch accepts from profiles).
func ParseTargetArch(s string) (syscalls.Arch, error) {
	switch a := syscalls.Arch(s); a {
	case "":
		return syscalls.X86_64, nil
	case syscalls.X86_64, syscalls.AArch64:
		return a, nil
	}
	return "", fmt.Errorf("%w %q (want x86_64 or aarch64)", syscalls.ErrUnknownArch, s)
}

// ParseTarget reads the target a profile file is resolved for: its
// architecture (ParseTargetArch), kernel release (MAJOR.MINOR) and
// capability set, checked in that order; an error is a *TargetError
// naming the part.
//
// caps is the target's whole capability set (comma-separated, the CAP_
// prefix optional, "" for none: seccomp.ParseCaps). It replaces Docker's
// defaults rather than adding to them: DefaultCapSet is those 14, and a set
// that adds one capability lists them too. Built-ins are not resolved
// here: each keeps its own capabilities and kernel (TargetFor).
func ParseTarget(arch, kernel, caps string) (seccomp.Target, error) {
	a, err := ParseTargetArch(arch)
	if err != nil {
		return seccomp.Target{}, &TargetError{"arch", err}
	}
	k, err := seccomp.ParseKernelVersion(kernel)
	if err != nil {
		return seccomp.Target{}, &TargetError{"kernel", err}
	}
	c, err := seccomp.ParseCaps(caps)
	if err != nil {
		return seccomp.Target{}, &TargetError{"caps", err}
	}
	return seccomp.Target{Arch: a, Caps: c, Kernel: k}, nil
}
