package infile

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	reg := filepath.Join(dir, "reg")
	if err := os.WriteFile(reg, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, l := range [][2]string{{"loop2", "loop1"}, {"loop1", "loop2"}, {"reg", "link"}} {
		if err := os.Symlink(l[0], filepath.Join(dir, l[1])); err != nil {
			t.Fatal(err)
		}
	}
	sock := filepath.Join(dir, "sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()

	cases := []struct {
		path string
		want string // the whole error line; "" for success
		is   error
	}{
		{reg, "", nil},
		{filepath.Join(dir, "link"), "", nil},
		{fifo, fifo + " is a named pipe (FIFO), want a regular file", ErrNotRegular},
		{dir, dir + " is a directory, want a regular file", ErrNotRegular},
		{sock, sock + " is a socket, want a regular file", ErrNotRegular},
		{"/dev/null", "/dev/null is a character device, want a regular file", ErrNotRegular},
		{filepath.Join(dir, "loop1"), filepath.Join(dir, "loop1") + ": too many levels of symbolic links", syscall.ELOOP},
		{filepath.Join(dir, "none"), filepath.Join(dir, "none") + ": no such file or directory", fs.ErrNotExist},
	}
	for _, c := range cases {
		done := make(chan struct{})
		go func() {
			defer close(done)
			f, err := Open(c.path)
			if f != nil {
				f.Close()
			}
			switch {
			case c.want == "" && err != nil:
				t.Errorf("Open(%s): %v", c.path, err)
			case c.want != "" && (err == nil || err.Error() != c.want):
				t.Errorf("Open(%s): %v, want %q", c.path, err, c.want)
			case c.is != nil && !errors.Is(err, c.is):
				t.Errorf("Open(%s): %v is not %v", c.path, err, c.is)
			}
		}()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			t.Fatalf("Open(%s) blocked", c.path)
		}
	}
}

func TestCheckDirOK(t *testing.T) {
	dir := t.TempDir()
	if err := Check(dir, true); err != nil {
		t.Errorf("Check(dir, true): %v", err)
	}
	if err := Check("/dev/zero", true); err == nil || err.Error() != "/dev/zero is a character device, want a regular file or a directory" {
		t.Errorf("Check(/dev/zero, true): %v", err)
	}
}

func TestCheckDirAndReadFile(t *testing.T) {
	dir := t.TempDir()
	reg := filepath.Join(dir, "reg")
	if err := os.WriteFile(reg, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := CheckDir(dir); err != nil {
		t.Errorf("CheckDir(dir): %v", err)
	}
	if err := CheckDir(reg); err == nil || err.Error() != reg+" is a regular file, want a directory" || !errors.Is(err, ErrNotDir) {
		t.Errorf("CheckDir(reg): %v", err)
	}
	if b, err := ReadFile(reg); err != nil || string(b) != "hello" {
		t.Errorf("ReadFile(reg) = %q, %v", b, err)
	}
	if _, err := ReadFile(dir); !errors.Is(err, ErrNotRegular) {
		t.Errorf("ReadFile(dir): %v", err)
	}
}
