package infile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// ErrNotRegular is wrapped by the errors of Open and Check for a path that
// exists but is a directory, FIFO, socket or device.
var ErrNotRegular = errors.New("not a regular file")

// ErrNotDir is wrapped by the errors of CheckDir for a path that exists
// but is not a directory.
var ErrNotDir = errors.New("not a directory")

// Error is a named input that cannot be read as asked.
type Error struct {
	Path string
	Want string // e.g. "a regular file" or "a regular file or a directory"; "" for a stat or open failure
	Kind string // what the path is, e.g. "a named pipe (FIFO)"
	Err  error  // ErrNotRegular, ErrNotDir, or the system's error (ENOENT, ELOOP, EACCES…)
}

func (e *Error) Error() string {
	if e.Want == "" {
		return e.Path + ": " + e.Err.Error()
	}
	return fmt.Sprintf("%s is %s, want %s", e.Path, e.Kind, e.Want)
}

func (e *Error) Unwrap() error { return e.Err }

// Open opens path for reading if it is a regular file, after following
// symbolic links. It checks the path before opening it, so a FIFO or a
// device is never opened, and the open file again (O_NONBLOCK keeps an open
// that races with the path's replacement by a FIFO from blocking), so the
// file returned is the one checked.
func Open(path string) (*os.File, error) {
	if err := Check(path, false); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, wrap(path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, wrap(path, err)
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, &Error{Path: path, Want: "a regular file", Kind: kind(st.Mode()), Err: ErrNotRegular}
	}
	return f, nil
}

// Check stats path, following symbolic links, and returns an *Error unless
// it is a regular file or, when dirOK, a directory. It is for paths handed
// to code that opens them itself; Open is better where the caller opens.
func Check(path string, dirOK bool) error {
	st, err := os.Stat(path)
	if err != nil {
		return wrap(path, err)
	}
	m := st.Mode()
	switch {
	case m.IsRegular(), dirOK && m.IsDir():
		return nil
	case dirOK:
		return &Error{Path: path, Want: "a regular file or a directory", Kind: kind(m), Err: ErrNotRegular}
	}
	return &Error{Path: path, Want: "a regular file", Kind: kind(m), Err: ErrNotRegular}
}

// wrap turns "stat loop1: too many levels of symbolic links" into
// "loop1: too many levels of symbolic links": the operation says nothing to
// the user.
func wrap(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return &Error{Path: path, Err: err}
}

func kind(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "a regular file"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	}
	return "not a regular file (" + m.Type().String() + ")"
}

// CheckDir is Check for a path that must be a directory.
func CheckDir(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return wrap(path, err)
	}
	if !st.IsDir() {
		return &Error{Path: path, Want: "a directory", Kind: kind(st.Mode()), Err: ErrNotDir}
	}
	return nil
}

// ReadFile is os.ReadFile for a regular file, through Open.
func ReadFile(path string) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, wrap(path, err)
	}
	return b, nil
}
