package tracefs

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"
)

// Pipe reads an instance's trace_pipe: text lines the kernel formats and
// merges from all CPUs in time stamp order (which is one order across CPUs
// only under a global trace_clock such as mono), with each task's thread
// group under record-tgid, markers among the events and "CPU:N [LOST M
// EVENTS]" lines where a buffer overflowed. It is the slower reader, for
// those who need that one sequence.
type Pipe struct {
	in   *Instance
	f    *os.File
	tag  string // the stop marker
	done chan struct{}

	errMu sync.Mutex
	err   error
}

// OpenPipe opens trace_pipe; Start reads it. The instance closes it.
func (in *Instance) OpenPipe() (*Pipe, error) {
	if in.pipe != nil {
		return nil, errors.New("the instance's trace_pipe is open already")
	}
	f, err := os.Open(in.path("trace_pipe"))
	if err != nil {
		return nil, fmt.Errorf("opening trace_pipe: %w", err)
	}
	in.pipe = &Pipe{in: in, f: f, tag: stopTag()}
	return in.pipe, nil
}

// Start reads lines in a goroutine until Stop, calling fn with each (without
// its newline; valid only during the call). The first error fn returns is
// kept for Stop and reading goes on; an error reading ends it.
func (p *Pipe) Start(fn func(line []byte) error) {
	if p.done != nil {
		return
	}
	p.done = make(chan struct{})
	go p.read(fn)
}

func (p *Pipe) read(fn func([]byte) error) {
	defer close(p.done)
	r := bufio.NewReaderSize(p.f, 1<<20)
	for {
		b, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			continue // a line longer than 1 MiB is no line of ours
		}
		if err != nil {
			p.fail(err)
			return
		}
		b = bytes.TrimRight(b, "\n")
		if isMarker(b, p.tag) {
			return
		}
		if err := fn(b); err != nil {
			p.fail(err)
		}
	}
}

func (p *Pipe) fail(err error) {
	p.errMu.Lock()
	defer p.errMu.Unlock()
	if p.err == nil {
		p.err = err
	}
}

// Stop turns the instance's events off, writes a marker and reads up to
// it, so that every event recorded before Stop reaches fn; when that takes
// longer than wait, it closes the pipe. It returns the first error of the
// reading, and nil after the first call.
func (p *Pipe) Stop(wait time.Duration) error {
	if p.done == nil {
		return nil
	}
	p.in.disableEvents()
	if err := p.in.Mark(p.tag); err != nil {
		p.fail(err)
	}
	select {
	case <-p.done:
	case <-time.After(wait):
		p.fail(errors.New("trace reader did not reach the stop marker"))
		_ = p.f.SetReadDeadline(time.Now())
		p.close()
		<-p.done
	}
	p.done = nil
	p.errMu.Lock()
	defer p.errMu.Unlock()
	return p.err
}

func (p *Pipe) close() {
	if p.f != nil {
		_ = p.f.Close()
		p.f = nil
	}
}
