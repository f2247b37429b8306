// Package atomicfile writes files so that readers see the old content or
// the new, never a part: the bytes go to a temporary file in the same
// directory (mode 0644, synced), which is then renamed over the target
// and the directory synced. On any failure the temporary file is removed
// and the target is left as it was.
package atomicfile

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// WriteFile writes data to path atomically.
func WriteFile(path string, data []byte) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Write writes what write produces to path atomically; write's error, or
// the first error of writing, aborts it. Errors name path.
func Write(path string, write func(io.Writer) error) error {
	return WriteWith(path, Options{}, write)
}

// Options tunes WriteWith.
type Options struct {
	// Prefix begins the temporary file's name; random characters follow.
	// "" means "." + the target's name + ".tmp".
	Prefix string
	// Commit, when set, is asked just before the rename; its error aborts
	// the write (a command that was interrupted renames nothing).
	Commit func() error
}

// WriteWith is Write with options.
func WriteWith(path string, o Options, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	prefix := o.Prefix
	if prefix == "" {
		prefix = "." + filepath.Base(path) + ".tmp"
	}
	f, err := os.CreateTemp(dir, prefix+"*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmp := f.Name()
	err = f.Chmod(0o644) // first: a copy left by a kill has the mode it would have had
	if err == nil {
		bw := bufio.NewWriter(f)
		if err = write(bw); err == nil {
			err = bw.Flush()
		}
	}
	if err == nil {
		err = f.Sync() // the data on disk before the name points to it
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && o.Commit != nil {
		err = o.Commit()
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync() // the rename itself; some file systems cannot, and it is done anyway
		d.Close()
	}
	return nil
}
