package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"sysweight/internal/atomicfile"
	"sysweight/internal/infile"
	"sysweight/kernel/analysis"
	"sysweight/report"
	"sysweight/syscalls"
	"sysweight/vuln/attrib"
	"sysweight/vuln/attrib/site"
	"sysweight/vuln/build"
	"sysweight/vuln/db"
	"sysweight/vuln/registry"
)

func newDBCmd(g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "db",
		Short: "Build, update and inspect the weight database",
		Long: `The weight database holds per-syscall metrics and the CVE records and
evidence behind them. sysweight embeds a default DB; --db FILE uses another.`,
		Args: cobra.NoArgs, // "db bogus" is a usage error (exit 2), not a request for help
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	reg := registry.Default()
	cmd.AddCommand(newDBBuildCmd(g, reg), newDBInfoCmd(g), newDBUpdateCmd(g, reg))
	return cmd
}

type dbBuildOptions struct {
	reg                  registry.Registry
	feeds                map[string]*build.Input // by feed name: --FLAG, --FLAG-version, --FLAG-date
	tables               map[string]*string      // by flag: embedded, a file, or none
	kernelImage, fileMap string
	kernelMembers        string
	graphCache           string
	methods              string
	cache                string
	out                  string
	built                string
	timing               bool
}

// newDBBuildCmd is db build over reg's feeds and tables: a feed's flags,
// a table's flag.
func newDBBuildCmd(g *globalOptions, reg registry.Registry) *cobra.Command {
	o := &dbBuildOptions{reg: reg, feeds: map[string]*build.Input{}, tables: map[string]*string{}}
	cmd := &cobra.Command{
		Use:   "build --kernel-cna PATH [--kernel-cves PATH] --out FILE",
		Short: "Build a weight DB from feed data (deterministic)",
		Long: `Build a weight DB from the kernel CNA records (a directory in the vulns
repository layout, as 'db update' writes it, or a .tar.xz of that tree) and
optionally linux_kernel_cves JSON (plain or .xz). The same inputs always give
the same bytes: the recorded build time is --built, or the newest input date.
The output is written to a temporary file and renamed.`,
		Example: `  sysweight db build --kernel-cna ~/.cache/sysweight/kernel-cna --out weights.json
  sysweight db build --kernel-cna ../shared/data/kernel-cna/kernel-cna-cves-2026-08-21.tar.xz \
    --kernel-cna-version d9dda40c8f21 \
    --kernel-cves ../shared/data/kernel-cves/linux_kernel_cves-2023-01-27.json.xz \
    --kernel-cves-version 07180fb5 --out weights.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDBBuild(cmd.Context(), o, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.cache, "cache", "", "build from the feeds 'db update' downloaded into this directory")
	for _, fd := range o.reg.Feeds {
		in := &build.Input{}
		o.feeds[fd.Name] = in
		if fd.Flag != "" {
			f.StringVar(&in.Path, fd.Flag, "", fd.Usage)
			f.StringVar(&in.Version, fd.Flag+"-version", "", fd.VersionUsage)
			f.StringVar(&in.Date, fd.Flag+"-date", "", fd.DateUsage)
		}
	}
	for _, tb := range o.reg.Tables {
		o.tables[tb.Flag] = f.String(tb.Flag, "embedded", tb.Usage)
	}
	f.StringVar(&o.kernelImage, "kernel-image", "", "kernel image whose call graph the site and file methods follow")
	f.StringVar(&o.fileMap, "filemap", "", "function→file map or -dbg vmlinux, for the file method and for named sites")
	f.StringVar(&o.kernelMembers, "kernel-members", "", "a second kernel package (Debian's generic linux-image of the same version) whose methods the site method's member rule reads for bug sites --kernel-image lacks")
	f.StringVar(&o.graphCache, "graph-cache", defaultGraphCache(), "directory caching the kernel's reach index (none: no cache)")
	f.StringVar(&o.methods, "methods", "default", "attribution methods that count, joined by +: text, trace, uapi, site, dispatch, apart, file, function, sibling; default is "+site.DefaultMethods.String()+" (without --kernel-image, "+textMethods.String()+"); site, apart, file and function need --kernel-image")
	f.StringVar(&o.out, "out", "", "output file (required)")
	f.StringVar(&o.built, "built", "", "build time to record, RFC 3339 (default: the newest input date)")
	f.BoolVar(&o.timing, "timing", false, "print where the time went to stderr")
	return cmd
}

func runDBBuild(ctx context.Context, o *dbBuildOptions, stdout, stderr io.Writer) error {
	var required []string
	missing := o.out == ""
	for _, fd := range o.reg.Feeds {
		in := o.feeds[fd.Name]
		if o.cache != "" && in.Path == "" {
			if p := fd.Cached(o.cache); fd.Required || fileExists(p) {
				in.Path = p
			}
		}
		if fd.Required {
			required = append(required, "--"+fd.Flag)
			missing = missing || in.Path == ""
		}
	}
	if missing {
		return fmt.Errorf("db build needs %s (or --cache) and --out", strings.Join(required, " and "))
	}
	in := build.Inputs{Registry: &o.reg, Feeds: map[string]build.Input{}, Tables: map[string]*registry.Part{}}
	for _, fd := range o.reg.Feeds {
		fi := *o.feeds[fd.Name]
		if _, err := time.Parse(time.DateOnly, fi.Date); fi.Date != "" && err != nil {
			return fmt.Errorf("--%s-date %q: want a date YYYY-MM-DD", fd.Flag, fi.Date)
		}
		in.Feeds[fd.Name] = fi
	}
	for _, tb := range o.reg.Tables {
		p, err := loadTable(tb, *o.tables[tb.Flag])
		if err != nil {
			return err
		}
		if p != nil {
			in.Tables[tb.Flag] = p
		}
	}
	if err := o.kernelInputs(&in); err != nil {
		return err
	}
	if o.built != "" {
		t, err := time.Parse(time.RFC3339, o.built)
		if err != nil {
			return fmt.Errorf("--built %q: want RFC 3339, e.g. 2026-08-21T00:00:00Z", o.built)
		}
		in.Built = t
	}
	d, tm, err := build.Build(in, syscalls.MustForArch(syscalls.X86_64))
	if err != nil {
		return err
	}
	b := d.Sealed() // Build returns the DB as Assemble sealed it
	if b == nil {
		var buf bytes.Buffer
		if err := d.Encode(&buf); err != nil {
			return err
		}
		b = buf.Bytes()
	}
	if err := writeAtomic(ctx, o.out, b); err != nil {
		return envError{err}
	}
	if o.timing {
		graph := "0s (not needed)"
		if in.Prepare != nil {
			graph = fmt.Sprintf("%v (%s; beside the read)", tm.Prepare.Round(time.Millisecond), tm.PrepareNote)
		}
		fmt.Fprintf(stderr, "kernel graph %s, read %v (%s), attribute %v, assemble %v\n",
			graph, tm.Read.Round(time.Millisecond), strings.Join(tm.Notes, "; "),
			tm.Attribute.Round(time.Millisecond), tm.Assemble.Round(time.Millisecond))
	}
	n, err := d.CVECount()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %d CVEs attributed by %s, %s\n", o.out, n, strings.Join(d.Meta.Methods, "+"), d.Meta.Checksum)
	return nil
}

// writeAtomic writes data to a temporary file beside path and renames it,
// so a reader never sees half a file. Once ctx is cancelled (a signal) it
// renames nothing and removes the temporary file. Only a hard exit while it
// writes (main's watchdog, a second signal, SIGKILL) can leave the
// temporary file, .NAME.sysweight-PID.*, behind, with its final mode; the
// next writeAtomic of path removes those of processes no longer running.
// The data is synced before the rename, and the directory after it.
func writeAtomic(ctx context.Context, path string, data []byte) error {
	if err := ctx.Err(); err != nil {
		return context.Cause(ctx)
	}
	dir, base := filepath.Dir(path), filepath.Base(path)
	removeStaleTemps(dir, base)
	err := atomicfile.WriteWith(path, atomicfile.Options{
		Prefix: tempPrefix(base, os.Getpid()),
		Commit: func() error { return context.Cause(ctx) }, // nil until cancelled
	}, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
	if err != nil && ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return err
}

// tempPrefix names writeAtomic's temporary copy of base, written by pid:
// ".BASE.sysweight-PID.", then random characters.
func tempPrefix(base string, pid int) string {
	return "." + base + ".sysweight-" + strconv.Itoa(pid) + "."
}

// removeStaleTemps removes the temporary copies of base in dir that a
// writeAtomic of a process no longer running left (killed between the
// create and the rename).
func removeStaleTemps(dir, base string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := "." + base + ".sysweight-"
	for _, e := range ents {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		pidText, _, ok := strings.Cut(rest, ".")
		pid, err := strconv.Atoi(pidText)
		if !ok || err != nil || pid <= 0 || pid == os.Getpid() {
			continue
		}
		if _, err := os.Stat(filepath.Join("/proc", strconv.Itoa(pid))); os.IsNotExist(err) {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

func newDBInfoCmd(g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "info",
		Short: "Show the weight DB's metadata: schema, sources with versions, checksum",
		Long: `Show the weight DB's metadata.

JSON output: {"schema", "meta": {"built", "arch", "table", "metrics",
"methods", "sources": [{"name", "origin", "version", "date", "records",
"sha256"}], "kernel", "exploits", "notes", "checksum"}, "cves", "syscalls_with_cves"}`,
		Example: `  sysweight db info
  sysweight db info --db weights.json -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := g.outputFormat()
			if err != nil {
				return err
			}
			d, err := g.loadDB()
			if err != nil {
				return err
			}
			if _, err := d.CVECount(); err != nil {
				return g.dbError(err) // the records decode on first use
			}
			return presentDBInfo(cmd.OutOrStdout(), format, d)
		},
	}
}

// dbInfo is the JSON schema of db info.
type dbInfo struct {
	Schema   int     `json:"schema"`
	Meta     db.Meta `json:"meta"`
	CVEs     int     `json:"cves"`
	WithCVEs int     `json:"syscalls_with_cves"`
}

// infoOf gathers db info's value; report shows it too.
func infoOf(d *db.DB) (dbInfo, error) {
	ncves, err := d.CVECount()
	if err != nil {
		return dbInfo{}, err
	}
	with := 0
	for _, s := range d.Syscalls {
		if s.CVEs > 0 {
			with++
		}
	}
	return dbInfo{d.Schema, d.Meta, ncves, with}, nil
}

func presentDBInfo(w io.Writer, f report.Format, d *db.DB) error {
	info, err := infoOf(d)
	if err != nil {
		return err
	}
	if f == report.JSON {
		return report.WriteJSON(w, info)
	}
	ncves, with := info.CVEs, info.WithCVEs
	var note strings.Builder
	m := d.Meta
	fmt.Fprintf(&note, "schema %d, built %s, %s\ntable: %s\nmetrics: %v (attribution: %v)\n%d attributed CVEs; %d of %d syscalls have at least one\n",
		d.Schema, m.Built, m.Checksum, m.Table, m.Metrics, m.Methods, ncves, with, len(d.Syscalls))
	if m.Kernel != "" {
		fmt.Fprintf(&note, "kernel: %s\n", m.Kernel)
	}
	if m.KernelRelease != "" {
		fmt.Fprintf(&note, "kernel %s's syscall table: the %s table less %d it lacks (%s)\n", m.KernelRelease, m.Arch, len(m.KernelAbsent), strings.Join(m.KernelAbsent, ", "))
	}
	if m.Exploits != "" {
		fmt.Fprintf(&note, "exploits: %s\n", m.Exploits)
	}
	for _, n := range m.Notes {
		fmt.Fprintf(&note, "note: %s\n", n)
	}
	if err := report.WriteAbove(w, f, note.String()+"\n"); err != nil {
		return err
	}
	t := report.Table{Header: []string{"SOURCE", "VERSION", "DATE", "RECORDS", "ORIGIN"}, Align: "lllrl"}
	for _, s := range d.Meta.Sources {
		t.Rows = append(t.Rows, []string{s.Name, s.Version, s.Date, strconv.Itoa(s.Records), s.Origin})
	}
	return t.Write(w, f)
}

// writeJSONAtomic encodes v and writes it with writeAtomic.
func writeJSONAtomic(ctx context.Context, path string, v any) error {
	var buf bytes.Buffer
	if err := report.WriteJSON(&buf, v); err != nil {
		return err
	}
	return writeAtomic(ctx, path, buf.Bytes())
}

// loadTable loads a table of db build: its embedded copy, a file, or
// nothing (nil) for "none".
func loadTable(tb registry.Table, v string) (*registry.Part, error) {
	switch v {
	case "none":
		return nil, nil
	case "embedded":
		return tb.Embedded()
	}
	f, err := infile.Open(v)
	if err != nil {
		return nil, fmt.Errorf("--%s: %w", tb.Flag, err)
	}
	defer f.Close()
	p, err := tb.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("--%s %s: %w", tb.Flag, v, err)
	}
	return p, nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// textMethods are the methods that read the text only, the default
// without a kernel image; noGraphMethods are all that need no call graph
// (dispatch reads the fixed files' names, sibling the other links).
const (
	textMethods    = site.MethodText | site.MethodTrace | site.MethodUAPI
	noGraphMethods = textMethods | site.MethodDispatch | site.MethodSibling
)

// defaultGraphCache is where db build caches reach indexes:
// $XDG_CACHE_HOME/sysweight/kernel, usually ~/.cache/sysweight/kernel.
func defaultGraphCache() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return "none"
	}
	return filepath.Join(d, "sysweight", "kernel")
}

// kernelInputs checks the methods and kernel flags and sets in's
// attribution: for the text methods at once, for the call-graph methods
// as in.Prepare, which loads the reach index (cached) and makes the
// attributor while build.Build reads the feeds.
func (o *dbBuildOptions) kernelInputs(in *build.Inputs) error {
	var m site.Methods
	if o.methods == "default" {
		m = site.DefaultMethods
		if o.kernelImage == "" {
			m &= textMethods // no call graph: the text methods only (recorded in the DB's methods)
		}
	} else {
		var err error
		if m, err = site.ParseMethods(o.methods); err != nil {
			return fmt.Errorf("--methods: %w", err)
		}
	}
	in.Methods = strings.Split(m.String(), "+")
	if o.kernelMembers != "" && (m&site.MethodSite == 0 || m&site.MethodFunction != 0 || o.kernelImage == "") {
		return fmt.Errorf("--kernel-members: only the site method's member rule reads it: give --kernel-image and --methods with site (not function)")
	}
	if m&^noGraphMethods == 0 {
		a, _ := site.NewAttributor(nil, site.Options{Methods: m})
		in.Attribute = a.Links
		return nil
	}
	if o.kernelImage == "" {
		return fmt.Errorf("--methods %s needs --kernel-image (the call graph)", m)
	}
	// kernel/analysis opens these itself: refuse a FIFO or a device here.
	if err := infile.Check(o.kernelImage, false); err != nil {
		return fmt.Errorf("--kernel-image: %w", err)
	}
	if o.fileMap != "" {
		if err := infile.Check(o.fileMap, false); err != nil {
			return fmt.Errorf("--filemap: %w", err)
		}
	}
	if m&site.MethodFile != 0 && o.fileMap == "" {
		return fmt.Errorf("--methods %s needs --filemap", m)
	}
	if o.kernelMembers != "" {
		if err := infile.Check(o.kernelMembers, false); err != nil {
			return fmt.Errorf("--kernel-members: %w", err)
		}
	}
	if m&site.MethodFunction != 0 {
		// The function method of the first call-graph attribution, kept
		// for comparison; it reads the graph directly and is not cached.
		fileMap := ""
		if m&site.MethodFile != 0 {
			fileMap = o.fileMap
		}
		in.Prepare = func() (build.Prepared, error) {
			r, err := analysis.Open(o.kernelImage, fileMap)
			if err != nil {
				return build.Prepared{}, err
			}
			a, err := site.NewFunctionAttributor(r.Graph(), site.FunctionOptions{Methods: m & (site.MethodText | site.MethodFunction | site.MethodFile)})
			if err != nil {
				return build.Prepared{}, err
			}
			return build.Prepared{
				Attribute: func(r attrib.Input) []attrib.Link { return a.Links(r.Description, r.ProgramFiles) },
				Note:      "analysed, not cached (function method)",
			}, nil
		}
		return nil
	}
	cache := o.graphCache
	if cache == "none" {
		cache = ""
	}
	in.Prepare = func() (build.Prepared, error) {
		var p build.Prepared
		x, hit, err := analysis.CachedReachIndex(o.kernelImage, o.fileMap, cache, attrib.Incidental)
		if err != nil {
			return p, err
		}
		opt := site.Options{Methods: m}
		if o.kernelMembers != "" {
			mx, _, err := analysis.CachedReachIndex(o.kernelMembers, "", cache, attrib.Incidental)
			if err != nil {
				return p, fmt.Errorf("--kernel-members: %w", err)
			}
			opt.Members = mx
			p.Sources = append(p.Sources, registry.MembersSource(o.kernelMembers, mx))
		}
		a, err := site.NewAttributor(x, opt)
		if err != nil {
			return p, err
		}
		p.Attribute = a.Links
		switch {
		case hit:
			p.Note = "reach index from " + cache
		case cache != "":
			p.Note = "analysed, reach index cached in " + cache
		default:
			p.Note = "analysed, not cached"
		}
		return p, nil
	}
	return nil
}
