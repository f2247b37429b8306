package bigbuf

import "golang.org/x/sys/unix"

// adviseHuge marks b's pages for transparent huge pages. It is advice: an
// error (THP disabled, an old kernel) leaves an ordinary buffer.
func adviseHuge(b []byte) {
	_ = unix.Madvise(b, unix.MADV_HUGEPAGE)
}
