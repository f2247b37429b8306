package image_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"sysweight/kernel/image"
	"sysweight/kernel/kallsyms"

	"sysweight/internal/kerneltest"
)

// realKernel is the cached Debian kernel (internal/kerneltest): the
// bzImage from linux-image-*-unsigned and the unstripped vmlinux from the
// matching -dbg package; the test skips, naming the make target, when they
// are absent.
func realKernel(tb testing.TB) (vmlinuz, vmlinux string) {
	return kerneltest.Vmlinuz(tb), kerneltest.Dbg(tb)
}

// TestRealDebianKernel recovers kallsyms from a stripped Debian bzImage and
// checks it against the -dbg package's .symtab, which the same build wrote:
// an independent record of every function's name and address.
func TestRealDebianKernel(t *testing.T) {
	vmlinuz, vmlinux := realKernel(t)
	start := time.Now()
	im, err := image.LoadFile(vmlinuz)
	if err != nil {
		t.Fatal(err)
	}
	defer im.Close()
	loaded := time.Since(start)
	tab, err := im.Vmlinux.Kallsyms()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %s bzImage, protocol %#x; decompress %v, kallsyms recovery %v; %d symbols",
		filepath.Base(vmlinuz), im.Compression, im.BzImage.Version, loaded, time.Since(start)-loaded, tab.NumSyms)

	dbg, err := image.LoadFile(vmlinux)
	if err != nil {
		t.Fatal(err)
	}
	defer dbg.Close()
	all, err := dbg.Vmlinux.SymtabSymbols()
	if err != nil {
		t.Fatal(err)
	}

	// The recovered tables must sit where the linker put the kallsyms_*
	// symbols of the -dbg vmlinux.
	at := map[string]uint64{}
	for _, s := range all {
		if strings.HasPrefix(s.Name, "kallsyms_") {
			at[s.Name] = s.Addr
		}
	}
	for name, got := range map[string]uint64{
		"kallsyms_offsets": tab.OffsetsAddr, "kallsyms_relative_base": tab.RelativeBaseAddr,
		"kallsyms_num_syms": tab.NumSymsAddr, "kallsyms_names": tab.NamesAddr,
		"kallsyms_markers": tab.MarkersAddr, "kallsyms_token_table": tab.TokenTableAddr,
		"kallsyms_token_index": tab.TokenIndexAddr, "kallsyms_seqs_of_names": tab.SeqsOfNamesAddr,
	} {
		if want, ok := at[name]; ok && got != want {
			t.Errorf("%s recovered at %#x, the -dbg .symtab says %#x", name, got, want)
		}
	}

	type key struct {
		name string
		addr uint64
	}
	recovered := map[key]bool{}
	for _, s := range tab.Symbols {
		recovered[key{s.Name, s.Addr}] = true
	}
	funcs, err := dbg.Vmlinux.FuncSymbols()
	if err != nil {
		t.Fatal(err)
	}
	var missed []string
	for _, f := range funcs {
		if !recovered[key{f.Name, f.Addr}] {
			missed = append(missed, f.Name)
		}
	}
	found := len(funcs) - len(missed)
	pct := 100 * float64(found) / float64(len(funcs))
	t.Logf("STT_FUNC symbols of the -dbg .symtab found by name at the same address: %d of %d (%.3f%%)", found, len(funcs), pct)
	if len(missed) > 0 {
		slices.Sort(missed)
		t.Logf("first misses: %v", missed[:min(len(missed), 20)])
	}
	if pct < 99 {
		t.Errorf("found %.3f%% of function symbols, want at least 99%%", pct)
	}
	inSymtab := map[key]bool{}
	for _, s := range all {
		inSymtab[key{s.Name, s.Addr}] = true
	}
	extra := 0
	for _, s := range tab.Symbols {
		if !inSymtab[key{s.Name, s.Addr}] {
			extra++
		}
	}
	t.Logf("recovered symbols not in the -dbg .symtab at that address: %d of %d", extra, len(tab.Symbols))

	// Decompression is checked the same way: .text of the stripped image
	// must be byte for byte the .text of the -dbg vmlinux.
	a, err := im.Vmlinux.Text()
	if err != nil {
		t.Fatal(err)
	}
	b, err := dbg.Vmlinux.Text()
	if err != nil {
		t.Fatal(err)
	}
	if a.Addr != b.Addr || !bytes.Equal(a.Data, b.Data) {
		t.Errorf(".text differs: %#x+%d bytes vs -dbg %#x+%d", a.Addr, len(a.Data), b.Addr, len(b.Data))
	}
	text, err := kallsyms.TextAddr(tab.Symbols)
	if err != nil || text != kallsyms.DefaultX86_64Text {
		t.Errorf("_text = %#x, %v; want %#x (CONFIG_PHYSICAL_START=0x1000000)", text, err, uint64(kallsyms.DefaultX86_64Text))
	}
}

// BenchmarkRealDecompressAndRecover times what "sysweight kernel analyze"
// does first on a stripped image: decompress the bzImage and recover
// kallsyms, each step alone and both.
func BenchmarkRealDecompressAndRecover(b *testing.B) {
	vmlinuz, _ := realKernel(b)
	raw, err := os.ReadFile(vmlinuz)
	if err != nil {
		b.Fatal(err)
	}
	load := func(b *testing.B) *image.Image {
		im, err := image.Load(bytes.NewReader(raw), int64(len(raw)))
		if err != nil {
			b.Fatal(err)
		}
		return im
	}
	b.Run("decompress", func(b *testing.B) {
		for b.Loop() {
			load(b)
		}
	})
	b.Run("recover", func(b *testing.B) {
		im := load(b)
		for b.Loop() {
			if _, err := im.Vmlinux.Kallsyms(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("both", func(b *testing.B) {
		for b.Loop() {
			if _, err := load(b).Vmlinux.Kallsyms(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
