// Package tracefs is sysweight's one way into the kernel's tracefs, for
// `sysweight trace` (its tracefs backend, and the event formats its eBPF
// backend reads) and `sysweight passthrough`.
//
// It owns:
//
//   - finding the mount (Open: /sys/kernel/tracing or
//     /sys/kernel/debug/tracing, else any mount of tracefs's root;
//     OpenOrMount: mounts it at /sys/kernel/tracing when it is at neither
//     canonical place, and unmounts it again at Close), with ErrNeedsRoot
//     and ErrNotMounted for callers to test with errors.Is. Paths go
//     through an O_PATH descriptor of the root, so a concurrent unmount
//     does not strand an instance;
//   - private instances (instances/NAME, named by internal/leftovers after
//     the owning process, so that `sysweight cleanup` and the next run can
//     remove what a SIGKILLed run left; NewInstance sweeps those first),
//     with tracing off until SetOn, event-fork and record-tgid always, the
//     buffer size and trace_clock on request;
//   - events (Enable), the pid filter (AddPIDs: set_event_pid only grows,
//     written without O_TRUNC), markers (Mark, through trace_marker), the
//     kernel's loss counters (Lost);
//   - two readers. RawReader polls the per-CPU binary buffers
//     (trace_pipe_raw) and hands over pages (Page.Events decodes them,
//     following include/linux/ring_buffer.h): the fast one, for counting.
//     Pipe reads trace_pipe, the kernel's text merged across CPUs in time
//     stamp order with markers and thread groups: slower, for those who need
//     one ordered sequence. Pipe.Stop reads up to a marker of its own, so
//     nothing recorded before it is missed;
//   - Instance.Close on every path: readers stopped, tracing off, files
//     closed, the directory removed (retried while the kernel holds it busy);
//   - the formats: event format files (ParseFormat) and ring-buffer pages,
//     both fuzzed.
//
// It does not decide what to trace or what a record means: trace reads
// sys_enter's fields and follows its spawner thread, passthrough parses the
// text lines and ties them to its probe's markers. It does not run the
// sweep of other leftovers (containers, work directories: internal/leftovers)
// nor hold the process alive while an interrupted run cleans up
// (internal/hostguard).
//
// Why two readers. trace counts events and needs no order across CPUs, so
// it reads pages. passthrough needs its markers and the events of every CPU
// in one time order, and each task's thread group, which the text carries
// (record-tgid) and the binary records do not. The text costs: tracing
// `dd bs=1 count=200000` (400,000 sys_enter events) into a 16 MiB buffer,
// BenchmarkRawReader read all of them at 60–77 ns of this process's CPU
// per event, BenchmarkPipeReader 880–1000 ns per event and could not keep
// up (14,000–57,000 events lost per run; 2 vCPUs at load average 6–9,
// Linux 6.18). passthrough's probe paces its calls by a handshake, and its
// tests assert that nothing is lost.
package tracefs
