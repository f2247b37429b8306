package ftrace

import (
	"bytes"
	"compress/gzip"
	"slices"
	"strings"
	"testing"
)

// smallFootprints is a valid file written by hand: two syscalls, two
// workloads, one module function, one aliased function.
const smallFootprints = `{
  "schema": 1,
  "provenance": {"date": "2026-12-04T00:00:00Z", "generator": "by hand",
    "kernel": {"package": "p", "version": "v", "release": "r", "vmlinuz_sha256": "00", "uname": "u"},
    "qemu": "q", "machine": "m", "busybox": "b",
    "tracer": {"tracer": "function_graph", "options": ["funcgraph-proc"], "buffer_kib": 1, "filter": "f", "attribution": "a"},
    "modules": ["nfnetlink", "nf_tables"],
    "totals": {"syscalls": 2, "functions": 5, "median_functions": 3}},
  "workloads": [
    {"name": "nft", "argv": ["/bin/ftguest", "nft"], "version": "x", "exit": 0, "seconds": 1, "raw_bytes": 4096, "calls": 10,
     "lost": 0, "syscalls": 2, "invocations": 3, "unattributed": 0, "irq": 0, "abandoned": 0, "unbalanced": 0},
    {"name": "probe", "argv": ["/sysweight-probe"], "version": "y", "exit": 0, "seconds": 1, "raw_bytes": 4096, "calls": 2,
     "lost": 0, "syscalls": 1, "invocations": 1, "unattributed": 0, "irq": 0, "abandoned": 0, "unbalanced": 0}
  ],
  "syscalls": [
    {"name": "getpid", "invocations": 2, "depth": 2, "workloads": {"nft": 1, "probe": 1},
     "functions": [
       {"name": "__do_sys_getpid", "calls": 2, "aliases": ["__x64_sys_getpid"]},
       {"name": "__task_pid_nr_ns", "calls": 2}]},
    {"name": "sendmsg", "invocations": 1, "depth": 4, "workloads": {"nft": 1},
     "functions": [
       {"name": "__x64_sys_sendmsg", "calls": 1},
       {"name": "netlink_sendmsg", "calls": 1},
       {"name": "nf_tables_newrule", "calls": 1, "module": "nf_tables"}],
     "exit_work": [{"name": "task_work_run", "calls": 1}]}
  ]
}`

func TestLoadFootprints(t *testing.T) {
	for _, gz := range []bool{false, true} {
		in := []byte(smallFootprints)
		if gz {
			var b bytes.Buffer
			zw := gzip.NewWriter(&b)
			zw.Write(in)
			zw.Close()
			in = b.Bytes()
		}
		f, err := LoadFootprints(bytes.NewReader(in))
		if err != nil {
			t.Fatalf("gzip %v: %v", gz, err)
		}
		if got := f.SyscallNames(); !slices.Equal(got, []string{"getpid", "sendmsg"}) {
			t.Errorf("SyscallNames = %v", got)
		}
		if got := f.Functions("sendmsg"); !slices.Equal(got, []string{"__x64_sys_sendmsg", "netlink_sendmsg", "nf_tables_newrule"}) {
			t.Errorf("Functions(sendmsg) = %v", got)
		}
		if f.Functions("read") != nil {
			t.Error("Functions(read) of a syscall not seen is not nil")
		}
		if m := f.Module("nf_tables_newrule"); m != "nf_tables" {
			t.Errorf("Module(nf_tables_newrule) = %q", m)
		}
		if m := f.Module("netlink_sendmsg"); m != "" {
			t.Errorf("Module(netlink_sendmsg) = %q, want vmlinux (\"\")", m)
		}
		if !f.Ran("getpid", "__x64_sys_getpid") || !f.Ran("getpid", "__do_sys_getpid") || f.Ran("getpid", "netlink_sendmsg") {
			t.Error("Ran does not follow names and aliases")
		}
		if f.Ran("sendmsg", "task_work_run") {
			t.Error("Ran counts exit work")
		}
		if w, ok := f.Workload("probe"); !ok || w.Calls != 2 {
			t.Errorf("Workload(probe) = %+v, %v", w, ok)
		}
		if f.Provenance.Kernel.Package != "p" || len(f.Provenance.Modules) != 2 {
			t.Errorf("provenance = %+v", f.Provenance)
		}
	}
}

// Every bad input is an error that says where.
func TestLoadFootprintsErrors(t *testing.T) {
	good := smallFootprints
	for _, tc := range []struct {
		name, in, want string
	}{
		{"empty", "", "byte 0 (line 1, column 1): the input ends"},
		// Columns counted by hand: line 20 is `    {"name": "sendmsg", "invocations": 1, "depth": 4, ...`.
		{"syntax", strings.Replace(good, `"depth": 4,`, `"depth": 4,,`, 1), "line 20, column 54): invalid character ','"},
		{"truncated", good[:len(good)/2], "the input ends inside the object"},
		{"type", strings.Replace(good, `"calls": 2}]},`, `"calls": "2"}]},`, 1), "line 19, column 48): field syscalls.functions.calls: string where int"},
		{"unknown field", strings.Replace(good, `"depth": 4,`, `"depth": 4, "reach": 9,`, 1), `line 20, column 55): unknown field "reach"`},
		{"trailing data", good + "{}", "data after the object"},
		{"schema", strings.Replace(good, `"schema": 1`, `"schema": 2`, 1), "schema 2, want 1"},
		{"not a syscall", strings.Replace(good, `"name": "getpid"`, `"name": "getpidd"`, 1), "syscalls[0] (getpidd): not an x86_64 syscall"},
		{"unsorted syscalls", strings.Replace(good, `"name": "sendmsg"`, `"name": "brk"`, 1), "syscalls[1] (brk): not after getpid"},
		{"zero calls", strings.Replace(good, `{"name": "netlink_sendmsg", "calls": 1}`, `{"name": "netlink_sendmsg", "calls": 0}`, 1), "syscalls[1] (sendmsg): functions[1] (\"netlink_sendmsg\")"},
		{"unsorted functions", strings.Replace(good, `"netlink_sendmsg"`, `"A_sendmsg"`, 1), "functions[1] (A_sendmsg) not after __x64_sys_sendmsg"},
		{"bad name", strings.Replace(good, `"netlink_sendmsg"`, `"netlink sendmsg"`, 1), `functions[1] ("netlink sendmsg")`},
		{"workload sum", strings.Replace(good, `{"nft": 1, "probe": 1}`, `{"nft": 1}`, 1), "workloads add up to 1 invocations, want 2"},
		{"unknown workload", strings.Replace(good, `{"nft": 1, "probe": 1}`, `{"nft": 1, "shell": 1}`, 1), `workload "shell"`},
		{"module conflict", strings.Replace(good, `{"name": "task_work_run", "calls": 1}`, `{"name": "netlink_sendmsg", "calls": 1, "module": "x"}`, 1), `exit_work[0] (netlink_sendmsg): module "x" here and "" elsewhere`},
		{"repeated workload", strings.Replace(good, `{"name": "probe"`, `{"name": "nft"`, 1), `workloads[1]: name "nft"`},
		{"bad gzip", "\x1f\x8b\x08\x00garbage", "footprints: gzip"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := LoadFootprints(strings.NewReader(tc.in))
			if err == nil {
				t.Fatalf("no error; got %d syscalls", len(f.Syscalls))
			}
			if f != nil {
				t.Error("a value with the error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to contain %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q is more than one line", err)
			}
		})
	}
}

func TestBuildFootprints(t *testing.T) {
	syms, err := ParseKallsyms(strings.NewReader(`ffffffff81000000 T __do_sys_getpid
ffffffff81000000 T __x64_sys_getpid
ffffffff81000100 t __task_pid_nr_ns
ffffffffc0001000 t nf_tables_newrule	[nf_tables]
`))
	if err != nil {
		t.Fatal(err)
	}
	a := &Footprint{PerSyscall: map[string]*SyscallFootprint{
		"getpid": {Functions: map[string]int{"__do_sys_getpid": 1, "__task_pid_nr_ns": 1}, Depth: 2, Invocations: 1},
	}}
	b := &Footprint{PerSyscall: map[string]*SyscallFootprint{
		"getpid":  {Functions: map[string]int{"__do_sys_getpid": 2, "__task_pid_nr_ns": 2}, Depth: 2, Invocations: 2},
		"sendmsg": {Functions: map[string]int{"__x64_sys_sendmsg": 1, "nf_tables_newrule": 1}, Depth: 5, Invocations: 1, ExitWork: map[string]int{"task_work_run": 1}},
		// Exit work of a syscall entered before the trace began.
		"close": {Functions: map[string]int{}, ExitWork: map[string]int{"__fput": 1}},
	}}
	f, err := BuildFootprints(Provenance{}, []WorkloadRun{{Name: "a"}, {Name: "b"}}, []*Footprint{a, b}, syms)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.SyscallNames(); !slices.Equal(got, []string{"getpid", "sendmsg"}) {
		t.Fatalf("syscalls %v, want getpid and sendmsg", got)
	}
	g, _ := f.Syscall("getpid")
	if g.Invocations != 3 || g.Workloads["a"] != 1 || g.Workloads["b"] != 2 || g.Functions[0].Calls != 3 {
		t.Errorf("getpid = %+v", g)
	}
	if !slices.Equal(g.Functions[0].Aliases, []string{"__x64_sys_getpid"}) {
		t.Errorf("aliases of __do_sys_getpid = %v", g.Functions[0].Aliases)
	}
	if f.Module("nf_tables_newrule") != "nf_tables" || f.Module("__task_pid_nr_ns") != "" {
		t.Error("modules not named from the symbols")
	}
	s, _ := f.Syscall("sendmsg")
	if len(s.ExitWork) != 1 || s.ExitWork[0].Name != "task_work_run" {
		t.Errorf("sendmsg exit work = %+v", s.ExitWork)
	}
	if f.Provenance.Totals != (FootprintSum{Syscalls: 2, Functions: 4, MedianFunction: 2}) {
		t.Errorf("totals = %+v", f.Provenance.Totals)
	}
	if _, err := BuildFootprints(Provenance{}, []WorkloadRun{{Name: "a"}}, []*Footprint{a, b}, syms); err == nil {
		t.Error("no error for more footprints than workloads")
	}
	c := &Footprint{PerSyscall: map[string]*SyscallFootprint{}, Modules: map[string]string{"__task_pid_nr_ns": "x"}}
	d := &Footprint{PerSyscall: map[string]*SyscallFootprint{}, Modules: map[string]string{"__task_pid_nr_ns": "y"}}
	if _, err := BuildFootprints(Provenance{}, []WorkloadRun{{Name: "c"}, {Name: "d"}}, []*Footprint{c, d}, syms); err == nil {
		t.Error("no error for one function in two modules")
	}
}
