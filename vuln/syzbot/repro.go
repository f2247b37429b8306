package syzbot

import (
	"strings"

	"sysweight/syscalls"
)

// Repro is what one reproducer says.
type Repro struct {
	Title  string // first comment line: the bug's title
	Status string // "fixed", "open", "dup", "invalid" or syzbot's number for them
	Arch   string // "386" for 32-bit reproducers, else ""
	// Body names the function read as the test body.
	Body string
	// Calls counts the call sites of each syscall in the body, by x86_64
	// name; Pseudo counts pseudo-syscalls that were mapped to a syscall
	// (they are in Calls too) and Skipped those that were not.
	Calls      map[string]int
	Pseudo     map[string]int
	Skipped    map[string]int
	DataMmaps  int // the fixed data-area mmaps left out
	Exits      int // exit and exit_group left out
	Unresolved int // syscall names not in the x86_64 table
}

// pseudoSyscalls maps syzkaller pseudo-syscalls that wrap one syscall
// the test means (executor/common_linux.h) to that syscall.
var pseudoSyscalls = map[string]string{
	"syz_open_dev":        "openat", // openat of /dev/NAME#
	"syz_open_procfs":     "openat", // openat of /proc/PID/FILE
	"syz_open_pts":        "openat", // openat of the pty's peer
	"syz_mount_image":     "mount",  // mount of a crafted filesystem image
	"syz_fuse_mount":      "mount",
	"syz_fuseblk_mount":   "mount",
	"syz_init_net_socket": "socket", // socket in the initial network namespace
	"syz_io_uring_setup":  "io_uring_setup",
	"syz_kvm_setup_cpu":   "ioctl", // KVM_SET_* ioctls on a vcpu
	"syz_fuse_handle_req": "write", // a reply written to /dev/fuse
	"syz_clone":           "clone",
	"syz_clone3":          "clone3",
}

// i386Names maps i386 syscall names of 32-bit reproducers to the x86_64
// syscall with the same implementation.
var i386Names = map[string]string{
	"mmap2": "mmap", "_llseek": "lseek", "_newselect": "select", "fcntl64": "fcntl",
	"stat64": "stat", "lstat64": "lstat", "fstat64": "fstat", "fstatat64": "newfstatat",
	"truncate64": "truncate", "ftruncate64": "ftruncate", "statfs64": "statfs", "fstatfs64": "fstatfs",
	"sendfile64": "sendfile", "fadvise64_64": "fadvise64", "ugetrlimit": "getrlimit",
	"waitpid": "wait4", "sigaction": "rt_sigaction", "sigprocmask": "rt_sigprocmask",
}

// bodyFuncs are the functions syz-prog2c puts the test in, by the
// reproducer's options (threaded, repeated, neither) and generation: the
// first that exists and calls a syscall by __NR_ name or a pseudo-syscall is
// the body. The harness calls syscalls by SYS_ name or through libc.
var bodyFuncs = []string{"execute_call", "thr", "execute_one", "loop", "test", "main"}

// ParseRepro reads one reproducer.
func ParseRepro(src []byte, t *syscalls.Table) Repro {
	s := string(src)
	r := Repro{Calls: map[string]int{}, Pseudo: map[string]int{}, Skipped: map[string]int{}}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, "// ") {
			break
		}
		l = strings.TrimPrefix(l, "// ")
		switch {
		case i == 0:
			r.Title = strings.TrimSpace(l)
		case strings.HasPrefix(l, "status:"):
			for _, f := range strings.Fields(l) {
				if v, ok := strings.CutPrefix(f, "status:"); ok {
					r.Status = v
				}
				if v, ok := strings.CutPrefix(f, "arch:"); ok {
					r.Arch = v
				}
			}
		}
	}
	body := ""
	for _, name := range bodyFuncs {
		if b, ok := funcBody(lines, name); ok && (strings.Contains(b, "__NR_") || strings.Contains(b, "syz_")) {
			r.Body, body = name, b
			break
		}
	}
	for _, c := range calls(body) {
		switch {
		case c.name == "syscall":
			name, args := syscallName(c.args)
			if name == "" {
				continue
			}
			if x, ok := i386Names[name]; ok && r.Arch == "386" {
				name = x
			}
			switch {
			case name == "exit" || name == "exit_group":
				r.Exits++
			case name == "mmap" && dataMmap(args):
				r.DataMmaps++
			default:
				if _, ok := t.Number(name); ok {
					r.Calls[name]++
				} else {
					r.Unresolved++
				}
			}
		case strings.HasPrefix(c.name, "syz_"):
			if sc, ok := pseudoSyscalls[c.name]; ok {
				r.Pseudo[c.name]++
				r.Calls[sc]++
			} else {
				r.Skipped[c.name]++
			}
		}
	}
	return r
}

// funcBody returns the body of the function name defined at the top level
// of a syz-prog2c program: a line "TYPE name(ARGS)" (optionally static)
// at column 0, "{" opening it and the next "}" at column 0 closing it.
func funcBody(lines []string, name string) (string, bool) {
	for i, l := range lines {
		if !strings.HasSuffix(strings.TrimSpace(l), ")") || strings.HasPrefix(l, " ") || strings.HasPrefix(l, "#") {
			continue
		}
		k := strings.Index(l, " "+name+"(")
		if k < 0 {
			k = strings.Index(l, "*"+name+"(") // void* thr(void* arg)
		}
		if k < 0 || strings.ContainsAny(l[:k], "=;(") {
			continue
		}
		j := i + 1
		if j < len(lines) && strings.TrimSpace(lines[j]) == "{" {
			j++
		} else if !strings.HasSuffix(strings.TrimSpace(l), "{") {
			continue
		}
		var b strings.Builder
		for ; j < len(lines) && lines[j] != "}"; j++ {
			b.WriteString(lines[j])
			b.WriteByte('\n')
		}
		return b.String(), true
	}
	return "", false
}

type call struct {
	name string
	args string
}

// calls finds the calls "name(args)" of a body, outside comments and
// string literals, with args up to the matching parenthesis.
func calls(body string) []call {
	code := stripLiterals(body)
	var out []call
	for i := 0; i < len(code); i++ {
		if !isIdentStart(code[i]) || i > 0 && isIdent(code[i-1]) {
			continue
		}
		j := i
		for j < len(code) && isIdent(code[j]) {
			j++
		}
		name := code[i:j]
		k := j
		for k < len(code) && code[k] == ' ' {
			k++
		}
		if k < len(code) && code[k] == '(' && (name == "syscall" || strings.HasPrefix(name, "syz_")) {
			depth, e := 0, k
			for ; e < len(code); e++ {
				if code[e] == '(' {
					depth++
				} else if code[e] == ')' {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			out = append(out, call{name, code[k+1 : min(e, len(code))]})
		}
		i = j - 1
	}
	return out
}

// stripLiterals blanks comments, string and character literals.
func stripLiterals(s string) string {
	b := []byte(s)
	for i := 0; i < len(b); i++ {
		switch {
		case b[i] == '/' && i+1 < len(b) && b[i+1] == '/':
			for i < len(b) && b[i] != '\n' {
				b[i] = ' '
				i++
			}
		case b[i] == '/' && i+1 < len(b) && b[i+1] == '*':
			for i < len(b) && !(b[i] == '*' && i+1 < len(b) && b[i+1] == '/') {
				if b[i] != '\n' {
					b[i] = ' '
				}
				i++
			}
			if i+1 < len(b) {
				b[i], b[i+1] = ' ', ' '
				i++
			}
		case b[i] == '"' || b[i] == '\'':
			q := b[i]
			i++
			for i < len(b) && b[i] != q {
				if b[i] == '\\' && i+1 < len(b) {
					b[i] = ' '
					i++
				}
				if b[i] != '\n' {
					b[i] = ' '
				}
				i++
			}
		}
	}
	return string(b)
}

// syscallName reads the syscall of "__NR_x, args…" or "SYS_x, args…".
func syscallName(args string) (string, []string) {
	parts := strings.Split(args, ",")
	first := strings.TrimSpace(parts[0])
	for _, p := range []string{"__NR_", "SYS_"} {
		if n, ok := strings.CutPrefix(first, p); ok {
			rest := make([]string, 0, len(parts)-1)
			for _, a := range parts[1:] {
				rest = append(rest, strings.TrimSpace(a))
			}
			return n, rest
		}
	}
	return "", nil
}

// dataMmap reports the fixed mapping of syzkaller's data area or one of
// its guard pages: address 0x1ffff000, 0x20000000 or 0x21000000, size
// 0x1000, 0xfff000 or 0x1000000, flags 0x32 (MAP_FIXED|MAP_ANONYMOUS|
// MAP_PRIVATE).
func dataMmap(args []string) bool {
	if len(args) < 4 {
		return false
	}
	num := func(s string) string { return strings.TrimRight(strings.ToLower(s), "ul") }
	switch num(args[0]) {
	case "0x1ffff000", "0x20000000", "0x21000000":
	default:
		return false
	}
	switch num(args[1]) {
	case "0x1000", "0xfff000", "0x1000000":
	default:
		return false
	}
	return num(args[3]) == "0x32"
}

func isIdentStart(c byte) bool { return c == '_' || c|0x20 >= 'a' && c|0x20 <= 'z' }

func isIdent(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }
