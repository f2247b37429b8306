package ftrace

import (
	"strings"

	"sysweight/syscalls"
)

// entryPrefixes are the symbol prefixes under which a syscall's own code
// shows up in a function graph, outermost first: the arch wrappers of
// arch/x86/include/asm/syscall_wrapper.h and arch/arm64/include/asm/
// syscall_wrapper.h (4.17+), the __se_/__do_ layers that SYSCALL_DEFINEx
// expands to (include/linux/syscalls.h), the ksys_ helpers, and the plain
// sys_/SyS_ names of kernels before 4.17. Only the outermost frame that
// matches counts, so the inner layers matter only when the wrapper itself
// was filtered out of the trace.
var entryPrefixes = []string{
	"__x64_sys_",
	"__ia32_sys_",
	"__ia32_compat_sys_",
	"__x64_compat_sys_",
	"__x32_compat_sys_",
	"__arm64_sys_",
	"__arm64_compat_sys_",
	"__se_sys_",
	"__do_sys_",
	"__se_compat_sys_",
	"__do_compat_sys_",
	"compat_sys_",
	"ksys_",
	"SyS_",
	"sys_",
}

// defineRenames maps SYSCALL_DEFINE names to the table name of the same
// syscall where the two differ (arch/x86/entry/syscalls/syscall_64.tbl and
// include/uapi/asm-generic/unistd.h, v6.1: "4 common stat sys_newstat",
// "__NR_fstat sys_newfstat", "__NR_umount2 sys_umount", ...). It mirrors
// entryRenames in kernel/x86/syscalls.go; TestRenamesAgreeWithX86 keeps the
// two in step.
var defineRenames = map[string]string{
	"newstat":    "stat",
	"newfstat":   "fstat",
	"newlstat":   "lstat",
	"newuname":   "uname",
	"umount":     "umount2",
	"sendfile64": "sendfile",
}

// dispatchers are the arch syscall dispatch functions that call the entry
// point (arch/x86/entry/common.c, arch/x86/entry/syscall_64.c since 6.9,
// arch/arm64/kernel/syscall.c). They are not part of any one syscall; they
// matter only for Options.ExitWork.
var dispatchers = map[string]bool{
	"do_syscall_64":         true,
	"do_syscall_x64":        true,
	"do_syscall_x32":        true,
	"x64_sys_call":          true,
	"x32_sys_call":          true,
	"ia32_sys_call":         true,
	"do_int80_syscall_32":   true,
	"do_int80_emulation":    true,
	"__do_fast_syscall_32":  true,
	"do_fast_syscall_32":    true,
	"do_SYSENTER_32":        true,
	"el0_svc":               true,
	"do_el0_svc":            true,
	"el0_svc_common":        true,
	"invoke_syscall":        true,
	"el0_svc_compat":        true,
	"do_el0_svc_compat":     true,
	"__invoke_syscall":      true,
	"entry_SYSCALL_64":      true,
	"entry_SYSCALL_compat":  true,
	"entry_INT80_compat":    true,
	"entry_SYSENTER_compat": true,
}

// exitRoots are the functions of the syscall exit path that run at a
// task's outermost traced level when the dispatcher itself is not traced
// (kernel/entry/common.c since 5.8, where do_syscall_64 and
// syscall_exit_to_user_mode are noinstr; arch/x86/entry/common.c before):
// after an entry point returns there, they are its exit work.
// lastExitRoots are the last of them to run before user mode.
var exitRoots = map[string]bool{
	"syscall_exit_to_user_mode":         true,
	"syscall_exit_to_user_mode_prepare": true,
	"syscall_exit_to_user_mode_work":    true,
	"syscall_exit_work":                 true,
	"exit_to_user_mode_prepare":         true,
	"exit_to_user_mode_loop":            true,
	"prepare_exit_to_usermode":          true,
	"syscall_return_slowpath":           true,
	"syscall_slow_exit_work":            true,
	"exit_to_usermode_loop":             true,
}

var lastExitRoots = map[string]bool{
	"syscall_exit_to_user_mode": true,
	"exit_to_user_mode_prepare": true,
	"prepare_exit_to_usermode":  true,
	"syscall_return_slowpath":   true,
}

// irqRootPrefixes and irqRoots name hardware interrupt entry points: a call
// to one of them is interrupt context, and so is everything it calls.
// Function graph output marks the same calls with "==========>" when they
// live in .irqentry.text (kernel/trace/trace_functions_graph.c:
// print_graph_irq); the names cover trace-cmd report, which prints no such
// marker, and kernels whose handler sits outside that section.
var irqRootPrefixes = []string{"asm_sysvec_", "sysvec_", "__sysvec_"}

var irqRoots = map[string]bool{
	"do_IRQ":                             true, // x86 before 5.8
	"common_interrupt":                   true,
	"__common_interrupt":                 true,
	"asm_common_interrupt":               true,
	"smp_apic_timer_interrupt":           true,
	"smp_reschedule_interrupt":           true,
	"smp_call_function_interrupt":        true,
	"smp_call_function_single_interrupt": true,
	"smp_irq_work_interrupt":             true,
	"smp_x86_platform_ipi":               true,
	"smp_thermal_interrupt":              true,
	"smp_error_interrupt":                true,
	"smp_spurious_interrupt":             true,
	"exc_nmi":                            true,
	"asm_exc_nmi":                        true,
	"el1_interrupt":                      true, // arm64
	"el0_interrupt":                      true,
	"gic_handle_irq":                     true,
	"handle_arch_irq":                    true,
	"generic_handle_arch_irq":            true,
}

// irq_enter..irq_exit brackets the body of an interrupt handler
// (kernel/softirq.c); calls between the two, at the level of irq_enter,
// are interrupt context even when the handler's own entry point is unknown.
func isIRQEnter(fn string) bool { return fn == "irq_enter" || fn == "irq_enter_rcu" }
func isIRQExit(fn string) bool  { return fn == "irq_exit" || fn == "irq_exit_rcu" }

func isIRQRoot(fn string) bool {
	if irqRoots[fn] {
		return true
	}
	for _, p := range irqRootPrefixes {
		if strings.HasPrefix(fn, p) {
			return true
		}
	}
	return false
}

// SyscallOf maps a kernel function to the syscall of table whose entry point
// it is: __x64_sys_read, __do_sys_read, ksys_read and sys_read all give
// "read"; __x64_sys_newstat gives "stat". Compiler suffixes (".isra.0",
// ".constprop.0") are ignored. ok is false for functions that are not a
// syscall entry, including __x64_sys_ni_syscall, which stands for every
// syscall that a kernel leaves unimplemented. The ia32 and compat entries
// map to the table name of the same operation; their numbers differ.
func SyscallOf(fn string, table *syscalls.Table) (name string, ok bool) {
	if table == nil {
		return "", false
	}
	if i := strings.IndexByte(fn, '.'); i > 0 {
		fn = fn[:i]
	}
	for _, p := range entryPrefixes {
		rest, found := strings.CutPrefix(fn, p)
		if !found || rest == "" {
			continue
		}
		if _, ok := table.Number(rest); ok {
			return rest, true
		}
		if r, ok := defineRenames[rest]; ok {
			if _, ok := table.Number(r); ok {
				return r, true
			}
		}
		return "", false
	}
	return "", false
}
