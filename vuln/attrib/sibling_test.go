package attrib

import (
	"reflect"
	"testing"
)

// TestSiblings checks the sibling rule on hand-made links; the members
// that run each function come from net/socket.c (sendto calls
// __sys_sendto, which calls __sock_sendmsg; sendmsg and sendmmsg call
// ___sys_sendmsg, which copies the msghdr and calls ____sys_sendmsg;
// accept calls __sys_accept4 with flags 0) and fs/open.c (truncate:
// do_sys_truncate, vfs_truncate, do_truncate; ftruncate:
// do_sys_ftruncate, do_truncate; open and openat: do_sys_open).
func TestSiblings(t *testing.T) {
	for _, c := range []struct {
		name  string
		links []Link
		want  []string // syscall: evidence
	}{
		{"a protocol's sendmsg gives the other sends",
			[]Link{{Syscall: "sendmsg", Method: MethodText, Evidence: "sendmsg()"}},
			[]string{"sendto: as sendmsg: sendmsg()", "sendmmsg: as sendmsg: sendmsg()"}},
		{"receives",
			[]Link{{Syscall: "recvfrom", Method: MethodTrace, Evidence: "__sys_recvfrom", Path: []string{"__x64_sys_recvfrom", "__sys_recvfrom", "sock_recvmsg", "tls_sw_recvmsg"}}},
			[]string{"recvmsg: as recvfrom: __sys_recvfrom", "recvmmsg: as recvfrom: __sys_recvfrom"}},
		{"a member already linked is not added again, and one added is added once",
			[]Link{{Syscall: "sendto", Method: MethodText, Evidence: "sendto()"}, {Syscall: "sendmsg", Method: MethodUAPI, Evidence: "MSG_ZEROCOPY"}},
			[]string{"sendmmsg: as sendto: sendto()"}},
		{"a bug in the msghdr copy: the msg forms only",
			[]Link{{Syscall: "sendmsg", Method: MethodTrace, Evidence: "sendmsg", Path: []string{"__x64_sys_sendmsg", "__sys_sendmsg", "___sys_sendmsg", "sendmsg_copy_msghdr", "copy_msghdr_from_user"}}},
			[]string{"sendmmsg: as sendmsg: sendmsg"}},
		{"a bug in sendto's own code: none",
			[]Link{{Syscall: "sendto", Method: MethodTrace, Evidence: "sendto", Path: []string{"__x64_sys_sendto", "__sys_sendto"}}},
			nil},
		{"accept is accept4 without flags",
			[]Link{{Syscall: "accept", Method: MethodText, Evidence: "accept()"}},
			[]string{"accept4: as accept: accept()"}},
		{"open and openat",
			[]Link{{Syscall: "openat", Method: MethodTrace, Evidence: "openat", Path: []string{"__x64_sys_openat", "do_sys_openat2", "path_openat", "ntfs_atomic_open"}}},
			[]string{"open: as openat: openat"}},
		{"a bug in truncate's own path lookup: none",
			[]Link{{Syscall: "truncate", Method: MethodTrace, Evidence: "truncate", Path: []string{"__x64_sys_truncate", "do_sys_truncate", "vfs_truncate"}}},
			nil},
		{"a bug below do_truncate: both",
			[]Link{{Syscall: "ftruncate", Method: MethodText, Evidence: "ftruncate()"}},
			[]string{"truncate: as ftruncate: ftruncate()"}},
		{"other syscalls: none",
			[]Link{{Syscall: "read", Method: MethodText, Evidence: "read()"}, {Syscall: "setsockopt", Method: MethodUAPI, Evidence: "SO_RCVBUF"}},
			nil},
	} {
		var got []string
		for _, l := range Siblings(c.links) {
			if l.Method != MethodSibling || l.Path != nil {
				t.Errorf("%s: %+v: want method sibling and no path", c.name, l)
			}
			if from, ok := SiblingOf(l.Evidence); !ok || from != c.links[0].Syscall {
				t.Errorf("%s: SiblingOf(%q) = %q, %v; want %s", c.name, l.Evidence, from, ok, c.links[0].Syscall)
			}
			got = append(got, l.Syscall+": "+l.Evidence)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}
