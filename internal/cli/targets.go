package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"sysweight/exposure"
	"sysweight/internal/infile"
	"sysweight/runtimes"
	"sysweight/seccomp"
	"sysweight/syscalls"
	"sysweight/vuln/db"
)

// profileOptions say how to resolve a profile file the user names.
type profileOptions struct {
	caps   string
	kernel string
}

func (o *profileOptions) addFlags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.caps, "caps", strings.Join(runtimes.DockerDefaultCaps, ","),
		"capabilities of the target, for a profile's includes/excludes (comma-separated; default: Docker's)")
	cmd.Flags().StringVar(&o.kernel, "kernel", runtimes.DefaultKernel.String(), "kernel version of the target, for a profile's minKernel")
}

func (o *profileOptions) target() (seccomp.Target, error) {
	k, err := seccomp.ParseKernelVersion(o.kernel)
	if err != nil {
		return seccomp.Target{}, fmt.Errorf("--kernel: %w", err)
	}
	caps := map[string]bool{}
	for _, c := range strings.Split(o.caps, ",") {
		c = strings.ToUpper(strings.TrimSpace(c))
		if c == "" {
			continue
		}
		if !strings.HasPrefix(c, "CAP_") {
			c = "CAP_" + c
		}
		caps[c] = true
	}
	return seccomp.Target{Arch: syscalls.X86_64, Caps: caps, Kernel: k}, nil
}

// resolve turns each argument into a built-in runtime or, when it names an
// existing file, a decoded profile.
func (o *profileOptions) resolve(args []string) ([]runtimes.Named, error) {
	var out []runtimes.Named
	for _, a := range args {
		if r, err := runtimes.Lookup(a); err == nil {
			n, err := r.Named()
			if err != nil {
				return nil, err
			}
			out = append(out, n)
			continue
		}
		if _, err := os.Stat(a); errors.Is(err, fs.ErrNotExist) {
			_, lerr := runtimes.Lookup(a)
			return nil, fmt.Errorf("%w, and no file %s exists", lerr, a)
		}
		n, err := o.loadProfile(a)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

func (o *profileOptions) loadProfile(path string) (runtimes.Named, error) {
	t, err := o.target()
	if err != nil {
		return runtimes.Named{}, err
	}
	f, err := infile.Open(path) // a FIFO or a loop of links is an error now, not a hang or "no file"
	if err != nil {
		return runtimes.Named{}, err
	}
	defer f.Close()
	p, err := seccomp.Decode(f, path, t)
	if err != nil {
		if errors.Is(err, seccomp.ErrNoSeccomp) {
			return runtimes.Named{Name: path, Provenance: exposure.Provenance{Source: exposure.Unfiltered, Origin: path,
				Notes: []string{"config.json has no linux.seccomp: no filter"}}}, nil
		}
		return runtimes.Named{}, err
	}
	return runtimes.Named{Name: path, Policy: p, Provenance: exposure.Provenance{Source: exposure.Declared, Origin: path,
		Notes: []string{fmt.Sprintf("resolved for %s, kernel %s, %d capabilities", t.Arch, t.Kernel, len(t.Caps))}}}, nil
}

func tableOf(d *db.DB) (*syscalls.Table, error) {
	return syscalls.ForArch(d.Arch())
}

func fmtFloat(x float64, prec int) string {
	return fmt.Sprintf("%.*f", prec, x)
}

func mustTable(e *exposure.Exposure) *syscalls.Table { return syscalls.MustForArch(e.Arch) }
