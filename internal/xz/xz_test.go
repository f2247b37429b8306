package xz_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"sysweight/internal/xz"
	"sysweight/internal/xz/xztest"
)

// The xz tool (XZ Utils) is the independent encoder and the oracle: every
// case compresses an input with it and expects our decoders to give back
// exactly that input, as "xz -dc" does.

func needXZ(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("xz")
	if err != nil {
		t.Skip("the xz tool (Debian package xz-utils) is not installed")
	}
	return p
}

// runXZ compresses in with the xz tool.
func runXZ(t testing.TB, in []byte, args ...string) []byte {
	t.Helper()
	return xztest.Compress(t, in, args...)
}

// textInput is deterministic text with the repetition of real prose and
// code: words drawn with a skewed distribution, lines of varying length.
func textInput(n int, seed uint64) []byte {
	words := strings.Fields(`the of and to in is that for it as with was on be by this are from or at an
		func return if err nil := struct type package import kernel syscall module reach weight exposure
		seccomp filter runtime container block stream index check dictionary literal match distance`)
	r := rand.New(rand.NewPCG(seed, 1))
	var b bytes.Buffer
	for b.Len() < n {
		k := r.IntN(len(words))
		k = k * k / len(words) // favour the first words
		b.WriteString(words[k])
		if r.IntN(12) == 0 {
			fmt.Fprintf(&b, " %d\n", r.IntN(100000))
		} else {
			b.WriteByte(' ')
		}
	}
	return b.Bytes()[:n]
}

func randomInput(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// binaryInput is x86-64 machine code for the BCJ filter: the running test
// binary's first bytes, which hold plenty of E8/E9 calls and jumps.
func binaryInput(t testing.TB, n int) []byte {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	return b[:min(n, len(b))]
}

// decodeAll decodes with every way in and fails unless each gives want.
func decodeAll(t *testing.T, name string, src, want []byte) {
	t.Helper()
	for _, w := range []int{1, 2} {
		got, err := xz.Config{Workers: w}.Decode(src)
		if err != nil {
			t.Errorf("%s: Decode with %d workers: %v", name, w, err)
		} else if !bytes.Equal(got, want) {
			t.Errorf("%s: Decode with %d workers: %d bytes differ from the %d put in", name, w, len(got), len(want))
		}
	}
	for _, rd := range []struct {
		name string
		wrap func(io.Reader) io.Reader
	}{{"Reader", func(r io.Reader) io.Reader { return r }}, {"Reader (one byte at a time)", iotest.OneByteReader}} {
		r, err := xz.NewReader(rd.wrap(bytes.NewReader(src)))
		if err != nil {
			t.Errorf("%s: %s: %v", name, rd.name, err)
			continue
		}
		got, err := io.ReadAll(r)
		if err != nil {
			t.Errorf("%s: %s: %v", name, rd.name, err)
		} else if !bytes.Equal(got, want) {
			t.Errorf("%s: %s: %d bytes differ from the %d put in", name, rd.name, len(got), len(want))
		}
	}
}

func TestPresetsAndChecks(t *testing.T) {
	needXZ(t)
	text := textInput(256<<10, 1)
	var cases [][]string
	for p := 0; p <= 9; p++ {
		cases = append(cases, []string{fmt.Sprintf("-%d", p)}, []string{fmt.Sprintf("-%de", p)})
	}
	for _, c := range []string{"none", "crc32", "crc64", "sha256"} {
		cases = append(cases, []string{"--check=" + c})
	}
	for _, args := range cases {
		decodeAll(t, "xz "+strings.Join(args, " "), runXZ(t, text, args...), text)
	}
}

func TestInputs(t *testing.T) {
	needXZ(t)
	inputs := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"one byte", []byte{'x'}},
		{"zeros", make([]byte, 3<<20)},
		{"random (incompressible: uncompressed chunks)", randomInput(300<<10, 1)},
		{"text then random then text", append(append(textInput(100<<10, 2), randomInput(200<<10, 2)...), textInput(100<<10, 3)...)},
		{"machine code", binaryInput(t, 1<<20)},
	}
	for _, in := range inputs {
		for _, args := range [][]string{{"-6"}, {"-0", "--check=crc32"}, {"-9e", "--check=sha256"}} {
			decodeAll(t, in.name+" with xz "+strings.Join(args, " "), runXZ(t, in.data, args...), in.data)
		}
	}
}

// TestLZMA2Options covers the literal and position context bits at their
// limits (lc+lp <= 4, pb <= 4) and a dictionary much smaller than the data,
// which makes the Reader slide its window.
func TestLZMA2Options(t *testing.T) {
	needXZ(t)
	text := textInput(300<<10, 4)
	code := binaryInput(t, 300<<10)
	for _, opt := range []string{"lc=4,lp=0", "lc=0,lp=4", "lc=2,lp=2,pb=0", "lc=1,lp=3,pb=4", "nice=273,mf=bt4,depth=0", "mode=fast,mf=hc3", "dict=4KiB"} {
		decodeAll(t, "text --lzma2="+opt, runXZ(t, text, "--lzma2=preset=6,"+opt), text)
		decodeAll(t, "code --lzma2="+opt, runXZ(t, code, "--lzma2=preset=6,"+opt), code)
	}
	big := append(textInput(5<<20, 5), textInput(2<<20, 5)...) // repeats from 5 MiB back
	decodeAll(t, "7 MiB with a 64 KiB dictionary", runXZ(t, big, "--lzma2=preset=1,dict=64KiB"), big)
	decodeAll(t, "7 MiB with an 8 MiB dictionary", runXZ(t, big, "--lzma2=preset=1,dict=8MiB"), big)
}

func TestBlocks(t *testing.T) {
	needXZ(t)
	text := textInput(1<<20, 6)
	decodeAll(t, "xz -T2 --block-size=1000", runXZ(t, text[:100<<10], "-T2", "--block-size=1000"), text[:100<<10])
	for _, args := range [][]string{
		{"-T1", "--block-size=100KiB"}, // single-threaded encoder: no sizes in the headers
		{"-T2", "--block-size=100KiB"}, // multi-threaded encoder: sizes in the headers
		{"-T1", "--block-list=1000,70000,5,300000"},
		{"-T2", "--block-size=300KiB", "--check=sha256"},
		{"-T2", "--block-size=300KiB", "--check=none"},
	} {
		decodeAll(t, "xz "+strings.Join(args, " "), runXZ(t, text, args...), text)
	}
}

func TestFilters(t *testing.T) {
	needXZ(t)
	code := binaryInput(t, 512<<10)
	text := textInput(200<<10, 7)
	for _, args := range [][]string{
		{"--x86", "--lzma2"},
		{"--x86=start=4096", "--lzma2=preset=1"},
		{"--check=crc32", "--x86", "--lzma2=dict=1MiB"}, // as scripts/xz_wrap.sh packs a kernel
		{"--delta=dist=1", "--lzma2"},
		{"--delta=dist=4", "--lzma2"},
		{"--delta=dist=256", "--lzma2"},
		{"--x86", "--delta=dist=2", "--lzma2"},
		{"--delta=dist=3", "--x86", "--lzma2"},
		{"-T2", "--block-size=256KiB", "--x86", "--lzma2"},
	} {
		decodeAll(t, "code with xz "+strings.Join(args, " "), runXZ(t, code, args...), code)
		decodeAll(t, "text with xz "+strings.Join(args, " "), runXZ(t, text, args...), text)
	}
	// Tiny inputs exercise the filter's held-back tail.
	for n := range 12 {
		in := bytes.Repeat([]byte{0xe8, 0, 0, 0, 0xff}, 3)[:n]
		decodeAll(t, fmt.Sprintf("%d bytes with --x86", n), runXZ(t, in, "--x86", "--lzma2"), in)
	}
}

func TestStreams(t *testing.T) {
	needXZ(t)
	a, b := textInput(200<<10, 8), randomInput(50<<10, 8)
	xa := runXZ(t, a, "-T2", "--block-size=64KiB")
	xb := runXZ(t, b, "--check=sha256")
	xe := runXZ(t, nil)
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	zeros := func(n int) []byte { return make([]byte, n) }
	decodeAll(t, "two streams", cat(xa, xb), cat(a, b))
	decodeAll(t, "streams with padding between and after", cat(xa, zeros(4), xb, zeros(12)), cat(a, b))
	decodeAll(t, "an empty stream between", cat(xa, xe, zeros(8), xe, xb), cat(a, b))
	decodeAll(t, "only empty streams", cat(xe, xe), nil)

	// SingleStream stops after the first and ignores the rest.
	for _, tail := range [][]byte{xb, {1, 2, 3, 4}, {9}} {
		got, err := xz.Config{SingleStream: true}.Decode(cat(xa, tail))
		if err != nil || !bytes.Equal(got, a) {
			t.Errorf("SingleStream with a %d-byte tail: %d bytes, %v; want the first stream's %d", len(tail), len(got), err, len(a))
		}
	}
}

// TestXZUtilsAgrees runs "xz -dc" itself on concatenations, to show that
// the cases above expect what XZ Utils does.
func TestXZUtilsAgrees(t *testing.T) {
	xzPath := needXZ(t)
	a := textInput(10<<10, 9)
	src := bytes.Join([][]byte{runXZ(t, a), make([]byte, 8), runXZ(t, a, "--check=none")}, nil)
	cmd := exec.Command(xzPath, "-dc")
	cmd.Stdin = bytes.NewReader(src)
	out, err := cmd.Output()
	if err != nil || !bytes.Equal(out, append(a, a...)) {
		t.Fatalf("xz -dc on two padded streams: %d bytes, %v", len(out), err)
	}
}

func TestLZMAFormat(t *testing.T) {
	needXZ(t)
	text := textInput(400<<10, 10)
	for _, args := range [][]string{{"-6"}, {"-0"}, {"-9e"}, {"--lzma1=preset=6,lc=0,lp=4,pb=4"}, {"--lzma1=preset=3,dict=4KiB"}} {
		src := runXZ(t, text, append([]string{"--format=lzma"}, args...)...)
		got, err := xz.DecodeLZMA(src)
		if err != nil || !bytes.Equal(got, text) {
			t.Errorf("xz --format=lzma %s: %d bytes, %v; want the %d put in", strings.Join(args, " "), len(got), err, len(text))
		}
		// Piped, xz writes the size as unknown and ends with the end
		// marker. With a known size (header patched, marker kept) and a
		// trailer after it, as the kernel build appends, it still decodes.
		known := bytes.Clone(src)
		for i := range 8 {
			known[5+i] = byte(uint64(len(text)) >> (8 * i))
		}
		got, err = xz.DecodeLZMA(append(known, 1, 2, 3, 4))
		if err != nil || !bytes.Equal(got, text) {
			t.Errorf("known size %s: %d bytes, %v", strings.Join(args, " "), len(got), err)
		}
	}
	if _, err := xz.DecodeLZMA(runXZ(t, text, "--format=lzma")[:1000]); !errors.Is(err, xz.ErrTruncated) {
		t.Errorf("truncated .lzma: %v, want ErrTruncated", err)
	}
}

// A truncated .lzma of unknown size costs what its input can give, not the
// output limit: with code bytes of zero every bit decodes as 0, a literal
// zero byte each time, and nothing in the data ever fails. DecodeLZMA once
// started with a 1 MiB buffer and decoded up to 4 MiB past the end of the
// input before it looked; an 18-byte input took 70-150 ms in the fuzzer.
func TestLZMATruncatedIsCheap(t *testing.T) {
	src := []byte{0x5d, 0, 0x10, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	out, err := xz.DecodeLZMA(src)
	runtime.ReadMemStats(&after)
	if out != nil || !errors.Is(err, xz.ErrTruncated) {
		t.Fatalf("%d bytes, %v; want ErrTruncated", len(out), err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 256<<10 {
		t.Errorf("DecodeLZMA allocated %d bytes for an %d-byte input", n, len(src))
	}
}
