package hostguard

import (
	"testing"
	"time"
)

func TestWaitForRelease(t *testing.T) {
	if !Wait[struct{}](0, nil) {
		t.Fatal("the guard is held before anything holds it")
	}
	r1, r2 := Hold(), Hold()
	start := time.Now()
	if Wait[struct{}](50*time.Millisecond, nil) {
		t.Fatal("Wait returned free while two holds are out")
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Fatalf("Wait gave up after %v, before its bound", d)
	}
	r1()
	r1() // a second release of the same hold does nothing
	if Wait[struct{}](10*time.Millisecond, nil) {
		t.Fatal("free with one hold still out")
	}
	go func() { time.Sleep(20 * time.Millisecond); r2() }()
	start = time.Now()
	if !Wait[struct{}](5*time.Second, nil) {
		t.Fatal("not free after the last release")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("Wait took %v to see the release", d)
	}
}

func TestWaitStops(t *testing.T) {
	release := Hold()
	defer release()
	stop := make(chan int, 1)
	stop <- 1
	start := time.Now()
	if Wait(time.Minute, stop) {
		t.Fatal("free while held")
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("a stop took %v", d)
	}
}
