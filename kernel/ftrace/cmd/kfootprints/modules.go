package main

import (
	"bytes"
	"debug/elf"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
)

// moduleIndex maps module names (dashes as underscores, as the kernel
// names them) to .ko files under a lib/modules/ABI directory.
type moduleIndex map[string]string

func indexModules(dir string) (moduleIndex, error) {
	ix := moduleIndex{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".ko") {
			ix[modName(filepath.Base(path))] = path
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(ix) == 0 {
		return nil, fmt.Errorf("%s: no .ko files (Debian packages them uncompressed; extract lib/modules from the .deb)", dir)
	}
	return ix, nil
}

func modName(file string) string {
	return strings.ReplaceAll(strings.TrimSuffix(file, ".ko"), "-", "_")
}

// modinfo returns the key=value strings of a module's .modinfo section.
func modinfo(path string) (map[string]string, error) {
	f, err := elf.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer f.Close()
	sec := f.Section(".modinfo")
	if sec == nil {
		return nil, fmt.Errorf("%s: no .modinfo section", path)
	}
	b, err := sec.Data()
	if err != nil {
		return nil, fmt.Errorf("%s: .modinfo: %w", path, err)
	}
	info := map[string]string{}
	for _, kv := range bytes.Split(b, []byte{0}) {
		if k, v, ok := strings.Cut(string(kv), "="); ok {
			if _, seen := info[k]; !seen {
				info[k] = v
			}
		}
	}
	return info, nil
}

// loadOrder returns the .ko files to load for want, dependencies first
// (modinfo's depends=, as depmod reads it), each once.
func (ix moduleIndex) loadOrder(want []string, release string) ([]string, error) {
	var order []string
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(name string, from string) error
	visit = func(name, from string) error {
		switch state[name] {
		case 1:
			return fmt.Errorf("module dependency cycle through %s", name)
		case 2:
			return nil
		}
		path, ok := ix[name]
		if !ok {
			if from != "" {
				return fmt.Errorf("module %s (needed by %s) not found", name, from)
			}
			return fmt.Errorf("module %s not found", name)
		}
		state[name] = 1
		info, err := modinfo(path)
		if err != nil {
			return err
		}
		if vm := strings.Fields(info["vermagic"]); release != "" && (len(vm) == 0 || vm[0] != release) {
			return fmt.Errorf("%s: vermagic %q, want kernel %s", path, info["vermagic"], release)
		}
		if deps := info["depends"]; deps != "" {
			for _, d := range strings.Split(deps, ",") {
				if err := visit(modName(d), name); err != nil {
					return err
				}
			}
		}
		state[name] = 2
		order = append(order, path)
		return nil
	}
	for _, w := range want {
		if err := visit(modName(w), ""); err != nil {
			return nil, err
		}
	}
	return order, nil
}
