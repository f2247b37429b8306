package vmlinux

import (
	"os"
	"syscall"
)

// mapFile maps f read-only for the life of the process; the analysis keeps
// slices of it.
func mapFile(f *os.File) ([]byte, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return syscall.Mmap(int(f.Fd()), 0, int(st.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
}
