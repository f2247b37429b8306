# The "check6" workload of kfootprints: a seventh busybox session, written
# on 2026-12-05 after analysis Version 23, before it was ever run, and run
# once (scripts/kernel-footprints-check.sh check6), by a helper who did not
# read kernel/analysis or kernel/icall. It aims at what the other sessions
# touch little: other processes' /proc files (init's threads and file
# descriptors, a kernel thread, a zombie), stat, statfs and setattr on
# pseudo files, sysfs uevent files read and written, workqueue and slab
# attributes rewritten, PCI slots and a PCI rescan, harmless sysrq keys,
# module parameters given back their own values, hugetlbfs with real huge
# pages, ramfs, bpffs and tmpfs NUMA policies, renames and moves across
# file systems, fsync and syncfs on many file types, sendfile into pipes,
# random and file systems, exec failures (ENOEXEC, ELOOP, noexec, a
# directory) and a large argument list, char and block nodes whose
# drivers are absent, user namespace maps written by the parent, sysctls
# of fresh IPC, UTS and network namespaces, a network namespace whose lo
# goes down, up, renamed and below the IPv4 and IPv6 MTUs, with routes of
# several types, rules, input route lookups, TCP with Reno, ICMP and UDP
# errors, chown of a socket, and a pty session through telnetd with
# termios, window size and job control. It runs as root in the
# initramfs, in its own directory; commands that may fail in the small
# guest end in "|| true". Terminals are only opened by child processes:
# the workload shell is a session leader without a controlling terminal.
# Nothing here writes to /dev/vda (the trace disk) or its sysfs files,
# writes to tracefs, or reads the ring buffer.
set -e
W=$PWD/v6
mkdir -p "$W"
cd "$W"
mkdir -p hp rf bp tm dbg cg x/a/b x/c

# Other processes' /proc files: init (ftguest, a Go program: threads,
# and its descriptors of every kind), kthreadd and a kworker (no mm),
# a zombie, and this shell's own entries through stat and statfs.
cat /proc/1/status /proc/1/stat /proc/1/statm /proc/1/limits /proc/1/cgroup /proc/1/io /proc/1/sched /proc/1/environ > /dev/null 2>&1 || true
cat /proc/1/maps /proc/1/mountinfo /proc/1/fdinfo/* /proc/1/task/*/stat /proc/1/task/*/status /proc/1/task/*/sched > /dev/null 2>&1 || true
cat /proc/1/task/*/wchan /proc/1/task/*/stack /proc/1/task/*/syscall /proc/1/task/*/comm /proc/1/task/*/children > /dev/null 2>&1 || true
ls -l /proc/1/fd/ /proc/1/task/ /proc/1/ns/ /proc/1/map_files/ > /dev/null 2>&1 || true
readlink /proc/1/exe /proc/1/cwd /proc/1/root /proc/1/ns/net /proc/1/ns/mnt > /dev/null 2>&1 || true
cat /proc/2/status /proc/2/stat /proc/2/stack /proc/2/wchan /proc/2/sched /proc/2/cmdline /proc/2/environ /proc/2/maps /proc/2/io > /dev/null 2>&1 || true
cat /proc/2/limits /proc/2/cgroup /proc/2/statm /proc/2/smaps /proc/2/mountinfo /proc/2/syscall > /dev/null 2>&1 || true
ls -l /proc/2/fd/ /proc/2/ns/ > /dev/null 2>&1 || true
for p in $(grep -l kworker /proc/[0-9]*/comm 2> /dev/null | head -n 2 | cut -d/ -f3 || true); do
	cat /proc/$p/stack /proc/$p/sched /proc/$p/stat /proc/$p/status > /dev/null 2>&1 || true
done
sh -c 'sleep 0 & echo $! > zpid; exec sleep 3' &
z=$!
usleep 500000 || true
if zp=$(cat zpid 2> /dev/null); then
	cat /proc/$zp/status /proc/$zp/stat /proc/$zp/statm /proc/$zp/maps /proc/$zp/cmdline /proc/$zp/environ > /dev/null 2>&1 || true
	cat /proc/$zp/wchan /proc/$zp/stack /proc/$zp/io /proc/$zp/sched /proc/$zp/limits /proc/$zp/smaps_rollup > /dev/null 2>&1 || true
	ls -l /proc/$zp/fd/ /proc/$zp/ns/ /proc/$zp/task/ > /dev/null 2>&1 || true
	readlink /proc/$zp/exe /proc/$zp/cwd > /dev/null 2>&1 || true
	kill -0 "$zp" 2> /dev/null || true
fi
wait $z || true
stat /proc/self /proc/self/task/$$ /proc/self/ns/net /proc/self/ns/user /proc/sys/kernel/hostname /proc/sys/net /proc/net /proc/1/fd/0 > /dev/null 2>&1 || true
stat -L /proc/self/ns/net /proc/self/ns/pid /proc/self/exe /sys/kernel/notes /sys/kernel/mm > /dev/null 2>&1 || true
echo | stat -L /proc/self/fd/0 > /dev/null 2>&1 || true
echo | stat -f /proc/self/fd/0 > /dev/null 2>&1 || true
stat -f /proc/self/ns/net /proc/self/ns/mnt /sys/kernel /sys/fs/cgroup /dev/pts /dev/mqueue /dev/shm > /dev/null 2>&1 || true
ls -la /proc/self/attr/ /proc/self/net/ /proc/sys/fs/ /proc/sys/net/ipv4/conf/ /proc/bus/ /proc/fs/ > /dev/null 2>&1 || true
(
	times
	umask 077
	umask
	ulimit -a
	cd -P /proc/self/cwd && pwd -P
) > /dev/null 2>&1 || true

# setattr on pseudo files: mode, owner and times of sysfs, proc and
# sysctl entries and a device node, each given its mode back.
for f in /sys/kernel/uevent_helper /sys/class/net/lo/mtu /sys/kernel/mm/transparent_hugepage/enabled /proc/meminfo /proc/net/dev \
	/proc/sys/kernel/hostname /proc/$$/comm /proc/$$/attr/current /dev/null; do
	m=$(stat -c %a "$f" 2> /dev/null) || continue
	chmod 600 "$f" 2> /dev/null || true
	chmod "$m" "$f" 2> /dev/null || true
	chown 0:0 "$f" 2> /dev/null || true
	touch -c "$f" 2> /dev/null || true
	touch -c -a -d '2025-01-02 03:04:05' "$f" 2> /dev/null || true
done

# sysfs: uevent files read (each bus and class renders its own) and
# written with synthetic "change" events, workqueue and slab attributes
# rewritten, PCI slots, machine check banks, other /sys/kernel files.
cat /sys/bus/*/devices/*/uevent /sys/class/*/*/uevent /sys/devices/system/*/*/uevent > /dev/null 2>&1 || true
cat /sys/devices/virtual/*/*/uevent /sys/devices/platform/*/uevent /sys/devices/pnp0/*/uevent /sys/devices/LNXSYSTM:00/*/uevent > /dev/null 2>&1 || true
cat /sys/devices/pci0000:00/*/power/* /sys/devices/platform/*/power/* /sys/devices/system/cpu/cpu0/power/* > /dev/null 2>&1 || true
for u in /sys/class/tty/ttyS1/uevent /sys/class/net/lo/uevent /sys/class/rtc/rtc0/uevent /sys/class/mem/zero/uevent \
	/sys/devices/system/cpu/cpu0/uevent /sys/devices/system/memory/memory0/uevent /sys/module/nf_tables/uevent \
	/sys/bus/platform/devices/serial8250/uevent /sys/class/input/input0/uevent /sys/devices/virtual/workqueue/writeback/uevent; do
	echo "change 6d3e2a4c-0b1f-4c6e-9d2a-6b0c5e7f8a91 K6=1" > $u 2> /dev/null || true
done
echo change > /sys/class/tty/ttyS1/uevent 2> /dev/null || true
cat /sys/devices/virtual/workqueue/cpumask /sys/devices/virtual/workqueue/*/* > /dev/null 2>&1 || true
q=/sys/devices/virtual/workqueue
for f in $q/cpumask $q/writeback/cpumask $q/writeback/numa $q/writeback/max_active $q/writeback/nice; do
	v=$(cat $f 2> /dev/null) && echo "$v" > $f 2> /dev/null || true
done
if v=$(cat $q/writeback/nice 2> /dev/null); then
	echo 5 > $q/writeback/nice && echo "$v" > $q/writeback/nice || true
fi
for c in task_struct mm_struct sighand_cache files_cache; do
	s=/sys/kernel/slab/$c
	test -d $s || continue
	cat $s/ctor $s/red_zone $s/poison $s/store_user $s/sanity_checks $s/trace $s/min_partial $s/cpu_partial $s/objs_per_slab > /dev/null 2>&1 || true
	cat $s/object_size $s/slab_size $s/total_objects $s/slabs_cpu_partial $s/usersize $s/hwcache_align $s/reclaim_account > /dev/null 2>&1 || true
	cat $s/destroy_by_rcu $s/align $s/cache_dma $s/remote_node_defrag_ratio $s/objects_partial $s/failslab > /dev/null 2>&1 || true
	for a in min_partial cpu_partial remote_node_defrag_ratio; do
		v=$(cat $s/$a 2> /dev/null) && echo "$v" > $s/$a 2> /dev/null || true
	done
	echo 1 > $s/shrink 2> /dev/null || true
	echo 1 > $s/validate 2> /dev/null || true
done
cat /sys/bus/pci/slots/*/address /sys/bus/pci/slots/*/power /sys/bus/pci/slots/*/adapter /sys/bus/pci/slots/*/attention > /dev/null 2>&1 || true
cat /sys/bus/pci/slots/*/latch /sys/bus/pci/slots/*/cur_bus_speed /sys/bus/pci/slots/*/max_bus_speed > /dev/null 2>&1 || true
echo 1 > /sys/bus/pci/rescan 2> /dev/null || true
cat /sys/devices/system/machinecheck/machinecheck0/* > /dev/null 2>&1 || true
cat /sys/devices/system/cpu/hotplug/states /sys/devices/system/cpu/cpu0/hotplug/* /sys/devices/system/cpu/modalias > /dev/null 2>&1 || true
cat /sys/devices/system/clocksource/clocksource0/available_clocksource > /dev/null 2>&1 || true
v=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2> /dev/null) && echo "$v" > /sys/devices/system/clocksource/clocksource0/current_clocksource || true
echo 1 > /sys/devices/system/node/node0/compact 2> /dev/null || true
cat /sys/kernel/boot_params/* /sys/kernel/boot_params/setup_data/*/* /sys/kernel/cgroup/* /sys/kernel/reboot/* > /dev/null 2>&1 || true
cat /sys/kernel/mm/swap/* /sys/kernel/mm/memory_tiering/* /sys/kernel/software_nodes/*/* /sys/kernel/vmcoreinfo /sys/kernel/fscaps > /dev/null 2>&1 || true
cat /sys/devices/virtual/tty/ptmx/* /sys/devices/virtual/tty/console/* /sys/devices/virtual/tty/tty/* /sys/devices/virtual/misc/*/dev > /dev/null 2>&1 || true
v=$(cat /sys/kernel/mm/swap/vma_ra_enabled 2> /dev/null) && echo "$v" > /sys/kernel/mm/swap/vma_ra_enabled || true
for f in printk/parameters/time printk/parameters/ignore_loglevel block/parameters/events_dfl_poll_msecs \
	rcupdate/parameters/rcu_cpu_stall_timeout rcupdate/parameters/rcu_cpu_stall_suppress kernel/parameters/panic \
	kernel/parameters/pause_on_oops module/parameters/sig_enforce workqueue/parameters/debug_force_rr_cpu \
	page_reporting/parameters/page_reporting_order vt/parameters/cur_default; do
	v=$(cat /sys/module/$f 2> /dev/null) && printf '%s' "$v" > /sys/module/$f 2> /dev/null || true
done
rmmod libcrc32c > /dev/null 2>&1 || true
for k in h j s n r l; do
	echo $k > /proc/sysrq-trigger 2> /dev/null || true
done

# hugetlbfs with real huge pages (one more per node, given back), ramfs,
# bpffs and tmpfs with NUMA policies: links, renames and moves across
# them, fallocate, truncate, sendfile in and out, syncfs and fsync.
n=/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages
if h=$(cat $n 2> /dev/null); then
	echo $((h + 2)) > $n || true
	if mount -t hugetlbfs -o pagesize=2M,size=4M,min_size=2M,nr_inodes=8,mode=1770 k6 hp 2> /dev/null || mount -t hugetlbfs k6 hp 2> /dev/null; then
		fallocate -l 2097152 hp/a || true
		truncate -s 4194304 hp/b || true
		fallocate -o 2097152 -l 2097152 hp/b 2> /dev/null || true
		head -c 8192 hp/a | od > /dev/null || true
		cat hp/b > /dev/null || true
		ln hp/a hp/c || true
		mkdir hp/d && mv hp/c hp/d/e || true
		ln -s a hp/s && readlink hp/s > /dev/null || true
		mknod hp/p p || true
		chmod 600 hp/a && chown 1:1 hp/a && touch hp/a || true
		stat -f hp > /dev/null && sync -f hp/a && sync hp/a || true
		truncate -s 1048576 hp/b 2> /dev/null || true
		truncate -s 0 hp/a || true
		rm -r hp/a hp/b hp/d hp/s hp/p || true
		mount -o remount,size=2M hp 2> /dev/null || true
		umount hp || umount -l hp || true
	fi
	echo "$h" > $n || true
fi
printf '#!/bin/sh\necho "$0" > /dev/null\n' > s.sh
chmod +x s.sh
dd if=/dev/urandom of=r.bin bs=4k count=8 2> /dev/null || true
if mount -t ramfs -o mode=755 k6 rf; then
	cp s.sh rf/s.sh && rf/s.sh || true
	cat r.bin > rf/r.bin || true
	cp -p r.bin rf/p.bin || true
	mkdir -p rf/d1/sub rf/d2 rf/d3
	ln rf/r.bin rf/d1/hard && ln -s ../r.bin rf/d1/soft || true
	mv rf/d1/hard rf/d2/moved && mv rf/d2 rf/d3/ || true
	mv -T rf/d3/d2 rf/d1/sub 2> /dev/null || true
	mv rf/d1 rf/d1/sub/x 2> /dev/null || true
	rmdir rf/d1 2> /dev/null || true
	fallocate -l 8192 rf/r.bin 2> /dev/null || true
	truncate -s 100 rf/p.bin && truncate -s 20000 rf/p.bin || true
	mknod rf/c c 1 3 && echo x > rf/c || true
	chmod 1777 rf/d3 && chown -h 1:1 rf/d1/soft && touch -h -d '2024-02-03 04:05:06' rf/d1/soft || true
	mv r.bin rf/moved.bin && mv rf/moved.bin r.bin || true
	cp -a x rf/ && mv rf/x tm.x || true
	sync -f rf/r.bin && sync -d rf/r.bin || true
	stat -f rf > /dev/null || true
	rm -r rf/* || true
	umount rf || umount -l rf || true
fi
if mount -t bpf -o mode=700 k6 bp 2> /dev/null; then
	mkdir bp/d && ln -s /nowhere bp/l && mv bp/d bp/e || true
	chmod 755 bp/e && chown 1:1 bp/e && touch -c bp/e || true
	touch bp/f 2> /dev/null || true
	mknod bp/p p 2> /dev/null || true
	ls -la bp > /dev/null && stat -f bp > /dev/null && sync -f bp || true
	rm bp/l && rmdir bp/e || true
	umount bp || umount -l bp || true
fi
if mount -t tmpfs -o size=1m,nr_inodes=32,mpol=local,inode64,huge=advise k6 tm 2> /dev/null || mount -t tmpfs -o size=1m k6 tm; then
	mount -o remount,mpol=interleave:0 tm 2> /dev/null || true
	cat r.bin > tm/i.bin || true
	mount -o remount,mpol=bind:0 tm 2> /dev/null || true
	cat r.bin > tm/b.bin || true
	mount -o remount,mpol=prefer:0,size=50% tm 2> /dev/null || true
	cat tm/i.bin tm/b.bin > /dev/null || true
	mkdir -p tm/p/q tm/e
	mv tm/p/q tm/e/ && mv -T tm/e/q tm/p/q 2> /dev/null || true
	mv tm/b.bin tm/i.bin || true
	mv tm/p "$W/x/c/" 2> /dev/null || true
	mount -o remount,bind,nosuid,nodev,noexec tm 2> /dev/null || true
	cp s.sh tm/s.sh && tm/s.sh 2> /dev/null || true
	mount -o remount,bind,exec tm 2> /dev/null || true
	umount -f tm 2> /dev/null || umount tm || umount -l tm || true
fi
mv x/c x/a/b/ && mv x/a x/d || true
mv x/d x/d/b/c 2> /dev/null || true
touch -a -t 202001020304 x/d && touch -m -r s.sh x/d || true
ln x/d x/e 2> /dev/null || true
echo fifo > ff.txt
echo | sync /proc/self/fd/0 2> /dev/null || true
sync /dev/null /proc/self/status /sys/kernel/uevent_seqnum /proc/sys/kernel/hostname 2> /dev/null || true
sync -d /dev/zero ff.txt 2> /dev/null || true
sync -f /proc/self/status /sys/kernel/uevent_seqnum /dev/null /proc/self/ns/net 2> /dev/null || true

# sendfile (busybox cat) into pipes, random, /dev/null and files, and out
# of /proc and /dev files; random written; reads of hpet and rtc that
# wait for interrupts never enabled.
cat /dev/urandom | head -c 20000 | wc -c > /dev/null || true
cat /dev/zero | head -c 70000 > /dev/null || true
cat ff.txt | cat | cat > /dev/null
cat /proc/self/maps > maps.txt || true
cat s.sh > /dev/urandom 2> /dev/null || true
echo k6 > /dev/random 2> /dev/null || true
cat /proc/self/status | tee t1.txt t2.txt > /dev/null
timeout 2 head -c 8 /dev/hpet > /dev/null 2>&1 || true
timeout 2 od -N 8 /dev/rtc0 > /dev/null 2>&1 || true
mknod tun c 10 200 && (: < tun) 2> /dev/null || true
mknod fuse c 10 229 && (: < fuse) 2> /dev/null || true
mknod ch99 c 99 0 && (: < ch99) 2> /dev/null || true
mknod ram0 b 1 0 && (: < ram0) 2> /dev/null || true
rm -f tun fuse ch99 ram0

# exec: a bad ELF header (ENOEXEC), a missing interpreter, a chain of
# interpreters too deep, a directory, and argument lists of about 100 KB.
printf '\177ELF\002\001\001\000' > badelf
printf '#!/nonexistent/k6\n' > noint
for i in 1 2 3 4 5 6; do printf '#!%s/l%s\n' "$W" $((i % 6 + 1)) > l$i; done
chmod +x badelf noint l1 l2 l3 l4 l5 l6
(./badelf) > /dev/null 2>&1 || true
(./noint) > /dev/null 2>&1 || true
(./l1) > /dev/null 2>&1 || true
(./x) > /dev/null 2>&1 || true
seq 1 25000 | xargs sh -c 'echo $# > /dev/null' k6 || true
env K6="$(seq 1 3000 | tr '\n' ,)" true || true
cp /bin/busybox sbb && chmod 4755 sbb || true
nsenter -S 1006 -G 1006 ./sbb id -u > /dev/null 2>&1 || true
setpriv --nnp ./sbb id -u > /dev/null 2>&1 || true
rm -f sbb

# Namespaces: user namespace maps written by the parent (setgroups,
# uid, gid and projid), then setns into it; the per-namespace sysctls of
# new IPC and UTS namespaces, and a mqueue mount in the IPC one.
unshare -U sleep 5 &
p=$!
usleep 300000 || true
echo deny > /proc/$p/setgroups 2> /dev/null || true
echo '0 0 1' > /proc/$p/uid_map 2> /dev/null || true
echo '0 0 1' > /proc/$p/gid_map 2> /dev/null || true
echo '0 0 1' > /proc/$p/projid_map 2> /dev/null || true
cat /proc/$p/uid_map /proc/$p/gid_map /proc/$p/projid_map /proc/$p/setgroups > /dev/null 2>&1 || true
nsenter -t $p -U cat /proc/self/status > /dev/null 2>&1 || true
kill $p 2> /dev/null || true
wait $p || true
mkdir -p mq
unshare -i sh -c 'echo 20 > /proc/sys/fs/mqueue/msg_max; echo 4096 > /proc/sys/kernel/msgmax; echo "250 32000 32 64" > /proc/sys/kernel/sem
	echo 1 > /proc/sys/kernel/shm_rmid_forced; cat /proc/sys/fs/mqueue/* /proc/sys/kernel/msgmni /proc/sysvipc/* > /dev/null
	mount -t mqueue k6 mq && touch mq/q1 && chmod 600 mq/q1 && chown 1:1 mq/q1 && cat mq/q1 > /dev/null && ls -l mq > /dev/null
	stat -f mq > /dev/null; rm mq/q1; umount mq' > /dev/null 2>&1 || true
unshare -u sh -c 'echo k6host > /proc/sys/kernel/hostname; echo k6dom > /proc/sys/kernel/domainname; hostname; dnsdomainname; uname -n' > /dev/null 2>&1 || true
if mount -t debugfs k6 dbg 2> /dev/null; then
	for f in dbg/fault_around_bytes dbg/sched/verbose; do
		m=$(stat -c %a $f 2> /dev/null) && chmod 600 $f && chmod "$m" $f && chown 0:0 $f && touch -c $f || true
	done
	stat -f dbg > /dev/null && sync -f dbg/sched || true
	umount dbg || umount -l dbg || true
fi
if mount -t cgroup2 k6 cg 2> /dev/null; then
	if mkdir cg/k6 2> /dev/null; then
		chmod 700 cg/k6 && chown 1:1 cg/k6/cgroup.procs cg/k6/cgroup.subtree_control && touch -c cg/k6/cgroup.procs || true
		mv cg/k6 cg/k6b 2> /dev/null || true
		stat -f cg > /dev/null && sync -f cg/cgroup.stat && sync cg/cgroup.stat || true
		ls -la cg/k6 cg/k6b > /dev/null 2>&1 || true
		rmdir cg/k6b 2> /dev/null || rmdir cg/k6 || true
	fi
	umount cg || umount -l cg || true
fi

# A pty through telnetd: the login script's stty sets termios, the window
# size and raw reads on the slave, opens /dev/tty, reads the fdinfo of
# its terminal, and with job control stops a background write (tostop).
pm=
if test -c /dev/ptmx && ! grep -q ' /dev/pts ' /proc/mounts; then
	mkdir -p /dev/pts && mount -t devpts -o gid=5,mode=620,ptmxmode=0666 devpts /dev/pts && pm=1 || true
fi
printf '#!/bin/sh\nexec 2> /dev/null\nstty -a > /dev/null\nstty rows 30 cols 90\nstty size > /dev/null\nstty -echo -icanon min 0 time 5\ndd bs=1 count=4 > /dev/null\nstty raw\nstty sane\nstty -F /dev/tty -g > /dev/null\ntty > /dev/null\necho k6 > /dev/tty\ncat /proc/self/fdinfo/0 > /dev/null\nls -l /proc/self/fd/ > /dev/null\nstty tostop\nset -m\n(echo bg > /dev/tty) &\np=$!\nusleep 300000\nkill -CONT $p\nkill -9 $p\nwait $p\nkill -WINCH $$\nexit 0\n' > login.sh
chmod +x login.sh
telnetd -F -b 127.0.0.1:2326 -l "$W/login.sh" > /dev/null 2>&1 &
s=$!
usleep 300000 || true
(printf 'k6 line\r\nmore\r\n'; usleep 5000000) | timeout 8 telnet 127.0.0.1 2326 > /dev/null 2>&1 || true
kill $s 2> /dev/null || true
wait $s || true
test -z "$pm" || umount /dev/pts || umount -l /dev/pts || true

# Sockets in this namespace: TCP and UDP errors (RST on IPv4 and IPv6,
# ICMP port unreachable), a listening socket's owner changed through
# /proc/PID/fd, and data sent into TCP with unread data closing.
timeout 3 nc 127.0.0.1 9 < /dev/null > /dev/null 2>&1 || true
timeout 3 nc ::1 9 < /dev/null > /dev/null 2>&1 || true
timeout 3 nslookup k6.invalid 127.0.0.1 > /dev/null 2>&1 || true
nc -l -p 9606 -e true > /dev/null 2>&1 &
s=$!
usleep 300000 || true
for fd in /proc/$s/fd/*; do
	test -S "$fd" || continue
	stat -L "$fd" > /dev/null 2>&1 || true
	chown 1:1 "$fd" 2> /dev/null || true
	touch -c "$fd" 2> /dev/null || true
done
head -c 50000 /dev/zero | timeout 3 nc 127.0.0.1 9606 > /dev/null 2>&1 || true
kill $s 2> /dev/null || true
wait $s || true

# A fresh network namespace: lo brought up, addresses with peers,
# broadcast and anycast, routes of several types and tables, rules, route
# lookups as input, per-namespace sysctls changed (forwarding,
# disable_ipv6, Reno, fast open), ping and TCP inside, lo below the IPv6
# and the IPv4 minimum MTU, down, renamed and up again.
cat > ns.sh <<'NS'
ip link set lo up
ip addr add 10.6.9.1 peer 10.6.9.2 dev lo
ip addr add 10.6.8.1/24 broadcast 10.6.8.255 anycast 10.6.8.0 dev lo label lo:6
ip -6 addr add 2001:db8:6::1/64 dev lo
ip route add 10.6.0.0/16 via 10.6.9.2
ip route add local 10.6.1.0/24 dev lo table 66
ip route add throw 10.6.2.0/24 table 66
ip route add broadcast 10.6.3.255 dev lo table 66
ip route add 10.6.4.0/24 dev lo src 10.6.8.1 table 66
ip route add 10.6.5.0/24 dev lo metric 9 table 66
ip route change 10.6.5.0/24 dev lo metric 9 table 66 mtu 1400
ip -6 route add 2001:db8:66::/64 dev lo metric 66
ip -6 route add 2001:db8:67::/64 dev lo table 67
ip rule add to 10.6.0.0/16 table 66 pref 660
ip rule add iif lo fwmark 0x6/0xff table 66 pref 665
ip rule add from 10.9.0.0/16 nat 10.10.0.0 pref 666
ip rule add from 10.9.0.0/16 realms 3/4 table 66 pref 667
ip -6 rule add to 2001:db8:67::/48 table 67 pref 670
ip route get 10.6.1.5
ip route get 10.6.2.1
ip route get 10.6.4.5 from 10.6.8.7 iif lo
ip route get 10.6.1.5 from 10.9.1.1 iif lo
ip -6 route get 2001:db8:67::1
ip route show table 66
ip route show table all
ip -6 route show table all
ip rule
ip -6 rule
ip neigh show nud all
ip -s -s link show lo
ip -o addr
echo 1 > /proc/sys/net/ipv4/ip_forward
echo 1 > /proc/sys/net/ipv4/conf/all/forwarding
echo 1 > /proc/sys/net/ipv6/conf/all/forwarding
echo 2 > /proc/sys/net/ipv4/conf/lo/rp_filter
echo 1 > /proc/sys/net/ipv4/conf/lo/accept_local
echo 1 > /proc/sys/net/ipv4/conf/lo/route_localnet
echo 1 > /proc/sys/net/ipv4/conf/all/proxy_arp
echo 1 > /proc/sys/net/ipv4/fib_multipath_hash_policy
echo "0 2147483647" > /proc/sys/net/ipv4/ping_group_range
echo reno > /proc/sys/net/ipv4/tcp_congestion_control
echo 3 > /proc/sys/net/ipv4/tcp_fastopen
echo 64 > /proc/sys/net/core/somaxconn
echo 1 > /proc/sys/net/ipv6/conf/lo/seg6_enabled
ping -c 1 -W 1 10.6.9.1
ping -c 1 -W 1 10.6.1.5
ping6 -c 1 -W 1 2001:db8:6::1
nc -l -p 9607 -e cat &
s=$!
i=0
until echo over reno | timeout 3 nc 10.6.8.1 9607; do
	i=$((i + 1))
	test $i -lt 10 || break
	usleep 200000
done
kill $s
wait $s
timeout 3 nslookup k6.invalid 10.6.8.1
timeout 3 nc 2001:db8:6::1 9 < /dev/null
cat /proc/net/dev /proc/net/route /proc/net/fib_trie /proc/net/fib_triestat /proc/net/ipv6_route /proc/net/if_inet6 /proc/net/tcp /proc/net/snmp
echo 1 > /proc/sys/net/ipv6/conf/lo/disable_ipv6
ip -6 addr
echo 0 > /proc/sys/net/ipv6/conf/lo/disable_ipv6
echo 0 > /proc/sys/net/ipv4/conf/all/forwarding
echo 0 > /proc/sys/net/ipv6/conf/all/forwarding
echo cubic > /proc/sys/net/ipv4/tcp_congestion_control
ifconfig lo:7 10.6.7.1 netmask 255.255.255.0 up
ifconfig lo:7 down
ip link set lo mtu 1200
ip -6 addr
ip link set lo mtu 60
ip -4 addr
ip link set lo mtu 65536
ip link set lo arp off
ip link set lo arp on
ip link set lo multicast on
ip link set lo promisc on
ip link set lo promisc off
ip link set lo qlen 10
ip link set lo down
ip link set lo name k6lo
ip link show
ip link set k6lo name lo
ip link set lo up
ip addr
ip addr flush dev lo to 10.6.0.0/16
ip route flush table 66
ip rule del pref 660
ip rule del pref 665
ip -6 rule del pref 670
netstat -anetuwx
exit 0
NS
timeout 180 unshare -n sh ns.sh > /dev/null 2>&1 || true

# Leave nothing mounted under the directory before it is removed (rm -r
# would cross into a mount).
cd /
for i in 1 2 3; do
	for mp in $(grep " $W/" /proc/mounts | cut -d' ' -f2 | sort -r || true); do
		umount -l "$mp" 2> /dev/null || true
	done
done
if grep -q " $W/" /proc/mounts; then
	echo "check6: mounts left under $W" >&2
else
	rm -r "$W" || true
fi
