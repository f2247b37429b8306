package trace

import (
	"fmt"
	"io/fs"
	"strconv"
	"strings"
)

// Pure parsers of host files, kept free of build tags so that they are
// tested everywhere; the _linux.go files open the files.

// treeTids lists the threads of pid and of all its descendants, from a
// /proc file system.
func treeTids(proc fs.FS, pid int) ([]int, error) {
	ents, err := fs.ReadDir(proc, ".")
	if err != nil {
		return nil, fmt.Errorf("listing /proc: %w", err)
	}
	children := map[int][]int{}
	for _, e := range ents {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := fs.ReadFile(proc, e.Name()+"/stat")
		if err != nil {
			continue // exited meanwhile
		}
		pp, err := statPPID(stat)
		if err != nil {
			return nil, fmt.Errorf("/proc/%d/stat: %w", p, err)
		}
		children[pp] = append(children[pp], p)
	}
	var tids []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		queue = append(queue, children[p]...)
		ts, err := fs.ReadDir(proc, strconv.Itoa(p)+"/task")
		if err != nil {
			continue
		}
		for _, t := range ts {
			if tid, err := strconv.Atoi(t.Name()); err == nil {
				tids = append(tids, tid)
			}
		}
	}
	if len(tids) == 0 {
		return nil, fmt.Errorf("%w: %d has no threads in /proc", ErrNoProcess, pid)
	}
	return tids, nil
}

// statPPID returns field 4 of /proc/PID/stat; the command name in field 2
// may hold spaces and parentheses, so parsing starts after the last ')'.
func statPPID(stat []byte) (int, error) {
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("no ')' closing the command name")
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 2 {
		return 0, fmt.Errorf("want state and ppid after the command name, got %q", s[i+1:])
	}
	pp, err := strconv.Atoi(f[1])
	if err != nil {
		return 0, fmt.Errorf("ppid %q: want an integer", f[1])
	}
	return pp, nil
}
