package db

import (
	_ "embed"
	"fmt"
	"sync"
)

// defaultDB is the weight DB that ships with sysweight, built by
// `make weightdb` (see README) from pinned inputs named in its metadata.
//
//go:embed data/weights-x86_64.json
var defaultDB []byte

// defaultHead is the head of defaultDB in EncodeHead's form, derived from
// it by `go generate ./vuln/db` (make weightdb runs it).
//
//go:generate go run ./internal/genhead
//go:embed data/weights-x86_64.head
var defaultHead []byte

var defaultOnce = sync.OnceValues(func() (*DB, error) {
	d, err := decodeWithHead(defaultDB, defaultHead) // TestDefaultChecksum verifies defaultDB
	if err != nil {
		return nil, fmt.Errorf("embedded weight DB: %w", err)
	}
	return d, nil
})

// Default returns the embedded weight DB, decoded and verified once.
func Default() (*DB, error) { return defaultOnce() }

// DefaultBytes returns the embedded DB's encoding.
func DefaultBytes() []byte { return append([]byte(nil), defaultDB...) }
