package cli

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"sysweight/exposure"
	"sysweight/runtimes"
	"sysweight/score"
	"sysweight/seccomp"
	"sysweight/syscalls"
	"sysweight/vuln/db"
)

// profileOptions say how to resolve a profile file the user names.
type profileOptions struct {
	caps   string
	kernel string
	arch   string
	// changed tells a flag the user gave from its default (the command's
	// FlagSet.Changed).
	changed func(name string) bool
	// findsUnknown: the command reports unknown syscall names itself
	// (lint's SW004), so resolve does not warn about them.
	findsUnknown bool
}

func (o *profileOptions) addFlags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.caps, "caps", runtimes.DefaultCapSet,
		"the target's whole capability set, for a profile file's includes/excludes: it replaces Docker's 14 defaults, so list them too to add one (comma-separated, CAP_ prefix optional; \"\" for none)")
	cmd.Flags().StringVar(&o.kernel, "kernel", runtimes.DefaultKernel.String(), "kernel version of the target, for a profile file's minKernel")
	cmd.Flags().StringVar(&o.arch, "arch", string(syscalls.X86_64), archHelp)
	o.changed = cmd.Flags().Changed
}

// archHelp states the rule for --arch; README's "Other architectures"
// says the same.
const archHelp = "architecture of the target: x86_64 or aarch64. Evaluation only: aarch64 uses its own syscall table and numbers and a profile's SCMP_ARCH_AARCH64 rules, but the weights are x86-64 kernel evidence looked up by name (a name the DB lacks weighs 0, with a warning); built-ins with x86_64 rules only (gVisor, Firecracker, nabla, crun-podman, @measured) are an error"

// targetArch checks --arch: x86_64 or aarch64, as the user spells them.
func (o *profileOptions) targetArch() (syscalls.Arch, error) {
	a, err := runtimes.ParseTargetArch(o.arch)
	if err != nil {
		return "", fmt.Errorf("--arch: %w", err)
	}
	return a, nil
}

// target is what --arch, --kernel and --caps say (runtimes.ParseTarget).
func (o *profileOptions) target() (seccomp.Target, error) {
	t, err := runtimes.ParseTarget(o.arch, o.kernel, o.caps)
	if te := (*runtimes.TargetError)(nil); errors.As(err, &te) {
		return seccomp.Target{}, fmt.Errorf("--%s: %w", te.Part, te.Err)
	}
	return t, err
}

// forArch carries x86_64 weights over to arch by syscall name
// (score.Weights.ForTable) and returns a warning, for stderr, naming the
// syscalls of arch that the weight DB lacks.
func forArch(w *score.Weights, arch syscalls.Arch) (*score.Weights, string) {
	if w == nil || arch == w.Arch {
		return w, ""
	}
	out, missing := w.ForTable(syscalls.MustForArch(arch))
	if len(missing) == 0 {
		return out, ""
	}
	return out, fmt.Sprintf("sysweight: warning: --arch %s: the weight DB (%s) has no entry for %s; they weigh 0\n", arch, w.Arch, strings.Join(missing, ", "))
}

// mustArch is --arch after target() has checked it.
func (o *profileOptions) mustArch() syscalls.Arch {
	a, err := o.targetArch()
	if err != nil {
		panic(err)
	}
	return a
}

// weightsBeside loads the weights for the target's kernel while the
// built-ins decode on the other core (resolve needs them next).
func (o *profileOptions) weightsBeside(g *globalOptions) (*score.Weights, string, error) {
	tgt, err := o.target()
	if err != nil {
		return nil, "", err
	}
	wait := meanwhile(func() { runtimes.Builtins() })
	_, weights, warn, err := g.loadWeights(tgt.Kernel)
	wait()
	weights, archWarn := forArch(weights, tgt.Arch)
	return weights, warn + archWarn, err
}

// resolve turns each argument into a built-in runtime or, when it names an
// existing file, a decoded profile. --caps and --kernel are checked first,
// whatever the arguments. They resolve profile files only (a built-in has
// its own capabilities and kernel): given with built-ins alone they are an
// error, with built-ins beside a file a warning on stderr. A profile that
// names syscalls no Linux architecture has gets a warning too.
func (o *profileOptions) resolve(args []string, stderr io.Writer) ([]runtimes.Named, error) {
	if _, err := o.target(); err != nil {
		return nil, err
	}
	var builtins []string
	files := 0
	var out []runtimes.Named
	for _, a := range args {
		n, builtin, err := o.resolveOne(a)
		if err != nil {
			return nil, err
		}
		if builtin {
			builtins = append(builtins, a)
		} else {
			files++
		}
		out = append(out, n)
	}
	var given []string
	for _, f := range []string{"caps", "kernel"} {
		if o.changed != nil && o.changed(f) {
			given = append(given, "--"+f)
		}
	}
	if len(given) > 0 && len(builtins) > 0 {
		flags := strings.Join(given, " and ") + " is"
		if len(given) > 1 {
			flags = strings.Join(given, " and ") + " are"
		}
		if files == 0 {
			return nil, fmt.Errorf("%s for profile files only, and %s is a built-in runtime with its own capabilities and kernel", flags, builtins[0])
		}
		fmt.Fprintf(stderr, "sysweight: warning: %s for profile files only; the built-ins (%s) keep their own capabilities and kernel\n", flags, strings.Join(builtins, ", "))
	}
	for i, n := range out {
		// A built-in's rule sets are checked where they are generated
		// (gVisor's KVM rules name a pseudo-syscall, nr -1, on purpose).
		if n.Policy == nil || o.findsUnknown || slices.Contains(builtins, args[i]) {
			continue
		}
		if u := n.Policy.UnknownNames(); len(u) > 0 {
			fmt.Fprintf(stderr, "sysweight: warning: %s: no Linux architecture has a syscall named %s; the rules naming it are left out\n", n.Name, strings.Join(u, ", "))
		}
	}
	return out, nil
}

// resolveOne resolves one argument for --arch, --kernel and --caps
// (runtimes.Resolve) and says whether it is a built-in.
func (o *profileOptions) resolveOne(a string) (runtimes.Named, bool, error) {
	t, err := o.target()
	if err != nil {
		return runtimes.Named{}, false, err
	}
	return runtimes.Resolve(a, t)
}

func tableOf(d *db.DB) (*syscalls.Table, error) {
	return syscalls.ForArch(d.Arch())
}

func fmtFloat(x float64, prec int) string {
	return fmt.Sprintf("%.*f", prec, x)
}

func mustTable(e *exposure.Exposure) *syscalls.Table { return syscalls.MustForArch(e.Arch) }
