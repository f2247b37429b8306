// Package leftovers names what trace and passthrough create on the host
// (tracefs instances, work directories, container ids and with them the
// runtimes' cgroups) after the process that owns them, and finds and
// removes what a run killed by SIGKILL left behind.
//
// A name is sysweight-[TAG-]PID-START-HEX: the owner's pid, its start time
// in clock ticks after boot (field 22 of /proc/PID/stat) and 8 random hex
// digits. An item is left over when no process has that pid and start
// time, so a reused pid does not keep it alive. Names of older versions,
// sysweight-[TAG-]PID-HEX, carry no start time: they are left over when
// the pid is gone.
//
// It owns naming, the liveness rule and the sweep (tracefs instances,
// runc/crun containers in a work directory's state, cgroup directories at
// the top of each cgroup v1 and v2 hierarchy, work directories). It does
// not create any of them, and it never mounts tracefs: an unmounted
// tracefs is skipped with a reason.
package leftovers
