package trace

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"
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
//	tracked  hash    task key -> state   the traced tasks
//	spawners hash    tid -> 1            threads of ours about to fork a command
//	counts   percpu  nr -> count         sys_enter per syscall number
//	args     hash    nr -> [6]u64        first-seen arguments (BPF_NOEXIST)
//	stats    percpu  slot -> count       failed tracked inserts
//
// A task key is a u64: the task_struct address (keyTask) or the thread id
// (keyTid). Raw sched_process_fork passes the child's task_struct, whose
// pid sits at an offset only kernel BTF gives; keying by the address needs
// no offset at all, since bpf_get_current_task returns the same pointer
// in the child. The perf tracepoint's record carries thread ids instead,
// and so do the threads a --pid trace finds in /proc.
type ebpfTracer struct {
	tracked, spawners, counts, args, stats *ebpf.Map
	enter, fork, exec, exit                *ebpf.Program
	links                                  []link.Link
	enterLink                              link.Link
	method                                 string // how sys_enter is attached
	schedMethod                            string // how fork, exec and exit are
	keys                                   taskKey
}

// taskKey is what the tracked map is keyed by.
type taskKey int

const (
	keyTid  taskKey = iota // thread id: perf sched tracepoints, /proc
	keyTask                // task_struct address: raw sched tracepoints
)

// newEBPF loads and attaches the programs. The sched hooks are raw
// tracepoints (keyed by task) unless perfTracepoint is set or tids says
// threads will be added by id; raw tracepoints detach without the RCU
// grace period per perf event that closing perf tracepoints costs (about
// 50 ms each here), which dominates a short trace.
func newEBPF(fs *lazyTracefs, perfTracepoint, tids bool) (_ *ebpfTracer, err error) {
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("%w: the ebpf backend needs root (CAP_BPF, CAP_PERFMON)", ErrUnavailable)
	}
	t := &ebpfTracer{}
	defer func() {
		if err != nil {
			t.close()
		}
	}()
	newMap := func(name string, typ ebpf.MapType, key, val, n uint32) (*ebpf.Map, error) {
		var flags uint32
		if typ == ebpf.Hash {
			flags = unix.BPF_F_NO_PREALLOC
		}
		m, err := ebpf.NewMap(&ebpf.MapSpec{Name: name, Type: typ, KeySize: key, ValueSize: val, MaxEntries: n, Flags: flags})
		if err != nil {
			return nil, fmt.Errorf("%w: creating BPF map %s: %v", ErrUnavailable, name, err)
		}
		return m, nil
	}
	if t.tracked, err = newMap("sw_tracked", ebpf.Hash, 8, 4, maxTracked); err != nil {
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
	// Follow forks before counting, so no child is born untracked.
	var l *layout
	if perfTracepoint || tids || !t.attachRawSched() {
		lay, err := fs.layout()
		if err != nil {
			return nil, err
		}
		l = &lay
		if err := t.attachPerfSched(lay); err != nil {
			return nil, err
		}
	}
	if runtime.GOARCH == "amd64" && !perfTracepoint {
		p, err := ebpf.NewProgram(&ebpf.ProgramSpec{Name: "sw_sys_enter", Type: ebpf.RawTracepoint, License: "GPL",
			Instructions: enterProg(t.keys, 8, -1, t.tracked.FD(), t.counts.FD(), t.args.FD())})
		if err == nil {
			lk, lerr := link.AttachRawTracepoint(link.RawTracepointOptions{Name: "sys_enter", Program: p})
			if lerr == nil {
				t.enter, t.enterLink, t.method = p, lk, "raw_tracepoint"
				t.links = append(t.links, lk)
				return t, nil
			}
			p.Close()
		}
	}
	if l == nil {
		lay, err := fs.layout()
		if err != nil {
			return nil, err
		}
		l = &lay
	}
	if t.enter, err = loadTracepoint("sw_sys_enter", ebpf.TracePoint, enterProg(t.keys, l.idOff, l.argOff, t.tracked.FD(), t.counts.FD(), t.args.FD())); err != nil {
		return nil, err
	}
	lk, err := link.Tracepoint("raw_syscalls", "sys_enter", t.enter, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: attaching to tracepoint raw_syscalls/sys_enter: %v", ErrUnavailable, err)
	}
	t.enterLink, t.method = lk, "tracepoint"
	t.links = append(t.links, lk)
	return t, nil
}

func loadTracepoint(name string, typ ebpf.ProgramType, insns asm.Instructions) (*ebpf.Program, error) {
	p, err := ebpf.NewProgram(&ebpf.ProgramSpec{Name: name, Type: typ, License: "GPL", Instructions: insns})
	if err != nil {
		return nil, fmt.Errorf("%w: loading BPF program %s: %v", ErrUnavailable, name, err)
	}
	return p, nil
}

// attachPerfSched attaches the fork, exec and exit hooks as perf
// tracepoints, keyed by thread id from the records the format files lay
// out.
func (t *ebpfTracer) attachPerfSched(l layout) (err error) {
	t.keys = keyTid
	if t.fork, err = loadTracepoint("sw_fork", ebpf.TracePoint, forkProg(perfForkKeys(l), t.tracked.FD(), t.spawners.FD(), t.stats.FD())); err != nil {
		return err
	}
	if t.exec, err = loadTracepoint("sw_exec", ebpf.TracePoint, execProgTid(l, t.tracked.FD())); err != nil {
		return err
	}
	if t.exit, err = loadTracepoint("sw_exit", ebpf.TracePoint, exitProg(keyTid, t.tracked.FD())); err != nil {
		return err
	}
	for _, a := range []struct {
		name string
		p    *ebpf.Program
	}{{"sched_process_fork", t.fork}, {"sched_process_exec", t.exec}, {"sched_process_exit", t.exit}} {
		lk, err := link.Tracepoint("sched", a.name, a.p, nil)
		if err != nil {
			return fmt.Errorf("%w: attaching to tracepoint sched/%s: %v", ErrUnavailable, a.name, err)
		}
		t.links = append(t.links, lk)
	}
	t.schedMethod = "tracepoint"
	return nil
}

// attachRawSched attaches the fork, exec and exit hooks as raw
// tracepoints keyed by task. On any failure it undoes what it did and
// reports false; the caller then uses perf tracepoints.
func (t *ebpfTracer) attachRawSched() bool {
	var progs []*ebpf.Program
	var links []link.Link
	undo := func() bool {
		for _, lk := range links {
			lk.Close()
		}
		for _, p := range progs {
			p.Close()
		}
		return false
	}
	for _, a := range []struct {
		name, tp string
		insns    asm.Instructions
	}{
		{"sw_fork", "sched_process_fork", forkProg(rawForkKeys(), t.tracked.FD(), t.spawners.FD(), t.stats.FD())},
		{"sw_exec", "sched_process_exec", execProgTask(t.tracked.FD())},
		{"sw_exit", "sched_process_exit", exitProg(keyTask, t.tracked.FD())},
	} {
		p, err := loadTracepoint(a.name, ebpf.RawTracepoint, a.insns)
		if err != nil {
			return undo()
		}
		progs = append(progs, p)
		lk, err := link.AttachRawTracepoint(link.RawTracepointOptions{Name: a.tp, Program: p})
		if err != nil {
			return undo()
		}
		links = append(links, lk)
	}
	t.fork, t.exec, t.exit = progs[0], progs[1], progs[2]
	t.links = append(t.links, links...)
	t.keys, t.schedMethod = keyTask, "raw_tracepoint"
	return true
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
		if t.keys != keyTid {
			return n, fmt.Errorf("tracking thread %d: the tracer keys tasks by task_struct, not thread id", tid)
		}
		err := t.tracked.Update(uint64(tid), uint32(stateActive), ebpf.UpdateNoExist)
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
	// The maps are read while the programs are still attached: closing a
	// link waits for an RCU grace period, which close does for all links at
	// once. Counts are those at the time of reading.
	r := &Result{Backend: BackendEBPF, Method: t.method, SchedMethod: t.schedMethod, Counts: map[int]uint64{}, FirstArgs: map[int][6]uint64{}}
	sums, err := sumPerCPU(t.counts, nrSlots)
	if err != nil {
		return nil, fmt.Errorf("reading counts: %w", err)
	}
	for nr, sum := range sums {
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
	var per []uint64
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

// sumPerCPU returns the per-CPU sums of the first n entries of a per-CPU
// u64 array, in one batch lookup where the kernel has it: n single lookups
// cost n system calls, which on a loaded host adds up to a visible delay.
func sumPerCPU(m *ebpf.Map, n int) ([]uint64, error) {
	sums := make([]uint64, n)
	ncpu, err := ebpf.PossibleCPU()
	if err != nil {
		return nil, err
	}
	keys := make([]uint32, n)
	vals := make([]uint64, n*ncpu)
	var cursor ebpf.MapBatchCursor
	got, err := m.BatchLookup(&cursor, keys, vals, nil)
	if err == nil || errors.Is(err, ebpf.ErrKeyNotExist) {
		for i := 0; i < got; i++ {
			if int(keys[i]) < n {
				for _, v := range vals[i*ncpu : (i+1)*ncpu] {
					sums[keys[i]] += v
				}
			}
		}
		if got == n {
			return sums, nil
		}
	}
	var per []uint64
	for i := range sums {
		if err := m.Lookup(uint32(i), &per); err != nil {
			return nil, fmt.Errorf("entry %d: %w", i, err)
		}
		sums[i] = 0
		for _, v := range per {
			sums[i] += v
		}
	}
	return sums, nil
}

func (t *ebpfTracer) close() error {
	// Each detach waits for a grace period; in parallel they share one.
	errs := make([]error, len(t.links))
	var wg sync.WaitGroup
	for i, lk := range t.links {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := lk.Close(); err != nil && !errors.Is(err, os.ErrClosed) {
				errs[i] = err
			}
		}()
	}
	wg.Wait()
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

// Programs. Perf tracepoint programs get a pointer to the raw event record,
// whose field offsets come from the format files (layout), not from
// headers; raw tracepoint programs get the tracepoint's arguments as u64s.

// Building blocks. cat joins instruction runs; the helpers emit the
// argument set-up of one helper call each.

func cat(parts ...asm.Instructions) asm.Instructions {
	var out asm.Instructions
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// label puts sym on the first instruction of insns.
func label(sym string, insns asm.Instructions) asm.Instructions {
	insns[0] = insns[0].WithSymbol(sym)
	return insns
}

// mapOp calls fn (lookup or delete) on map fd with the key at fp+key.
func mapOp(fn asm.BuiltinFunc, fd int, key int16) asm.Instructions {
	return asm.Instructions{
		asm.LoadMapPtr(asm.R1, fd),
		asm.Mov.Reg(asm.R2, asm.RFP),
		asm.Add.Imm(asm.R2, int32(key)),
		fn.Call(),
	}
}

// mapUpdate stores the value at fp+val under the key at fp+key.
func mapUpdate(fd int, key, val int16, flags ebpf.MapUpdateFlags) asm.Instructions {
	return asm.Instructions{
		asm.LoadMapPtr(asm.R1, fd),
		asm.Mov.Reg(asm.R2, asm.RFP),
		asm.Add.Imm(asm.R2, int32(key)),
		asm.Mov.Reg(asm.R3, asm.RFP),
		asm.Add.Imm(asm.R3, int32(val)),
		asm.Mov.Imm(asm.R4, int32(flags)),
		asm.FnMapUpdateElem.Call(),
	}
}

// incr adds one to the u64 R0 points at, leaving the sum in R1.
func incr() asm.Instructions {
	return asm.Instructions{
		asm.LoadMem(asm.R1, asm.R0, 0, asm.DWord),
		asm.Add.Imm(asm.R1, 1),
		asm.StoreMem(asm.R0, 0, asm.R1, asm.DWord),
	}
}

// exit0 is the common "exit" label: return 0.
func exit0() asm.Instructions {
	return asm.Instructions{asm.Mov.Imm(asm.R0, 0).WithSymbol("exit"), asm.Return()}
}

// selfKey leaves the current task's key in R0: its task_struct address or
// its thread id (the low half of pid_tgid). Clobbers R1-R5.
func selfKey(k taskKey) asm.Instructions {
	if k == keyTask {
		return asm.Instructions{asm.FnGetCurrentTask.Call()}
	}
	return asm.Instructions{
		asm.FnGetCurrentPidTgid.Call(),
		asm.LSh.Imm(asm.R0, 32),
		asm.RSh.Imm(asm.R0, 32),
	}
}

// lookupSelf looks the current task up in map fd, leaving the value
// pointer in R0 (nil when absent); the key is stored at fp-8.
func lookupSelf(k taskKey, fd int) asm.Instructions {
	return cat(selfKey(k),
		asm.Instructions{asm.StoreMem(asm.RFP, -8, asm.R0, asm.DWord)},
		mapOp(asm.FnMapLookupElem, fd, -8))
}

// x86-64 struct pt_regs offsets of the six syscall argument registers
// (di, si, dx, r10, r8, r9): arch/x86/include/asm/ptrace.h, the same layout
// as user_regs_struct, which is ABI.
var amd64ArgRegs = [6]int16{112, 104, 96, 56, 72, 64}

// enterProg: if the current task is tracked, count the syscall in the
// per-CPU array and, the first time this CPU sees the number, offer its
// arguments to the args map with BPF_NOEXIST (so the first writer wins and
// the hash map is not touched on the hot path).
//
// With argOff < 0 the program is for the raw tracepoint, whose context is
// (struct pt_regs *regs, long id): the kernel then builds no perf record for
// every syscall on the host, and the arguments are read from regs only on
// first sight. Otherwise it is for the perf tracepoint, whose record has
// the number at idOff and the arguments at argOff.
//
// Stack: fp-8 task key, fp-16 slot, fp-64..fp-16 arguments.
func enterProg(k taskKey, idOff, argOff int, tracked, counts, args int) asm.Instructions {
	raw := argOff < 0
	insns := cat(asm.Instructions{asm.Mov.Reg(asm.R6, asm.R1)},
		lookupSelf(k, tracked),
		asm.Instructions{
			asm.JEq.Imm(asm.R0, 0, "exit"),
			asm.LoadMem(asm.R7, asm.R0, 0, asm.Word),
			asm.LoadMem(asm.R8, asm.R6, int16(idOff), asm.DWord),
			asm.JEq.Imm(asm.R7, stateActive, "count"),
			asm.JEq.Imm(asm.R8, nrExecve, "count"),
			asm.JEq.Imm(asm.R8, nrExecveat, "count"),
			asm.Ja.Label("exit"),
			// unsigned compare: -1 and x32 numbers go to the last slot
			asm.JLE.Imm(asm.R8, otherSlot, "slot").WithSymbol("count"),
			asm.Mov.Imm(asm.R8, otherSlot),
			asm.StoreMem(asm.RFP, -16, asm.R8, asm.Word).WithSymbol("slot"),
		},
		mapOp(asm.FnMapLookupElem, counts, -16),
		asm.Instructions{asm.JEq.Imm(asm.R0, 0, "exit")},
		incr(),
		asm.Instructions{asm.JNE.Imm(asm.R1, 1, "exit")},
	)
	if raw {
		insns = append(insns, asm.LoadMem(asm.R9, asm.R6, 0, asm.DWord))
	}
	for i := 0; i < 6; i++ {
		if raw {
			insns = append(insns,
				asm.Mov.Reg(asm.R1, asm.RFP),
				asm.Add.Imm(asm.R1, int32(-64+8*i)),
				asm.Mov.Imm(asm.R2, 8),
				asm.Mov.Reg(asm.R3, asm.R9),
				asm.Add.Imm(asm.R3, int32(amd64ArgRegs[i])),
				asm.FnProbeReadKernel.Call(),
			)
			continue
		}
		insns = append(insns,
			asm.LoadMem(asm.R1, asm.R6, int16(argOff+8*i), asm.DWord),
			asm.StoreMem(asm.RFP, int16(-64+8*i), asm.R1, asm.DWord),
		)
	}
	return cat(insns, mapUpdate(args, -16, -64, ebpf.UpdateNoExist), exit0())
}

// perfForkKeys: from the sched_process_fork record (R6), the parent's key
// to fp-8, the child's to fp-16 and the parent's thread id to fp-20.
func perfForkKeys(l layout) asm.Instructions {
	return asm.Instructions{
		asm.LoadMem(asm.R1, asm.R6, int16(l.parentOff), asm.Word),
		asm.StoreMem(asm.RFP, -8, asm.R1, asm.DWord),
		asm.StoreMem(asm.RFP, -20, asm.R1, asm.Word),
		asm.LoadMem(asm.R1, asm.R6, int16(l.childOff), asm.Word),
		asm.StoreMem(asm.RFP, -16, asm.R1, asm.DWord),
	}
}

// rawForkKeys: the same from raw sched_process_fork(struct task_struct
// *parent, struct task_struct *child) (R6 = args). kernel_clone fires it
// in the parent, so the parent is the current task.
func rawForkKeys() asm.Instructions {
	return asm.Instructions{
		asm.FnGetCurrentTask.Call(),
		asm.StoreMem(asm.RFP, -8, asm.R0, asm.DWord),
		asm.FnGetCurrentPidTgid.Call(),
		asm.StoreMem(asm.RFP, -20, asm.R0, asm.Word),
		asm.LoadMem(asm.R1, asm.R6, 8, asm.DWord),
		asm.StoreMem(asm.RFP, -16, asm.R1, asm.DWord),
	}
}

// forkProg: a child of a tracked task inherits its state; a child of a
// spawner thread starts pending. Failed inserts are counted in stats. keys
// fills fp-8 (parent key), fp-16 (child key) and fp-20 (parent tid).
func forkProg(keys asm.Instructions, tracked, spawners, stats int) asm.Instructions {
	return cat(asm.Instructions{asm.Mov.Reg(asm.R6, asm.R1)},
		keys,
		mapOp(asm.FnMapLookupElem, tracked, -8),
		asm.Instructions{
			asm.JEq.Imm(asm.R0, 0, "spawner"),
			asm.LoadMem(asm.R1, asm.R0, 0, asm.Word),
			asm.StoreMem(asm.RFP, -24, asm.R1, asm.Word),
			asm.Ja.Label("insert"),
		},
		label("spawner", mapOp(asm.FnMapLookupElem, spawners, -20)),
		asm.Instructions{
			asm.JEq.Imm(asm.R0, 0, "exit"),
			asm.StoreImm(asm.RFP, -24, statePending, asm.Word),
		},
		label("insert", mapUpdate(tracked, -16, -24, ebpf.UpdateAny)),
		asm.Instructions{
			asm.JEq.Imm(asm.R0, 0, "exit"),
			asm.StoreImm(asm.RFP, -32, statUntrk, asm.Word),
		},
		mapOp(asm.FnMapLookupElem, stats, -32),
		asm.Instructions{asm.JEq.Imm(asm.R0, 0, "exit")},
		incr(),
		exit0(),
	)
}

// execProgTid: a successful execve makes the task active. When a thread
// other than the leader execs, de_thread has already reaped the leader
// (whose exit removed its entry) and given the thread the leader's id, so
// the state is looked up under old_pid and stored under pid.
func execProgTid(l layout, tracked int) asm.Instructions {
	return cat(
		asm.Instructions{
			asm.Mov.Reg(asm.R6, asm.R1),
			asm.LoadMem(asm.R1, asm.R6, int16(l.execOldOff), asm.Word),
			asm.StoreMem(asm.RFP, -8, asm.R1, asm.DWord),
			asm.LoadMem(asm.R7, asm.R6, int16(l.execPidOff), asm.Word),
			asm.StoreMem(asm.RFP, -16, asm.R7, asm.DWord),
			asm.StoreImm(asm.RFP, -24, stateActive, asm.Word),
		},
		mapOp(asm.FnMapLookupElem, tracked, -8),
		asm.Instructions{asm.JEq.Imm(asm.R0, 0, "exit")},
		mapUpdate(tracked, -16, -24, ebpf.UpdateAny),
		asm.Instructions{
			asm.LoadMem(asm.R1, asm.RFP, -8, asm.DWord),
			asm.JEq.Reg(asm.R1, asm.R7, "exit"),
		},
		mapOp(asm.FnMapDeleteElem, tracked, -8),
		exit0(),
	)
}

// execProgTask: the same keyed by task. The exec'ing task keeps its
// task_struct through de_thread (it takes over the leader's id, not its
// struct), so its entry only changes state.
func execProgTask(tracked int) asm.Instructions {
	return cat(lookupSelf(keyTask, tracked),
		asm.Instructions{
			asm.JEq.Imm(asm.R0, 0, "exit"),
			asm.StoreImm(asm.R0, 0, stateActive, asm.Word),
		},
		exit0(),
	)
}

// exitProg forgets an exiting task, so a recycled thread id or task_struct
// is not traced.
func exitProg(k taskKey, tracked int) asm.Instructions {
	return cat(selfKey(k),
		asm.Instructions{asm.StoreMem(asm.RFP, -8, asm.R0, asm.DWord)},
		mapOp(asm.FnMapDeleteElem, tracked, -8),
		exit0(),
	)
}
