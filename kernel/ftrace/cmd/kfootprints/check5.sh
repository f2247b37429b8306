# The "check5" workload of kfootprints: a sixth busybox session, written
# on 2026-12-05 after analysis Version 20 (Version 21 was made meanwhile,
# without it), before it was ever run, and run once
# (scripts/kernel-footprints-check.sh check5), by a helper who did not
# read kernel/analysis or kernel/icall. It aims at what the other sessions
# touch little: virtual terminals (VT switches, vcs, keymaps, a font,
# resizes, getty and openvt), serial and RTC ioctls, read-only block
# ioctls and sysfs of the trace disk, /dev/mem, module loading that fails,
# sysrq, many sysctl handlers rewritten with their own values, other /proc
# and /sys files, /proc/PID/mem, core dumps and CPU limits, credentials
# (su, passwd's locks, setns into user and PID namespaces), mount
# propagation, debugfs, tracefs (read only), securityfs and pstore, mdev
# in a private mount namespace, cgroup v1 controllers, cgroup v2 limits,
# PSI triggers and a memory cgroup OOM kill, klogd and crond, IPv4 and
# IPv6 fragments over lo, sendfile into TCP, wget's TLS socketpair and
# routes, rules and interface ioctls on lo. It runs as root in the
# initramfs, in its own directory; commands that may fail in the small
# guest end in "|| true". Terminals are only opened by child processes:
# the workload shell is a session leader without a controlling terminal.
# Nothing here writes data to /dev/vda (the trace disk) or writes to
# tracefs, and nothing reads the ring buffer.
set -e
W=$PWD/v5
mkdir -p "$W"
cd "$W"
mkdir -p r/bin r/etc r/tmp g1 g2 dbg tr sf ps dv pa pb pc sv/supervise rp

# /proc files the other sessions do not read.
cat /proc/mtrr /proc/dma /proc/fb /proc/bus/pci/devices /proc/bus/input/handlers /proc/driver/rtc > /dev/null 2>&1 || true
cat /proc/tty/driver/* /proc/irq/*/* /proc/sys/kernel/random/uuid /proc/sys/kernel/random/boot_id /proc/thread-self/stat > /dev/null 2>&1 || true
cat /proc/net/arp /proc/net/dev_mcast /proc/net/mcfilter /proc/net/mcfilter6 /proc/net/rt_cache /proc/net/stat/* > /dev/null 2>&1 || true
cat /proc/net/ip6_flowlabel /proc/net/anycast6 /proc/net/rt6_stats /proc/net/psched /proc/net/icmp /proc/net/icmp6 > /dev/null 2>&1 || true
cat /proc/net/udplite /proc/net/udplite6 /proc/net/dev_snmp6/lo /proc/net/xfrm_stat /proc/net/netfilter/nf_log /proc/net/connector > /dev/null 2>&1 || true
dd if=/proc/bus/pci/00/00.0 bs=64 count=1 2> /dev/null | od > /dev/null || true
dd if=/proc/kcore bs=4096 count=1 2> /dev/null | od -A x -t x1 > /dev/null || true
dd if=/proc/kpagecount bs=8 count=64 2> /dev/null | od > /dev/null || true
dd if=/proc/kpagecgroup bs=8 count=64 2> /dev/null | od > /dev/null || true
cat /proc/sys/vm/stat_refresh > /dev/null 2>&1 || true

# /sys files the other sessions do not read (explicit names: some sysfs
# files act when read, e.g. PCI BARs).
cat /sys/firmware/acpi/tables/* /sys/firmware/acpi/tables/dynamic/* /sys/firmware/acpi/interrupts/* > /dev/null 2>&1 || true
cat /sys/firmware/dmi/tables/DMI /sys/firmware/dmi/tables/smbios_entry_point /sys/firmware/memmap/*/* > /dev/null 2>&1 || true
cat /sys/bus/acpi/devices/*/path /sys/bus/acpi/devices/*/hid /sys/bus/acpi/devices/*/status > /dev/null 2>&1 || true
cat /sys/bus/pnp/devices/*/id /sys/bus/pnp/devices/*/resources /sys/bus/pnp/devices/*/options > /dev/null 2>&1 || true
cat /sys/bus/serio/devices/*/description /sys/bus/serio/devices/*/bind_mode /sys/bus/serio/devices/*/id/* > /dev/null 2>&1 || true
cat /sys/bus/platform/devices/*/modalias /sys/bus/platform/devices/*/driver_override > /dev/null 2>&1 || true
cat /sys/bus/pci/devices/*/resource /sys/bus/pci/devices/*/irq /sys/bus/pci/devices/*/enable /sys/bus/pci/devices/*/local_cpulist > /dev/null 2>&1 || true
cat /sys/class/input/*/name /sys/class/input/*/phys /sys/class/input/*/modalias /sys/class/input/*/properties > /dev/null 2>&1 || true
cat /sys/class/input/*/id/* /sys/class/input/*/capabilities/* > /dev/null 2>&1 || true
cat /sys/class/tty/ttyS0/* /sys/class/tty/ttyS1/* /sys/class/tty/tty0/active /sys/class/tty/console/active > /dev/null 2>&1 || true
cat /sys/class/vtconsole/*/name /sys/class/vtconsole/*/bind /sys/class/graphics/fbcon/rotate /sys/class/graphics/fbcon/cursor_blink > /dev/null 2>&1 || true
cat /sys/class/rtc/rtc0/* /sys/class/bdi/*/* > /dev/null 2>&1 || true
cat /sys/block/vda/* /sys/block/vda/queue/* /sys/block/vda/mq/*/* /sys/block/vda/trace/* /sys/block/vda/integrity/* > /dev/null 2>&1 || true
cat /sys/block/vda/device/* /sys/block/vda/power/* > /dev/null 2>&1 || true
cat /sys/kernel/irq/*/* /sys/kernel/mm/lru_gen/* /sys/kernel/mm/numa/* /sys/kernel/mm/ksm/* > /dev/null 2>&1 || true
for c in dentry kmalloc-64 task_struct; do
	cat /sys/kernel/slab/$c/objects /sys/kernel/slab/$c/slabs /sys/kernel/slab/$c/cpu_slabs /sys/kernel/slab/$c/partial /sys/kernel/slab/$c/order /sys/kernel/slab/$c/aliases > /dev/null 2>&1 || true
done
cat /sys/module/*/refcnt /sys/module/*/initstate /sys/module/*/coresize /sys/module/*/taint /sys/module/*/srcversion > /dev/null 2>&1 || true
cat /sys/module/nf_tables/sections/.text /sys/module/nf_tables/sections/.data /sys/module/nf_tables/notes/* > /dev/null 2>&1 || true
ls /sys/module/libcrc32c/holders /sys/module/nf_tables/holders > /dev/null 2>&1 || true
head -c 4096 /sys/kernel/btf/vmlinux 2> /dev/null | od > /dev/null || true
head -c 4096 /sys/kernel/btf/nf_tables 2> /dev/null | od > /dev/null || true
cat /sys/fs/ext4/features/* /sys/devices/system/memory/memory*/valid_zones /sys/devices/system/memory/memory*/state > /dev/null 2>&1 || true
cat /sys/devices/system/cpu/cpu0/cpuidle/state*/* /sys/devices/system/cpu/cpuidle/* /sys/devices/system/cpu/smt/* > /dev/null 2>&1 || true
cat /sys/devices/system/cpu/kernel_max /sys/devices/system/cpu/offline /sys/devices/system/cpu/isolated /sys/devices/system/cpu/nohz_full > /dev/null 2>&1 || true
cat /sys/devices/system/clockevents/*/* /sys/devices/system/cpu/cpu0/crash_notes /sys/devices/system/cpu/cpu0/crash_notes_size > /dev/null 2>&1 || true
for f in state disk resume image_size reserved_size pm_async pm_freeze_timeout sync_on_suspend wakeup_count pm_wakeup_irq; do
	timeout 3 cat /sys/power/$f > /dev/null 2>&1 || true
done

# Sysctl: the whole tree read, then handlers given back their own values.
sysctl -a > /dev/null 2>&1 || true
for f in kernel/core_pattern kernel/core_uses_pid kernel/hostname kernel/domainname kernel/sysrq kernel/printk \
	kernel/printk_devkmsg kernel/printk_delay kernel/ctrl-alt-del kernel/threads-max kernel/pid_max \
	kernel/randomize_va_space kernel/kptr_restrict kernel/dmesg_restrict kernel/perf_event_paranoid \
	kernel/perf_event_max_sample_rate kernel/perf_cpu_time_max_percent kernel/sched_rt_period_us \
	kernel/sched_rt_runtime_us kernel/sched_rr_timeslice_ms kernel/sched_autogroup_enabled \
	kernel/sched_child_runs_first kernel/numa_balancing kernel/timer_migration kernel/msgmax kernel/msgmnb \
	kernel/shmmax kernel/shmall kernel/sem kernel/shm_rmid_forced kernel/msg_next_id kernel/keys/maxkeys \
	kernel/yama/ptrace_scope kernel/watchdog_thresh kernel/nmi_watchdog kernel/soft_watchdog \
	kernel/hung_task_timeout_secs kernel/tainted kernel/modprobe kernel/poweroff_cmd kernel/overflowuid \
	kernel/bpf_stats_enabled kernel/unprivileged_bpf_disabled kernel/io_delay_type \
	vm/min_free_kbytes vm/watermark_scale_factor vm/lowmem_reserve_ratio vm/percpu_pagelist_high_fraction \
	vm/overcommit_memory vm/overcommit_ratio vm/dirty_ratio vm/dirty_bytes vm/dirty_expire_centisecs \
	vm/dirty_writeback_centisecs vm/stat_interval vm/mmap_min_addr vm/max_map_count vm/page-cluster \
	vm/vfs_cache_pressure vm/compaction_proactiveness vm/compact_unevictable_allowed vm/extfrag_threshold \
	vm/numa_stat vm/zone_reclaim_mode vm/oom_kill_allocating_task vm/hugetlb_shm_group \
	vm/nr_overcommit_hugepages vm/admin_reserve_kbytes vm/user_reserve_kbytes vm/laptop_mode \
	vm/unprivileged_userfaultfd vm/memory_failure_early_kill \
	fs/file-max fs/nr_open fs/lease-break-time fs/leases-enable fs/dir-notify-enable fs/protected_symlinks \
	fs/protected_hardlinks fs/protected_fifos fs/protected_regular fs/suid_dumpable fs/mount-max \
	fs/aio-max-nr fs/overflowuid fs/inotify/max_user_watches fs/epoll/max_user_watches fs/mqueue/msg_max \
	fs/mqueue/queues_max \
	net/core/rmem_default net/core/wmem_max net/core/netdev_max_backlog net/core/dev_weight \
	net/core/netdev_budget net/core/flow_limit_cpu_bitmap net/core/rps_sock_flow_entries \
	net/core/default_qdisc net/core/optmem_max net/core/busy_poll net/core/netdev_tstamp_prequeue \
	net/ipv4/tcp_congestion_control net/ipv4/tcp_allowed_congestion_control net/ipv4/tcp_rmem \
	net/ipv4/tcp_wmem net/ipv4/tcp_mem net/ipv4/tcp_ecn net/ipv4/tcp_sack net/ipv4/tcp_fastopen \
	net/ipv4/ip_default_ttl net/ipv4/ping_group_range net/ipv4/ip_local_reserved_ports net/ipv4/ip_forward \
	net/ipv4/fib_multipath_hash_policy net/ipv4/icmp_ratelimit net/ipv4/icmp_ratemask net/ipv4/udp_mem \
	net/ipv4/ipfrag_high_thresh net/ipv4/conf/lo/accept_local net/ipv4/conf/lo/forwarding \
	net/ipv4/conf/all/rp_filter net/ipv4/conf/default/arp_ignore net/ipv4/neigh/lo/base_reachable_time_ms \
	net/ipv4/neigh/lo/retrans_time net/ipv4/neigh/default/gc_thresh1 net/ipv6/conf/lo/mtu \
	net/ipv6/conf/lo/disable_ipv6 net/ipv6/conf/lo/forwarding net/ipv6/conf/lo/addr_gen_mode \
	net/ipv6/conf/all/disable_policy net/ipv6/neigh/lo/base_reachable_time_ms net/ipv6/route/gc_thresh \
	net/ipv6/route/mtu_expires net/ipv6/flowlabel_state_ranges net/ipv6/bindv6only net/ipv6/icmp/ratelimit \
	dev/hpet/max-user-freq abi/vsyscall32 debug/exception-trace; do
	v=$(cat /proc/sys/$f 2> /dev/null) && echo "$v" > /proc/sys/$f 2> /dev/null || true
done
echo 1 > /proc/sys/net/ipv4/route/flush || true
echo 1 > /proc/sys/net/ipv6/route/flush || true
echo 2 > /proc/sys/vm/drop_caches || true
echo 19999 > /proc/sys/kernel/ns_last_pid && sh -c 'echo $$' > /dev/null || true
echo m > /proc/sysrq-trigger || true
echo w > /proc/sysrq-trigger || true
if h=$(cat /proc/sys/vm/nr_hugepages 2> /dev/null); then
	echo $((h + 1)) > /proc/sys/vm/nr_hugepages && grep -i huge /proc/meminfo > /dev/null || true
	echo "$h" > /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages || echo "$h" > /proc/sys/vm/nr_hugepages || true
fi
t=/sys/kernel/mm/transparent_hugepage
if v=$(cat $t/enabled 2> /dev/null); then
	v=${v#*\[}
	v=${v%%\]*}
	case $v in always) o=never ;; *) o=always ;; esac
	echo $o > $t/enabled && echo "$v" > $t/enabled || true
fi
for f in $t/defrag $t/shmem_enabled; do
	v=$(cat $f 2> /dev/null) && v=${v#*\[} && echo "${v%%\]*}" > $f || true
done
for f in $t/khugepaged/pages_to_scan $t/khugepaged/scan_sleep_millisecs $t/use_zero_page /sys/kernel/mm/ksm/run \
	/sys/kernel/mm/ksm/pages_to_scan /sys/kernel/mm/lru_gen/enabled /sys/kernel/mm/lru_gen/min_ttl_ms \
	/sys/block/vda/queue/read_ahead_kb /sys/block/vda/queue/nomerges /sys/block/vda/queue/rq_affinity \
	/sys/block/vda/queue/iostats /sys/block/vda/queue/add_random /sys/class/net/lo/mtu /sys/class/net/lo/flags \
	/sys/class/net/lo/group /sys/class/net/lo/gro_flush_timeout /sys/class/net/lo/napi_defer_hard_irqs \
	/sys/class/net/lo/queues/rx-0/rps_cpus /sys/class/net/lo/queues/rx-0/rps_flow_cnt \
	/sys/class/net/lo/queues/tx-0/xps_cpus /sys/class/net/lo/queues/tx-0/byte_queue_limits/limit_max \
	/sys/class/rtc/rtc0/max_user_freq /sys/class/bdi/*/max_ratio /sys/class/bdi/*/min_ratio \
	/sys/devices/system/cpu/cpu0/cpuidle/state0/disable /sys/power/pm_async /sys/power/pm_freeze_timeout \
	/sys/kernel/rcu_expedited /sys/kernel/rcu_normal /proc/irq/default_smp_affinity; do
	v=$(cat $f 2> /dev/null) && echo "$v" > $f 2> /dev/null || true
done
echo k5alias > /sys/class/net/lo/ifalias && echo > /sys/class/net/lo/ifalias || true
echo 0 > /proc/irq/8/smp_affinity_list || true
echo +600 > /sys/class/rtc/rtc0/wakealarm && cat /sys/class/rtc/rtc0/wakealarm > /dev/null || true
echo 0 > /sys/class/rtc/rtc0/wakealarm || true
for d in /sys/bus/pci/devices/*; do
	test "$(cat $d/class 2> /dev/null)" = 0x030000 || continue
	echo 1 > $d/rom 2> /dev/null && { head -c 1024 $d/rom | od > /dev/null || true; echo 0 > $d/rom; } || true
done

# Device nodes: /dev/mem read and mapped, misc devices, and read-only
# ioctls and reads of the trace disk (never written here).
dd if=/dev/mem bs=4096 skip=240 count=1 2> /dev/null | od > /dev/null || true
devmem 0xf0000 32 > /dev/null 2>&1 || true
devmem 0xffff0 8 > /dev/null 2>&1 || true
head -c 200 /dev/vga_arbiter > /dev/null 2>&1 || true
timeout 5 head -c 16 /dev/hwrng > /dev/null 2>&1 || true
timeout 5 head -c 16 /dev/random > /dev/null 2>&1 || true
od -N 4 /dev/cpu_dma_latency > /dev/null 2>&1 || true
echo 100 > /dev/cpu_dma_latency 2> /dev/null || true
(: < /dev/userfaultfd) 2> /dev/null || true
(: < /dev/hpet) 2> /dev/null || true
for o in --getro --getss --getbsz --getsz --getsize64 --getra; do
	blockdev $o /dev/vda > /dev/null 2>&1 || true
done
v=$(blockdev --getra /dev/vda 2> /dev/null) && blockdev --setra "$v" /dev/vda || true
fdisk -l /dev/vda > /dev/null 2>&1 || true
hexdump -n 64 -C /dev/vda > /dev/null 2>&1 || true
mt -f /dev/vda status > /dev/null 2>&1 || true
echo fat > fat.txt
fatattr +h fat.txt > /dev/null 2>&1 || true
fatattr fat.txt > /dev/null 2>&1 || true

# Virtual terminals (vgacon): switches, escapes, the vcs devices, termios
# and window size, keymaps and keycodes, a blank font, getty, openvt and
# setsid -c. Every tty is opened in a child, never by this shell.
if test -c /dev/tty0; then
	timeout 10 chvt 2 || true
	(printf '\033[1;31mk5\033[0m\033[2J\033[H\033[?25l\033[?25h\033[6n\033[9;0]\033[10;440]\033[11;50]\033[14;1]' > /dev/tty2) 2> /dev/null || true
	(printf '\033]P1ff0000\033]R\007\033[4h\033[4l\033(0x\033(B\033[3g\033H\033[r\033[5;20r\033[r' > /dev/tty2) 2> /dev/null || true
	(echo k5 > /dev/tty0) 2> /dev/null || true
	usleep 100000 || true
	od -A x -t x1 -N 64 /dev/vcsa2 > /dev/null 2>&1 || true
	od -N 64 /dev/vcs2 > /dev/null 2>&1 || true
	od -N 64 /dev/vcsu2 > /dev/null 2>&1 || true
	od -N 64 /dev/vcs > /dev/null 2>&1 || true
	printf 'k5' | dd of=/dev/vcs2 bs=1 seek=160 conv=notrunc 2> /dev/null || true
	printf '\001\001' | dd of=/dev/vcsa2 bs=1 seek=2 conv=notrunc 2> /dev/null || true
	timeout 5 stty -F /dev/tty2 -a > /dev/null 2>&1 || true
	timeout 5 stty -F /dev/tty2 rows 30 cols 90 -echo -icanon min 1 time 0 -ixon cs7 parenb > /dev/null 2>&1 || true
	timeout 5 stty -F /dev/tty2 sane rows 25 cols 80 > /dev/null 2>&1 || true
	(printf '\033c\033[12;1]' > /dev/tty2) 2> /dev/null || true
	usleep 100000 || true
	timeout 10 dumpkmap > kmap 2> /dev/null && timeout 10 loadkmap < kmap 2> /dev/null || true
	timeout 5 setkeycodes e06f 120 2> /dev/null || true
	{ printf '\066\004\000\020'; dd if=/dev/zero bs=4096 count=1 2> /dev/null; } > font.psf || true
	timeout 10 loadfont < font.psf 2> /dev/null || true
	printf '#!/bin/sh\nstty -a > /dev/null 2>&1\ntty > /dev/null 2>&1\necho k5 > /dev/tty 2> /dev/null\nexit 0\n' > login.sh
	chmod +x login.sh
	timeout 10 getty -n -i -l "$W/login.sh" 0 tty4 linux > /dev/null 2>&1 || true
	timeout 10 openvt -c 7 -s -w sh -c 'tty; stty size; echo k5 > /dev/tty' > /dev/null 2>&1 || true
	timeout 10 setsid -c sh -c 'tty; stty size; echo k5 > /dev/tty' < /dev/tty5 > /dev/null 2>&1 || true
	timeout 10 chvt 1 || true
	timeout 10 deallocvt || true
fi

# Serial ports: an absent UART (ttyS1) and the console's driver.
if test -c /dev/ttyS1; then
	timeout 5 stty -F /dev/ttyS1 -a > /dev/null 2>&1 || true
	timeout 5 stty -F /dev/ttyS1 9600 cs8 -parenb -cstopb crtscts raw > /dev/null 2>&1 || true
	timeout 5 microcom -t 300 -s 9600 /dev/ttyS1 < /dev/null > /dev/null 2>&1 || true
fi

# RTC and clock: RTC_RD_TIME and RTC_SET_TIME, settimeofday from the RTC,
# the kernel's time zone, adjtimex with its current tick.
hwclock -r -u > /dev/null 2>&1 || true
hwclock -w -u > /dev/null 2>&1 || true
hwclock -s -u > /dev/null 2>&1 || true
hwclock --systz -u > /dev/null 2>&1 || true
adjtimex -q -t 10000 > /dev/null 2>&1 || true

# Modules: init_module and finit_module of one already loaded (EEXIST),
# delete_module of one that is not.
for m in /modules/libcrc32c.ko*; do
	test -f "$m" || continue
	modinfo "$m" > /dev/null 2>&1 || true
	insmod "$m" > /dev/null 2>&1 || true
done
rmmod k5_no_such_module > /dev/null 2>&1 || true

# Another process's /proc files, its memory through /proc/PID/mem (a page
# read and written back), scheduling, I/O priority and signals to groups.
sleep 30 &
p=$!
setsid sleep 30 &
q=$!
usleep 200000 || true
cat /proc/$p/timers /proc/$p/arch_status /proc/$p/projid_map /proc/$p/sessionid /proc/$p/loginuid /proc/$p/ksm_stat > /dev/null 2>&1 || true
cat /proc/$p/ksm_merging_pages /proc/$p/attr/prev /proc/$p/attr/exec /proc/$p/patch_state /proc/$$/task/$$/children > /dev/null 2>&1 || true
ls -l /proc/$p/root/ /proc/$p/cwd/ /proc/$p/fd/ /proc/$p/ns/ > /dev/null 2>&1 || true
readlink /proc/$p/exe /proc/$p/ns/pid_for_children /proc/$p/ns/time_for_children /proc/$p/ns/cgroup > /dev/null 2>&1 || true
l=$(head -n 1 /proc/$p/maps 2> /dev/null) || l=
a=${l%%-*}
case $a in
'' | *[!0-9a-f]*) ;;
*)
	n=$((0x$a / 4096))
	dd if=/proc/$p/mem of=page bs=4096 skip=$n count=1 2> /dev/null && dd if=page of=/proc/$p/mem bs=4096 seek=$n conv=notrunc 2> /dev/null || true
	;;
esac
echo 20000 > /proc/$p/timerslack_ns || true
echo k5sleep > /proc/$p/task/$p/comm || true
echo 5 > /proc/$p/autogroup || true
echo 0 > /proc/$p/sched || true
echo -100 > /proc/$p/oom_score_adj || true
echo 4 > /proc/$p/clear_refs || true
echo 5 > /proc/$p/clear_refs || true
sh -c 'echo 0 > /proc/self/loginuid' 2> /dev/null || true
renice -n 2 -p $p > /dev/null 2>&1 || true
renice -n 3 -g $q > /dev/null 2>&1 || true
nice -n -5 true || true
ionice -c 1 -n 3 -p $p > /dev/null 2>&1 || true
ionice -c 3 -p $p > /dev/null 2>&1 || true
ionice -p $p > /dev/null 2>&1 || true
taskset -a -p 1 $p > /dev/null 2>&1 || true
taskset -p -c 0 $p > /dev/null 2>&1 || true
time -v -o time.txt true 2> /dev/null || true
top -b -H -n 1 > /dev/null 2>&1 || true
ps -T -o pid,ppid,pgid,sid,tty,vsz,rss,nice,stat,user,group,comm,args > /dev/null 2>&1 || true
pidof -s sleep > /dev/null || true
kill -0 $p || true
kill -s URG $p || true
kill -l 9 > /dev/null || true
kill -s CONT -1 || true
kill -TERM -$q || true
wait $q || true
killall -q -s HUP k5_no_such_process || true
kill $p || true
wait $p || true

# Core dump of a stack overflow (a real fault), SIGXCPU from RLIMIT_CPU,
# an address-space limit that makes mmap fail.
(
	ulimit -c 4096
	ulimit -s 512
	exec sh -c 'f() { f; }; f'
) > /dev/null 2>&1 || true
ls -l core* > /dev/null 2>&1 || true
rm -f core*
(
	ulimit -c 0
	ulimit -S -t 1
	exec sh -c 'while :; do :; done'
) > /dev/null 2>&1 || true
(
	ulimit -v 16384
	exec dd if=/dev/zero of=/dev/null bs=32M count=1
) > /dev/null 2>&1 || true

# Credentials: su and passwd in a chroot with its own /etc (initgroups,
# setgroups, setgid, setuid; passwd's fcntl lock and rename), nsenter's
# uid and gid, a user namespace with setgroups denied, setns into a user
# namespace and into a PID namespace.
cp /bin/busybox r/bin/busybox
for a in sh id true; do ln -s busybox r/bin/$a; done
printf 'root:x:0:0:root:/:/bin/sh\nk5:x:1005:1005:k5:/tmp:/bin/sh\n' > r/etc/passwd
printf 'root:x:0:\nk5:x:1005:k5\nk5b:x:1006:k5\n' > r/etc/group
printf 'root::19000:0:99999:7:::\nk5:*:19000:0:99999:7:::\n' > r/etc/shadow
chmod 600 r/etc/shadow
chroot r /bin/busybox su -s /bin/sh k5 -c 'id; cd; pwd' > /dev/null 2>&1 || true
chroot r /bin/busybox su - k5 -c true > /dev/null 2>&1 || true
chroot r /bin/busybox passwd -d k5 > /dev/null 2>&1 || true
chroot r /bin/busybox passwd -l k5 > /dev/null 2>&1 || true
chroot r /bin/busybox passwd -u k5 > /dev/null 2>&1 || true
nsenter -S 1005 -G 1005 id > /dev/null 2>&1 || true
unshare -U --setgroups deny -r cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups > /dev/null 2>&1 || true
unshare -U -r sleep 5 &
p=$!
unshare -p -f sleep 3 &
q=$!
usleep 300000 || true
nsenter -t $p -U id > /dev/null 2>&1 || true
nsenter -p/proc/$q/ns/pid_for_children sh -c 'echo $$' > /dev/null 2>&1 || true
kill $p 2> /dev/null || true
wait $p || true
wait $q || true

# Mounts: propagation between shared, slave and unbindable mounts, tmpfs
# options, a second devtmpfs, debugfs with its tracefs automount, tracefs
# and securityfs read only (explicit names: some of their files act when
# opened), pstore, file systems whose modules are absent, statfs of all.
if mount -t tmpfs -o size=1m,huge=within_size,uid=1,gid=1,mode=0755 k5 pa; then
	mount --make-shared pa || true
	mount --bind pa pb || true
	mkdir -p pa/sub pa/sub2
	mount -t tmpfs -o size=64k k5s pa/sub || true
	grep ' tmpfs ' /proc/self/mountinfo > /dev/null || true
	umount pa/sub || true
	mount --make-slave pb || true
	mount -t tmpfs -o size=64k k5s pa/sub2 || true
	umount pa/sub2 || true
	mount -o remount,huge=never,size=2m,nosuid,nodev,noexec,noatime pa || true
	mount -o remount,relatime,nodiratime,sync pa || true
	mount --make-unbindable pa || true
	mount --bind pa pc 2> /dev/null || true
	mount --make-private pa || true
	mount --rbind pa pc || true
	umount -l pc || true
	umount pb || umount -l pb || true
	umount pa || umount -l pa || true
fi
mount -t devtmpfs k5 dv 2> /dev/null && { ls dv > /dev/null || true; umount dv || umount -l dv; } || true
if mount -t debugfs k5 dbg 2> /dev/null; then
	cat dbg/sched/features dbg/sched/verbose dbg/sched/preempt dbg/sched/debug dbg/bdi/*/stats > /dev/null 2>&1 || true
	cat dbg/block/vda/state dbg/block/vda/hctx0/* dbg/block/vda/hctx0/cpu0/* dbg/block/vda/sched/* > /dev/null 2>&1 || true
	cat dbg/extfrag/extfrag_index dbg/extfrag/unusable_index dbg/memblock/memory dbg/memblock/reserved > /dev/null 2>&1 || true
	cat dbg/kprobes/list dbg/kprobes/enabled dbg/fault_around_bytes dbg/lru_gen dbg/wakeup_sources > /dev/null 2>&1 || true
	cat dbg/suspend_stats dbg/clk/clk_summary dbg/swiotlb/io_tlb_nslabs dbg/x86/tlb_single_page_flush_ceiling > /dev/null 2>&1 || true
	head -n 5 dbg/dynamic_debug/control > /dev/null 2>&1 || true
	cat dbg/tracing/README dbg/tracing/available_tracers > /dev/null 2>&1 || true
	umount -l dbg || true
fi
if mount -t tracefs k5 tr 2> /dev/null; then
	cat tr/available_tracers tr/current_tracer tr/trace_clock tr/tracing_cpumask tr/buffer_size_kb tr/buffer_total_size_kb > /dev/null 2>&1 || true
	cat tr/saved_cmdlines_size tr/saved_cmdlines tr/trace_options tr/tracing_on tr/set_ftrace_pid tr/set_event > /dev/null 2>&1 || true
	cat tr/kprobe_events tr/uprobe_events tr/dynamic_events tr/max_graph_depth tr/tracing_thresh tr/timestamp_mode > /dev/null 2>&1 || true
	cat tr/events/header_page tr/events/sched/sched_switch/format tr/events/sched/enable tr/events/syscalls/sys_enter_openat/format > /dev/null 2>&1 || true
	cat tr/per_cpu/cpu0/stats tr/options/funcgraph-proc > /dev/null 2>&1 || true
	head -n 3 tr/available_events > /dev/null 2>&1 || true
	ls tr/instances tr/options > /dev/null 2>&1 || true
	umount tr || umount -l tr || true
fi
if mount -t securityfs k5 sf 2> /dev/null; then
	cat sf/lsm sf/lockdown sf/apparmor/profiles sf/apparmor/features/*/* > /dev/null 2>&1 || true
	cat sf/ima/ascii_runtime_measurements sf/ima/runtime_measurements_count > /dev/null 2>&1 || true
	ls -R sf > /dev/null 2>&1 || true
	umount sf || umount -l sf || true
fi
mount -t pstore k5 ps 2> /dev/null && { ls -la ps > /dev/null || true; umount ps || umount -l ps; } || true
for t in configfs binfmt_misc autofs fusectl efivarfs overlay; do
	mount -t $t k5 ps 2> /dev/null && umount ps || true
done
df -a -i > /dev/null 2>&1 || true
stat -f /proc /sys /dev /dev/pts /tmp > /dev/null 2>&1 || true
timeout 60 unshare -m --propagation private sh -c 'mount -t tmpfs -o size=1m k5 /dev && mdev -s && ls -lR /dev > /dev/null' > /dev/null 2>&1 || true

# cgroup v1: a named hierarchy, and the v1-only controllers (freezer,
# devices, net_cls, net_prio, cpuacct) with a task in a child group.
if mount -t cgroup -o none,name=k5 k5 g1 2> /dev/null; then
	if mkdir g1/a 2> /dev/null; then
		echo $$ > g1/a/cgroup.procs || true
		cat g1/a/tasks g1/a/notify_on_release g1/cgroup.clone_children g1/release_agent /proc/self/cgroup > /dev/null 2>&1 || true
		echo $$ > g1/cgroup.procs || true
		rmdir g1/a || true
	fi
	umount g1 || umount -l g1 || true
fi
if mount -t cgroup -o freezer,devices,net_cls,net_prio,cpuacct k5 g1 2> /dev/null || mount -t cgroup -o freezer k5 g1 2> /dev/null; then
	sleep 30 &
	p=$!
	if mkdir g1/a 2> /dev/null; then
		echo $p > g1/a/tasks || true
		echo FROZEN > g1/a/freezer.state && usleep 200000 && cat g1/a/freezer.state g1/a/freezer.self_freezing > /dev/null || true
		echo THAWED > g1/a/freezer.state || true
		echo 'c 1:3 rwm' > g1/a/devices.deny && cat g1/a/devices.list > /dev/null || true
		echo a > g1/a/devices.allow || true
		echo 0x100005 > g1/a/net_cls.classid && cat g1/a/net_cls.classid > /dev/null || true
		echo "lo 5" > g1/a/net_prio.ifpriomap && cat g1/a/net_prio.ifpriomap g1/a/net_prio.prioidx > /dev/null || true
		cat g1/a/cpuacct.usage g1/a/cpuacct.stat g1/a/cpuacct.usage_all g1/a/cpuacct.usage_percpu > /dev/null 2>&1 || true
		echo 0 > g1/a/cpuacct.usage || true
		echo $p > g1/cgroup.procs || true
	fi
	echo THAWED > g1/a/freezer.state 2> /dev/null || true
	kill -9 $p || true
	wait $p || true
	usleep 100000 || true
	rmdir g1/a 2> /dev/null || true
	umount g1 || umount -l g1 || true
fi

# cgroup v2: controllers enabled, every file of a child group read,
# limits written, PSI triggers, tmpfs pages charged and reclaimed, a
# cgroup namespace, CPU bandwidth throttling, a pids limit hit, a memory
# limit hit (the OOM killer picks dd inside the group), cgroup.kill, and
# nested groups against cgroup.max.descendants.
if mount -t cgroup2 -o nsdelegate,memory_recursiveprot k5 g2 2> /dev/null || mount -t cgroup2 k5 g2 2> /dev/null; then
	cat g2/cgroup.controllers g2/cgroup.subtree_control g2/cgroup.stat g2/cgroup.max.depth g2/cpu.stat g2/memory.stat > /dev/null 2>&1 || true
	cat g2/memory.numa_stat g2/io.stat g2/cpu.pressure g2/memory.pressure g2/io.pressure g2/cgroup.threads g2/misc.capacity > /dev/null 2>&1 || true
	for c in cpu cpuset io memory pids hugetlb rdma misc; do
		echo "+$c" > g2/cgroup.subtree_control 2> /dev/null || true
	done
	if mkdir g2/k5 2> /dev/null; then
		cat g2/k5/* > /dev/null 2>&1 || true
		sleep 30 &
		p=$!
		echo $p > g2/k5/cgroup.procs || true
		echo 16M > g2/k5/memory.max || true
		echo 12M > g2/k5/memory.high || true
		echo 1M > g2/k5/memory.low || true
		echo 512K > g2/k5/memory.min || true
		echo 0 > g2/k5/memory.swap.max || true
		echo 16 > g2/k5/pids.max || true
		echo "20000 100000" > g2/k5/cpu.max || true
		echo 50 > g2/k5/cpu.weight || true
		echo 5 > g2/k5/cpu.weight.nice || true
		echo 1 > g2/k5/cpu.idle && echo 0 > g2/k5/cpu.idle || true
		echo 0 > g2/k5/cpuset.cpus || true
		echo 0 > g2/k5/cpuset.mems || true
		echo member > g2/k5/cpuset.cpus.partition || true
		echo 2M > g2/k5/hugetlb.2MB.max || true
		if d=$(cat /sys/block/vda/dev 2> /dev/null); then
			echo "$d rbps=10485760 wiops=1000" > g2/k5/io.max || true
			echo "$d rbps=max wiops=max" > g2/k5/io.max || true
		fi
		echo "default 50" > g2/k5/io.weight || true
		cat g2/k5/cgroup.procs g2/k5/pids.current g2/k5/memory.current g2/k5/memory.events g2/k5/cpu.stat g2/k5/io.max /proc/$p/cgroup > /dev/null 2>&1 || true
		echo "some 150000 1000000" > g2/k5/memory.pressure || true
		echo "full 100000 1000000" > g2/k5/io.pressure || true
		echo "some 500000 1000000" > /proc/pressure/cpu || true
		sh -c 'echo $$ > g2/k5/cgroup.procs && exec dd if=/dev/zero of=mem.bin bs=64k count=64' 2> /dev/null || true
		echo 2M > g2/k5/memory.reclaim 2> /dev/null || true
		cat g2/k5/memory.stat g2/k5/memory.numa_stat > /dev/null || true
		rm -f mem.bin
		sh -c 'echo $$ > g2/k5/cgroup.procs && exec unshare -C cat /proc/self/cgroup /proc/self/mountinfo' > /dev/null 2>&1 || true
		timeout 1 sh -c 'echo $$ > g2/k5/cgroup.procs; while :; do :; done' > /dev/null 2>&1 || true
		cat g2/k5/cpu.stat > /dev/null || true
		echo 2 > g2/k5/pids.max || true
		sh -c 'echo $$ > g2/k5/cgroup.procs; sleep 1 & sleep 1 & sleep 1 & wait' > /dev/null 2>&1 || true
		cat g2/k5/pids.events > /dev/null || true
		echo max > g2/k5/pids.max || true
		echo max > g2/k5/memory.high || true
		echo 4M > g2/k5/memory.max || true
		timeout 20 sh -c 'echo $$ > g2/k5/cgroup.procs && exec dd if=/dev/zero of=/dev/null bs=16M count=1' > /dev/null 2>&1 || true
		cat g2/k5/memory.events g2/k5/memory.events.local > /dev/null || true
		echo 1 > g2/k5/cgroup.kill || kill -9 $p || true
		wait $p || true
		echo 1 > g2/k5/cgroup.max.descendants || true
		mkdir g2/k5/a 2> /dev/null || true
		mkdir g2/k5/b 2> /dev/null || true
		echo threaded > g2/k5/a/cgroup.type 2> /dev/null || true
		cat g2/k5/a/cgroup.type g2/k5/cgroup.stat > /dev/null 2>&1 || true
		rmdir g2/k5/b 2> /dev/null || true
		rmdir g2/k5/a 2> /dev/null || true
		usleep 100000 || true
		rmdir g2/k5 || true
	fi
	for c in misc rdma hugetlb pids memory io cpuset cpu; do
		echo "-$c" > g2/cgroup.subtree_control 2> /dev/null || true
	done
	umount g2 || umount -l g2 || true
fi

# Logging daemons: syslogd with rotation, klogd blocked in syslog(2)
# until a line comes through /dev/kmsg, logger, dmesg's console level.
syslogd -n -O "$W/syslog.out" -s 1 -b 1 > /dev/null 2>&1 &
s=$!
usleep 200000 || true
klogd -n -c 4 > /dev/null 2>&1 &
k=$!
usleep 200000 || true
echo "<6>k5 klogd line" > /dev/kmsg || true
logger -s -p user.err -t k5 "k5 logger line" 2> /dev/null || true
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
	logger -p local5.info -t k5 "line $i, enough of them to rotate the 1 KB log file once" || true
done
usleep 300000 || true
kill $k $s 2> /dev/null || true
usleep 200000 || true
kill -9 $k $s 2> /dev/null || true
wait $k || true
wait $s || true
dmesg -n 4 || true
dmesg -r -s 8192 > /dev/null 2>&1 || true

# crontab and crond in the chroot (they look the user up in its
# /etc/passwd), runit's control fifos without a reader (ENXIO), run-parts.
mkdir -p r/tmp/cron
printf '* * * * * true\n' > r/tmp/ct
chroot r /bin/busybox crontab -c /tmp/cron -u root /tmp/ct > /dev/null 2>&1 || true
chroot r /bin/busybox crontab -c /tmp/cron -u root -l > /dev/null 2>&1 || true
chroot r /bin/busybox crond -f -c /tmp/cron -L /tmp/cron.log -l 0 > /dev/null 2>&1 &
s=$!
usleep 300000 || true
kill -9 $s 2> /dev/null || true
wait $s || true
chroot r /bin/busybox crontab -c /tmp/cron -u root -r > /dev/null 2>&1 || true
mkfifo sv/supervise/ok sv/supervise/control
svok sv > /dev/null 2>&1 || true
svc -u sv > /dev/null 2>&1 || true
printf '#!/bin/sh\necho "$1" > /dev/null\n' > rp/10-k5
chmod +x rp/10-k5
run-parts --test rp > /dev/null || true
run-parts -a x rp > /dev/null || true

# Network on lo: a 1500-byte MTU so that pings fragment and TCP segments
# are small, a file sent into TCP with sendfile (cat behind nc -e), wget's
# TLS client over a socketpair, ping and traceroute socket options.
m=$(cat /sys/class/net/lo/mtu) || m=65536
qlen=$(cat /sys/class/net/lo/tx_queue_len) || qlen=1000
dd if=/dev/urandom of=big.bin bs=64k count=4 2> /dev/null || true
ip link set lo mtu 1500 || true
ping -c 1 -s 3000 -W 2 127.0.0.1 > /dev/null 2>&1 || true
ping6 -c 1 -s 3000 -W 2 ::1 > /dev/null 2>&1 || true
nc -l -p 9521 -e cat big.bin > /dev/null 2>&1 &
s=$!
i=0
until netstat -ltn 2> /dev/null | grep -q ':9521 '; do
	i=$((i + 1))
	test $i -lt 30 || break
	usleep 100000
done
timeout 10 nc 127.0.0.1 9521 > got.bin 2> /dev/null || true
kill $s 2> /dev/null || true
wait $s || true
cmp big.bin got.bin > /dev/null 2>&1 || true
ip link set lo mtu "$m" || true
nc -l -p 9443 < /dev/null > tls.in 2> /dev/null &
s=$!
i=0
until netstat -ltn 2> /dev/null | grep -q ':9443 '; do
	i=$((i + 1))
	test $i -lt 30 || break
	usleep 100000
done
timeout 8 wget -q -T 3 --no-check-certificate -O /dev/null https://127.0.0.1:9443/ > /dev/null 2>&1 || true
kill $s 2> /dev/null || true
wait $s || true
ping -c 2 -i 0.2 -A -t 3 -p a5 -q -I lo 127.0.0.1 > /dev/null 2>&1 || true
ping -c 1 -W 1 -I 127.0.0.1 127.0.0.2 > /dev/null 2>&1 || true
traceroute -n -F -l -t 16 -s 127.0.0.1 -i lo -z 10 -m 1 -q 1 -w 1 127.0.0.1 > /dev/null 2>&1 || true
traceroute -n -r -m 1 -q 1 -w 1 127.0.0.1 > /dev/null 2>&1 || true

# Interface ioctls on lo (inet6 addresses, flags, map, metric), routes
# and ARP entries through ioctls, then netlink routes of every type,
# rules, labelled addresses, link attributes, tunnels and a VLAN whose
# modules are absent, tc dumps.
ifconfig lo add 2001:db8:5::1/64 && ifconfig lo del 2001:db8:5::1/64 || true
ifconfig lo txqueuelen 999 && ifconfig lo txqueuelen "$qlen" || true
ifconfig lo allmulti && ifconfig lo -allmulti || true
ifconfig lo -arp && ifconfig lo arp || true
ifconfig lo dynamic && ifconfig lo -dynamic || true
for o in "metric 2" "mem_start 0x300" "io_addr 0x300" "irq 5" "outfill 1" "keepalive 1" "hw ether 00:11:22:33:44:55"; do
	# shellcheck disable=SC2086 # o is an option and its value
	ifconfig lo $o > /dev/null 2>&1 || true
done
if ifconfig lo:55 127.0.0.55 pointopoint 127.0.0.56 2> /dev/null; then
	ifconfig lo:55 dstaddr 127.0.0.57 || true
	ifconfig lo:55 -pointopoint || true
	ifconfig lo:55 broadcast 127.255.255.255 || true
	ifconfig lo:55 down || true
fi
ifconfig -a > /dev/null || true
route add -net 10.56.0.0 netmask 255.255.0.0 metric 5 mss 1400 window 8192 dev lo 2> /dev/null && route del -net 10.56.0.0 netmask 255.255.0.0 metric 5 dev lo || true
route add -net 10.57.0.0 netmask 255.255.0.0 reject 2> /dev/null && route del -net 10.57.0.0 netmask 255.255.0.0 reject || true
route add -host 10.58.0.1 gw 127.0.0.1 2> /dev/null && route del -host 10.58.0.1 gw 127.0.0.1 || true
route -n -e > /dev/null || true
route -A inet6 -n > /dev/null || true
arp -i lo -s 127.0.0.9 00:11:22:33:44:55 > /dev/null 2>&1 || true
arp -i lo -d 127.0.0.9 > /dev/null 2>&1 || true
arp -a -n -v > /dev/null 2>&1 || true
for r in "blackhole 10.55.1.0/24" "unreachable 10.55.2.0/24" "prohibit 10.55.3.0/24"; do
	# shellcheck disable=SC2086 # r is a route type and its prefix
	ip route add $r 2> /dev/null || true
done
ip route get 10.55.1.1 > /dev/null 2>&1 || true
ip route get 10.55.2.1 > /dev/null 2>&1 || true
ip route get 10.55.3.1 > /dev/null 2>&1 || true
ip route add 10.55.4.0/24 dev lo metric 7 mtu 1400 advmss 1360 proto static scope link table 55 || true
ip route replace 10.55.4.0/24 dev lo table 55 metric 7 || true
ip route change 10.55.4.0/24 dev lo table 55 metric 7 mtu 1300 || true
ip route append 10.55.5.0/24 dev lo table 55 || true
ip route show table all > /dev/null || true
ip route flush table 55 || true
ip route flush cache || true
for r in "blackhole 10.55.1.0/24" "unreachable 10.55.2.0/24" "prohibit 10.55.3.0/24"; do
	# shellcheck disable=SC2086 # r is a route type and its prefix
	ip route del $r 2> /dev/null || true
done
ip -6 route add 2001:db8:55::/64 dev lo metric 5 2> /dev/null && ip -6 route del 2001:db8:55::/64 dev lo metric 5 || true
ip -6 route show table local > /dev/null || true
ip rule add fwmark 5 table 55 pref 555 2> /dev/null && ip rule del pref 555 || true
ip rule add iif lo tos 0x10 table 55 pref 556 2> /dev/null && ip rule del pref 556 || true
ip -6 rule add from 2001:db8::/32 table 56 pref 560 2> /dev/null && ip -6 rule del pref 560 || true
ip addr add 10.55.0.1/24 brd + dev lo label lo:k5 scope host 2> /dev/null && ip -o addr > /dev/null && ip addr flush dev lo label lo:k5 || true
ip link set lo qlen 500 && ip link set lo qlen "$qlen" || true
ip link set lo multicast on && ip link set lo multicast off || true
ip link set lo address 00:00:00:00:00:00 2> /dev/null || true
ip link set lo netns 1 2> /dev/null || true
ip link set lo master lo 2> /dev/null || true
ip link set lo nomaster 2> /dev/null || true
ip -f link addr > /dev/null || true
ip neigh flush dev lo > /dev/null 2>&1 || true
ip tunnel show > /dev/null 2>&1 || true
ip tunnel add k5t mode sit remote 127.0.0.2 local 127.0.0.1 ttl 9 2> /dev/null || true
vconfig add lo 5 2> /dev/null || true
tc qdisc show dev lo > /dev/null || true
tc class show dev lo > /dev/null 2>&1 || true
tc filter show dev lo > /dev/null 2>&1 || true
netstat -rne > /dev/null || true
netstat -anetuwx > /dev/null 2>&1 || true

# Restore lo, then leave nothing mounted under the directory before it is
# removed (rm -r would cross into a mount).
ip link set lo mtu "$m" 2> /dev/null || true
ip link set lo qlen "$qlen" 2> /dev/null || true
cd /
for i in 1 2 3; do
	for mp in $(grep " $W/" /proc/mounts | cut -d' ' -f2 | sort -r || true); do
		umount -l "$mp" 2> /dev/null || true
	done
done
if grep -q " $W/" /proc/mounts; then
	echo "check5: mounts left under $W" >&2
else
	rm -r "$W" || true
fi
