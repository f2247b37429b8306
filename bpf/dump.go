package bpf

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Errors of DumpFilters and DumpProcess.
var (
	ErrNotSupportedOnOS = errors.New("dumping seccomp filters needs Linux")
	ErrExited           = errors.New("process not found or exited")
	ErrNoFilter         = errors.New("no seccomp filter")
	ErrPermission       = errors.New("permission denied")
	ErrKernel           = errors.New("kernel cannot report seccomp filters")
)

// Dump is the seccomp state of every thread of a process. Threads whose
// filters have the same instructions share one Filters entry.
type Dump struct {
	PID     int
	Filters []Filter // distinct programs, in the order first seen
	Threads []Thread // by TID
}

// Filter is one distinct program and the threads whose stacks hold it.
type Filter struct {
	Insns []Instruction
	TIDs  []int
}

// Thread is one thread's filter stack: indexes into Dump.Filters, 0 the most
// recently installed, the order the kernel runs them in (the reverse of
// PTRACE_SECCOMP_GET_FILTER's numbering).
type Thread struct {
	TID   int
	Stack []int
}

// Stack returns the programs of t's stack.
func (d *Dump) Stack(t Thread) [][]Instruction {
	out := make([][]Instruction, len(t.Stack))
	for i, j := range t.Stack {
		out[i] = d.Filters[j].Insns
	}
	return out
}

// Stacks groups threads with the same stack: each distinct stack once, with
// its TIDs, in the order first seen.
func (d *Dump) Stacks() (stacks [][][]Instruction, tids [][]int) {
	seen := map[string]int{}
	for _, t := range d.Threads {
		key := fmt.Sprint(t.Stack)
		i, ok := seen[key]
		if !ok {
			i = len(stacks)
			seen[key] = i
			stacks = append(stacks, d.Stack(t))
			tids = append(tids, nil)
		}
		tids[i] = append(tids[i], t.TID)
	}
	return stacks, tids
}

// add records tid's stack, sharing programs already seen.
func (d *Dump) add(tid int, stack [][]Instruction) {
	t := Thread{TID: tid}
	for _, prog := range stack {
		j := -1
		for i := range d.Filters {
			if equalProgs(d.Filters[i].Insns, prog) {
				j = i
				break
			}
		}
		if j < 0 {
			j = len(d.Filters)
			d.Filters = append(d.Filters, Filter{Insns: prog})
		}
		if n := len(d.Filters[j].TIDs); n == 0 || d.Filters[j].TIDs[n-1] != tid {
			d.Filters[j].TIDs = append(d.Filters[j].TIDs, tid)
		}
		t.Stack = append(t.Stack, j)
	}
	d.Threads = append(d.Threads, t)
}

func equalProgs(a, b []Instruction) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// SeccompStatus is what /proc/PID/status says about seccomp.
type SeccompStatus struct {
	Mode    int // 0 disabled, 1 strict, 2 filter; -1 when the field is absent (kernel without CONFIG_SECCOMP)
	Filters int // Seccomp_filters (Linux 5.9+); -1 when absent
	Tracer  int // TracerPid: the pid ptrace-attached to the thread, 0 for none
}

// ParseStatus reads the Seccomp, Seccomp_filters and TracerPid fields of a
// /proc/PID/status file.
func ParseStatus(r io.Reader) (SeccompStatus, error) {
	st := SeccompStatus{Mode: -1, Filters: -1}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		key, val, ok := bytes.Cut(sc.Bytes(), []byte(":"))
		if !ok {
			continue
		}
		var dst *int
		switch string(key) {
		case "Seccomp":
			dst = &st.Mode
		case "Seccomp_filters":
			dst = &st.Filters
		case "TracerPid":
			dst = &st.Tracer
		default:
			continue
		}
		v := strings.TrimSpace(string(val))
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return st, fmt.Errorf("status line %d: %s is %q, want a non-negative integer", line, key, v)
		}
		*dst = n
	}
	if err := sc.Err(); err != nil {
		return st, fmt.Errorf("reading status: %w", err)
	}
	return st, nil
}
