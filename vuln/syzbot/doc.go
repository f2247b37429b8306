// Package syzbot derives the `triggers` metric of sysweight from syzbot's
// public C reproducers (github.com/dvyukov/syzkaller-repros, linux/*.c):
// for each x86_64 syscall, the number of distinct kernel bugs whose
// reproducer's test body calls it, and a TF-IDF weight beside it.
//
// A reproducer is a C program that syz-prog2c wrote; its first lines give
// the bug's title, its syzbot link and status. ParseRepro reads one. The
// test body is the first of execute_call, thr (threaded reproducers),
// execute_one (repeated ones), loop, test and main that calls a syscall by
// its __NR_ name or a pseudo-syscall; the harness around it (sandbox
// set-up, the netlink and device helpers, the segv handler, the fork loop,
// process reaping) lives in other functions, calls syscalls by SYS_ name or
// through libc, and is not read. In the body it counts syscall(__NR_x, …) and
// syscall(SYS_x, …) call sites and leaves out:
//   - the fixed mmap of the data area and its guard pages
//     (0x1ffff000/0x20000000/0x21000000, MAP_FIXED|MAP_ANONYMOUS|MAP_PRIVATE),
//     which every reproducer makes before the test;
//   - exit and exit_group.
//
// Pseudo-syscalls (syz_*) are syzkaller executor helpers. The few that
// wrap one syscall the test means count as it (pseudoSyscalls: syz_open_dev
// is an openat of a device node, syz_mount_image a mount of a crafted image,
// …); the ones that emulate the world outside the process (syz_usb_connect,
// syz_emit_ethernet, syz_80211_inject_frame) or only prepare memory
// (syz_io_uring_submit, syz_memcpy_off) do not.
//
// Build counts bugs, not files: reproducers marked invalid are left out,
// and reproducers with the same title are one bug. The table holds counts
// only, with provenance (repository, commit, date, files read and left out);
// no reproducer code or bug id is stored. scripts/trigger-table.sh
// regenerates data/triggers-x86_64.json from the pinned commit and Default
// returns it.
//
// It does not fetch the repository, and does not merge the table into the
// weight DB (vuln/build and vuln/db do).
package syzbot
