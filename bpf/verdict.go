package bpf

import (
	"fmt"

	"sysweight/seccomp"
)

// SECCOMP_RET_* values, from include/uapi/linux/seccomp.h.
const (
	RetKillProcess uint32 = 0x80000000
	RetKillThread  uint32 = 0x00000000
	RetTrap        uint32 = 0x00030000
	RetErrno       uint32 = 0x00050000
	RetUserNotif   uint32 = 0x7fc00000
	RetTrace       uint32 = 0x7ff00000
	RetLog         uint32 = 0x7ffc0000
	RetAllow       uint32 = 0x7fff0000

	RetActionFull uint32 = 0xffff0000
	RetData       uint32 = 0x0000ffff
)

// maxErrno is MAX_ERRNO: kernel/seccomp.c caps SECCOMP_RET_ERRNO data to it.
const maxErrno = 4095

// DecodeReturn turns a filter's return value into a verdict. An action
// value the kernel does not define kills the process: kernel/seccomp.c
// __seccomp_filter handles it in the same default case as
// SECCOMP_RET_KILL_PROCESS.
func DecodeReturn(ret uint32) seccomp.Verdict {
	switch ret & RetActionFull {
	case RetAllow:
		return seccomp.Verdict{Action: seccomp.ActAllow}
	case RetLog:
		return seccomp.Verdict{Action: seccomp.ActLog}
	case RetTrace:
		return seccomp.Verdict{Action: seccomp.ActTrace}
	case RetUserNotif:
		return seccomp.Verdict{Action: seccomp.ActNotify}
	case RetErrno:
		return seccomp.Verdict{Action: seccomp.ActErrno, Errno: min(ret&RetData, maxErrno)}
	case RetTrap:
		return seccomp.Verdict{Action: seccomp.ActTrap}
	case RetKillThread:
		return seccomp.Verdict{Action: seccomp.ActKillThread}
	}
	return seccomp.Verdict{Action: seccomp.ActKillProcess}
}

// Combine returns the return value the kernel acts on when two stacked
// filters return a and b: the one whose action is lowest as a signed
// 32-bit number, the first on a tie (kernel/seccomp.c: seccomp_run_filters,
// ACTION_ONLY). KILL_PROCESS, 0x80000000, is negative and so always wins.
func Combine(a, b uint32) uint32 {
	if int32(b&RetActionFull) < int32(a&RetActionFull) {
		return b
	}
	return a
}

// Verdict runs the program and decodes its return value.
func (p *Program) Verdict(d *SeccompData) seccomp.Verdict { return DecodeReturn(p.Run(d)) }

// retText is the disassembler's spelling of a return value.
func retText(ret uint32) string {
	data := ret & RetData
	switch ret & RetActionFull {
	case RetAllow:
		return "ALLOW"
	case RetLog:
		return "LOG"
	case RetTrace:
		return fmt.Sprintf("TRACE(%d)", data)
	case RetUserNotif:
		return "USER_NOTIF"
	case RetErrno:
		return fmt.Sprintf("ERRNO(%d)", data)
	case RetTrap:
		return fmt.Sprintf("TRAP(%d)", data)
	case RetKillThread:
		return "KILL_THREAD"
	case RetKillProcess:
		return "KILL_PROCESS"
	}
	return fmt.Sprintf("0x%08x /* unknown action: kills the process */", ret)
}
