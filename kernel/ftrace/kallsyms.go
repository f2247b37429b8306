package ftrace

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Symbol is one text symbol of a running kernel.
type Symbol struct {
	Addr   uint64
	Name   string
	Module string // "" for vmlinux
}

// Symbols names the code addresses of one boot of a kernel, read from its
// /proc/kallsyms (module symbols included). It is what names the function
// addresses of a raw trace, and which module a traced function is in.
type Symbols struct {
	text []Symbol // sorted by address
	// modules maps a function name to the modules that define it; ""
	// stands for vmlinux.
	modules map[string][]string
	// addrs maps a function name to its addresses.
	addrs map[string][]uint64
}

// ParseKallsyms reads /proc/kallsyms text ("ADDR TYPE NAME" or "ADDR TYPE
// NAME\t[MODULE]", kernel/kallsyms.c: s_show). Only text symbols (types t,
// T, w, W) are kept. Addresses that are all zero (kptr_restrict) are an
// error: they name nothing.
func ParseKallsyms(r io.Reader) (*Symbols, error) {
	s := &Symbols{modules: make(map[string][]string), addrs: make(map[string][]uint64)}
	sc := bufio.NewScanner(r)
	n, nonzero := 0, false
	for sc.Scan() {
		n++
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		if len(f) < 3 || len(f) > 4 || len(f[1]) != 1 {
			return nil, fmt.Errorf("kallsyms line %d: %q, want ADDR TYPE NAME [[MODULE]]: %w", n, cut(sc.Text(), 80), ErrRaw)
		}
		addr, err := strconv.ParseUint(f[0], 16, 64)
		if err != nil {
			return nil, fmt.Errorf("kallsyms line %d: address %q: %w", n, f[0], ErrRaw)
		}
		mod := ""
		if len(f) == 4 {
			if len(f[3]) < 3 || f[3][0] != '[' || f[3][len(f[3])-1] != ']' {
				return nil, fmt.Errorf("kallsyms line %d: module %q, want [NAME]: %w", n, f[3], ErrRaw)
			}
			mod = f[3][1 : len(f[3])-1]
		}
		switch f[1] {
		case "t", "T", "w", "W":
		default:
			continue
		}
		nonzero = nonzero || addr != 0
		s.text = append(s.text, Symbol{Addr: addr, Name: f[2], Module: mod})
		if ms := s.modules[f[2]]; !slices.Contains(ms, mod) {
			s.modules[f[2]] = append(ms, mod)
		}
		s.addrs[f[2]] = append(s.addrs[f[2]], addr)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("kallsyms line %d: %w", n+1, err)
	}
	if len(s.text) == 0 || !nonzero {
		return nil, fmt.Errorf("kallsyms: no text symbols with addresses (%d lines; read it as root, kptr_restrict hides them): %w", n, ErrRaw)
	}
	slices.SortStableFunc(s.text, func(a, b Symbol) int { return cmpAddr(a.Addr, b.Addr) })
	return s, nil
}

// Lookup returns the text symbol that addr falls in: the last one at or
// below it.
func (s *Symbols) Lookup(addr uint64) (Symbol, bool) {
	i, found := s.search(addr)
	if found {
		// Aliases share an address; search finds the first listed,
		// which is the one %ps prints (kallsyms' get_symbol_pos).
		return s.text[i], true
	}
	if i == 0 {
		return Symbol{}, false
	}
	i--
	for i > 0 && s.text[i-1].Addr == s.text[i].Addr {
		i--
	}
	return s.text[i], true
}

// Modules returns the modules that define a function called name, sorted,
// "" standing for vmlinux; nil if no text symbol has that name. More than
// one means the name alone does not say (static functions of the same
// name).
func (s *Symbols) Modules(name string) []string {
	ms := slices.Clone(s.modules[name])
	slices.Sort(ms)
	return ms
}

// Aliases returns the other names of the addresses called name, sorted:
// the symbols that share an address with it. Empty for most functions.
func (s *Symbols) Aliases(name string) []string {
	var out []string
	for _, addr := range s.addrs[name] {
		for i, _ := s.search(addr); i < len(s.text) && s.text[i].Addr == addr; i++ {
			if n := s.text[i].Name; n != name && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	slices.Sort(out)
	return out
}

// Len is the number of text symbols.
func (s *Symbols) Len() int { return len(s.text) }

// search finds the first symbol at addr, or where it would be.
func (s *Symbols) search(addr uint64) (int, bool) {
	return slices.BinarySearchFunc(s.text, addr, func(e Symbol, a uint64) int { return cmpAddr(e.Addr, a) })
}

func cmpAddr(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
