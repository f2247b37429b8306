package bpf

import (
	"encoding/binary"
	"os"
	"runtime"
	"testing"
	"time"

	"sysweight/syscalls"
)

// dockerFilter loads the committed dump of runc's Docker default filter
// (testdata/README.md says how it was made).
func dockerFilter(tb testing.TB) *Program {
	tb.Helper()
	raw, err := os.ReadFile("testdata/docker-default-x86_64.bpf")
	if err != nil {
		tb.Fatal(err)
	}
	insns, err := DecodeOrder(raw, binary.LittleEndian)
	if err != nil {
		tb.Fatal(err)
	}
	p, err := Compile(insns)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// BenchmarkRunDockerFilter runs the 1070-instruction Docker filter once per
// x86_64 syscall number, round robin; one op is one verdict.
func BenchmarkRunDockerFilter(b *testing.B) {
	p := dockerFilter(b)
	var inputs []SeccompData
	for _, s := range syscalls.MustForArch(syscalls.X86_64).All() {
		inputs = append(inputs, SeccompData{Nr: int32(s.Nr), Arch: syscalls.X86_64.AuditArch(), Args: [6]uint64{2, 1}})
	}
	b.ReportAllocs()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ResetTimer()
	cpu := threadCPU()
	var sink uint32
	for i := 0; i < b.N; i++ {
		sink += p.Run(&inputs[i%len(inputs)])
	}
	_ = sink
	reportRates(b, threadCPU()-cpu)
}

// BenchmarkRunDockerFilterPlain is the baseline: the same inputs through
// the interpreter without the chain lookup.
func BenchmarkRunDockerFilterPlain(b *testing.B) {
	p := dockerFilter(b)
	var inputs []SeccompData
	for _, s := range syscalls.MustForArch(syscalls.X86_64).All() {
		inputs = append(inputs, SeccompData{Nr: int32(s.Nr), Arch: syscalls.X86_64.AuditArch(), Args: [6]uint64{2, 1}})
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ResetTimer()
	cpu := threadCPU()
	var sink uint32
	for i := 0; i < b.N; i++ {
		sink += p.run(p.plain, &inputs[i%len(inputs)])
	}
	_ = sink
	reportRates(b, threadCPU()-cpu)
}

// reportRates adds verdicts per second of wall time and, where known, CPU
// nanoseconds per verdict on the benchmark's thread.
func reportRates(b *testing.B, cpu time.Duration) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds()/1e6, "Mverdicts/s")
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/verdict")
	}
}
