# The "check2" workload of kfootprints: a third busybox session, written on
# 2026-12-05 before the resolution fixes that the "check" set prompted,
# and run only after them (scripts/kernel-footprints-check.sh check2,
# kernel/analysis TestRealRecallCheck2): a small web server and client over
# loopback, syslog over a unix socket, file systems made in files, other
# /proc and /sys files, netlink through ip, tc and route, archives and
# text tools. Commands that may fail in the small guest end in "|| true".
set -e
mkdir -p w/www w/x
cd w
echo "hello over http" > www/index.html
httpd -p 127.0.0.1:8080 -h www || true
i=0
until wget -q -O got.html http://127.0.0.1:8080/index.html; do
	i=$((i + 1))
	test $i -lt 50 || break
	usleep 100000
done
cat got.html > /dev/null || true
killall httpd || true
syslogd -O log.txt || true
logger "a line for syslog" || true
usleep 200000
killall syslogd || true
dd if=/dev/zero of=img bs=1024 count=2048 2>/dev/null
mke2fs -q -F img > /dev/null 2>&1 || true
mkdosfs img2 > /dev/null 2>&1 || true
mkswap img > /dev/null 2>&1 || true
cat /proc/loadavg /proc/uptime /proc/filesystems /proc/partitions > proc.txt
cat /proc/self/stat /proc/self/limits /proc/self/cgroup /proc/self/environ > /dev/null || true
cat /proc/net/dev /proc/net/tcp /proc/net/unix /proc/net/route > /dev/null || true
cat /sys/kernel/uevent_seqnum /sys/devices/system/cpu/online > /dev/null || true
ip -6 addr show > addr6 || true
ip neigh show > neigh || true
ip rule show > rules || true
ip link add dummy0 type dummy > /dev/null 2>&1 || true
ip link set lo mtu 65000 || true
tc qdisc show > qdisc || true
route -n > routes || true
arp -n > arp || true
echo "a b c" | awk '{print $2}' > awk.txt
printf 'one\ntwo\n' > t1
printf 'one\nthree\n' > t2
diff t1 t2 > t.diff || true
sed -i 's/one/ONE/' t1
cut -d' ' -f1 t1 | tr a-z A-Z | rev | uniq > /dev/null
tar -czf x.tgz t1 t2
tar -xzf x.tgz -C x
cpio -i < /dev/null 2>/dev/null || true
base64 t1 | base64 -d > /dev/null
crc32 t1 > /dev/null || true
time true 2> /dev/null || true
chroot / true || true
setsid true || true
pidof init > /dev/null || true
killall -0 init || true
ipcalc -n 10.1.2.3/8 > /dev/null || true
hwclock -r > /dev/null 2>&1 || true
cd ..
rm -r w
