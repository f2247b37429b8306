package x86_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"sysweight/kernel/x86"
)

// FuzzDecodeFast: any bytes give an error or a length within the input and
// the 15-byte architectural limit, never a panic.
func FuzzDecodeFast(f *testing.F) {
	for _, s := range [][]byte{
		{0xf3, 0x0f, 0x1e, 0xfa},             // endbr64
		{0xe8, 0, 0, 0, 0},                   // call rel32
		{0x0f, 0x84, 0x10, 0, 0, 0},          // je rel32
		{0x62, 0xf1, 0x7c, 0x48, 0x10, 0x07}, // vmovups zmm0, [rdi]
		{0xc4, 0xe3, 0x79, 0x0f, 0xc1, 0x08}, // vpalignr
		{0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0},
		{0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8}, // movabs
		{0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x90},
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		in, ok := x86.DecodeFast(b)
		if ok && (in.Len < 1 || in.Len > 15 || in.Len > len(b)) {
			t.Fatalf("% x: length %d", b, in.Len)
		}
		ref := x86.DecodeRef(b)
		if len(b) > 0 && (ref.Len < 1 || ref.Len > len(b)) {
			t.Fatalf("% x: ref length %d", b, ref.Len)
		}
		// Where both decoders decode an instruction with prefixes as a
		// compiler emits them, the lengths agree, or objdump (a third
		// decoder) sides with the fast one: x86asm does not know every
		// instruction (endbr64 is one byte to it).
		if ok && ref.Kind != x86.Bad && in.Len != ref.Len && canonicalPrefixes(b) {
			if l, known := knownDefect(b); known && l == in.Len {
				return
			}
			od, err := objdumpLen(t, b)
			if err != nil {
				t.Skipf("fast length %d, x86asm %d, objdump not usable: %v", in.Len, ref.Len, err)
			}
			if od != in.Len {
				t.Fatalf("% x: fast length %d, x86asm %d, objdump %d", b[:min(len(b), 16)], in.Len, ref.Len, od)
			}
		}
	})
}

// objdumpLen is the length objdump gives the first instruction of b, or
// an error when objdump is not there or says nothing usable ("(bad)").
// objdump prints a prefix the CPU ignores (a REX before another prefix, a
// segment override) on a line of its own ("es rex.B"); the CPU decodes it
// as part of the instruction that follows, so those lines count with it.
func objdumpLen(t *testing.T, b []byte) (int, error) {
	path, err := exec.LookPath("objdump")
	if err != nil {
		return 0, err
	}
	f := filepath.Join(t.TempDir(), "insn.bin")
	if err := os.WriteFile(f, b, 0o644); err != nil {
		return 0, err
	}
	out, err := exec.Command(path, "-D", "-b", "binary", "-m", "i386:x86-64", f).Output()
	if err != nil {
		return 0, err
	}
	// "   0:\tf3 0f 1e fa          \tendbr64"; an instruction of more
	// than 7 bytes goes on over continuation lines without a mnemonic
	// ("   7:\t00 00 00").
	n, done := 0, false
	for _, l := range strings.Split(string(out), "\n") {
		addr, rest, found := strings.Cut(strings.TrimSpace(l), ":\t")
		if !found {
			continue
		}
		a, err := strconv.ParseUint(addr, 16, 32)
		if err != nil || int(a) != n {
			continue
		}
		hexes, mnem, _ := strings.Cut(rest, "\t")
		mnem = strings.TrimSpace(mnem)
		if mnem != "" && done {
			break // the next instruction
		}
		if strings.Contains(mnem, "(bad)") || strings.HasPrefix(mnem, ".byte") {
			return 0, fmt.Errorf("objdump: %s", mnem)
		}
		n += len(strings.Fields(hexes))
		if mnem != "" && !prefixesOnly(mnem) {
			done = true
		}
	}
	if !done {
		return 0, fmt.Errorf("objdump printed no whole instruction")
	}
	return n, nil
}

// prefixesOnly reports an objdump line that names prefixes only.
func prefixesOnly(mnem string) bool {
	for _, w := range strings.Fields(mnem) {
		switch {
		case w == "es", w == "cs", w == "ss", w == "ds", w == "fs", w == "gs", w == "data16", w == "addr32",
			w == "lock", w == "rep", w == "repz", w == "repnz", w == "repe", w == "repne", w == "bnd", w == "notrack",
			w == "rex" || strings.HasPrefix(w, "rex."), w == "xacquire", w == "xrelease":
		default:
			return false
		}
	}
	return true
}

// canonicalPrefixes reports prefixes as compilers emit them: each legacy
// group at most once, a REX prefix only right before the opcode, and no
// operand-size prefix on a near branch (whose length Intel and AMD
// decode differently in 64-bit mode: 66 e9 takes a rel32 on Intel and a
// rel16 on AMD, and objdump follows AMD). Decoders differ on the others
// (a REX before a prefix, repeated segment overrides), and no kernel
// holds them.
func canonicalPrefixes(b []byte) bool {
	var seen [4]bool
	group := func(c byte) int {
		switch c {
		case 0xf0, 0xf2, 0xf3:
			return 0
		case 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65:
			return 1
		case 0x66:
			return 2
		case 0x67:
			return 3
		}
		return -1
	}
	i := 0
	for ; i < len(b); i++ {
		g := group(b[i])
		if g < 0 {
			break
		}
		if seen[g] {
			return false
		}
		seen[g] = true
	}
	if i < len(b) && b[i]&0xf0 == 0x40 {
		i++
		if i < len(b) && (b[i]&0xf0 == 0x40 || group(b[i]) >= 0) {
			return false
		}
	}
	if i >= len(b) || !seen[2] {
		return true
	}
	op := b[i]
	switch {
	case op == 0xe8, op == 0xe9, op == 0xeb, op >= 0x70 && op <= 0x7f, op == 0xc2, op == 0xc3, op >= 0xe0 && op <= 0xe3:
		return false
	case op == 0x0f && i+1 < len(b) && b[i+1] >= 0x80 && b[i+1] <= 0x8f:
		return false
	}
	return true
}

// objdumpLen reads objdump's listing right: endbr64 is 4 bytes, movabs 10
// (over a continuation line), and an ignored REX that objdump prints on a
// line of its own ("es rex.B") counts with the xor after it (26 41 41 30
// 30: 5 bytes, as the CPU decodes it).
func TestObjdumpLen(t *testing.T) {
	if _, err := exec.LookPath("objdump"); err != nil {
		t.Skip("objdump (binutils) is not installed")
	}
	for _, c := range []struct {
		b    []byte
		want int
	}{
		{[]byte{0xf3, 0x0f, 0x1e, 0xfa, 0x90}, 4},
		{[]byte{0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8, 0x90}, 10},
		{[]byte{0x26, 0x41, 0x41, 0x30, 0x30, 0x90}, 5},
	} {
		if got, err := objdumpLen(t, c.b); err != nil || got != c.want {
			t.Errorf("% x: objdump length %d (%v), want %d", c.b, got, err, c.want)
		}
	}
}
