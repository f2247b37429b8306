// Package bigbuf allocates large byte buffers that are written once, such as
// a whole decompressed archive, and reads whole streams into them.
//
// On Linux it asks the kernel to back them with transparent huge pages
// (madvise MADV_HUGEPAGE; the host's default here is "madvise"): the first
// write to each 4 KiB page otherwise costs a page fault, and in this VM
// faulting in 108 MiB that way took about 330 ms against about 15 ms in 2 MiB
// pages. Elsewhere, or when the kernel refuses, the buffer is an ordinary
// allocation. The package owns nothing else.
package bigbuf

import (
	"errors"
	"fmt"
	"io"
)

// Make returns a zeroed byte slice of length n.
func Make(n int) []byte {
	b := make([]byte, n)
	if n >= minHuge {
		adviseHuge(b)
	}
	return b
}

// minHuge is the size from which advising pays: below a few huge pages the
// call costs more than the faults it saves.
const minHuge = 8 << 20

// ErrLimit is what ReadAll returns when the reader gives more than its limit.
var ErrLimit = errors.New("more data than the limit")

// ReadAll reads r to its end into a buffer from Make, starting from hint
// bytes and doubling, and fails with ErrLimit past limit bytes.
func ReadAll(r io.Reader, hint int, limit int64) ([]byte, error) {
	out := Make(int(min(int64(max(hint, 64<<10)), limit+1)))[:0]
	for {
		if len(out) == cap(out) {
			if int64(len(out)) > limit {
				return nil, fmt.Errorf("%w of %d bytes", ErrLimit, limit)
			}
			grown := Make(int(min(2*int64(cap(out)), limit+1)))
			out = grown[:copy(grown, out)]
		}
		n, err := r.Read(out[len(out):cap(out)])
		out = out[:len(out)+n]
		if int64(len(out)) > limit {
			return nil, fmt.Errorf("%w of %d bytes", ErrLimit, limit)
		}
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
