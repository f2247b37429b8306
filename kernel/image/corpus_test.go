package image_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the committed fuzz seed corpora in testdata/fuzz")

func writeSeed(t *testing.T, target, name string, data []byte) {
	t.Helper()
	dir := filepath.Join("testdata", "fuzz", target)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", data)
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestUpdateFuzzCorpus regenerates testdata/fuzz with -update: a small
// bzImage per compression with a Go encoder, and ELF files whole and cut.
func TestUpdateFuzzCorpus(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite testdata/fuzz")
	}
	elf, _ := fakeKernel(t, 256, 10)
	for _, c := range []string{"gzip", "lz4", "zstd", "xz"} {
		img := buildBzImage(bzImageHeader{setupSects: 1, version: 0x020f, payloadOffset: 0x10}, compressWith(t, c, elf))
		writeSeed(t, "FuzzLoad", "bzimage-"+c, img)
	}
	writeSeed(t, "FuzzLoad", "elf", elf)
	writeSeed(t, "FuzzOpenELF", "elf", elf)
	writeSeed(t, "FuzzOpenELF", "elf-cut", elf[:len(elf)-300])
}
