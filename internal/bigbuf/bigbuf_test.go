package bigbuf_test

import (
	"bytes"
	"errors"
	"testing"
	"testing/iotest"

	"sysweight/internal/bigbuf"
)

func TestMake(t *testing.T) {
	for _, n := range []int{0, 1, 8<<20 + 3} {
		b := bigbuf.Make(n)
		if len(b) != n || bytes.Count(b, []byte{0}) != n {
			t.Errorf("Make(%d): length %d, not all zero", n, len(b))
		}
	}
}

func TestReadAll(t *testing.T) {
	data := make([]byte, 200<<10+7)
	for i := range data {
		data[i] = byte(i * 7)
	}
	for _, c := range []struct {
		n, hint int
		limit   int64
		err     error
	}{
		{len(data), 0, 1 << 30, nil},
		{len(data), len(data), int64(len(data)), nil}, // exactly the limit
		{len(data), 10, int64(len(data)) - 1, bigbuf.ErrLimit},
		{0, 0, 0, nil},
		{1, 0, 0, bigbuf.ErrLimit},
		{65 << 10, 1 << 20, 64 << 10, bigbuf.ErrLimit}, // hint above the limit
	} {
		for _, one := range []bool{false, true} {
			var r = bytes.NewReader(data[:c.n])
			rd := iotestWrap(r, one)
			got, err := bigbuf.ReadAll(rd, c.hint, c.limit)
			if !errors.Is(err, c.err) || (err == nil && !bytes.Equal(got, data[:c.n])) {
				t.Errorf("ReadAll(%d bytes, hint %d, limit %d, one byte at a time %v): %d bytes, %v; want %v",
					c.n, c.hint, c.limit, one, len(got), err, c.err)
			}
		}
	}
}

func iotestWrap(r *bytes.Reader, one bool) interface{ Read([]byte) (int, error) } {
	if one {
		return iotest.OneByteReader(r)
	}
	return r
}
