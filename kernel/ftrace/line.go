package ftrace

import (
	"strconv"
	"strings"
)

// kind is what one line of trace text says.
type kind int

const (
	kGarbage    kind = iota
	kBlank           // empty, headers, separators, comments, overrun notes
	kEntry           // "func() {"
	kLeaf            // "func();"
	kExit            // "}" with an optional "/* func */"
	kIRQEnter        // "==========>"
	kIRQExit         // "<=========="
	kSwitch          // "CPU) prev-pid => next-pid"
	kLost            // "CPU:N [LOST M EVENTS]" and trace-cmd's "EVENTS DROPPED"
	kTracer          // "# tracer: NAME"
	kOtherEvent      // a trace-cmd report line of another event
)

// line is one parsed line. cpu and pid are -1 when the line does not say.
type line struct {
	kind     kind
	cpu, pid int
	fn       string // function of an entry, leaf or tailed exit
	mod      string // the module of fn, when the line names one
	nextPid  int    // kSwitch: the task switched to (pid is the one switched from)
	lost     int64  // kLost: events lost, -1 when the count is not known
	tracer   string // kTracer
	traceCmd bool   // the line came from trace-cmd report
}

// parseLine classifies one line of function_graph text (the kernel's
// trace/trace_pipe files, kernel/trace/trace_functions_graph.c) or of
// trace-cmd report (tracecmd/trace-read.c, lib/trace-cmd/trace-ftrace.c).
func parseLine(s string) line {
	l := line{cpu: -1, pid: -1, nextPid: -1}
	t := strings.TrimSpace(s)
	switch {
	case t == "":
		l.kind = kBlank
		return l
	case strings.HasPrefix(t, "#"):
		if name, ok := strings.CutPrefix(t, "# tracer:"); ok {
			l.kind = kTracer
			l.tracer = strings.TrimSpace(name)
			return l
		}
		l.kind = kBlank
		return l
	case strings.HasPrefix(t, "CPU:"):
		return parseCPUNote(t, l)
	case strings.HasPrefix(t, "cpus="), strings.HasPrefix(t, "(Overruns:"),
		strings.Trim(t, "-") == "":
		// trace-cmd's first line, funcgraph-overrun notes, and the
		// rules around a context-switch line.
		l.kind = kBlank
		return l
	}
	if tl, ok := parseTraceCmd(t, l); ok {
		return tl
	}
	return parseGraph(t, l)
}

// parseCPUNote reads "CPU:N [LOST M EVENTS]" and "CPU:N [LOST EVENTS]"
// (kernel/trace/trace.c: print_trace_line), trace-cmd's "CPU:N [M EVENTS
// DROPPED]" and "CPU:N [EVENTS DROPPED]", and its "[SUBBUFFER START]" marks.
func parseCPUNote(t string, l line) line {
	rest := strings.TrimSpace(t[len("CPU:"):])
	i := strings.IndexByte(rest, '[')
	if i <= 0 || !strings.HasSuffix(rest, "]") {
		return l
	}
	cpu, err := strconv.Atoi(strings.TrimSpace(rest[:i]))
	if err != nil || cpu < 0 {
		return l
	}
	note := strings.Fields(rest[i+1 : len(rest)-1])
	l.cpu = cpu
	switch {
	case len(note) == 2 && note[0] == "SUBBUFFER" && note[1] == "START":
		l.kind = kBlank
	case len(note) == 2 && note[0] == "LOST" && note[1] == "EVENTS",
		len(note) == 2 && note[0] == "EVENTS" && note[1] == "DROPPED":
		l.kind, l.lost = kLost, -1
	case len(note) == 3 && note[0] == "LOST" && note[2] == "EVENTS":
		if n, err := strconv.ParseInt(note[1], 10, 64); err == nil && n >= 0 {
			l.kind, l.lost = kLost, n
		}
	case len(note) == 3 && note[1] == "EVENTS" && note[2] == "DROPPED":
		if n, err := strconv.ParseInt(note[0], 10, 64); err == nil && n >= 0 {
			l.kind, l.lost = kLost, n
		}
	}
	return l
}

// parseTraceCmd reads a trace-cmd report event line:
//
//	COMM-PID [CPU] [FLAGS] SECS.USECS: EVENT: INFO
//
// (tracecmd/trace-read.c: "%16s-%-5d [%03d]", or "%8.8s-%-5d %3d" followed
// by the latency flags with -l). Only funcgraph_entry and funcgraph_exit
// carry a function; other events are recognised and passed over.
func parseTraceCmd(t string, l line) (line, bool) {
	// The event name ends at the first ": " after the timestamp, and the
	// timestamp ends at the first ": " after the CPU; find the CPU first,
	// scanning for "-PID" followed by a CPU field.
	colon := strings.Index(t, ": ")
	if colon < 0 {
		return l, false
	}
	head := strings.Fields(t[:colon])
	// head is COMM... -PID CPU [FLAGS] TS, with COMM-PID possibly one field.
	if len(head) < 3 {
		return l, false
	}
	ts := head[len(head)-1]
	if !isTimestamp(ts) {
		return l, false
	}
	// Find the CPU field, [NNN] or a bare number, right after COMM-PID.
	ci := -1
	for i := 1; i < len(head)-1; i++ {
		if cpu, ok := bracketCPU(head[i]); ok {
			ci, l.cpu = i, cpu
			break
		}
	}
	if ci < 0 {
		// Latency format: COMM-PID CPU FLAGS TS, the CPU a bare number.
		if len(head) >= 4 {
			if cpu, err := strconv.Atoi(head[len(head)-3]); err == nil && cpu >= 0 {
				ci, l.cpu = len(head)-3, cpu
			}
		}
		if ci < 0 {
			return l, false
		}
	}
	if ci < len(head)-3 {
		return l, false // more than one flags field
	}
	comm := strings.Join(head[:ci], " ")
	pid, ok := procPid(comm)
	if !ok {
		return l, false
	}
	l.pid = pid
	l.traceCmd = true
	rest := t[colon+2:]
	ev, info, ok := strings.Cut(rest, ":")
	ev = strings.TrimSpace(ev)
	if !ok || ev == "" || strings.ContainsAny(ev, " \t") {
		return l, false
	}
	switch ev {
	case "funcgraph_entry", "funcgraph_exit":
		content := stripDepth(graphContent(info))
		c := classifyContent(content, l)
		if (ev == "funcgraph_entry") != (c.kind == kEntry || c.kind == kLeaf) ||
			(ev == "funcgraph_exit") != (c.kind == kExit) {
			c.kind = kGarbage
		}
		return c, true
	}
	l.kind = kOtherEvent
	return l, true
}

func isTimestamp(s string) bool {
	a, b, ok := strings.Cut(s, ".")
	if !ok {
		return allDigits(s)
	}
	return allDigits(a) && allDigits(b)
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func bracketCPU(s string) (int, bool) {
	if len(s) < 3 || s[0] != '[' || s[len(s)-1] != ']' || !allDigits(s[1:len(s)-1]) {
		return 0, false
	}
	n, err := strconv.Atoi(s[1 : len(s)-1])
	return n, err == nil
}

// procPid reads "comm-pid", where comm may itself hold dashes.
func procPid(s string) (int, bool) {
	i := strings.LastIndexByte(s, '-')
	if i <= 0 || i == len(s)-1 || !allDigits(s[i+1:]) {
		return 0, false
	}
	pid, err := strconv.Atoi(s[i+1:])
	return pid, err == nil
}

// stripDepth drops the " (N)" that trace-cmd's fgraph:depth option appends.
func stripDepth(s string) string {
	if !strings.HasSuffix(s, ")") {
		return s
	}
	i := strings.LastIndex(s, " (")
	if i < 0 || !allDigits(s[i+2:len(s)-1]) {
		return s
	}
	return strings.TrimSpace(s[:i])
}

// graphContent skips the overhead mark and duration of trace-cmd's info
// ("  0.123 us   |  func();", "             |  func() {").
func graphContent(info string) string {
	t := strings.TrimSpace(info)
	i := strings.IndexByte(t, '|')
	if i < 0 {
		return t
	}
	if f := strings.TrimSpace(t[:i]); f == "" || isDuration(f) {
		return strings.TrimSpace(t[i+1:])
	}
	return t
}

// parseGraph reads a line of the kernel's function_graph output. Its
// optional leading columns come in the order print_graph_prologue writes
// them: absolute time "SECS.USECS |", relative time "N us |", CPU "N)",
// task "comm-pid |", latency flags "d..1 |", then the duration column
// (overhead mark, "N.NNN us", and "|"; blank for entries; the IRQ arrows
// sit in it). Each of these but the CPU ends at a "|"; the function text
// follows the last one.
func parseGraph(t string, l line) line {
	rest := t
	fields := 0
	for {
		r := strings.TrimLeft(rest, " \t")
		if l.cpu < 0 && fields <= 2 {
			if cpu, n, ok := cpuField(r); ok {
				l.cpu = cpu
				rest = r[n:]
				fields++
				continue
			}
		}
		i := strings.IndexByte(r, '|')
		if i < 0 {
			break
		}
		f := strings.TrimSpace(r[:i])
		switch {
		case f == "==========>":
			l.kind = kIRQEnter
			return l
		case f == "<==========":
			l.kind = kIRQExit
			return l
		case isDuration(f) && l.cpu < 0 && startsWithCPU(r[i+1:]):
			// The relative-time column of the latency tracers
			// ("N us |"), which comes before the CPU.
		case f == "" || isDuration(f):
			rest = r[i+1:]
			return classifyContent(strings.TrimSpace(rest), l)
		case isTimestamp(f) && strings.Contains(f, ".") && l.cpu < 0:
		case l.pid < 0 && !strings.HasPrefix(f, "/*"):
			if pid, ok := procPid(f); ok {
				l.pid = pid
				break
			}
			if !isLatFlags(f) {
				return classifyContent(strings.TrimSpace(rest), l)
			}
		case isLatFlags(f):
		default:
			return classifyContent(strings.TrimSpace(rest), l)
		}
		rest = r[i+1:]
		fields++
	}
	return classifyContent(strings.TrimSpace(rest), l)
}

func startsWithCPU(s string) bool {
	_, _, ok := cpuField(strings.TrimLeft(s, " \t"))
	return ok
}

// cpuField reads " N) " (print_graph_cpu).
func cpuField(s string) (cpu, n int, ok bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i > 6 || i >= len(s) || s[i] != ')' {
		return 0, 0, false
	}
	cpu, err := strconv.Atoi(s[:i])
	if err != nil {
		return 0, 0, false
	}
	return cpu, i + 1, true
}

// isDuration matches the duration column without its "|": an optional
// overhead mark (+ ! # * @ $, trace_find_mark) and "N.NNN us" or "N us".
func isDuration(f string) bool {
	if f != "" && strings.IndexByte("+!#*@$", f[0]) >= 0 {
		f = strings.TrimSpace(f[1:])
	}
	num, ok := strings.CutSuffix(f, "us")
	if !ok {
		return false
	}
	num = strings.TrimSpace(num)
	return isTimestamp(num)
}

// isLatFlags matches the latency-format flags (trace_print_lat_fmt):
// irqs-off, need-resched, hardirq/softirq, preempt depth and, since 5.19,
// migrate-disable depth, each one character.
func isLatFlags(f string) bool {
	if len(f) < 4 || len(f) > 5 {
		return false
	}
	for i := 0; i < len(f); i++ {
		c := f[i]
		if !(c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// classifyContent reads the function column: "func() {", "func();",
// "}" and their trailing comments ("/* func */", "/* = 0x0 */",
// "/* <-caller+0x1/0x2 */", "/* func ret=-22 */"), comment lines
// "/* ... */", the IRQ arrows when the duration column is off, and the
// context-switch line "prev-pid => next-pid".
func classifyContent(c string, l line) line {
	l.kind = kGarbage
	if c == "" {
		return l
	}
	if strings.HasPrefix(c, "/*") {
		if strings.HasSuffix(c, "*/") {
			l.kind = kBlank
		}
		return l
	}
	switch c {
	case "==========>":
		l.kind = kIRQEnter
		return l
	case "<==========":
		l.kind = kIRQExit
		return l
	}
	main, comment := c, ""
	if strings.HasSuffix(c, "*/") {
		i := strings.LastIndex(c, "/*")
		if i < 0 || i+2 > len(c)-2 {
			return l
		}
		main, comment = strings.TrimSpace(c[:i]), strings.TrimSpace(c[i+2:len(c)-2])
	}
	if main == "}" {
		l.kind = kExit
		if f := strings.Fields(comment); len(f) > 0 && !strings.HasPrefix(f[0], "=") {
			l.fn = strings.TrimSuffix(f[0], "()")
			if !isSymbol(l.fn) {
				l.fn = ""
			}
		}
		return l
	}
	if prev, next, ok := strings.Cut(main, " => "); ok {
		p1, ok1 := procPid(strings.TrimSpace(prev))
		p2, ok2 := procPid(strings.TrimSpace(next))
		if ok1 && ok2 {
			l.kind, l.pid, l.nextPid = kSwitch, p1, p2
		}
		return l
	}
	var k kind
	switch {
	case strings.HasSuffix(main, "{"):
		k, main = kEntry, strings.TrimSpace(strings.TrimSuffix(main, "{"))
	case strings.HasSuffix(main, ";"):
		k, main = kLeaf, strings.TrimSuffix(main, ";")
	default:
		return l
	}
	// main is now NAME(ARGS); ARGS are empty unless funcgraph-args is on.
	open := strings.IndexByte(main, '(')
	if open <= 0 || !strings.HasSuffix(main, ")") {
		return l
	}
	name, mod := main[:open], ""
	// %ps prints a module function as "name [module]"
	// (kernel/kallsyms.c: __sprint_symbol).
	if sym, m, ok := strings.Cut(name, " ["); ok && strings.HasSuffix(m, "]") {
		name, mod = sym, strings.TrimSuffix(m, "]")
		if !isSymbol(mod) {
			return l
		}
	}
	if !isSymbol(name) {
		return l
	}
	l.kind, l.fn, l.mod = k, name, mod
	return l
}

// isSymbol accepts what %ps prints: a symbol with compiler suffixes
// (".isra.0", ".cold"), or a bare address when no symbol is known.
func isSymbol(s string) bool {
	if s == "" || len(s) > 512 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c == '.' || c == '$' || c >= '0' && c <= '9' ||
			c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}
