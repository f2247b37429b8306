package image_test

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"

	"sysweight/internal/xz/xztest"
	"sysweight/kernel/image"
	"sysweight/kernel/kallsyms"
	"sysweight/kernel/kallsyms/kallsymstest"
)

const (
	textAddr   = 0xffffffff81000000
	rodataAddr = 0xffffffff82000000
)

// fakeKernel is a stripped vmlinux-like ELF: .text of textLen bytes of
// compressible code-like bytes, and a .rodata that holds kallsyms tables
// for nfuncs functions and a few fixed symbols. It returns the ELF and the
// symbols.
func fakeKernel(t testing.TB, textLen, nfuncs int) ([]byte, []kallsyms.Symbol) {
	t.Helper()
	syms := []kallsyms.Symbol{
		{Name: "fixed_percpu_data", Addr: 0, Type: 'A'},
		{Name: "_stext", Addr: textAddr, Type: 'T'},
		{Name: "_text", Addr: textAddr, Type: 'T'},
		{Name: "startup_64", Addr: textAddr, Type: 'T'},
	}
	for i := range nfuncs {
		typ := byte("Tt"[i%2])
		syms = append(syms, kallsyms.Symbol{Name: fmt.Sprintf("func_%d_%s", i, strings.Repeat("x", i%40)), Addr: textAddr + 0x40 + uint64(i)*0x30, Type: typ})
	}
	syms = append(syms, kallsyms.Symbol{Name: "_etext", Addr: textAddr + 0x40 + uint64(nfuncs)*0x30, Type: 'T'})
	tab, err := kallsymstest.Build(syms, rodataAddr+0x100, kallsymstest.Options{Layout: kallsymstest.Layout61, SeqsOfNames: true, AbsolutePercpu: true})
	if err != nil {
		t.Fatal(err)
	}
	rodata := append(make([]byte, 0x100), tab.Data...)
	r := rand.New(rand.NewPCG(5, 6))
	text := make([]byte, textLen)
	for i := 0; i < len(text); i++ {
		switch {
		case r.IntN(16) == 0 && i+5 <= len(text):
			// call rel32 to somewhere near: the operand's top byte is
			// 00 or ff, the shape the x86 BCJ filter rewrites.
			text[i] = 0xe8
			binary.LittleEndian.PutUint32(text[i+1:], uint32(int32(r.IntN(1<<20)-1<<19)))
			i += 4
		case r.IntN(8) == 0:
			text[i] = byte(r.Uint32())
		default:
			text[i] = 0x90
		}
	}
	elf := buildELF([]elfSection{
		{name: ".text", typ: shtProgbits, flags: shfAlloc | shfExec, addr: textAddr, data: text},
		{name: ".rodata", typ: shtProgbits, flags: shfAlloc, addr: rodataAddr, data: rodata},
		{name: ".bss", typ: shtNobits, flags: shfAlloc | shfWrite, addr: rodataAddr + 0x100000, data: make([]byte, 0x1000)},
	}, nil)
	return elf, syms
}

func compressWith(t testing.TB, c string, in []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	var w io.WriteCloser
	var err error
	switch c {
	case "gzip":
		w = gzip.NewWriter(&buf)
	case "xz":
		return sizeAppend(xztest.Compress(t, in), len(in))
	case "lzma":
		return sizeAppend(xztest.Compress(t, in, "--format=lzma"), len(in))
	case "zstd":
		w, err = zstd.NewWriter(&buf)
	case "lz4":
		lw := lz4.NewWriter(&buf)
		err = lw.Apply(lz4.LegacyOption(true))
		w = lw
	default:
		t.Fatalf("no Go encoder for %s", c)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(in); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if c == "gzip" {
		return buf.Bytes() // gzip carries its own size; the kernel appends none
	}
	return sizeAppend(buf.Bytes(), len(in))
}

func TestDecompress(t *testing.T) {
	elf, _ := fakeKernel(t, 64<<10, 600)
	big, _ := fakeKernel(t, 8<<20+4096, 600) // more than one 8 MiB lz4 legacy block
	cases := []struct {
		name string
		want image.Compression
		in   []byte
		make func(t *testing.T, in []byte) []byte
	}{
		{"gzip (Go)", image.CompressionGzip, elf, func(t *testing.T, in []byte) []byte { return compressWith(t, "gzip", in) }},
		{"xz (xz's defaults: CRC64, preset 6)", image.CompressionXZ, elf, func(t *testing.T, in []byte) []byte { return compressWith(t, "xz", in) }},
		{"xz --format=lzma", image.CompressionLZMA, elf, func(t *testing.T, in []byte) []byte { return compressWith(t, "lzma", in) }},
		{"zstd (Go)", image.CompressionZstd, elf, func(t *testing.T, in []byte) []byte { return compressWith(t, "zstd", in) }},
		{"lz4 legacy (Go)", image.CompressionLZ4, big, func(t *testing.T, in []byte) []byte { return compressWith(t, "lz4", in) }},
		// The commands the kernel build runs (scripts/Makefile.lib).
		{"gzip -n -9", image.CompressionGzip, elf, func(t *testing.T, in []byte) []byte { return runTool(t, in, "gzip", "-n", "-9") }},
		{"bzip2 -9", image.CompressionBzip2, elf, func(t *testing.T, in []byte) []byte {
			return sizeAppend(runTool(t, in, "bzip2", "-9"), len(in))
		}},
		{"lzma -9", image.CompressionLZMA, elf, func(t *testing.T, in []byte) []byte {
			return sizeAppend(runTool(t, in, "lzma", "-9"), len(in))
		}},
		{"xz --check=crc32 --lzma2", image.CompressionXZ, elf, func(t *testing.T, in []byte) []byte {
			return sizeAppend(runTool(t, in, "xz", "--check=crc32", "--lzma2=dict=1MiB"), len(in))
		}},
		{"lz4 -l -9", image.CompressionLZ4, elf, func(t *testing.T, in []byte) []byte {
			return sizeAppend(runTool(t, in, "lz4", "-l", "-9", "-c"), len(in))
		}},
		{"zstd -19 (the kernel uses -22 --ultra)", image.CompressionZstd, elf, func(t *testing.T, in []byte) []byte {
			return sizeAppend(runTool(t, in, "zstd", "-19", "-c"), len(in))
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			payload := c.make(t, c.in)
			out, got, err := image.Decompress(payload)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("compression %s, want %s", got, c.want)
			}
			if !bytes.Equal(out, c.in) {
				t.Fatalf("decompressed %d bytes differ from the %d put in", len(out), len(c.in))
			}
		})
	}
}

// TestBzImageEndToEnd runs a stripped kernel through lz4, a bzImage, Load and
// kallsyms recovery, and compares with the symbols it was built from.
func TestBzImageEndToEnd(t *testing.T) {
	elf, syms := fakeKernel(t, 64<<10, 600)
	payload := compressWith(t, "lz4", elf)
	hdr := bzImageHeader{setupSects: 0, version: 0x020f, payloadOffset: 0x2cc, prefAddress: 0x1000000, initSize: 0x3378000}
	img := buildBzImage(hdr, payload)

	bz, err := image.ParseBzImage(bytes.NewReader(img), int64(len(img)))
	if err != nil {
		t.Fatal(err)
	}
	// setup_sects 0 means 4 (boot.rst), so the protected-mode code is at
	// (4+1)*512 and the payload 0x2cc after it.
	want := image.BzImage{Version: 0x020f, SetupSects: 4, PayloadOffset: 5*512 + 0x2cc, PayloadLength: int64(len(payload)),
		PrefAddress: 0x1000000, InitSize: 0x3378000, Compression: image.CompressionLZ4}
	if *bz != want {
		t.Fatalf("header %+v, want %+v", *bz, want)
	}

	im, err := image.Load(bytes.NewReader(img), int64(len(img)))
	if err != nil {
		t.Fatal(err)
	}
	if im.Compression != image.CompressionLZ4 || im.BzImage == nil {
		t.Fatalf("Load: compression %s, bzImage %v", im.Compression, im.BzImage)
	}
	got, src, err := im.Vmlinux.Symbols()
	if err != nil {
		t.Fatal(err)
	}
	if src != image.SourceKallsyms || len(got) != len(syms) {
		t.Fatalf("%d symbols from %s, want %d from kallsyms", len(got), src, len(syms))
	}
	byName := map[string]kallsyms.Symbol{}
	for _, s := range got {
		byName[s.Name] = s
	}
	for _, s := range syms {
		g, ok := byName[s.Name]
		if !ok || g.Addr != s.Addr || g.Type != s.Type {
			t.Fatalf("%s: got %+v, want addr %#x type %c", s.Name, g, s.Addr, s.Type)
		}
	}
	// Sizes are the gaps to the next symbol: the functions are 0x30 apart.
	if s := byName["func_7_xxxxxxx"]; s.Size != 0x30 {
		t.Errorf("func_7 size %#x, want 0x30", s.Size)
	}
	funcs, src, err := im.Vmlinux.Functions()
	if err != nil || src != image.SourceKallsyms {
		t.Fatalf("Functions: %v from %s", err, src)
	}
	// All but fixed_percpu_data ('A') are text symbols.
	if len(funcs) != len(syms)-1 || funcs[0].Name == "fixed_percpu_data" {
		t.Errorf("Functions: %d symbols starting with %s, want %d text symbols", len(funcs), funcs[0].Name, len(syms)-1)
	}
	text, err := im.Vmlinux.Text()
	if err != nil {
		t.Fatal(err)
	}
	if text.Addr != textAddr || len(text.Data) != 64<<10 {
		t.Errorf(".text at %#x, %d bytes; want %#x, %d", text.Addr, len(text.Data), uint64(textAddr), 64<<10)
	}
	b, err := im.Vmlinux.ReadAddr(textAddr+0x10, 4)
	if err != nil || !bytes.Equal(b, text.Data[0x10:0x14]) {
		t.Errorf("ReadAddr = % x, %v; want % x", b, err, text.Data[0x10:0x14])
	}
}

func TestSymtab(t *testing.T) {
	const (
		stbLocal, stbGlobal, stbWeak = 0, 1, 2
		sttObject, sttFunc           = 1, 2
	)
	elf := buildELF([]elfSection{
		{name: ".text", typ: shtProgbits, flags: shfAlloc | shfExec, addr: textAddr, data: make([]byte, 0x100)},
		{name: ".rodata", typ: shtProgbits, flags: shfAlloc, addr: rodataAddr, data: make([]byte, 0x40)},
		{name: ".data", typ: shtProgbits, flags: shfAlloc | shfWrite, addr: rodataAddr + 0x1000, data: make([]byte, 0x40)},
		{name: ".bss", typ: shtNobits, flags: shfAlloc | shfWrite, addr: rodataAddr + 0x2000, data: make([]byte, 0x40)},
	}, []elfSym{
		{"do_sys_open", stbGlobal<<4 | sttFunc, 1, textAddr + 0x10, 0x20},
		{"helper", stbLocal<<4 | sttFunc, 1, textAddr + 0x40, 0x8},
		{"arch_weak", stbWeak<<4 | sttFunc, 1, textAddr + 0x80, 0x10},
		{"table", stbGlobal<<4 | sttObject, 2, rodataAddr, 0x10},
		{"counter", stbLocal<<4 | sttObject, 3, rodataAddr + 0x1000, 4},
		{"zeroed", stbGlobal<<4 | sttObject, 4, rodataAddr + 0x2000, 8},
		{"abs_sym", stbGlobal << 4, 0xfff1, 0x1234, 0},
	})
	v, err := image.OpenELF(bytes.NewReader(elf))
	if err != nil {
		t.Fatal(err)
	}
	funcs, err := v.FuncSymbols()
	if err != nil {
		t.Fatal(err)
	}
	wantFuncs := []kallsyms.Symbol{
		{Name: "do_sys_open", Addr: textAddr + 0x10, Size: 0x20, Type: 'T'},
		{Name: "helper", Addr: textAddr + 0x40, Size: 8, Type: 't'},
		{Name: "arch_weak", Addr: textAddr + 0x80, Size: 0x10, Type: 'W'},
	}
	if fmt.Sprint(funcs) != fmt.Sprint(wantFuncs) {
		t.Errorf("FuncSymbols = %v, want %v", funcs, wantFuncs)
	}
	sorted, src, err := v.Functions()
	if err != nil || src != image.SourceSymtab || len(sorted) != 3 || sorted[0].Name != "do_sys_open" || sorted[2].Name != "arch_weak" {
		t.Errorf("Functions = %v from %s, %v; want the 3 functions by address from symtab", sorted, src, err)
	}
	// The letters GNU nm prints for the same kinds of symbols.
	all, src, err := v.Symbols()
	if err != nil || src != image.SourceSymtab {
		t.Fatalf("Symbols: %v from %s", err, src)
	}
	wantType := map[string]byte{"table": 'R', "counter": 'd', "zeroed": 'B', "abs_sym": 'A'}
	for _, s := range all {
		if w, ok := wantType[s.Name]; ok && s.Type != w {
			t.Errorf("%s type %c, want %c", s.Name, s.Type, w)
		}
	}
}

func TestBadInput(t *testing.T) {
	elf, _ := fakeKernel(t, 4096, 600)
	good := buildBzImage(bzImageHeader{setupSects: 27, version: 0x020f, payloadOffset: 0x100}, compressWith(t, "gzip", elf))
	unknown := buildBzImage(bzImageHeader{setupSects: 27, version: 0x020f, payloadOffset: 0x100}, []byte("PK\x03\x04not a kernel"))
	lzo := buildBzImage(bzImageHeader{setupSects: 27, version: 0x020f, payloadOffset: 0x100}, []byte("\x89LZO\x00\r\n\x1a\n......"))
	old := append([]byte(nil), good...)
	old[0x206], old[0x207] = 0x04, 0x02 // protocol 2.04
	pastEnd := append([]byte(nil), good...)
	pastEnd[0x24f] = 0x7f // payload_length beyond the file
	cases := []struct {
		name string
		in   []byte
		is   error
		msg  string
	}{
		{"truncated ELF", elf[:100], nil, "reading ELF"},
		{"empty", nil, image.ErrUnknownFormat, ""},
		{"text file", []byte("hello, this is not a kernel image at all, but long enough to hold a boot header? no. "), image.ErrUnknownFormat, "magic 68 65 6c 6c 6f 2c 20 74 at offset 0"},
		{"unknown payload", unknown, image.ErrUnknownCompression, "magic 50 4b 03 04 6e 6f 74 20 at bzImage offset 0x3900"},
		{"lzo payload", lzo, image.ErrUnsupportedCompression, "lzo"},
		{"old protocol", old, nil, "boot protocol 2.04 has no payload fields"},
		{"payload past end", pastEnd, nil, "runs past the end"},
		{"truncated payload", good[:len(good)-4096-200], nil, "runs past the end"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := image.Load(bytes.NewReader(c.in), int64(len(c.in)))
			if err == nil {
				t.Fatal("no error")
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("err = %v, want %v", err, c.is)
			}
			if !strings.Contains(err.Error(), c.msg) {
				t.Errorf("err = %q, want it to contain %q", err, c.msg)
			}
		})
	}
	if _, err := image.Load(bytes.NewReader(good), int64(len(good))); err != nil {
		t.Errorf("the unbroken image fails: %v", err)
	}
}

// TestXZWithBCJ decodes what scripts/xz_wrap.sh makes for x86 ("xz --x86"),
// with the xz tool as the independent encoder; the fake .text is full of
// E8/E9 bytes for the BCJ filter to rewrite.
func TestXZWithBCJ(t *testing.T) {
	elf, _ := fakeKernel(t, 256<<10, 600)
	p := sizeAppend(runTool(t, elf, "xz", "--check=crc32", "--x86", "--lzma2=dict=1MiB"), len(elf))
	out, c, err := image.Decompress(p)
	if err != nil {
		t.Fatal(err)
	}
	if c != image.CompressionXZ || !bytes.Equal(out, elf) {
		t.Fatalf("%s: %d bytes, equal %v; want xz, the %d bytes put in", c, len(out), bytes.Equal(out, elf), len(elf))
	}
	// Another architecture's BCJ filter is named, not decoded.
	p = sizeAppend(runTool(t, elf, "xz", "--check=crc32", "--powerpc", "--lzma2=dict=1MiB"), len(elf))
	_, _, err = image.Decompress(p)
	if !errors.Is(err, image.ErrUnsupportedCompression) || !strings.Contains(err.Error(), "PowerPC BCJ") {
		t.Errorf("err = %v, want ErrUnsupportedCompression naming the powerpc BCJ filter", err)
	}
}

func FuzzLoad(f *testing.F) {
	elf, _ := fakeKernel(f, 512, 10)
	f.Add(buildBzImage(bzImageHeader{setupSects: 1, version: 0x020f, payloadOffset: 0x10}, compressWith(f, "gzip", elf)))
	f.Add(elf)
	f.Fuzz(func(t *testing.T, data []byte) {
		im, err := image.Load(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		_, _, _ = im.Vmlinux.Symbols()
		_, _ = im.Vmlinux.Text()
	})
}

func FuzzOpenELF(f *testing.F) {
	elf, _ := fakeKernel(f, 256, 10)
	f.Add(elf)
	f.Add(elf[:200])
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := image.OpenELF(bytes.NewReader(data))
		if err != nil {
			return
		}
		_, _, _ = v.Symbols()
		_, _ = v.Text()
	})
}

// A PT_LOAD header that claims far more bytes than the file holds costs what
// the file holds, not what it claims: Kallsyms once allocated p_filesz (here
// 512 MiB) before reading, and the fuzzer stalled on such headers.
func TestKallsymsLyingProgramHeader(t *testing.T) {
	le := binary.LittleEndian
	f := make([]byte, 64+56+64)
	copy(f, []byte{0x7f, 'E', 'L', 'F', 2, 1, 1})
	le.PutUint16(f[16:], 2)  // ET_EXEC
	le.PutUint16(f[18:], 62) // EM_X86_64
	le.PutUint32(f[20:], 1)
	le.PutUint64(f[32:], 64) // e_phoff
	le.PutUint16(f[52:], 64)
	le.PutUint16(f[54:], 56) // e_phentsize
	le.PutUint16(f[56:], 1)  // e_phnum
	ph := f[64:]
	le.PutUint32(ph[0:], 1)        // PT_LOAD
	le.PutUint64(ph[32:], 512<<20) // p_filesz
	le.PutUint64(ph[40:], 512<<20) // p_memsz
	v, err := image.OpenELF(bytes.NewReader(f))
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = v.Kallsyms()
	runtime.ReadMemStats(&after)
	if !errors.Is(err, kallsyms.ErrNoKallsyms) {
		t.Errorf("err = %v, want ErrNoKallsyms", err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Errorf("Kallsyms allocated %d bytes for a %d-byte file", n, len(f))
	}
}

// A zstd frame header that names a 500 MiB window (single segment, the
// content size as the window) over 10 bytes of data is refused before the
// decoder allocates the window: it once allocated 525 MB for these 17 bytes.
func TestZstdLyingWindow(t *testing.T) {
	frame := binary.LittleEndian.AppendUint64([]byte{0x28, 0xb5, 0x2f, 0xfd, 0xe0}, 500<<20)
	frame = append(frame, 0x53, 0, 0, 'a') // last block, RLE, 10 bytes of 'a'
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	out, _, err := image.Decompress(frame)
	runtime.ReadMemStats(&after)
	if out != nil || err == nil {
		t.Errorf("%d bytes, %v; want an error", len(out), err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Errorf("Decompress allocated %d bytes for a %d-byte frame", n, len(frame))
	}
}
