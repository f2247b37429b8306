package attrib

import (
	"strings"

	"sysweight/syscalls"
)

// Frame is one line of a kernel call trace.
type Frame struct {
	Func string // symbol without its .isra.0/.cold/.constprop.0 suffixes
	File string // "net/packet/af_packet.c" when the line is symbolised
	// Unreliable marks a "? foo+0x1/0x2" line: a stale return address the
	// unwinder found on the stack, not a caller.
	Unreliable bool
	// IRQ marks a frame between "<IRQ>" and "</IRQ>" (or "<NMI>" …).
	IRQ bool
}

// StackKind says what a stack of a crash report shows.
type StackKind uint8

const (
	// StackMain is the stack of the faulting task: after "Call Trace:",
	// "Call trace:", "backtrace:", or without a header.
	StackMain StackKind = iota
	// StackAlloc and StackFree are KASAN's "Allocated by task N:" and
	// "Freed by task N:": where the object came from and went, not the
	// access.
	StackAlloc
	StackFree
	// StackAux is any other auxiliary stack: work or call_rcu creation,
	// KMSAN origins, lockdep's dependency chains.
	StackAux
)

// Stack is a run of frames, innermost first.
type Stack struct {
	Kind   StackKind
	Header string // the line that introduced it, tidied
	Frames []Frame
	// Fault is the frame the report is about when the report gave one
	// ("RIP: 0010:foo+0x…", "pc : foo+0x…"), else empty.
	Fault string
}

// TraceCall is what a main stack says about the syscall it runs under.
type TraceCall struct {
	Syscall string
	// Path runs from the syscall's entry frame to the innermost reliable
	// frame, outermost first, as the trace gives it.
	Path []string
	// Incidental names the frame that makes the syscall incidental (the
	// bug is reached through exit, task_work, module init, a kprobe, a
	// tracepoint or an interrupt): "" when the syscall is the trigger.
	Incidental string
}

// ParseTraces finds the call traces of a description: each maximal run of
// frame lines (with <IRQ>/<TASK> markers inside) is a stack, classified by
// the header line just before it.
func ParseTraces(s string) []Stack { return parseDoc(s).stacks }

// doc is a description read once: its lines, which of them are prose, and
// its stacks.
type doc struct {
	lines  []string
	prose  []bool // line i is prose: not a frame, fault or marker line
	stacks []Stack
}

func parseDoc(s string) doc {
	// Some descriptions indent traces with no-break spaces (U+00A0).
	s = strings.ReplaceAll(s, "\u00a0", " ")
	d := doc{lines: strings.Split(s, "\n")}
	d.prose = make([]bool, len(d.lines))
	if !strings.Contains(s, "+0x") && !strings.Contains(s, ".c:") && !strings.Contains(s, ".h:") && !strings.Contains(s, "(0x") {
		for i := range d.prose {
			d.prose[i] = true
		}
		return d
	}
	var cur *Stack
	header, fault := "", ""
	irq := false
	flush := func() {
		if cur != nil && len(cur.Frames) > 0 {
			d.stacks = append(d.stacks, *cur)
		}
		cur, irq = nil, false
	}
	for i, raw := range d.lines {
		line := stripLogPrefix(raw)
		trimmed := strings.TrimSpace(line)
		switch trimmed {
		case "<IRQ>", "<NMI>", "<SOFTIRQ>":
			irq = true
			continue
		case "</IRQ>", "</NMI>", "</SOFTIRQ>", "<TASK>", "</TASK>", "<EOI>":
			irq = false
			continue
		}
		if f, ok := parseFaultLine(trimmed); ok {
			flush()
			fault = f
			continue
		}
		if syzProgLine(trimmed) {
			// A syzkaller program: every call of the reproducer, set-up
			// included; the trace, not the program, says which one
			// triggers the bug.
			continue
		}
		if fr, ok := parseFrame(line); ok {
			if cur == nil {
				cur = &Stack{Kind: stackKind(header), Header: tidy(header), Fault: fault}
			}
			fr.IRQ = irq
			cur.Frames = append(cur.Frames, fr)
			continue
		}
		d.prose[i] = true
		if cur != nil {
			flush()
			fault = ""
		}
		if trimmed != "" && !isRegisterLine(trimmed) {
			header = trimmed
		}
	}
	flush()
	return d
}

// syzProgLine reports a line of a syzkaller program, as syzbot reports
// quote reproducers: "r0 = openat(0xffffffffffffff9c, &(0x7f…)=…, 0x0, 0x0)",
// "ioctl$UFFDIO_API(r0, &(0x7f…))", "bpf$PROG_LOAD(0x5, &(0x7f…)={…}, 0x94)".
func syzProgLine(t string) bool {
	k := 0
	if len(t) > 3 && t[0] == 'r' && t[1] >= '0' && t[1] <= '9' {
		j := 1
		for j < len(t) && t[j] >= '0' && t[j] <= '9' {
			j++
		}
		if !strings.HasPrefix(t[j:], " = ") {
			return false
		}
		k = j + 3
	}
	j := k
	for j < len(t) && (isIdent(t[j]) || t[j] == '$') {
		j++
	}
	if j == k || j >= len(t) || t[j] != '(' || !strings.HasSuffix(t, ")") {
		return false
	}
	args := t[j:]
	return k > 0 || strings.Contains(t[k:j], "$") || strings.Contains(args, "&(0x") || strings.Contains(args, "(0x")
}

// stackKind classifies the header line before a stack.
func stackKind(h string) StackKind {
	l := strings.ToLower(h)
	switch {
	case strings.HasPrefix(l, "allocated by"), strings.Contains(l, "allocated by task"):
		return StackAlloc
	case strings.HasPrefix(l, "freed by"), strings.Contains(l, "freed by task"):
		return StackFree
	case strings.Contains(l, "work creation"), strings.Contains(l, "call_rcu"),
		strings.Contains(l, "was created at"), strings.Contains(l, "stored to memory at"),
		strings.HasPrefix(l, "-> #"), strings.Contains(l, "task_work"),
		strings.Contains(l, "preemption disabled at"), strings.Contains(l, "irqs were disabled"),
		strings.Contains(l, "hardirqs last"), strings.Contains(l, "softirqs last"),
		strings.Contains(l, "acquired at"), strings.Contains(l, "which lock already depends"):
		return StackAux
	}
	return StackMain
}

// stripLogPrefix removes printk's "[  12.345678]" time stamp and "[ T123]"
// caller id.
func stripLogPrefix(l string) string {
	for {
		t := strings.TrimLeft(l, " \t")
		if !strings.HasPrefix(t, "[") {
			return l
		}
		end := strings.IndexByte(t, ']')
		if end < 0 {
			return l
		}
		inner := strings.TrimSpace(t[1:end])
		if !isStamp(inner) {
			return l
		}
		l = t[end+1:]
	}
}

func isStamp(s string) bool {
	if s == "" {
		return false
	}
	if (s[0] == 'T' || s[0] == 'C') && len(s) > 1 && isDigits(s[1:]) {
		return true
	}
	dot := false
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] >= '0' && s[i] <= '9':
		case s[i] == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return dot
}

// isRegisterLine reports register dumps and similar lines that sit between
// a fault line and its call trace and do not name the next stack.
func isRegisterLine(l string) bool {
	if l == "" || !registerFirst[l[0]] {
		return false // most lines: none of the prefixes starts so
	}
	for _, p := range registerPrefixes {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

var registerPrefixes = []string{"RSP:", "RAX:", "RDX:", "RBP:", "R10:", "R13:", "FS:", "CS:", "CR2:", "DR0:", "DR3:",
	"Code:", "sp :", "x29:", "x2", "x1", "x0", "lr :", "pstate:", "Hardware name:", "CPU:", "Workqueue:", "Modules linked in:",
	"RIP:", "EFLAGS", "ORIG_RAX"}

// registerFirst marks the first bytes of registerPrefixes.
var registerFirst = func() (t [256]bool) {
	for _, p := range registerPrefixes {
		t[p[0]] = true
	}
	return t
}()

// parseFaultLine reads "RIP: 0010:foo+0x1c/0x40", "pc : foo+0x…",
// "EIP: foo+0x…" and "NIP [c000…] foo+0x…": the faulting function.
func parseFaultLine(l string) (string, bool) {
	var rest string
	switch {
	case strings.HasPrefix(l, "RIP: "):
		rest = strings.TrimPrefix(l, "RIP: ")
		if i := strings.IndexByte(rest, ':'); i >= 0 && i < 6 {
			rest = rest[i+1:]
		}
	case strings.HasPrefix(l, "pc : "):
		rest = strings.TrimPrefix(l, "pc : ")
	case strings.HasPrefix(l, "EIP: "):
		rest = strings.TrimPrefix(l, "EIP: ")
	case strings.HasPrefix(l, "NIP ["), strings.HasPrefix(l, "NIP  ["):
		if i := strings.IndexByte(l, ']'); i > 0 {
			rest = strings.TrimSpace(l[i+1:])
		}
	default:
		return "", false
	}
	rest = strings.TrimSpace(rest)
	k := 0
	for k < len(rest) && (isIdent(rest[k]) || rest[k] == '.') {
		k++
	}
	if k == 0 || k >= len(rest) || rest[k] != '+' {
		return "", false
	}
	return baseSymbol(rest[:k]), true
}

// parseFrame reads one call-trace line:
//
//	foo+0x1c/0x40
//	 ? foo+0x1c/0x40 [nf_tables]
//	[<ffffffff8107d4c5>] foo+0x55/0x80
//	 foo+0x1c/0x40 net/core/sock.c:123
//	 foo net/core/sock.c:123 [inline]
//	 foo+0x1c/0x40 (P)
func parseFrame(line string) (Frame, bool) {
	s := strings.TrimLeft(line, " \t")
	if len(s) == len(line) && !strings.HasPrefix(s, "[<") && !strings.HasPrefix(s, "? ") {
		// Frames are indented, or start with an address; an unindented
		// line is prose unless it carries an offset (checked below).
		if !strings.Contains(s, "+0x") {
			return Frame{}, false
		}
	}
	var f Frame
	if strings.HasPrefix(s, "? ") {
		f.Unreliable, s = true, strings.TrimLeft(s[2:], " ")
	}
	if strings.HasPrefix(s, "[<") {
		end := strings.Index(s, ">]")
		if end < 0 {
			return Frame{}, false
		}
		s = strings.TrimLeft(s[end+2:], " ")
		if strings.HasPrefix(s, "? ") {
			f.Unreliable, s = true, strings.TrimLeft(s[2:], " ")
		}
	}
	k := 0
	for k < len(s) && (isIdent(s[k]) || s[k] == '.') {
		k++
	}
	if k == 0 || !(s[0] == '_' || isLetter(s[0])) {
		return Frame{}, false
	}
	f.Func = baseSymbol(s[:k])
	rest := s[k:]
	offset := false
	if strings.HasPrefix(rest, "+0x") {
		j := 3
		for j < len(rest) && isHex(rest[j]) {
			j++
		}
		if j < len(rest) && rest[j] == '/' {
			j++
			if !strings.HasPrefix(rest[j:], "0x") {
				return Frame{}, false
			}
			j += 2
			for j < len(rest) && isHex(rest[j]) {
				j++
			}
		}
		offset, rest = true, rest[j:]
	}
	// What may follow: " [module]", " file.c:123", " [inline]", " (P)".
	fields := strings.Fields(rest)
	fileSeen := false
	for _, fl := range fields {
		switch {
		case strings.HasPrefix(fl, "[") && strings.HasSuffix(fl, "]"):
		case fl == "(P)" || fl == "(L)":
		case isFileLine(fl):
			fileSeen = true
			f.File = fl[:strings.IndexByte(fl, ':')]
		default:
			return Frame{}, false
		}
	}
	if !offset && !fileSeen {
		return Frame{}, false
	}
	return f, true
}

// isFileLine reports "net/core/sock.c:123" or "sock.c:123:4".
func isFileLine(s string) bool {
	i := strings.IndexByte(s, ':')
	if i <= 2 {
		return false
	}
	name := s[:i]
	if !(strings.HasSuffix(name, ".c") || strings.HasSuffix(name, ".h") || strings.HasSuffix(name, ".S") || strings.HasSuffix(name, ".rs")) {
		return false
	}
	n := s[i+1:]
	if j := strings.IndexByte(n, ':'); j >= 0 {
		n = n[:j]
	}
	return isDigits(n)
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'f' }

// baseSymbol cuts a symbol at its first '.': foo.isra.0, foo.cold → foo.
func baseSymbol(s string) string {
	if i := strings.IndexByte(s, '.'); i > 0 {
		return s[:i]
	}
	return s
}

// EntryOf maps a frame's function to the syscall whose entry or body it is
// (__x64_sys_ioctl, __do_sys_keyctl, __se_sys_bpf, ksys_write,
// __sys_setsockopt, sys_mq_notify), as the text method reads those symbols.
func EntryOf(fn string, t *syscalls.Table) (string, bool) {
	k := indexSys(fn)
	if k < 0 || !syscallPrefixes[fn[:k]] || sharedBodies[fn] {
		return "", false
	}
	return resolve(t, fn[k+4:])
}

// Incidental frames: reaching the bug through them says nothing about the
// syscall the task happened to be in (DESIGN.md: "a syscall that reaches
// the bug only through exit, task_work, module init, a kprobe or a kworker
// is not its trigger").
var incidentalFrames = map[string]string{
	"do_exit": "exit", "do_group_exit": "exit", "get_signal": "exit",
	"exit_mm": "exit", "exit_files": "exit", "exit_task_work": "exit",
	"task_work_run": "task_work", "exit_to_user_mode_prepare": "task_work",
	"exit_to_user_mode_loop": "task_work", "syscall_exit_to_user_mode": "task_work",
	"irqentry_exit_to_user_mode": "task_work", "do_notify_resume": "task_work",
	"arch_do_signal_or_restart": "task_work", "resume_user_mode_work": "task_work",
	"do_init_module": "module init", "do_one_initcall": "module init", "load_module": "module init",
	"process_one_work": "kworker", "worker_thread": "kworker",
	"trace_call_bpf": "tracing", "bpf_trace_run1": "tracing", "bpf_trace_run2": "tracing",
	"bpf_trace_run3": "tracing", "bpf_trace_run4": "tracing", "bpf_trace_run5": "tracing",
	// Busy polling runs a NIC's receive queue: the packets come from
	// outside, not from the polling syscall.
	"napi_busy_loop": "packet receive",
}

// incidentalSyscalls run other code's callbacks as their whole purpose:
// a module's init routine (init_module, finit_module). A bug reached from
// them is one of module init, not of a syscall a process uses. (A module's
// exit routine under delete_module, and the drivers' shutdown hooks under
// reboot, are triggers: sample 2's judges count delete_module.)
var incidentalSyscalls = map[string]string{
	"init_module": "module init", "finit_module": "module init",
}

// Incidental names why a function on a path from a syscall to a bug makes
// that syscall incidental ("exit", "task_work", "module init", "kworker",
// "kprobe", "tracing", "interrupt"), or "" when it does not.
func Incidental(fn string) string { return incidental(baseSymbol(fn)) }

func incidental(fn string) string {
	if why, ok := incidentalFrames[fn]; ok {
		return why
	}
	if name, entry := entryName(fn); entry {
		return incidentalSyscalls[name]
	}
	switch {
	case strings.Contains(fn, "kprobe") || strings.Contains(fn, "kretprobe"):
		return "kprobe"
	case strings.HasPrefix(fn, "__bpf_trace_"), strings.HasPrefix(fn, "perf_trace_"),
		strings.HasPrefix(fn, "trace_event_raw_event_"):
		return "tracing"
	case strings.HasPrefix(fn, "asm_sysvec_"), strings.HasPrefix(fn, "sysvec_"),
		fn == "asm_common_interrupt", fn == "common_interrupt", fn == "irq_exit_rcu", fn == "__irq_exit_rcu",
		fn == "irq_exit", fn == "do_IRQ", fn == "ret_from_intr", fn == "apic_timer_interrupt",
		fn == "smp_apic_timer_interrupt", fn == "el1_interrupt", fn == "gic_handle_irq":
		// An interrupt arrived while the task was in the syscall. A softirq
		// run synchronously by local_bh_enable (a loopback send) has none
		// of these frames and keeps its syscall.
		return "interrupt"
	}
	return ""
}

// context names what a stack runs in when that is not a syscall of its
// own: the first incidental frame ("exit", "kworker", "interrupt", …) or
// "kthread" for a stack based on kthread or ret_from_fork; "" otherwise.
func (st Stack) context() string {
	for _, f := range st.Frames {
		if f.Unreliable {
			continue
		}
		if _, entry := entryName(f.Func); entry {
			return ""
		}
		if why := incidental(f.Func); why != "" {
			return why
		}
		if f.Func == "kthread" || f.Func == "ret_from_fork" || f.Func == "ret_from_fork_asm" {
			return "kthread"
		}
	}
	return ""
}

// Call reads the syscall a main stack runs under: the innermost reliable
// frame that is a syscall entry. Frames between the innermost frame and
// that entry decide whether the syscall is incidental. ok is false when the
// stack shows no syscall.
func (st Stack) Call(t *syscalls.Table) (TraceCall, bool) {
	var path []string
	why := ""
	for _, f := range st.Frames {
		if f.Unreliable {
			continue
		}
		if name, ok := EntryOf(f.Func, t); ok {
			if why == "" {
				why = incidentalSyscalls[name]
			}
			path = append(path, f.Func)
			for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
				path[i], path[j] = path[j], path[i]
			}
			return TraceCall{Syscall: name, Path: path, Incidental: why}, true
		}
		if why == "" {
			why = incidental(f.Func)
		}
		path = append(path, f.Func)
	}
	// A trace cut above the entry ("<snip>", or pasted in part) still
	// shows the operations method the syscall called: the outermost
	// frame named like one (v4l2_ioctl, packet_setsockopt), or a netlink
	// family's input (netlinkReceive: sendmsg). A stack that ends in a
	// kernel thread has no syscall.
	for i := len(st.Frames) - 1; i >= 0; i-- {
		f := st.Frames[i]
		if f.Unreliable {
			continue
		}
		if f.Func == "kthread" || f.Func == "ret_from_fork" || f.Func == "worker_thread" || f.Func == "process_one_work" {
			return TraceCall{}, false
		}
		name, ok := OpsSyscall(f.Func)
		if !ok && netlinkReceive[f.Func] {
			name, ok = "sendmsg", true
		}
		if ok {
			if _, known := t.Number(name); !known {
				return TraceCall{}, false
			}
			var p []string
			why := ""
			for k := i; k >= 0; k-- {
				if !st.Frames[k].Unreliable {
					p = append(p, st.Frames[k].Func)
					if why == "" && k < i {
						why = incidental(st.Frames[k].Func)
					}
				}
			}
			return TraceCall{Syscall: name, Path: append([]string{name + " (cut)"}, p...), Incidental: why}, true
		}
	}
	return TraceCall{}, false
}

// opsSuffixes map the name of an operations-table method (a
// file_operations, proto_ops or inode_operations member, by the kernel's
// naming convention: "packet_setsockopt", "v4l2_ioctl", "ext4_mknod") to
// the syscall that calls it. Suffixes shared by several syscalls
// (_poll, _open, _release, _create) are not listed.
var opsSuffixes = []struct{ suffix, syscall string }{
	{"_unlocked_ioctl", "ioctl"}, {"_compat_ioctl", "ioctl"}, {"_ioctl", "ioctl"},
	{"_setsockopt", "setsockopt"}, {"_getsockopt", "getsockopt"},
	{"_sendmsg", "sendmsg"}, {"_recvmsg", "recvmsg"},
	{"_mmap", "mmap"}, {"_bind", "bind"}, {"_connect", "connect"}, {"_listen", "listen"},
	{"_write_iter", "write"}, {"_read_iter", "read"}, {"_splice_read", "splice"},
	{"_fallocate", "fallocate"}, {"_fsync", "fsync"}, {"_llseek", "lseek"},
	{"_mknod", "mknod"}, {"_mkdir", "mkdir"}, {"_rmdir", "rmdir"}, {"_unlink", "unlink"},
	{"_symlink", "symlink"}, {"_rename", "rename"}, {"_setxattr", "setxattr"}, {"_getxattr", "getxattr"},
	{"_listxattr", "listxattr"}, {"_fiemap", "ioctl"},
	// sysfs, configfs and kobject attributes: DEVICE_ATTR_RW(x) defines
	// x_show (read of the file) and x_store (write).
	{"_store", "write"}, {"_show", "read"},
}

// OpsSyscall maps the name of an operations method, by its suffix, to the
// syscall that calls it: packet_setsockopt → setsockopt, v4l2_ioctl →
// ioctl, ext4_mknod → mknod. Syscall bodies (sys_x, ksys_x) are not
// methods, nor are netlink command handlers, named with a "genl" or "nl"
// part (nbd_genl_connect is NBD_CMD_CONNECT, sent with sendmsg, not a
// .connect method).
func OpsSyscall(fn string) (string, bool) {
	if _, entry := entryName(fn); entry || netlinkHandler(fn) {
		return "", false
	}
	for _, o := range opsSuffixes {
		if strings.HasSuffix(fn, o.suffix) && len(fn) > len(o.suffix) {
			return o.syscall, true
		}
	}
	return "", false
}

// notMethods are kernel functions named like operations methods, found
// by reading every suffix link of the DB (docs/attribution.md, tenth
// session): the address space's teardown at exit and its copy at fork
// (exit_mmap, dup_mmap: mm/mmap.c, kernel/fork.c), not
// file_operations.mmap; printk's store of a message (vprintk_store), the
// swap caches' and the maple tree's stores (zswap_store,
// __frontswap_store, mas_wr_spanning_store) and ACPICA's (acpi_ex_store),
// not a sysfs attribute's .store.
var notMethods = map[string]bool{
	"exit_mmap": true, "dup_mmap": true,
	"vprintk_store": true, "zswap_store": true, "__frontswap_store": true,
	"mas_wr_spanning_store": true, "acpi_ex_store": true,
}

// methodTrees are where the methods of an ambiguous suffix are defined:
// a socket's .bind, .connect and .listen in net/ (and the socket families
// kept elsewhere; security/'s LSM hooks of the same names run in those
// syscalls), where "_bind" also names USB network and DRM component
// callbacks, "_connect" input handlers and PHY attachment, "_listen" RDMA
// CM listeners; and "_unlink" is a VFS or configfs method outside net/ and
// kernel/bpf/, whose list helpers (__skb_unlink, __xfrm_policy_unlink,
// bpf_selem_unlink) share the name: in lists the trees a method is in,
// out those it is not.
var methodTrees = map[string]struct{ in, out []string }{
	"_bind":    {in: socketTrees},
	"_connect": {in: socketTrees},
	"_listen":  {in: socketTrees},
	"_unlink":  {out: []string{"net/", "kernel/bpf/"}},
}

var socketTrees = []string{"net/", "drivers/net/ppp/", "drivers/isdn/", "crypto/", "security/"}

// OpsMethodIn tells whether fn, named like an operations method, can be
// one in a record whose fixed or named source files are files: a name in
// notMethods never is; one with an ambiguous suffix must be in the
// suffix's trees (methodTrees), when the record names any file.
func OpsMethodIn(fn string, files []string) bool {
	if notMethods[fn] {
		return false
	}
	tr, ok := methodTrees[OpsSuffix(fn)]
	if !ok || len(files) == 0 {
		return true
	}
	if tr.in != nil {
		return anyUnder(files, tr.in)
	}
	return !allUnder(files, tr.out)
}

// anyUnder tells whether some file is under one of trees; allUnder,
// whether every file is.
func anyUnder(files, trees []string) bool {
	for _, f := range files {
		if under(f, trees) {
			return true
		}
	}
	return false
}

func allUnder(files, trees []string) bool {
	for _, f := range files {
		if !under(f, trees) {
			return false
		}
	}
	return true
}

func under(file string, trees []string) bool {
	for _, t := range trees {
		if strings.HasPrefix(strings.TrimPrefix(file, "./"), t) {
			return true
		}
	}
	return false
}

// OpsSuffix is the suffix by which OpsSyscall mapped fn ("_setsockopt").
func OpsSuffix(fn string) string {
	for _, o := range opsSuffixes {
		if strings.HasSuffix(fn, o.suffix) && len(fn) > len(o.suffix) {
			return o.suffix
		}
	}
	return ""
}

// netlinkHandler tells a netlink command handler by its name: a "genl" or
// "nl" part before the last (nbd_genl_connect, tipc_nl_node_set_link,
// devlink_nl_cmd_get_doit).
func netlinkHandler(fn string) bool {
	parts := strings.Split(fn, "_")
	for _, p := range parts[:len(parts)-1] {
		if p == "genl" || p == "nl" {
			return true
		}
	}
	return false
}

// netlinkReceive are the kernel side of a netlink socket's input: a
// message user space sends (netlink_sendmsg → netlink_unicast_kernel →
// the family's input) runs them, and a cut trace whose outermost frame
// is one of them was a sendmsg. The dump callbacks are left out, since a
// dump goes on in recvmsg (netlink_dump), and so is netlink_unicast,
// which also carries the kernel's own messages to user space.
var netlinkReceive = map[string]bool{
	"netlink_unicast_kernel": true, "netlink_rcv_skb": true,
	"rtnetlink_rcv": true, "rtnetlink_rcv_msg": true,
	"genl_rcv": true, "genl_rcv_msg": true, "genl_family_rcv_msg": true, "genl_family_rcv_msg_doit": true,
	"nfnetlink_rcv": true, "nfnetlink_rcv_batch": true, "nfnetlink_rcv_msg": true,
	"xfrm_user_rcv_msg": true,
}
