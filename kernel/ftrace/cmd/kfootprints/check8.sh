# The "check8" workload of kfootprints: a ninth busybox session.
# Written on 2026-12-06 by a helper who had not read the analysis, after analysis Version 31
# (kernel/analysis and kernel/icall unread); committed before it was ever
# run (34064a7). Its first run hung in AppArmor's revision file, whose
# second read blocks until the policy changes, and was killed at 900 s
# (found from the functions that run had executed, before any comparison
# with the static reach); the run that counts is the second, after that
# fix of the script alone (one read of revision, timeouts on .access). It aims at what the other sessions touch little: exec of hand-made
# ELF files (static, PIE, a PIE as another's interpreter, a bss over
# pages, an executable stack, a segment below mmap_min_addr, 32-bit ones
# through the compat loader, bad interpreters and headers), setgid exec
# by uid 1008 and on a nosuid mount, ETXTBSY both ways, long #! lines;
# path walks at their limits (ELOOP, NAME_MAX, PATH_MAX, page-sized
# symlink bodies, a directory deeper than PATH_MAX, 1000 entries);
# renames, links and unlinks that replace or fail, on mount points too;
# tmpfs limits set retroactively and other mount options, a file bound on
# a file, stacked and recursive bind mounts with every propagation flag,
# busy umounts, ext4 without a block device, the legacy cpuset file
# system, fs.mount-max below the count, a bound network namespace;
# RLIMIT_SIGPENDING, _MSGQUEUE, _DATA, _NPROC, _NOFILE, _FSIZE and the
# legacy mmap layout; user and PID namespaces nested past their limits;
# the hibernation image device, /proc/kmsg, /dev/kmsg rate limits,
# module loads refused (no module, a bad PKCS#7 signature, a changed
# signed module); sysctl handlers given other values, Yama scopes 1 and 2
# against uid 1008; AppArmor and lockdown through securityfs; debugfs
# writes (dynamic debug, a scheduler feature, the multi-gen LRU aged and
# evicted, huge pages split by range and by file); sysfs writes (KSM,
# clocksource and cpuidle governor switches, PCI driver_override, the
# CMOS RTC and VT consoles unbound and bound, ACPI files, hugetlb surplus
# pages); and, in a fresh network namespace, every per-namespace sysctl,
# a namespace's own sysfs, reject routes and prohibit, unreachable,
# blackhole and suppress_prefixlength rules, TCP and UDP to IPv4-mapped
# and link-local IPv6 addresses. It runs as root in the initramfs, in its
# own directory; commands that may fail in the small guest end in
# "|| true". Terminals are only opened by child processes: the workload
# shell is a session leader without a controlling terminal. Nothing here
# writes to /dev/vda (the trace disk) or its sysfs files, writes to
# tracefs, or reads the ring buffer.
set -e
W=$PWD/v8
mkdir -p "$W"
cd "$W"
mkdir -p e p m/a m/b m/c m/d m/ns cs dbg sf hp mq t1 t2 sy
chmod 755 "$W" e p m
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

# elf NAME HEX...: e/NAME made of the bytes given in hex, executable.
elf() {
	_n=$1
	shift
	printf '%s' "$@" | xxd -r -p > "e/$_n"
	chmod 755 "e/$_n"
}

# Hand-made ELF files. Each is the ELF header (I64 or I32, e_ident, then
# the rest), its program headers (PT_INTERP, PT_LOAD, PT_GNU_STACK: S6
# for RW, S7 for RWX), an interpreter name if any, and code: C64, 64-bit
# "xor edi,edi; mov eax,231; syscall" (exit_group(0)), or C32, 32-bit
# "xor ebx,ebx; mov eax,252; int 0x80". x64: ET_EXEC at 0x400000; bss:
# the same with memsz 0x5000 over filesz (RWX) and an executable stack;
# pie: ET_DYN at 0; dyn: ET_DYN with PT_INTERP "pie" (run from e/); low:
# ET_EXEC at 0x1000, below vm.mmap_min_addr; nointerp, dirinterp and
# badinterp: PT_INTERP "nope" (absent), "." (a directory) and "e32" (not
# a 64-bit ELF); nonul: PT_INTERP without its NUL; phent: e_phentsize 32;
# misalign: p_offset 0x10 against p_vaddr 0x400000 (fails after the point
# of no return); e32: 32-bit ET_EXEC without PT_GNU_STACK (read implies
# exec); e32pie: 32-bit ET_DYN.
I64=7f454c46020101000000000000000000
I32=7f454c46010101000000000000000000
C64=31ffb8e70000000f05
C32=31dbb8fc000000cd80
S6=51e5746406000000000000000000000000000000000000000000000000000000000000000000000000000000000000001000000000000000
S7=51e5746407000000000000000000000000000000000000000000000000000000000000000000000000000000000000001000000000000000
elf x64 $I64 02003e0001000000b0004000000000004000000000000000000000000000000000000000400038000200000000000000 \
	0100000005000000000000000000000000004000000000000000400000000000b900000000000000b9000000000000000010000000000000 $S6 $C64
elf bss $I64 02003e0001000000b0004000000000004000000000000000000000000000000000000000400038000200000000000000 \
	0100000007000000000000000000000000004000000000000000400000000000b900000000000000b9500000000000000010000000000000 $S7 $C64
elf pie $I64 03003e0001000000b0000000000000004000000000000000000000000000000000000000400038000200000000000000 \
	0100000005000000000000000000000000000000000000000000000000000000b900000000000000b9000000000000000010000000000000 $S6 $C64
elf dyn $I64 03003e0001000000ec000000000000004000000000000000000000000000000000000000400038000300000000000000 \
	0300000004000000e800000000000000e800000000000000e800000000000000040000000000000004000000000000000100000000000000 \
	0100000005000000000000000000000000000000000000000000000000000000f500000000000000f5000000000000000010000000000000 $S6 70696500 $C64
elf low $I64 02003e0001000000b0100000000000004000000000000000000000000000000000000000400038000200000000000000 \
	0100000005000000000000000000000000100000000000000010000000000000b900000000000000b9000000000000000010000000000000 $S6 $C64
elf nointerp $I64 02003e0001000000b5004000000000004000000000000000000000000000000000000000400038000200000000000000 \
	0300000004000000b000000000000000b000400000000000b000400000000000050000000000000005000000000000000100000000000000 \
	0100000005000000000000000000000000004000000000000000400000000000be00000000000000be000000000000000010000000000000 6e6f706500 $C64
elf dirinterp $I64 02003e0001000000b2004000000000004000000000000000000000000000000000000000400038000200000000000000 \
	0300000004000000b000000000000000b000400000000000b000400000000000020000000000000002000000000000000100000000000000 \
	0100000005000000000000000000000000004000000000000000400000000000bb00000000000000bb000000000000000010000000000000 2e00 $C64
elf badinterp $I64 02003e0001000000b4004000000000004000000000000000000000000000000000000000400038000200000000000000 \
	0300000004000000b000000000000000b000400000000000b000400000000000040000000000000004000000000000000100000000000000 \
	0100000005000000000000000000000000004000000000000000400000000000bd00000000000000bd000000000000000010000000000000 65333200 $C64
elf nonul $I64 02003e0001000000b4004000000000004000000000000000000000000000000000000000400038000200000000000000 \
	0300000004000000b000000000000000b000400000000000b000400000000000030000000000000004000000000000000100000000000000 \
	0100000005000000000000000000000000004000000000000000400000000000bd00000000000000bd000000000000000010000000000000 70696500 $C64
elf phent $I64 02003e000100000078004000000000004000000000000000000000000000000000000000400020000100000000000000 \
	0100000005000000000000000000000000004000000000000000400000000000810000000000000081000000000000000010000000000000 $C64
elf misalign $I64 02003e000100000078004000000000004000000000000000000000000000000000000000400038000100000000000000 \
	0100000005000000100000000000000000004000000000000000400000000000810000000000000081000000000000000010000000000000 $C64
elf e32 $I32 020003000100000054800408340000000000000000000000340020000100000000000000 \
	010000000000000000800408008004085d0000005d0000000500000000100000 $C32
elf e32pie $I32 030003000100000074000000340000000000000000000000340020000200000000000000 \
	010000000000000000000000000000007d0000007d0000000500000000100000 51e5746400000000000000000000000000000000000000000600000010000000 $C32
for f in x64 bss pie dyn low e32 e32pie nointerp dirinterp badinterp nonul phent misalign; do
	(cd e && "./$f") > /dev/null 2>&1 || true
done
(cd e && linux32 ./x64 && linux32 ./e32) > /dev/null 2>&1 || true
nsenter -S 1008 -G 1008 e/low > /dev/null 2>&1 || true
nsenter -S 1008 -G 1008 e/e32 > /dev/null 2>&1 || true

# Exec and credentials: a setgid copy of busybox run by uid 1008 (its gid
# changes, a secure exec), the same on a nosuid tmpfs (the bit ignored);
# a running program opened for writing and a file held open for writing
# executed (ETXTBSY both ways); a file without execute bits; #! lines
# longer than the 256-byte buffer, one cutting an argument short, one
# cutting the interpreter's path (ENOEXEC).
mkdir e/g
cp /bin/busybox e/g/busybox
chmod 2755 e/g/busybox
nsenter -S 1008 -G 1008 e/g/busybox id > /dev/null 2>&1 || true
if mount -t tmpfs -o nosuid,size=4m k8 m/a 2> /dev/null; then
	cp e/g/busybox m/a/busybox && chmod 2755 m/a/busybox || true
	nsenter -S 1008 -G 1008 m/a/busybox id > /dev/null 2>&1 || true
	umount m/a || umount -l m/a || true
fi
e/g/busybox sleep 2 &
p=$!
usleep 300000 || true
(echo k8 >> e/g/busybox) 2> /dev/null || true
kill $p 2> /dev/null || true
wait $p || true
(exec 3>> e/x64; ./e/x64) > /dev/null 2>&1 || true
printf '#!/bin/sh\nexit 0\n' > e/nox
chmod 644 e/nox
(./e/nox) > /dev/null 2>&1 || true
printf '#!/bin/sh %0300d\nexit 0\n' 0 > e/longarg
printf '#!%0300d\n' 0 | tr 0 / > e/longint
chmod 755 e/longarg e/longint
(./e/longarg) > /dev/null 2>&1 || true
(./e/longint) > /dev/null 2>&1 || true

# Path walks on tmpfs: a symlink to "." followed 39 and 41 times in one
# path (ELOOP), a two-link loop, a trailing slash after a file, names of
# 255 and 256 bytes, a path of 4200 bytes, symlink bodies of 300 and 4000
# bytes (kept in a page, not inline) followed and read, one of 4200
# refused; 1000 entries in one directory, listed with lstat each.
mkdir p/d
echo k8 > p/d/f
ln -s . p/s || true
s=$(printf 's/%.0s' $(seq 39))
cat "p/${s}d/f" > /dev/null 2>&1 || true
s=$(printf 's/%.0s' $(seq 41))
cat "p/${s}d/f" > /dev/null 2>&1 || true
ln -s lb p/la || true
ln -s la p/lb || true
cat p/la > /dev/null 2>&1 || true
cat p/d/f/ > /dev/null 2>&1 || true
n=$(printf '%0255d' 0)
touch "p/$n" && rm "p/$n" || true
touch "p/${n}0" 2> /dev/null || true
l=$(printf './%.0s' $(seq 2100))
cat "p/${l}d/f" > /dev/null 2>&1 || true
ln -s "$(printf './%.0s' $(seq 148))d/f" p/long300 || true
ln -s "$(printf './%.0s' $(seq 1998))d/f" p/long4000 || true
cat p/long300 p/long4000 > /dev/null || true
readlink p/long300 > /dev/null || true
readlink p/long4000 > /dev/null || true
stat -L -c '%s %i' p/long4000 > /dev/null || true
ln -s "$l" p/long4200 2> /dev/null || true
mkdir p/many
(cd p/many && touch $(seq 1 1000 | sed 's/^/entry-/')) || true
ls -l p/many | wc -l > /dev/null || true
find p/many -name 'entry-99*' > /dev/null || true
rm -r p/many || true

# A directory tree deeper than PATH_MAX: a chain of 17 short names with a
# process waiting at its bottom, renamed from the bottom up to 255-byte
# names (each rename path stays short); the process then asks getcwd and
# /proc/self/cwd (both too long) and works there; renamed back from the
# top down and removed.
nm=$(printf '%0255d' 0)
dp=p/deep
for i in $(seq 17); do dp=$dp/d; done
mkdir -p $dp
mkfifo p/sync
(cd $dp && read -r x < "$W/p/sync" && pwd -P && ls -l /proc/self/cwd && touch f && ls -la) > /dev/null 2>&1 &
b=$!
k=17
while test $k -gt 0; do
	q=p/deep
	j=1
	while test $j -lt $k; do
		q=$q/d
		j=$((j + 1))
	done
	mv $q/d "$q/$nm" || true
	k=$((k - 1))
done
timeout 10 sh -c 'echo go > p/sync' || true
wait $b || true
q=p/deep
for i in $(seq 17); do
	mv "$q/$nm" $q/d 2> /dev/null || true
	q=$q/d
done
rm -r p/deep || true

# Renames, links and removals that replace or fail: a directory over an
# empty one, over a full one (ENOTEMPTY) and over a file (ENOTDIR), two
# names of one inode, a hard link to a directory and across mounts
# (EXDEV); a file read through /proc/self/fd after its last name went; a
# process whose working directory is removed.
mkdir -p p/r1/x p/r2 p/r3/y p/r4
echo a > p/r1/x/a
echo b > p/h1
ln p/h1 p/h2 || true
mv -T p/r2 p/r4 || true
mv -T p/r1 p/r3 2> /dev/null || true
mv -T p/r3 p/r1/x/a 2> /dev/null || true
mv p/h1 p/h2 || true
ln p/r4 p/r5 2> /dev/null || true
(
	set +e
	echo gone > p/gone
	exec 3< p/gone
	rm p/gone
	cat /proc/self/fd/3
	ls -l /proc/self/fd/
	ln /proc/self/fd/3 p/back
	cat <&3
) > /dev/null 2>&1 || true
mkdir p/cwd
(cd p/cwd && exec sleep 2) &
p=$!
usleep 300000 || true
rmdir p/cwd || true
readlink /proc/$p/cwd > /dev/null 2>&1 || true
ls -a /proc/$p/cwd/ > /dev/null 2>&1 || true
touch /proc/$p/cwd/f 2> /dev/null || true
wait $p || true

# Mounts. tmpfs: unlimited, then a size and nr_blocks set on remount
# (refused: not retroactively), lazytime, strictatime, dirsync and mand;
# limited, then unlimited inodes. A file bind-mounted on a file (unlink
# and rename of it EBUSY, remounted read-only). Two mounts stacked on one
# directory (rename and rmdir EBUSY). A tree with submounts bound
# recursively and made rshared, rslave, runbindable, rprivate. A busy
# umount, then a lazy one; umount of a plain directory.
if mount -t tmpfs -o size=0,nr_inodes=0 k8 m/a 2> /dev/null; then
	echo x > m/a/f || true
	mount -o remount,size=1m m/a 2> /dev/null || true
	mount -o remount,nr_blocks=64 m/a 2> /dev/null || true
	mount -o remount,lazytime,strictatime,dirsync m/a 2> /dev/null || true
	mount -o remount,mand m/a 2> /dev/null || true
	touch m/a/f && cat m/a/f > /dev/null || true
	ln m/a/f p/xdev 2> /dev/null || true
	umount m/a || umount -l m/a || true
fi
if mount -t tmpfs -o nr_blocks=256,nr_inodes=16,mode=0700 k8 m/a 2> /dev/null; then
	mount -o remount,nr_inodes=0 m/a 2> /dev/null || true
	umount m/a || umount -l m/a || true
fi
echo one > p/f1
echo two > p/f2
if mount --bind p/f1 p/f2 2> /dev/null; then
	cat p/f2 > /dev/null || true
	rm p/f2 2> /dev/null || true
	mv p/f2 p/f3 2> /dev/null || true
	mount -o remount,bind,ro p/f2 2> /dev/null || true
	(echo more >> p/f2) 2> /dev/null || true
	umount p/f2 || umount -l p/f2 || true
fi
mount -t tmpfs -o size=64k k8a m/b 2> /dev/null || true
mount -t tmpfs -o size=64k k8b m/b 2> /dev/null || true
mv m/b m/bb 2> /dev/null || true
rmdir m/b 2> /dev/null || true
umount m/b 2> /dev/null || true
umount m/b 2> /dev/null || true
if mount -t tmpfs -o size=64k k8 m/a 2> /dev/null; then
	mkdir -p m/a/s1 m/a/s2 || true
	mount -t tmpfs -o size=64k k8s m/a/s1 || true
	mount -t tmpfs -o size=64k k8s m/a/s2 || true
	if mount --rbind m/a m/c 2> /dev/null; then
		for o in rshared rslave runbindable rprivate; do
			mount --make-$o m/c 2> /dev/null || true
		done
		mount --bind m/c m/d 2> /dev/null && umount -l m/d || true
		umount -l m/c || true
	fi
	umount -l m/a || true
fi
if mount -t tmpfs -o size=64k k8 m/b 2> /dev/null; then
	(cd m/b && exec sleep 2) &
	p=$!
	usleep 300000 || true
	umount m/b 2> /dev/null || umount -l m/b || true
	wait $p || true
fi
umount m/d 2> /dev/null || true

# ext2, ext3 and ext4 asked to mount a character device (ENOTBLK) and a
# block device whose driver (loop) is absent; the legacy cpuset file
# system (cgroup v1 cpuset without prefixes) with a child set; the mount
# limit lowered to 1 (a mount, a bind and a mount namespace copy
# refused); a network namespace kept by a bind mount on a file, entered.
for t in ext2 ext3 ext4; do
	mount -t $t -o ro /dev/null m/d 2> /dev/null && umount m/d || true
done
if mknod p/bd b 7 8 2> /dev/null; then
	mount -t ext4 -o ro p/bd m/d 2> /dev/null && umount m/d || true
fi
if mount -t cpuset k8 cs 2> /dev/null; then
	cat cs/cpus cs/mems cs/cpu_exclusive cs/sched_load_balance cs/memory_pressure_enabled cs/release_agent > /dev/null 2>&1 || true
	if mkdir cs/a 2> /dev/null; then
		cat cs/a/cpus cs/a/mems cs/a/memory_migrate > /dev/null 2>&1 || true
		echo 0 > cs/a/cpus || true
		echo 0 > cs/a/mems || true
		sh -c 'echo $$ > cs/a/tasks && cat /proc/self/cpuset' > /dev/null 2>&1 || true
		usleep 100000 || true
		rmdir cs/a || true
	fi
	umount cs || umount -l cs || true
fi
if mx=$(cat /proc/sys/fs/mount-max 2> /dev/null); then
	echo 1 > /proc/sys/fs/mount-max || true
	mount -t tmpfs -o size=64k k8 m/d 2> /dev/null && umount m/d || true
	mount --bind p m/d 2> /dev/null && umount m/d || true
	unshare -m true 2> /dev/null || true
	echo "$mx" > /proc/sys/fs/mount-max || true
fi
touch m/ns/net
if unshare --net=m/ns/net true 2> /dev/null; then
	nsenter --net=m/ns/net ip link set lo up 2> /dev/null || true
	nsenter --net=m/ns/net ip -o addr > /dev/null 2>&1 || true
	nsenter --net=m/ns/net ping -c 1 -W 1 127.0.0.1 > /dev/null 2>&1 || true
	umount m/ns/net || umount -l m/ns/net || true
fi

# Resource limits: real-time signals to a stopped process past its
# RLIMIT_SIGPENDING (the rest dropped); message queues created in an
# mqueue mount past RLIMIT_MSGQUEUE, and by uid 1008 past queues_max in a
# fresh IPC namespace; a heap past RLIMIT_DATA; a fork past RLIMIT_NPROC
# (uid 1008); opens past RLIMIT_NOFILE, descriptors 100 and 900 (the
# table grown); a truncate past RLIMIT_FSIZE; the legacy mmap layout from
# an unlimited stack and from vm.legacy_va_layout; exec under a small
# stack limit.
(ulimit -i 2; exec sleep 6) &
p=$!
usleep 300000 || true
kill -STOP $p 2> /dev/null || true
for n in 34 35 36 37 38 39; do kill -$n $p 2> /dev/null || true; done
grep -E 'SigQ|SigPnd|ShdPnd' /proc/$p/status > /dev/null 2>&1 || true
kill -CONT $p 2> /dev/null || true
wait $p || true
if mount -t mqueue k8 mq 2> /dev/null; then
	(ulimit -q 0; touch mq/k8a) 2> /dev/null || true
	(ulimit -q 8192; touch mq/k8b) 2> /dev/null || true
	touch mq/k8c && cat mq/k8c > /dev/null || true
	rm -f mq/k8a mq/k8b mq/k8c
	umount mq || umount -l mq || true
fi
unshare -i sh -c 'mount -t mqueue k8 mq || exit 0
	echo 1 > /proc/sys/fs/mqueue/queues_max
	nsenter -S 1008 -G 1008 sh -c "touch mq/u1; touch mq/u2; ls -l mq"
	rm -f mq/u1 mq/u2
	umount mq' > /dev/null 2>&1 || true
(ulimit -d 4096; exec awk 'BEGIN { s = "k8"; while (length(s) < 16000000) s = s s }') > /dev/null 2>&1 || true
nsenter -S 1008 -G 1008 sh -c 'ulimit -u 1; true & wait' > /dev/null 2>&1 || true
(ulimit -n 3; cat /proc/self/status) > /dev/null 2>&1 || true
(exec 100< /proc/self/status 900< /proc/self/status; ls -l /proc/self/fd/) > /dev/null 2>&1 || true
(ulimit -f 8; truncate -s 1048576 p/fsize) > /dev/null 2>&1 || true
rm -f p/fsize
(ulimit -s unlimited; exec cat /proc/self/maps) > /dev/null 2>&1 || true
if v=$(cat /proc/sys/vm/legacy_va_layout 2> /dev/null); then
	echo 1 > /proc/sys/vm/legacy_va_layout || true
	cat /proc/self/maps > /dev/null || true
	echo "$v" > /proc/sys/vm/legacy_va_layout || true
fi
(ulimit -s 200; exec e/x64) > /dev/null 2>&1 || true

# Namespaces nested past their limits: user namespaces (uid 0 mapped at
# each level) until the 34th is refused, PID namespaces (each level's PIDs
# allocated in every ancestor) until the 33rd is; a PID namespace whose
# init exits while two children live (zap_pid_ns_processes kills them).
cat > nest.sh <<'NEST'
n=$1
shift
test "$n" -gt 0 || exit 0
exec unshare "$@" sh "$0" $((n - 1)) "$@"
NEST
timeout 120 sh nest.sh 36 -r > /dev/null 2>&1 || true
timeout 120 sh nest.sh 35 -p -f > /dev/null 2>&1 || true
timeout 20 unshare -p -f sh -c 'sleep 20 & sleep 20 & usleep 300000; exit 0' > /dev/null 2>&1 || true

# Signals: 0 to every process, URG to a kernel thread (ignored there),
# timeout's -k KILL for a child that ignores the first signal; another
# process's mapped files opened through /proc/PID/map_files.
kill -0 -1 2> /dev/null || true
kill -s URG 2 2> /dev/null || true
timeout -k 1 -s USR1 1 sh -c "trap '' USR1; exec sleep 4" > /dev/null 2>&1 || true
sleep 3 &
p=$!
usleep 300000 || true
for f in $(ls /proc/$p/map_files/ 2> /dev/null | head -n 3); do
	head -c 64 "/proc/$p/map_files/$f" > /dev/null 2>&1 || true
done
kill $p 2> /dev/null || true
wait $p || true

# Kernel interfaces: the hibernation image device read (no image:
# ENODATA), written with a zeroed header (refused: not this kernel's) and
# opened read-write (ENOSYS); /proc/kmsg read; /dev/kmsg written past its
# rate limit (printk_devkmsg on, then back); the log read and cleared;
# init_module of an empty file, of an ELF that is no module (unsigned:
# the kernel tainted, then ENOEXEC), of one whose appended signature is a
# PKCS#7 ContentInfo of the wrong type, and of a signed module with two
# bytes changed (signature rejected); sysrq keys that only print.
sn=/dev/snapshot
if ! test -c $sn; then
	mknod p/snapshot c 10 231 2> /dev/null || true
	sn=p/snapshot
fi
timeout 20 dd if=$sn of=/dev/null bs=4096 count=1 2> /dev/null || true
timeout 20 dd if=/dev/zero of=$sn bs=4096 count=2 2> /dev/null || true
timeout 20 sh -c "exec 3<> $sn" 2> /dev/null || true
timeout 3 head -c 512 /proc/kmsg > /dev/null 2>&1 || true
(for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14; do echo "<15>k8 devkmsg line $i"; done) > /dev/kmsg 2> /dev/null || true
if v=$(cat /proc/sys/kernel/printk_devkmsg 2> /dev/null); then
	echo on > /proc/sys/kernel/printk_devkmsg || true
	(for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo "<15>k8 devkmsg on $i"; done) > /dev/kmsg 2> /dev/null || true
	echo "$v" > /proc/sys/kernel/printk_devkmsg || true
fi
dmesg -c > /dev/null 2>&1 || true
: > p/empty.ko
insmod p/empty.ko 2> /dev/null || true
insmod e/x64 2> /dev/null || true
{
	cat e/x64
	printf '\060\013\006\011\052\206\110\206\367\015\001\007\001'
	printf '\000\000\002\000\000\000\000\000\000\000\000\015'
	printf '~Module signature appended~\n'
} > p/junk.ko
insmod p/junk.ko 2> /dev/null || true
for m in /modules/*.ko; do
	test -f "$m" || continue
	cp "$m" p/changed.ko || continue
	printf 'k8' | dd of=p/changed.ko bs=1 seek=64 conv=notrunc 2> /dev/null || true
	insmod p/changed.ko 2> /dev/null || true
	break
done
for k in t d; do
	echo $k > /proc/sysrq-trigger 2> /dev/null || true
done

# /proc and sysctl: files not read before; handlers given a value other
# than their own, then their own: delay accounting and NUMA balancing
# (with work done meanwhile), RT runtime, a zero RT period (refused), the
# RR slice, per-CPU page list fraction, watermark scale, NUMA statistics,
# RPS flow table and flow limit bitmap (allocated, freed), the perf
# sample rate, printk burst; a time namespace offset written too late.
s=/proc/sys
cat $s/fs/quota/* $s/fs/dentry-state $s/fs/inode-state $s/fs/inode-nr $s/fs/aio-nr $s/fs/aio-max-nr > /dev/null 2>&1 || true
cat $s/kernel/cap_last_cap $s/kernel/ngroups_max $s/kernel/bootloader_type $s/kernel/bootloader_version $s/kernel/osrelease > /dev/null 2>&1 || true
cat $s/net/ipv4/tcp_available_congestion_control $s/net/ipv4/tcp_available_ulp $s/net/mptcp/* > /dev/null 2>&1 || true
cat /proc/net/rt_acct /proc/net/ip_mr_vif /proc/net/ip_mr_cache /proc/net/ip6_mr_vif /proc/net/ip6_mr_cache /proc/net/udp > /dev/null 2>&1 || true
cat /proc/self/timens_offsets /proc/bootconfig /proc/acpi/wakeup > /dev/null 2>&1 || true
(echo 'monotonic 1 0' > /proc/self/timens_offsets) 2> /dev/null || true
if v=$(cat $s/kernel/task_delayacct 2> /dev/null); then
	echo 1 > $s/kernel/task_delayacct || true
	dd if=/dev/zero of=/dev/null bs=64k count=16 2> /dev/null || true
	cut -d' ' -f42 /proc/self/stat > /dev/null || true
	echo "$v" > $s/kernel/task_delayacct || true
fi
if v=$(cat $s/kernel/numa_balancing 2> /dev/null); then
	echo 1 > $s/kernel/numa_balancing || true
	dd if=/dev/zero of=/dev/null bs=1M count=8 2> /dev/null || true
	usleep 300000 || true
	echo "$v" > $s/kernel/numa_balancing || true
fi
flip $s/kernel/sched_rt_runtime_us 900000
echo 0 > $s/kernel/sched_rt_period_us 2> /dev/null || true
flip $s/kernel/sched_rr_timeslice_ms 10
flip $s/vm/percpu_pagelist_high_fraction 8
flip $s/vm/watermark_scale_factor 20
flip $s/vm/numa_stat 0
flip $s/net/core/rps_sock_flow_entries 256
flip $s/net/core/flow_limit_cpu_bitmap 1
flip $s/net/core/flow_limit_table_len 1024
flip $s/kernel/perf_event_max_sample_rate 1000
flip $s/kernel/printk_ratelimit_burst 20

# Yama: with ptrace_scope 1 and then 2, uid 1008 opens the memory of a
# process of its own that is not its descendant (refused), reads its
# environment and descriptors (allowed); root reads it too.
y=$s/kernel/yama/ptrace_scope
if v=$(cat $y 2> /dev/null) && test "$v" -lt 3; then
	nsenter -S 1008 -G 1008 sleep 4 &
	p=$!
	usleep 300000 || true
	for sc in 1 2; do
		echo $sc > $y || true
		nsenter -S 1008 -G 1008 sh -c "head -c 16 /proc/$p/mem; cat /proc/$p/environ /proc/$p/auxv; ls -l /proc/$p/fd/" > /dev/null 2>&1 || true
		head -c 16 /proc/$p/environ > /dev/null 2>&1 || true
	done
	echo "$v" > $y || true
	kill $p 2> /dev/null || true
	wait $p || true
fi

# securityfs: lockdown asked for "none" (refused: not a raise); AppArmor's
# namespace and interface files read, a policy namespace made and
# removed, policy loads refused (junk, then a header of version 5 and no
# profile), a removal of no such profile, a label query through .access,
# and change_profile, change_hat and onexec requests through
# /proc/self/attr; AppArmor's module parameters given their own values;
# IMA's binary measurement list read.
if mount -t securityfs k8 sf 2> /dev/null; then
	cat sf/lockdown > /dev/null 2>&1 || true
	echo none > sf/lockdown 2> /dev/null || true
	a=sf/apparmor
	if test -d $a; then
		cat $a/.ns_level $a/.ns_name $a/.ns_stacked $a/.stacked $a/profiles > /dev/null 2>&1 || true
		# revision blocks a second read until the policy changes: one read
		timeout 3 head -n 1 $a/revision > /dev/null 2>&1 || true
		ls -R $a/policy > /dev/null 2>&1 || true
		if mkdir $a/policy/namespaces/k8 2> /dev/null; then
			ls -la $a/policy/namespaces/k8 > /dev/null 2>&1 || true
			timeout 3 head -n 1 $a/policy/namespaces/k8/revision > /dev/null 2>&1 || true
			rmdir $a/policy/namespaces/k8 || true
		fi
		printf 'k8 junk policy' > $a/.load 2> /dev/null || true
		printf '\004\010\000version\000\002\005\000\000\000' > $a/.replace 2> /dev/null || true
		printf '\004\010\000version\000\002\231\000\000\000' > $a/.load 2> /dev/null || true
		printf 'k8none' > $a/.remove 2> /dev/null || true
		timeout 5 sh -c 'exec 3<> "$1"; printf "label\000unconfined\000\000" >&3; cat <&3' sh $a/.access > /dev/null 2>&1 || true
		cat /proc/self/attr/apparmor/current /proc/self/attr/current /proc/self/attr/exec > /dev/null 2>&1 || true
		(echo 'changeprofile unconfined' > /proc/self/attr/current) 2> /dev/null || true
		(echo 'changehat 1^k8' > /proc/self/attr/current) 2> /dev/null || true
		(echo 'exec k8none' > /proc/self/attr/exec) 2> /dev/null || true
		(echo 'stack k8none' > /proc/self/attr/apparmor/current) 2> /dev/null || true
	fi
	own /sys/module/apparmor/parameters/audit /sys/module/apparmor/parameters/debug /sys/module/apparmor/parameters/mode \
		/sys/module/apparmor/parameters/logsyscall /sys/module/apparmor/parameters/hash_policy /sys/module/apparmor/parameters/path_max
	od sf/ima/binary_runtime_measurements 2> /dev/null | tail -n 1 > /dev/null || true
	cat sf/ima/violations sf/evm > /dev/null 2>&1 || true
	umount sf || umount -l sf || true
fi

# debugfs, written: dynamic debug queries (a module's pr_debug sites on
# and off, queries that match nothing, a malformed one); the HRTICK
# scheduler feature on and off; the tunable scaling and nr_migrate;
# WARN_ONCE flags cleared; fault-around size. The multi-gen LRU switched
# on, its first memcg and node aged (a new generation) and evicted, then
# switched back. Transparent huge pages always: awk's heap split through
# split_huge_pages by process and address range, a file in a huge=always
# tmpfs split by file offsets; shmem huge pages forced for a tmpfs
# mounted without them.
if mount -t debugfs k8 dbg 2> /dev/null; then
	c=dbg/dynamic_debug/control
	echo 'module nf_tables +p' > $c 2> /dev/null || true
	echo 'module nf_tables -p' > $c 2> /dev/null || true
	echo 'file k8nomatch.c line 1-20 +pflmt' > $c 2> /dev/null || true
	echo 'func k8_no_such_function +p; module k8 format "k8" -p' > $c 2> /dev/null || true
	echo 'k8 bogus query' > $c 2> /dev/null || true
	head -n 3 $c > /dev/null 2>&1 || true
	f=dbg/sched/features
	if grep -q NO_HRTICK $f 2> /dev/null; then
		echo HRTICK > $f || true
		usleep 100000 || true
		echo NO_HRTICK > $f || true
	fi
	flip dbg/sched/tunable_scaling 0
	flip dbg/sched/nr_migrate 8
	echo 1 > dbg/clear_warn_once 2> /dev/null || true
	flip dbg/fault_around_bytes 4096
	g=/sys/kernel/mm/lru_gen/enabled
	if v=$(cat $g 2> /dev/null) && test -e dbg/lru_gen; then
		echo y > $g || true
		set -- $(awk '$1 == "memcg" { if (m != "") exit; m = $2 } $1 == "node" { nd = $2 } $1 ~ /^[0-9]+$/ && NF >= 4 { if (lo == "") lo = $1; hi = $1 } END { print m, nd, lo, hi }' dbg/lru_gen 2> /dev/null)
		if test $# -eq 4; then
			echo "+ $1 $2 $4 1 1" > dbg/lru_gen 2> /dev/null || true
			echo "- $1 $2 $3 0 64" > dbg/lru_gen 2> /dev/null || true
		fi
		head -n 20 dbg/lru_gen_full > /dev/null 2>&1 || true
		echo "$v" > $g || true
	fi
	t=/sys/kernel/mm/transparent_hugepage
	if test -w dbg/split_huge_pages && te=$(cat $t/enabled 2> /dev/null); then
		te=${te#*\[}
		te=${te%%\]*}
		echo always > $t/enabled || true
		awk 'BEGIN { s = "k8"; while (length(s) < 8000000) s = s s; system("sleep 3") }' &
		p=$!
		usleep 1500000 || true
		for r in $(awk 'NF == 5 && $2 == "rw-p" { sub("-", ",0x", $1); print "0x" $1 }' /proc/$p/maps 2> /dev/null || true); do
			echo "$p,$r" > dbg/split_huge_pages 2> /dev/null || true
		done
		grep -E 'AnonHugePages|ShmemHugePages' /proc/meminfo > /dev/null || true
		if mount -t tmpfs -o size=8m,huge=always k8 t1 2> /dev/null; then
			dd if=/dev/zero of=t1/h bs=1M count=4 2> /dev/null || true
			echo "$W/t1/h,0,1024" > dbg/split_huge_pages 2> /dev/null || true
			cat t1/h > /dev/null || true
			umount t1 || umount -l t1 || true
		fi
		if se=$(cat $t/shmem_enabled 2> /dev/null); then
			se=${se#*\[}
			se=${se%%\]*}
			if echo force > $t/shmem_enabled 2> /dev/null; then
				if mount -t tmpfs -o size=8m k8 t2 2> /dev/null; then
					dd if=/dev/zero of=t2/h bs=1M count=4 2> /dev/null || true
					truncate -s 1000000 t2/h || true
					umount t2 || umount -l t2 || true
				fi
				echo "$se" > $t/shmem_enabled || true
			fi
		fi
		echo "$te" > $t/enabled || true
		wait $p || true
	fi
	umount dbg || umount -l dbg || true
fi

# sysfs, written: KSM unmerging, its knobs changed while stopped, one
# scan pass started; each available clocksource made current, and each
# cpuidle governor, then the first ones back; driver_override and
# drivers_probe for PCI devices without a driver (none matches), PCI
# autoprobe off and on; the CMOS RTC unbound from rtc_cmos and bound
# again; VT console drivers unbound and bound; ACPI device attributes
# (methods evaluated), interrupt counters reset, a wakeup device toggled
# twice, hotplug profiles given their own values; CMOS NVRAM read through
# nvmem; firmware fallback timeout, reboot mode, type and force, the
# hibernation mode and resume offset changed and given back; synthetic
# uevents for a bus and a driver; hugetlb surplus pages (no pool, two
# allowed) reserved by a mount's min_size and faulted by fallocate.
k=/sys/kernel/mm/ksm
if r=$(cat $k/run 2> /dev/null); then
	echo 2 > $k/run || true
	flip $k/merge_across_nodes 0
	flip $k/use_zero_pages 1
	flip $k/max_page_sharing 16
	flip $k/stable_node_chains_prune_millisecs 1000
	flip $k/sleep_millisecs 50
	flip $k/pages_to_scan 50
	echo 1 > $k/run || true
	usleep 200000 || true
	cat $k/full_scans $k/pages_shared $k/pages_sharing $k/pages_unshared $k/pages_volatile $k/stable_node_chains $k/stable_node_dups > /dev/null 2>&1 || true
	echo "$r" > $k/run || true
fi
c=/sys/devices/system/clocksource/clocksource0
if cur=$(cat $c/current_clocksource 2> /dev/null); then
	for cl in $(cat $c/available_clocksource 2> /dev/null || true); do
		test "$cl" = "$cur" || echo "$cl" > $c/current_clocksource 2> /dev/null || true
	done
	echo "$cur" > $c/current_clocksource || true
fi
ci=/sys/devices/system/cpu/cpuidle
cat $ci/current_driver $ci/current_governor_ro > /dev/null 2>&1 || true
if gv=$(cat $ci/current_governor 2> /dev/null); then
	for g in $(cat $ci/available_governors 2> /dev/null || true); do
		echo "$g" > $ci/current_governor 2> /dev/null || true
	done
	echo "$gv" > $ci/current_governor 2> /dev/null || true
fi
for d in /sys/bus/pci/devices/*; do
	test -e "$d/driver" && continue
	test -w "$d/driver_override" || continue
	echo k8none > "$d/driver_override" || true
	echo "${d##*/}" > /sys/bus/pci/drivers_probe 2> /dev/null || true
	echo > "$d/driver_override" || true
done
flip /sys/bus/pci/drivers_autoprobe 0
for dr in /sys/bus/pnp/drivers/rtc_cmos /sys/bus/platform/drivers/rtc_cmos; do
	test -d $dr || continue
	for l in $dr/*; do
		test -L "$l" && test -e "$l/subsystem" || continue
		dn=${l##*/}
		test "$dn" != module || continue
		echo "$dn" > $dr/unbind 2> /dev/null || continue
		usleep 100000 || true
		echo "$dn" > $dr/bind 2> /dev/null || true
	done
	echo add > $dr/uevent 2> /dev/null || true
done
cat /sys/class/rtc/rtc0/name /sys/class/rtc/rtc0/time > /dev/null 2>&1 || true
for vc in /sys/class/vtconsole/vtcon*; do
	test "$(cat $vc/bind 2> /dev/null)" = 1 || continue
	if echo 0 > $vc/bind 2> /dev/null; then
		usleep 100000 || true
		echo 1 > $vc/bind 2> /dev/null || true
	fi
done
ad=/sys/bus/acpi/devices
cat $ad/*/uid $ad/*/adr $ad/*/sun $ad/*/hrv $ad/*/power_state $ad/*/real_power_state $ad/*/modalias > /dev/null 2>&1 || true
cat /sys/firmware/acpi/pm_profile /sys/firmware/acpi/hotplug/*/enabled > /dev/null 2>&1 || true
own /sys/firmware/acpi/hotplug/*/enabled
echo 0 > /sys/firmware/acpi/interrupts/sci 2> /dev/null || true
echo 0 > /sys/firmware/acpi/interrupts/gpe00 2> /dev/null || true
if wd=$(sed -n '2{s/[[:space:]].*//;p}' /proc/acpi/wakeup 2> /dev/null) && test -n "$wd"; then
	echo "$wd" > /proc/acpi/wakeup 2> /dev/null || true
	echo "$wd" > /proc/acpi/wakeup 2> /dev/null || true
fi
for nv in /sys/bus/nvmem/devices/*/nvmem; do
	od -N 64 "$nv" > /dev/null 2>&1 || true
done
flip /sys/class/firmware/timeout 30
flip /sys/kernel/reboot/mode warm
flip /sys/kernel/reboot/type kbd
flip /sys/kernel/reboot/force 1
echo 0 > /sys/kernel/kexec_crash_size 2> /dev/null || true
if pd=$(cat /sys/power/disk 2> /dev/null) && pd=${pd#*\[} && test -n "$pd"; then
	echo shutdown > /sys/power/disk 2> /dev/null || true
	echo "${pd%%\]*}" > /sys/power/disk 2> /dev/null || true
fi
flip /sys/power/resume_offset 8
echo change > /sys/bus/cpu/uevent 2> /dev/null || true
o=/proc/sys/vm/nr_overcommit_hugepages
if ov=$(cat $o 2> /dev/null); then
	echo 2 > $o || true
	if mount -t hugetlbfs -o min_size=2M,size=4M k8 hp 2> /dev/null || mount -t hugetlbfs k8 hp 2> /dev/null; then
		fallocate -l 2097152 hp/f 2> /dev/null || true
		cat /sys/kernel/mm/hugepages/hugepages-2048kB/surplus_hugepages /sys/kernel/mm/hugepages/hugepages-2048kB/resv_hugepages > /dev/null 2>&1 || true
		rm -f hp/f
		umount hp || umount -l hp || true
	fi
	echo "$ov" > $o || true
fi

# A fresh network namespace: every per-namespace sysctl written with its
# own value, then some changed (reserved local ports, allowed congestion
# control, a Fast Open key, MPTCP on, off, checksums and path manager,
# an IPv6 stable secret and address generation mode, martian logging);
# sysfs mounted for this namespace and read; IPv6 routes of the reject
# types, an onlink route on lo (refused), IPv4 and IPv6 rules of the
# prohibit, unreachable and blackhole types and one with
# suppress_prefixlength, met by pings and route lookups; TCP to an
# IPv4-mapped IPv6 address and to a link-local address with a scope, DNS
# and TFTP over UDP to a mapped address (refused by ICMP). Then another
# process's /proc/PID/net, seen from outside its namespace.
cat > ns.sh <<'NS'
P=/proc/sys/net
ip link set lo up
for f in $P/core/* $P/unix/* $P/ipv4/* $P/ipv4/conf/all/* $P/ipv4/conf/default/* $P/ipv4/conf/lo/* \
	$P/ipv4/neigh/default/* $P/ipv4/neigh/lo/* $P/ipv4/route/* $P/ipv6/* $P/ipv6/conf/all/* $P/ipv6/conf/lo/* \
	$P/ipv6/neigh/lo/* $P/ipv6/route/* $P/ipv6/icmp/* $P/mptcp/* $P/netfilter/* $P/netfilter/nf_log/*; do
	test -f "$f" || continue
	IFS= read -r v < "$f" || continue
	echo "$v" > "$f"
done
echo "9800-9810,9900" > $P/ipv4/ip_local_reserved_ports
echo reno > $P/ipv4/tcp_allowed_congestion_control
echo "reno cubic" > $P/ipv4/tcp_allowed_congestion_control
echo 00000000-00000000-00000000-0000000a > $P/ipv4/tcp_fastopen_key
echo 0 > $P/mptcp/enabled
echo 1 > $P/mptcp/enabled
echo 1 > $P/mptcp/checksum_enabled
echo 1 > $P/mptcp/pm_type
echo 0 > $P/mptcp/pm_type
echo ::1:2:3:4 > $P/ipv6/conf/lo/stable_secret
echo 2 > $P/ipv6/conf/lo/addr_gen_mode
echo 1 > $P/ipv4/conf/lo/log_martians
if mount -t sysfs k8 "$1"; then
	ls "$1/class/net" "$1/devices/virtual/net"
	cat "$1/class/net/lo/address" "$1/class/net/lo/ifindex" "$1/class/net/lo/statistics/rx_packets"
	umount "$1"
fi
ip addr add 10.8.0.1/24 dev lo
ip addr add 10.8.5.1/24 dev lo
ip -6 addr add 2001:db8:8::1/64 dev lo
ip -6 addr add 2001:db8:86::1/64 dev lo
ip -6 addr add fe80::8/64 dev lo
ip -6 route add unreachable 2001:db8:81::/64
ip -6 route add prohibit 2001:db8:82::/64
ip -6 route add blackhole 2001:db8:83::/64
ip -6 route add throw 2001:db8:84::/64 table 88
ip -6 route add 2001:db8:85::/64 dev lo table 88
ip route add 10.8.7.0/24 via 10.8.0.9 dev lo onlink
ip -6 route get 2001:db8:81::1
ip -6 route get 2001:db8:82::1
ip -6 route get 2001:db8:83::1
ping6 -c 1 -W 1 2001:db8:81::1
ping6 -c 1 -W 1 2001:db8:82::1
ping6 -c 1 -W 1 2001:db8:83::1
ip rule add from 10.8.5.0/24 type prohibit pref 881
ip rule add to 10.8.66.0/24 type unreachable pref 882
ip rule add to 10.8.67.0/24 type blackhole pref 883
ip rule add table main suppress_prefixlength 0 pref 884
ip -6 rule add from 2001:db8:86::/64 type prohibit pref 886
ip -6 rule add to 2001:db8:84::/64 lookup 88 pref 887
ip rule
ip -6 rule
ip route get 10.8.66.1
ip route get 10.8.67.1
ip route get 10.8.70.1
ip -6 route get 2001:db8:84::1
ping -c 1 -W 1 -I 10.8.5.1 10.8.70.1
ping -c 1 -W 1 10.8.66.1
ping -c 1 -W 1 10.8.67.1
ping6 -c 1 -W 1 -I 2001:db8:86::1 2001:db8:99::1
ping6 -c 1 -W 1 -I lo fe80::8
serve() {
	nc -l -p $1 -e cat &
	s=$!
	i=0
	until netstat -ltn | grep -q ":$1 "; do
		i=$((i + 1))
		test $i -lt 30 || break
		usleep 100000
	done
}
serve 9801
echo k8 mapped | timeout 5 nc ::ffff:127.0.0.1 9801
kill $s
wait $s
serve 9802
echo k8 link-local | timeout 5 nc fe80::8%lo 9802
kill $s
wait $s
timeout 3 nslookup k8.invalid ::ffff:127.0.0.1
timeout 3 tftp -g -r k8 -l /dev/null ::ffff:127.0.0.1 6969
exit 0
NS
timeout 180 unshare -n sh ns.sh "$W/sy" > /dev/null 2>&1 || true
unshare -n sleep 3 &
p=$!
usleep 300000 || true
cat /proc/$p/net/dev /proc/$p/net/if_inet6 /proc/$p/net/route /proc/$p/net/sockstat /proc/$p/net/snmp > /dev/null 2>&1 || true
ls /proc/$p/net/ > /dev/null 2>&1 || true
kill $p 2> /dev/null || true
wait $p || true

# Leave nothing mounted under the directory before it is removed (rm -r
# would cross into a mount).
cd /
for i in 1 2 3; do
	for mp in $(grep " $W/" /proc/mounts | cut -d' ' -f2 | sort -r || true); do
		umount -l "$mp" 2> /dev/null || true
	done
done
if grep -q " $W/" /proc/mounts; then
	echo "check8: mounts left under $W" >&2
else
	rm -r "$W" || true
fi
