package analysis

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// ErrNoModules means a modules directory holds no kernel module.
var ErrNoModules = errors.New("no kernel modules (*.ko, *.ko.xz, *.ko.zst, *.ko.gz)")

// maxModule bounds one module's uncompressed size (the largest Debian 6.1
// module is under 20 MiB).
const maxModule = 256 << 20

// ReadModules reads every kernel module under dir (any depth), in path
// order, decompressing .ko.xz, .ko.zst and .ko.gz.
func ReadModules(dir string) ([]ModuleFile, error) {
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && IsModuleName(p) {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("%s: %w", dir, ErrNoModules)
	}
	slices.Sort(paths)
	out := make([]ModuleFile, 0, len(paths))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		if b, err = DecompressModule(p, b); err != nil {
			return nil, err
		}
		out = append(out, ModuleFile{Path: p, Data: b})
	}
	return out, nil
}

// IsModuleName tells whether a file name is a kernel module's.
func IsModuleName(p string) bool {
	for _, ext := range []string{".ko", ".ko.xz", ".ko.zst", ".ko.gz"} {
		if strings.HasSuffix(p, ext) {
			return true
		}
	}
	return false
}

// DecompressModule undoes the compression its name says (Debian and
// upstream kbuild: CONFIG_MODULE_COMPRESS_{XZ,ZSTD,GZIP}).
func DecompressModule(name string, b []byte) ([]byte, error) {
	var r io.Reader
	var err error
	switch {
	case strings.HasSuffix(name, ".ko"):
		return b, nil
	case strings.HasSuffix(name, ".xz"):
		r, err = xz.NewReader(bytes.NewReader(b))
	case strings.HasSuffix(name, ".zst"):
		var d *zstd.Decoder
		d, err = zstd.NewReader(bytes.NewReader(b), zstd.WithDecoderConcurrency(1))
		if err == nil {
			defer d.Close()
			r = d
		}
	case strings.HasSuffix(name, ".gz"):
		r, err = gzip.NewReader(bytes.NewReader(b))
	default:
		return nil, fmt.Errorf("%s: not a kernel module name", name)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	out, err := io.ReadAll(io.LimitReader(r, maxModule+1))
	if err != nil {
		return nil, fmt.Errorf("%s: decompressing: %w", name, err)
	}
	if len(out) > maxModule {
		return nil, fmt.Errorf("%s: more than %d MiB uncompressed", name, maxModule>>20)
	}
	return out, nil
}
