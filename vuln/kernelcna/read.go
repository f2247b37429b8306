package kernelcna

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"sysweight/internal/xz"
	"sysweight/vuln"
)

// PublishedDir is where the vulns repository keeps published records.
const PublishedDir = "cve/published"

// maxMember bounds one record or .cvss file; the largest real record of
// 2026-08 is about 0.3 MB, so this only stops a runaway archive member.
const maxMember = 16 << 20

// Stats describes one read of a tree or archive.
type Stats struct {
	Records    int   // published records returned
	Rejected   int   // records skipped because cveMetadata.state is REJECTED
	WithCVSS   int   // returned records that have a CNA CVSS score
	OrphanCVSS int   // .cvss files with no record beside them
	Bytes      int64 // bytes of records and .cvss files read (uncompressed)

	// ReadTarXZ only: wall time spent inside the xz decompressor, and the
	// parse time summed over workers (it overlaps decompression).
	Decompress time.Duration
	Parse      time.Duration
	Total      time.Duration // wall time of the whole read
}

type memberKind int

const (
	notMember memberKind = iota
	jsonMember
	cvssMember
)

// classify maps an archive or tree path to the record file it is, if any.
// A leading directory before "cve/" (a cgit snapshot's "vulns-master/") is
// dropped. rel is the cleaned path from the repository root and id the CVE
// id taken from the file name.
func classify(name string) (rel, id string, kind memberKind) {
	name = strings.TrimPrefix(name, "./")
	if !strings.HasPrefix(name, PublishedDir+"/") {
		_, rest, ok := strings.Cut(name, "/")
		if !ok || !strings.HasPrefix(rest, PublishedDir+"/") {
			return "", "", notMember
		}
		name = rest
	}
	dir, file := path.Split(name)
	year := strings.TrimSuffix(strings.TrimPrefix(dir, PublishedDir+"/"), "/")
	if len(year) != 4 || strings.Contains(year, "/") {
		return "", "", notMember
	}
	switch {
	case strings.HasSuffix(file, ".json"):
		id, kind = strings.TrimSuffix(file, ".json"), jsonMember
	case strings.HasSuffix(file, ".cvss"):
		id, kind = strings.TrimSuffix(file, ".cvss"), cvssMember
	default:
		return "", "", notMember
	}
	if !vuln.ValidID(id) || id[4:8] != year {
		return "", "", notMember
	}
	return name, id, kind
}

// job is one file to parse; results land at its index so output order and
// the first error reported do not depend on scheduling.
type job struct {
	name string // path for messages
	id   string
	kind memberKind
	data []byte
	path string // ReadDir: file to read in the worker
}

type result struct {
	size     int64 // bytes read
	rec      vuln.Record
	cvss     vuln.CVSS
	rejected bool
	err      error
}

// work parses one job. buf is the worker's reusable read buffer: parsing
// copies every string it keeps, so the next file may overwrite it.
func work(j *job, buf *[]byte) result {
	b := j.data
	if j.path != "" {
		var err error
		if b, err = readInto(j.path, buf); err != nil {
			return result{err: fmt.Errorf("reading kernel cna tree: %w", err)}
		}
	}
	res := parse(j, b)
	res.size = int64(len(b))
	return res
}

func parse(j *job, b []byte) result {
	switch j.kind {
	case cvssMember:
		c, err := parseCVSS(b)
		if err != nil {
			return result{err: fmt.Errorf("%s: %w", j.name, err)}
		}
		return result{cvss: c}
	default:
		rec, _, err := parseRecord(b)
		if errors.Is(err, ErrRejected) {
			return result{rejected: true}
		}
		if err != nil {
			return result{err: fmt.Errorf("%s: %w", j.name, err)}
		}
		if rec.ID != j.id {
			return result{err: fmt.Errorf("%s: field cveMetadata.cveId: want %s (the file name), got %s: %w", j.name, j.id, rec.ID, ErrBadRecord)}
		}
		return result{rec: rec}
	}
}

// ReadDir reads every published record under dir/cve/published, in
// parallel over GOMAXPROCS workers, pairs each with its .cvss file and
// returns the published ones sorted by id. The first bad file (in path
// order) fails the read; errors name it and wrap ErrBadRecord or
// vuln.ErrBadVector.
func ReadDir(dir string) ([]vuln.Record, Stats, error) {
	start := time.Now()
	pub := filepath.Join(dir, filepath.FromSlash(PublishedDir))
	years, err := os.ReadDir(pub)
	if err != nil {
		return nil, Stats{}, fmt.Errorf("reading kernel cna tree: %w", err)
	}
	var jobs []job
	for _, y := range years {
		if !y.IsDir() {
			continue
		}
		files, err := os.ReadDir(filepath.Join(pub, y.Name()))
		if err != nil {
			return nil, Stats{}, fmt.Errorf("reading kernel cna tree: %w", err)
		}
		for _, f := range files {
			rel, id, kind := classify(PublishedDir + "/" + y.Name() + "/" + f.Name())
			if kind == notMember || !f.Type().IsRegular() {
				continue
			}
			jobs = append(jobs, job{name: rel, id: id, kind: kind, path: filepath.Join(pub, y.Name(), f.Name())})
		}
	}
	results := make([]result, len(jobs))
	var wg sync.WaitGroup
	var bytes atomic.Int64
	next := make(chan int, 256)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			buf := make([]byte, 0, 64<<10)
			var n int64
			for i := range next {
				results[i] = work(&jobs[i], &buf)
				n += results[i].size
			}
			bytes.Add(n)
		})
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
	recs, st, err := assemble(jobs, results)
	st.Bytes = bytes.Load()
	st.Total = time.Since(start)
	return recs, st, err
}

// readInto reads a whole file into *buf, growing it as needed, with one
// read for most files. It calls open, read and close itself: os.Open
// would also fstat each file (to know it cannot be polled) and set up an
// os.File, a third of the reading's time over the tree's 20,000 small
// files.
func readInto(path string, buf *[]byte) ([]byte, error) {
	var fd int
	err := retryEINTR(func() (err error) {
		fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		return err
	})
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	b := (*buf)[:0]
	for {
		if len(b) == cap(b) {
			if len(b) >= maxMember {
				return nil, fmt.Errorf("%s: more than %d bytes: %w", path, maxMember, ErrBadRecord)
			}
			b = append(b, 0)[:len(b)]
		}
		var n int
		err := retryEINTR(func() (err error) {
			n, err = syscall.Read(fd, b[len(b):cap(b)])
			return err
		})
		if err != nil {
			return nil, &os.PathError{Op: "read", Path: path, Err: err}
		}
		if n == 0 {
			*buf = b
			return b, nil
		}
		b = b[:len(b)+n]
	}
}

// retryEINTR calls f again while it fails with EINTR.
func retryEINTR(f func() error) error {
	for {
		if err := f(); err != syscall.EINTR {
			return err
		}
	}
}

// ReadTarXZ reads the records of an xz-compressed tar of the vulns
// repository (as the shared reference archive is packed) as a stream. One
// goroutine decompresses and walks the tar while GOMAXPROCS workers parse.
func ReadTarXZ(r io.Reader) ([]vuln.Record, Stats, error) {
	start := time.Now()
	xr, err := xz.NewReader(r) // it buffers its input
	if err != nil {
		return nil, Stats{}, fmt.Errorf("opening xz stream: %w", err)
	}
	tr := &timedReader{r: xr}
	recs, st, err := readTar(tar.NewReader(tr), "tar.xz")
	st.Decompress = tr.spent
	st.Total = time.Since(start)
	return recs, st, err
}

// ReadTar reads the records of an uncompressed tar stream of the vulns
// repository; what is the archive's name for messages.
func readTar(tr *tar.Reader, what string) ([]vuln.Record, Stats, error) {
	var jobs []job
	var parse time.Duration
	var mu sync.Mutex
	var results []result
	type item struct {
		i int
		j job
	}
	next := make(chan item, 64)
	var wg sync.WaitGroup
	var resMu sync.Mutex
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			var spent time.Duration
			for it := range next {
				t := time.Now()
				res := work(&it.j, nil)
				spent += time.Since(t)
				resMu.Lock()
				for len(results) <= it.i {
					results = append(results, result{})
				}
				results[it.i] = res
				resMu.Unlock()
			}
			mu.Lock()
			parse += spent
			mu.Unlock()
		})
	}
	var bytes int64
	var readErr error
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			readErr = fmt.Errorf("reading %s: %w", what, err)
			break
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		rel, id, kind := classify(h.Name)
		if kind == notMember {
			continue
		}
		if h.Size > maxMember {
			readErr = fmt.Errorf("reading %s: member %s: %d bytes, want at most %d: %w", what, h.Name, h.Size, maxMember, ErrBadRecord)
			break
		}
		b := make([]byte, h.Size)
		if _, err := io.ReadFull(tr, b); err != nil {
			readErr = fmt.Errorf("reading %s: member %s: %w", what, h.Name, err)
			break
		}
		bytes += int64(len(b))
		j := job{name: rel, id: id, kind: kind, data: b}
		jobs = append(jobs, job{name: rel, id: id, kind: kind})
		next <- item{len(jobs) - 1, j}
	}
	close(next)
	wg.Wait()
	if readErr != nil {
		return nil, Stats{}, readErr
	}
	for len(results) < len(jobs) {
		results = append(results, result{})
	}
	recs, st, err := assemble(jobs, results)
	st.Bytes = bytes
	st.Parse = parse
	return recs, st, err
}

// assemble joins records with their .cvss files, in job order.
func assemble(jobs []job, results []result) ([]vuln.Record, Stats, error) {
	var st Stats
	cvss := map[string]vuln.CVSS{}
	var recs []vuln.Record
	var rejected []string
	for i, res := range results {
		switch {
		case res.err != nil:
			return nil, Stats{}, res.err
		case res.rejected:
			st.Rejected++
			rejected = append(rejected, jobs[i].id)
		case jobs[i].kind == cvssMember:
			cvss[jobs[i].id] = res.cvss
		default:
			recs = append(recs, res.rec)
		}
	}
	for i := range recs {
		if c, ok := cvss[recs[i].ID]; ok {
			// The .cvss file is the CNA's own scoring with rationale; it
			// supersedes the metrics copy inside the record.
			recs[i].CVSS = []vuln.CVSS{c}
			delete(cvss, recs[i].ID)
		}
		if len(recs[i].CVSS) > 0 {
			st.WithCVSS++
		}
	}
	for _, id := range rejected {
		delete(cvss, id) // a withdrawn CVE's score is not an orphan
	}
	st.OrphanCVSS = len(cvss)
	st.Records = len(recs)
	vuln.SortRecords(recs)
	return recs, st, nil
}

// timedReader adds up the time spent in its reader's Read.
type timedReader struct {
	r     io.Reader
	spent time.Duration
}

func (t *timedReader) Read(p []byte) (int, error) {
	s := time.Now()
	n, err := t.r.Read(p)
	t.spent += time.Since(s)
	return n, err
}
