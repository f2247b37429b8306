package xz

import (
	"errors"
	"fmt"
)

// Sentinel errors; every error the package returns wraps one of them in an
// *Error that says where in the input it happened.
var (
	// ErrFormat means the input is not what the format says is there: bad
	// magic bytes, reserved bits set, a size field that disagrees with
	// another, a header CRC32 that does not match.
	ErrFormat = errors.New("malformed xz data")
	// ErrCorrupt means the compressed data itself is invalid: an LZMA2
	// chunk that decodes outside its bounds or to a distance before the
	// start of the dictionary.
	ErrCorrupt = errors.New("corrupt compressed data")
	// ErrTruncated means the input ends before the format says it does.
	ErrTruncated = errors.New("truncated input")
	// ErrCheck means a block decoded but its integrity check (CRC32,
	// CRC64, SHA-256) does not match.
	ErrCheck = errors.New("integrity check mismatch")
	// ErrUnsupported means valid but not decodable here: a filter other
	// than LZMA2, x86 BCJ and delta, or a check type that is only
	// reserved in the format.
	ErrUnsupported = errors.New("unsupported xz feature")
	// ErrTooLarge means the output or the dictionary would pass the
	// Config's limit.
	ErrTooLarge = errors.New("over the size limit")
)

// Error says where decoding failed: Offset is the byte offset in the
// compressed input of the structure that failed (a block header, an LZMA2
// chunk, the index), Block the 1-based block number within its stream when
// the failure is inside a block (0 otherwise).
type Error struct {
	Offset int64
	Block  int
	What   string // the structure and what was wrong with it
	Err    error  // one of the sentinel errors
}

func (e *Error) Error() string {
	where := fmt.Sprintf("offset %d", e.Offset)
	if e.Block > 0 {
		where = fmt.Sprintf("block %d at offset %d", e.Block, e.Offset)
	}
	return fmt.Sprintf("xz: %s: %s: %v", where, e.What, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

func errAt(off int64, err error, format string, args ...any) *Error {
	return &Error{Offset: off, What: fmt.Sprintf(format, args...), Err: err}
}
