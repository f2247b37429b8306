//go:build !linux

package tracefs

// FS is an open tracefs mount; off Linux there is none.
type FS struct{}

// Open needs Linux.
func Open() (*FS, error) { return nil, ErrNotSupportedOnOS }

// OpenOrMount needs Linux.
func OpenOrMount() (*FS, error) { return nil, ErrNotSupportedOnOS }

// Close does nothing.
func (fs *FS) Close() error { return nil }
