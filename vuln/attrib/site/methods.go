package site

import (
	"errors"
	"fmt"
	"strings"
)

// Methods selects the attribution methods that count.
type Methods uint16

const (
	MethodText     Methods = 1 << iota // vuln/attrib.Text
	MethodFunction                     // a named function reached by the syscall
	MethodFile                         // a function of a programFiles file reached by it
	MethodTrace                        // the syscall under a call trace's faulting frame (vuln/attrib.Read)
	MethodUAPI                         // a UAPI name the text writes (vuln/attrib.UAPI)
	MethodSite                         // the bug site reached through the call graph (Attributor)
	MethodDispatch                     // the fixed file is an interface's dispatcher (vuln/attrib.Dispatch)
	MethodApart                        // a bug site in shared code, by its nearest syscalls (Attributor.ApartLinks)
	MethodSibling                      // the syscalls that share a linked one's path (vuln/attrib.Siblings)
)

// methodNames are the methods in the order links are preferred.
var methodNames = []struct {
	bit  Methods
	name string
}{{MethodText, "text"}, {MethodTrace, "trace"}, {MethodUAPI, "uapi"}, {MethodSite, "site"},
	{MethodDispatch, "dispatch"}, {MethodApart, "apart"}, {MethodFunction, "function"}, {MethodFile, "file"},
	{MethodSibling, "sibling"}}

// ParseMethods reads a '+'-joined set of method names in any order: text,
// trace, uapi, site, dispatch, apart, function, file, sibling
// ("text+trace+uapi+site").
func ParseMethods(s string) (Methods, error) {
	var m Methods
	for _, part := range strings.Split(s, "+") {
		found := false
		for _, x := range methodNames {
			if strings.TrimSpace(part) == x.name {
				m |= x.bit
				found = true
			}
		}
		if !found {
			return 0, fmt.Errorf("attribution methods %q: unknown method %q (want text, trace, uapi, site, dispatch, apart, function, file or sibling joined by +)", s, part)
		}
	}
	return m, nil
}

func (m Methods) String() string {
	var parts []string
	for _, x := range methodNames {
		if m&x.bit != 0 {
			parts = append(parts, x.name)
		}
	}
	return strings.Join(parts, "+")
}

// DefaultMaxSyscalls is the K of the function and file methods: a function
// reached by more syscalls than this attributes nothing. It was chosen on
// vuln/attrib/testdata/sample.json (TestSampleCallGraph prints the sweep):
// precision is 0.93 for K = 4…8 and 0.80 at K = 10; 6 is the middle of
// that plateau.
const DefaultMaxSyscalls = 6

// ErrNoCallGraph means a method that follows the call graph (site, apart,
// file, function) was asked for without one.
var ErrNoCallGraph = errors.New("the site, apart, file and function methods need a call graph (the kernel image)")

// ErrNoFileMap means the file method was asked for over a call graph
// without source files.
var ErrNoFileMap = errors.New("the file method needs symbol-to-file data (a FileMap from the -dbg vmlinux's DWARF)")
