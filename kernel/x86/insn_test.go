package x86_test

import (
	"encoding/hex"
	"strings"
	"testing"

	"sysweight/kernel/x86"
)

// x86asmDefects are encodings that x86asm (v0.33.0) decodes wrongly or not
// at all, with the length the manuals give. None is a branch.
var x86asmDefects = []struct {
	bytes string // hex prefix of the instruction
	len   int
	what  string
}{
	{"f30f01d9", 4, "vmgexit (AMD APM vol. 3: F3 0F 01 D9); x86asm: lone prefix"},
	{"f30f01fe", 4, "rmpadjust (AMD APM vol. 3: F3 0F 01 FE); x86asm: lone prefix"},
	{"f20f01ff", 4, "pvalidate (AMD APM vol. 3: F2 0F 01 FF); x86asm: lone prefix"},
	{"660faef1", 4, "tpause ecx (SDM vol. 2: 66 0F AE /6); x86asm: lone prefix"},
	{"c5f877", 3, "vzeroupper (SDM vol. 2: VEX.128.0F.WIG 77, no ModRM); x86asm: 4 bytes"},
	{"0f01c1", 3, "vmcall (SDM vol. 3C: NP 0F 01 C1); x86asm: unknown"},
	{"0f01d9", 3, "vmmcall (AMD APM vol. 3: 0F 01 D9); x86asm: unknown"},
	{"0f01dc", 3, "stgi (AMD APM vol. 3: 0F 01 DC); x86asm: unknown"},
	{"0f01fa", 3, "monitorx (AMD APM vol. 3: 0F 01 FA); x86asm: unknown"},
	{"0f01fb", 3, "mwaitx (AMD APM vol. 3: 0F 01 FB); x86asm: unknown"},
	{"480fc7f8", 4, "rdseed rax (SDM vol. 2: NFx REX.W 0F C7 /7); x86asm: unknown"},
	{"c4e27849c0", 5, "tilerelease (SDM vol. 2: VEX.128.NP.0F38.W0 49 C0); x86asm: unknown"},
	{"0f01cf", 3, "encls (SDM vol. 3D: NP 0F 01 CF); x86asm: unknown"},
	{"0f01e8", 3, "serialize (SDM vol. 2: NP 0F 01 E8); x86asm: unknown"},
	{"0f01ee", 3, "rdpkru (SDM vol. 2: NP 0F 01 EE); x86asm: unknown"},
	{"0f01ef", 3, "wrpkru (SDM vol. 2: NP 0F 01 EF); x86asm: unknown"},
}

func knownDefect(b []byte) (int, bool) {
	h := hex.EncodeToString(b[:min(len(b), 8)])
	for _, d := range x86asmDefects {
		if strings.HasPrefix(h, d.bytes) {
			return d.len, true
		}
	}
	return 0, false
}

// TestFastMatchesRef decodes every function of the kernel linearly with
// both decoders and requires the same length, kind and displacement for
// every instruction, except for the listed x86asm defects, where the fast
// decoder must give the manual's length and no control flow.
func TestFastMatchesRef(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes the whole kernel twice")
	}
	im := loadVmlinux(t)
	p, err := x86.Analyze(im.Text, im.Base, im.Funcs, x86.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var n, defects, neither int
	for _, f := range p.Functions {
		code := im.Text[f.Addr-im.Base : f.Addr-im.Base+f.Size]
		for off := 0; off < len(code); {
			if code[off] == 0xcc {
				off++
				continue
			}
			fast, ok := x86.DecodeFast(code[off:])
			ref := x86.DecodeRef(code[off:])
			n++
			switch {
			case !ok && ref.Kind == x86.Bad:
				neither++
				t.Logf("neither decodes %s+%#x: % x", f.Name, off, code[off:min(off+8, len(code))])
				off++
				continue
			case !ok:
				t.Errorf("fast fails, ref %+v: %s+%#x % x", ref, f.Name, off, code[off:min(off+ref.Len, len(code))])
				off += ref.Len
				continue
			case fast != ref:
				if l, known := knownDefect(code[off:]); known && l == fast.Len && fast.Kind == x86.Other {
					defects++
				} else {
					t.Errorf("%s+%#x % x: fast %+v ref %+v", f.Name, off, code[off:min(off+16, len(code))], fast, ref)
				}
			}
			off += fast.Len
		}
	}
	t.Logf("%d instructions; %d known x86asm defects; %d bytes neither decodes", n, defects, neither)
	if n < 2_000_000 {
		t.Errorf("only %d instructions decoded; expected about 2.56 million", n)
	}
}

// TestDecodeFastSSE4a: AMD's extrq and insertq carry two imm8 after the
// ModRM (66 0f 78 /0 ib ib, f2 0f 78 /r ib ib), where 0f 78 without those
// prefixes is vmread, ModRM only. Lengths as objdump gives them: extrq
// $0x30,$0x30,%xmm6 is 6 bytes, insertq $0x6,$0x5,%xmm1,%xmm0 6, vmread
// %rax,%rsi (0f 78 c6) 3. FuzzDecodeFast found the extrq case.
func TestDecodeFastSSE4a(t *testing.T) {
	for _, c := range []struct {
		b    []byte
		want int
	}{
		{[]byte{0x66, 0x0f, 0x78, 0xc6, 0x30, 0x30}, 6},
		{[]byte{0xf2, 0x0f, 0x78, 0xc1, 0x05, 0x06}, 6},
		{[]byte{0x0f, 0x78, 0xc6, 0x90}, 3},
	} {
		in, ok := x86.DecodeFast(c.b)
		if !ok || in.Len != c.want {
			t.Errorf("% x: length %d (ok %v), want %d", c.b, in.Len, ok, c.want)
		}
	}
}
