# The "check10" workload of kfootprints: an eleventh busybox session.
# Written on 2026-12-07 by a helper who had not read the analysis, after analysis Version 34
# (kernel/analysis and kernel/icall unread); committed before it was ever
# run. It aims at what the other sessions touch little: poll(2), through
# ash's "read -t" (which polls its descriptor before each byte), on every
# kind of descriptor the shell can open: regular files of tmpfs, ramfs
# and hugetlbfs, a directory, an nsfs file, a FIFO empty and with data,
# pipes whose writer is gone, alive or quick, the /proc mount tables,
# polled and plain sysctls, a sysfs attribute, an mqueue queue,
# /proc/kmsg, PSI triggers written to /proc/pressure and to a cgroup's
# pressure files (and refused ones), cgroup.events, and every character
# device the kernel lists but the consoles, serial ports, VT lines,
# watchdogs, the hibernation image, raw memory and ports and the hardware
# RNG; a poll stopped and continued (restart_syscall). sendfile(2)
# (busybox cat) of sysctl, sysfs, module parameter and cgroup files into
# a file and back (their splice_read and splice_write), into /dev/full,
# /dev/kmsg, /dev/cpu_dma_latency (a 4-byte binary value), hugetlbfs and
# an mqueue queue (no splice, then no write), and out of hugetlbfs,
# mqueue, sysfs and a TCP socket (tcp_splice_read) into pipes.
# finit_module and init_module of an ELF-headed file that is no module on
# tmpfs and ramfs (insmod maps it: shmem and page-cache faults taken
# inside init_module), of a huge-page file on hugetlbfs (read, mapped
# privately with a reservation, read again), again from a cgroup whose
# hugetlb reservation limit is 0, and of a pipe. Another process seen
# through pagemap over each of its mappings (file, anonymous, vDSO, and
# the PFN-mapped vvar), its frames through kpageflags, kpagecount,
# kpagecgroup and the idle page bitmap (read, the 64 frames around marked
# idle through rmap walks, read again), clear_refs 1 to 3 and its smaps,
# the legacy oom_adj, /proc/PID/mem at an unmapped and at the vvar
# address and of a kernel thread; a DAMON kdamond built in sysfs,
# monitoring that process with a statistics scheme, its stats updated and
# its attributes committed while it runs, then stopped and taken down.
# FIFOs opened O_NONBLOCK by svok, svc (every command written, the status
# file read) and truncate, with and without readers; acpid taking a FIFO
# as its event file until its descriptor table is full, reading an event
# line and spawning the mapped action with SIGCHLD ignored; a pipe
# reopened for writing through /proc/self/fd. ftruncate and fallocate of
# FIFOs, devices, a directory, proc, sysctl, sysfs, cgroup and mqueue
# files, with a zero length, past the largest offset and past
# RLIMIT_FSIZE. Mount options each file system refuses, mounts, moves and
# umounts of what is not there, setns into the wrong kind of namespace
# and into a directory, pivot_root refused in a private mount namespace,
# an overlong host name. Job-control stops sent to an orphaned process
# group (discarded), a blocked FIFO open stopped and continued, a PID
# namespace's init signalling itself (ignored) and killing its namespace
# with -1. RLIMIT_NICE letting uid 1010 lower its nice value (and not),
# affinity refused for an offline CPU and for a per-CPU kernel thread, an
# I/O priority level out of range, limits beyond nr_open and above the
# hard limit. cgroup v2 utilization clamps and I/O priority policies.
# zswap's compressor, pool type and switch changed and given back. A
# resume from hibernation asked of a block device whose driver is absent.
# exec through the /proc/self/fd and /proc/self/root magic links;
# mktemp, lsscsi, i2cdetect; every attribute of every class device read.
# In a fresh network namespace: the raw and ICMP socket tables read while
# pings run, a TCP socket as a script's standard input (TCGETS, poll,
# lseek, stat, fdinfo, a reopen through /proc refused) then spliced into
# a pipe, uid 1010 binding port 80 once ip_unprivileged_port_start allows
# it and port 79 refused. It runs as root in the initramfs, in its own
# directory; commands that may fail in the small guest end in "|| true".
# Terminals and devices are only opened by child processes: the workload
# shell is a session leader without a controlling terminal. Nothing here
# writes to /dev/vda (the trace disk), its sysfs files or its queue,
# writes to or mounts tracefs, or reads the ring buffer.
set -e
W=$PWD/v10
mkdir -p "$W"
cd "$W"
mkdir -p tm rf hp mq cg dv x tdir sv/supervise ac/conf
chmod 755 "$W"
# Programs killed by signals below leave no core files.
ulimit -c 0 || true

# flip FILE VALUE: write VALUE, then the file's own value back.
flip() {
	_v=$(cat "$1" 2> /dev/null) || return 0
	echo "$2" > "$1" 2> /dev/null || true
	echo "$_v" > "$1" 2> /dev/null || true
}

# rd FILE...: read each file's first line with the shell's own read.
rd() {
	for _f; do
		IFS= read -r _v 2> /dev/null < "$_f" || true
	done
}

# pfn FILE: the frame number of the first present page among the pagemap
# entries in FILE.
pfn() {
	for _v in $(od -A n -t x8 -v "$1" 2> /dev/null || true); do
		case $_v in ????????????????) ;; *) continue ;; esac
		case $_v in *[!0-9a-f]*) continue ;; esac
		test $(((0x$_v >> 63) & 1)) = 1 || continue
		echo $((0x$_v & 0x7fffffffffffff))
		return 0
	done
	return 0
}

# File systems for what follows: tmpfs, ramfs, mqueue, a tmpfs for device
# nodes, and hugetlbfs with two more huge pages (one for a file, one for a
# private mapping's reservation). A 64 KiB file that starts with an ELF
# header and is no module.
mount -t tmpfs -o size=1m,mode=755 k10 tm 2> /dev/null || true
mount -t ramfs -o mode=755 k10 rf 2> /dev/null || true
mount -t mqueue k10 mq 2> /dev/null || true
mount -t tmpfs -o size=64k,mode=755 k10 dv 2> /dev/null || true
hn=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
h=$(cat $hn 2> /dev/null) || h=
case $h in '' | *[!0-9]*) h= ;; esac
if test -n "$h"; then
	echo $((h + 2)) 2> /dev/null > $hn || true
	mount -t hugetlbfs -o size=8M k10 hp 2> /dev/null || true
fi
{
	printf '\177ELF\002\001\001'
	dd if=/dev/zero bs=1k count=63 2> /dev/null
} > e.ko || true

# sendfile (busybox cat) of sysctl, sysfs and module parameter files into
# a file and of that file back (their splice_read and splice_write); into
# /dev/full, /dev/kmsg and /dev/cpu_dma_latency (4 bytes: the binary
# form), into hugetlbfs and an mqueue queue (neither splices nor writes);
# out of hugetlbfs, mqueue and sysfs files into pipes.
for f in /proc/sys/kernel/domainname /proc/sys/vm/swappiness /proc/sys/fs/lease-break-time /proc/sys/net/core/somaxconn \
	/proc/sys/kernel/sched_rr_timeslice_ms /sys/kernel/mm/ksm/sleep_millisecs /sys/class/net/lo/tx_queue_len \
	/sys/kernel/mm/transparent_hugepage/khugepaged/pages_to_scan /sys/module/printk/parameters/time; do
	cat "$f" 2> /dev/null > sf.v && cat sf.v 2> /dev/null > "$f" || true
done
echo k10 > sf.v
cat sf.v 2> /dev/null > /dev/full || true
printf '<14>k10: a record given to sendfile, then to write\n' > km.v
cat km.v 2> /dev/null > /dev/kmsg || true
printf '\144\000\000\000' > lat.v
cat lat.v 2> /dev/null > /dev/cpu_dma_latency || true
fallocate -l 2097152 hp/h.ko 2> /dev/null || true
cat sf.v 2> /dev/null > hp/w || true
touch mq/k10a 2> /dev/null || true
cat sf.v 2> /dev/null > mq/k10b || true
cat hp/h.ko 2> /dev/null | wc -c > /dev/null || true
cat mq/k10a 2> /dev/null | wc -c > /dev/null || true
cat /sys/kernel/mm/ksm/run 2> /dev/null | wc -c > /dev/null || true

# finit_module and init_module. The ELF-headed file on tmpfs and on ramfs
# (with parameters): finit_module reads and refuses it, then insmod maps
# it and init_module copies from the mapping (the faults are taken inside
# the syscall). The huge-page file: read by finit_module, mapped
# privately (a reservation), not ELF, so read again and copied. A pipe
# (finit_module refuses what is not a regular file).
for f in tm/e.ko rf/e.ko; do
	cp e.ko $f 2> /dev/null && insmod $f k10=1 'k10s="a b"' 2> /dev/null || true
done
insmod hp/h.ko 2> /dev/null || true
printf 'k10' | insmod /proc/self/fd/0 2> /dev/null || true

# poll through ash's "read -t" on files, a directory, an nsfs file, the
# mount tables, sysctls, sysfs, mqueue, /proc/kmsg, a FIFO empty and with
# data, pipes; PSI triggers written to /proc/pressure and polled, a bad
# one refused.
cat > poll.sh <<'POLL'
# poll.sh DIR
cd "$1" || exit 0
exec 2> /dev/null
p() { read -t 0.2 -n 8 v; }
echo k10 > rd.txt
p < rd.txt
p < .
p < /proc/self/ns/net
p < /proc/self/mounts
p < /proc/self/mountinfo
p < /proc/sys/kernel/hostname
p < /proc/sys/kernel/domainname
p < /proc/sys/kernel/osrelease
p < /proc/sys/vm/swappiness
p < /proc/self/stat
p < /proc/kmsg
p < /sys/kernel/mm/transparent_hugepage/enabled
p < /sys/kernel/uevent_seqnum
p < mq/k10a
p < hp/h.ko
p < rf/e.ko
mkfifo pf
exec 3<> pf
p <&3
printf 'k10\n' >&3
p <&3
exec 3>&-
: | p
echo k10 | p
usleep 400000 | p
for r in cpu memory io; do
	test -e /proc/pressure/$r || continue
	exec 4<> /proc/pressure/$r
	printf 'some 150000 1000000\n' >&4
	read -t 0.3 -u 4 v
	exec 4>&-
done
if test -e /proc/pressure/memory; then
	exec 4<> /proc/pressure/memory
	printf 'full 2000000 1000000\n' >&4
	printf 'k10 bogus\n' >&4
	exec 4>&-
fi
exit 0
POLL
timeout -k 5 60 sh poll.sh "$W" > /dev/null 2>&1 || true

# poll and read on every character device in /sys/dev/char, through its
# /dev node or, where there is none, one made here; not the consoles,
# serial ports (an open may wait for a carrier), VT lines but tty0,
# watchdogs (an open starts one), the hibernation image, /dev/mem, kmem
# and port, the hardware RNG (its read blocks without poll) or per-CPU
# MSR and CPUID devices.
cat > pdev.sh <<'PDEV'
# pdev.sh DIR
D=$1
exec 2> /dev/null
for e in /sys/dev/char/*; do
	mm=${e##*/}
	n=
	while IFS='=' read -r k v; do
		test "$k" != DEVNAME || n=$v
	done < "$e/uevent"
	case $n in
	'' | console | ttyS* | tty[1-9]* | snapshot | watchdog* | mem | kmem | port | hwrng | cpu/*) continue ;;
	esac
	f=/dev/$n
	if ! test -c "$f"; then
		f=$D/${n//\//_}
		mknod -m 600 "$f" c "${mm%%:*}" "${mm##*:}" || continue
	fi
	read -t 0.2 -n 8 v < "$f"
done
exit 0
PDEV
timeout -k 5 150 sh pdev.sh "$W/dv" > /dev/null 2>&1 || true

# Another process (sleep) seen through /proc: pagemap over each of its
# mappings (up to 16 pages each, the stack's top ones: file, anonymous,
# the vDSO, the PFN-mapped vvar read as a hole), the frames of a text, a
# stack and a vDSO page through kpageflags, kpagecount, kpagecgroup and
# the idle page bitmap (read, the 64 frames around marked idle, read
# again); clear_refs 1, 2 and 3 and its smaps after; the legacy oom_adj
# at -17, 15 and 0;
# /proc/PID/mem at an unmapped and at the vvar address (EIO) and a kernel
# thread's (no mm). Then DAMON: one kdamond built in sysfs monitors the
# process (vaddr) with a statistics scheme, its stats are updated and its
# attributes committed while it runs; it is stopped and taken down.
sleep 120 &
sp=$!
usleep 300000 || true
i=0
si=0
di=0
va=
while read -r r x1 x2 x3 x4 nm; do
	a=${r%-*}
	e=${r#*-}
	case $a in '' | ????????????????* | *[!0-9a-f]*) continue ;; esac
	case $e in '' | ????????????????* | *[!0-9a-f]*) continue ;; esac
	case $nm in '[stack]') si=$i ;; '[vdso]') di=$i ;; '[vvar]') va=$a ;; esac
	k=$(((0x$e - 0x$a) / 4096))
	test $k -le 16 || k=16
	o=$((0x$a / 4096))
	# The stack's present pages are at its top.
	test "$nm" != '[stack]' || o=$((0x$e / 4096 - k))
	dd if=/proc/$sp/pagemap of=pm$i bs=8 skip=$o count=$k 2> /dev/null || true
	i=$((i + 1))
	test $i -lt 12 || break
done 2> /dev/null < /proc/$sp/maps || true
pf=$(pfn pm0) || pf=
pf="$pf $(pfn pm$si || true) $(pfn pm$di || true)"
b=/sys/kernel/mm/page_idle/bitmap
for f in $pf; do
	for k in kpageflags kpagecount kpagecgroup; do
		dd if=/proc/$k of=/dev/null bs=8 skip=$f count=1 2> /dev/null || true
	done
	test -e $b || continue
	dd if=$b of=/dev/null bs=8 skip=$((f / 64)) count=1 2> /dev/null || true
	printf '\377\377\377\377\377\377\377\377' | dd of=$b bs=8 seek=$((f / 64)) count=1 conv=notrunc 2> /dev/null || true
	dd if=$b of=/dev/null bs=8 skip=$((f / 64)) count=1 2> /dev/null || true
done
for c in 1 2 3; do
	echo $c 2> /dev/null > /proc/$sp/clear_refs || true
done
cat /proc/$sp/smaps /proc/$sp/smaps_rollup /proc/$sp/numa_maps > /dev/null 2>&1 || true
for v in -17 15 0; do
	echo $v 2> /dev/null > /proc/$sp/oom_adj || true
	rd /proc/$sp/oom_score_adj
done
echo 0 2> /dev/null > /proc/$sp/oom_score_adj || true
dd if=/proc/$sp/mem of=/dev/null bs=4096 skip=16 count=1 2> /dev/null || true
test -z "$va" || dd if=/proc/$sp/mem of=/dev/null bs=4096 skip=$((0x$va / 4096)) count=1 2> /dev/null || true
head -c 16 /proc/2/mem > /dev/null 2>&1 || true
cat > damon.sh <<'DAMON'
# damon.sh PID
p=$1
exec 2> /dev/null
d=/sys/kernel/mm/damon/admin/kdamonds
read -r n < $d/nr_kdamonds || exit 0
test "$n" = 0 || exit 0
echo 1 > $d/nr_kdamonds || exit 0
k=$d/0
echo 1 > $k/contexts/nr_contexts
c=$k/contexts/0
cat $c/avail_operations $c/operations > /dev/null
echo vaddr > $c/operations
m=$c/monitoring_attrs
cat $m/intervals/* $m/nr_regions/* > /dev/null
echo 20000 > $m/intervals/sample_us
echo 200000 > $m/intervals/aggr_us
echo 1000000 > $m/intervals/update_us
echo 10 > $m/nr_regions/min
echo 20 > $m/nr_regions/max
echo 1 > $c/targets/nr_targets
echo "$p" > $c/targets/0/pid_target
echo 1 > $c/schemes/nr_schemes
s=$c/schemes/0
echo stat > $s/action
echo 4096 > $s/access_pattern/sz/min
echo 1073741824 > $s/access_pattern/sz/max
echo 0 > $s/access_pattern/nr_accesses/min
echo 10 > $s/access_pattern/nr_accesses/max
echo 0 > $s/access_pattern/age/min
echo 100 > $s/access_pattern/age/max
echo 10 > $s/quotas/ms
echo 1048576 > $s/quotas/bytes
echo 1000 > $s/quotas/reset_interval_ms
echo none > $s/watermarks/metric
cat $s/quotas/weights/* $s/watermarks/* > /dev/null
echo on > $k/state
usleep 600000
cat $k/state $k/pid > /dev/null
echo update_schemes_stats > $k/state
cat $s/stats/* > /dev/null
echo 40000 > $m/intervals/sample_us
echo commit > $k/state
usleep 300000
echo k10 > $k/state
echo off > $k/state
echo 0 > $c/schemes/nr_schemes
echo 0 > $c/targets/nr_targets
echo 0 > $k/contexts/nr_contexts
echo 0 > $d/nr_kdamonds
exit 0
DAMON
if test -d /sys/kernel/mm/damon/admin; then
	timeout -k 5 60 sh damon.sh $sp > /dev/null 2>&1 || true
fi
kill $sp 2> /dev/null || true
wait $sp || true

# FIFOs opened O_NONBLOCK: runit's ok and control FIFOs with readers (svok;
# svc writing each of its commands after reading the status file), then
# read back with poll; truncate's O_WRONLY|O_NONBLOCK open of a FIFO
# without a reader (ENXIO) and with one (ftruncate: EINVAL); a pipe
# reopened for writing through /proc/self/fd/0. acpid takes a FIFO as its
# event file (opening it until its descriptor table, cut to 12, is full),
# reads an event line, maps it to an action in its directory and spawns
# it with SIGCHLD ignored (the kernel reaps the child).
mkfifo ff fo fo2 sv/supervise/ok sv/supervise/control ac/ev 2> /dev/null || true
dd if=/dev/zero of=sv/supervise/status bs=20 count=1 2> /dev/null || true
(
	set +e
	exec 7<> sv/supervise/ok 8<> sv/supervise/control
	svok "$W/sv"
	svc -u -d -o -p -c -h -a -i -t -k -x "$W/sv"
	read -t 0.3 -n 16 v <&8
) > /dev/null 2>&1 || true
truncate -s 0 ff 2> /dev/null || true
(
	exec 7<> ff
	exec truncate -s 0 ff
) 2> /dev/null || true
echo k10 | sh -c 'echo more > /proc/self/fd/0; exec cat' > /dev/null 2>&1 || true
printf '#!/bin/sh\nexit 0\n' > ac/conf/k10act
chmod 755 ac/conf/k10act
printf 'EV_KEY 01 KEY_K10 1 1 k10/event K10 00000000\n' > ac/map
printf 'K10 k10act\n' > ac/act
(
	ulimit -n 12
	exec timeout 6 acpid -d -c "$W/ac/conf" -e "$W/ac/ev" -a "$W/ac/act" -M "$W/ac/map" -p "$W/ac/pid"
) > /dev/null 2>&1 &
a=$!
usleep 500000 || true
timeout 3 sh -c 'echo "k10/event K10 00000000 00000000" > "$1"' sh "$W/ac/ev" 2> /dev/null || true
usleep 500000 || true
kill $a 2> /dev/null || true
wait $a || true

# ftruncate (busybox truncate) and fallocate where they do not apply: a
# device (EINVAL, ENODEV), a directory (EISDIR), proc, sysctl, sysfs and
# mqueue files (setattr of each; no fallocate), a FIFO (ESPIPE); a zero
# length, an end past the largest offset (EFBIG) and past RLIMIT_FSIZE
# (SIGXFSZ).
for f in /dev/null tdir /proc/self/comm /proc/sys/kernel/domainname /sys/kernel/mm/ksm/sleep_millisecs mq/k10a; do
	truncate -c -s 0 "$f" 2> /dev/null || true
done
for f in ff /dev/null /proc/sys/kernel/domainname; do
	fallocate -l 4096 "$f" 2> /dev/null || true
done
fallocate -l 0 fz 2> /dev/null || true
fallocate -o 9223372036854771712 -l 8192 fz 2> /dev/null || true
(
	ulimit -f 1
	exec fallocate -l 1048576 fz
) > /dev/null 2>&1 || true
rm -f fz

# Mount options each file system refuses; remount, umount, bind and move
# of what is not there; setns into a namespace of the wrong kind and into
# a directory; a host name longer than the UTS field (in a UTS namespace);
# pivot_root refused in a private mount namespace (no such directory, not
# a mount point, the root itself).
for o in size=k10 nr_inodes=1x mpol=k10 huge=k10 uid=k10 gid=-1 mode=k10 k10bogus; do
	mount -t tmpfs -o $o k10 x 2> /dev/null && umount x 2> /dev/null || true
done
for t in proc:hidepid=9 proc:subset=k10 proc:gid=k10 devpts:max=k10 devpts:ptmxmode=k10 cgroup2:k10bogus \
	cgroup:k10bogus hugetlbfs:pagesize=3M hugetlbfs:size=k10 ramfs:mode=k10 bpf:mode=k10 mqueue:k10bogus \
	sysfs:k10bogus debugfs:mode=k10 pstore:k10bogus; do
	mount -t ${t%%:*} -o ${t#*:} k10 x 2> /dev/null && umount x 2> /dev/null || true
done
mount -o remount x 2> /dev/null || true
umount x 2> /dev/null || true
mount --bind k10none x 2> /dev/null || true
mount --move x tdir 2> /dev/null || true
nsenter -n/proc/self/ns/uts true 2> /dev/null || true
nsenter -u"$W" true 2> /dev/null || true
unshare -u hostname "$(printf '%070d' 0)" 2> /dev/null || true
unshare -m --propagation private sh -c 'pivot_root /k10none /k10none; pivot_root "$1" "$1/x"; cd / && pivot_root . .' sh "$W" > /dev/null 2>&1 || true

# Signals: TSTP, TTIN and TTOU to a process of this shell's process
# group, which is orphaned (the stops are discarded); a FIFO open blocked
# for a writer, and a poll, each stopped and continued (the open
# restarted, the poll through restart_syscall) and then terminated; the
# init of a PID namespace sending TERM and KILL to itself (ignored) and
# TERM to -1 (all the rest of its namespace).
sleep 4 &
p=$!
usleep 200000 || true
for s in TSTP TTIN TTOU; do
	kill -$s $p 2> /dev/null || true
done
cat /proc/$p/stat > /dev/null 2>&1 || true
# Should the group not be orphaned after all, let the process go on.
kill -CONT $p 2> /dev/null || true
kill $p 2> /dev/null || true
wait $p || true
sh -c 'exec 3< "$1"' sh fo > /dev/null 2>&1 &
p=$!
usleep 300000 || true
kill -STOP $p 2> /dev/null || true
kill -CONT $p 2> /dev/null || true
usleep 100000 || true
kill $p 2> /dev/null || true
wait $p || true
sh -c 'exec 3<> "$1"; read -t 3 -u 3 v' sh fo2 > /dev/null 2>&1 &
p=$!
usleep 500000 || true
kill -STOP $p 2> /dev/null || true
kill -CONT $p 2> /dev/null || true
usleep 300000 || true
kill $p 2> /dev/null || true
wait $p || true
timeout 20 unshare -p -f sh -c 'kill -TERM 1; kill -KILL 1; sleep 5 & sleep 5 & usleep 200000; kill -TERM -1; wait; exit 0' > /dev/null 2>&1 || true

# Priorities and limits: uid 1010 lowering its nice value by 5 within an
# RLIMIT_NICE of 30, and by 15 beyond one of 10 (EACCES); affinity to an
# offline CPU and for ksoftirqd/0 (EINVAL: no affinity changes there),
# that thread's affinity and I/O priority read; an I/O priority level out
# of range; a descriptor limit beyond nr_open, a soft limit above the
# hard one, and the memlock, RSS, real-time priority and lock limits.
(
	ulimit -e 30
	exec nsenter -S 1010 -G 1010 nice -n -5 true
) > /dev/null 2>&1 || true
(
	ulimit -e 10
	exec nsenter -S 1010 -G 1010 nice -n -15 true
) > /dev/null 2>&1 || true
taskset -c 7 true > /dev/null 2>&1 || true
kt=
for c in /proc/[0-9]*/comm; do
	IFS= read -r n 2> /dev/null < "$c" || continue
	case $n in
	ksoftirqd/0)
		kt=${c#/proc/}
		kt=${kt%/comm}
		break
		;;
	esac
done
if test -n "$kt"; then
	taskset -p 1 $kt > /dev/null 2>&1 || true
	taskset -p $kt > /dev/null 2>&1 || true
	ionice -p $kt > /dev/null 2>&1 || true
fi
ionice -c 2 -n 9 true > /dev/null 2>&1 || true
(
	set +e
	ulimit -n 99999999
	ulimit -S -n 64
	ulimit -H -n 100
	ulimit -S -n 128
	ulimit -l 64
	ulimit -m 1024
	ulimit -r 5
	ulimit -x 16
	ulimit -a
) > /dev/null 2>&1 || true

# cgroup v2: cpu, io, memory, pids and hugetlb enabled for a child (only
# those not enabled before are disabled after): utilization clamps,
# every I/O priority policy (and a bad one), limits read and written back
# by sendfile, a cgroup file truncated; cgroup.events and memory.events
# polled, PSI triggers written to the group's pressure files and polled,
# bad ones refused; the huge-page file loaded by insmod from inside the
# group with its hugetlb reservation limit at 0 (the private mapping
# refused, so insmod reads instead).
cat > pcg.sh <<'PCG'
# pcg.sh GROUP
g=$1
exec 2> /dev/null
read -t 0.2 -n 8 v < "$g/cgroup.events"
read -t 0.2 -n 8 v < "$g/memory.events"
for r in cpu memory io; do
	test -e "$g/$r.pressure" || continue
	exec 4<> "$g/$r.pressure"
	printf 'some 150000 1000000\n' >&4
	read -t 0.3 -u 4 v
	exec 4>&-
done
if test -e "$g/memory.pressure"; then
	exec 4<> "$g/memory.pressure"
	printf 'full 2000000 1000000\n' >&4
	printf 'some 1 1\n' >&4
	exec 4>&-
fi
exit 0
PCG
if mount -t cgroup2 k10 cg 2> /dev/null; then
	sc=$(cat cg/cgroup.subtree_control 2> /dev/null) || sc=
	for c in cpu io memory pids hugetlb; do
		echo "+$c" 2> /dev/null > cg/cgroup.subtree_control || true
	done
	g=cg/k10
	if mkdir $g 2> /dev/null; then
		rd $g/cpu.uclamp.min $g/cpu.uclamp.max $g/io.prio.class $g/io.stat $g/io.weight
		flip $g/cpu.uclamp.min 20
		flip $g/cpu.uclamp.max 80.5
		for v in none-to-rt promote-to-rt restrict-to-be idle k10 no-change; do
			echo $v 2> /dev/null > $g/io.prio.class || true
		done
		for f in memory.high memory.max memory.low pids.max cpu.weight cpu.max; do
			cat $g/$f 2> /dev/null > sf.v && cat sf.v 2> /dev/null > $g/$f || true
		done
		truncate -c -s 0 $g/memory.high 2> /dev/null || true
		timeout -k 5 30 sh pcg.sh "$W/$g" > /dev/null 2>&1 || true
		if test -f hp/h.ko && test -e $g/hugetlb.2MB.rsvd.max; then
			echo 0 2> /dev/null > $g/hugetlb.2MB.rsvd.max || true
			sh -c 'echo $$ > "$1/cgroup.procs" && exec insmod "$2"' sh "$W/$g" "$W/hp/h.ko" > /dev/null 2>&1 || true
			rd $g/hugetlb.2MB.rsvd.current $g/hugetlb.2MB.current $g/hugetlb.2MB.events
			echo max 2> /dev/null > $g/hugetlb.2MB.rsvd.max || true
		fi
		usleep 100000 || true
		rmdir $g 2> /dev/null || true
	fi
	for c in hugetlb pids memory io cpu; do
		case " $sc " in
		*" $c "*) ;;
		*) echo "-$c" 2> /dev/null > cg/cgroup.subtree_control || true ;;
		esac
	done
	umount cg || umount -l cg || true
fi

# zswap: compressor, pool type and switch changed and given back (a new
# pool, or a compressor or zpool that is absent), its limits. A resume
# from hibernation asked of 7:99 while no loop driver is registered: the
# image check cannot open the device.
z=/sys/module/zswap/parameters
if test -d $z; then
	flip $z/compressor lz4
	flip $z/zpool zsmalloc
	flip $z/enabled Y
	flip $z/max_pool_percent 10
	flip $z/accept_threshold_percent 80
	flip $z/same_filled_pages_enabled N
	flip $z/non_same_filled_pages_enabled N
fi
if test -w /sys/power/resume && ! sed -n '/^Block/,$p' /proc/devices 2> /dev/null | grep -q '^ *7 '; then
	resume 7:99 > /dev/null 2>&1 || true
fi

# exec through magic links: busybox held as descriptor 5 and run as
# /proc/self/fd/5 (the applet named by the link, "true"), and through
# /proc/self/root. mktemp's exclusive creates; lsscsi and i2cdetect on
# buses without devices; every attribute of every class device read.
ln -s /proc/self/fd/5 x/true 2> /dev/null || true
ln -s /proc/self/root/bin/busybox x/echo 2> /dev/null || true
(
	exec 5< /bin/busybox
	x/true
	x/echo k10
) > /dev/null 2>&1 || true
mktemp -p "$W" k10.XXXXXX > /dev/null 2>&1 || true
mktemp -d -p "$W" > /dev/null 2>&1 || true
mktemp -u > /dev/null 2>&1 || true
lsscsi > /dev/null 2>&1 || true
i2cdetect -l > /dev/null 2>&1 || true
i2cdetect -F 0 > /dev/null 2>&1 || true
timeout -k 5 60 cat /sys/class/*/*/* > /dev/null 2>&1 || true

# A fresh network namespace: the raw and ICMP socket tables read while
# pings run (ping's raw sockets and their fdinfo); a TCP socket as a
# script's standard input and output (TCGETS, poll, lseek, stat, fdinfo,
# the /proc/self/fd links, a reopen through /proc refused), the rest of
# the stream spliced by sendfile into a pipe; ip_unprivileged_port_start
# lowered to 80: uid 1010 binds port 80, and is refused port 79.
cat > srv.sh <<'SRV'
# srv.sh: run by nc -e, a TCP socket as standard input and output
exec 2> /dev/null
tty > /dev/null
read -t 2 -n 4 v
dd bs=1 skip=2 count=2 > /dev/null
stat -L /proc/self/fd/0 > /dev/null
cat /proc/self/fdinfo/0 > /dev/null
ls -l /proc/self/fd/ > /dev/null
head -c 1 /proc/self/fd/0 > /dev/null
cat | wc -c > /dev/null
exit 0
SRV
cat > ns.sh <<'NS'
# ns.sh DIR
W=$1
exec 2> /dev/null
ip link set lo up
waitport() {
	i=0
	until netstat -ltn | grep -q ":$1 "; do
		i=$((i + 1))
		test $i -lt 30 || break
		usleep 100000
	done
}
ping -c 3 -i 0.3 127.0.0.1 > /dev/null &
a=$!
ping6 -c 3 -i 0.3 ::1 > /dev/null &
b=$!
usleep 300000
cat /proc/net/raw /proc/net/raw6 /proc/net/icmp /proc/net/icmp6 /proc/net/sockstat /proc/net/sockstat6 /proc/net/protocols > /dev/null
cat /proc/$a/fdinfo/0 /proc/$b/fdinfo/0 /proc/$a/net/raw > /dev/null
wait $a
wait $b
nc -l -p 9610 -e sh "$W/srv.sh" &
s=$!
waitport 9610
{
	printf 'k10 line\n'
	dd if=/dev/zero bs=1k count=32 2> /dev/null
} | timeout 10 nc 127.0.0.1 9610 > /dev/null
kill $s
wait $s
echo 80 > /proc/sys/net/ipv4/ip_unprivileged_port_start
timeout 3 nsenter -S 1010 -G 1010 nc -l -p 79 < /dev/null > /dev/null
nsenter -S 1010 -G 1010 nc -l -p 80 < /dev/null > /dev/null &
s=$!
waitport 80
netstat -ltnp > /dev/null
echo k10 | timeout 3 nc 127.0.0.1 80 > /dev/null
kill $s
wait $s
echo 1024 > /proc/sys/net/ipv4/ip_unprivileged_port_start
exit 0
NS
timeout 120 unshare -n sh ns.sh "$W" > /dev/null 2>&1 || true

# Leave nothing behind: the mqueue queues (they belong to the IPC
# namespace, not to the mount), the huge-page files, then every mount
# under the directory before it is removed (rm -r would cross into a
# mount); the huge page pool given back.
rm -f mq/k10a mq/k10b hp/h.ko hp/w 2> /dev/null || true
cd /
for i in 1 2 3; do
	for mp in $(grep " $W/" /proc/mounts | cut -d' ' -f2 | sort -r || true); do
		umount -l "$mp" 2> /dev/null || true
	done
done
test -z "$h" || echo "$h" 2> /dev/null > $hn || true
if grep -q " $W/" /proc/mounts; then
	echo "check10: mounts left under $W" >&2
else
	rm -r "$W" || true
fi
