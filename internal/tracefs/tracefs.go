package tracefs

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"sysweight/internal/leftovers"
)

// Sentinel errors. Callers wrap them in their own ("%w: %w"), so that both
// their sentinel and these answer errors.Is.
var (
	ErrNotSupportedOnOS = errors.New("tracefs needs Linux")
	ErrNeedsRoot        = errors.New("tracefs needs root")
	ErrNotMounted       = errors.New("tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing)")
)

// Canonical is where tracefs is mounted when it is not mounted at all;
// cilium/ebpf's link.Tracepoint looks for it there and at
// /sys/kernel/debug/tracing.
const Canonical = "/sys/kernel/tracing"

// canonicalPlaces are the mount points tools look at, in their order.
var canonicalPlaces = []string{Canonical, "/sys/kernel/debug/tracing"}

// mountPoint returns where tracefs's root is mounted in a
// /proc/self/mountinfo: the first canonical place, else, with anywhere, the
// first other place; "" when there is none. Every mount shows the same
// instances (tracefs has one superblock), so which one is used matters only
// to tools that look at the canonical places.
func mountPoint(mountinfo []byte, anywhere bool) string {
	mounts := leftovers.ParseMountinfo(mountinfo)
	for _, m := range mounts {
		if m.Type == "tracefs" && m.Root && (m.Point == canonicalPlaces[0] || m.Point == canonicalPlaces[1]) {
			return m.Point
		}
	}
	if anywhere {
		for _, m := range mounts {
			if m.Type == "tracefs" && m.Root {
				return m.Point
			}
		}
	}
	return ""
}

// parseStatsLost reads a per_cpu/cpuN/stats file ("overrun: 12",
// "dropped events: 0", ...) and sums the two loss counters.
func parseStatsLost(b []byte) (uint64, error) {
	var lost uint64
	for i, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || (k != "overrun" && k != "dropped events") {
			continue
		}
		n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("line %d: %s %q: want an unsigned integer", i+1, k, strings.TrimSpace(v))
		}
		lost += n
	}
	return lost, nil
}

// markWrite separates the task and time stamp of a trace_marker line in
// trace_pipe's text from the marker's text (kernel/trace/trace_output.c,
// the print event).
const markWrite = ": tracing_mark_write: "

// isMarker reports whether a trace_pipe line is the marker text.
func isMarker(line []byte, text string) bool {
	n := len(line) - len(text)
	return n >= len(markWrite) && string(line[n:]) == text && string(line[n-len(markWrite):n]) == markWrite
}
