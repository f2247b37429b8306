package syscalls

//go:generate go run ./internal/gensyscalls

import (
	"errors"
	"fmt"
	"slices"
	"sort"
)

// Arch names an architecture the way libseccomp and the kernel's audit
// headers do.
type Arch string

const (
	X86_64  Arch = "x86_64"
	AArch64 Arch = "aarch64"
)

// ErrUnknownArch is returned for an architecture without a table.
var ErrUnknownArch = errors.New("unknown architecture")

// ParseArch accepts the spellings found in seccomp profiles and Go
// (SCMP_ARCH_X86_64, amd64, x86_64, SCMP_ARCH_AARCH64, arm64, aarch64).
func ParseArch(s string) (Arch, error) {
	switch s {
	case "x86_64", "amd64", "SCMP_ARCH_X86_64", "x86-64":
		return X86_64, nil
	case "aarch64", "arm64", "SCMP_ARCH_AARCH64":
		return AArch64, nil
	}
	return "", fmt.Errorf("%w %q (want x86_64 or aarch64)", ErrUnknownArch, s)
}

// AuditArch is the AUDIT_ARCH_* value the kernel puts in seccomp_data.arch.
func (a Arch) AuditArch() uint32 {
	switch a {
	case X86_64:
		return 0xc000003e // AUDIT_ARCH_X86_64
	case AArch64:
		return 0xc00000b7 // AUDIT_ARCH_AARCH64
	}
	return 0
}

// Syscall is one row of a table.
type Syscall struct {
	Name string
	Nr   int
}

// Table maps syscall names to numbers for one architecture.
type Table struct {
	Arch   Arch
	Kernel string // kernel release the numbers come from
	Source string // generator input, with version
	list   []Syscall
	byName map[string]int
	byNr   map[int]string
}

var tables = map[Arch]*Table{
	X86_64:  newTable(X86_64, x86_64Table),
	AArch64: newTable(AArch64, aarch64Table),
}

func newTable(a Arch, list []Syscall) *Table {
	t := &Table{Arch: a, Kernel: kernelVersion, Source: sourceVersion, list: list,
		byName: make(map[string]int, len(list)), byNr: make(map[int]string, len(list))}
	for _, s := range list {
		t.byName[s.Name] = s.Nr
		t.byNr[s.Nr] = s.Name
	}
	return t
}

// ForArch returns the table of a.
func ForArch(a Arch) (*Table, error) {
	t, ok := tables[a]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownArch, string(a))
	}
	return t, nil
}

// MustForArch is ForArch for the architectures this package defines.
func MustForArch(a Arch) *Table {
	t, err := ForArch(a)
	if err != nil {
		panic(err)
	}
	return t
}

// Number returns the number of name.
func (t *Table) Number(name string) (int, bool) {
	nr, ok := t.byName[name]
	return nr, ok
}

// Name returns the name of nr.
func (t *Table) Name(nr int) (string, bool) {
	name, ok := t.byNr[nr]
	return name, ok
}

// All returns every syscall, ordered by number. The slice is a copy.
func (t *Table) All() []Syscall {
	return append([]Syscall(nil), t.list...)
}

// Names returns every syscall name, ordered by number.
func (t *Table) Names() []string {
	out := make([]string, len(t.list))
	for i, s := range t.list {
		out[i] = s.Name
	}
	return out
}

// Len is the number of syscalls in the table.
func (t *Table) Len() int { return len(t.list) }

// SortNames orders names by their number in t; unknown names go last, by name.
func (t *Table) SortNames(names []string) {
	sort.SliceStable(names, func(i, j int) bool {
		a, aok := t.byName[names[i]]
		b, bok := t.byName[names[j]]
		switch {
		case aok && bok:
			return a < b
		case aok != bok:
			return aok
		}
		return names[i] < names[j]
	})
}

// Known reports whether name is a syscall of some Linux architecture (any
// table of golang.org/x/sys, the source of the tables here). A profile may
// name another architecture's syscalls, as Docker's names socketcall and
// chown32; a name no architecture has, such as "raed", is a mistake.
func Known(name string) bool {
	_, ok := slices.BinarySearch(anyArchNames, name)
	return ok
}
