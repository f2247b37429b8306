package runtimes

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"

	"sysweight/exposure"
	"sysweight/internal/jsonpos"
)

// measuredSpec names a pass-through measurement (package passthrough,
// `make passthrough-matrix`) that is offered as a built-in.
type measuredSpec struct {
	name, file, desc string
}

var measuredSpecs = []measuredSpec{
	{"runc-docker@measured", "runc-docker.exposure.json", "runc-docker measured: host sys_enter of each probe call inside runc with Docker's profile"},
	{"runc-unconfined@measured", "runc-unconfined.exposure.json", "runc-unconfined measured: probe inside runc without a filter"},
	{"crun-podman@measured", "crun-podman.exposure.json", "crun-podman measured: probe inside crun with Podman's profile"},
	{"gvisor-systrap@measured", "gvisor-systrap.exposure.json", "gVisor systrap measured: host syscalls of runsc (Sentry, Gofer, stubs) during each probe call"},
	{"gvisor-ptrace@measured", "gvisor-ptrace.exposure.json", "gVisor ptrace measured: host syscalls of runsc during each probe call"},
	{"qemu-tcg@measured", "qemu-tcg.exposure.json", "QEMU under TCG (this host cannot run KVM guests) with the probe as a busybox initramfs guest's init, as a stand-in for Kata's VMM: host syscalls of QEMU during each probe call in the guest"},
}

// fromMeasured loads one measured exposure; nil when this build has none.
func fromMeasured(m measuredSpec) *Runtime {
	file := path.Join("data", "measured", m.file)
	b, err := dataFS.ReadFile(file)
	if err != nil {
		return nil // not measured in this build
	}
	r := &Runtime{Name: m.name, Description: m.desc}
	e, err := decodeExposure(b, file)
	if err != nil {
		r.Provenance = exposure.Provenance{Source: exposure.PassThrough, Origin: file}
		r.measured = func() (*exposure.Exposure, error) { return nil, err }
		return r
	}
	e.Name = m.name
	r.Provenance = e.Provenance
	r.measured = func() (*exposure.Exposure, error) { return e, nil }
	return r
}

// IsExposure tells whether a JSON document is an Exposure, as `trace
// --out`, `passthrough` and `dump -o json` write it (its top level has
// entries and provenance), rather than a seccomp profile.
func IsExposure(b []byte) bool {
	var top map[string]json.RawMessage
	if json.Unmarshal(b, &top) != nil {
		return false
	}
	_, e := top["entries"]
	_, p := top["provenance"]
	return e && p
}

// DecodeExposure reads an Exposure written by `trace --out`,
// `passthrough` or `exposure -o json` (unknown fields are an error) and
// validates it through exposure.New; errors name file, and the line and
// column of a JSON error.
func DecodeExposure(b []byte, file string) (*exposure.Exposure, error) {
	return decodeExposure(b, file)
}

// decodeExposure reads an Exposure as package passthrough writes it and
// validates it through exposure.New.
func decodeExposure(b []byte, file string) (*exposure.Exposure, error) {
	var raw exposure.Exposure
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("%s: %w", file, jsonpos.Place(b, err))
	}
	e, err := exposure.New(raw.Name, raw.Arch, raw.Provenance, raw.Entries)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return e, nil
}
