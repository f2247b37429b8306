package syzbot

import (
	"bytes"
	_ "embed"
	"sync"

	"sysweight/syscalls"
)

// defaultTable is data/triggers-x86_64.json, written by
// scripts/trigger-table.sh from the pinned commit.
//
//go:embed data/triggers-x86_64.json
var defaultTable []byte

var loadDefault = sync.OnceValues(func() (*Table, error) {
	return Decode(bytes.NewReader(defaultTable), syscalls.MustForArch(syscalls.X86_64))
})

// Default returns the committed table.
func Default() (*Table, error) { return loadDefault() }
