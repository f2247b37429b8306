# The "check" workload of kfootprints: a second busybox session, written
# on 2026-12-05 after the static reach rules were tuned on the other
# workloads. Its footprints are held out (scripts/kernel-footprints-check.sh,
# kernel/analysis TestRealRecallCheck): other applets, /proc and /sys
# reads, netlink through ip, a tmpfs mount, namespaces, compression,
# signals and scheduling calls. Commands that may fail in the small guest
# end in "|| true": the trace is what counts.
set -e
mkdir -p h/mnt
cat /proc/version /proc/meminfo /proc/self/status /proc/cpuinfo > h/proc.txt
cat /proc/self/maps /proc/self/mounts /proc/interrupts /proc/stat > /dev/null
ls /sys/kernel /sys/class /sys/devices > h/sys.txt
cat /sys/kernel/mm/transparent_hugepage/enabled > /dev/null || true
uname -a > h/uname
hostname > h/host
date > h/date
uptime > h/uptime
df /tmp > h/df
stat -f /tmp > h/statfs || true
ps > h/ps
free > h/free
top -b -n 1 > h/top || true
dmesg | tail -n 5 > h/dmesg || true
lsmod > h/lsmod || true
env | sort > h/env
id > h/id
nproc > h/nproc
sysctl -n kernel.hostname > h/sysctl || true
printf 'abc\ndef\n' | gzip -c > h/z.gz
gunzip -c h/z.gz | md5sum > h/md5
sha512sum h/proc.txt > h/sha
bzip2 -c h/sys.txt > h/s.bz2
seq 1 200 | xargs -n 50 echo | wc -l
truncate -s 8192 h/sparse
fallocate -l 16384 h/alloc || true
cmp h/sparse h/sparse
hexdump -C h/date | head -n 2
od -c h/date | head -n 2
ln h/date h/hardlink
realpath h/hardlink
readlink -f h/hardlink
mknod h/pipe p
rm h/pipe
find h -type f | cpio -o -H newc > h/a.cpio 2>/dev/null || true
du -s h
shuf -n 3 h/env > /dev/null || true
sleep 5 &
kill -TERM $! || true
wait || true
taskset -p 1 $$ > /dev/null || true
renice -n 5 -p $$ > /dev/null || true
ionice -c 3 true || true
nice -n 1 true || true
timeout 2 cat /dev/null
if mount -t tmpfs -o size=1m none h/mnt; then
	echo data > h/mnt/f
	cat h/mnt/f > /dev/null
	umount h/mnt
fi
unshare -n true || true
unshare -u hostname checkhost || true
ip link show > h/link
ip addr show > h/addr
ip route show > h/route || true
ifconfig lo > h/ifconfig || true
netstat -an > h/netstat || true
ping -c 1 -W 1 127.0.0.1 > h/ping || true
sync
rm -r h
