// Package syscalls holds the per-architecture Linux syscall tables (name ↔
// number), generated from a pinned upstream source with the kernel release
// named. It owns nothing else: no evaluation, no host access.
package syscalls
