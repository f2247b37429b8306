package analysis

import (
	"bufio"
	"compress/gzip"
	"debug/dwarf"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
)

// ErrBadFileMap is matched by every error about a malformed FileMap text.
var ErrBadFileMap = errors.New("bad file map")

// FileMap maps functions to the source files that define them, from the
// DWARF of an unstripped (-dbg) vmlinux: each DW_TAG_subprogram with code
// (DW_AT_low_pc or DW_AT_ranges) gives its address and the file of its
// DW_AT_decl_file, following DW_AT_abstract_origin and DW_AT_specification
// for out-of-line copies of inline functions. Paths are relative to the
// kernel source tree ("net/ipv4/tcp.c"), as the kernel CNA's programFiles
// are.
//
// Inlined lists, from the same DWARF, which functions have a copy of
// another inlined into them (DW_TAG_inlined_subroutine under a
// subprogram with code): a static function the compiler inlined
// everywhere has no symbol, and a CVE naming it is placed through the
// functions that hold it.
type FileMap struct {
	Source  string      // provenance: the input it was read from
	Entries []FileEntry // by address, then name
	Inlined []Inline    // by name, then into; no duplicates
}

// Inline is one inlining: a copy of function Name, declared in File
// ("include/linux/mm.h"; "" when DWARF does not say), is in function Into.
type Inline struct {
	Name, File, Into string
}

// FileEntry places one function: Addr is the start of one of its address
// ranges (a gcc-split foo.cold has its own).
type FileEntry struct {
	Addr uint64
	Name string // DW_AT_name, without the .isra.0/.cold suffix of symbols
	File string
}

// LoadFileMap reads a file map from path: the DWARF of an ELF vmlinux, or
// the compact text that WriteTo writes (plain or gzip-compressed).
func LoadFileMap(p string) (*FileMap, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var magic [4]byte
	n, _ := f.ReadAt(magic[:], 0)
	var m *FileMap
	if n == 4 && string(magic[:]) == elf.ELFMAG {
		m, err = ReadDWARF(f)
		if m != nil {
			m.Source = path.Base(p)
		}
	} else {
		m, err = ReadFileMap(f)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return m, nil
}

// ReadDWARF builds a FileMap from an ELF's DWARF. It walks the top-level
// entries of each compile unit and, under each subprogram with code, its
// DW_TAG_inlined_subroutine entries; on the Debian 6.1 -dbg vmlinux
// (150 MB of .debug_info) `kernel analyze --dwarf` takes about 6 s and
// 530 MB (1.5 s and 300 MB without, 2026-12-06, one run).
func ReadDWARF(r io.ReaderAt) (m *FileMap, err error) {
	defer func() {
		if p := recover(); p != nil { // debug/elf and debug/dwarf are not hardened
			m, err = nil, fmt.Errorf("malformed ELF or DWARF: %v", p)
		}
	}()
	f, err := elf.NewFile(r)
	if err != nil {
		return nil, fmt.Errorf("reading ELF: %w", err)
	}
	d, err := f.DWARF()
	if err != nil {
		return nil, fmt.Errorf("reading DWARF: %w", err)
	}
	type decl struct {
		name string
		file int64
		ok   bool
	}
	type pending struct {
		starts []uint64
		origin dwarf.Offset
	}
	type pendingInline struct {
		origin, into, intoOrigin dwarf.Offset
	}
	var (
		raw     []FileEntry
		cuNames []string
		inlined []Inline
		inl     []pendingInline
	)
	rd := d.Reader()
	for {
		cu, err := rd.Next()
		if err != nil {
			return nil, fmt.Errorf("reading DWARF: %w", err)
		}
		if cu == nil {
			break
		}
		if cu.Tag != dwarf.TagCompileUnit {
			rd.SkipChildren()
			continue
		}
		var files []*dwarf.LineFile
		if lr, err := d.LineReader(cu); err == nil && lr != nil {
			files = lr.Files()
		}
		if name, ok := cu.Val(dwarf.AttrName).(string); ok {
			if dir, ok := cu.Val(dwarf.AttrCompDir).(string); ok && !path.IsAbs(name) {
				name = path.Join(dir, name)
			}
			cuNames = append(cuNames, name)
		}
		decls := map[dwarf.Offset]decl{}
		var todo []pending
		for cu.Children {
			e, err := rd.Next()
			if err != nil {
				return nil, fmt.Errorf("reading DWARF: %w", err)
			}
			if e == nil || e.Tag == 0 {
				break
			}
			if e.Tag != dwarf.TagSubprogram {
				if e.Children {
					rd.SkipChildren()
				}
				continue
			}
			name, _ := e.Val(dwarf.AttrName).(string)
			file, hasFile := e.Val(dwarf.AttrDeclFile).(int64)
			decls[e.Offset] = decl{name, file, name != "" && hasFile}
			starts := codeStarts(d, e)
			origin, _ := e.Val(dwarf.AttrAbstractOrigin).(dwarf.Offset)
			if origin == 0 {
				origin, _ = e.Val(dwarf.AttrSpecification).(dwarf.Offset)
			}
			if e.Children {
				if len(starts) == 0 {
					rd.SkipChildren()
				} else if err := inlinedIn(rd, func(o dwarf.Offset) {
					inl = append(inl, pendingInline{o, e.Offset, origin})
				}); err != nil {
					return nil, fmt.Errorf("reading DWARF: %w", err)
				}
			}
			if len(starts) == 0 {
				continue
			}
			if name == "" || !hasFile {
				todo = append(todo, pending{starts, origin})
				continue
			}
			for _, a := range starts {
				raw = append(raw, FileEntry{Addr: a, Name: name, File: lineFile(files, file)})
			}
		}
		// Origins may come after their concrete copies; resolve them at
		// the end of the unit (they are in the same unit without LTO).
		for _, p := range todo {
			dc, ok := decls[p.origin]
			if !ok || !dc.ok {
				continue
			}
			for _, a := range p.starts {
				raw = append(raw, FileEntry{Addr: a, Name: dc.name, File: lineFile(files, dc.file)})
			}
		}
		for _, p := range inl {
			into := decls[p.into].name
			if into == "" {
				into = decls[p.intoOrigin].name
			}
			if dc := decls[p.origin]; dc.name != "" && into != "" && dc.name != into {
				file := ""
				if dc.ok {
					file = lineFile(files, dc.file)
				}
				inlined = append(inlined, Inline{Name: dc.name, File: file, Into: into})
			}
		}
		inl = inl[:0]
	}
	root := sourceRoot(cuNames)
	m = &FileMap{Entries: raw, Inlined: inlined}
	for i := range m.Entries {
		m.Entries[i].File = relPath(root, m.Entries[i].File)
	}
	for i := range m.Inlined {
		if m.Inlined[i].File != "" {
			m.Inlined[i].File = relPath(root, m.Inlined[i].File)
		}
	}
	m.sort()
	return m, nil
}

// inlinedIn reads the children of the entry rd has just returned, to its
// end, and calls yield with the abstract origin of every
// DW_TAG_inlined_subroutine among them, at any depth.
func inlinedIn(rd *dwarf.Reader, yield func(origin dwarf.Offset)) error {
	for depth := 1; depth > 0; {
		e, err := rd.Next()
		if err != nil {
			return err
		}
		if e == nil {
			return nil
		}
		if e.Tag == 0 {
			depth--
			continue
		}
		if e.Tag == dwarf.TagInlinedSubroutine {
			if o, ok := e.Val(dwarf.AttrAbstractOrigin).(dwarf.Offset); ok {
				yield(o)
			}
		}
		if e.Children {
			depth++
		}
	}
	return nil
}

// codeStarts returns the start address of each of a subprogram's code
// ranges; none for a declaration or an abstract inline instance.
func codeStarts(d *dwarf.Data, e *dwarf.Entry) []uint64 {
	if lo, ok := e.Val(dwarf.AttrLowpc).(uint64); ok {
		return []uint64{lo}
	}
	if e.Val(dwarf.AttrRanges) == nil {
		return nil
	}
	rs, err := d.Ranges(e)
	if err != nil {
		return nil
	}
	out := make([]uint64, 0, len(rs))
	for _, r := range rs {
		out = append(out, r[0])
	}
	return out
}

func lineFile(files []*dwarf.LineFile, i int64) string {
	if i < 0 || i >= int64(len(files)) || files[i] == nil {
		return ""
	}
	return files[i].Name
}

// sourceRoot is the longest directory prefix shared by the compile units:
// the kernel tree (generated files under a build directory inside it share
// it too).
func sourceRoot(names []string) string {
	if len(names) == 0 {
		return ""
	}
	root := path.Dir(names[0])
	for _, n := range names[1:] {
		for root != "/" && root != "." && !strings.HasPrefix(n, root+"/") {
			root = path.Dir(root)
		}
	}
	if root == "/" || root == "." {
		return ""
	}
	return root + "/"
}

func relPath(root, p string) string {
	if root != "" {
		p = strings.TrimPrefix(p, root)
	}
	return cleanPath(p)
}

// cleanPath normalises a source path: no "./", no "a/../".
func cleanPath(p string) string {
	if p == "" {
		return ""
	}
	c := path.Clean(p)
	return strings.TrimPrefix(c, "./")
}

func (m *FileMap) sort() {
	slices.SortFunc(m.Entries, func(a, b FileEntry) int {
		if a.Addr != b.Addr {
			return cmpU64(a.Addr, b.Addr)
		}
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.File, b.File)
	})
	m.Entries = slices.Compact(m.Entries)
	slices.SortFunc(m.Inlined, func(a, b Inline) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		if c := strings.Compare(a.Into, b.Into); c != 0 {
			return c
		}
		return strings.Compare(a.File, b.File)
	})
	m.Inlined = slices.Compact(m.Inlined)
}

func cmpU64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// resolve gives each graph function its file: the entry at its address
// whose name is the symbol's, cut at its first '.'. It returns the files by
// function and how many functions matched.
func (m *FileMap) resolve(g *Graph) ([]string, int) {
	if !slices.IsSortedFunc(m.Entries, func(a, b FileEntry) int { return cmpU64(a.Addr, b.Addr) }) {
		c := FileMap{Entries: slices.Clone(m.Entries)}
		c.sort()
		m = &c
	}
	files := make([]string, len(g.prog.Functions))
	matched := 0
	for i, f := range g.prog.Functions {
		k, _ := slices.BinarySearchFunc(m.Entries, f.Addr, func(e FileEntry, a uint64) int { return cmpU64(e.Addr, a) })
		names := append([]string{f.Name}, f.Aliases...)
		for ; k < len(m.Entries) && m.Entries[k].Addr == f.Addr && files[i] == ""; k++ {
			for _, n := range names {
				if base, _, _ := strings.Cut(n, "."); base == m.Entries[k].Name {
					files[i] = m.Entries[k].File
					break
				}
			}
		}
		if files[i] != "" {
			matched++
		}
	}
	return files, matched
}

// The headers of the two versions of the text form: v2 adds the inlined
// section; ReadFileMap reads both.
const (
	fileMapHeaderV1 = "# sysweight file map v1"
	fileMapHeader   = "# sysweight file map v2"
)

// WriteTo writes the map as gzip-compressed text: a header, the source,
// the file names once each, then "ADDR FILE# NAME" per entry, then
// "inlined N" and "NAME FILE# INTO" per inlining.
func (m *FileMap) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	zw, err := gzip.NewWriterLevel(cw, gzip.BestCompression)
	if err != nil {
		return 0, err
	}
	bw := bufio.NewWriter(zw)
	idx := map[string]int{}
	var files []string
	for _, e := range m.Entries {
		if _, ok := idx[e.File]; !ok {
			idx[e.File] = len(files)
			files = append(files, e.File)
		}
	}
	for _, in := range m.Inlined {
		if _, ok := idx[in.File]; !ok {
			idx[in.File] = len(files)
			files = append(files, in.File)
		}
	}
	fmt.Fprintf(bw, "%s\nsource %s\nfiles %d\n", fileMapHeader, oneLine(m.Source), len(files))
	for _, f := range files {
		fmt.Fprintln(bw, f)
	}
	for _, e := range m.Entries {
		fmt.Fprintf(bw, "%x %d %s\n", e.Addr, idx[e.File], e.Name)
	}
	fmt.Fprintf(bw, "inlined %d\n", len(m.Inlined))
	for _, in := range m.Inlined {
		fmt.Fprintf(bw, "%s %d %s\n", in.Name, idx[in.File], in.Into)
	}
	if err := bw.Flush(); err != nil {
		return cw.n, err
	}
	if err := zw.Close(); err != nil {
		return cw.n, err
	}
	return cw.n, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func oneLine(s string) string { return strings.NewReplacer("\n", " ", "\r", " ").Replace(s) }

// maxFileMapLines bounds what ReadFileMap accepts (the Debian 6.1 map has
// about 45,000 entries).
const maxFileMapLines = 4 << 20

// ReadFileMap reads what WriteTo wrote, gzip-compressed or not.
func ReadFileMap(r io.Reader) (*FileMap, error) {
	br := bufio.NewReader(r)
	if head, _ := br.Peek(2); len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%w: gzip: %w", ErrBadFileMap, err)
		}
		defer zr.Close()
		br = bufio.NewReader(zr)
	}
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 0, 4096), 1<<16)
	line := 0
	next := func() (string, bool) {
		if !sc.Scan() {
			return "", false
		}
		line++
		return sc.Text(), true
	}
	bad := func(want, got string) error {
		if len(got) > 60 {
			got = got[:60]
		}
		return fmt.Errorf("%w: line %d: want %s, got %q", ErrBadFileMap, line, want, got)
	}
	s, ok := next()
	v2 := s == fileMapHeader
	if !ok || !v2 && s != fileMapHeaderV1 {
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBadFileMap, err)
		}
		return nil, bad("the header "+strconv.Quote(fileMapHeader), s)
	}
	m := &FileMap{}
	if s, ok = next(); !ok || !strings.HasPrefix(s, "source ") {
		return nil, bad(`"source TEXT"`, s)
	}
	m.Source = strings.TrimPrefix(s, "source ")
	s, ok = next()
	nf, err := strconv.Atoi(strings.TrimPrefix(s, "files "))
	if !ok || !strings.HasPrefix(s, "files ") || err != nil || nf < 0 || nf > maxFileMapLines {
		return nil, bad(`"files N"`, s)
	}
	files := make([]string, 0, min(nf, 1<<14))
	for range nf {
		if s, ok = next(); !ok {
			return nil, bad("a file name", "end of input")
		}
		files = append(files, s)
	}
	for {
		s, ok = next()
		if !ok {
			break
		}
		if line > maxFileMapLines {
			return nil, bad("at most "+strconv.Itoa(maxFileMapLines)+" lines", s)
		}
		if v2 && strings.HasPrefix(s, "inlined ") {
			if err := readInlined(m, s, files, next, bad); err != nil {
				return nil, err
			}
			break
		}
		f := strings.SplitN(s, " ", 3)
		if len(f) != 3 || f[2] == "" {
			return nil, bad(`"ADDR FILE# NAME"`, s)
		}
		addr, err1 := strconv.ParseUint(f[0], 16, 64)
		fi, err2 := strconv.Atoi(f[1])
		if err1 != nil || err2 != nil || fi < 0 || fi >= len(files) {
			return nil, bad(fmt.Sprintf("a hex address and a file number below %d", len(files)), s)
		}
		m.Entries = append(m.Entries, FileEntry{Addr: addr, Name: f[2], File: files[fi]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: line %d: %w", ErrBadFileMap, line+1, err)
	}
	if v2 && m.Inlined == nil {
		return nil, bad(`"inlined N"`, "end of input")
	}
	m.sort()
	return m, nil
}

// readInlined reads the inlined section of a v2 file map, from its
// "inlined N" line s to the end of the input.
func readInlined(m *FileMap, s string, files []string, next func() (string, bool), bad func(want, got string) error) error {
	n, err := strconv.Atoi(strings.TrimPrefix(s, "inlined "))
	if err != nil || n < 0 || n > maxFileMapLines {
		return bad(`"inlined N"`, s)
	}
	m.Inlined = make([]Inline, 0, min(n, 1<<16))
	for range n {
		s, ok := next()
		if !ok {
			return bad(`"NAME FILE# INTO"`, "end of input")
		}
		f := strings.Split(s, " ")
		if len(f) != 3 || f[0] == "" || f[2] == "" {
			return bad(`"NAME FILE# INTO"`, s)
		}
		fi, err := strconv.Atoi(f[1])
		if err != nil || fi < 0 || fi >= len(files) {
			return bad(fmt.Sprintf("a file number below %d", len(files)), s)
		}
		m.Inlined = append(m.Inlined, Inline{Name: f[0], File: files[fi], Into: f[2]})
	}
	if s, ok := next(); ok {
		return bad("the end of input after the inlined section", s)
	}
	return nil
}

// Files returns the source files the map names, sorted.
func (m *FileMap) Files() []string {
	set := map[string]bool{}
	for _, e := range m.Entries {
		set[e.File] = true
	}
	return sortedNames(set)
}
