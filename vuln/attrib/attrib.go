package attrib

import (
	"runtime"
	"sort"
	"strings"
	"sync"

	"sysweight/syscalls"
)

// Method names how a link was made (DESIGN.md).
type Method string

const (
	MethodText     Method = "text"
	MethodFunction Method = "function"
	MethodFile     Method = "file"
	// MethodTrace: the syscall under the faulting frame of a call trace.
	MethodTrace Method = "trace"
	// MethodUAPI: a UAPI name (KEYCTL_READ, SIOCGIFCONF) the text writes.
	MethodUAPI Method = "uapi"
	// MethodSite: the bug site (the function the text says is wrong)
	// reached through the kernel call graph.
	MethodSite Method = "site"
	// MethodApart: a bug site in shared code linked to its nearest
	// syscalls when they stand apart from the rest (vuln/attrib/site).
	MethodApart Method = "apart"
)

// Link attributes a CVE to one syscall, with the evidence.
type Link struct {
	Syscall  string
	Method   Method
	Evidence string // the matched text, e.g. "keyctl syscall", "fremovexattr()"
	// Path is the call path from the syscall's entry to the bug, entry
	// first, when the method has one (trace, site, file).
	Path []string
}

// strength orders the forms of evidence: a link keeps its strongest one.
type strength uint8

const (
	explicit strength = iota + 1 // "keyctl syscall", sys_keyctl, SYSCALL_DEFINE
	call                         // keyctl(), keyctl$join(
	bareWord                     // keyctl
)

const maxEvidence = 80

// Text finds the syscalls of t named in a CVE description, one Link per
// syscall with its strongest (then first) evidence, sorted by syscall name.
// It makes one pass over the text; the cost is a map look-up per identifier.
func Text(description string, t *syscalls.Table) []Link {
	sc := scanner{s: description, t: t}
	sc.run()
	if len(sc.found) == 0 {
		return nil
	}
	out := make([]Link, len(sc.found))
	for i, f := range sc.found {
		out[i] = Link{Syscall: f.name, Method: MethodText, Evidence: f.evidence}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Syscall < out[j].Syscall })
	return out
}

// AttributeAll runs Text over descriptions keyed by CVE id, on all CPUs. CVEs
// without a link are absent from the result.
func AttributeAll(descriptions map[string]string, t *syscalls.Table) map[string][]Link {
	ids := make(chan string, 256)
	type res struct {
		id    string
		links []Link
	}
	results := make(chan res, 256)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range ids {
				if l := Text(descriptions[id], t); len(l) > 0 {
					results <- res{id, l}
				}
			}
		}()
	}
	go func() {
		for id := range descriptions {
			ids <- id
		}
		close(ids)
		wg.Wait()
		close(results)
	}()
	out := make(map[string][]Link)
	for r := range results {
		out[r.id] = r.links
	}
	return out
}

type found struct {
	name     string
	evidence string
	strength strength
}

type scanner struct {
	s     string
	t     *syscalls.Table
	found []found // few per description: a slice beats a map
}

func (sc *scanner) add(name string, st strength, evidence string) {
	for i := range sc.found {
		if sc.found[i].name == name {
			if st < sc.found[i].strength {
				sc.found[i].strength, sc.found[i].evidence = st, tidy(evidence)
			}
			return
		}
	}
	sc.found = append(sc.found, found{name, tidy(evidence), st})
}

func (sc *scanner) run() {
	s := sc.s
	for i := 0; i < len(s); {
		if !isIdent(s[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(s) && isIdent(s[j]) {
			j++
		}
		if c := s[i]; c == '_' || isLetter(c) {
			sc.token(i, j)
		}
		i = j
	}
}

// token looks at the identifier s[a:b] in its context.
func (sc *scanner) token(a, b int) {
	s := sc.s
	tok := s[a:b]
	if isKeyword(s, a, b) {
		sc.walkBack(a, b)
		return
	}
	if tok == "call" {
		sc.articleCall(a, b)
		return
	}
	if sc.prefixed(a, b) {
		return
	}
	var next byte
	if b < len(s) {
		next = s[b]
	}
	member := a > 0 && s[a-1] == '.' || a > 1 && (s[a-2:a] == "->" || s[a-2:a] == "::")
	switch {
	case next == '(' && !member:
		name, ok := resolve(sc.t, tok)
		if !ok {
			return
		}
		args, closed := parenArgs(s, b)
		if !callCounts(classOf(tok), args, closed) || sc.shorthand(a) {
			return
		}
		if closed && classOf(tok) == word && isMethod(s[b+len(args)+2:]) {
			return
		}
		ev := tok + "("
		if closed {
			ev = tok + "(" + args + ")"
		}
		sc.add(name, call, ev)
	case next == '$' && !member:
		// syzkaller's call$variant(...) is always the syscall.
		k := b + 1
		for k < len(s) && isIdent(s[k]) {
			k++
		}
		if k > b+1 && k < len(s) && s[k] == '(' {
			if name, ok := resolve(sc.t, tok); ok {
				sc.add(name, call, s[a:k+1])
			}
		}
	default:
		// Fast exits for the prose words that make up most tokens: no
		// bare name is shorter than four letters or capitalised but
		// "IOCTL(s)".
		if len(tok) < 4 || tok[0] >= 'A' && tok[0] <= 'Z' && tok[0] != 'I' {
			return
		}
		if !member && theFunction(s, a, b) {
			if c := classOf(tok); c == distinctive || c == bare {
				if name, ok := resolve(sc.t, tok); ok {
					sc.add(name, explicit, s[a-4:b+9])
					return
				}
			}
		}
		if member || classOf(tok) != bare || inPath(s, a, b) {
			return
		}
		if name, ok := resolve(sc.t, tok); ok {
			sc.add(name, bareWord, tok)
		}
	}
}

// shorthand reports "x_close()/open()", "enter/exit()" and
// "xe_mmio_read|write()", where the name stands for another function's
// name; "read/write()" still counts.
func (sc *scanner) shorthand(a int) bool {
	s := sc.s
	if a == 0 || s[a-1] != '/' && s[a-1] != '|' {
		return false
	}
	k, e := nameBefore(s, a-1)
	_, ok := resolve(sc.t, s[k:e])
	return !ok
}

// nameBefore is the identifier s[k:e] that ends at end, or before a "()"
// that ends there.
func nameBefore(s string, end int) (k, e int) {
	e = end
	if e >= 2 && s[e-2:e] == "()" {
		e -= 2
	}
	k = e
	for k > 0 && isIdent(s[k-1]) {
		k--
	}
	return k, e
}

// notCalls are names whose "the NAME call" is mostly something else: a
// module's or routine's exit, a synchronous call (against async), a time
// call of a driver.
var notCalls = map[string]bool{"exit": true, "sync": true, "time": true}

// articleCall reads "a setxattr call", "the recvmsg call", "the write()
// call": a syscall name between an article and the noun "call" (s[a:b])
// is the syscall, of any class but kernelFunc. Without the article, "X
// calls" is mostly a verb ("open calls dlm_grab()", "close calls
// module_put()").
func (sc *scanner) articleCall(a, b int) {
	s := sc.s
	if a < 2 || s[a-1] != ' ' || b < len(s) && isIdent(s[b]) {
		return
	}
	k, e := nameBefore(s, a-1)
	if k == e || k > 0 && strings.IndexByte("./>-$:", s[k-1]) >= 0 || inPath(s, k, e) {
		return
	}
	article := false
	for _, p := range []string{"a ", "an ", "the "} {
		if k >= len(p) && strings.EqualFold(s[k-len(p):k], p) && (k == len(p) || !isIdent(s[k-len(p)-1])) {
			article = true
		}
	}
	w := s[k:e]
	if !article || notCalls[w] || classOf(w) == kernelFunc {
		return
	}
	if name, ok := resolve(sc.t, w); ok {
		sc.add(name, explicit, s[k:b])
	}
}

// theFunction reports "the NAME function", NVD's way of naming the kernel
// function that implements a syscall ("The mq_notify function in the Linux
// kernel …"); only distinctive names count, since "the read function" of a
// driver is its .read method.
func theFunction(s string, a, b int) bool {
	return strings.HasPrefix(s[b:], " function") && a >= 4 && strings.EqualFold(s[a-4:a], "the ") &&
		(b+9 == len(s) || !isIdent(s[b+9]))
}

// isMethod reports that a call is followed by a word that makes it a driver
// or protocol method: "the tty-port shutdown() callback", "its exit()
// handler".
func isMethod(after string) bool {
	after = strings.TrimLeft(after, " \t\n")
	k := 0
	for k < len(after) && isLetter(after[k]) {
		k++
	}
	switch strings.ToLower(after[:k]) {
	case "callback", "callbacks", "method", "methods", "handler", "handlers",
		"hook", "hooks":
		return true
	}
	return false
}

// prefixed handles entry-point symbols and macros: sys_x, __x64_sys_x,
// ksys_x, SyS_x, SYS_x, sys_enter_x, __NR_x, SYSCALL_DEFINEn(x.
func (sc *scanner) prefixed(a, b int) bool {
	s, tok := sc.s, sc.s[a:b]
	if rest, ok := strings.CutPrefix(tok, "__NR_"); ok {
		if name, ok := resolve(sc.t, rest); ok {
			sc.add(name, explicit, tok)
		}
		return true
	}
	if strings.HasPrefix(tok, "SYSCALL_DEFINE") || strings.HasPrefix(tok, "COMPAT_SYSCALL_DEFINE") {
		k := b
		if k < len(s) && s[k] == '(' {
			k++
			for k < len(s) && s[k] == ' ' {
				k++
			}
			e := k
			for e < len(s) && isIdent(s[e]) {
				e++
			}
			if name, ok := resolve(sc.t, s[k:e]); ok {
				sc.add(name, explicit, s[a:e])
			}
		}
		return true
	}
	k := indexSys(tok)
	if k < 0 || !syscallPrefixes[tok[:k]] {
		return false
	}
	if sharedBodies[tok] {
		return true
	}
	rest := tok[k+4:]
	name, ok := resolve(sc.t, rest)
	if !ok && k == 0 {
		// tracepoints: sys_enter_openat; sys_exit_group resolved above.
		if r, cut := strings.CutPrefix(rest, "enter_"); cut {
			name, ok = resolve(sc.t, r)
		} else if r, cut := strings.CutPrefix(rest, "exit_"); cut {
			name, ok = resolve(sc.t, r)
		}
	}
	if ok && !unreliableFrame(s, a) {
		sc.add(name, explicit, tok)
	}
	return ok
}

// unreliableFrame reports a call-trace line "? ksys_write+0xf3/0x1c0": the
// unwinder found a stale return address on the stack, not a caller.
func unreliableFrame(s string, a int) bool {
	k := a
	for k > 0 && s[k-1] == ' ' {
		k--
	}
	return k > 0 && s[k-1] == '?' && (k == 1 || s[k-2] == ' ' || s[k-2] == '\t' || s[k-2] == '\n' || s[k-2] == ']')
}

// indexSys finds "sys_" in any case (SyS_, SYS_ in older kernels and glibc).
func indexSys(tok string) int {
	for i := 0; i+4 <= len(tok); i++ {
		if (tok[i]|0x20) == 's' && (tok[i+1]|0x20) == 'y' && (tok[i+2]|0x20) == 's' && tok[i+3] == '_' {
			return i
		}
	}
	return -1
}

// walkBack reads the names before the keyword at s[kw:kwEnd]: "the keyctl
// syscall", "read(2) system call", "(1) sendto and (2) recvfrom system
// calls", "socket, connect, and writev system calls", "read/write syscalls".
func (sc *scanner) walkBack(kw, kwEnd int) {
	s := sc.s
	end := kwEnd
	if e := keywordEnd(s, kw); e > 0 {
		end = e // "system call(s)"
	}
	pos := kw
	first, conj := true, false
	for steps := 0; steps < 16; steps++ {
		b := pos
		for b > 0 && !isIdent(s[b-1]) && pos-b <= 8 {
			b--
		}
		a := b
		for a > 0 && isIdent(s[a-1]) {
			a--
		}
		if a == b || b > 0 && !isIdent(s[b-1]) {
			return
		}
		gap := s[b:pos]
		if !gapOK(gap) {
			return
		}
		tok := s[a:b]
		if isDigits(tok) && a > 0 && s[a-1] == '(' && b < len(s) && s[b] == ')' {
			pos = a // "(2)" man section or "(1)" list item
			continue
		}
		if first {
			if strings.ContainsAny(gap, ",/&") {
				return
			}
		} else {
			lw := strings.ToLower(tok)
			if lw == "and" || lw == "or" {
				if conj {
					return
				}
				conj = true
				pos = a
				continue
			}
			if !conj && !strings.ContainsAny(gap, ",/&") {
				return
			}
		}
		name, ok := resolveFold(sc.t, tok)
		if !ok {
			return
		}
		sc.add(name, explicit, s[a:end])
		first, conj = false, false
		pos = a
	}
}

// isKeyword reports "syscall(s)" or the "system" of "system call(s)" /
// "system-call", in any case, not as part of a path such as syscall.c.
func isKeyword(s string, a, b int) bool {
	tok := s[a:b]
	if n := len(tok); n < 6 || n > 8 || tok[0]|0x20 != 's' {
		return false
	}
	if !(strings.EqualFold(tok, "syscall") || strings.EqualFold(tok, "syscalls")) {
		if !strings.EqualFold(tok, "system") || keywordEnd(s, a) < 0 {
			return false
		}
		return true
	}
	return !inPath(s, a, b)
}

// keywordEnd returns the end of "system call(s)" starting at a, or -1.
func keywordEnd(s string, a int) int {
	k := a + len("system")
	if k >= len(s) || (s[k] != ' ' && s[k] != '-') {
		return -1
	}
	k++
	if k+4 > len(s) || !strings.EqualFold(s[k:k+4], "call") {
		return -1
	}
	k += 4
	if k < len(s) && (s[k]|0x20) == 's' {
		k++
	}
	if k < len(s) && isIdent(s[k]) {
		return -1
	}
	return k
}

// gapOK accepts what may sit between names of a list and the keyword:
// spaces, quotes, parentheses and list separators, but no sentence break.
func gapOK(g string) bool {
	for i := 0; i < len(g); i++ {
		switch g[i] {
		case ' ', '\t', '\n', '\r', '`', '\'', '"', '(', ')', ',', '/', '&', '*':
		case 0xe2, 0x80, 0x98, 0x99, 0x9c, 0x9d: // UTF-8 curly quotes ‘’“”
		default:
			return false
		}
	}
	return true
}

// inPath reports a token inside a file path or file name: fs/ioctl.c,
// mm/mremap:, <fcntl.h>.
func inPath(s string, a, b int) bool {
	if a > 0 && s[a-1] == '/' || b < len(s) && s[b] == '/' {
		return true
	}
	return b+1 < len(s) && s[b] == '.' && isLetter(s[b+1])
}

// parenArgs returns the text inside the parentheses opening at s[open], if
// they close within a short distance on one line.
func parenArgs(s string, open int) (string, bool) {
	for k := open + 1; k < len(s) && k < open+120; k++ {
		switch s[k] {
		case ')':
			return s[open+1 : k], true
		case '\n', '(':
			return "", false
		}
	}
	return "", false
}

// callCounts decides whether "name(args)" is a syscall call for a name of
// class c.
func callCounts(c class, args string, closed bool) bool {
	switch c {
	case distinctive, bare:
		return true
	case kernelFunc:
		return closed && args == "2"
	}
	if !closed {
		return false
	}
	if args == "" || args == "2" || strings.Contains(args, ",") {
		return true
	}
	// A flag or command constant: mount(MS_BIND), bpf(BPF_PROG_LOAD).
	k := 0
	for k < len(args) && (args[k] >= 'A' && args[k] <= 'Z' || args[k] >= '0' && args[k] <= '9' || args[k] == '_') {
		k++
	}
	return k >= 3 && strings.Contains(args[:k], "_") && args[0] >= 'A' && args[0] <= 'Z'
}

func classOf(written string) class { return classes[written] }

// resolve maps a written name, exactly as written, to a syscall of t.
func resolve(t *syscalls.Table, w string) (string, bool) {
	if _, ok := t.Number(w); ok {
		return w, true
	}
	if al, ok := aliases[w]; ok {
		if _, ok := t.Number(al); ok {
			return al, true
		}
	}
	return "", false
}

// resolveFold is resolve for prose before "syscall", where "BPF syscall"
// and "Read system call" occur.
func resolveFold(t *syscalls.Table, w string) (string, bool) {
	if len(w) > 32 {
		return "", false
	}
	var buf [32]byte
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return resolve(t, string(buf[:len(w)]))
}

// tidy makes evidence one short line.
func tidy(e string) string {
	e = strings.Join(strings.Fields(e), " ")
	if len(e) > maxEvidence {
		e = strings.ToValidUTF8(e[:maxEvidence], "")
	}
	return e
}

func isIdent(c byte) bool { return identByte[c] }

// identByte marks the bytes of identifiers: letters, digits, '_'.
var identByte = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = c == '_' || c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'z'
	}
	return t
}()

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
