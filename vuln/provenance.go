package vuln

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// ProvenanceFile is the name of the file each feed writes in its cache
// folder after a successful update.
const ProvenanceFile = "provenance.json"

// Provenance records where a feed's cached copy came from.
type Provenance struct {
	Feed      string    `json:"feed"`
	URL       string    `json:"url"`
	FetchedAt time.Time `json:"fetchedAt"`
	SHA256    string    `json:"sha256"`  // of the bytes downloaded (for NVD: of the records file written)
	Records   int       `json:"records"` // CVE records in the cached copy
	Rejected  int       `json:"rejected,omitempty"`
}

// ReadProvenance reads dir/provenance.json.
func ReadProvenance(dir string) (Provenance, error) {
	var p Provenance
	b, err := os.ReadFile(filepath.Join(dir, ProvenanceFile))
	if err != nil {
		return p, err
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return p, fmt.Errorf("decoding %s: %w", filepath.Join(dir, ProvenanceFile), err)
	}
	return p, nil
}

// Clock is the time source of downloads: Now stamps provenance, Sleep
// waits for rate limits and retries. Tests inject a fake one.
type Clock interface {
	Now() time.Time
	Sleep(ctx context.Context, d time.Duration) error
}

// SystemClock is the real Clock.
type SystemClock struct{}

func (SystemClock) Now() time.Time { return time.Now().UTC() }

func (SystemClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
