package seccomp

import (
	"fmt"
	"io"

	mobyseccomp "github.com/moby/profiles/seccomp"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// ociConfigDoc is the part of an OCI runtime config.json (runtime-spec
// v1.2.1) that matters here.
type ociConfigDoc struct {
	OCIVersion *string `json:"ociVersion"`
	Linux      *struct {
		Seccomp *specs.LinuxSeccomp `json:"seccomp"`
	} `json:"linux"`
}

// DecodeOCI reads linux.seccomp from an OCI runtime config.json. The OCI
// form is already resolved (no includes/excludes, architectures listed
// outright), so the profile's Resolve only picks the Target's syscall
// table and applies runc's rule handling. A config.json without
// linux.seccomp (or with an empty one, which runc's specconv treats the
// same) returns an error wrapping ErrNoSeccomp: the container runs with no
// filter.
func DecodeOCI(r io.Reader, name string) (*MobyProfile, error) {
	d, err := readInput(r, name, FormatOCI)
	if err != nil {
		return nil, err
	}
	return decodeOCIDoc(d)
}

func decodeOCIDoc(d *doc) (*MobyProfile, error) {
	d.format = FormatOCI
	var cfg ociConfigDoc
	if err := d.unmarshal(&cfg); err != nil {
		return nil, err
	}
	if cfg.OCIVersion == nil && cfg.Linux == nil {
		return nil, d.errorf("", fmt.Errorf("%w: not an OCI runtime config (want ociVersion and linux at the top level)", ErrInvalidProfile))
	}
	if cfg.Linux == nil {
		return nil, d.errorf("", fmt.Errorf("no linux section: %w", ErrNoSeccomp))
	}
	if cfg.Linux.Seccomp == nil {
		return nil, d.errorf("linux", fmt.Errorf("no linux.seccomp: %w", ErrNoSeccomp))
	}
	ls := *cfg.Linux.Seccomp
	md := &mobyDoc{}
	md.LinuxSeccomp = ls
	md.LinuxSeccomp.Syscalls = nil
	for _, s := range ls.Syscalls {
		md.Syscalls = append(md.Syscalls, &mobyCallDoc{Syscall: mobyseccomp.Syscall{LinuxSyscall: s}})
	}
	return buildMoby(d, "linux.seccomp", md)
}
