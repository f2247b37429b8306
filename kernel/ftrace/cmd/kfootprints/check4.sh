# The "check4" workload of kfootprints: a fifth busybox session, written
# on 2026-12-05 after analysis Version 20, before it was ever run, and run
# once (scripts/kernel-footprints-check.sh check4, kernel/analysis
# TestRealRecallCheck4): other /proc and /sys files and a few rewritten
# sysctls, device nodes, sparse and direct I/O, links and renames, many
# file system types mounted and moved, loop and swap files, namespaces and
# pivot_root, signals and limits, SysV shared memory through syslogd, a pty
# through telnetd, TCP over ::1, UDP, raw, packet and uevent sockets, DHCP
# and route changes on lo. Commands that may fail in the small guest end
# in "|| true".
set -e
mkdir -p q/m1 q/m2 q/m3 q/sp q/pt q/x q/r/bin q/r/old
cd q
cat /proc/self/smaps_rollup /proc/self/statm /proc/self/auxv /proc/self/personality /proc/self/numa_maps > /dev/null 2>&1 || true
cat /proc/self/syscall /proc/self/stack /proc/self/timerslack_ns /proc/self/coredump_filter /proc/self/cpuset > /dev/null 2>&1 || true
cat /proc/self/uid_map /proc/self/setgroups /proc/self/attr/current /proc/self/fdinfo/* /proc/1/cmdline /proc/1/smaps > /dev/null 2>&1 || true
ls -l /proc/self/map_files /proc/self/task /proc/self/exe /proc/self/cwd > /dev/null 2>&1 || true
cat /proc/iomem /proc/ioports /proc/locks /proc/crypto /proc/diskstats /proc/swaps /proc/cmdline /proc/cgroups > /dev/null 2>&1 || true
cat /proc/softirqs /proc/schedstat /proc/timer_list /proc/pagetypeinfo /proc/vmallocinfo /proc/keys /proc/key-users > /dev/null 2>&1 || true
cat /proc/sysvipc/* /proc/pressure/* /proc/execdomains /proc/tty/drivers /proc/tty/ldiscs /proc/bus/input/devices > /dev/null 2>&1 || true
cat /proc/net/snmp /proc/net/snmp6 /proc/net/sockstat* /proc/net/netstat /proc/net/protocols /proc/net/packet /proc/net/netlink > /dev/null 2>&1 || true
cat /proc/net/raw* /proc/net/udp6 /proc/net/tcp6 /proc/net/if_inet6 /proc/net/ipv6_route /proc/net/igmp* /proc/net/ptype /proc/net/softnet_stat /proc/net/fib_trie* > /dev/null 2>&1 || true
cat /proc/sys/fs/inotify/* /proc/sys/fs/epoll/* /proc/sys/fs/mqueue/* /proc/sys/kernel/keys/* /proc/sys/kernel/random/* /proc/sys/user/* > /dev/null 2>&1 || true
cat /proc/sys/net/unix/* /proc/sys/net/ipv6/conf/lo/* /proc/sys/net/ipv4/neigh/lo/* /proc/sys/net/netfilter/* > /dev/null 2>&1 || true
head -n 3 /proc/kallsyms > /dev/null 2>&1 || true
dd if=/proc/self/pagemap bs=8 count=16 skip=16 2> /dev/null | od -A x -t x8 > /dev/null || true
dd if=/proc/kpageflags bs=8 count=64 2> /dev/null | od > /dev/null || true
cat /sys/kernel/* /sys/kernel/mm/hugepages/*/* /sys/kernel/mm/transparent_hugepage/khugepaged/* > /dev/null 2>&1 || true
cat /sys/class/net/lo/* /sys/class/net/lo/statistics/* /sys/class/net/lo/queues/*/* > /dev/null 2>&1 || true
cat /sys/class/mem/*/dev /sys/class/tty/*/dev /sys/class/misc/*/dev /sys/class/rtc/*/time /sys/class/dmi/id/* > /dev/null 2>&1 || true
cat /sys/devices/system/cpu/cpu0/topology/* /sys/devices/system/cpu/cpu0/cache/index*/* /sys/devices/system/cpu/vulnerabilities/* > /dev/null 2>&1 || true
cat /sys/devices/system/clocksource/*/* /sys/devices/system/node/node0/* /sys/devices/system/memory/block_size_bytes > /dev/null 2>&1 || true
cat /sys/power/state /sys/power/mem_sleep /sys/module/nf_tables/* /sys/bus/virtio/devices/*/* /sys/bus/*/drivers_autoprobe > /dev/null 2>&1 || true
cat /sys/bus/pci/devices/*/config 2> /dev/null | od > /dev/null || true
ls -lR /sys/dev /sys/fs /sys/firmware > /dev/null 2>&1 || true
for f in kernel/printk_ratelimit vm/dirty_background_ratio fs/pipe-max-size net/core/somaxconn net/ipv4/ip_local_port_range net/ipv6/conf/lo/hop_limit net/unix/max_dgram_qlen; do
	v=$(cat /proc/sys/$f 2> /dev/null) && echo "$v" > /proc/sys/$f || true
done
v=$(cat /sys/class/net/lo/tx_queue_len) && echo "$v" > /sys/class/net/lo/tx_queue_len || true
echo 1 > /proc/sys/vm/compact_memory || true
(set +e; echo 300 > /proc/self/oom_score_adj; echo k4sub > /proc/self/comm; echo 0x33 > /proc/self/coredump_filter; echo 1 > /proc/self/clear_refs; cat /proc/self/oom_adj) > /dev/null 2>&1 || true
mknod nul c 1 3; mknod zer c 1 5; mknod ful c 1 7; mknod rnd c 1 9; mknod kms c 1 11; mknod -m 600 lp0 b 7 0
dd if=zer of=nul bs=1M count=2 2> /dev/null || true
dd if=rnd of=rand.bin bs=3k count=3 2> /dev/null || dd if=/dev/urandom of=rand.bin bs=3k count=3 2> /dev/null
echo x > ful 2> /dev/null || true
echo "<5>kfootprints check4" > kms || true
timeout 2 head -n 1 kms > /dev/null || true
dd if=lp0 of=/dev/null bs=512 count=1 2> /dev/null || true
dd if=rand.bin of=sparse bs=4k seek=256 2> /dev/null
dd if=rand.bin of=swab.bin bs=1k count=5 conv=sync,swab 2> /dev/null
dd if=rand.bin of=part.bin ibs=512 obs=100 skip=100 count=700 iflag=skip_bytes,count_bytes 2> /dev/null
dd if=rand.bin of=part.bin bs=1k oflag=append conv=notrunc 2> /dev/null
dd if=rand.bin of=direct.bin bs=4k oflag=direct 2> /dev/null || true
truncate -s 1G sparse && du -k sparse > /dev/null && truncate -s 100 sparse
(ulimit -f 1; dd if=/dev/zero of=xfsz bs=4k count=2) > /dev/null 2>&1 || true
(ulimit -n 20; ulimit -c 0; ls -l /proc/self/fd) > /dev/null 2>&1 || true
mkfifo -m 600 ff
(exec 3<> ff; echo rdwr >&3; read -r l <&3; test "$l" = rdwr) || true
yes k4 | head -c 100000 | wc -c > /dev/null
echo one > a; echo two > b; ln a hard; link a hard2; ln -s a soft; ln -sfn b soft
mv -f a b && ln -f b hard && unlink hard2
mkdir d1 d2; echo in > d1/f; mv -T d1 d2
cp -a b soft d2 x/; cp -l b x/bl; cp -s "$PWD/b" x/bs
chown -h 1:1 soft; chmod 4755 b; chmod 2775 d2; chmod +t x; touch -r rand.bin b; touch -c nosuch
stat -c '%b %B %o %t %T %X %Y %Z %h %N' b soft nul > /dev/null
shred -n 1 -z -u part.bin; sync -d b; sync -f .
find . -xdev -type f -newer rand.bin -exec ls -li {} + > /dev/null 2>&1 || true
find . -type l -print0 | xargs -0 -r -n 1 -P 2 readlink > /dev/null || true
tar -cf t.tar ff nul soft b hard 2> /dev/null || true
mkdir tx && tar -xf t.tar -C tx 2> /dev/null || true
lzop -c rand.bin > r.lzo && lzop -dc r.lzo | cmp - rand.bin || true
find . -name '*.bin' | cpio -o -H newc 2> /dev/null | (cd x && cpio -idmu 2> /dev/null) || true
if mount -t tmpfs -o size=2m,nr_inodes=64,mode=1777 k4 m1; then
	mount -o remount,size=4m m1 || true
	dd if=/dev/zero of=m1/big bs=1k count=3000 2> /dev/null || true
	mount -o bind m1 m2 || true
	mount -o remount,bind,ro m2 || true
	touch m2/ro 2> /dev/null || true
	mount --make-private m2 || true
	mount -o move m2 m3 || true
	fstrim m1 2> /dev/null || true
	timeout 2 fsfreeze --freeze m1 2> /dev/null && fsfreeze --unfreeze m1 || true
	mv m1/big big.moved || true
	df -i -T m1 m3 > /dev/null 2>&1 || true
	umount m3 2> /dev/null || true
	umount -l m2 2> /dev/null || true
	umount m1 || umount -l m1
fi
mount -t sysfs k4 sp 2> /dev/null && { ls sp/class > /dev/null || true; umount sp; } || true
mount -t proc -o hidepid=invisible,subset=pid k4 sp 2> /dev/null && { ls sp > /dev/null || true; umount sp; } || true
mount -t devpts -o newinstance,ptmxmode=0666 k4 pt 2> /dev/null && { (exec 4<> pt/ptmx; ls pt) > /dev/null 2>&1 || true; umount pt; } || true
mount -t mqueue k4 sp 2> /dev/null && { touch sp/k4q && cat sp/k4q > /dev/null && rm sp/k4q || true; umount sp; } || true
mount -t bpf k4 sp 2> /dev/null && { ls -la sp > /dev/null || true; umount sp; } || true
mount -t hugetlbfs k4 sp 2> /dev/null && { truncate -s 2M sp/h && rm sp/h || true; umount sp; } || true
mount -t ramfs -o mode=700 k4 sp 2> /dev/null && { mknod sp/c c 1 3 && echo r > sp/c || true; umount sp; } || true
if mount -t cgroup2 k4 sp 2> /dev/null; then
	cat sp/cgroup.controllers sp/cgroup.stat > /dev/null 2>&1 || true
	if mkdir sp/k4 2> /dev/null; then
		sleep 5 &
		p=$!
		echo $p > sp/k4/cgroup.procs 2> /dev/null || true
		echo 1 > sp/k4/cgroup.freeze 2> /dev/null && usleep 100000 && cat sp/k4/cgroup.events /proc/$p/cgroup > /dev/null || true
		echo 0 > sp/k4/cgroup.freeze 2> /dev/null || true
		kill -9 $p || true
		wait $p || true
		usleep 100000 || true
		rmdir sp/k4 || true
	fi
	umount sp || umount -l sp
fi
dd if=/dev/zero of=img bs=1k count=1024 2> /dev/null
mke2fs -q -F -L k4 img > /dev/null 2>&1 || true
if dev=$(losetup -f 2> /dev/null) && losetup -r "$dev" img 2> /dev/null; then
	losetup -a > /dev/null || true
	blockdev --getsize64 "$dev" > /dev/null && blockdev --flushbufs "$dev" || true
	dd if="$dev" of=/dev/null bs=4k iflag=direct 2> /dev/null || true
	mount -t ext2 -o ro "$dev" m1 2> /dev/null && { ls m1 > /dev/null || true; umount m1; } || true
	losetup -d "$dev" || true
fi
findfs LABEL=k4none > /dev/null 2>&1 || true
dd if=/dev/zero of=swp bs=1k count=1024 2> /dev/null; chmod 600 swp
mkswap swp > /dev/null 2>&1 || true
swapon swp 2> /dev/null && { cat /proc/swaps > /dev/null || true; swapoff swp; } || true
cp "$(which busybox)" r/bin/busybox 2> /dev/null || true
chroot r /bin/busybox ls -la / > /dev/null 2>&1 || true
unshare -m --propagation private sh -c 'mount -o bind r r && cd r && pivot_root . old && /bin/busybox umount -l /old' > /dev/null 2>&1 || true
unshare -U -r id -u > /dev/null 2>&1 || true
unshare -i -p -f --mount-proc ps > /dev/null 2>&1 || true
touch utsns
if unshare --uts=utsns hostname k4ns 2> /dev/null; then
	nsenter --uts=utsns sh -c 'uname -n; dnsdomainname; sysctl -w kernel.domainname=k4' > /dev/null 2>&1 || true
	umount utsns || true
fi
nsenter -t $$ -m -u -i -n true || true
sleep 9 &
p=$!
kill -STOP $p && cat /proc/$p/stat /proc/$p/wchan > /dev/null 2>&1 || true
kill -CONT $p || true
kill -ALRM $p || true
wait $p || true
trap 'p=0' USR1
kill -USR1 $$
trap - USR1
timeout -s HUP 1 sleep 3 || true
start-stop-daemon -S -b -m -p ssd.pid -x "$(which busybox)" -- sleep 5 || true
usleep 200000 || true
start-stop-daemon -K -p ssd.pid -s USR2 > /dev/null || true
taskset -c 0 nice -n 10 ionice -c 2 -n 7 linux32 uname -m > /dev/null 2>&1 || true
setpriv -d > /dev/null 2>&1 || true
setpriv --nnp --inh-caps +net_raw --ambient-caps +net_raw grep Cap /proc/self/status > /dev/null 2>&1 || true
adjtimex > /dev/null 2>&1 || true
rdate -p 127.0.0.1 > /dev/null 2>&1 || true
timeout 2 stty -F /dev/ttyS0 -g > /dev/null 2>&1 || true
dumpkmap > /dev/null 2>&1 || true
printf '#!/bin/sh\nexec cat\n' > cat.sh; printf '#!/bin/sh\nexit 0\n' > dh.sh; chmod +x cat.sh dh.sh
printf 'start 127.0.0.100\nend 127.0.0.110\ninterface lo\nlease_file %s/leases\npidfile %s/udhcpd.pid\n' "$PWD" "$PWD" > udhcpd.conf
touch leases
udhcpd -f -a 100 udhcpd.conf > /dev/null 2>&1 &
s=$!
timeout 5 udhcpc -f -q -n -i lo -t 2 -T 1 -s "$PWD/dh.sh" > /dev/null 2>&1 || true
dumpleases -f leases > /dev/null 2>&1 || true
kill $s 2> /dev/null || true
wait $s || true
syslogd -n -C16 -R 127.0.0.1:5514 -L > /dev/null 2>&1 &
s=$!
usleep 300000 || true
logger -t k4 -p local3.notice "check4 line" || true
logread > /dev/null 2>&1 || true
kill $s 2> /dev/null || true
wait $s || true
timeout 2 uevent sh -c 'env > ev.txt' > /dev/null 2>&1 &
s=$!
usleep 300000 || true
echo change > /sys/class/mem/null/uevent 2> /dev/null || true
usleep 300000 || true
kill $s 2> /dev/null || true
wait $s || true
nc -l -p 9404 -e cat > /dev/null 2>&1 &
s=$!
i=0
until echo over ipv6 | timeout 3 nc ::1 9404 > nc6.out 2> /dev/null; do
	i=$((i + 1))
	test $i -lt 20 || break
	usleep 100000
done
kill $s 2> /dev/null || true
wait $s || true
pm=
if test -c /dev/ptmx && ! grep -q ' /dev/pts ' /proc/mounts; then
	mkdir -p /dev/pts && mount -t devpts devpts /dev/pts && pm=1 || true
fi
telnetd -F -b 127.0.0.1:2324 -l "$PWD/cat.sh" > /dev/null 2>&1 &
s=$!
usleep 300000 || true
(printf 'k4 line\r\n'; usleep 500000) | timeout 3 telnet 127.0.0.1 2324 > tel.out 2>&1 || true
kill $s 2> /dev/null || true
wait $s || true
test -z "$pm" || umount /dev/pts || true
ifconfig lo:4 127.0.0.44 netmask 255.0.0.0 up 2> /dev/null && ifconfig lo:4 down || true
route add -host 10.44.0.1 dev lo 2> /dev/null && route del -host 10.44.0.1 dev lo || true
route -A inet6 add 2001:db8:44::/64 dev lo 2> /dev/null && route -A inet6 del 2001:db8:44::/64 dev lo || true
ip -6 addr add 2001:db8:4::1/64 dev lo 2> /dev/null && ip -6 addr del 2001:db8:4::1/64 dev lo || true
ip rule add from 10.44.0.0/16 table 44 pref 444 2> /dev/null && ip rule del pref 444 || true
ip route add 10.45.0.0/16 dev lo table 44 2> /dev/null && ip route del 10.45.0.0/16 dev lo table 44 || true
ip link set lo promisc on 2> /dev/null && ip link set lo promisc off || true
tc qdisc add dev lo root pfifo limit 100 2> /dev/null && tc qdisc del dev lo root || true
tunctl -t k4tap > /dev/null 2>&1 && tunctl -d k4tap > /dev/null || true
brctl addbr k4br 2> /dev/null && brctl delbr k4br || true
arping -c 1 -w 1 -I lo 127.0.0.1 > /dev/null 2>&1 || true
traceroute -n -m 2 -q 1 -w 1 127.0.0.1 > /dev/null 2>&1 || true
traceroute6 -n -m 2 -q 1 -w 1 ::1 > /dev/null 2>&1 || true
timeout 1 nslookup -type=AAAA k4.invalid ::1 > /dev/null 2>&1 || true
timeout 1 tftp -g -r none -l tftp.out 127.0.0.1 6969 > /dev/null 2>&1 || true
cd ..
rm -r q
