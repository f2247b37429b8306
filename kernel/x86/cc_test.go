package x86_test

import (
	"debug/elf"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"sysweight/kernel/x86"
)

// ccFlags are the flags testdata/cc.c names in its header comment.
var ccFlags = []string{"-O1", "-foptimize-sibling-calls", "-fno-jump-tables", "-fno-if-conversion",
	"-fno-if-conversion2", "-fno-tree-ch", "-fcf-protection=none", "-c"}

// compileFixture builds testdata/cc.c and returns its .text and functions.
// In the relocatable object .text starts at address 0; calls between the
// file's static functions are resolved by the assembler, so they need no
// relocations.
func compileFixture(t *testing.T) ([]byte, []x86.Func) {
	t.Helper()
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		t.Skip("gcc not found; needed to build testdata/cc.c")
	}
	obj := filepath.Join(t.TempDir(), "cc.o")
	cmd := exec.Command(gcc, append(ccFlags, "testdata/cc.c", "-o", obj)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	f, err := elf.Open(obj)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	text := f.Section(".text")
	code, err := text.Data()
	if err != nil {
		t.Fatal(err)
	}
	syms, err := f.Symbols()
	if err != nil {
		t.Fatal(err)
	}
	var funcs []x86.Func
	for _, s := range syms {
		if elf.ST_TYPE(s.Info) == elf.STT_FUNC && int(s.Section) < len(f.Sections) && f.Sections[s.Section] == text {
			funcs = append(funcs, x86.Func{Name: s.Name, Addr: s.Value, Size: s.Size})
		}
	}
	return code, funcs
}

// TestFixtureCC checks CC against the source of testdata/cc.c, counted by
// hand as decisions + 1 (each if, loop condition, && / || operand and case
// label is one decision).
func TestFixtureCC(t *testing.T) {
	code, funcs := compileFixture(t)
	p, err := x86.Analyze(code, 0, funcs, x86.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{
		"sink":          1, // no decision
		"die":           1, // no decision (__builtin_trap is ud2)
		"straight":      1, // no decision
		"one_if":        2, // if (x > 10)
		"if_else_chain": 3, // if (x < 0), else if (x == 0)
		"loop_if":       3, // for (i < n), if (a[i] > 0)
		"and_or":        4, // sink(a) > 0, sink(b) > 0, sink(c) == 3
		"switch3":       4, // case 1, case 2, case 3 (default is the fall-through)
		"checked":       2, // if (x < 0)
		"bug_on":        2, // if (x == 42)
		"tail":          1, // no decision
		"indirect":      1, // no decision
	}
	for name, cc := range want {
		i, ok := p.Lookup(name)
		if !ok {
			t.Errorf("%s: not found", name)
			continue
		}
		if got := p.Functions[i].CC; got != cc {
			t.Errorf("%s: CC %d, want %d (%+v)", name, got, cc, p.Functions[i])
		}
	}
	if len(p.Functions) != len(want) {
		t.Errorf("%d functions, want %d", len(p.Functions), len(want))
	}
}

// TestFixtureGraph checks blocks, edges, exits, calls and noreturn
// against the disassembly of cc.o (objdump -d, gcc 12.2, Debian 12):
//
//	one_if:  cmp; jg L | lea; ret | L: call sink; mov; jmp back
//	         3 blocks; edges jg, fall-through, jmp back; exit ret
//	checked: test; js L | call sink; add; ret | L: call die
//	         3 blocks; edges js, fall-through; exits ret, noreturn call
//	bug_on:  cmp; je L | call sink; add; ret | L: ud2
//	tail:    add; jmp sink — one block whose only edge leaves (tail call)
//	indirect: call *%rax; call sink; ...; ret
func TestFixtureGraph(t *testing.T) {
	code, funcs := compileFixture(t)
	p, err := x86.Analyze(code, 0, funcs, x86.Options{})
	if err != nil {
		t.Fatal(err)
	}
	get := func(name string) x86.FuncInfo {
		i, ok := p.Lookup(name)
		if !ok {
			t.Fatalf("%s not found", name)
		}
		return p.Functions[i]
	}
	sink, _ := p.Lookup("sink")
	die, _ := p.Lookup("die")
	for _, c := range []struct {
		name                 string
		blocks, edges, exits int
		calls                []int
		indirect             int
		noreturn             bool
	}{
		{"sink", 1, 0, 1, nil, 0, false},
		{"die", 1, 0, 1, nil, 0, true},
		{"one_if", 3, 3, 1, []int{sink}, 0, false},
		{"checked", 3, 2, 2, []int{sink, die}, 0, false},
		{"bug_on", 3, 2, 2, []int{sink}, 0, false},
		{"tail", 1, 0, 1, []int{sink}, 0, false},
		{"indirect", 1, 0, 1, []int{sink}, 1, false},
	} {
		f := get(c.name)
		if f.Blocks != c.blocks || f.Edges != c.edges || f.Exits != c.exits {
			t.Errorf("%s: blocks/edges/exits %d/%d/%d, want %d/%d/%d", c.name, f.Blocks, f.Edges, f.Exits, c.blocks, c.edges, c.exits)
		}
		if !slices.Equal(f.Calls, c.calls) {
			t.Errorf("%s: calls %v, want %v", c.name, f.Calls, c.calls)
		}
		if f.IndirectCalls != c.indirect {
			t.Errorf("%s: indirect calls %d, want %d", c.name, f.IndirectCalls, c.indirect)
		}
		if f.NoReturn != c.noreturn {
			t.Errorf("%s: noreturn %v, want %v", c.name, f.NoReturn, c.noreturn)
		}
	}
	// Reach from and_or: itself and sink (both calls and the tail call).
	i, _ := p.Lookup("and_or")
	r := p.Reach(i, nil)
	if !slices.Equal(r.Functions, []int{sink, i}) || r.Complexity != 1+4 {
		t.Errorf("reach(and_or) = %+v, want functions [sink and_or], complexity 5", r)
	}
}
