package trace

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ErrFormat is wrapped by errors about a malformed tracefs format file.
var ErrFormat = errors.New("bad tracefs format")

// Field is one field of a tracefs event record.
type Field struct {
	Name   string // "args" for "unsigned long args[6]"
	Type   string // "unsigned long"
	Offset int
	Size   int
	Signed bool
}

// Format is a parsed tracefs events/GROUP/NAME/format file (or
// events/header_page, which has fields but no name or ID).
type Format struct {
	Name   string
	ID     int
	Fields []Field
}

// Field returns the field called name.
func (f *Format) Field(name string) (Field, bool) {
	for _, fl := range f.Fields {
		if fl.Name == name {
			return fl, true
		}
	}
	return Field{}, false
}

// maxRecord bounds field offsets: the kernel's perf trace buffer is
// PERF_MAX_TRACE_SIZE (2048) bytes and a ring buffer page is 4 KiB.
const maxRecord = 1 << 16

// ParseFormat reads a tracefs format file.
func ParseFormat(r io.Reader) (*Format, error) {
	f := &Format{ID: -1}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(text, "name:"):
			f.Name = strings.TrimSpace(strings.TrimPrefix(text, "name:"))
		case strings.HasPrefix(text, "ID:"):
			id, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(text, "ID:")))
			if err != nil || id < 0 {
				return nil, fmt.Errorf("%w: line %d: ID %q is not a non-negative integer", ErrFormat, line, strings.TrimPrefix(text, "ID:"))
			}
			f.ID = id
		case strings.HasPrefix(text, "field:"):
			fl, err := parseField(text)
			if err != nil {
				return nil, fmt.Errorf("%w: line %d: %v", ErrFormat, line, err)
			}
			f.Fields = append(f.Fields, fl)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading format: %w", err)
	}
	if len(f.Fields) == 0 {
		return nil, fmt.Errorf("%w: no field lines", ErrFormat)
	}
	return f, nil
}

// parseField parses "field:unsigned long args[6];\toffset:16;\tsize:48;\tsigned:0;".
func parseField(text string) (Field, error) {
	var fl Field
	var haveOff, haveSize bool
	for _, part := range strings.Split(text, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		key, val, ok := strings.Cut(part, ":")
		if !ok {
			return fl, fmt.Errorf("part %q: want key:value", part)
		}
		val = strings.TrimSpace(val)
		switch key {
		case "field":
			decl := val
			if i := strings.IndexByte(decl, '['); i >= 0 {
				decl = decl[:i]
			}
			decl = strings.TrimSpace(decl)
			i := strings.LastIndexAny(decl, " \t*")
			if i < 0 || i == len(decl)-1 {
				return fl, fmt.Errorf("field declaration %q: want type and name", val)
			}
			fl.Name = decl[i+1:]
			fl.Type = strings.TrimSpace(decl[:i+1])
		case "offset", "size", "signed":
			n, err := strconv.Atoi(val)
			if err != nil || n < 0 || n > maxRecord {
				return fl, fmt.Errorf("%s %q: want an integer in [0,%d]", key, val, maxRecord)
			}
			switch key {
			case "offset":
				fl.Offset, haveOff = n, true
			case "size":
				fl.Size, haveSize = n, true
			default:
				fl.Signed = n != 0
			}
		}
	}
	if fl.Name == "" || !haveOff || !haveSize {
		return fl, fmt.Errorf("field %q: want field, offset and size", text)
	}
	return fl, nil
}

// layout is what the tracers need from the format files, checked.
type layout struct {
	enterID       int // sys_enter event ID, for tracefs records
	idOff, argOff int // raw_syscalls/sys_enter: long id; unsigned long args[6]
	pidOff        int // common_pid
	recLen        int // minimum sys_enter record length
	parentOff     int // sched_process_fork: pid_t parent_pid
	childOff      int // sched_process_fork: pid_t child_pid
	execPidOff    int // sched_process_exec: pid_t pid (the thread id kept)
	execOldOff    int // sched_process_exec: pid_t old_pid (the exec'ing thread's id before)
}

// want returns name's field if it has the given size.
func want(f *Format, event, name string, size int) (Field, error) {
	fl, ok := f.Field(name)
	if !ok {
		return fl, fmt.Errorf("%w: %s has no field %s", ErrFormat, event, name)
	}
	if fl.Size != size {
		return fl, fmt.Errorf("%w: %s field %s has size %d, want %d", ErrFormat, event, name, fl.Size, size)
	}
	return fl, nil
}

func parseFormatBytes(b []byte) (*Format, error) { return ParseFormat(bytes.NewReader(b)) }

// newLayout checks and combines the sys_enter, sched_process_fork and
// sched_process_exec formats.
func newLayout(enter, fork, exec []byte) (layout, error) {
	var l layout
	ef, err := ParseFormat(bytes.NewReader(enter))
	if err != nil {
		return l, fmt.Errorf("raw_syscalls/sys_enter: %w", err)
	}
	ff, err := ParseFormat(bytes.NewReader(fork))
	if err != nil {
		return l, fmt.Errorf("sched/sched_process_fork: %w", err)
	}
	xf, err := ParseFormat(bytes.NewReader(exec))
	if err != nil {
		return l, fmt.Errorf("sched/sched_process_exec: %w", err)
	}
	id, err := want(ef, "sys_enter", "id", 8)
	if err != nil {
		return l, err
	}
	args, err := want(ef, "sys_enter", "args", 48)
	if err != nil {
		return l, err
	}
	pid, err := want(ef, "sys_enter", "common_pid", 4)
	if err != nil {
		return l, err
	}
	parent, err := want(ff, "sched_process_fork", "parent_pid", 4)
	if err != nil {
		return l, err
	}
	child, err := want(ff, "sched_process_fork", "child_pid", 4)
	if err != nil {
		return l, err
	}
	xpid, err := want(xf, "sched_process_exec", "pid", 4)
	if err != nil {
		return l, err
	}
	xold, err := want(xf, "sched_process_exec", "old_pid", 4)
	if err != nil {
		return l, err
	}
	if ef.ID < 0 || id.Offset%8 != 0 || args.Offset%8 != 0 || pid.Offset%4 != 0 ||
		parent.Offset%4 != 0 || child.Offset%4 != 0 || xpid.Offset%4 != 0 || xold.Offset%4 != 0 {
		return l, fmt.Errorf("%w: sys_enter ID %d, offsets id %d args %d common_pid %d parent_pid %d child_pid %d pid %d old_pid %d: want an ID and aligned offsets",
			ErrFormat, ef.ID, id.Offset, args.Offset, pid.Offset, parent.Offset, child.Offset, xpid.Offset, xold.Offset)
	}
	l = layout{
		enterID: ef.ID, idOff: id.Offset, argOff: args.Offset, pidOff: pid.Offset,
		recLen:    max(id.Offset+8, args.Offset+48, pid.Offset+4),
		parentOff: parent.Offset, childOff: child.Offset,
		execPidOff: xpid.Offset, execOldOff: xold.Offset,
	}
	return l, nil
}
