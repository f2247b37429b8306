package fetch

import (
	"context"
	"sync"
	"time"
)

// FakeClock is a vuln.Clock for tests: Sleep returns at once, advancing Now
// and recording how long it was asked to wait.
type FakeClock struct {
	mu     sync.Mutex
	T      time.Time
	Slept  []time.Duration
	OnWait func(d time.Duration) // called inside Sleep, if set
}

func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.T
}

func (c *FakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.T = c.T.Add(d)
	c.Slept = append(c.Slept, d)
	f := c.OnWait
	c.mu.Unlock()
	if f != nil {
		f(d)
	}
	return nil
}
