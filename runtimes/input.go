package runtimes

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"sysweight/exposure"
	"sysweight/internal/infile"
	"sysweight/seccomp"
)

// MaxInput bounds a profile or exposure file a user names, as package
// seccomp's decoders bound a profile.
const MaxInput = 16 << 20

// Resolve turns a configuration a user names into one to evaluate: the
// name of a built-in (Lookup; for t.Arch, Runtime.NamedFor), or else the
// path of a file, which must exist (ResolveFile). A built-in's name wins
// over a file of that name. builtin says which it was: a built-in keeps its
// own capabilities and kernel, and only a file is resolved for t.
func Resolve(arg string, t seccomp.Target) (n Named, builtin bool, err error) {
	r, lerr := Lookup(arg)
	if lerr == nil {
		n, err := r.NamedFor(t.Arch)
		return n, true, err
	}
	if _, err := os.Stat(arg); errors.Is(err, fs.ErrNotExist) {
		return Named{}, false, fmt.Errorf("%w, and no file %s exists", lerr, arg)
	}
	n, err = ResolveFile(arg, t)
	return n, false, err
}

// ResolveFile reads the file at path (anything but a regular file, such
// as a FIFO or a loop of links, is refused: internal/infile) and decodes it
// with DecodeInput.
func ResolveFile(path string, t seccomp.Target) (Named, error) {
	f, err := infile.Open(path)
	if err != nil {
		return Named{}, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxInput+1))
	if err != nil {
		return Named{}, fmt.Errorf("%s: %w", path, err)
	}
	return DecodeInput(data, path, t)
}

// DecodeInput tells what a file a user names holds and decodes it, named
// by its path:
//
//   - an exposure that `trace --out`, `passthrough` or `exposure -o json`
//     wrote (IsExposure: entries and provenance at the top level), measured
//     or observed: taken as it is, so it must be for t's architecture;
//   - a config.json with no linux.seccomp: no filter;
//   - a seccomp profile in any format seccomp.Decode reads, resolved for t.
//
// Errors name the file (and, from the decoders, the place in it).
func DecodeInput(data []byte, path string, t seccomp.Target) (Named, error) {
	if bytes.Contains(data, []byte(`"entries"`)) && IsExposure(data) {
		if len(data) > MaxInput {
			return Named{}, fmt.Errorf("%s: larger than %d bytes", path, MaxInput)
		}
		e, err := DecodeExposure(data, path)
		if err != nil {
			return Named{}, err
		}
		if e.Arch != t.Arch {
			return Named{}, fmt.Errorf("%s: an exposure for %s; the target is %s", path, e.Arch, t.Arch)
		}
		prov := e.Provenance
		// the flags of the commands that resolve files for a target
		prov.Notes = append(append([]string(nil), prov.Notes...), fmt.Sprintf("read from %s (exposure %q); --caps and --kernel do not change a measured exposure", path, e.Name))
		e.Name, e.Provenance = path, prov
		return Named{Name: path, Measured: e, Provenance: prov}, nil
	}
	p, err := seccomp.Decode(bytes.NewReader(data), path, t)
	if err != nil {
		if errors.Is(err, seccomp.ErrNoSeccomp) {
			return Named{Name: path, Arch: t.Arch, Provenance: exposure.Provenance{Source: exposure.Unfiltered, Origin: path,
				Notes: []string{"config.json has no linux.seccomp: no filter"}}}, nil
		}
		return Named{}, err
	}
	return Named{Name: path, Policy: p, Provenance: exposure.Provenance{Source: exposure.Declared, Origin: path,
		Notes: []string{fmt.Sprintf("resolved for %s, kernel %s, %d capabilities", t.Arch, t.Kernel, len(t.Caps))}}}, nil
}
