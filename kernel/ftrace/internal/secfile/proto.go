package secfile

import "fmt"

// ConfigPath is where the guest finds its Config in the initramfs.
const ConfigPath = "/ftguest.json"

// Config is what the host tells the guest to do.
type Config struct {
	// Output is the raw disk the sections go to.
	Output string `json:"output"`
	// Modules are .ko files in the initramfs, loaded in order before
	// tracing starts.
	Modules []string `json:"modules"`
	// BufferKiB is the ring buffer's size per CPU (buffer_size_kb).
	BufferKiB int `json:"buffer_kib"`
	// Options are tracefs options set to 1 ("funcgraph-proc"), or to 0
	// with a "no" prefix ("nofuncgraph-overhead").
	Options   []string   `json:"options"`
	Workloads []Workload `json:"workloads"`
}

// Workload is one traced program run.
type Workload struct {
	Name string   `json:"name"`
	Argv []string `json:"argv"`
	// Text also saves the kernel's own text rendering of the trace
	// (the trace file), which needs the whole recording to fit in the
	// ring buffer: it is read after the run, not drained during it.
	Text bool `json:"text"`
	// TimeoutSec bounds the run; the workload is killed after it.
	TimeoutSec int `json:"timeout_sec"`
}

// Section names. Per-workload sections carry the workload's name.
const (
	SecLog        = "log"      // the guest's own progress and errors, text
	SecError      = "error"    // why the guest gave up, if it did
	SecUname      = "uname"    // uname -a equivalent, text
	SecCmdline    = "cmdline"  // /proc/cmdline
	SecModules    = "modules"  // /proc/modules after loading
	SecKallsyms   = "kallsyms" // /proc/kallsyms after loading
	SecOptions    = "trace_options"
	SecHeaderPage = "events/header_page"
	SecEntryFmt   = "events/ftrace/funcgraph_entry/format"
	SecExitFmt    = "events/ftrace/funcgraph_exit/format"
)

// RawName names the ring-buffer pages of one CPU during one workload.
func RawName(workload string, cpu int) string { return fmt.Sprintf("raw/%s/cpu%d", workload, cpu) }

// TextName names the kernel's text rendering of one workload's trace.
func TextName(workload string) string { return "text/" + workload }

// StatsName names per_cpu/cpuN/stats read after one workload.
func StatsName(workload string, cpu int) string {
	return fmt.Sprintf("stats/%s/cpu%d", workload, cpu)
}

// StdoutName and StderrName name a workload's output.
func StdoutName(workload string) string { return "stdout/" + workload }
func StderrName(workload string) string { return "stderr/" + workload }

// StatusName names a workload's Status, JSON.
func StatusName(workload string) string { return "status/" + workload }

// Status is how a workload ended.
type Status struct {
	Exit     int     `json:"exit"`             // -1 if killed by a signal
	Signal   string  `json:"signal,omitempty"` // the signal that killed it
	TimedOut bool    `json:"timed_out"`        // killed after TimeoutSec
	Seconds  float64 `json:"seconds"`          // guest wall time of the run
	CPUs     int     `json:"cpus"`             // CPUs whose buffers were read
	RawBytes int64   `json:"raw_bytes"`        // ring-buffer pages read
	Error    string  `json:"error,omitempty"`  // why it could not run
}
