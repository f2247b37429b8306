package analysis

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"sysweight/syscalls"
)

// Open analyses the kernel image at imagePath and, when dwarfPath names a
// -dbg vmlinux or a file map written by FileMap.WriteTo, gives its
// functions their source files (SetFileMap): the Graph the function and
// file methods of vuln/attrib/site read. On the stripped Debian 6.1
// bzImage it takes about 3 s on 2 cores; reading the DWARF adds about
// 25 s (a saved file map, well under 1 s).
func Open(imagePath, dwarfPath string) (*Report, error) {
	r, err := AnalyzeFile(imagePath, Options{})
	if err != nil {
		return nil, err
	}
	if dwarfPath != "" {
		m, err := LoadFileMap(dwarfPath)
		if err != nil {
			return nil, err
		}
		if n := r.SetFileMap(m); n == 0 {
			return nil, fmt.Errorf("%s: no function of %s found in it (another kernel build?)", dwarfPath, imagePath)
		}
	}
	return r, nil
}

// SetFileMap gives the call graph's functions their source files from m
// (matched by address and name) and returns how many matched. It needs the
// call graph; on a Report read from JSON it does nothing.
func (r *Report) SetFileMap(m *FileMap) int {
	if r.graph == nil || m == nil {
		return 0
	}
	files, n := m.resolve(r.graph)
	r.graph.setFiles(files)
	r.graph.inlined = inlinedMap(m.Inlined, func(name string) bool { return len(r.graph.byName[name]) > 0 })
	r.Summary.FunctionsWithFile = n
	if r.Functions != nil {
		for i := range r.Functions {
			r.Functions[i].File = files[i]
		}
	}
	return n
}

// Encode writes r as JSON: indented, with one line per syscall and per
// function, so that the committed report stays small and diffs by syscall.
func (r *Report) Encode(w io.Writer) error {
	head := *r
	head.Syscalls, head.Functions = nil, nil
	hb, err := json.MarshalIndent(struct {
		*Report
		Syscalls  []Syscall  `json:"syscalls,omitempty"`
		Functions []Function `json:"functions,omitempty"`
	}{Report: &head}, "", "  ")
	if err != nil {
		return err
	}
	var b bytes.Buffer
	b.Write(bytes.TrimSuffix(hb, []byte("\n}")))
	list := func(key string, n int, item func(i int) any) error {
		fmt.Fprintf(&b, ",\n  %q: [", key)
		for i := range n {
			lb, err := json.Marshal(item(i))
			if err != nil {
				return err
			}
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString("\n    ")
			b.Write(lb)
		}
		b.WriteString("\n  ]")
		return nil
	}
	if err := list("syscalls", len(r.Syscalls), func(i int) any { return r.Syscalls[i] }); err != nil {
		return err
	}
	if r.Functions != nil {
		if err := list("functions", len(r.Functions), func(i int) any { return r.Functions[i] }); err != nil {
			return err
		}
	}
	b.WriteString("\n}\n")
	_, err = w.Write(b.Bytes())
	return err
}

// LoadReport reads a Report written by Encode. It checks what the weight
// DB's build (vuln/registry.KernelFromReport) relies on: the architecture,
// the analysis version, known syscall names once each and non-negative
// figures. The Report has no call graph.
func LoadReport(rd io.Reader) (*Report, error) {
	var r Report
	dec := json.NewDecoder(rd)
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadReport, err)
	}
	if r.AnalysisVersion < 1 || r.AnalysisVersion > Version {
		return nil, fmt.Errorf("%w: analysis_version %d, want 1 to %d", ErrBadReport, r.AnalysisVersion, Version)
	}
	t, err := syscalls.ForArch(syscalls.Arch(r.Arch))
	if err != nil {
		return nil, fmt.Errorf("%w: arch %q: %w", ErrBadReport, r.Arch, err)
	}
	seen := map[string]bool{}
	for i, s := range r.Syscalls {
		if _, ok := t.Number(s.Name); !ok {
			return nil, fmt.Errorf("%w: syscalls[%d]: %q is not an %s syscall", ErrBadReport, i, s.Name, r.Arch)
		}
		if seen[s.Name] {
			return nil, fmt.Errorf("%w: syscalls[%d]: %s listed twice", ErrBadReport, i, s.Name)
		}
		seen[s.Name] = true
		if s.Reach < 0 || s.Complexity < 0 || s.ReachAll < s.Reach || s.ComplexityAll < s.Complexity || s.Shared < 0 || s.IndirectCalls < 0 {
			return nil, fmt.Errorf("%w: syscalls[%d] (%s): negative or inconsistent figures", ErrBadReport, i, s.Name)
		}
	}
	if len(r.Syscalls) == 0 {
		return nil, fmt.Errorf("%w: no syscalls", ErrBadReport)
	}
	return &r, nil
}
