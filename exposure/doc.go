// Package exposure owns Exposure: the degree in [0,1] to which a runtime
// configuration lets each syscall reach the host kernel, with provenance.
// It builds Exposures from each source of DESIGN.md: declared policies
// (evaluated over the argument corpus defined here), installed BPF filters
// (over that corpus with the constants the programs themselves test,
// BPFConstants and Corpus.With), observed traces and pass-through
// experiments.
//
// It does not weight syscalls or score (package score), and it does not read
// the host: builders take already-decoded inputs.
package exposure
