package tracefs

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// RawReader reads an instance's per-CPU binary ring buffers
// (per_cpu/cpuN/trace_pipe_raw) page by page. It is the fast reader: the
// kernel copies pages and formats nothing, and nothing is merged, so
// events of different CPUs come in no common order (each page carries its
// CPU and its events' time stamps).
type RawReader struct {
	in     *Instance
	layout PageLayout
	pgsz   int
	fds    []int // per CPU, non-blocking

	stop     atomic.Bool
	done     chan struct{}
	stopOnce sync.Once
	err      error // set by the reading goroutine before done closes
}

// OpenRaw opens the per-CPU buffers, reading the page header layout
// (events/header_page) and the sub-buffer size; Start reads them. The
// instance closes them.
func (in *Instance) OpenRaw() (*RawReader, error) {
	if in.raw != nil {
		return nil, errors.New("the instance's raw buffers are open already")
	}
	r := &RawReader{in: in, layout: defaultPage, pgsz: os.Getpagesize()}
	if hp, err := in.fs.ReadFile("events/header_page"); err == nil {
		if r.layout, err = ParsePageLayout(bytes.NewReader(hp)); err != nil {
			return nil, err
		}
	}
	if b, err := in.fs.ReadFile(in.dir + "/buffer_subbuf_size_kb"); err == nil {
		if kb, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && kb > 0 {
			r.pgsz = kb * 1024
		}
	}
	cpus, err := os.ReadDir(in.path("per_cpu"))
	if err != nil {
		return nil, fmt.Errorf("listing %s/per_cpu: %w", in.dir, err)
	}
	for _, c := range cpus {
		fd, err := unix.Open(in.path("per_cpu/"+c.Name()+"/trace_pipe_raw"), unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
		if err != nil {
			r.close()
			return nil, fmt.Errorf("opening %s/per_cpu/%s/trace_pipe_raw: %w", in.dir, c.Name(), err)
		}
		r.fds = append(r.fds, fd)
	}
	in.raw = r
	return r, nil
}

// CPUs is the number of per-CPU buffers; pages come with an index below it.
func (r *RawReader) CPUs() int { return len(r.fds) }

// Start reads the buffers in a goroutine until Stop, calling fn with each
// page (valid only during the call) and the index of its CPU. An error from
// fn, or from reading, ends the reading; Stop returns it.
func (r *RawReader) Start(fn func(cpu int, p Page) error) {
	if r.done != nil {
		return
	}
	r.done = make(chan struct{})
	go r.read(fn)
}

// read drains the per-CPU buffers until stop is set and they are empty.
// The buffers are polled: a read of a page that the kernel is still
// writing copies what is committed (ring_buffer_read_page), so nothing
// waits for a page to fill.
func (r *RawReader) read(fn func(int, Page) error) {
	defer close(r.done)
	buf := make([]byte, r.pgsz)
	for {
		stopping := r.stop.Load()
		got := false
		for cpu, fd := range r.fds {
			for {
				n, err := unix.Read(fd, buf)
				if errors.Is(err, unix.EAGAIN) || (err == nil && n == 0) {
					break
				}
				if errors.Is(err, unix.EINTR) {
					continue
				}
				if err != nil {
					r.err = fmt.Errorf("reading cpu %d trace_pipe_raw: %w", cpu, err)
					return
				}
				got = true
				if err := fn(cpu, Page{data: buf[:n], layout: r.layout}); err != nil {
					r.err = fmt.Errorf("cpu %d: %w", cpu, err)
					return
				}
			}
		}
		if !got {
			if stopping {
				return
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
}

// Stop turns the instance's recording off, reads what the buffers still
// hold and waits for the reading to end. It returns the error that ended
// the reading, if one did.
func (r *RawReader) Stop() error {
	var err error
	r.stopOnce.Do(func() {
		err = r.in.SetOn(false)
		if r.done == nil {
			return
		}
		r.stop.Store(true)
		<-r.done
		err = errors.Join(r.err, err)
	})
	return err
}

func (r *RawReader) close() {
	for _, fd := range r.fds {
		_ = unix.Close(fd)
	}
	r.fds = nil
}
