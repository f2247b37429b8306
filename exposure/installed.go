package exposure

import (
	"fmt"
	"strings"

	"sysweight/bpf"
	"sysweight/syscalls"
)

// ArgCorpus gives the argument tuples to try for a syscall: at least one,
// the all-zero tuple when no argument value is of interest. *Corpus is one.
type ArgCorpus interface {
	Tuples(syscall string) [][6]uint64
}

// FromBPF is the exposure of one thread's installed filter stack (as
// bpf.DumpFilters returns it). A call reaches the kernel only when the
// action the kernel takes from all the filters together lets it: the
// kernel runs every filter and acts on the most restrictive result
// (kernel/seccomp.c: seccomp_run_filters). The degree of a syscall is the
// fraction of corpus tuples whose combined action reaches the kernel
// (seccomp.Action.ReachesKernel). seccomp_data.arch is arch's AUDIT_ARCH
// value and the instruction pointer 0.
func FromBPF(name string, arch syscalls.Arch, filters [][]bpf.Instruction, corpus ArgCorpus) (*Exposure, error) {
	return FromBPFStacks(name, arch, [][][]bpf.Instruction{filters}, nil, corpus)
}

// FromDump is the exposure of a whole dumped process: a syscall reaches
// the host when any thread's stack lets it through, since any thread may
// make it. Threads without a filter expose every syscall.
func FromDump(name string, arch syscalls.Arch, d *bpf.Dump, corpus ArgCorpus) (*Exposure, error) {
	stacks, tids := d.Stacks()
	labels := make([]string, len(tids))
	for i, ts := range tids {
		s := make([]string, len(ts))
		for j, tid := range ts {
			s[j] = fmt.Sprint(tid)
		}
		labels[i] = "threads " + strings.Join(s, ",")
	}
	e, err := FromBPFStacks(name, arch, stacks, labels, corpus)
	if err != nil {
		return nil, err
	}
	e.Provenance.Origin = fmt.Sprintf("pid %d", d.PID)
	return e, nil
}

// FromBPFStacks is FromBPF over several filter stacks, one per kind of
// thread: a tuple counts as exposed when any stack lets it through.
// labels, when given, name the stacks in Entry.Via.
func FromBPFStacks(name string, arch syscalls.Arch, stacks [][][]bpf.Instruction, labels []string, corpus ArgCorpus) (*Exposure, error) {
	t, err := syscalls.ForArch(arch)
	if err != nil {
		return nil, err
	}
	if labels != nil && len(labels) != len(stacks) {
		return nil, fmt.Errorf("exposure %s: %d labels for %d filter stacks", name, len(labels), len(stacks))
	}
	progs := make([][]*bpf.Program, len(stacks))
	insns, nfilters := 0, 0
	for i, stack := range stacks {
		for j, f := range stack {
			p, err := bpf.Compile(f)
			if err != nil {
				return nil, fmt.Errorf("exposure %s: stack %d filter %d: %w", name, i, j, err)
			}
			progs[i] = append(progs[i], p)
			insns += p.Len()
			nfilters++
		}
	}
	audit := arch.AuditArch()
	var entries []Entry
	for _, s := range t.All() {
		tuples := corpus.Tuples(s.Name)
		if len(tuples) == 0 {
			tuples = [][6]uint64{{}}
		}
		exposed := 0
		via := make([]bool, len(stacks))
		d := bpf.SeccompData{Nr: int32(s.Nr), Arch: audit}
		for _, args := range tuples {
			d.Args = args
			reached := false
			for i, stack := range progs {
				if stackAllows(stack, &d) {
					reached, via[i] = true, true
				}
			}
			if reached {
				exposed++
			}
		}
		if exposed == 0 {
			continue
		}
		en := Entry{Syscall: s.Name, Degree: float64(exposed) / float64(len(tuples))}
		if exposed < len(tuples) {
			en.Conditions = []string{fmt.Sprintf("%d of %d argument tuples reach the kernel", exposed, len(tuples))}
		}
		if labels != nil {
			for i, ok := range via {
				if ok {
					en.Via = append(en.Via, labels[i])
				}
			}
		}
		entries = append(entries, en)
	}
	prov := Provenance{Source: Installed, Origin: name,
		Notes: []string{fmt.Sprintf("%d filter stacks, %d filters, %d BPF instructions", len(stacks), nfilters, insns)}}
	return New(name, arch, prov, entries)
}

// stackAllows runs a thread's filters as the kernel does: every filter,
// the most restrictive action wins. An empty stack is no filter.
func stackAllows(stack []*bpf.Program, d *bpf.SeccompData) bool {
	ret := bpf.RetAllow
	for _, p := range stack {
		ret = bpf.Combine(ret, p.Run(d))
	}
	return bpf.DecodeReturn(ret).Action.ReachesKernel()
}
