# The "check9" workload of kfootprints: a tenth busybox session.
# Written on 2026-12-07 by a helper who had not read the analysis, after analysis Version 31
# (kernel/analysis and kernel/icall unread); committed before it was ever
# run. It aims at what the other sessions touch little: a node, mode
# 0666, for every character device in /sys/dev/char (but the console's
# UART, the hibernation image and watchdogs; of the VT lines tty0, tty9
# and tty63, the last two allocated by the open) in a private tmpfs with
# its own devpts beside a ptmx node, each opened and asked TCGETS (the
# tty ones also BLKSSZGET through the line discipline), the RTC and HPET
# asked the time, a still-locked pty slave; a background VT resized and
# given by write(2) and sendfile(2) escape sequences the other sessions
# do not send (DECALN, erase and insert variants, UTF-8 with invalid and
# wide characters, G1 and user maps, 256-colour and true-colour SGR,
# setterm commands, DECID and status reports), its vcs, vcsa and vcsu
# read, then deallocated; uid 1009 meeting the drivers' own capability
# checks on those nodes (/dev/mem and /dev/port, RTC_SET_TIME,
# KDSETKEYCODE, VT_ACTIVATE, syslog clear and console level) and the
# 64-byte limits on PCI config space; /dev/kmsg records with embedded
# newlines, control and UTF-8 bytes, a bad prefix, no prefix, long and
# too long, one printed on the serial console, one with the console
# level raised, read back whole and from SEEK_END; every writable module
# parameter and most sysctls (kernel, fs, vm, user, dev, abi, net/core)
# given their own values; proc mounted with hidepid=ptraceable and
# remounted with subset=pid, sysfs read-only, a named cgroup v1 with
# xattr, kernel-internal and absent file system types; debugfs with mode
# options and remounts, the dynamic preemption model switched and back,
# scheduler and TLB-flush knobs, the PAT memtype list; TOMOYO's
# securityfs files read and a profile comment and an aggregator written;
# cgroup v2 mounted with favordynmods and memory_localevents, a subtree
# delegated to uid 1009 (migrations inside and across the delegation
# boundary, freeze, kill, depth and descendant limits), a threaded
# subtree with cgroup.threads, cpuset partitions that cannot be valid;
# uid 1009 in its own user, mount, UTS, IPC, network and PID namespaces
# mounting tmpfs, ramfs, mqueue, devpts, sysfs and proc, refused
# cgroup2, bpf, debugfs, hugetlbfs, securityfs, pstore and cgroup v1,
# binds of a tree with locked submounts, umount of a locked mount,
# mknod and an unmapped chown, IPC and network sysctls it owns; swapon
# and swapoff refused, fdisk on an image, nsenter's root and working
# directory; a synthetic uevent for every bus and driver, bind, unbind
# and drivers_probe of no such device, drivers_autoprobe off and on;
# device power attributes (runtime PM control, async, wakeup, PM QoS)
# given their own values; ACPI GPE clear, mask and unmask; khugepaged
# and NUMA demotion knobs; keyboard LEDs through their triggers (none,
# cpu0, disk-activity, panic, kbd-numlock) and brightness; input
# devices inhibited; serio ports reconnected, force-bound and rescanned;
# the alarmtimer platform device unbound and bound; a spare clocksource
# unbound; VGA arbiter commands; the second UART's console and FIFO
# trigger attributes; PCI dynamic IDs on the 8250 PCI driver, and a
# driverless IDE controller enabled, runtime-PM allowed, its config
# space written through sysfs and /proc/bus/pci, removed and found
# again by a rescan; kernel profiling switched on and /proc/profile read
# and reset. It runs as root in the initramfs, in its own directory;
# commands that may fail in the small guest end in "|| true". Terminals
# are only opened by child processes: the workload shell is a session
# leader without a controlling terminal. Nothing here writes to /dev/vda
# (the trace disk), its sysfs files or its queue, writes to or mounts
# tracefs, or reads the ring buffer.
set -e
W=$PWD/v9
mkdir -p "$W"
cd "$W"
mkdir -p dv dbg sf cg g1 pr sy mnt un/a un/b un/c un/d un/e un/f un/g un/h un/i
chmod 755 "$W" un
# Programs killed by signals below leave no core files.
ulimit -c 0 || true

# flip FILE VALUE: write VALUE, then the file's own value back.
flip() {
	_v=$(cat "$1" 2> /dev/null) || return 0
	echo "$2" > "$1" 2> /dev/null || true
	echo "$_v" > "$1" 2> /dev/null || true
}

# own FILE...: write each file's own (first-line) value back.
own() {
	for _f; do
		IFS= read -r _v 2> /dev/null < "$_f" || continue
		echo "$_v" 2> /dev/null > "$_f" || true
	done
}

# rd FILE...: read each file's first line with the shell's own read.
rd() {
	for _f; do
		IFS= read -r _v 2> /dev/null < "$_f" || true
	done
}

# Files not read before: this process's resctrl groups, the DMI entries
# one by one, built-in modules' versions, device links, PCI attributes.
cat /proc/self/cpu_resctrl_groups /proc/1/cpu_resctrl_groups > /dev/null 2>&1 || true
cat /sys/firmware/dmi/entries/*/type /sys/firmware/dmi/entries/*/handle /sys/firmware/dmi/entries/*/length \
	/sys/firmware/dmi/entries/*/instance /sys/firmware/dmi/entries/*/position /sys/firmware/dmi/entries/*/raw > /dev/null 2>&1 || true
cat /sys/module/*/version /sys/class/devlink/*/status /sys/class/devlink/*/auto_remove_on /sys/class/devlink/*/runtime_pm > /dev/null 2>&1 || true
for d in /sys/bus/pci/devices/*; do
	rd "$d/vendor" "$d/device" "$d/subsystem_vendor" "$d/subsystem_device" "$d/revision" "$d/class" "$d/numa_node" \
		"$d/dma_mask_bits" "$d/consistent_dma_mask_bits" "$d/msi_bus" "$d/broken_parity_status" "$d/modalias" \
		"$d/boot_vga" "$d/ari_enabled" "$d/d3cold_allowed" "$d/power_state" "$d/reset_method" "$d/devspec" \
		"$d/local_cpus" "$d/label" "$d/index" "$d/acpi_index"
done

# Device nodes: a private tmpfs with a devpts instance beside a ptmx node
# (ptmx finds its "pts" sibling), and a node, mode 0666, for every
# character device the kernel lists but the console's UART, the
# hibernation image and watchdogs, and of the VT lines only tty0, tty9
# and tty63 (opening the last two allocates them). Each is opened by
# stty -F and asked TCGETS; the tty ones also BLKSSZGET (through the line
# discipline). The RTC and the HPET are asked RTC_RD_TIME; a pty slave is
# opened while still locked (EIO), and the instance's own ptmx.
if mount -t tmpfs -o size=256k,mode=755 k9 dv 2> /dev/null; then
	mkdir dv/pts || true
	mount -t devpts -o newinstance,ptmxmode=0666,mode=620,max=8 k9 dv/pts 2> /dev/null || true
	for e in /sys/dev/char/*; do
		mm=${e##*/}
		n=
		while IFS='=' read -r k v; do
			test "$k" != DEVNAME || n=$v
		done 2> /dev/null < "$e/uevent" || true
		case $n in
		'' | ttyS0 | snapshot | watchdog* | tty[1-8] | tty[1-5][0-9] | tty6[0-2]) continue ;;
		esac
		mknod -m 666 "dv/${n//\//_}" c "${mm%%:*}" "${mm##*:}" 2> /dev/null || true
	done
	for f in dv/*; do
		test -c "$f" || continue
		timeout 5 stty -F "$f" -g > /dev/null 2>&1 || true
		case ${f##*/} in
		tty* | console | ptmx) timeout 5 blockdev --getss "$f" > /dev/null 2>&1 || true ;;
		esac
	done
	timeout 5 hwclock -f dv/rtc0 -r -u > /dev/null 2>&1 || true
	timeout 5 hwclock -f dv/hpet -r -u > /dev/null 2>&1 || true
	if test -c dv/ptmx; then
		timeout 5 sh -c 'exec 3<> dv/ptmx; ls -l dv/pts; stty -F dv/pts/0 -g; stty -F dv/pts/ptmx -g' > /dev/null 2>&1 || true
	fi
fi

# A VT that is not in the foreground (tty9, allocated above): resized,
# then given by sendfile (cat) a line longer than the screen with
# autowrap off, DECALN, reverse screen, erase, insert and delete of
# characters and lines, saved and restored cursors, UTF-8 with wide,
# invalid and cut-short characters, G1 line drawing by SO and SI, the
# user and IBM maps, every SGR attribute, 256-colour and true-colour
# SGR, keypad, cursor-key, origin, newline and mouse modes, cursor
# shapes, setterm commands (underline and dim colours, default
# attributes, unblank, cursor blink), index, reverse index, tab stops,
# CAN and SUB, too many parameters, a full reset; by write(2) DECID,
# device attributes and status reports (answered into its input queue)
# and a bell. Its vcs, vcsa and vcsu nodes are read.
if test -c dv/tty9; then
	timeout 5 stty -F dv/tty9 rows 40 cols 100 > /dev/null 2>&1 || true
	printf '\033[?7l%0200d\033[?7h\r\n' 0 > esc.txt
	printf '\033#8\033[?5h\033[?5l\033[3J\033[1J\033[0J\033[1K\033[2K\033[0K' >> esc.txt
	printf '\033[5@\033[3P\033[2L\033[2M\033[4X\0337\033[10;10H\0338\033[s\033[u' >> esc.txt
	printf '\033%%G\342\202\254 \344\270\255 \303\251 \377 \355\240\200 \351\240\033%%@\351\240' >> esc.txt
	printf '\033)0\016lqk\017\033(U\033(K\033(0x\033(B\033[11m\033[12m\033[10m' >> esc.txt
	printf '\033[1;2;3;4;5;7;8;9m\033[21;22;23;24;25;27;28;29m\033[38;5;196m\033[48;5;21m' >> esc.txt
	printf '\033[38;2;300;20;30m\033[48;2;1;2;3m\033[90;107m\033[39;49m\033[0m' >> esc.txt
	printf '\033[?1h\033=\033>\033[?1l\033[?6h\033[H\033[?6l\033[20h\033[20l\033[?3h\033[?3l' >> esc.txt
	printf '\033[?1000h\033[?1000l\033[?9h\033[?9l\033[?1c\033[?0c\033[?25l\033[?25h' >> esc.txt
	printf '\033[1;4]\033[2;8]\033[8]\033[13]\033[16;500]\033D\033M\033E\033H\033[g\033[3g' >> esc.txt
	printf '\t\b\r\n\v\f\030\032\033[1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;18;19;20m\033[0m\033c' >> esc.txt
	timeout 10 cat esc.txt 2> /dev/null > dv/tty9 || true
	timeout 10 sh -c 'printf "\033Z\033[c\033[5n\033[6n\007k9\r\n" > "$1"' sh dv/tty9 2> /dev/null || true
	mknod dv/vcs9 c 7 9 2> /dev/null || true
	mknod dv/vcsa9 c 7 137 2> /dev/null || true
	mknod dv/vcsu9 c 7 73 2> /dev/null || true
	cat dv/vcs9 dv/vcsa9 dv/vcsu9 > /dev/null 2>&1 || true
fi

# uid 1009 (no capabilities) on the same nodes: /dev/mem and /dev/port
# (CAP_SYS_RAWIO), /dev/kmsg read and written, the RTC read, set and
# made the system time (CAP_SYS_TIME), keymap read but keycodes, VT
# switch and deallocation refused (CAP_SYS_TTY_CONFIG), syslog cleared
# and the console level set (refused); its own pagemap without PFNs, PCI
# config space cut to 64 bytes, root-only /proc files, ns_last_pid and a
# lower oom_score_adj refused, its timer slack set, init's refused.
cat > us.sh <<'US'
D=$1
exec 2> /dev/null
id
dd if=$D/mem of=/dev/null bs=1 count=1
dd if=$D/port of=/dev/null bs=1 count=1
timeout 3 head -c 200 $D/kmsg > /dev/null
echo "<12>k9 line from uid 1009" > $D/kmsg
hwclock -f $D/rtc0 -r -u
hwclock -f $D/rtc0 -w -u
hwclock -f $D/rtc0 -s -u
stty -F $D/tty9 -g
stty -F $D/console -g
stty -F $D/ptmx -g
dumpkmap < $D/tty9 > /dev/null
setkeycodes e060 97 < $D/tty9
timeout 5 chvt 9 < $D/tty9
deallocvt 9 < $D/tty9
dmesg -c > /dev/null
dmesg -n 4
od -A x -t x8 -N 64 /proc/self/pagemap > /dev/null
head -c 256 /sys/bus/pci/devices/0000:00:00.0/config | od > /dev/null
head -c 256 /proc/bus/pci/00/00.0 | od > /dev/null
cat /proc/kpageflags /proc/self/stack /proc/timer_list /proc/slabinfo /proc/sys/vm/stat_refresh /proc/sys/kernel/cad_pid > /dev/null
cat /sys/firmware/dmi/entries/0-0/raw > /dev/null
echo 300 > /proc/sys/kernel/ns_last_pid
echo -1 > /proc/self/oom_score_adj
echo 100000 > /proc/self/timerslack_ns
cat /proc/self/timerslack_ns /proc/1/timerslack_ns
exit 0
US
if test -d dv/pts; then
	timeout 60 nsenter -S 1009 -G 1009 sh us.sh "$W/dv" > /dev/null 2>&1 || true
fi
timeout 5 deallocvt 9 > /dev/null 2>&1 || true
timeout 5 deallocvt 63 > /dev/null 2>&1 || true

# /dev/kmsg records: tab, bell, escape, UTF-8 and 0xff bytes; a record
# of two lines; a prefix that is not a level; no prefix; one of almost
# the largest size and one too long (EINVAL); one at KERN_ERR (printed on the
# serial console from this write); one at KERN_DEBUG with the console
# level raised for it (then given back). The log read whole (cat blocks
# at its end) and from SEEK_END (tail), and through syslog(2).
k=dv/kmsg
test -c $k || k=/dev/kmsg
{
	printf '<14>k9 user.info: tab\there, bell\a, escape \033[0m, utf-8 \342\202\254, byte \377\n'
	printf '<191>k9 local7.debug, first line\nsecond line of the same record\n'
	printf '<x>k9 a prefix that is not a level\n'
	printf 'k9 no prefix\n'
	printf '<13>k9 %0980d\n' 0
	printf '<13>k9 %01200d\n' 0
} 2> /dev/null > $k || true
printf '<3>k9: one line at KERN_ERR for the serial console\n' 2> /dev/null > $k || true
l=$(cut -f1 /proc/sys/kernel/printk 2> /dev/null) || l=
if test -n "$l"; then
	dmesg -n 8 2> /dev/null || true
	printf '<7>k9: KERN_DEBUG with the console level raised\n' 2> /dev/null > $k || true
	dmesg -n "$l" 2> /dev/null || true
fi
timeout 3 cat $k > /dev/null 2>&1 || true
timeout 2 tail -n 2 $k > /dev/null 2>&1 || true
dmesg -r -s 16384 > /dev/null 2>&1 || true
echo 'module k9none +p' 2> /dev/null > /proc/dynamic_debug/control || true

# Every module parameter that can be written, given its own value
# (printf: no newline, which a string parameter would keep); bracketed
# choices as the chosen word. Not virtio's, kgdb's or anything of tracing.
for f in /sys/module/*/parameters/*; do
	case $f in */virtio* | */kgdb* | */debug_core/* | *trace*) continue ;; esac
	IFS= read -r v 2> /dev/null < "$f" || continue
	case $v in
	'(null)') continue ;;
	*'['*']'*)
		v=${v#*\[}
		v=${v%%\]*}
		;;
	esac
	printf '%s' "$v" 2> /dev/null > "$f" || true
done

# Sysctls of these directories given their own values (each handler's
# write path); nothing of tracing or kprobes, no cache drop or
# compaction.
for d in kernel kernel/keys kernel/random kernel/seccomp kernel/usermodehelper kernel/yama kernel/pty \
	kernel/firmware_config fs fs/inotify fs/epoll fs/mqueue fs/fanotify fs/verity vm user dev/tty dev/hpet \
	abi net/core net/unix; do
	for f in /proc/sys/$d/*; do
		test -f "$f" || continue
		case $f in *trace* | *kprobes* | */drop_caches | */compact_memory) continue ;; esac
		IFS= read -r v 2> /dev/null < "$f" || continue
		echo "$v" 2> /dev/null > "$f" || true
	done
done

# Mounts: proc with hidepid=ptraceable and a gid, remounted with
# hidepid=noaccess and subset=pid; sysfs read-only and nosuid, remounted
# read-write; hugetlbfs with a page size the CPU lacks; a named cgroup
# v1 hierarchy with xattr and clone_children; types that exist only
# inside the kernel (pipefs, sockfs, bdev, anon_inodefs) or not here
# (rootfs, resctrl without RDT, configfs and binfmt_misc as modules).
if mount -t proc -o hidepid=ptraceable,gid=5 k9 pr 2> /dev/null; then
	ls pr > /dev/null || true
	cat pr/self/status pr/1/stat > /dev/null 2>&1 || true
	mount -o remount,hidepid=noaccess pr 2> /dev/null || true
	mount -o remount,subset=pid pr 2> /dev/null || true
	ls pr > /dev/null || true
	cat pr/meminfo > /dev/null 2>&1 || true
	umount pr || umount -l pr || true
fi
if mount -t sysfs -o ro,nosuid,nodev,noexec k9 sy 2> /dev/null; then
	ls sy/kernel > /dev/null || true
	echo k9 2> /dev/null > sy/kernel/uevent_seqnum || true
	mount -o remount,rw sy 2> /dev/null || true
	umount sy || umount -l sy || true
fi
mount -t hugetlbfs -o pagesize=1G k9 mnt 2> /dev/null && umount mnt || true
if mount -t cgroup -o none,name=k9x,xattr,clone_children k9 g1 2> /dev/null; then
	cat g1/cgroup.clone_children g1/cgroup.procs > /dev/null 2>&1 || true
	mkdir g1/a 2> /dev/null && rmdir g1/a || true
	umount g1 || umount -l g1 || true
fi
for t in pipefs sockfs bdev anon_inodefs rootfs resctrl configfs binfmt_misc k9nofs; do
	mount -t $t k9 mnt 2> /dev/null && umount mnt || true
done

# debugfs: mounted with its default mode given, remounted with another
# mode, owner and group, and back; the preemption model switched
# (static calls) and back; scheduler knobs (bool, u32 and the latency
# warnings), the TLB flush ceiling, NUMA balancing scan delay flipped;
# the PAT memtype list, dma-buf list, components and deferred probes.
if mount -t debugfs -o mode=0700 k9 dbg 2> /dev/null; then
	mount -o remount,mode=0750,uid=0,gid=0 dbg 2> /dev/null || true
	stat -c '%a %u %g' dbg > /dev/null || true
	mount -o remount,mode=0700 dbg 2> /dev/null || true
	cat dbg/x86/pat_memtype_list dbg/dma_buf/bufinfo dbg/device_component dbg/devices_deferred > /dev/null 2>&1 || true
	flip dbg/x86/tlb_single_page_flush_ceiling 1
	flip dbg/sched/verbose Y
	flip dbg/sched/latency_warn_ms 200
	flip dbg/sched/latency_warn_once 0
	flip dbg/sched/min_granularity_ns 1500000
	flip dbg/sched/idle_min_granularity_ns 500000
	flip dbg/sched/wakeup_granularity_ns 2000000
	flip dbg/sched/latency_ns 12000000
	flip dbg/sched/migration_cost_ns 250000
	flip dbg/sched/numa_balancing/scan_delay_ms 1500
	if p=$(cat dbg/sched/preempt 2> /dev/null); then
		p=${p#*(}
		p=${p%%)*}
		case $p in
		none | voluntary | full)
			echo voluntary 2> /dev/null > dbg/sched/preempt || true
			echo k9 2> /dev/null > dbg/sched/preempt || true
			echo "$p" 2> /dev/null > dbg/sched/preempt || true
			;;
		esac
	fi
	umount dbg || umount -l dbg || true
fi

# securityfs: TOMOYO's interface (its policy never loaded here, every
# profile disabled): version, statistics, profiles, managers, exception
# and domain policy, this process's domain and a process status query
# read; a comment for profile 0 and an aggregator added and deleted.
if mount -t securityfs k9 sf 2> /dev/null; then
	t=sf/tomoyo
	if test -d $t; then
		cat $t/version $t/stat $t/profile $t/manager $t/exception_policy $t/self_domain > /dev/null 2>&1 || true
		timeout 3 head -c 8192 $t/domain_policy > /dev/null 2>&1 || true
		timeout 3 head -c 512 $t/query > /dev/null 2>&1 || true
		timeout 3 head -c 512 $t/audit > /dev/null 2>&1 || true
		timeout 5 sh -c 'exec 3<> "$1"; echo 1 >&3; head -c 512 <&3' sh $t/.process_status > /dev/null 2>&1 || true
		echo '0-COMMENT=k9 profile comment' 2> /dev/null > $t/profile || true
		echo 'aggregator /k9/a /k9/b' 2> /dev/null > $t/exception_policy || true
		echo 'delete aggregator /k9/a /k9/b' 2> /dev/null > $t/exception_policy || true
		timeout 5 sh -c 'exec 3<> "$1"; echo "select <kernel>" >&3; head -c 4096 <&3' sh $t/domain_policy > /dev/null 2>&1 || true
		cat $t/profile > /dev/null 2>&1 || true
	fi
	umount sf || umount -l sf || true
fi

# cgroup v2, mounted with favordynmods and memory_localevents, remounted
# with memory_recursiveprot (then plain): controllers enabled in one
# write; a group's peak, OOM group, swap high, CPU burst, depth and
# hugetlb, misc and rdma files; a subtree delegated to uid 1009, which
# makes children, moves itself between them (and is refused above the
# delegation), enables controllers, sets limits, freezes, kills, and
# meets its depth and descendant limits and a threaded child under a
# domain controller; a threaded subtree with a thread moved by
# cgroup.threads (cgroup.procs refused there); cpuset partitions that
# cannot be valid (the parent is not a partition root).
cat > cgu.sh <<'CGU'
cd "$1" || exit 0
exec 2> /dev/null
mkdir a b
echo $$ > a/cgroup.procs
echo '+pids +memory' > cgroup.subtree_control
cat cgroup.subtree_control cgroup.controllers a/cgroup.controllers a/cgroup.events
echo 16 > a/pids.max
echo 64M > a/memory.high
echo 64M > a/memory.max
cat a/pids.current a/memory.current a/memory.stat a/memory.events a/pids.events /proc/self/cgroup
echo $$ > b/cgroup.procs
echo $$ > ../cgroup.procs
echo $$ > ../../cgroup.procs
echo 1 > a/cgroup.freeze
cat a/cgroup.events
echo 0 > a/cgroup.freeze
echo 1 > a/cgroup.kill
echo $$ > a/cgroup.procs
rmdir b
echo 1 > cgroup.max.depth
mkdir a/c
echo max > cgroup.max.depth
echo 1 > cgroup.max.descendants
mkdir b
echo max > cgroup.max.descendants
echo threaded > a/cgroup.type
cat a/cgroup.type cgroup.stat
exit 0
CGU
if mount -t cgroup2 -o favordynmods,memory_localevents k9 cg 2> /dev/null || mount -t cgroup2 k9 cg 2> /dev/null; then
	mount -o remount,memory_recursiveprot cg 2> /dev/null || true
	grep ' cgroup2 ' /proc/mounts > /dev/null || true
	for g in cg cg/k9; do
		test -d $g || mkdir $g 2> /dev/null || break
		echo '+cpu +cpuset +memory +pids' 2> /dev/null > $g/cgroup.subtree_control || for c in cpu cpuset memory pids; do
			echo "+$c" 2> /dev/null > $g/cgroup.subtree_control || true
		done
	done
	if test -d cg/k9; then
		g=cg/k9
		rd $g/memory.peak $g/memory.oom.group $g/memory.swap.high $g/cpu.max.burst $g/cgroup.max.depth $g/cgroup.events \
			$g/hugetlb.2MB.events $g/hugetlb.2MB.events.local $g/hugetlb.2MB.rsvd.max $g/misc.events $g/rdma.max
		flip $g/memory.oom.group 1
		flip $g/memory.swap.high 4M
		flip $g/cpu.max.burst 1000
		flip $g/cgroup.max.depth 2
		if mkdir $g/dl 2> /dev/null; then
			chown -R 1009:1009 $g/dl 2> /dev/null || true
			timeout 60 sh -c 'echo $$ > "$1/cgroup.procs" && exec nsenter -F -S 1009 -G 1009 sh "$2" "$1"' sh "$W/$g/dl" "$W/cgu.sh" > /dev/null 2>&1 || true
			usleep 200000 || true
			for c in $g/dl/a/c $g/dl/b $g/dl/a $g/dl; do
				rmdir $c 2> /dev/null || true
			done
		fi
		if mkdir $g/td $g/td/t1 2> /dev/null; then
			echo threaded 2> /dev/null > $g/td/t1/cgroup.type || true
			echo '+cpu +pids' 2> /dev/null > $g/td/cgroup.subtree_control || true
			rd $g/td/cgroup.type $g/td/t1/cgroup.type
			sleep 3 &
			p=$!
			echo $p 2> /dev/null > $g/td/cgroup.procs || true
			echo $p 2> /dev/null > $g/td/t1/cgroup.threads || true
			echo $p 2> /dev/null > $g/td/t1/cgroup.procs || true
			cat $g/td/cgroup.threads $g/td/t1/cgroup.threads $g/td/t1/cpu.stat $g/td/t1/pids.current /proc/$p/cgroup > /dev/null 2>&1 || true
			kill $p 2> /dev/null || true
			wait $p || true
			usleep 100000 || true
			rmdir $g/td/t1 2> /dev/null || true
		fi
		rmdir $g/td 2> /dev/null || true
		if mkdir $g/cp 2> /dev/null; then
			echo 0 2> /dev/null > $g/cp/cpuset.cpus || true
			echo 0 2> /dev/null > $g/cp/cpuset.mems || true
			for m in root isolated member; do
				echo $m 2> /dev/null > $g/cp/cpuset.cpus.partition || true
				rd $g/cp/cpuset.cpus.partition $g/cp/cpuset.cpus.effective
			done
			rmdir $g/cp 2> /dev/null || true
		fi
		rmdir $g 2> /dev/null || true
	fi
	echo '-pids -memory -cpuset -cpu' 2> /dev/null > cg/cgroup.subtree_control || true
	mount -o remount cg 2> /dev/null || true
	umount cg || umount -l cg || true
fi

# uid 1009 in its own user (root mapped to it), mount, UTS, IPC, network
# and PID namespaces (a proc of its own): tmpfs (mknod refused, chown to
# an unmapped uid refused, remounted), ramfs, mqueue, devpts and sysfs
# and a second proc mounted; cgroup2, bpf, debugfs, hugetlbfs,
# securityfs, pstore and a cgroup v1 refused; /dev bound without its
# locked submounts (refused), then with them; a locked mount unmounted
# (refused); hostname, lo, ping; sysctls of its network, IPC and PID
# namespaces (and one it does not own); proc remounted read-only last.
cat > un.sh <<'UN'
D=$1
exec 2> /dev/null
id
cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups /proc/self/status /proc/self/mountinfo > /dev/null
if mount -t tmpfs -o size=64k,mode=700 k9 $D/a; then
	echo k9 > $D/a/f
	mkfifo $D/a/p
	mknod $D/a/c c 1 3
	chown 5000 $D/a/f
	chown 0:0 $D/a/f
	mount -o remount,size=128k $D/a
	umount $D/a
fi
mount -t ramfs -o mode=700 k9 $D/b && umount $D/b
if mount -t mqueue k9 $D/c; then
	touch $D/c/q
	cat $D/c/q > /dev/null
	rm $D/c/q
	umount $D/c
fi
if mount -t devpts -o newinstance,ptmxmode=0666,max=4 k9 $D/d; then
	ls -l $D/d > /dev/null
	umount $D/d
fi
if mount -t sysfs k9 $D/e; then
	ls $D/e/class/net > /dev/null
	cat $D/e/class/net/lo/operstate > /dev/null
	umount $D/e
fi
if mount -t proc -o hidepid=invisible k9 $D/f; then
	ls $D/f > /dev/null
	umount $D/f
fi
for t in cgroup2 bpf debugfs hugetlbfs securityfs pstore; do
	mount -t $t k9 $D/g && umount $D/g
done
mount -t cgroup -o none,name=k9u k9 $D/g && umount $D/g
mount --bind /dev $D/h && umount $D/h
mount --rbind /dev $D/h && umount -l $D/h
mount --bind $D $D/i && umount $D/i
umount /dev/pts
hostname k9userns
hostname > /dev/null
ip link set lo up
ping -c 1 -W 1 127.0.0.1 > /dev/null
echo 1 > /proc/sys/net/ipv4/ip_forward
echo 60 > /proc/sys/vm/swappiness
echo k9dom > /proc/sys/kernel/domainname
for f in kernel/msgmax kernel/msgmnb kernel/shmmax kernel/sem kernel/msg_next_id fs/mqueue/msg_max fs/mqueue/queues_max user/max_user_namespaces; do
	read -r v < /proc/sys/$f && echo "$v" > /proc/sys/$f
done
echo 500 > /proc/sys/kernel/ns_last_pid
sh -c 'echo $$' > /dev/null
mount -o remount,bind,ro /proc
exit 0
UN
v=$(cat /proc/sys/kernel/unprivileged_userns_clone 2> /dev/null) || v=
test "$v" != 0 || echo 1 2> /dev/null > /proc/sys/kernel/unprivileged_userns_clone || true
timeout 90 nsenter -S 1009 -G 1009 unshare -r -m -u -i -n -p -f --mount-proc sh "$W/un.sh" "$W/un" > /dev/null 2>&1 || true
test "$v" != 0 || echo 0 2> /dev/null > /proc/sys/kernel/unprivileged_userns_clone || true

# Other applets: swapon of a char device and of a directory and swapoff
# of a file never swapped on (all refused), with a prepared swap file
# refused on tmpfs with discard; fdisk writing a partition table into an
# image (its block ioctls refused on a file) and listing it; nologin;
# nsenter taking init's root and working directory.
dd if=/dev/zero of=sw bs=4k count=16 2> /dev/null || true
chmod 600 sw 2> /dev/null || true
mkswap sw > /dev/null 2>&1 || true
swapon -d sw > /dev/null 2>&1 || true
swapoff sw > /dev/null 2>&1 || true
test -c dv/zero && swapon dv/zero > /dev/null 2>&1 || true
swapon . > /dev/null 2>&1 || true
dd if=/dev/zero of=pt.img bs=64k count=64 2> /dev/null || true
printf 'o\nn\np\n1\n\n+1M\nn\np\n2\n\n\nt\n2\n82\nw\n' | fdisk -u -C 8 -H 16 -S 63 pt.img > /dev/null 2>&1 || true
fdisk -l pt.img > /dev/null 2>&1 || true
nologin > /dev/null 2>&1 || true
nsenter -t 1 -r -w pwd > /dev/null 2>&1 || true
rm -f sw pt.img

# The device model: a synthetic uevent for every bus and every driver,
# bind, unbind and drivers_probe of a device that does not exist,
# drivers_autoprobe off and back (virtio's bus and drivers left alone).
for b in /sys/bus/*; do
	test -d "$b" || continue
	case ${b##*/} in virtio*) continue ;; esac
	echo change 2> /dev/null > "$b/uevent" || true
	echo k9none 2> /dev/null > "$b/drivers_probe" || true
	if IFS= read -r v 2> /dev/null < "$b/drivers_autoprobe"; then
		echo 0 2> /dev/null > "$b/drivers_autoprobe" || true
		echo "$v" 2> /dev/null > "$b/drivers_autoprobe" || true
	fi
	for d in "$b"/drivers/*; do
		test -d "$d" || continue
		case ${d##*/} in virtio*) continue ;; esac
		echo add 2> /dev/null > "$d/uevent" || true
		echo k9none 2> /dev/null > "$d/bind" || true
		echo k9none 2> /dev/null > "$d/unbind" || true
	done
done

# Power attributes (runtime PM control, async suspend, wakeup, PM QoS)
# of platform, PnP, serio, input, RTC, LED, UART and CPU devices given
# their own values; thermal zone and cooling device modes and states;
# an unused ACPI GPE cleared, masked and unmasked, the power button's
# fixed event cleared; khugepaged knobs, NUMA demotion, the default
# online type of hot-added memory, CPU hotplug fault injection "none";
# fbcon rotation and cursor blink.
for d in /sys/bus/platform/devices/* /sys/bus/pnp/devices/* /sys/bus/serio/devices/* /sys/class/input/input* \
	/sys/class/rtc/rtc0 /sys/class/leds/* /sys/class/tty/ttyS1 /sys/devices/system/cpu/cpu0 /sys/devices/system/memory/memory0; do
	test -d "$d/power" || continue
	rd "$d/power/runtime_status" "$d/power/runtime_active_time" "$d/power/runtime_suspended_time" "$d/power/wakeup_count"
	own "$d/power/control" "$d/power/async" "$d/power/wakeup" "$d/power/autosuspend_delay_ms" \
		"$d/power/pm_qos_resume_latency_us" "$d/power/pm_qos_latency_tolerance_us" "$d/power/pm_qos_no_power_off"
done
for t in /sys/class/thermal/*; do
	own "$t/mode" "$t/policy" "$t/cur_state" "$t/sustainable_power"
done
a=/sys/firmware/acpi/interrupts
for c in clear mask unmask; do
	echo $c 2> /dev/null > $a/gpe00 || true
done
echo clear 2> /dev/null > $a/ff_pwr_btn || true
k=/sys/kernel/mm/transparent_hugepage/khugepaged
flip $k/defrag 0
flip $k/max_ptes_none 256
flip $k/max_ptes_swap 32
flip $k/max_ptes_shared 128
flip $k/alloc_sleep_millisecs 30000
flip /sys/kernel/mm/numa/demotion_enabled 1
own /sys/devices/system/memory/auto_online_blocks /sys/devices/system/cpu/cpu0/hotplug/fail \
	/sys/class/graphics/fbcon/rotate /sys/class/graphics/fbcon/cursor_blink

# Keyboard LEDs (input-leds): the trigger list read, triggers none,
# cpu0, disk-activity, panic and kbd-numlock set, brightness on and off,
# the original trigger back. Input devices inhibited and back. Serio
# ports: bind mode manual and back, the keyboard port reconnected, a
# port without a driver force-bound to atkbd (its probe runs here) and
# rescanned; the drivers' bind mode and description.
for l in /sys/class/leds/*; do
	tl=$(cat "$l/trigger" 2> /dev/null) || continue
	cur=${tl#*\[}
	cur=${cur%%\]*}
	rd "$l/brightness" "$l/max_brightness" "$l/brightness_hw_changed"
	for t in none cpu0 disk-activity panic kbd-numlock; do
		echo $t 2> /dev/null > "$l/trigger" || true
	done
	echo 1 2> /dev/null > "$l/brightness" || true
	echo 0 2> /dev/null > "$l/brightness" || true
	echo "$cur" 2> /dev/null > "$l/trigger" || true
done
for i in /sys/class/input/input*; do
	IFS= read -r v 2> /dev/null < "$i/inhibited" || continue
	echo 1 2> /dev/null > "$i/inhibited" || true
	echo 0 2> /dev/null > "$i/inhibited" || true
	echo "$v" 2> /dev/null > "$i/inhibited" || true
done
for s in /sys/bus/serio/devices/serio*; do
	test -e "$s/drvctl" || continue
	rd "$s/description" "$s/modalias" "$s/firmware_id" "$s/id/type" "$s/id/proto" "$s/id/id" "$s/id/extra"
	if IFS= read -r v 2> /dev/null < "$s/bind_mode"; then
		echo manual 2> /dev/null > "$s/bind_mode" || true
		echo "$v" 2> /dev/null > "$s/bind_mode" || true
	fi
	if test -e "$s/driver"; then
		echo reconnect 2> /dev/null > "$s/drvctl" || true
	else
		echo atkbd 2> /dev/null > "$s/drvctl" || true
		echo rescan 2> /dev/null > "$s/drvctl" || true
	fi
done
for d in /sys/bus/serio/drivers/*; do
	rd "$d/description"
	if IFS= read -r v 2> /dev/null < "$d/bind_mode"; then
		echo manual 2> /dev/null > "$d/bind_mode" || true
		echo "$v" 2> /dev/null > "$d/bind_mode" || true
	fi
done
usleep 500000 || true

# The alarmtimer platform device unbound from its driver and bound; a
# clocksource that does not exist and a spare one (acpi_pm, when it is
# not the current one) unbound; VGA arbiter commands (target, lock,
# trylock, unlock, decodes, a bad one) with its status read; the second
# UART's console attribute (refused: it is no console) and FIFO trigger.
dr=/sys/bus/platform/drivers/alarmtimer
for l in $dr/alarmtimer*; do
	test -L "$l" || continue
	n=${l##*/}
	echo "$n" 2> /dev/null > $dr/unbind || continue
	echo "$n" 2> /dev/null > $dr/bind || true
done
c=/sys/devices/system/clocksource/clocksource0
if cur=$(cat $c/current_clocksource 2> /dev/null); then
	echo k9none 2> /dev/null > $c/unbind_clocksource || true
	for cs in $(cat $c/available_clocksource 2> /dev/null || true); do
		test "$cs" = acpi_pm && test "$cur" != acpi_pm || continue
		echo acpi_pm 2> /dev/null > $c/unbind_clocksource || true
	done
	cat $c/available_clocksource $c/current_clocksource > /dev/null 2>&1 || true
fi
va=dv/vga_arbiter
test -c $va || va=/dev/vga_arbiter
timeout 5 sh -c 'exec 3<> "$1"; head -c 200 <&3; printf "target default" >&3; printf "lock io+mem" >&3; printf "trylock mem" >&3; printf "unlock io+mem" >&3; printf "decodes io+mem" >&3; printf "k9 bogus" >&3; printf "unlock all" >&3; head -c 200 <&3' sh $va > /dev/null 2>&1 || true
s=/sys/class/tty/ttyS1
if test -e $s/console; then
	rd $s/console $s/rx_trig_bytes $s/close_delay $s/closing_wait $s/custom_divisor $s/io_type $s/iomem_base
	echo Y 2> /dev/null > $s/console || true
	echo N 2> /dev/null > $s/console || true
	own $s/rx_trig_bytes
fi

# PCI: dynamic IDs added to and removed from the 8250 PCI driver (no
# device has them; a duplicate, a short one, a removal of none), bind of
# no such device; a driverless IDE controller: runtime PM allowed and
# forbidden again, enabled and disabled, its interrupt line byte written
# back through sysfs config and /proc/bus/pci, own values of its flags,
# a rescan of its bus, then removed and found again by a rescan.
pd=/sys/bus/pci/drivers/serial
if test -e $pd/new_id; then
	echo 'f00d f00d' 2> /dev/null > $pd/new_id || true
	echo 'f00d f00d' 2> /dev/null > $pd/new_id || true
	echo 'f00d f00e ffffffff ffffffff 070000 ffff00' 2> /dev/null > $pd/new_id || true
	echo 'f00d' 2> /dev/null > $pd/new_id || true
	echo 'f00d f00d' 2> /dev/null > $pd/remove_id || true
	echo 'f00d f00e ffffffff ffffffff 070000 ffff00' 2> /dev/null > $pd/remove_id || true
	echo 'f00d f00d' 2> /dev/null > $pd/remove_id || true
	echo 0000:ff:1f.7 2> /dev/null > $pd/bind || true
fi
own /sys/bus/pci/resource_alignment
ide=
for d in /sys/bus/pci/devices/*; do
	IFS= read -r c 2> /dev/null < "$d/class" || continue
	case $c in 0x0101* | 0x0106*) ;; *) continue ;; esac
	test -e "$d/driver" && continue
	ide=$d
	break
done
if test -n "$ide"; then
	n=${ide##*/}
	flip "$ide/power/control" auto
	echo 1 2> /dev/null > "$ide/enable" || true
	echo 0 2> /dev/null > "$ide/enable" || true
	own "$ide/d3cold_allowed" "$ide/broken_parity_status" "$ide/msi_bus"
	if dd if="$ide/config" of=b60 bs=1 skip=60 count=1 2> /dev/null; then
		dd if=b60 of="$ide/config" bs=1 seek=60 count=1 conv=notrunc 2> /dev/null || true
		b=${n#*:}
		dd if=b60 of="/proc/bus/pci/${b%%:*}/${b#*:}" bs=1 seek=60 count=1 conv=notrunc 2> /dev/null || true
	fi
	rm -f b60
	echo 1 2> /dev/null > "$ide/rescan" || true
	if echo 1 2> /dev/null > "$ide/remove"; then
		usleep 200000 || true
		echo 1 2> /dev/null > /sys/bus/pci/rescan || true
		usleep 200000 || true
		test -e "/sys/bus/pci/devices/$n" || echo 1 2> /dev/null > /sys/bus/pci/rescan || true
	fi
	cat /proc/bus/pci/devices > /dev/null 2>&1 || true
fi

# Kernel profiling switched on (a small buffer: shift 8), /proc/profile
# read, reset by a write, and given a 4-byte multiplier (refused here).
if test -f /sys/kernel/profiling && ! test -e /proc/profile; then
	rd /sys/kernel/profiling
	echo 8 2> /dev/null > /sys/kernel/profiling || true
	head -c 4096 /proc/profile 2> /dev/null | od > /dev/null || true
	printf 'k9' 2> /dev/null > /proc/profile || true
	printf 'k9k9' 2> /dev/null > /proc/profile || true
fi

# Leave nothing mounted under the directory before it is removed (rm -r
# would cross into a mount).
cd /
for i in 1 2 3; do
	for mp in $(grep " $W/" /proc/mounts | cut -d' ' -f2 | sort -r || true); do
		umount -l "$mp" 2> /dev/null || true
	done
done
if grep -q " $W/" /proc/mounts; then
	echo "check9: mounts left under $W" >&2
else
	rm -r "$W" || true
fi
