# The "check3" workload of kfootprints: a fourth busybox session, written
# on 2026-12-05 (third session) after analysis Version 19, before it was
# ever run, and run once (scripts/kernel-footprints-check.sh check3,
# kernel/analysis TestRealRecallCheck3): the held-out set for the
# resolution rules of Versions 18 and 19. Other /proc and /sys files,
# sockets over loopback with nc, pipes and fifos, file attributes and
# locks, a loop of file system metadata calls, archives, users and
# terminals. Commands that may fail in the small guest end in "|| true".
set -e
mkdir -p k/d/e k/mnt
cd k
cat /proc/self/mountinfo /proc/self/mountstats > /dev/null || true
cat /proc/self/io /proc/self/sched /proc/self/schedstat /proc/self/wchan > /dev/null 2>&1 || true
cat /proc/self/oom_score /proc/self/oom_score_adj /proc/self/loginuid > /dev/null 2>&1 || true
cat /proc/vmstat /proc/zoneinfo /proc/buddyinfo /proc/slabinfo > /dev/null 2>&1 || true
cat /proc/modules /proc/devices /proc/misc /proc/consoles > /dev/null 2>&1 || true
cat /proc/sys/kernel/pid_max /proc/sys/vm/swappiness /proc/sys/fs/file-nr > /dev/null || true
cat /sys/kernel/mm/transparent_hugepage/defrag /sys/kernel/mm/ksm/run > /dev/null 2>&1 || true
cat /sys/devices/system/cpu/possible /sys/devices/system/cpu/present > /dev/null || true
cat /sys/class/net/lo/mtu /sys/class/net/lo/operstate /sys/class/net/lo/address > /dev/null || true
cat /sys/block/*/size /sys/block/*/queue/scheduler > /dev/null 2>&1 || true
cat /sys/module/*/parameters/* > /dev/null 2>&1 || true
ls -l /proc/self/fd /proc/self/ns > fd.txt 2>&1 || true
ls -lR /sys/kernel/mm > /dev/null 2>&1 || true
echo 1 > /proc/sys/vm/drop_caches || true
echo 60 > /proc/sys/vm/swappiness || true
printf 'x%.0s' $(seq 1 300) > big
split -b 100 big part. || true
cat part.* | md5sum > /dev/null
sort -r big > /dev/null
tee copy < big > /dev/null
mkfifo fifo
(cat fifo > fifo.out &)
echo through the fifo > fifo
usleep 200000 || true
echo piped | cat | cat | wc -c > /dev/null
chmod 600 big
chown 0:0 big
touch -d '2020-01-01 00:00:00' big || true
ln -s big sym
readlink sym > /dev/null
stat -c '%s %i %h' big sym > /dev/null
mv copy d/e/moved
find . -name moved > /dev/null
rmdir d/e 2> /dev/null || true
flock big true || true
dd if=big of=dd.out bs=64 count=4 conv=fsync 2> /dev/null || true
sync big || true
fsync big 2> /dev/null || true
nc -l -p 9000 > nc.out 2> /dev/null &
usleep 300000 || true
echo over tcp | nc -w 1 127.0.0.1 9000 > /dev/null 2>&1 || true
wait || true
echo over udp | nc -u -w 1 127.0.0.1 9001 > /dev/null 2>&1 || true
ping6 -c 1 -W 1 ::1 > /dev/null 2>&1 || true
ip -s link show lo > /dev/null || true
ip route get 127.0.0.1 > /dev/null 2>&1 || true
ip addr add 10.9.8.7/24 dev lo 2> /dev/null || true
ip addr del 10.9.8.7/24 dev lo 2> /dev/null || true
ss -tan > /dev/null 2>&1 || true
nameif > /dev/null 2>&1 || true
if mount -t tmpfs -o size=512k,mode=700 none mnt; then
	mkdir mnt/sub
	echo x > mnt/sub/f
	mount -o remount,ro mnt || true
	umount mnt
fi
mount -t proc proc mnt 2> /dev/null && umount mnt || true
tty > /dev/null 2>&1 || true
stty -a > /dev/null 2>&1 || true
who > /dev/null 2>&1 || true
getty --help > /dev/null 2>&1 || true
adduser -D -H kuser 2> /dev/null || true
su kuser -c true 2> /dev/null || true
chpasswd < /dev/null 2> /dev/null || true
xxd big | head -n 1 > /dev/null || true
strings /bin/busybox | head -n 1 > /dev/null
gzip -9 big
zcat big.gz > /dev/null
unxz --help > /dev/null 2>&1 || true
tar -cf a.tar part.aa part.ab || true
tar -tf a.tar > /dev/null || true
usleep 1000
watchdog --help > /dev/null 2>&1 || true
logname > /dev/null 2>&1 || true
cd ..
rm -r k
