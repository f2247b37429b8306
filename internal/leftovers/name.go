package leftovers

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Tags of the things sysweight names; Trace's names have no tag.
const (
	Trace       = ""      // trace's tracefs instances: sysweight-PID-START-HEX
	Passthrough = "pt"    // passthrough's instance, work directory and container id
	Probe       = "probe" // the probe built by the passthrough command
)

const base = "sysweight-"

// Owner is the process that created an item: its pid and start time in
// clock ticks after boot. Start 0 means unknown (an older name).
type Owner struct {
	PID   int
	Start uint64
}

// NewName returns a fresh name for an item of tag owned by o.
func NewName(tag string, o Owner) string {
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	p := base
	if tag != "" {
		p += tag + "-"
	}
	return fmt.Sprintf("%s%d-%d-%s", p, o.PID, o.Start, hex.EncodeToString(rnd[:]))
}

// ParseName reads a name NewName made, or an older sysweight-[TAG-]PID-HEX.
func ParseName(name string) (tag string, o Owner, ok bool) {
	rest, ok := strings.CutPrefix(name, base)
	if !ok {
		return "", Owner{}, false
	}
	parts := strings.Split(rest, "-")
	if len(parts) > 0 && (parts[0] == Passthrough || parts[0] == Probe) {
		tag, parts = parts[0], parts[1:]
	}
	if len(parts) < 2 || len(parts) > 3 || !isHex8(parts[len(parts)-1]) {
		return "", Owner{}, false
	}
	pid, err := strconv.Atoi(parts[0])
	if err != nil || pid <= 0 || parts[0][0] == '+' {
		return "", Owner{}, false
	}
	o.PID = pid
	if len(parts) == 3 {
		if o.Start, err = strconv.ParseUint(parts[1], 10, 64); err != nil || parts[1][0] == '+' {
			return "", Owner{}, false
		}
	}
	return tag, o, true
}

func isHex8(s string) bool {
	if len(s) != 8 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && strings.ToLower(s) == s
}

// ParseStartTime reads the start time from a /proc/PID/stat: field 22,
// counted after the command name in parentheses (which may hold any byte,
// so the last ')' ends it).
func ParseStartTime(stat []byte) (uint64, error) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, errors.New("stat: no ')' after the command name")
	}
	f := strings.Fields(string(stat[i+1:]))
	// f[0] is field 3 (state), so field 22 is f[19]
	if len(f) < 20 {
		return 0, fmt.Errorf("stat: %d fields after the command name, want at least 20", len(f))
	}
	n, err := strconv.ParseUint(f[19], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("stat: starttime %q: want an unsigned integer", f[19])
	}
	return n, nil
}

// Mount is a mount point of a /proc/PID/mountinfo with its file system type.
type Mount struct {
	Point, Type string
	Root        bool // the file system's root is mounted there
}

// ParseMountinfo lists the mounts of a /proc/PID/mountinfo, mount points
// unescaped (\040 for a space).
func ParseMountinfo(b []byte) []Mount {
	var out []Mount
	for _, l := range strings.Split(string(b), "\n") {
		pre, post, ok := strings.Cut(l, " - ")
		f, g := strings.Fields(pre), strings.Fields(post)
		if !ok || len(f) < 5 || len(g) < 1 {
			continue
		}
		out = append(out, Mount{Point: unescapeMount(f[4]), Type: g[0], Root: f[3] == "/"})
	}
	return out
}

// unescapeMount undoes mountinfo's octal escapes (\040 for a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// ErrNotSupportedOnOS is returned off Linux, where sysweight makes nothing
// to leave behind.
var ErrNotSupportedOnOS = errors.New("leftovers: not supported on this OS")

// Kind is what an item is.
type Kind string

const (
	Container Kind = "container" // a runc or crun container in a work directory's state
	Cgroup    Kind = "cgroup"    // a directory named by a container id atop a cgroup hierarchy
	WorkDir   Kind = "work dir"  // passthrough's bundle and state, or the probe the CLI built
	Instance  Kind = "tracefs instance"
)

// Item is one leftover.
type Item struct {
	Kind    Kind
	Path    string // the instance, cgroup or work directory; a container's --root
	ID      string // a container's id
	Runtime string // a container's runtime: runc or crun
	Owner   Owner
}

func (it Item) String() string {
	if it.Kind == Container {
		return fmt.Sprintf("%s container %s (%s --root %s)", it.Runtime, it.ID, it.Runtime, it.Path)
	}
	return string(it.Kind) + " " + it.Path
}

// Scope says where and whose leftovers to look for.
type Scope struct {
	Dirs []string // where work directories are made; nil: os.TempDir()
	PID  int      // only the leftovers of this pid; 0: of every dead owner
}

// Found is what Find saw: the leftovers, in the order to remove them
// (containers, then their cgroups, work directories, instances), and one
// line for each place it could not look.
type Found struct {
	Items   []Item
	Skipped []string
}
