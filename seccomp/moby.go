package seccomp

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	mobyseccomp "github.com/moby/profiles/seccomp"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"sysweight/syscalls"
)

// MobyProfilesVersion is the version of github.com/moby/profiles/seccomp
// that go.mod requires: the one whose types and setupSeccomp this file
// mirrors, and whose DefaultProfile runtimes embeds as runc-docker. go.mod
// is the pin; TestMobyProfilesPin fails when this constant disagrees.
const MobyProfilesVersion = "v0.3.0"

// MobyProfile is a Docker/Moby seccomp profile, or an OCI linux.seccomp
// section, decoded and checked but not yet resolved for a Target.
type MobyProfile struct {
	Name   string
	Format Format // FormatMoby, FormatLibcontainer or FormatOCI
	// Seccomp is the document in moby's own types
	// (github.com/moby/profiles/seccomp v0.3.0). The libcontainer and OCI
	// forms are converted into them; a legacy minKernel "4.8.0" is stored
	// as 4.8.
	Seccomp mobyseccomp.Seccomp

	def   verdictData
	calls []mobyCall // parallel to Seccomp.Syscalls
	// prefix is the JSON path of the profile in its document:
	// "linux.seccomp" in a config.json, "" otherwise.
	prefix string
}

// verdictData is a verdict with the 16-bit data libseccomp packs into the
// action (the errno for ERRNO, the message for TRACE). runc compares these
// packed values to drop rules equal to the default action.
type verdictData struct {
	Verdict
	data uint32
}

type mobyCall struct {
	act   verdictData
	conds []Cond
}

// mobyDoc mirrors moby's Seccomp for decoding. It embeds moby's types and
// overrides only where older or sibling profiles need more: minKernel as
// a string (moby 2018–2019 profiles wrote "4.8.0", which v0.3.0 rejects),
// and containers/common's symbolic "errno"/"defaultErrno".
type mobyDoc struct {
	mobyseccomp.Seccomp
	DefaultErrno string         `json:"defaultErrno"`
	Syscalls     []*mobyCallDoc `json:"syscalls"`
}

type mobyCallDoc struct {
	mobyseccomp.Syscall
	Errno    string         `json:"errno"`
	Includes *mobyFilterDoc `json:"includes"`
	Excludes *mobyFilterDoc `json:"excludes"`
}

type mobyFilterDoc struct {
	Caps      []string `json:"caps"`
	Arches    []string `json:"arches"`
	MinKernel *string  `json:"minKernel"`
}

// libcontainerDoc is runc's libcontainer configs.Seccomp JSON, the form of
// Docker's first default.json (2016-02-08, commit 6f3206a): numeric
// actions and operators, libseccomp architecture names.
type libcontainerDoc struct {
	DefaultAction   *int     `json:"default_action"`
	Architectures   []string `json:"architectures"`
	DefaultErrnoRet *uint    `json:"default_errno_ret"`
	Syscalls        []struct {
		Name     string `json:"name"`
		Action   int    `json:"action"`
		ErrnoRet *uint  `json:"errnoRet"`
		Args     []struct {
			Index    uint   `json:"index"`
			Value    uint64 `json:"value"`
			ValueTwo uint64 `json:"value_two"`
			Op       int    `json:"op"`
		} `json:"args"`
	} `json:"syscalls"`
}

// DecodeMoby reads a Docker/Moby seccomp profile (the default.json format of
// github.com/moby/profiles, containers/common's variant of it, and the 2016
// libcontainer form). Every action, operator, architecture name, argument
// index and minKernel is checked here, so Resolve fails only for reasons of
// the Target. A profile with neither defaultAction nor syscalls returns an
// error wrapping ErrNoSeccomp, as moby's setupSeccomp treats it as
// "seccomp disabled".
func DecodeMoby(r io.Reader, name string) (*MobyProfile, error) {
	d, err := readInput(r, name, FormatMoby)
	if err != nil {
		return nil, err
	}
	return decodeMobyDoc(d)
}

func decodeMobyDoc(d *doc) (*MobyProfile, error) {
	d.format = FormatMoby
	var probe map[string]any
	if err := d.unmarshal(&probe); err != nil {
		return nil, err
	}
	if _, ok := probe["default_action"]; ok {
		return decodeLibcontainer(d)
	}
	var md mobyDoc
	if err := d.unmarshal(&md); err != nil {
		return nil, err
	}
	return buildMoby(d, "", &md)
}

// buildMoby checks md and converts it; prefix is the JSON path of md in
// the input ("" for a profile, "linux.seccomp" for a config.json).
func buildMoby(d *doc, prefix string, md *mobyDoc) (*MobyProfile, error) {
	at := func(p string) string {
		if prefix == "" {
			return p
		}
		if p == "" {
			return prefix
		}
		return prefix + "." + p
	}
	p := &MobyProfile{Name: d.name, Format: d.format, prefix: prefix}
	// mirrors moby setupSeccomp: "No default action specified, no syscalls
	// listed, assume seccomp disabled".
	if md.DefaultAction == "" && len(md.Syscalls) == 0 {
		return nil, d.errorf(prefix, ErrNoSeccomp)
	}
	if md.DefaultAction == "" {
		return nil, d.errorf(prefix, fmt.Errorf("%w: defaultAction missing (want %s)", ErrInvalidProfile, ociActionList))
	}
	if len(md.Architectures) != 0 && len(md.ArchMap) != 0 {
		return nil, d.errorf(at("archMap"), fmt.Errorf("%w: both architectures and archMap are given; moby accepts one", ErrInvalidProfile))
	}
	errno, err := errnoField(md.DefaultErrnoRet, md.DefaultErrno)
	if err != nil {
		return nil, d.errorf(at(errnoPath("defaultErrnoRet", "defaultErrno", md.DefaultErrno)), err)
	}
	md.DefaultErrnoRet = errno
	if p.def, err = ociVerdict(string(md.DefaultAction), errno); err != nil {
		return nil, d.errorf(at("defaultAction"), err)
	}
	for i, a := range md.Architectures {
		if !scmpArches[string(a)] {
			return nil, d.errorf(at(fmt.Sprintf("architectures[%d]", i)), fmt.Errorf("%w %q (want SCMP_ARCH_X86_64, SCMP_ARCH_AARCH64, ...)", ErrUnknownArchName, a))
		}
	}
	for i, m := range md.ArchMap {
		if !scmpArches[string(m.Arch)] {
			return nil, d.errorf(at(fmt.Sprintf("archMap[%d].architecture", i)), fmt.Errorf("%w %q (want SCMP_ARCH_X86_64, SCMP_ARCH_AARCH64, ...)", ErrUnknownArchName, m.Arch))
		}
		for j, s := range m.SubArches {
			if !scmpArches[string(s)] {
				return nil, d.errorf(at(fmt.Sprintf("archMap[%d].subArchitectures[%d]", i, j)), fmt.Errorf("%w %q (want SCMP_ARCH_X86, SCMP_ARCH_X32, ...)", ErrUnknownArchName, s))
			}
		}
	}
	p.Seccomp = md.Seccomp
	p.Seccomp.DefaultErrnoRet = errno
	p.Seccomp.Syscalls = make([]*mobyseccomp.Syscall, 0, len(md.Syscalls))
	for i, c := range md.Syscalls {
		here := at(fmt.Sprintf("syscalls[%d]", i))
		if c == nil {
			return nil, d.errorf(here, fmt.Errorf("%w: null rule (want an object)", ErrInvalidProfile))
		}
		// mirrors moby setupSeccomp: name and names are exclusive.
		//lint:ignore SA1019 old profiles write the deprecated "name", and moby still reads it
		if c.Name != "" && len(c.Names) != 0 {
			return nil, d.errorf(here+".name", fmt.Errorf("%w: both name and names are given; moby accepts one", ErrInvalidProfile))
		}
		errno, err := errnoField(c.ErrnoRet, c.Errno)
		if err != nil {
			return nil, d.errorf(here+"."+errnoPath("errnoRet", "errno", c.Errno), err)
		}
		c.ErrnoRet = errno
		var mc mobyCall
		if mc.act, err = ociVerdict(string(c.Action), errno); err != nil {
			return nil, d.errorf(here+".action", err)
		}
		for j, a := range c.Args {
			cond, err := ociCond(a)
			if err != nil {
				path := fmt.Sprintf("%s.args[%d].op", here, j)
				if a.Index > 5 {
					path = fmt.Sprintf("%s.args[%d].index", here, j)
				}
				return nil, d.errorf(path, err)
			}
			mc.conds = append(mc.conds, cond)
		}
		sc := c.Syscall
		if sc.Includes, err = mobyFilter(d, here+".includes", c.Includes); err != nil {
			return nil, err
		}
		if sc.Excludes, err = mobyFilter(d, here+".excludes", c.Excludes); err != nil {
			return nil, err
		}
		p.Seccomp.Syscalls = append(p.Seccomp.Syscalls, &sc)
		p.calls = append(p.calls, mc)
	}
	return p, nil
}

func mobyFilter(d *doc, path string, f *mobyFilterDoc) (*mobyseccomp.Filter, error) {
	if f == nil {
		return nil, nil
	}
	out := &mobyseccomp.Filter{Caps: f.Caps, Arches: f.Arches}
	for i, a := range f.Arches {
		if !nativeArches[a] {
			return nil, d.errorf(fmt.Sprintf("%s.arches[%d]", path, i), fmt.Errorf("%w %q (want a libseccomp or moby name such as amd64, x86, x32, arm64, arm, s390x)", ErrUnknownArchName, a))
		}
	}
	if f.MinKernel != nil && *f.MinKernel != "" {
		k, err := parseMinKernel(*f.MinKernel)
		if err != nil {
			return nil, d.errorf(path+".minKernel", err)
		}
		out.MinKernel = &mobyseccomp.KernelVersion{Kernel: uint64(k.Major), Major: uint64(k.Minor)}
	}
	return out, nil
}

// parseMinKernel accepts moby's "<kernel>.<major>" (each 0..255, not 0.0,
// as moby v0.3.0 KernelVersion.UnmarshalJSON) and the "4.8.0" spelling of
// 2018–2019 profiles, which moby then compared with its kernel package (a
// patch level of 0 matches every 4.8.x).
func parseMinKernel(s string) (KernelVersion, error) {
	bad := func(why string) (KernelVersion, error) {
		return KernelVersion{}, fmt.Errorf("%w %q: %s (want \"MAJOR.MINOR\", e.g. \"4.8\")", ErrInvalidKernelVersion, s, why)
	}
	parts := strings.Split(s, ".")
	if len(parts) == 3 {
		if parts[2] != "0" {
			return bad("a patch level other than 0 cannot be compared with a MAJOR.MINOR target")
		}
		parts = parts[:2]
	}
	if len(parts) != 2 {
		return bad("not two dot-separated numbers")
	}
	maj, err1 := strconv.ParseUint(parts[0], 10, 8)
	minor, err2 := strconv.ParseUint(parts[1], 10, 8)
	if err1 != nil || err2 != nil {
		return bad("not numbers in 0..255")
	}
	if maj == 0 && minor == 0 {
		return bad("version cannot be 0.0")
	}
	return KernelVersion{Major: int(maj), Minor: int(minor)}, nil
}

func decodeLibcontainer(d *doc) (*MobyProfile, error) {
	d.format = FormatLibcontainer
	var lc libcontainerDoc
	if err := d.unmarshal(&lc); err != nil {
		return nil, err
	}
	md := &mobyDoc{}
	if lc.DefaultAction == nil {
		return nil, d.errorf("default_action", fmt.Errorf("%w: default_action is null (want 1..6, runc libcontainer configs.Action)", ErrInvalidProfile))
	}
	act, ok := libcontainerActions[*lc.DefaultAction]
	if !ok {
		return nil, d.errorf("default_action", fmt.Errorf("%w %d (want 1..6, runc libcontainer configs.Action)", ErrUnknownAction, *lc.DefaultAction))
	}
	md.DefaultAction = specs.LinuxSeccompAction(act)
	md.DefaultErrnoRet = lc.DefaultErrnoRet
	for i, a := range lc.Architectures {
		s, ok := nativeToSCMP[a]
		if !ok {
			return nil, d.errorf(fmt.Sprintf("architectures[%d]", i), fmt.Errorf("%w %q (want a libseccomp name such as amd64, x86, x32)", ErrUnknownArchName, a))
		}
		md.Architectures = append(md.Architectures, specs.Arch(s))
	}
	for i, c := range lc.Syscalls {
		act, ok := libcontainerActions[c.Action]
		if !ok {
			return nil, d.errorf(fmt.Sprintf("syscalls[%d].action", i), fmt.Errorf("%w %d (want 1..6, runc libcontainer configs.Action)", ErrUnknownAction, c.Action))
		}
		mc := &mobyCallDoc{}
		mc.Names = []string{c.Name}
		mc.Action = specs.LinuxSeccompAction(act)
		mc.ErrnoRet = c.ErrnoRet
		for j, a := range c.Args {
			op, ok := libcontainerOps[a.Op]
			if !ok {
				return nil, d.errorf(fmt.Sprintf("syscalls[%d].args[%d].op", i, j), fmt.Errorf("%w %d (want 1..7, runc libcontainer configs.Operator)", ErrUnknownOp, a.Op))
			}
			mc.Args = append(mc.Args, specs.LinuxSeccompArg{Index: a.Index, Value: a.Value, ValueTwo: a.ValueTwo, Op: specs.LinuxSeccompOperator(op)})
		}
		md.Syscalls = append(md.Syscalls, mc)
	}
	return buildMoby(d, "", md)
}

// libcontainerActions and libcontainerOps are runc libcontainer/configs
// (config.go) Action and Operator, iota + 1, as of 2016.
var libcontainerActions = map[int]string{
	1: "SCMP_ACT_KILL", 2: "SCMP_ACT_ERRNO", 3: "SCMP_ACT_TRAP", 4: "SCMP_ACT_ALLOW", 5: "SCMP_ACT_TRACE", 6: "SCMP_ACT_LOG",
}

var libcontainerOps = map[int]string{
	1: "SCMP_CMP_EQ", 2: "SCMP_CMP_NE", 3: "SCMP_CMP_GT", 4: "SCMP_CMP_GE", 5: "SCMP_CMP_LT", 6: "SCMP_CMP_LE", 7: "SCMP_CMP_MASKED_EQ",
}

// ociActions is runc's libcontainer/seccomp/config.go actions map: exact,
// upper-case spellings only.
var ociActions = map[string]Action{
	"SCMP_ACT_KILL":         ActKillThread,
	"SCMP_ACT_KILL_THREAD":  ActKillThread,
	"SCMP_ACT_KILL_PROCESS": ActKillProcess,
	"SCMP_ACT_TRAP":         ActTrap,
	"SCMP_ACT_ERRNO":        ActErrno,
	"SCMP_ACT_TRACE":        ActTrace,
	"SCMP_ACT_ALLOW":        ActAllow,
	"SCMP_ACT_LOG":          ActLog,
	"SCMP_ACT_NOTIFY":       ActNotify,
}

const ociActionList = "SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, SCMP_ACT_KILL, SCMP_ACT_KILL_THREAD, SCMP_ACT_KILL_PROCESS, SCMP_ACT_TRAP, SCMP_ACT_TRACE, SCMP_ACT_LOG or SCMP_ACT_NOTIFY"

var ociOps = map[string]Op{
	"SCMP_CMP_NE":        OpNE,
	"SCMP_CMP_LT":        OpLT,
	"SCMP_CMP_LE":        OpLE,
	"SCMP_CMP_EQ":        OpEQ,
	"SCMP_CMP_GE":        OpGE,
	"SCMP_CMP_GT":        OpGT,
	"SCMP_CMP_MASKED_EQ": OpMaskedEQ,
}

// epermErrno is what runc uses when ERRNO or TRACE has no errnoRet
// (libcontainer/seccomp/seccomp_linux.go: actErrno, actTrace).
const epermErrno = 1

func ociVerdict(s string, errnoRet *uint) (verdictData, error) {
	a, ok := ociActions[s]
	if !ok {
		return verdictData{}, fmt.Errorf("%w %q (want %s)", ErrUnknownAction, s, ociActionList)
	}
	v := verdictData{Verdict: Verdict{Action: a}}
	if a == ActErrno || a == ActTrace {
		v.data = epermErrno
		if errnoRet != nil {
			v.data = uint32(*errnoRet)
		}
		if a == ActErrno {
			v.Errno = v.data
		}
	}
	return v, nil
}

func ociCond(a specs.LinuxSeccompArg) (Cond, error) {
	if err := checkArgIndex(uint64(a.Index)); err != nil {
		return Cond{}, err
	}
	op, ok := ociOps[string(a.Op)]
	if !ok {
		return Cond{}, fmt.Errorf("%w %q (want SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT or SCMP_CMP_MASKED_EQ)", ErrUnknownOp, a.Op)
	}
	// libseccomp SCMP_CMP_MASKED_EQ: value is the mask, valueTwo the datum.
	return Cond{Arg: uint8(a.Index), Op: op, Value: a.Value, ValueTwo: a.ValueTwo}, nil
}

func errnoPath(ret, sym, symValue string) string {
	if symValue != "" {
		return sym
	}
	return ret
}

// errnoField folds containers/common's symbolic errno into errnoRet; when
// both are given they must agree.
func errnoField(ret *uint, name string) (*uint, error) {
	if ret != nil && *ret > 0xffff {
		return nil, fmt.Errorf("%w: errnoRet %d does not fit the 16-bit SECCOMP_RET_DATA", ErrInvalidProfile, *ret)
	}
	if name == "" {
		return ret, nil
	}
	n, ok := errnoNames[name]
	if !ok {
		return nil, fmt.Errorf("%w: unknown errno name %q (want EPERM, ENOSYS, ...)", ErrInvalidProfile, name)
	}
	if ret != nil && *ret != n {
		return nil, fmt.Errorf("%w: errno %q is %d but errnoRet is %d", ErrInvalidProfile, name, n, *ret)
	}
	return &n, nil
}

// errnoNames holds the Linux errno values profiles name symbolically
// (include/uapi/asm-generic/errno-base.h and errno.h; identical on x86_64
// and arm64).
var errnoNames = map[string]uint{
	"EPERM": 1, "ENOENT": 2, "ESRCH": 3, "EINTR": 4, "EIO": 5, "ENXIO": 6, "E2BIG": 7, "ENOEXEC": 8,
	"EBADF": 9, "ECHILD": 10, "EAGAIN": 11, "ENOMEM": 12, "EACCES": 13, "EFAULT": 14, "ENOTBLK": 15,
	"EBUSY": 16, "EEXIST": 17, "EXDEV": 18, "ENODEV": 19, "ENOTDIR": 20, "EISDIR": 21, "EINVAL": 22,
	"ENFILE": 23, "EMFILE": 24, "ENOTTY": 25, "ETXTBSY": 26, "EFBIG": 27, "ENOSPC": 28, "ESPIPE": 29,
	"EROFS": 30, "EMLINK": 31, "EPIPE": 32, "EDOM": 33, "ERANGE": 34, "ENOSYS": 38, "EOPNOTSUPP": 95,
}

// scmpArches is the runtime-spec v1.2.1 list of Arch values
// (specs-go/config.go), which is libseccomp's SCMP_ARCH_* set.
var scmpArches = map[string]bool{
	"SCMP_ARCH_X86": true, "SCMP_ARCH_X86_64": true, "SCMP_ARCH_X32": true, "SCMP_ARCH_ARM": true,
	"SCMP_ARCH_AARCH64": true, "SCMP_ARCH_MIPS": true, "SCMP_ARCH_MIPS64": true, "SCMP_ARCH_MIPS64N32": true,
	"SCMP_ARCH_MIPSEL": true, "SCMP_ARCH_MIPSEL64": true, "SCMP_ARCH_MIPSEL64N32": true, "SCMP_ARCH_PPC": true,
	"SCMP_ARCH_PPC64": true, "SCMP_ARCH_PPC64LE": true, "SCMP_ARCH_S390": true, "SCMP_ARCH_S390X": true,
	"SCMP_ARCH_PARISC": true, "SCMP_ARCH_PARISC64": true, "SCMP_ARCH_RISCV64": true,
	"SCMP_ARCH_LOONGARCH64": true, "SCMP_ARCH_M68K": true, "SCMP_ARCH_SH": true, "SCMP_ARCH_SHEB": true,
}

// nativeToSCMP maps the architecture names used in includes/excludes
// arches (moby's goToNative values and libseccomp's arch names) to
// SCMP_ARCH_*.
var nativeToSCMP = map[string]string{
	"x86": "SCMP_ARCH_X86", "amd64": "SCMP_ARCH_X86_64", "x86_64": "SCMP_ARCH_X86_64", "x32": "SCMP_ARCH_X32",
	"arm": "SCMP_ARCH_ARM", "arm64": "SCMP_ARCH_AARCH64", "aarch64": "SCMP_ARCH_AARCH64",
	"loongarch64": "SCMP_ARCH_LOONGARCH64", "mips": "SCMP_ARCH_MIPS", "mipsel": "SCMP_ARCH_MIPSEL",
	"mips64": "SCMP_ARCH_MIPS64", "mips64n32": "SCMP_ARCH_MIPS64N32", "mipsel64": "SCMP_ARCH_MIPSEL64",
	"mipsel64n32": "SCMP_ARCH_MIPSEL64N32", "mips3l64n32": "SCMP_ARCH_MIPSEL64N32",
	"ppc": "SCMP_ARCH_PPC", "ppc64": "SCMP_ARCH_PPC64", "ppc64le": "SCMP_ARCH_PPC64LE",
	"s390": "SCMP_ARCH_S390", "s390x": "SCMP_ARCH_S390X", "riscv64": "SCMP_ARCH_RISCV64",
	"parisc": "SCMP_ARCH_PARISC", "parisc64": "SCMP_ARCH_PARISC64", "m68k": "SCMP_ARCH_M68K",
	"sh": "SCMP_ARCH_SH", "sheb": "SCMP_ARCH_SHEB",
}

var nativeArches = func() map[string]bool {
	m := map[string]bool{}
	for k := range nativeToSCMP {
		m[k] = true
	}
	return m
}()

// mobyNative is moby's goToNative name and nativeToSeccomp arch of each
// Target architecture: what setupSeccomp computes from runtime.GOARCH.
var mobyNative = map[syscalls.Arch]struct{ native, scmp string }{
	syscalls.X86_64:  {"amd64", "SCMP_ARCH_X86_64"},
	syscalls.AArch64: {"arm64", "SCMP_ARCH_AARCH64"},
}

// Architectures returns the SCMP_ARCH_* list the resolved filter covers
// for a, as moby's setupSeccomp computes it: with archMap, the entry for a
// and its sub-architectures; with the older architectures list, that list
// as is. The kernel's native arch is always covered even when absent here.
func (p *MobyProfile) Architectures(a syscalls.Arch) []string {
	var out []string
	for _, x := range p.Seccomp.Architectures {
		out = append(out, string(x))
	}
	n, ok := mobyNative[a]
	if !ok {
		return out
	}
	for _, m := range p.Seccomp.ArchMap {
		if string(m.Arch) == n.scmp {
			out = append(out, string(m.Arch))
			for _, s := range m.SubArches {
				out = append(out, string(s))
			}
			break
		}
	}
	return out
}

// selected returns the indices of the syscall entries that apply to t.
// It mirrors moby's setupSeccomp (github.com/moby/profiles/seccomp v0.3.0
// seccomp_linux.go) with t in place of runtime.GOARCH, the host kernel
// and the container's bounding capabilities: an entry is dropped when
// excludes names t's arch, any of its caps is held, or t's kernel is at
// least its minKernel; and unless includes names t's arch, all its caps are
// held and t's kernel is at least its minKernel.
func (p *MobyProfile) selected(t Target) ([]int, error) {
	n, ok := mobyNative[t.Arch]
	if !ok {
		return nil, fmt.Errorf("resolving %s: %w %q", p.Name, syscalls.ErrUnknownArch, string(t.Arch))
	}
	kernelAtLeast := func(path string, k *mobyseccomp.KernelVersion) (bool, error) {
		if t.Kernel == (KernelVersion{}) {
			return false, fmt.Errorf("resolving %s: %s: %w: minKernel %s needs Target.Kernel", p.Name, path, ErrIncompleteTarget, k)
		}
		return t.Kernel.AtLeast(KernelVersion{Major: int(k.Kernel), Minor: int(k.Major)}), nil
	}
	var out []int
loop:
	for i, c := range p.Seccomp.Syscalls {
		if ex := c.Excludes; ex != nil {
			if slices.Contains(ex.Arches, n.native) {
				continue
			}
			for _, cp := range ex.Caps {
				if t.Caps[cp] {
					continue loop
				}
			}
			if ex.MinKernel != nil {
				ok, err := kernelAtLeast(fmt.Sprintf("syscalls[%d].excludes.minKernel", i), ex.MinKernel)
				if err != nil {
					return nil, err
				}
				if ok {
					continue
				}
			}
		}
		if in := c.Includes; in != nil {
			if len(in.Arches) > 0 && !slices.Contains(in.Arches, n.native) {
				continue
			}
			for _, cp := range in.Caps {
				if !t.Caps[cp] {
					continue loop
				}
			}
			if in.MinKernel != nil {
				ok, err := kernelAtLeast(fmt.Sprintf("syscalls[%d].includes.minKernel", i), in.MinKernel)
				if err != nil {
					return nil, err
				}
				if !ok {
					continue
				}
			}
		}
		out = append(out, i)
	}
	return out, nil
}

// ResolveSpec resolves p for t into the OCI form moby hands to the runtime,
// mirroring moby's setupSeccomp with an explicit target (see selected).
// Target.Caps stands for the container's bounding set, which Docker makes
// equal to the effective set. A nil Caps means no capabilities.
func (p *MobyProfile) ResolveSpec(t Target) (*specs.LinuxSeccomp, error) {
	idx, err := p.selected(t)
	if err != nil {
		return nil, err
	}
	out := p.Seccomp.LinuxSeccomp
	out.Architectures = nil
	for _, a := range p.Architectures(t.Arch) {
		out.Architectures = append(out.Architectures, specs.Arch(a))
	}
	out.Syscalls = nil
	for _, i := range idx {
		c := p.Seccomp.Syscalls[i].LinuxSyscall
		c.Names = callNames(p.Seccomp.Syscalls[i])
		out.Syscalls = append(out.Syscalls, c)
	}
	return &out, nil
}

// callNames is the syscalls an entry names: its "name" when it has one
// (moby's setupSeccomp reads the deprecated field for old profiles, and
// the decoder has made sure "names" is then empty), else "names".
func callNames(c *mobyseccomp.Syscall) []string {
	//lint:ignore SA1019 old profiles write the deprecated "name", and moby still reads it
	if n := c.Name; n != "" {
		return []string{n}
	}
	return c.Names
}

// Resolve resolves p for t into a Filter: the syscall entries moby keeps
// for t (see ResolveSpec), turned into rules as runc installs them
// (libcontainer/seccomp/seccomp_linux.go: InitSeccomp, matchCall):
//   - a rule whose action and errno equal the default's is dropped;
//   - ERRNO without errnoRet returns EPERM;
//   - when two or more args of one entry test the same argument index,
//     libseccomp cannot AND them, so runc adds every arg of that entry as a
//     rule of its own, and they act as alternatives (OR). Otherwise the
//     args of an entry are ANDed in one rule.
//
// Names the target's table lacks go to Filter.Unresolved.
func (p *MobyProfile) Resolve(t Target) (*Filter, error) {
	idx, err := p.selected(t)
	if err != nil {
		return nil, err
	}
	var rules []Rule
	for _, i := range idx {
		c, mc := p.Seccomp.Syscalls[i], p.calls[i]
		if mc.act == p.def {
			continue
		}
		for j, name := range callNames(c) {
			path := p.namePath(i, j)
			for _, conds := range runcConds(mc.conds) {
				rules = append(rules, Rule{Syscall: name, Conds: conds, Verdict: mc.act.Verdict, Comment: c.Comment, Path: path})
			}
		}
	}
	f, err := NewFilter("default", t.Arch, p.def.Verdict, rules)
	if err != nil {
		return nil, err
	}
	f.DefaultPath = p.path("defaultAction")
	if p.Format == FormatLibcontainer {
		f.DefaultPath = "default_action"
	}
	return f, nil
}

// path is the JSON path of rel, a path within the profile, in its document.
func (p *MobyProfile) path(rel string) string {
	if p.prefix == "" {
		return rel
	}
	return p.prefix + "." + rel
}

// namePath is the JSON path of the j-th name of syscall entry i: the
// deprecated "name" (and the libcontainer form's, which has no other) or
// names[j].
func (p *MobyProfile) namePath(i, j int) string {
	//lint:ignore SA1019 old profiles write the deprecated "name", and moby still reads it
	if p.Format == FormatLibcontainer || p.Seccomp.Syscalls[i].Name != "" {
		return p.path(fmt.Sprintf("syscalls[%d].name", i))
	}
	return p.path(fmt.Sprintf("syscalls[%d].names[%d]", i, j))
}

// runcConds splits conds the way runc's matchCall does: one rule with all
// of them, unless an argument index repeats, then one rule per condition.
func runcConds(conds []Cond) [][]Cond {
	if len(conds) == 0 {
		return [][]Cond{nil}
	}
	var count [6]int
	repeated := false
	for _, c := range conds {
		count[c.Arg]++
		if count[c.Arg] > 1 {
			repeated = true
		}
	}
	if !repeated {
		return [][]Cond{conds}
	}
	out := make([][]Cond, len(conds))
	for i, c := range conds {
		out[i] = []Cond{c}
	}
	return out
}
