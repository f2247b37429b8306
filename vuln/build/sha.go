package build

import (
	"crypto/sha256"
	"encoding/hex"
	"io"

	"sysweight/internal/infile"
)

func fileSHA256(path string) (string, error) {
	f, err := infile.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
