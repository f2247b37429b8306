# The "check7" workload of kfootprints: an eighth busybox session.
# Written on 2026-12-05 by a helper who had not read the analysis, after analysis Version 27
# (kernel/analysis and kernel/icall unread); committed before it was ever
# run, and run once (scripts/kernel-footprints-check.sh check7). It aims
# at what the other sessions touch little: the cgroup v1 controllers one by one
# (memory with a charge moved between groups, an OOM with the killer
# disabled that a raised limit ends, limits below usage and force_empty;
# cpu bandwidth, cpuset v1 flags, blkio throttling, pids, hugetlb,
# perf_event, rdma, misc; release notification), an unprivileged user
# (uid 1007) meeting permission, sticky, protected-file, ptrace-access and
# capability checks and having its setuid bits removed by a write, the
# per-user namespace limits, sysctl handlers written with other values and
# then their own, core patterns for a pipe and a named file, anonymous
# and tmpfs transparent huge pages (and a split by truncation), a memory
# block taken offline and back, tmpfs out of space and inodes, blocked
# FIFO opens and full pipes, queued real-time signals to a stopped
# process, the wall clock set and NTP parameters, perf PMU and wakeup
# sysfs files, a devpts instance with a pty limit, a proc instance with
# hidepid, /dev/port and /dev/kmsg seeks, and, in a fresh network
# namespace, secondary address promotion, broadcast and multicast pings
# and DNS, SYN cookies, TCP without timestamps, SACK or window scaling,
# ECN, small buffers with a zero window, MTU probing, few ports and no
# TIME_WAIT buckets, and IPv6 addresses kept over a link down. It runs as
# root in the initramfs, in its own directory; commands that may fail in
# the small guest end in "|| true". Nothing here writes to /dev/vda (the
# trace disk) or its sysfs files, writes to tracefs, or reads the ring
# buffer.
set -e
W=$PWD/v7
mkdir -p "$W"
cd "$W"
mkdir -p g/mem g/cpu g/cs g/blk g/nr g/rel t1 t2 pt pr u/sticky

# flip FILE VALUE: write VALUE, then the file's own value back.
flip() {
	_v=$(cat "$1" 2> /dev/null) || return 0
	echo "$2" > "$1" 2> /dev/null || true
	echo "$_v" > "$1" 2> /dev/null || true
}

# cgroup v1, memory: every file read; a task with about 2 MB of heap moved
# between groups with move_charge_at_immigrate; awk growing a string past
# an 8 MB limit with the OOM killer disabled (it waits in the fault until
# the limit is raised); tmpfs pages charged, then a limit below usage,
# force_empty, the usage counters reset.
if mount -t cgroup -o memory k7 g/mem 2> /dev/null; then
	m=g/mem
	cat $m/memory.usage_in_bytes $m/memory.limit_in_bytes $m/memory.max_usage_in_bytes $m/memory.stat $m/memory.numa_stat > /dev/null 2>&1 || true
	cat $m/memory.use_hierarchy $m/memory.swappiness $m/memory.oom_control $m/memory.soft_limit_in_bytes $m/memory.failcnt > /dev/null 2>&1 || true
	cat $m/memory.kmem.usage_in_bytes $m/memory.kmem.tcp.usage_in_bytes $m/memory.kmem.slabinfo $m/cgroup.sane_behavior > /dev/null 2>&1 || true
	if mkdir $m/a $m/b 2> /dev/null; then
		cat $m/a/* > /dev/null 2>&1 || true
		echo 64M > $m/a/memory.limit_in_bytes || true
		echo 16M > $m/a/memory.soft_limit_in_bytes || true
		echo 30 > $m/a/memory.swappiness || true
		echo 32M > $m/a/memory.kmem.tcp.limit_in_bytes 2> /dev/null || true
		echo 3 > $m/b/memory.move_charge_at_immigrate 2> /dev/null || true
		sh -c 'echo $$ > g/mem/a/cgroup.procs; x=$(head -c 2000000 /dev/zero | tr "\000" k); sleep 4; test -n "$x"' &
		p=$!
		usleep 1500000 || true
		cat $m/a/memory.usage_in_bytes $m/a/memory.stat > /dev/null 2>&1 || true
		echo $p > $m/b/cgroup.procs || true
		cat $m/a/memory.usage_in_bytes $m/b/memory.usage_in_bytes $m/b/memory.stat /proc/$p/cgroup > /dev/null 2>&1 || true
		echo $p > $m/a/tasks 2> /dev/null || true
		wait $p || true
		echo 0 > $m/a/memory.max_usage_in_bytes || true
		echo 0 > $m/a/memory.failcnt || true
		echo 8M > $m/a/memory.limit_in_bytes || true
		echo 1 > $m/a/memory.oom_control || true
		timeout 60 sh -c 'echo $$ > g/mem/a/cgroup.procs && exec awk "BEGIN { s = \"k7\"; while (length(s) < 16000000) s = s s; print length(s) }"' > /dev/null 2>&1 &
		p=$!
		usleep 2000000 || true
		cat $m/a/memory.oom_control $m/a/memory.failcnt $m/a/memory.usage_in_bytes > /dev/null 2>&1 || true
		echo 128M > $m/a/memory.limit_in_bytes || true
		wait $p || true
		echo 0 > $m/a/memory.oom_control || true
		sh -c 'echo $$ > g/mem/a/cgroup.procs && exec dd if=/dev/zero of=memfile bs=64k count=48' 2> /dev/null || true
		echo 1M > $m/a/memory.limit_in_bytes 2> /dev/null || true
		echo 1 > $m/a/memory.force_empty 2> /dev/null || true
		rm -f memfile
		echo 1 > $m/a/memory.force_empty 2> /dev/null || true
		cat $m/a/memory.stat $m/a/memory.failcnt $m/a/memory.max_usage_in_bytes > /dev/null 2>&1 || true
		usleep 100000 || true
		rmdir $m/b $m/a || true
	fi
	umount $m || umount -l $m || true
fi

# cgroup v1, cpu and cpuacct: shares, CFS period, quota and burst, an RT
# runtime, a busy loop throttled; cpuset v1: clone_children, exclusive
# flags, memory migration and spreading, load balancing and the relax
# level, memory pressure accounting.
if mount -t cgroup -o cpu,cpuacct k7 g/cpu 2> /dev/null; then
	c=g/cpu
	if mkdir $c/a 2> /dev/null; then
		cat $c/a/cpu.shares $c/a/cpu.cfs_period_us $c/a/cpu.cfs_quota_us $c/a/cpu.cfs_burst_us $c/a/cpu.rt_runtime_us $c/a/cpu.rt_period_us > /dev/null 2>&1 || true
		cat $c/a/cpu.stat $c/a/cpu.idle $c/a/cpuacct.usage_sys $c/a/cpuacct.usage_user $c/a/cpuacct.usage_percpu_sys $c/a/cpuacct.usage_all > /dev/null 2>&1 || true
		echo 512 > $c/a/cpu.shares || true
		echo 50000 > $c/a/cpu.cfs_period_us || true
		echo 10000 > $c/a/cpu.cfs_quota_us || true
		echo 5000 > $c/a/cpu.cfs_burst_us 2> /dev/null || true
		echo 10000 > $c/a/cpu.rt_runtime_us 2> /dev/null || true
		timeout 1 sh -c 'echo $$ > g/cpu/a/tasks; while :; do :; done' > /dev/null 2>&1 || true
		cat $c/a/cpu.stat $c/a/cpuacct.stat > /dev/null 2>&1 || true
		echo 1 > $c/a/cpu.idle 2> /dev/null || true
		echo 0 > $c/a/cpu.idle 2> /dev/null || true
		echo -1 > $c/a/cpu.cfs_quota_us || true
		echo 0 > $c/a/cpu.rt_runtime_us 2> /dev/null || true
		usleep 100000 || true
		rmdir $c/a || true
	fi
	umount $c || umount -l $c || true
fi
if mount -t cgroup -o cpuset k7 g/cs 2> /dev/null; then
	c=g/cs
	cat $c/cpuset.cpus $c/cpuset.mems $c/cpuset.effective_cpus $c/cpuset.memory_pressure_enabled $c/cpuset.sched_load_balance > /dev/null 2>&1 || true
	echo 1 > $c/cgroup.clone_children || true
	echo 1 > $c/cpuset.memory_pressure_enabled || true
	if mkdir $c/a 2> /dev/null; then
		cat $c/a/* > /dev/null 2>&1 || true
		echo 0 > $c/a/cpuset.cpus || true
		echo 0 > $c/a/cpuset.mems || true
		echo 1 > $c/a/cpuset.memory_migrate || true
		echo 1 > $c/a/cpuset.memory_spread_page || true
		echo 1 > $c/a/cpuset.memory_spread_slab || true
		echo 1 > $c/a/cpuset.cpu_exclusive 2> /dev/null || true
		echo 1 > $c/a/cpuset.mem_exclusive 2> /dev/null || true
		echo 1 > $c/a/cpuset.mem_hardwall 2> /dev/null || true
		echo 1 > $c/a/cpuset.sched_relax_domain_level 2> /dev/null || true
		sleep 3 &
		p=$!
		echo $p > $c/a/tasks || true
		cat $c/a/cpuset.memory_pressure $c/a/tasks /proc/$p/cpuset /proc/$p/status > /dev/null 2>&1 || true
		sh -c 'echo $$ > g/cs/a/tasks; exec dd if=/dev/zero of=/dev/null bs=1M count=4' 2> /dev/null || true
		echo 0 > $c/cpuset.sched_load_balance 2> /dev/null || true
		echo 1 > $c/cpuset.sched_load_balance 2> /dev/null || true
		echo 0 > $c/a/cpuset.cpu_exclusive 2> /dev/null || true
		echo $p > $c/tasks || true
		kill $p 2> /dev/null || true
		wait $p || true
		rmdir $c/a || true
	fi
	echo 0 > $c/cpuset.memory_pressure_enabled || true
	echo 0 > $c/cgroup.clone_children || true
	umount $c || umount -l $c || true
fi

# cgroup v1, blkio (throttle rules set and removed for the trace disk's
# number: only tasks of this group would be limited), then pids, hugetlb,
# perf_event, rdma and misc, each in a hierarchy of its own; a named
# hierarchy with a release agent and notify_on_release.
if mount -t cgroup -o blkio k7 g/blk 2> /dev/null; then
	c=g/blk
	cat $c/blkio.throttle.io_service_bytes $c/blkio.throttle.io_serviced $c/blkio.reset_stats > /dev/null 2>&1 || true
	if mkdir $c/a 2> /dev/null; then
		cat $c/a/* > /dev/null 2>&1 || true
		if d=$(cat /sys/block/vda/dev 2> /dev/null); then
			echo "$d 1048576" > $c/a/blkio.throttle.read_bps_device || true
			echo "$d 100" > $c/a/blkio.throttle.write_iops_device || true
			cat $c/a/blkio.throttle.read_bps_device $c/a/blkio.throttle.write_iops_device > /dev/null 2>&1 || true
			echo "$d 0" > $c/a/blkio.throttle.read_bps_device || true
			echo "$d 0" > $c/a/blkio.throttle.write_iops_device || true
		fi
		echo 1 > $c/a/blkio.reset_stats 2> /dev/null || true
		rmdir $c/a || true
	fi
	umount $c || umount -l $c || true
fi
for k in pids hugetlb perf_event rdma misc; do
	mount -t cgroup -o $k k7 g/nr 2> /dev/null || continue
	if mkdir g/nr/a 2> /dev/null; then
		cat g/nr/a/* > /dev/null 2>&1 || true
		sleep 3 &
		p=$!
		echo $p > g/nr/a/cgroup.procs || true
		case $k in
		pids)
			echo 1 > g/nr/a/pids.max || true
			sh -c 'echo $$ > g/nr/a/cgroup.procs; true & wait' > /dev/null 2>&1 || true
			cat g/nr/a/pids.current g/nr/a/pids.events > /dev/null 2>&1 || true
			echo max > g/nr/a/pids.max || true
			;;
		hugetlb)
			echo 2097152 > g/nr/a/hugetlb.2MB.limit_in_bytes || true
			echo 2097152 > g/nr/a/hugetlb.2MB.rsvd.limit_in_bytes 2> /dev/null || true
			cat g/nr/a/hugetlb.2MB.usage_in_bytes g/nr/a/hugetlb.2MB.max_usage_in_bytes g/nr/a/hugetlb.2MB.failcnt > /dev/null 2>&1 || true
			echo 0 > g/nr/a/hugetlb.2MB.max_usage_in_bytes 2> /dev/null || true
			echo 0 > g/nr/a/hugetlb.2MB.failcnt 2> /dev/null || true
			;;
		rdma)
			echo "k7dev hca_handle=2 hca_object=4" > g/nr/a/rdma.max 2> /dev/null || true
			;;
		misc)
			cat g/nr/misc.capacity g/nr/a/misc.current g/nr/a/misc.max > /dev/null 2>&1 || true
			;;
		esac
		echo $p > g/nr/cgroup.procs || true
		kill $p 2> /dev/null || true
		wait $p || true
		usleep 100000 || true
		rmdir g/nr/a || true
	fi
	umount g/nr || umount -l g/nr || true
done
if mount -t cgroup -o none,name=k7,release_agent=/bin/true k7 g/rel 2> /dev/null; then
	cat g/rel/release_agent g/rel/notify_on_release g/rel/cgroup.sane_behavior > /dev/null 2>&1 || true
	echo /bin/true > g/rel/release_agent || true
	echo 1 > g/rel/notify_on_release || true
	if mkdir g/rel/a 2> /dev/null; then
		cat g/rel/a/notify_on_release > /dev/null || true
		sh -c 'echo $$ > g/rel/a/cgroup.procs; exec true' || true
		usleep 300000 || true
		rmdir g/rel/a 2> /dev/null || true
	fi
	umount g/rel || umount -l g/rel || true
fi

# An unprivileged user (uid and gid 1007, no capabilities): reads and
# writes refused by mode, a sticky directory, protected hard links and
# regular files, setuid bits removed by its write, times and owners it may
# not set, other users' processes, capabilities it lacks, a proc instance
# with hidepid=2.
echo root > u/ro
chmod 600 u/ro
chmod 1777 u/sticky
echo shared > u/sticky/rootfile
chmod 666 u/sticky/rootfile
printf '#!/bin/sh\ntrue\n' > u/suid.sh
chmod 6777 u/suid.sh
chmod 777 u
printf '#!/bin/sh\ntrue\n' > u/noexec.sh
chmod 644 u/noexec.sh
mkfifo u/sticky/rootfifo
chmod 666 u/sticky/rootfifo
mount -t proc -o hidepid=2,gid=0 k7 pr 2> /dev/null || true
sleep 6 &
rp=$!
cat > u/user.sh <<'USER'
test "$(id -u)" = 1007 || exit 0
cd "$1" || exit 0
id
cat ro
echo more >> sticky/rootfile
touch sticky/rootfile
touch -d '2021-02-03 04:05:06' sticky/rootfile
rm -f sticky/rootfile
mv sticky/rootfile sticky/mine
chmod 777 ro
chown 1007:1007 ro
chgrp 1007 sticky/rootfile
ln ro hardlink
echo appended >> suid.sh
ls -l suid.sh
./noexec.sh
echo mine > sticky/mine
chmod 2755 sticky/mine
chgrp 0 sticky/mine
mkdir sticky/dir
chmod 3777 sticky/dir
cat /proc/1/environ /proc/1/maps /proc/1/stack /proc/1/syscall /proc/1/mem
ls -l /proc/1/fd/ /proc/1/cwd/
readlink /proc/1/exe /proc/1/root
kill -0 1
kill -CONT "$2"
renice -n 1 -p "$2"
nice -n -5 true
ulimit -H -n 999999
ionice -c 1 true
taskset -p 1 "$2"
hostname k7user
date -s "@$(date +%s)"
mount -t tmpfs k7 sticky/dir
umount /tmp
unshare -n true
unshare -U true
cat /dev/mem /dev/port /sys/firmware/acpi/tables/DSDT /proc/kcore
head -n 1 /proc/kallsyms
dmesg
echo 1 > /proc/sys/vm/drop_caches
echo k7 > /proc/sys/kernel/hostname
ping -c 1 -W 1 127.0.0.1
nc -l -p 80 &
usleep 200000
kill $!
ls "$3"
cat "$3/$2/status" "$3/1/status"
ls -l "$3/self/"
exit 0
USER
pr0=$(cat /proc/sys/fs/protected_regular 2> /dev/null) || pr0=0
pf0=$(cat /proc/sys/fs/protected_fifos 2> /dev/null) || pf0=0
ph0=$(cat /proc/sys/fs/protected_hardlinks 2> /dev/null) || ph0=0
echo 2 > /proc/sys/fs/protected_regular 2> /dev/null || true
echo 2 > /proc/sys/fs/protected_fifos 2> /dev/null || true
echo 1 > /proc/sys/fs/protected_hardlinks 2> /dev/null || true
timeout 30 nsenter -S 1007 -G 1007 sh u/user.sh "$W/u" $rp "$W/pr" > /dev/null 2>&1 || true
timeout 2 nsenter -S 1007 -G 1007 sh -c 'echo x >> "$1/sticky/rootfifo"; echo y >> "$1/sticky/rootfile"' k7 "$W/u" > /dev/null 2>&1 || true
echo "$pr0" > /proc/sys/fs/protected_regular 2> /dev/null || true
echo "$pf0" > /proc/sys/fs/protected_fifos 2> /dev/null || true
echo "$ph0" > /proc/sys/fs/protected_hardlinks 2> /dev/null || true
ls -l u u/sticky > /dev/null || true
stat -c '%a %u %g' u/suid.sh > /dev/null || true
chown 0:0 u/suid.sh && chmod 6777 u/suid.sh && chown 1:1 u/suid.sh || true
kill $rp 2> /dev/null || true
wait $rp || true
umount pr || umount -l pr || true

# Per-user namespace limits: each set to 0, the namespace refused, the
# limit given back; other sysctl handlers written with another value and
# then their own.
for n in uts ipc net mnt pid user cgroup; do
	f=/proc/sys/user/max_${n}_namespaces
	v=$(cat $f 2> /dev/null) || continue
	echo 0 > $f || true
	case $n in
	uts) unshare -u true 2> /dev/null || true ;;
	ipc) unshare -i true 2> /dev/null || true ;;
	net) unshare -n true 2> /dev/null || true ;;
	mnt) unshare -m true 2> /dev/null || true ;;
	pid) unshare -p -f true 2> /dev/null || true ;;
	user) unshare -U true 2> /dev/null || true ;;
	esac
	echo "$v" > $f || true
done
cat /proc/sys/user/* > /dev/null 2>&1 || true
for f in user/max_inotify_instances user/max_inotify_watches user/max_fanotify_groups user/max_time_namespaces; do
	v=$(cat /proc/sys/$f 2> /dev/null) && echo "$v" > /proc/sys/$f 2> /dev/null || true
done
s=/proc/sys
flip $s/kernel/sched_schedstats 1
cat /proc/schedstat /proc/self/schedstat /proc/$$/sched > /dev/null 2>&1 || true
flip $s/kernel/perf_event_mlock_kb 1024
flip $s/kernel/perf_event_max_stack 64
flip $s/kernel/perf_event_max_contexts_per_stack 4
flip $s/kernel/hung_task_check_count 1000
flip $s/kernel/hung_task_warnings 5
flip $s/kernel/hung_task_check_interval_secs 30
flip $s/kernel/print-fatal-signals 1
flip $s/kernel/max_lock_depth 512
flip $s/kernel/oops_limit 5000
flip $s/kernel/warn_limit 5000
flip $s/kernel/split_lock_mitigate 0
flip $s/kernel/sched_cfs_bandwidth_slice_us 3000
flip $s/kernel/sched_deadline_period_max_us 2000000
flip $s/kernel/sched_deadline_period_min_us 200
flip $s/kernel/sched_util_clamp_min 512
flip $s/kernel/sched_util_clamp_min_rt_default 512
flip $s/kernel/numa_balancing_promote_rate_limit_MBps 100
flip $s/kernel/softlockup_all_cpu_backtrace 1
flip $s/kernel/hardlockup_all_cpu_backtrace 1
flip $s/kernel/watchdog_cpumask 0
flip $s/kernel/acct "5 3 20"
flip $s/kernel/auto_msgmni 0
flip $s/kernel/msgmni 16
flip $s/kernel/shmmni 512
flip $s/kernel/random/write_wakeup_threshold 512
flip $s/kernel/random/urandom_min_reseed_secs 30
flip $s/kernel/pty/max 64
flip $s/kernel/pty/reserve 16
flip $s/kernel/keys/gc_delay 60
flip $s/kernel/keys/persistent_keyring_expiry 3600
flip $s/kernel/keys/root_maxbytes 50000
flip $s/kernel/keys/maxbytes 50000
flip $s/kernel/seccomp/actions_logged "kill_process kill_thread"
flip $s/kernel/firmware_config/force_sysfs_fallback 1
flip $s/kernel/real-root-dev 256
flip $s/kernel/unprivileged_userns_clone 0
flip $s/kernel/sem_next_id 700
flip $s/kernel/shm_next_id 700
for f in kernel/usermodehelper/bset kernel/usermodehelper/inheritable kernel/cad_pid kernel/panic_on_oops kernel/sysctl_writes_strict; do
	v=$(cat $s/$f 2> /dev/null) && echo "$v" > $s/$f 2> /dev/null || true
done
flip $s/vm/dirty_background_bytes 4194304
flip $s/vm/dirtytime_expire_seconds 600
flip $s/vm/oom_dump_tasks 0
flip $s/vm/min_unmapped_ratio 2
flip $s/vm/min_slab_ratio 6
flip $s/vm/numa_zonelist_order Node
flip $s/vm/page_lock_unfairness 3
flip $s/vm/nr_hugepages_mempolicy 0
flip $s/vm/mmap_rnd_bits 30
flip $s/vm/mmap_rnd_compat_bits 10
flip $s/vm/memory_failure_recovery 0
flip $s/vm/overcommit_kbytes 1024
flip $s/vm/watermark_boost_factor 0
flip $s/vm/hugetlb_optimize_vmemmap 1
flip $s/fs/pipe-user-pages-soft 1024
flip $s/fs/pipe-user-pages-hard 4096
flip $s/fs/mqueue/msgsize_max 4096
flip $s/fs/mqueue/msg_default 5
flip $s/fs/mqueue/msgsize_default 2048
flip $s/fs/inotify/max_queued_events 1024
flip $s/fs/inotify/max_user_instances 64
flip $s/fs/fanotify/max_user_groups 64
flip $s/fs/fanotify/max_user_marks 1024
flip $s/fs/fanotify/max_queued_events 1024
flip $s/fs/overflowgid 65533
flip $s/dev/tty/ldisc_autoload 0
flip $s/net/core/bpf_jit_harden 1
flip $s/net/core/bpf_jit_kallsyms 1
flip $s/net/core/bpf_jit_limit 100000000
flip $s/net/core/message_cost 10
flip $s/net/core/message_burst 20
flip $s/net/core/warnings 0
flip $s/net/core/tstamp_allow_data 0
flip $s/net/core/high_order_alloc_disable 1
flip $s/net/core/gro_normal_batch 4
flip $s/net/core/netdev_unregister_timeout_secs 5
flip $s/net/core/skb_defer_max 32
flip $s/net/core/fb_tunnels_only_for_init_net 1
flip $s/net/core/devconf_inherit_init_net 1
for f in kernel/sched_util_clamp_max net/core/bpf_jit_enable net/core/netdev_rss_key; do
	v=$(cat $s/$f 2> /dev/null) && echo "$v" > $s/$f 2> /dev/null || true
done

# Core dump settings: a pipe pattern and a file pattern with specifiers
# (the dumps themselves would run after a syscall returns, so none is
# made), the pipe limit and suid_dumpable, each given its value back.
flip $s/kernel/core_pattern "|$W/coreh %p %s %c %e %u %g %t %h"
flip $s/kernel/core_pattern "$W/core.%e.%p.%i.%s.%t.%h.%u.%g.%c.%P.%E"
flip $s/kernel/core_pipe_limit 1
flip $s/kernel/core_uses_pid 1
flip $s/fs/suid_dumpable 2

# Transparent huge pages: anonymous faults with THP always (dd's 8 MB
# buffer), a tmpfs with huge=always written, read and truncated inside a
# huge page; then a memory block taken offline and back online.
t=/sys/kernel/mm/transparent_hugepage
if v=$(cat $t/enabled 2> /dev/null); then
	v=${v#*\[}
	v=${v%%\]*}
	d=$(cat $t/defrag 2> /dev/null) && d=${d#*\[} && d=${d%%\]*} || d=madvise
	echo always > $t/enabled || true
	echo always > $t/defrag || true
	dd if=/dev/zero of=/dev/null bs=8M count=2 2> /dev/null || true
	grep -i huge /proc/meminfo > /dev/null || true
	cat /proc/self/smaps_rollup > /dev/null || true
	echo defer+madvise > $t/defrag || true
	dd if=/dev/zero of=/dev/null bs=4M count=1 2> /dev/null || true
	echo "$d" > $t/defrag || true
	echo "$v" > $t/enabled || true
fi
if mount -t tmpfs -o size=8m,huge=always k7 t1 2> /dev/null; then
	dd if=/dev/zero of=t1/h bs=1M count=4 2> /dev/null || true
	grep -i shmem /proc/meminfo > /dev/null || true
	cat t1/h > /dev/null || true
	truncate -s 3000000 t1/h || true
	truncate -s 1000 t1/h || true
	fallocate -l 4194304 t1/f 2> /dev/null || true
	rm -f t1/h t1/f
	umount t1 || umount -l t1 || true
fi
cat /sys/devices/system/memory/auto_online_blocks /sys/devices/system/memory/block_size_bytes > /dev/null 2>&1 || true
last=$(ls -d /sys/devices/system/memory/memory[0-9]* 2> /dev/null | sed 's/.*memory//' | sort -n | tail -n 1) || last=
if test -n "$last"; then
	mb=/sys/devices/system/memory/memory$last
	cat $mb/state $mb/online $mb/valid_zones $mb/phys_index $mb/phys_device $mb/removable > /dev/null 2>&1 || true
	if grep -q online $mb/state 2> /dev/null; then
		timeout 20 sh -c "echo offline > $mb/state" 2> /dev/null || true
		cat $mb/state $mb/valid_zones > /dev/null 2>&1 || true
		grep -q online $mb/state 2> /dev/null || echo online > $mb/state 2> /dev/null || echo 1 > $mb/online 2> /dev/null || true
	fi
fi

# tmpfs out of space and inodes, a remount below usage, writes into a
# hole, a read-only remount with a file open for writing.
if mount -t tmpfs -o size=64k,nr_inodes=6 k7 t2 2> /dev/null; then
	dd if=/dev/zero of=t2/full bs=4k count=32 2> /dev/null || true
	fallocate -l 131072 t2/fa 2> /dev/null || true
	for i in 1 2 3 4 5 6 7; do touch t2/i$i 2> /dev/null || true; done
	mkdir t2/d 2> /dev/null || true
	mount -o remount,size=16k t2 2> /dev/null || true
	mount -o remount,nr_inodes=2 t2 2> /dev/null || true
	rm -f t2/full t2/fa t2/i*
	dd if=/dev/zero of=t2/hole bs=4k seek=4 count=1 2> /dev/null || true
	dd if=/dev/zero of=t2/hole bs=4k seek=1 count=1 conv=notrunc 2> /dev/null || true
	(
		exec 3>> t2/hole
		mount -o remount,ro t2 2> /dev/null || true
	) || true
	mount -o remount,ro t2 2> /dev/null || true
	touch t2/ro 2> /dev/null || true
	mount -o remount,rw t2 2> /dev/null || true
	umount t2 || umount -l t2 || true
fi

# FIFOs whose open blocks until a signal, a writer blocked on a full pipe,
# a write to a pipe without readers with SIGPIPE ignored (dd stops at
# EPIPE; busybox yes never does), real-time signals queued to a stopped
# process, process-group signals.
mkfifo ff
timeout 1 sh -c 'echo x > ff' 2> /dev/null || true
timeout 1 sh -c 'cat ff' 2> /dev/null || true
(
	exec 3<> ff
	echo rdwr >&3
	timeout 1 sh -c 'cat > /dev/null' < ff || true
) 2> /dev/null || true
yes k7 | (usleep 500000; head -c 1 > /dev/null) || true
(
	trap '' PIPE
	dd if=/dev/zero bs=4k count=64 | head -c 1 > /dev/null
) 2> /dev/null || true
sleep 5 &
p=$!
kill -STOP $p || true
for n in 34 35 36 34 40 64; do kill -$n $p 2> /dev/null || true; done
grep -E 'Sig|Shd|State' /proc/$p/status > /dev/null 2>&1 || true
kill -CONT $p || true
wait $p || true
setsid sh -c 'sleep 5 & sleep 5 & wait' &
q=$!
usleep 300000 || true
kill -STOP -$q 2> /dev/null || true
kill -CONT -$q 2> /dev/null || true
kill -TERM -$q 2> /dev/null || kill $q 2> /dev/null || true
wait $q || true

# Clocks: the wall clock set to itself (clock_settime), NTP offset and
# time constant, the frequency given back, a fractional sleep and watch.
date -s "@$(date +%s)" > /dev/null 2>&1 || true
f=$(adjtimex 2> /dev/null | sed -n 's/^-f *freq\.adjust: *\(-*[0-9]*\).*/\1/p') || f=
tc=$(adjtimex 2> /dev/null | sed -n 's/^-p *timeconstant: *\(-*[0-9]*\).*/\1/p') || tc=
adjtimex -q -o 0 > /dev/null 2>&1 || true
adjtimex -q -p 4 > /dev/null 2>&1 || true
adjtimex -q -f 655 > /dev/null 2>&1 || true
test -z "$tc" || adjtimex -q -p "$tc" > /dev/null 2>&1 || true
test -z "$f" || adjtimex -q -f "$f" > /dev/null 2>&1 || true
sleep 0.2 || true
timeout 2 watch -n 0.5 -t true > /dev/null 2>&1 || true
echo k7 | ts -s > /dev/null 2>&1 || true

# sysfs: perf PMUs (type, formats, events, the multiplexing interval
# rewritten), wakeup sources, PCI buses, virtual consoles, CPU devices,
# power files rewritten with their own values.
for e in /sys/bus/event_source/devices/*; do
	cat $e/type $e/perf_event_mux_interval_ms $e/nr_addr_filters $e/cpumask $e/format/* $e/events/* $e/caps/* > /dev/null 2>&1 || true
	v=$(cat $e/perf_event_mux_interval_ms 2> /dev/null) && { echo 10 > $e/perf_event_mux_interval_ms 2> /dev/null || true; echo "$v" > $e/perf_event_mux_interval_ms 2> /dev/null || true; }
done
cat /sys/class/wakeup/*/name /sys/class/wakeup/*/active_count /sys/class/wakeup/*/event_count /sys/class/wakeup/*/total_time_ms /sys/class/wakeup/*/prevent_suspend_time_ms > /dev/null 2>&1 || true
cat /sys/class/pci_bus/*/cpuaffinity /sys/class/pci_bus/*/cpulistaffinity /sys/class/vc/*/dev /sys/class/thermal/*/* /sys/class/watchdog/*/* /sys/class/dma/*/* > /dev/null 2>&1 || true
cat /sys/bus/cpu/devices/cpu0/crash_hotplug /sys/bus/cpu/devices/cpu0/node0/cpulist /sys/bus/node/devices/node0/distance /sys/bus/node/devices/node0/vmstat /sys/bus/node/devices/node0/numastat > /dev/null 2>&1 || true
cat /sys/kernel/kexec_loaded /sys/kernel/kexec_crash_loaded /sys/kernel/kexec_crash_size /sys/kernel/profiling /sys/kernel/address_bits /sys/kernel/cpu_byteorder > /dev/null 2>&1 || true
ls -l /sys/class/*/ > /dev/null 2>&1 || true
for f in /sys/power/pm_print_times /sys/power/pm_debug_messages /sys/power/sync_on_suspend /sys/power/image_size /sys/power/reserved_size /sys/power/mem_sleep /sys/power/wakeup_count; do
	v=$(timeout 3 cat $f 2> /dev/null) && v=${v#*\[} && echo "${v%%\]*}" > $f 2> /dev/null || true
done
flip /sys/power/pm_print_times 1
flip /sys/power/pm_debug_messages 1

# Devices: a harmless port (0x80) through /dev/port, /dev/kmsg read after
# seeks, sysrq keys that only print (timers, registers) and a log level.
dd if=/dev/port bs=1 skip=128 count=1 2> /dev/null | od > /dev/null || true
dd if=/dev/kmsg bs=8192 skip=2 count=1 2> /dev/null > /dev/null || true
l=$(cut -f1 /proc/sys/kernel/printk 2> /dev/null) || l=
for k in q p 9; do
	echo $k > /proc/sysrq-trigger 2> /dev/null || true
done
test -z "$l" || dmesg -n "$l" 2> /dev/null || true

# devpts: a new instance limited to two ptys (the third open fails),
# remounted with other modes.
if mount -t devpts -o newinstance,max=2,mode=600,gid=5,ptmxmode=0666 k7 pt 2> /dev/null; then
	(
		exec 3<> pt/ptmx 4<> pt/ptmx
		ls -l pt > /dev/null
		: < pt/0
		exec 5<> pt/ptmx
	) 2> /dev/null || true
	mount -o remount,mode=620,ptmxmode=0600 pt 2> /dev/null || true
	cat /proc/sys/kernel/pty/nr > /dev/null || true
	umount pt || umount -l pt || true
fi

# A fresh network namespace: secondary addresses promoted and not,
# broadcast and multicast pings and DNS, then TCP (IPv4 and IPv6) over a
# 1500-byte lo with SYN cookies always, without timestamps, SACK and
# window scaling, with ECN, with small buffers behind a reader that
# pauses, with MTU probing, from two local ports with TIME_WAIT reuse and
# no TIME_WAIT buckets; IPv6 addresses kept over a link down.
cat > ns.sh <<'NS'
P=/proc/sys/net
ip link set lo up
ip link set lo mtu 1500
ip link set lo multicast on
echo 1 > $P/ipv4/conf/lo/promote_secondaries
echo 1 > $P/ipv4/conf/all/promote_secondaries
ip addr add 10.7.0.1/24 broadcast 10.7.0.255 dev lo
ip addr add 10.7.0.2/24 broadcast 10.7.0.255 dev lo
ip addr add 10.7.0.3/24 broadcast 10.7.0.255 dev lo
ip addr del 10.7.0.1/24 dev lo
ip -o addr
echo 0 > $P/ipv4/conf/lo/promote_secondaries
echo 0 > $P/ipv4/conf/all/promote_secondaries
ip addr add 10.7.0.4/24 broadcast 10.7.0.255 dev lo
ip addr del 10.7.0.2/24 dev lo
ip addr add 10.7.0.1/24 broadcast 10.7.0.255 dev lo
ip -6 addr add 2001:db8:7::1/64 dev lo
echo 1 > $P/ipv6/conf/lo/keep_addr_on_down
ip link set lo down
ip -6 addr
ip link set lo up
ip -6 addr
echo 0 > $P/ipv4/icmp_echo_ignore_broadcasts
ip route add 224.0.0.0/4 dev lo
ip -6 route add ff00::/8 dev lo table local
ping -c 1 -W 1 10.7.0.255
ping -c 1 -W 1 224.0.0.1
ping6 -c 1 -W 1 -I lo ff02::1
timeout 3 nslookup k7.invalid 224.0.0.251
timeout 3 nslookup k7.invalid 10.7.0.255
echo 1 > $P/ipv4/ip_nonlocal_bind
ping -c 1 -W 1 -I 10.9.9.9 10.7.0.1
echo 0 > $P/ipv4/ip_nonlocal_bind
arp -i lo -s 10.7.0.9 00:11:22:33:44:55 pub
arp -i lo -Ds 10.7.0.0 lo netmask 255.255.255.0 pub
arp -an
dd if=/dev/urandom of=blob bs=64k count=4 2> /dev/null
serve() {
	nc -l -p $1 -e cat blob &
	s=$!
	i=0
	until netstat -ltn | grep -q ":$1 "; do
		i=$((i + 1))
		test $i -lt 30 || break
		usleep 100000
	done
}
get() {
	timeout 20 nc $1 $2 > got
	kill $s
	wait $s
	cmp blob got
}
echo 2 > $P/ipv4/tcp_syncookies
echo 0 > $P/ipv4/tcp_timestamps
echo 0 > $P/ipv4/tcp_sack
echo 0 > $P/ipv4/tcp_window_scaling
echo 1 > $P/ipv4/tcp_ecn
serve 9701
get 10.7.0.1 9701
serve 9702
get 2001:db8:7::1 9702
echo 1 > $P/ipv4/tcp_syncookies
echo 1 > $P/ipv4/tcp_timestamps
echo 1 > $P/ipv4/tcp_sack
echo 1 > $P/ipv4/tcp_window_scaling
echo "4096 8192 16384" > $P/ipv4/tcp_rmem
echo "4096 8192 16384" > $P/ipv4/tcp_wmem
echo 0 > $P/ipv4/tcp_moderate_rcvbuf
echo 0 > $P/ipv4/tcp_autocorking
echo 1 > $P/ipv4/tcp_no_metrics_save
echo 0 > $P/ipv4/tcp_slow_start_after_idle
echo 2 > $P/ipv4/tcp_mtu_probing
echo 512 > $P/ipv4/tcp_base_mss
echo 1 > $P/ipv4/tcp_mtu_probe_floor
echo 4096 > $P/ipv4/tcp_notsent_lowat
serve 9703
nc 10.7.0.1 9703 | (usleep 1500000; cat > got) &
c=$!
usleep 4000000
kill $s $c
wait $c
wait $s
echo 2 > $P/ipv4/tcp_ecn
echo 1 > $P/ipv4/tcp_tw_reuse
echo "40000 40001" > $P/ipv4/ip_local_port_range
for p in 9704 9705 9706; do
	serve $p
	get 10.7.0.1 $p
done
echo 0 > $P/ipv4/tcp_max_tw_buckets
serve 9707
get 10.7.0.3 9707
serve 9708
get 2001:db8:7::1 9708
cat /proc/net/tcp /proc/net/tcp6 /proc/net/netstat /proc/net/snmp /proc/net/sockstat /proc/net/igmp /proc/net/igmp6 /proc/net/mcfilter
ip addr flush dev lo to 10.7.0.0/24
ip -6 addr del 2001:db8:7::1/64 dev lo
ip link set lo down
exit 0
NS
timeout 240 unshare -n sh ns.sh > /dev/null 2>&1 || true

# Leave nothing mounted under the directory before it is removed (rm -r
# would cross into a mount).
cd /
for i in 1 2 3; do
	for mp in $(grep " $W/" /proc/mounts | cut -d' ' -f2 | sort -r || true); do
		umount -l "$mp" 2> /dev/null || true
	done
done
if grep -q " $W/" /proc/mounts; then
	echo "check7: mounts left under $W" >&2
else
	rm -r "$W" || true
fi
