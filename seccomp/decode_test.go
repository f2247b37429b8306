package seccomp

import (
	"errors"
	"strings"
	"testing"

	"sysweight/syscalls"
)

// Bad input: every error names the input, the line:column and JSON path
// of the offending value, and what was expected. Positions were counted
// by hand (line, then byte column, 1-based) on the inputs as written.
func TestDecodeErrors(t *testing.T) {
	const head = "{\n\"defaultAction\": \"SCMP_ACT_ERRNO\",\n\"syscalls\": [\n" // syscalls[0] starts on line 4
	cases := []struct {
		name   string
		format Format // "" = Decode (sniffing)
		in     string
		is     error
		want   string // substring of the error
	}{
		{"truncated", FormatMoby, head + `{"names": ["read"`, ErrInvalidProfile,
			`decoding moby profile in.json:4:18: syscalls[0].names: invalid seccomp profile: invalid JSON: unexpected end of JSON input`},
		{"truncated mid-key", FormatMoby, "{\n\"defaultAc", ErrInvalidProfile, `in.json:2:11: `},
		{"syntax", FormatMoby, head + `{"names": ["read"],, "action": "SCMP_ACT_ALLOW"}]}`, ErrInvalidProfile,
			`in.json:4:20: syscalls[0]: invalid seccomp profile: invalid JSON: invalid character ','`},
		{"unknown action", FormatMoby, head + "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"},\n{\"names\": [\"write\"], \"action\": \"SCMP_ACT_PERMIT\"}]}", ErrUnknownAction,
			`in.json:5:32: syscalls[1].action: unknown seccomp action "SCMP_ACT_PERMIT" (want SCMP_ACT_ALLOW,`},
		{"lower-case action", FormatMoby, head + `{"names": ["read"], "action": "allow"}]}`, ErrUnknownAction,
			`in.json:4:31: syscalls[0].action: unknown seccomp action "allow"`},
		{"unknown default action", FormatMoby, "{\"defaultAction\": \"SCMP_ACT_DENY\", \"syscalls\": []}", ErrUnknownAction,
			`in.json:1:19: defaultAction: unknown seccomp action "SCMP_ACT_DENY"`},
		{"missing default action", FormatMoby, "{\"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"}]}", ErrInvalidProfile,
			`in.json:1:1: invalid seccomp profile: defaultAction missing`},
		{"unknown op", FormatMoby, head + "{\"names\": [\"clone\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [\n{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQUAL\"}]}]}", ErrUnknownOp,
			`in.json:5:32: syscalls[0].args[0].op: unknown comparison operator "SCMP_CMP_EQUAL" (want SCMP_CMP_NE,`},
		{"arg index 7", FormatMoby, head + "{\"names\": [\"clone\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [\n{\"index\": 7, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]}", ErrArgIndex,
			`in.json:5:11: syscalls[0].args[0].index: syscall argument index out of range: 7 (want 0..5)`},
		{"negative index", FormatMoby, head + "{\"names\": [\"clone\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [\n{\"index\": -1}]}]}", ErrInvalidProfile,
			`in.json:5:11: syscalls[0].args[0].index: invalid seccomp profile: got JSON number -1, want an unsigned integer`},
		{"names not array", FormatMoby, head + `{"names": "read", "action": "SCMP_ACT_ALLOW"}]}`, ErrInvalidProfile,
			`in.json:4:11: syscalls[0].names: invalid seccomp profile: got JSON string, want an array`},
		{"bad archMap arch", FormatMoby, "{\n\"defaultAction\": \"SCMP_ACT_ERRNO\",\n\"archMap\": [{\"architecture\": \"SCMP_ARCH_X86_64\", \"subArchitectures\": [\"SCMP_ARCH_I386\"]}],\n\"syscalls\": []}", ErrUnknownArchName,
			`in.json:3:71: archMap[0].subArchitectures[0]: unknown architecture name "SCMP_ARCH_I386"`},
		{"bad architectures", FormatMoby, "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": [\"x86_64\"]}", ErrUnknownArchName,
			`in.json:1:55: architectures[0]: unknown architecture name "x86_64" (want SCMP_ARCH_X86_64`},
		{"bad includes arch", FormatMoby, head + `{"names": ["read"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["amd65"]}}]}`, ErrUnknownArchName,
			`in.json:4:73: syscalls[0].includes.arches[0]: unknown architecture name "amd65"`},
		{"bad minKernel", FormatMoby, head + `{"names": ["ptrace"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "4.x"}}]}`, ErrInvalidKernelVersion,
			`in.json:4:77: syscalls[0].includes.minKernel: invalid kernel version "4.x": not numbers in 0..255 (want "MAJOR.MINOR"`},
		{"minKernel 0.0", FormatMoby, head + `{"names": ["ptrace"], "action": "SCMP_ACT_ALLOW", "excludes": {"minKernel": "0.0"}}]}`, ErrInvalidKernelVersion,
			`syscalls[0].excludes.minKernel: invalid kernel version "0.0": version cannot be 0.0`},
		{"minKernel patch", FormatMoby, head + `{"names": ["ptrace"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "4.8.3"}}]}`, ErrInvalidKernelVersion,
			`invalid kernel version "4.8.3": a patch level other than 0`},
		{"name and names", FormatMoby, head + `{"name": "read", "names": ["read"], "action": "SCMP_ACT_ALLOW"}]}`, ErrInvalidProfile,
			`in.json:4:10: syscalls[0].name: invalid seccomp profile: both name and names are given`},
		{"architectures and archMap", FormatMoby, "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": [\"SCMP_ARCH_X86\"], \"archMap\": [{\"architecture\": \"SCMP_ARCH_X86_64\"}], \"syscalls\": []}", ErrInvalidProfile,
			`archMap: invalid seccomp profile: both architectures and archMap are given`},
		{"errnoRet too big", FormatMoby, head + `{"names": ["read"], "action": "SCMP_ACT_ERRNO", "errnoRet": 70000}]}`, ErrInvalidProfile,
			`in.json:4:61: syscalls[0].errnoRet: invalid seccomp profile: errnoRet 70000 does not fit the 16-bit SECCOMP_RET_DATA`},
		{"errno disagrees", FormatMoby, head + `{"names": ["read"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1, "errno": "ENOSYS"}]}`, ErrInvalidProfile,
			`syscalls[0].errno: invalid seccomp profile: errno "ENOSYS" is 38 but errnoRet is 1`},
		{"null rule", FormatMoby, head + `null]}`, ErrInvalidProfile, `in.json:4:1: syscalls[0]: invalid seccomp profile: null rule`},
		{"top-level array", FormatMoby, `[1]`, ErrInvalidProfile, `in.json:1:1: invalid seccomp profile: got JSON array, want an object`},
		{"libcontainer action", FormatMoby, "{\"default_action\": 2, \"syscalls\": [\n{\"name\": \"read\", \"action\": 9}]}", ErrUnknownAction,
			`decoding libcontainer profile in.json:2:28: syscalls[0].action: unknown seccomp action 9 (want 1..6`},
		{"libcontainer op", FormatMoby, "{\"default_action\": 2, \"syscalls\": [\n{\"name\": \"clone\", \"action\": 4, \"args\": [{\"index\": 0, \"op\": 8}]}]}", ErrUnknownOp,
			`in.json:2:60: syscalls[0].args[0].op: unknown comparison operator 8 (want 1..7`},

		{"oci unknown action", FormatOCI, "{\"ociVersion\": \"1.2.1\", \"linux\": {\"seccomp\": {\n\"defaultAction\": \"SCMP_ACT_ERRNO\",\n\"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_OK\"}]}}}", ErrUnknownAction,
			`decoding oci profile in.json:3:44: linux.seccomp.syscalls[0].action: unknown seccomp action "SCMP_ACT_OK"`},
		{"oci index 6", FormatOCI, "{\"ociVersion\": \"1.2.1\", \"linux\": {\"seccomp\": {\n\"defaultAction\": \"SCMP_ACT_ERRNO\",\n\"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 6, \"op\": \"SCMP_CMP_EQ\"}]}]}}}", ErrArgIndex,
			`in.json:3:81: linux.seccomp.syscalls[0].args[0].index: syscall argument index out of range: 6`},
		{"oci not a config", FormatOCI, `{"defaultAction": "SCMP_ACT_ERRNO"}`, ErrInvalidProfile,
			`in.json:1:1: invalid seccomp profile: not an OCI runtime config (want ociVersion and linux`},
		{"oci seccomp wrong type", FormatOCI, "{\"ociVersion\": \"1.2.1\", \"linux\": {\"seccomp\": []}}", ErrInvalidProfile,
			`in.json:1:46: linux.seccomp: invalid seccomp profile: got JSON array, want an object`},

		{"fc unknown op", FormatFirecracker, "{\"vmm\": {\"default_action\": \"trap\", \"filter_action\": \"allow\", \"filter\": [\n{\"syscall\": \"read\"},\n{\"syscall\": \"ioctl\", \"args\": [{\"index\": 1, \"type\": \"dword\", \"op\": \"masked_eq\", \"val\": 1}]}]}}", ErrUnknownOp,
			`decoding firecracker profile in.json:3:67: vmm.filter[1].args[0].op: unknown comparison operator "masked_eq" (want "eq", "ne", "lt", "le", "gt", "ge" or {"masked_eq": MASK})`},
		{"fc unknown op object", FormatFirecracker, "{\"vmm\": {\"default_action\": \"trap\", \"filter_action\": \"allow\", \"filter\": [\n{\"syscall\": \"ioctl\", \"args\": [{\"index\": 1, \"type\": \"dword\", \"op\": {\"masked_ne\": 4}, \"val\": 1}]}]}}", ErrUnknownOp,
			`in.json:2:67: vmm.filter[0].args[0].op: unknown comparison operator {"masked_ne":4}`},
		{"fc unknown action", FormatFirecracker, "{\"api\": {\"default_action\": \"kill\", \"filter_action\": \"allow\", \"filter\": []}}", ErrUnknownAction,
			`in.json:1:28: api.default_action: unknown seccomp action "kill" (want "allow", "trap", "kill_thread", "kill_process", "log", {"errno": N} or {"trace": N})`},
		{"fc errno too big", FormatFirecracker, "{\"api\": {\"default_action\": {\"errno\": 70000}, \"filter_action\": \"allow\", \"filter\": []}}", ErrInvalidProfile,
			`in.json:1:28: api.default_action: invalid seccomp profile: errno value 70000 (want 0..65535)`},
		{"fc index 6", FormatFirecracker, "{\"vmm\": {\"default_action\": \"trap\", \"filter_action\": \"allow\", \"filter\": [\n{\"syscall\": \"ioctl\", \"args\": [{\"index\": 6, \"type\": \"dword\", \"op\": \"eq\", \"val\": 1}]}]}}", ErrArgIndex,
			`in.json:2:41: vmm.filter[0].args[0].index: syscall argument index out of range: 6`},
		{"fc bad type", FormatFirecracker, "{\"vmm\": {\"default_action\": \"trap\", \"filter_action\": \"allow\", \"filter\": [\n{\"syscall\": \"ioctl\", \"args\": [{\"index\": 1, \"type\": \"word\", \"op\": \"eq\", \"val\": 1}]}]}}", ErrInvalidProfile,
			`in.json:2:52: vmm.filter[0].args[0].type: invalid seccomp profile: argument type "word" (want "dword" or "qword")`},
		{"fc missing val", FormatFirecracker, "{\"vmm\": {\"default_action\": \"trap\", \"filter_action\": \"allow\", \"filter\": [\n{\"syscall\": \"ioctl\", \"args\": [{\"index\": 1, \"type\": \"dword\", \"op\": \"eq\"}]}]}}", ErrInvalidProfile,
			`in.json:2:31: vmm.filter[0].args[0]: invalid seccomp profile: val missing`},
		{"fc missing filter", FormatFirecracker, "{\"vmm\": {\"default_action\": \"trap\", \"filter_action\": \"allow\"}}", ErrInvalidProfile,
			`in.json:1:9: vmm: invalid seccomp profile: filter missing`},
		{"fc missing syscall", FormatFirecracker, "{\"vmm\": {\"default_action\": \"trap\", \"filter_action\": \"allow\", \"filter\": [{\"comment\": \"x\"}]}}", ErrInvalidProfile,
			`in.json:1:73: vmm.filter[0]: invalid seccomp profile: syscall missing`},
		{"fc empty", FormatFirecracker, `{}`, ErrInvalidProfile, `in.json:1:1: invalid seccomp profile: no thread filters`},
		{"fc thread not object", FormatFirecracker, `{"vmm": 3}`, ErrInvalidProfile, `in.json:1:9: vmm: invalid seccomp profile: got JSON number, want an object`},
		{"fc odd thread name", FormatFirecracker, `{"a b": {"default_action": "nope", "filter_action": "allow", "filter": []}}`, ErrUnknownAction,
			`in.json:1:28: ["a b"].default_action: unknown seccomp action "nope"`},

		{"unknown format", "", `{"rules": []}`, ErrUnknownFormat,
			`decoding seccomp profile in.json:1:1: unknown seccomp profile format: tried Docker/Moby (wants defaultAction and syscalls), OCI config.json (wants ociVersion or linux), Firecracker (wants an object of thread objects with default_action) and sysweight's gVisor rule set`},
		{"top-level string", "", `"x"`, ErrUnknownFormat, `in.json:1:1: unknown seccomp profile format: top level is JSON string`},
		{"empty input", "", ``, ErrInvalidProfile, `in.json:1:1: invalid seccomp profile: invalid JSON: unexpected end of JSON input`},
		{"sniffed moby error", "", head + `{"names": ["read"], "action": "SCMP_ACT_NOPE"}]}`, ErrUnknownAction, `decoding moby profile in.json:4:31: syscalls[0].action`},

		// nesting: the '[' that opens level 65 ('{' being level 1) is
		// byte 12+63 of `{"syscalls":[[[…`, column 76; 100,000 levels
		// (200 KB) end there in one pass
		{"nested moby", FormatMoby, deep(100000), ErrInvalidProfile, `decoding moby profile in.json:1:76: invalid seccomp profile: nested deeper than 64 levels`},
		{"nested oci", FormatOCI, deep(100000), ErrInvalidProfile, `decoding oci profile in.json:1:76: invalid seccomp profile: nested deeper than 64 levels`},
		{"nested firecracker", FormatFirecracker, deep(100000), ErrInvalidProfile, `in.json:1:76: invalid seccomp profile: nested deeper than 64 levels`},
		{"nested sniffed", "", deep(100000), ErrInvalidProfile, `in.json:1:76: invalid seccomp profile: nested deeper than 64 levels`},
		// 64 levels are decoded as usual; brackets in strings do not nest
		{"nested 64", FormatMoby, deep(63), ErrInvalidProfile, `in.json:1:14: syscalls[0]: invalid seccomp profile: got JSON array, want an object`},
		{"brackets in a string", FormatMoby, `{"defaultAction": "` + strings.Repeat("[{", 100) + `\"[", "syscalls": []}`, ErrUnknownAction,
			`in.json:1:19: defaultAction: unknown seccomp action`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			r := strings.NewReader(c.in)
			switch c.format {
			case FormatMoby:
				_, err = DecodeMoby(r, "in.json")
			case FormatOCI:
				_, err = DecodeOCI(r, "in.json")
			case FormatFirecracker:
				_, err = DecodeFirecracker(r, "in.json", syscalls.X86_64)
			default:
				_, err = Decode(r, "in.json", runcDocker)
			}
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, c.is) {
				t.Errorf("error %v is not %v", err, c.is)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error\n  %v\nlacks\n  %s", err, c.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
			var de *DecodeError
			if !errors.As(err, &de) || de.Input != "in.json" {
				t.Errorf("not a *DecodeError naming the input: %#v", err)
			}
		})
	}
}

// deep is a profile whose syscalls value nests n arrays.
func deep(n int) string {
	return `{"syscalls":` + strings.Repeat("[", n) + strings.Repeat("]", n) + "}"
}

func TestWalkJSON(t *testing.T) {
	got := walkJSON([]byte(`{"a": [1, {"b": null}], "c d": {}, "e": []}`))
	want := []jsonValue{{"", 0, 43}, {"a", 6, 22}, {"a[0]", 7, 8}, {"a[1]", 10, 21}, {"a[1].b", 16, 20}, {`["c d"]`, 31, 33}, {"e", 40, 42}}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("value %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}
