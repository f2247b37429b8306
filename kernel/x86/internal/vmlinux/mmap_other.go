//go:build !linux

package vmlinux

import (
	"errors"
	"os"
)

func mapFile(*os.File) ([]byte, error) { return nil, errors.New("mmap: not supported on this OS") }
