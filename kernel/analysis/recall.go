package analysis

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"sysweight/kernel/ftrace"
)

// SyscallRecall compares one syscall's static reach with the kernel
// functions it was seen to run (its dynamic footprint).
type SyscallRecall struct {
	Name string
	// Executed functions of the footprint; NotFound of them are not in the
	// analysed kernel under that name and module; OtherABI of them are
	// entry points of the 32-bit syscall table (__ia32_sys_exit_group: a
	// 32-bit process's call of the same name), which the x86_64 table the
	// analysis follows never runs; Hubs of them are hubs (shared code, in
	// no syscall's reach); NonHub = the rest, Reached of which the static
	// reach holds.
	Executed, NotFound, OtherABI, Hubs, NonHub, Reached int
	// ReachedAll counts the executed functions the syscall reaches with
	// the hubs counted in (its whole closure).
	ReachedAll int
	Missed     []string // non-hub functions not reached, "name [module]"
	Reach      int      // the syscall's static reach (hubs left out)
}

// Recall returns Reached/NonHub (1 when nothing non-hub was executed).
func (s SyscallRecall) Recall() float64 {
	if s.NonHub == 0 {
		return 1
	}
	return float64(s.Reached) / float64(s.NonHub)
}

// RecallReport is the comparison of a whole analysis with footprints.
type RecallReport struct {
	Syscalls []SyscallRecall // in footprint order
	// Pooled over every syscall.
	NonHub, Reached           int
	Executed, ReachedAll      int
	MedianNonHub, MedianReach int
}

// Recall compares the static reach of every syscall that has a footprint
// in fp with the functions it ran: a function counts when the syscall's
// walk (Graph.Walk: direct and resolved indirect calls, hubs passed
// through) reaches a function of the same name (or alias) and module.
func Recall(r *Report, fp *ftrace.Footprints) (*RecallReport, error) {
	g := r.Graph()
	if g == nil {
		return nil, ErrNoCallGraph
	}
	out := &RecallReport{}
	var nonHub, reach []int
	for _, name := range fp.SyscallNames() {
		sc, ok := r.Syscall(name)
		w := g.Walk(name)
		if !ok || w == nil {
			continue
		}
		fs, _ := fp.Syscall(name)
		x := SyscallRecall{Name: name, Executed: len(fs.Functions), Reach: sc.Reach}
		for _, fn := range fs.Functions {
			if strings.HasPrefix(fn.Name, "__ia32_") && fn.Module == "" {
				x.OtherABI++
				continue
			}
			var cands []int
			for _, n := range append([]string{fn.Name}, fn.Aliases...) {
				for _, c := range g.Lookup(n) {
					if g.Name(c) == n && g.Module(c) == fn.Module && !slices.Contains(cands, c) {
						cands = append(cands, c)
					}
				}
			}
			if len(cands) == 0 {
				x.NotFound++
				continue
			}
			reached, hub := false, true
			for _, c := range cands {
				reached = reached || w.Reaches(c)
				hub = hub && g.Hub(c)
			}
			if reached {
				x.ReachedAll++
			}
			if hub {
				x.Hubs++
				continue
			}
			x.NonHub++
			if reached {
				x.Reached++
			} else {
				m := fn.Name
				if fn.Module != "" {
					m += " [" + fn.Module + "]"
				}
				x.Missed = append(x.Missed, m)
			}
		}
		out.Syscalls = append(out.Syscalls, x)
		out.NonHub += x.NonHub
		out.Reached += x.Reached
		out.Executed += x.Executed - x.NotFound - x.OtherABI
		out.ReachedAll += x.ReachedAll
		nonHub = append(nonHub, x.NonHub)
		reach = append(reach, x.Reach)
	}
	if len(out.Syscalls) == 0 {
		return nil, fmt.Errorf("no syscall of the footprints has an entry in the analysed kernel")
	}
	sort.Ints(nonHub)
	sort.Ints(reach)
	out.MedianNonHub, out.MedianReach = nonHub[len(nonHub)/2], reach[len(reach)/2]
	return out, nil
}
