package attrib

import (
	"sort"

	"sysweight/syscalls"
)

// uapiName is one entry of the generated table (zuapi.go): the syscall a
// UAPI name belongs to and the header that defines it.
type uapiName struct {
	syscall string
	header  string
}

// UAPIName reports the syscall a UAPI name (KEYCTL_READ, NFT_MSG_NEWRULE,
// SIOCGIFCONF, IPT_SO_SET_REPLACE, …) belongs to, and the header that
// defines it.
func UAPIName(name string) (syscall, header string, ok bool) {
	e, ok := uapiNames[name]
	return e.syscall, e.header, ok
}

// UAPI is the *uapi* method: a request, command, option or message-type
// name of the kernel's userspace API written in the text links the CVE to
// the syscall that takes it (KEYCTL_READ → keyctl, MADV_WILLNEED →
// madvise, SIOCGIFCONF → ioctl, PACKET_RX_RING → setsockopt,
// NFT_MSG_NEWRULE → sendmsg, IORING_OP_READV → io_uring_enter). The table
// is generated from linux-libc-dev's headers (UAPISource). One Link per
// syscall, with the first name as evidence, sorted by syscall.
func UAPI(text string, t *syscalls.Table) []Link {
	var out []Link
	seen := map[string]bool{}
	for i := 0; i < len(text); {
		if !isIdent(text[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(text) && isIdent(text[j]) {
			j++
		}
		tok := text[i:j]
		// UAPI names are capitals, digits and '_': skip other words
		// ("When", "the") without a map look-up.
		if c, d := tok[0], tok[1%len(tok)]; c < 'A' || c > 'Z' || j-i < 4 || d >= 'a' && d <= 'z' {
			i = j
			continue
		}
		if e, ok := uapiNames[tok]; ok && !seen[e.syscall] && !inPath(text, i, j) {
			if _, known := t.Number(e.syscall); known {
				seen[e.syscall] = true
				out = append(out, Link{Syscall: e.syscall, Method: MethodUAPI, Evidence: tok + " (" + e.header + ")"})
			}
		}
		i = j
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Syscall < out[j].Syscall })
	return out
}
