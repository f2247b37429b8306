package attrib

import (
	"strings"
)

// SiteRole says how a description points at a bug site; roles are ordered
// from the strongest evidence to the weakest.
type SiteRole uint8

const (
	// RoleCrash is the function a crash report names: KASAN's "in FUNC",
	// "WARNING: … at FILE:LINE FUNC+0x…", "RIP: 0010:FUNC+0x…", syzbot's
	// "general protection fault in FUNC", or the file of "kernel BUG at
	// FILE:LINE" and "UBSAN: … in FILE:LINE".
	RoleCrash SiteRole = iota + 1
	// RoleSubject is a function named in the fix's subject line,
	// "net/packet: packet_set_ring: …" or "fix a use-after-free in foo()".
	RoleSubject
	// RoleNamed is a function the prose names: "the FUNC function",
	// "FUNC()", a kernel symbol with an underscore; or a source file the
	// prose names ("in net/packet/af_packet.c").
	RoleNamed
	// RoleFrame is a frame of a main call trace, innermost first, after the
	// report machinery (kasan_report, __warn, dump_stack, …).
	RoleFrame
	// RoleFixes is a function in the subject of a "Fixes:" tag: the commit
	// that introduced the bug.
	RoleFixes
)

func (r SiteRole) String() string {
	switch r {
	case RoleCrash:
		return "crash"
	case RoleSubject:
		return "subject"
	case RoleNamed:
		return "named"
	case RoleFrame:
		return "frame"
	case RoleFixes:
		return "fixes"
	}
	return "?"
}

// Site is a place where a description says the bug is: a kernel function
// (Func) or a source file (File, for a file named without a function).
// Whether Func is a kernel function is for the call graph to say; Sites
// proposes identifiers that look like one.
type Site struct {
	Func     string
	File     string
	Role     SiteRole
	Evidence string
	// Phrase marks a named function the prose points at as the place of
	// the bug: "the FUNC function", "FUNC() in FILE", "in FUNC()".
	Phrase bool
}

// cnaPreamble starts every kernel CNA description; the fix's subject line
// follows it.
const cnaPreamble = "In the Linux kernel, the following vulnerability has been resolved:"

// Subject returns the fix's subject line of a kernel CNA description (the
// first line after the preamble), or "".
func Subject(description string) string {
	rest, ok := strings.CutPrefix(strings.TrimLeft(description, " \n"), cnaPreamble)
	if !ok {
		return ""
	}
	for rest != "" {
		var l string
		l, rest, _ = strings.Cut(rest, "\n")
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return ""
}

// Sites lists the bug sites of a description, strongest role first and in
// the order of the text within a role, each function once (at its
// strongest role). subject is the fix's subject line when the feed gives it
// apart from the description (linux_kernel_cves' cmt_msg); for kernel CNA
// records it is read from the description.
func Sites(description, subject string) []Site {
	return sitesOf(parseDoc(description), description, subject)
}

func sitesOf(d doc, description, subject string) []Site {
	var out []Site
	seen := map[string]bool{}
	add := func(s Site) {
		key := s.Func
		if key == "" {
			key = "file:" + s.File
		}
		if key == "" || seen[key] {
			return
		}
		seen[key] = true
		out = append(out, s)
	}
	var crash, subj, named, frames, fixes []Site
	if subject == "" {
		subject = Subject(description)
	}
	for _, fn := range subjectFuncs(subject) {
		subj = append(subj, Site{Func: fn, Role: RoleSubject, Evidence: subject})
	}
	for _, st := range d.stacks {
		if st.Kind != StackMain {
			continue
		}
		if st.Fault != "" && !reportFrame(st.Fault) {
			crash = append(crash, Site{Func: st.Fault, Role: RoleCrash, Evidence: "RIP " + st.Fault})
		}
		if st.context() != "" {
			// A kernel thread's, a kworker's or an incidental stack: its
			// frames say nothing about a syscall.
			continue
		}
		for _, f := range st.Frames {
			if f.Unreliable || reportFrame(f.Func) {
				continue
			}
			if _, isEntry := entryName(f.Func); isEntry {
				break
			}
			frames = append(frames, Site{Func: f.Func, File: f.File, Role: RoleFrame, Evidence: "frame " + f.Func})
		}
	}
	for i, line := range d.lines {
		if !d.prose[i] {
			continue
		}
		l := stripLogPrefix(line)
		crash = append(crash, crashSites(l)...)
		if fx, ok := fixesSubject(l); ok {
			for _, fn := range subjectFuncs(fx) {
				fixes = append(fixes, Site{Func: fn, Role: RoleFixes, Evidence: "Fixes: " + fx})
			}
			continue
		}
		named = append(named, namedSites(l)...)
	}
	for _, group := range [][]Site{crash, subj, named, frames, fixes} {
		for _, s := range group {
			add(s)
		}
	}
	return out
}

// entryName reports a syscall entry symbol by its form alone (the table is
// not needed to know that __x64_sys_foo is an entry).
func entryName(fn string) (string, bool) {
	k := indexSys(fn)
	if k < 0 || !syscallPrefixes[fn[:k]] || sharedBodies[fn] {
		return "", false
	}
	return fn[k+4:], true
}

// reportFrame reports the machinery of a crash report, locking and debug
// checks: frames above the function the report is about.
func reportFrame(fn string) bool {
	for _, p := range []string{"dump_stack", "show_stack", "print_report", "print_address_description",
		"kasan_", "__kasan_", "__asan_", "kmsan_", "__msan_", "ubsan_", "__ubsan_", "kcsan_",
		"report_bug", "handle_bug", "exc_invalid_op", "asm_exc_", "exc_page_fault", "do_user_addr_fault",
		"page_fault_oops", "kernelmode_fixup_or_oops", "__bad_area", "bad_area", "no_context", "do_page_fault",
		"__warn", "warn_slowpath", "__might_", "___might_sleep", "might_fault", "panic", "__stack_chk_fail",
		"refcount_warn_saturate", "__list_add_valid", "__list_del_entry_valid", "__list_valid",
		"lock_acquire", "__lock_acquire", "lock_release", "lock_is_held", "lockdep_", "validate_chain",
		"check_prev_add", "check_noncircular", "print_circular", "print_deadlock", "print_usage_bug",
		"mark_lock", "mark_usage", "__bfs", "_raw_spin_", "_raw_read_", "_raw_write_", "do_raw_spin_", "spin_bug",
		"__mutex_lock", "mutex_lock", "down_read", "down_write", "__down", "rwsem_", "debug_", "stack_trace_",
		"arch_stack_walk", "fortify_panic", "__fortify_", "bug_handler", "die", "oops_", "__die",
		"kfence_", "check_object", "check_bytes", "object_err", "slab_err", "__slab_free", "slab_free",
		"kfree", "kmem_cache_free", "__kmem_cache_free", "kmalloc", "__kmalloc", "kmem_cache_alloc",
		"memcpy", "memmove", "memset", "strcpy", "strlen", "strncpy", "strscpy", "sized_strscpy",
		"__memcpy", "__memset", "copy_to_user", "copy_from_user", "_copy_to_user", "_copy_from_user",
		"rcu_", "__rcu_", "schedule", "__schedule", "context_switch", "__switch_to"} {
		if strings.HasPrefix(fn, p) {
			return true
		}
	}
	return false
}

// crashSites reads a crash header line: "WARNING: … at FILE:LINE FUNC+0x…",
// "kernel BUG at FILE:LINE!", or "… in FUNC" / "… in FILE:LINE" after a
// sanitizer's or syzbot's crash words (crashLine).
func crashSites(l string) []Site {
	t := strings.TrimSpace(l)
	if strings.HasPrefix(t, "WARNING:") {
		if i := strings.Index(t, " at "); i >= 0 {
			fs := strings.Fields(t[i+4:])
			var file, fn string
			if len(fs) > 0 && isFileLine(fs[0]) {
				file = fs[0][:strings.IndexByte(fs[0], ':')]
				fs = fs[1:]
			}
			if len(fs) > 0 {
				if j := strings.Index(fs[0], "+0x"); j > 0 {
					fn = baseSymbol(fs[0][:j])
				}
			}
			if fn != "" || file != "" {
				return []Site{{Func: fn, File: file, Role: RoleCrash, Evidence: t}}
			}
		}
	}
	if i := strings.Index(t, "BUG at "); i >= 0 {
		fl := strings.TrimRight(strings.Fields(t[i+7:] + " ")[0], "!")
		if isFileLine(fl) {
			return []Site{{File: fl[:strings.IndexByte(fl, ':')], Role: RoleCrash, Evidence: t}}
		}
	}
	var out []Site
	checked := false
	for k := 0; ; {
		i := strings.Index(t[k:], " in ")
		if i < 0 {
			break
		}
		k += i + 4
		w := t[k:]
		e := 0
		for e < len(w) && (isIdent(w[e]) || w[e] == '.' || w[e] == '/' || w[e] == ':' || w[e] == '-') {
			e++
		}
		tok := strings.TrimRight(w[:e], ".:")
		if j := strings.Index(w[:e], "+0x"); j > 0 {
			tok = w[:j]
		}
		file := isFileLine(tok)
		fn := !file && looksLikeFunc(tok, strings.HasPrefix(w[e:], "(") || strings.HasPrefix(w[len(tok):], "+0x"))
		if !file && !fn {
			continue
		}
		if !checked {
			if !crashLine(t) {
				return nil
			}
			checked = true
		}
		if file {
			out = append(out, Site{File: tok[:strings.IndexByte(tok, ':')], Role: RoleCrash, Evidence: t})
			break
		}
		out = append(out, Site{Func: baseSymbol(tok), Role: RoleCrash, Evidence: t})
		// KCSAN: "data-race in foo / bar"
		if rest := strings.TrimSpace(w[len(tok):]); strings.HasPrefix(rest, "/ ") {
			if f2 := strings.Fields(rest[2:] + " ")[0]; looksLikeFunc(f2, false) {
				out = append(out, Site{Func: baseSymbol(f2), Role: RoleCrash, Evidence: t})
			}
		}
		break
	}
	return out
}

// crashLine reports a line that heads a crash report, or quotes a syzbot
// bug title.
func crashLine(t string) bool {
	for _, k := range []string{"KASAN:", "KMSAN:", "KCSAN:", "UBSAN:", "KFENCE:", "WARNING:", "WARNING in ",
		"BUG:", "kernel BUG", "general protection fault", "INFO: task hung", "task hung in ",
		"possible deadlock in ", "memory leak in ", "inconsistent lock state in ", "INFO: rcu detected stall in ",
		"unable to handle", "null-ptr-deref", "use-after-free", "out-of-bounds", "uninit-value in ",
		"divide error", "stack-out-of-bounds", "double-free", "invalid-free"} {
		if strings.Contains(t, k) {
			return true
		}
	}
	return false
}

// looksLikeFunc accepts an identifier that may be a kernel function: it has
// an underscore or is called ("foo()"), and is not all capitals (a macro or
// constant).
func looksLikeFunc(tok string, called bool) bool {
	if len(tok) < 3 || !(tok[0] == '_' || isLetter(tok[0])) {
		return false
	}
	upper := true
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		if !isIdent(c) {
			return false
		}
		if c >= 'a' && c <= 'z' {
			upper = false
		}
	}
	if upper {
		return false
	}
	return called || strings.Contains(tok, "_")
}

// subjectFuncs reads the functions of a subject line: "subsys: FUNC: …"
// prefixes and "FUNC()" or under_scored words in the message.
func subjectFuncs(subject string) []string {
	if subject == "" {
		return nil
	}
	var out []string
	parts := strings.Split(subject, ": ")
	for _, p := range parts[:len(parts)-1] {
		p = strings.TrimSuffix(strings.TrimSpace(p), "()")
		if _, entry := entryName(p); looksLikeFunc(p, false) && !strings.Contains(p, "/") && !entry {
			out = append(out, baseSymbol(p))
		}
	}
	msg := parts[len(parts)-1]
	for _, id := range identifiers(msg) {
		if _, entry := entryName(id.tok); entry {
			continue // the text method reads entry symbols
		}
		if looksLikeFunc(id.tok, id.called) && !id.member && !id.path {
			out = append(out, id.tok)
		}
	}
	return out
}

// fixesSubject reads `Fixes: 1234abcd ("subsys: subject")`.
func fixesSubject(l string) (string, bool) {
	t := strings.TrimSpace(l)
	if !strings.HasPrefix(t, "Fixes:") {
		return "", false
	}
	i := strings.Index(t, "(\"")
	if i < 0 {
		return "", true
	}
	s := t[i+2:]
	if j := strings.LastIndex(s, "\")"); j >= 0 {
		s = s[:j]
	}
	return s, true
}

// namedSites reads the functions and source files a prose line names.
func namedSites(l string) []Site {
	var out []Site
	for _, id := range identifiers(l) {
		switch {
		case id.path:
			if f := pathAt(l, id.start); f != "" {
				out = append(out, Site{File: f, Role: RoleNamed, Evidence: f})
			}
		case id.member:
		case looksLikeFunc(id.tok, id.called):
			if _, isEntry := entryName(id.tok); isEntry {
				continue // the text method reads entry symbols
			}
			out = append(out, Site{Func: id.tok, Role: RoleNamed, Evidence: l,
				Phrase: sitePhrase(l, id.start, id.start+len(id.tok))})
		}
	}
	return out
}

// sitePhrase reports that the function at s[a:b] is named as the place of
// the bug: "the FUNC function", "FUNC function in", "FUNC() in FILE",
// "in FUNC()", "in the FUNC() function".
func sitePhrase(s string, a, b int) bool {
	after := s[b:]
	after = strings.TrimPrefix(after, "()")
	before := s[:a]
	switch {
	case strings.HasPrefix(after, " function"):
		return true
	case strings.HasPrefix(after, " in ") && pathAt(after, 4) != "":
		return true
	case hasSuffixFold(before, " in ") || hasSuffixFold(before, " in the "):
		return strings.HasPrefix(s[b:], "()")
	}
	return false
}

// hasSuffixFold is strings.HasSuffix(strings.ToLower(s), suffix) for a
// lower-case ASCII suffix, without lowering all of s.
func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}

type ident struct {
	tok                  string
	start                int
	called, member, path bool
}

// identifiers splits a line into identifiers with their context.
func identifiers(s string) []ident {
	var out []ident
	for i := 0; i < len(s); {
		if !isIdent(s[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(s) && isIdent(s[j]) {
			j++
		}
		if c := s[i]; (c == '_' || isLetter(c)) && (j < len(s) && (s[j] == '(' || s[j] == '/' || s[j] == '.') ||
			i > 0 && (s[i-1] == '/' || s[i-1] == '.') || strings.IndexByte(s[i:j], '_') >= 0) {
			// Only identifiers that may be functions or parts of paths:
			// with an underscore, called, or next to a '/' or '.'.
			id := ident{tok: s[i:j], start: i}
			id.called = j < len(s) && s[j] == '('
			id.member = i > 0 && s[i-1] == '.' || i > 1 && (s[i-2:i] == "->" || s[i-2:i] == "::")
			id.path = inPath(s, i, j)
			out = append(out, id)
		}
		i = j
	}
	return out
}

// pathAt returns the source path (…/x.c or x.h) that contains s[i], or "".
func pathAt(s string, i int) string {
	a, b := i, i
	for a > 0 && (isIdent(s[a-1]) || s[a-1] == '/' || s[a-1] == '.' || s[a-1] == '-') {
		a--
	}
	for b < len(s) && (isIdent(s[b]) || s[b] == '/' || s[b] == '.' || s[b] == '-') {
		b++
	}
	p := strings.TrimRight(s[a:b], ".")
	if !strings.Contains(p, "/") || !(strings.HasSuffix(p, ".c") || strings.HasSuffix(p, ".h")) {
		return ""
	}
	return strings.TrimPrefix(p, "./")
}
