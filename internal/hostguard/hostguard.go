// Package hostguard keeps an interrupted process alive while code that
// changed the host (a tracefs instance that is tracing, a running
// container and its cgroups) puts it back.
//
// cmd/sysweight exits on its own shortly after SIGINT or SIGTERM when a
// command does not return (a decoder that does not look at its context);
// trace.Run and passthrough.Run hold the guard while they own host state,
// and the exit waits for them, up to a bound, or until a second signal.
package hostguard

import (
	"sync"
	"time"
)

var (
	mu    sync.Mutex
	held  int
	freed = make(chan struct{}) // closed while nothing is held
)

func init() { close(freed) }

// Hold marks host state as owned until the returned release is called
// (once; later calls do nothing).
func Hold() (release func()) {
	mu.Lock()
	if held == 0 {
		freed = make(chan struct{})
	}
	held++
	mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			mu.Lock()
			held--
			if held == 0 {
				close(freed)
			}
			mu.Unlock()
		})
	}
}

// Released is closed once nothing holds the guard; it is a fresh channel
// each time the guard goes from free to held.
func Released() <-chan struct{} {
	mu.Lock()
	defer mu.Unlock()
	return freed
}

// Wait waits until nothing holds the guard, for at most max, or until
// stop delivers; it reports whether the guard was free.
func Wait[T any](max time.Duration, stop <-chan T) bool {
	select {
	case <-Released():
		return true
	case <-time.After(max):
	case <-stop:
	}
	select {
	case <-Released():
		return true
	default:
		return false
	}
}
