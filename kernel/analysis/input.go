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
	"time"

	"github.com/klauspost/compress/zstd"

	"sysweight/internal/xz"
	"sysweight/kernel/debpkg"
	imagePkg "sysweight/kernel/image"
)

// ErrNoModules means a modules directory holds no kernel module.
var ErrNoModules = errors.New("no kernel modules (*.ko, *.ko.xz, *.ko.zst, *.ko.gz)")

// ErrNoImage means a package holds no kernel image (boot/vmlinuz-*).
var ErrNoImage = errors.New("no kernel image (boot/vmlinuz-*) in the package")

// IsDeb tells whether the file at path is a Debian package (an ar archive
// whose first member is debian-binary).
func IsDeb(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var b [8 + 16]byte
	if _, err := io.ReadFull(f, b[:]); err != nil {
		return false
	}
	return string(b[:8]) == "!<arch>\n" && strings.HasPrefix(string(b[8:]), "debian-binary")
}

// AnalyzePath analyses what a user names: a Debian kernel package (its
// image and modules), or an image with the modules under modulesDir ("":
// none).
func AnalyzePath(path, modulesDir string, opt Options) (*Report, error) {
	if IsDeb(path) {
		if modulesDir != "" {
			return nil, fmt.Errorf("%s is a package and brings its own modules (drop --modules)", path)
		}
		return AnalyzeDeb(path, opt)
	}
	if modulesDir != "" {
		mods, err := ReadModules(modulesDir)
		if err != nil {
			return nil, err
		}
		opt.Modules = append(opt.Modules, mods...)
	}
	return AnalyzeFile(path, opt)
}

// AnalyzeDeb analyses a Debian kernel package: its boot/vmlinuz-* and
// every module under lib/modules/*/kernel. Kernel.File and SHA256 name the
// package; Kernel.Package is its Package and Version fields.
func AnalyzeDeb(path string, opt Options) (*Report, error) {
	start := time.Now()
	sum := make(chan hashResult, 1)
	go func() { sum <- hashFile(path) }()
	pkg, err := debpkg.ReadFile(path, func(name string) bool {
		return strings.HasPrefix(name, "boot/vmlinuz-") || strings.HasPrefix(name, "lib/modules/") && IsModuleName(name)
	})
	if err != nil {
		<-sum
		return nil, err
	}
	var image []byte
	var imageName string
	var mods []ModuleFile
	for _, f := range pkg.Files {
		switch {
		case strings.HasPrefix(f.Name, "boot/vmlinuz-"):
			if image != nil {
				<-sum
				return nil, fmt.Errorf("%s: two kernel images (%s, %s)", path, imageName, f.Name)
			}
			image, imageName = f.Data, f.Name
		default:
			d, err := DecompressModule(path+": "+f.Name, f.Data)
			if err != nil {
				<-sum
				return nil, err
			}
			mods = append(mods, ModuleFile{Path: f.Name, Data: d})
		}
	}
	if image == nil {
		<-sum
		return nil, fmt.Errorf("%s: %w", path, ErrNoImage)
	}
	opt.Modules = append(opt.Modules, mods...)
	im, err := imagePkg.Load(bytes.NewReader(image), int64(len(image)))
	if err != nil {
		<-sum
		return nil, fmt.Errorf("%s: %s: %w", path, imageName, err)
	}
	defer im.Close()
	read := time.Since(start)
	r, err := Analyze(im, opt)
	h := <-sum
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if h.err != nil {
		return nil, h.err
	}
	r.Kernel.File, r.Kernel.SHA256 = filepath.Base(path), h.sum
	r.Kernel.Package = strings.TrimSpace(pkg.Control["Package"] + " " + pkg.Control["Version"])
	r.phases = append([]Phase{{"read package", read}}, r.phases...)
	return r, nil
}

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
		out, err := xz.Config{MaxOutput: maxModule}.Decode(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return out, nil
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
