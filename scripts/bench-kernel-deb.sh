#!/bin/sh
# bench-kernel-deb.sh: the speed and memory of the whole-kernel analysis as
# a user runs it, against the baseline the issue names, in the same run:
#
#   baseline   objdump -d --no-show-raw-insn of the decompressed vmlinux
#              (the -dbg package's, which has the same .text as the
#              stripped image)
#   vmlinuz    sysweight kernel analyze vmlinuz-ABI  (image alone, indirect
#              calls resolved)
#   package    sysweight kernel analyze linux-image-ABI-unsigned_*.deb
#              (vmlinuz and its 1,121 modules, indirect calls resolved)
#   xz bound   xz -T$(nproc) -dc of the package's data.tar.xz (XZ Utils,
#              in C, on all cores; Debian's data.tar.xz has 5 blocks): what
#              any tool that reads every module of the package must at
#              least do, so objdump / this is the package's best ratio
#
# RUNS runs of each, interleaved; prints every run, the median wall times,
# the ratios to the baseline, CPU time and the peak RSS (GNU time). Needs
# `make kernel-deb` and the -dbg vmlinux (DBG=1 scripts/kernel-metrics.sh).
#
# usage: scripts/bench-kernel-deb.sh [RUNS]
set -eu
cd "$(dirname "$0")/.."
RUNS=${1:-5}
KDIR=${SYSWEIGHT_KERNEL_DIR:-$HOME/.cache/sysweight/kernel}
ABI=6.1.0-56-cloud-amd64
VMLINUX=$KDIR/usr/lib/debug/boot/vmlinux-$ABI
VMLINUZ=$KDIR/boot/vmlinuz-$ABI
DEB=$(ls "$KDIR"/linux-image-$ABI-unsigned_*_amd64.deb 2>/dev/null | head -1)
for f in "$VMLINUX" "$VMLINUZ" "$DEB"; do
	if [ ! -f "$f" ]; then
		echo "bench-kernel-deb: ${f:-the .deb} absent: run make kernel-deb and DBG=1 scripts/kernel-metrics.sh" >&2
		exit 2
	fi
done
for c in objdump ar xz; do
	command -v "$c" >/dev/null || { echo "bench-kernel-deb: $c not found (apt-get install binutils xz-utils)" >&2; exit 2; }
done
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
go build -o "$TMP/sysweight" ./cmd/sysweight
cat "$VMLINUX" "$VMLINUZ" "$DEB" >/dev/null # page cache
"$TMP/sysweight" kernel analyze "$DEB" -o csv >/dev/null # warm-up
i=0
while [ "$i" -lt "$RUNS" ]; do
	/usr/bin/time -f "%e %M %U %S" -o "$TMP/o.$i" objdump -d --no-show-raw-insn "$VMLINUX" >/dev/null
	/usr/bin/time -f "%e %M %U %S" -o "$TMP/z.$i" "$TMP/sysweight" kernel analyze "$VMLINUZ" -o csv >/dev/null
	/usr/bin/time -f "%e %M %U %S" -o "$TMP/d.$i" "$TMP/sysweight" kernel analyze "$DEB" -o csv >/dev/null
	/usr/bin/time -f "%e %M %U %S" -o "$TMP/x.$i" sh -c 'ar p "$1" data.tar.xz | xz -T"$(nproc)" -dc >/dev/null' sh "$DEB"
	i=$((i + 1))
done
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for k in o z d x; do
	eval "W_$k=\$(cat \"\$TMP\"/$k.* | awk '{print \$1}' | median)"
	eval "C_$k=\$(cat \"\$TMP\"/$k.* | awk '{print \$3+\$4}' | median)"
	eval "M_$k=\$(cat \"\$TMP\"/$k.* | awk '{print \$2}' | sort -n | tail -1)"
done
echo "cores: $(nproc), load average after: $(cut -d' ' -f1-3 /proc/loadavg), $RUNS runs each, interleaved"
echo "objdump -d vmlinux (s):        $(cat "$TMP"/o.* | awk '{print $1}' | tr '\n' ' ')"
echo "kernel analyze vmlinuz (s):    $(cat "$TMP"/z.* | awk '{print $1}' | tr '\n' ' ')"
echo "kernel analyze package (s):    $(cat "$TMP"/d.* | awk '{print $1}' | tr '\n' ' ')"
echo "xz -dc of data.tar.xz (s):     $(cat "$TMP"/x.* | awk '{print $1}' | tr '\n' ' ')"
echo "$W_o $W_z $W_d" | awk '{printf "median wall: objdump %.2f s; vmlinuz %.2f s (%.2fx faster); package %.2f s (%.2fx faster)\n", $1, $2, $1/$2, $3, $1/$3}'
echo "$W_o $W_x" | awk '{printf "lower bound for the package: xz -dc alone %.2f s, so at best %.2fx faster than objdump\n", $2, $1/$2}'
echo "$C_o $C_z $C_d" | awk '{printf "median CPU (user+sys): objdump %.2f s; vmlinuz %.2f s; package %.2f s\n", $1, $2, $3}'
echo "$M_o $M_z $M_d" | awk '{printf "peak RSS: objdump %.0f MiB; vmlinuz %.0f MiB; package %.0f MiB\n", $1/1024, $2/1024, $3/1024}'
"$TMP/sysweight" kernel analyze "$DEB" -o csv --timing 2>&1 >/dev/null | sed 's/^/package phases: /'
