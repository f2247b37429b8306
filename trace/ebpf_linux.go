package trace

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/link"
)

// Task states in the tracked map. A command started by Run is pending from
// its fork until its execve succeeds: while pending only execve and
// execveat count, so Go's fork-child bookkeeping is not charged to the
// workload.
const (
	statePending = 1
	stateActive  = 2
)

// x86_64 numbers of execve and execveat; the pending state only exists for
// commands Run starts, on the host, whose table these come from.
const (
	nrExecve   = 59
	nrExecveat = 322
)

const (
	maxTracked = 1 << 15 // live tasks of one traced tree
	nrSlots    = MaxNr + 1
	otherSlot  = MaxNr // numbers outside [0, MaxNr) land here
	statUntrk  = 0     // stats slot: failed inserts into tracked
)

// ebpfTracer counts syscalls in the kernel. Maps:
//
//	tracked  hash    tid -> state      the traced tasks
//	spawners hash    tid -> 1          threads of ours about to fork a command
//	counts   percpu  nr -> count       sys_enter per syscall number
//	args     hash    nr -> [6]u64      first-seen arguments (BPF_NOEXIST)
//	stats    percpu  slot -> count     failed tracked inserts
type ebpfTracer struct {
	tracked, spawners, counts, args, stats *ebpf.Map
	enter, fork, exec, exit                *ebpf.Program
	links                                  []link.Link
	enterLink                              link.Link
}

func newEBPF(fs *tracefs) (_ *ebpfTracer, err error) {
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("%w: the ebpf backend needs root (CAP_BPF, CAP_PERFMON)", ErrUnavailable)
	}
	l, err := fs.layout()
	if err != nil {
		return nil, err
	}
	t := &ebpfTracer{}
	defer func() {
		if err != nil {
			t.close()
		}
	}()
	newMap := func(name string, typ ebpf.MapType, key, val, n uint32) (*ebpf.Map, error) {
		m, err := ebpf.NewMap(&ebpf.MapSpec{Name: name, Type: typ, KeySize: key, ValueSize: val, MaxEntries: n})
		if err != nil {
			return nil, fmt.Errorf("%w: creating BPF map %s: %v", ErrUnavailable, name, err)
		}
		return m, nil
	}
	if t.tracked, err = newMap("sw_tracked", ebpf.Hash, 4, 4, maxTracked); err != nil {
		return nil, err
	}
	if t.spawners, err = newMap("sw_spawners", ebpf.Hash, 4, 4, 64); err != nil {
		return nil, err
	}
	if t.counts, err = newMap("sw_counts", ebpf.PerCPUArray, 4, 8, nrSlots); err != nil {
		return nil, err
	}
	if t.args, err = newMap("sw_args", ebpf.Hash, 4, 48, nrSlots); err != nil {
		return nil, err
	}
	if t.stats, err = newMap("sw_stats", ebpf.PerCPUArray, 4, 8, 4); err != nil {
		return nil, err
	}
	load := func(name string, insns asm.Instructions) (*ebpf.Program, error) {
		p, err := ebpf.NewProgram(&ebpf.ProgramSpec{Name: name, Type: ebpf.TracePoint, License: "GPL", Instructions: insns})
		if err != nil {
			return nil, fmt.Errorf("%w: loading BPF program %s: %v", ErrUnavailable, name, err)
		}
		return p, nil
	}
	if t.enter, err = load("sw_sys_enter", enterProg(l, t.tracked.FD(), t.counts.FD(), t.args.FD())); err != nil {
		return nil, err
	}
	if t.fork, err = load("sw_fork", forkProg(l, t.tracked.FD(), t.spawners.FD(), t.stats.FD())); err != nil {
		return nil, err
	}
	if t.exec, err = load("sw_exec", execProg(l, t.tracked.FD())); err != nil {
		return nil, err
	}
	if t.exit, err = load("sw_exit", exitProg(t.tracked.FD())); err != nil {
		return nil, err
	}
	// Follow forks before counting, so no child is born untracked.
	for _, a := range []struct {
		group, name string
		p           *ebpf.Program
	}{
		{"sched", "sched_process_fork", t.fork},
		{"sched", "sched_process_exec", t.exec},
		{"sched", "sched_process_exit", t.exit},
		{"raw_syscalls", "sys_enter", t.enter},
	} {
		lk, err := link.Tracepoint(a.group, a.name, a.p, nil)
		if err != nil {
			return nil, fmt.Errorf("%w: attaching to tracepoint %s/%s: %v", ErrUnavailable, a.group, a.name, err)
		}
		t.links = append(t.links, lk)
		if a.p == t.enter {
			t.enterLink = lk
		}
	}
	return t, nil
}

func (t *ebpfTracer) name() string { return BackendEBPF }

func key32(v int) []byte { return binary.NativeEndian.AppendUint32(nil, uint32(v)) }

func (t *ebpfTracer) beginSpawn(tid int) error {
	if err := t.spawners.Put(key32(tid), key32(1)); err != nil {
		return fmt.Errorf("marking spawner thread %d: %w", tid, err)
	}
	return nil
}

func (t *ebpfTracer) endSpawn(tid, child int) error {
	if err := t.spawners.Delete(key32(tid)); err != nil {
		return fmt.Errorf("unmarking spawner thread %d: %w", tid, err)
	}
	return nil
}

func (t *ebpfTracer) add(tids []int) (int, error) {
	n := 0
	for _, tid := range tids {
		err := t.tracked.Update(key32(tid), key32(stateActive), ebpf.UpdateNoExist)
		if errors.Is(err, ebpf.ErrKeyExist) {
			continue
		}
		if err != nil {
			return n, fmt.Errorf("tracking thread %d: %w", tid, err)
		}
		n++
	}
	return n, nil
}

// finish stops counting and reads the maps.
func (t *ebpfTracer) finish() (*Result, error) {
	if t.enterLink != nil {
		if err := t.enterLink.Close(); err != nil {
			return nil, fmt.Errorf("detaching sys_enter: %w", err)
		}
		t.enterLink = nil
	}
	r := &Result{Backend: BackendEBPF, Counts: map[int]uint64{}, FirstArgs: map[int][6]uint64{}}
	var per []uint64
	for nr := 0; nr < nrSlots; nr++ {
		if err := t.counts.Lookup(uint32(nr), &per); err != nil {
			return nil, fmt.Errorf("reading count of syscall %d: %w", nr, err)
		}
		var sum uint64
		for _, v := range per {
			sum += v
		}
		switch {
		case sum == 0:
		case nr == otherSlot:
			r.Other = sum
		default:
			r.Counts[nr] = sum
		}
	}
	var k uint32
	var v [6]uint64
	it := t.args.Iterate()
	for it.Next(&k, &v) {
		if int(k) != otherSlot {
			r.FirstArgs[int(k)] = v
		}
	}
	if err := it.Err(); err != nil {
		return nil, fmt.Errorf("reading first arguments: %w", err)
	}
	if err := t.stats.Lookup(uint32(statUntrk), &per); err != nil {
		return nil, fmt.Errorf("reading stats: %w", err)
	}
	for _, v := range per {
		r.Untracked += v
	}
	// A tracepoint program the kernel skips (bpf_prog_active recursion) is
	// the only way this backend loses events.
	for _, p := range []*ebpf.Program{t.enter, t.exec} {
		if st, err := p.Stats(); err == nil {
			r.Lost += st.RecursionMisses
		}
	}
	if st, err := t.fork.Stats(); err == nil {
		r.Untracked += st.RecursionMisses
	}
	return r, nil
}

func (t *ebpfTracer) close() error {
	var errs []error
	for _, lk := range t.links {
		if err := lk.Close(); err != nil && !errors.Is(err, os.ErrClosed) {
			errs = append(errs, err)
		}
	}
	t.links, t.enterLink = nil, nil
	for _, p := range []*ebpf.Program{t.enter, t.fork, t.exec, t.exit} {
		if p != nil {
			errs = append(errs, p.Close())
		}
	}
	for _, m := range []*ebpf.Map{t.tracked, t.spawners, t.counts, t.args, t.stats} {
		if m != nil {
			errs = append(errs, m.Close())
		}
	}
	return errors.Join(errs...)
}

// Programs. Tracepoint programs get a pointer to the raw event record, whose
// field offsets come from the format files (layout), not from headers.

// lookupTid looks the current thread up in map fd, leaving the value
// pointer in R0 (nil when absent); the key is stored at fp-4.
func lookupTid(fd int) asm.Instructions {
	return asm.Instructions{
		asm.FnGetCurrentPidTgid.Call(),
		asm.StoreMem(asm.RFP, -4, asm.R0, asm.Word), // low 32 bits: thread id
		asm.LoadMapPtr(asm.R1, fd),
		asm.Mov.Reg(asm.R2, asm.RFP),
		asm.Add.Imm(asm.R2, -4),
		asm.FnMapLookupElem.Call(),
	}
}

// enterProg: if the current thread is tracked, count the syscall in the
// per-CPU array and, the first time this CPU sees the number, offer its
// arguments to the args map with BPF_NOEXIST (so the first writer wins and
// the hash map is not touched on the hot path).
func enterProg(l layout, tracked, counts, args int) asm.Instructions {
	insns := asm.Instructions{asm.Mov.Reg(asm.R6, asm.R1)}
	insns = append(insns, lookupTid(tracked)...)
	insns = append(insns,
		asm.JEq.Imm(asm.R0, 0, "exit"),
		asm.LoadMem(asm.R7, asm.R0, 0, asm.Word),
		asm.LoadMem(asm.R8, asm.R6, int16(l.idOff), asm.DWord),
		asm.JEq.Imm(asm.R7, stateActive, "count"),
		asm.JEq.Imm(asm.R8, nrExecve, "count"),
		asm.JEq.Imm(asm.R8, nrExecveat, "count"),
		asm.Ja.Label("exit"),
		// unsigned compare: -1 and x32 numbers go to the last slot
		asm.JLE.Imm(asm.R8, otherSlot, "slot").WithSymbol("count"),
		asm.Mov.Imm(asm.R8, otherSlot),
		asm.StoreMem(asm.RFP, -8, asm.R8, asm.Word).WithSymbol("slot"),
		asm.LoadMapPtr(asm.R1, counts),
		asm.Mov.Reg(asm.R2, asm.RFP),
		asm.Add.Imm(asm.R2, -8),
		asm.FnMapLookupElem.Call(),
		asm.JEq.Imm(asm.R0, 0, "exit"),
		asm.LoadMem(asm.R1, asm.R0, 0, asm.DWord),
		asm.Add.Imm(asm.R1, 1),
		asm.StoreMem(asm.R0, 0, asm.R1, asm.DWord),
		asm.JNE.Imm(asm.R1, 1, "exit"),
	)
	for i := 0; i < 6; i++ {
		insns = append(insns,
			asm.LoadMem(asm.R1, asm.R6, int16(l.argOff+8*i), asm.DWord),
			asm.StoreMem(asm.RFP, int16(-56+8*i), asm.R1, asm.DWord),
		)
	}
	return append(insns,
		asm.LoadMapPtr(asm.R1, args),
		asm.Mov.Reg(asm.R2, asm.RFP),
		asm.Add.Imm(asm.R2, -8),
		asm.Mov.Reg(asm.R3, asm.RFP),
		asm.Add.Imm(asm.R3, -56),
		asm.Mov.Imm(asm.R4, int32(ebpf.UpdateNoExist)),
		asm.FnMapUpdateElem.Call(),
		asm.Mov.Imm(asm.R0, 0).WithSymbol("exit"),
		asm.Return(),
	)
}

// forkProg: a child of a tracked thread inherits its state; a child of a
// spawner thread starts pending. Failed inserts are counted in stats.
func forkProg(l layout, tracked, spawners, stats int) asm.Instructions {
	return asm.Instructions{
		asm.Mov.Reg(asm.R6, asm.R1),
		asm.LoadMem(asm.R1, asm.R6, int16(l.parentOff), asm.Word),
		asm.StoreMem(asm.RFP, -4, asm.R1, asm.Word),
		asm.LoadMem(asm.R1, asm.R6, int16(l.childOff), asm.Word),
		asm.StoreMem(asm.RFP, -8, asm.R1, asm.Word),
		asm.LoadMapPtr(asm.R1, tracked),
		asm.Mov.Reg(asm.R2, asm.RFP),
		asm.Add.Imm(asm.R2, -4),
		asm.FnMapLookupElem.Call(),
		asm.JEq.Imm(asm.R0, 0, "spawner"),
		asm.LoadMem(asm.R1, asm.R0, 0, asm.Word),
		asm.StoreMem(asm.RFP, -12, asm.R1, asm.Word),
		asm.Ja.Label("insert"),
		asm.LoadMapPtr(asm.R1, spawners).WithSymbol("spawner"),
		asm.Mov.Reg(asm.R2, asm.RFP),
		asm.Add.Imm(asm.R2, -4),
		asm.FnMapLookupElem.Call(),
		asm.JEq.Imm(asm.R0, 0, "exit"),
		asm.StoreImm(asm.RFP, -12, statePending, asm.Word),
		asm.LoadMapPtr(asm.R1, tracked).WithSymbol("insert"),
		asm.Mov.Reg(asm.R2, asm.RFP),
		asm.Add.Imm(asm.R2, -8),
		asm.Mov.Reg(asm.R3, asm.RFP),
		asm.Add.Imm(asm.R3, -12),
		asm.Mov.Imm(asm.R4, int32(ebpf.UpdateAny)),
		asm.FnMapUpdateElem.Call(),
		asm.JEq.Imm(asm.R0, 0, "exit"),
		asm.StoreImm(asm.RFP, -16, statUntrk, asm.Word),
		asm.LoadMapPtr(asm.R1, stats),
		asm.Mov.Reg(asm.R2, asm.RFP),
		asm.Add.Imm(asm.R2, -16),
		asm.FnMapLookupElem.Call(),
		asm.JEq.Imm(asm.R0, 0, "exit"),
		asm.LoadMem(asm.R1, asm.R0, 0, asm.DWord),
		asm.Add.Imm(asm.R1, 1),
		asm.StoreMem(asm.R0, 0, asm.R1, asm.DWord),
		asm.Mov.Imm(asm.R0, 0).WithSymbol("exit"),
		asm.Return(),
	}
}

// execProg: a successful execve makes the task active. When a thread other
// than the leader execs, de_thread has already reaped the leader (whose
// exit removed its entry) and given the thread the leader's id, so the
// state is looked up under old_pid and stored under pid.
func execProg(l layout, tracked int) asm.Instructions {
	return asm.Instructions{
		asm.Mov.Reg(asm.R6, asm.R1),
		asm.LoadMem(asm.R1, asm.R6, int16(l.execOldOff), asm.Word),
		asm.StoreMem(asm.RFP, -4, asm.R1, asm.Word),
		asm.LoadMem(asm.R7, asm.R6, int16(l.execPidOff), asm.Word),
		asm.StoreMem(asm.RFP, -8, asm.R7, asm.Word),
		asm.StoreImm(asm.RFP, -12, stateActive, asm.Word),
		asm.LoadMapPtr(asm.R1, tracked),
		asm.Mov.Reg(asm.R2, asm.RFP),
		asm.Add.Imm(asm.R2, -4),
		asm.FnMapLookupElem.Call(),
		asm.JEq.Imm(asm.R0, 0, "exit"),
		asm.LoadMapPtr(asm.R1, tracked),
		asm.Mov.Reg(asm.R2, asm.RFP),
		asm.Add.Imm(asm.R2, -8),
		asm.Mov.Reg(asm.R3, asm.RFP),
		asm.Add.Imm(asm.R3, -12),
		asm.Mov.Imm(asm.R4, int32(ebpf.UpdateAny)),
		asm.FnMapUpdateElem.Call(),
		asm.LoadMem(asm.R1, asm.RFP, -4, asm.Word),
		asm.JEq.Reg(asm.R1, asm.R7, "exit"),
		asm.LoadMapPtr(asm.R1, tracked),
		asm.Mov.Reg(asm.R2, asm.RFP),
		asm.Add.Imm(asm.R2, -4),
		asm.FnMapDeleteElem.Call(),
		asm.Mov.Imm(asm.R0, 0).WithSymbol("exit"),
		asm.Return(),
	}
}

// exitProg forgets an exiting thread, so a recycled thread id is not traced.
func exitProg(tracked int) asm.Instructions {
	return asm.Instructions{
		asm.FnGetCurrentPidTgid.Call(),
		asm.StoreMem(asm.RFP, -4, asm.R0, asm.Word),
		asm.LoadMapPtr(asm.R1, tracked),
		asm.Mov.Reg(asm.R2, asm.RFP),
		asm.Add.Imm(asm.R2, -4),
		asm.FnMapDeleteElem.Call(),
		asm.Mov.Imm(asm.R0, 0),
		asm.Return(),
	}
}
