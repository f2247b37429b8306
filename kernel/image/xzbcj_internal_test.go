package image

import (
	"bytes"
	"encoding/binary"
	"io"
	"math/rand/v2"
	"os/exec"
	"testing"

	"github.com/ulikunitz/xz/lzma"
)

// TestBCJX86Undo checks that the BCJ filter is really at work: the raw LZMA2
// output of "xz --x86" differs from the input, and bcjX86Decode restores it.
func TestBCJX86Undo(t *testing.T) {
	xzPath, err := exec.LookPath("xz")
	if err != nil {
		t.Skip("xz not installed")
	}
	r := rand.New(rand.NewPCG(7, 8))
	code := make([]byte, 1<<16)
	for i := 0; i+5 <= len(code); i += 5 + r.IntN(8) {
		code[i] = 0xe8 // call rel32, near
		binary.LittleEndian.PutUint32(code[i+1:], uint32(int32(r.IntN(1<<16)-1<<15)))
	}
	cmd := exec.Command(xzPath, "--check=crc32", "--x86", "--lzma2=dict=64KiB")
	cmd.Stdin = bytes.NewReader(code)
	p, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	b, err := parseXZBlock(p)
	if err != nil {
		t.Fatal(err)
	}
	if !b.bcjX86 || b.dictCap != 64<<10 {
		t.Fatalf("block %+v, want x86 BCJ and a 64 KiB dictionary", b)
	}
	lr, err := lzma.Reader2Config{DictCap: b.dictCap}.NewReader2(bytes.NewReader(p[b.dataOff:]))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(lr)
	if err != nil {
		t.Fatal(err)
	}
	changed := 0
	for i := range raw {
		if raw[i] != code[i] {
			changed++
		}
	}
	if changed < 1000 {
		t.Fatalf("only %d bytes differ before BCJ decoding; the filter did not run", changed)
	}
	bcjX86Decode(raw, 0)
	if !bytes.Equal(raw, code) {
		t.Fatal("BCJ decoding did not restore the input")
	}
}
