package main

// History mode (`gvisor-rules -history versions.txt -out DIR`): the Sentry
// and Gofer rules of runsc, with its defaults, at each gVisor version of
// versions.txt, for `sysweight history gvisor`. This module is pinned to
// one gVisor version, and gVisor's API changed over the years, so each
// version gets a module of its own in a work directory: the extractor
// under history/ (one walker for both of gVisor's rule models, read by
// reflection) with the sentry file of its era, built with the Go module
// proxy's copy of that version and an overlay of pkg/seccomp/seccomp.go
// whose Install records its arguments instead of installing a filter
// (overlayInstall). The eras:
//
//   - config: runsc/boot/filter/config.Rules exists (2024 on): called with
//     the platform's SeccompInfo, as this module's Generate does.
//   - ptrace, systrap: before it, runsc/boot/filter.Install(Options) is
//     called with runsc's default platform of that version and hands its
//     rules to the overlaid seccomp.Install.
//
// The gofer's rules come from runsc/fsgofer/filter.Install in every era.
// Each extractor runs twice; comparisons whose value differs between the
// two runs are the process's own PID and are widened (as pid.go does).
// A version that cannot be fetched, built or run is listed in
// DIR/failed.txt with the reason, and the others go on.

import (
	"bufio"
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/build/constraint"
	"go/parser"
	"go/printer"
	"go/token"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

//go:embed history/*.go model.go
var historyFS embed.FS

// historyVersion is one line of versions.txt: a label (the quarter) and
// a gVisor pseudo-version.
type historyVersion struct{ label, version string }

func readVersions(r io.Reader) ([]historyVersion, error) {
	var out []historyVersion
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 || !pseudoVersion.MatchString(f[1]) {
			return nil, fmt.Errorf("line %d: want LABEL PSEUDO-VERSION, got %q", n, line)
		}
		out = append(out, historyVersion{f[0], f[1]})
	}
	return out, sc.Err()
}

func runHistory(versionsFile, out, work string, log io.Writer) error {
	f, err := os.Open(versionsFile)
	if err != nil {
		return err
	}
	vs, err := readVersions(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", versionsFile, err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	// out holds this run's files alone: genhistory reads every one.
	old, err := filepath.Glob(filepath.Join(out, "*.json"))
	if err != nil {
		return err
	}
	for _, f := range append(old, filepath.Join(out, "failed.txt")) {
		if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	var failed []string
	for _, v := range vs {
		start := time.Now()
		b, err := extractVersion(v.version, filepath.Join(work, v.version))
		if err == nil {
			err = os.WriteFile(filepath.Join(out, v.version+".json"), b, 0o644)
		}
		if err == nil {
			// The vendored tree is large; a failed one stays to be looked at.
			err = os.RemoveAll(filepath.Join(work, v.version))
		}
		if err != nil {
			msg := strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", " | ")
			if len(msg) > 600 {
				msg = msg[:600] + " …"
			}
			failed = append(failed, fmt.Sprintf("%s %s: %s", v.label, v.version, msg))
			fmt.Fprintf(log, "%s %s: FAILED after %s: %s\n", v.label, v.version, time.Since(start).Round(time.Second), msg)
			continue
		}
		fmt.Fprintf(log, "%s %s: done in %s\n", v.label, v.version, time.Since(start).Round(time.Second))
	}
	report := strings.Join(failed, "\n")
	if report != "" {
		report += "\n"
	}
	return os.WriteFile(filepath.Join(out, "failed.txt"), []byte(report), 0o644)
}

// goTool runs the go command in dir with the module proxy and the given
// extra environment.
func goTool(dir string, env []string, args ...string) ([]byte, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go %s: %w: %s", args[0], err, lastLines(stderr.String(), 8))
	}
	return b, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

var (
	platformFlag = regexp.MustCompile(`String\("platform", "([a-z]+)"`)
	directFSFlag = regexp.MustCompile(`Bool\("directfs", (true|false)`)
	goDirective  = regexp.MustCompile(`(?m)^go (\d+\.\d+)`)
)

// era reads, from a version's source, how its rules are reached and
// runsc's defaults there.
func era(src string) (name string, directFS bool, flags []string, err error) {
	flagSrc := ""
	for _, f := range []string{"runsc/config/flags.go", "runsc/main.go"} {
		if b, err := os.ReadFile(filepath.Join(src, f)); err == nil {
			flagSrc += string(b)
		}
	}
	m := platformFlag.FindStringSubmatch(flagSrc)
	if m == nil {
		return "", false, nil, errors.New("no default --platform in runsc/config/flags.go or runsc/main.go")
	}
	platform := m[1]
	flags = []string{"--platform=" + platform, "--network=sandbox"}
	if d := directFSFlag.FindStringSubmatch(flagSrc); d != nil {
		directFS = d[1] == "true"
		flags = append(flags, "--directfs="+d[1])
	}
	cfg, _ := os.ReadFile(filepath.Join(src, "runsc/boot/filter/config/config.go"))
	switch {
	case bytes.Contains(cfg, []byte("\nfunc Rules(")):
		if platform != "systrap" {
			return "", false, nil, fmt.Errorf("config era with default platform %s: only systrap is handled", platform)
		}
		return "config", directFS, flags, nil
	case platform == "ptrace" || platform == "systrap":
		return platform, directFS, flags, nil
	}
	return "", false, nil, fmt.Errorf("default platform %s is not handled", platform)
}

// rewriteInstall rewrites the file of the vendored pkg/seccomp in dir
// that declares Install (overlayInstall).
func rewriteInstall(dir string) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return err
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		if !bytes.Contains(src, []byte("\nfunc Install(")) && !bytes.Contains(src, []byte(" *Program) Install(")) {
			continue
		}
		over, err := overlayInstall(src)
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		return os.WriteFile(f, over, 0o644)
	}
	return errors.New("the vendored pkg/seccomp has no func Install")
}

// overlayInstall rewrites pkg/seccomp's file with Install so that it records
// its arguments in SysweightCaptured and returns nil; the original is
// kept under another name. Install's parameters changed over the years
// (rules; rules, denyRules; rules, denyRules, options), so they are read
// from the source.
func overlayInstall(src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "seccomp.go", src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	// Install is a function (rules, …) until 2026, then a method of
	// *Program, which holds the rule sets.
	var inst *ast.FuncDecl
	recv := ""
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Name.Name != "Install" {
			continue
		}
		if fd.Recv == nil {
			inst = fd
			continue
		}
		if st, ok := fd.Recv.List[0].Type.(*ast.StarExpr); ok && len(fd.Recv.List[0].Names) == 1 {
			if id, ok := st.X.(*ast.Ident); ok && id.Name == "Program" {
				inst, recv = fd, fd.Recv.List[0].Names[0].Name
			}
		}
	}
	if inst == nil {
		return nil, errors.New("no func Install or (*Program).Install")
	}
	var params, names []string
	for _, p := range inst.Type.Params.List {
		var t bytes.Buffer
		if err := printer.Fprint(&t, fset, p.Type); err != nil {
			return nil, err
		}
		for _, n := range p.Names {
			params = append(params, n.Name+" "+t.String())
			names = append(names, n.Name)
		}
	}
	inst.Name.Name = "sysweightOriginalInstall"
	var out bytes.Buffer
	if err := printer.Fprint(&out, fset, f); err != nil {
		return nil, err
	}
	head, args := "func Install(", strings.Join(names, ", ")
	if recv != "" {
		head, args = "func ("+recv+" *Program) Install(", recv
	}
	fmt.Fprintf(&out, `
// SysweightCaptured holds the arguments of each Install call (the
// program, for the method): rewritten by sysweight's tools/gvisor-rules
// -history, which reads gVisor's rules and installs nothing.
var SysweightCaptured [][]interface{}

// Install records its arguments.
%s%s) error {
	SysweightCaptured = append(SysweightCaptured, []interface{}{%s})
	return nil
}
`, head, strings.Join(params, ", "), args)
	return out.Bytes(), nil
}

// extractVersion builds and runs the extractor against gVisor version v
// in dir and returns the rule file.
func extractVersion(v, dir string) ([]byte, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	proxyEnv := []string{"GOFLAGS=-mod=mod", "GOTOOLCHAIN=local"}
	dl, err := goTool(dir, proxyEnv, "mod", "download", "-json", "gvisor.dev/gvisor@"+v)
	if err != nil {
		return nil, err
	}
	var mod struct{ Dir, GoMod, Error string }
	if err := json.Unmarshal(dl, &mod); err != nil {
		return nil, err
	}
	if mod.Error != "" {
		return nil, errors.New(mod.Error)
	}
	eraName, directFS, flags, err := era(mod.Dir)
	if err != nil {
		return nil, err
	}
	files := []string{"history/common.go"}
	switch eraName {
	case "config":
		files = append(files, "history/sentry_config.go")
	default:
		files = append(files, "history/sentry_legacy.go", "history/platform_"+eraName+".go")
	}
	for _, f := range append(files, "model.go") {
		b, err := historyFS.ReadFile(f)
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644); err != nil {
			return nil, err
		}
	}
	quoted := make([]string, len(flags))
	for i, fl := range flags {
		quoted[i] = fmt.Sprintf("%q", fl)
	}
	defaults := fmt.Sprintf("//go:build sysweight_gvisor_history\n\npackage main\n\n// runsc's defaults at %s (runsc/config/flags.go).\nconst directFS = %v\n\nvar runscFlags = []string{%s}\n",
		v, directFS, strings.Join(quoted, ", "))
	if err := os.WriteFile(filepath.Join(dir, "defaults.go"), []byte(defaults), 0o644); err != nil {
		return nil, err
	}
	goVersion := "1.13"
	if b, err := os.ReadFile(mod.GoMod); err == nil {
		if m := goDirective.FindSubmatch(b); m != nil {
			goVersion = string(m[1])
		}
	}
	// The extractor itself is Go 1.21 code (any, generic helpers); the
	// vendored gVisor keeps its own language version (modules.txt).
	if minor, err := strconv.Atoi(strings.TrimPrefix(goVersion, "1.")); err == nil && minor < 21 {
		goVersion = "1.21"
	}
	gomod := fmt.Sprintf("module gvisorhistory\n\ngo %s\n\nrequire gvisor.dev/gvisor %s\n", goVersion, v)
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		return nil, err
	}
	if _, err := goTool(dir, proxyEnv, "mod", "tidy", "-e"); err != nil {
		return nil, err
	}
	// tidy looks for a package the version lacks in later versions; the
	// build must be of v.
	got, err := goTool(dir, proxyEnv, "list", "-m", "-f", "{{.Version}}", "gvisor.dev/gvisor")
	if err != nil {
		return nil, err
	}
	if g := strings.TrimSpace(string(got)); g != v {
		return nil, fmt.Errorf("the extractor's packages are not all in this version (go mod tidy moved to %s): not a go-branch tree the go command can build", g)
	}
	// The module cache may not be overlaid, so the packages are vendored
	// and the vendored pkg/seccomp's Install rewritten.
	if _, err := goTool(dir, proxyEnv, "mod", "vendor", "-e"); err != nil {
		return nil, err
	}
	if err := rewriteInstall(filepath.Join(dir, "vendor", "gvisor.dev", "gvisor", "pkg", "seccomp")); err != nil {
		return nil, err
	}
	goRelease, uncapped, err := uncapGoVersions(filepath.Join(dir, "vendor", "gvisor.dev", "gvisor"))
	if err != nil {
		return nil, err
	}
	lang, err := raiseLanguage(filepath.Join(dir, "vendor", "modules.txt"))
	if err != nil {
		return nil, err
	}
	// gVisor links to runtime internals; Go 1.23 on refuses such links
	// unless told not to check them.
	if _, err := goTool(dir, []string{"GOFLAGS=-mod=vendor", "GOTOOLCHAIN=local"}, "build", "-tags", "sysweight_gvisor_history",
		"-ldflags=-checklinkname=0", "-o", "extractor", "."); err != nil {
		return nil, err
	}
	var runs [2]File
	for i := range runs { // two processes, two PIDs
		cmd := exec.Command(filepath.Join(dir, "extractor"))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("extractor: %w: %s", err, lastLines(stderr.String(), 8))
		}
		if err := json.Unmarshal(out, &runs[i]); err != nil {
			return nil, fmt.Errorf("extractor output: %w", err)
		}
	}
	file, err := widenPIDs(runs[0], runs[1])
	if err != nil {
		return nil, err
	}
	m := pseudoVersion.FindStringSubmatch(v)
	t, err := time.Parse("20060102150405", m[1])
	if err != nil {
		return nil, err
	}
	file.GVisor = Source{Module: gvisorModule, Version: v, Commit: m[2], Date: t.UTC().Format(time.RFC3339)}
	file.Notes = []string{
		"extracted by tools/gvisor-rules -history (" + eraName + " era): see history.go",
		"runsc defaults of this version: " + strings.Join(flags, " "),
	}
	if lang != "" {
		file.Notes = append(file.Notes, "built with Go 1.26: "+lang)
	}
	if uncapped > 0 {
		file.Notes = append(file.Notes, fmt.Sprintf("built with Go 1.26 as Go 1.%d, the newest release its build constraints allow, would build it: the goX.Y tags of %d files' constraints fixed (see uncapGoVersions)", goRelease, uncapped))
	}
	for fi := range file.Filters {
		for _, rules := range [][]Rule{file.Filters[fi].Deny, file.Filters[fi].Rules} {
			for ri := range rules {
				if rules[ri].Syscall, err = syscallName(rules[ri].Nr); err != nil {
					return nil, err
				}
			}
		}
	}
	for ai := range file.Approx {
		if file.Approx[ai].Syscall, err = syscallName(file.Approx[ai].Nr); err != nil {
			return nil, err
		}
	}
	return Marshal(&file)
}

// raiseLanguage compiles a vendored gVisor whose go.mod says go 1.20 at
// language version 1.21 (vendor/modules.txt): Go 1.21, which built it
// then, accepted partially instantiated generic functions in assignments
// (nvproxy) that later compilers refuse below 1.21. 1.21 changes no
// meaning of 1.20 code (the loop variable change is 1.22's). It says what
// it did, or "".
func raiseLanguage(modulesTxt string) (string, error) {
	b, err := os.ReadFile(modulesTxt)
	if err != nil {
		return "", err
	}
	lines := strings.Split(string(b), "\n")
	for i := 1; i < len(lines); i++ {
		if strings.HasPrefix(lines[i-1], "# gvisor.dev/gvisor ") && lines[i] == "## explicit; go 1.20" {
			lines[i] = "## explicit; go 1.21"
			return "gVisor's packages compiled at language version 1.21, not its go.mod's 1.20 (see raiseLanguage)",
				os.WriteFile(modulesTxt, []byte(strings.Join(lines, "\n")), 0o644)
		}
	}
	return "", nil
}

// uncapGoVersions builds a vendored gVisor under dir as the newest Go
// release its build constraints allow would: gVisor pinned its
// runtime-internal code (goroutine ids, sync's links into the runtime,
// gohacks) to the Go releases it had checked (`go1.12 && !go1.21`), with
// older variants beside (`go1.13 && !go1.14`), and only Go 1.26 is at
// hand. With P the newest release the constraints allow (one below the
// highest !go1.N), each goX.Y tag of a .go or .s file's constraints is
// fixed to its value for Go 1.P: a file for 1.P builds, the older
// variants do not. It returns P and how many files it changed; the code
// those files hold is not run by the extractor, which only computes rule
// values.
func uncapGoVersions(dir string) (p, n int, err error) {
	var files []string
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".s")) {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		return 0, 0, err
	}
	capRE := regexp.MustCompile(`!go1\.(\d+)`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return 0, 0, err
		}
		for _, m := range capRE.FindAllSubmatch(header(b), -1) {
			v, _ := strconv.Atoi(string(m[1]))
			p = max(p, v-1)
		}
	}
	if p == 0 {
		return 0, 0, nil
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return 0, 0, err
		}
		out, changed, err := fixGoTags(src, p)
		if err != nil {
			return 0, 0, fmt.Errorf("%s: %w", f, err)
		}
		if changed {
			n++
			if err := os.WriteFile(f, out, 0o644); err != nil {
				return 0, 0, err
			}
		}
	}
	return p, n, nil
}

// header is a file's text before its package clause (or a .s file's
// first code line): where build constraints may stand.
func header(src []byte) []byte {
	for i, l := range strings.SplitAfter(string(src), "\n") {
		t := strings.TrimSpace(l)
		if t != "" && !strings.HasPrefix(t, "//") && !strings.HasPrefix(t, "/*") && !strings.HasPrefix(t, "*") {
			return src[:len(strings.Join(strings.SplitAfter(string(src), "\n")[:i], ""))]
		}
	}
	return src
}

// fixGoTags rewrites one file's constraint lines: their conjunction with
// each go1.N tag fixed to N <= p, as one //go:build line (ignore when
// false), or none when true.
func fixGoTags(src []byte, p int) ([]byte, bool, error) {
	lines := strings.SplitAfter(string(src), "\n")
	hdr := len(strings.SplitAfter(string(header(src)), "\n")) - 1
	var exprs []constraint.Expr
	var idx []int
	hasGo := false
	for i := 0; i < hdr && i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		if !constraint.IsGoBuild(t) && !constraint.IsPlusBuild(t) {
			continue
		}
		e, err := constraint.Parse(t)
		if err != nil {
			return nil, false, err
		}
		hasGo = hasGo || strings.Contains(e.String(), "go1.")
		exprs, idx = append(exprs, e), append(idx, i)
	}
	if !hasGo {
		return src, false, nil
	}
	var all constraint.Expr
	val := 1
	seen := map[string]bool{} // a //go:build line and its +build twin
	for _, e := range exprs {
		f, v := fixGo(e, p)
		switch v {
		case 0:
			val = 0
		case -1:
			if seen[f.String()] {
				continue
			}
			seen[f.String()] = true
			if all == nil {
				all = f
			} else {
				all = &constraint.AndExpr{X: all, Y: f}
			}
		}
	}
	for _, i := range idx {
		lines[i] = ""
	}
	switch {
	case val == 0:
		lines[idx[0]] = "//go:build ignore\n"
	case all != nil:
		lines[idx[0]] = "//go:build " + all.String() + "\n"
	}
	return []byte(strings.Join(lines, "")), true, nil
}

// fixGo fixes e's go1.N tags to N <= p: v is 1 (true), 0 (false) or -1
// (the expression f, still depending on other tags).
func fixGo(e constraint.Expr, p int) (f constraint.Expr, v int) {
	switch e := e.(type) {
	case *constraint.TagExpr:
		if n, ok := strings.CutPrefix(e.Tag, "go1."); ok {
			if m, err := strconv.Atoi(n); err == nil {
				if m <= p {
					return nil, 1
				}
				return nil, 0
			}
		}
		return e, -1
	case *constraint.NotExpr:
		x, v := fixGo(e.X, p)
		if v >= 0 {
			return nil, 1 - v
		}
		return &constraint.NotExpr{X: x}, -1
	case *constraint.AndExpr:
		x, vx := fixGo(e.X, p)
		y, vy := fixGo(e.Y, p)
		switch {
		case vx == 0 || vy == 0:
			return nil, 0
		case vx == 1:
			return y, vy
		case vy == 1:
			return x, vx
		}
		return &constraint.AndExpr{X: x, Y: y}, -1
	case *constraint.OrExpr:
		x, vx := fixGo(e.X, p)
		y, vy := fixGo(e.Y, p)
		switch {
		case vx == 1 || vy == 1:
			return nil, 1
		case vx == 0:
			return y, vy
		case vy == 0:
			return x, vx
		}
		return &constraint.OrExpr{X: x, Y: y}, -1
	}
	return e, -1
}

// widenPIDs compares two runs of an extractor: every comparison whose
// value differs between them compares with the process's own PID (the
// only value that differs between two processes) and is widened to any
// value, with an approximation; nothing else may differ.
func widenPIDs(a, b File) (File, error) {
	if len(a.Filters) != len(b.Filters) {
		return File{}, errors.New("the two runs gave different filters")
	}
	for fi := range a.Filters {
		for _, half := range []struct{ x, y []Rule }{{a.Filters[fi].Deny, b.Filters[fi].Deny}, {a.Filters[fi].Rules, b.Filters[fi].Rules}} {
			if len(half.x) != len(half.y) {
				return File{}, fmt.Errorf("%s: the two runs gave %d and %d rules", a.Filters[fi].Name, len(half.x), len(half.y))
			}
			for ri := range half.x {
				rx, ry := &half.x[ri], half.y[ri]
				if rx.Syscall != ry.Syscall || len(rx.Alternatives) != len(ry.Alternatives) {
					return File{}, fmt.Errorf("%s: the two runs differ at %s", a.Filters[fi].Name, rx.Syscall)
				}
				for ai := range rx.Alternatives {
					var keep []Cond
					for ci, c := range rx.Alternatives[ai] {
						if ci >= len(ry.Alternatives[ai]) {
							return File{}, fmt.Errorf("%s: the two runs differ at %s", a.Filters[fi].Name, rx.Syscall)
						}
						if c == ry.Alternatives[ai][ci] {
							keep = append(keep, c)
							continue
						}
						a.Approx = append(a.Approx, Approx{Filter: a.Filters[fi].Name, Syscall: rx.Syscall, Nr: rx.Nr,
							Operand: fmt.Sprintf("arg%d", c.Arg), Matcher: "== self_pid",
							Reason: "compares with the runtime value self_pid (the process's own PID), known only in a running sandbox; widened to any value"})
					}
					if keep == nil {
						keep = []Cond{}
					}
					rx.Alternatives[ai] = keep
				}
				rx.Alternatives = simplify(rx.Alternatives)
			}
		}
	}
	a.Notes = nil
	return a, nil
}
