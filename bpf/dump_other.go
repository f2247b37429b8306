//go:build !linux

package bpf

// DumpFilters needs ptrace: see dump_linux.go.
func DumpFilters(pid int) ([][]Instruction, error) { return nil, ErrNotSupportedOnOS }

// DumpProcess needs ptrace: see dump_linux.go.
func DumpProcess(pid int) (*Dump, error) { return nil, ErrNotSupportedOnOS }
