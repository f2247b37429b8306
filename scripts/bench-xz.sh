#!/usr/bin/env bash
# bench-xz.sh: speed of internal/xz and kernel/debpkg on Debian's 6.1.0-56
# cloud kernel package (make kernel-deb), against the xz tool and dpkg-deb in
# the same run. hyperfine, wall time, RUNS runs each after one warm-up:
#  1. data.tar.xz (26.7 MB, 5 blocks, 108 MB out) to /dev/null:
#     xz -dc, xz -T2 -dc, ours with 1 and 2 workers (Decode), ours streaming;
#  2. the whole package: dpkg-deb --fsys-tarfile (decompress only) vs
#     kernel/debpkg.ReadFile (decompress, walk the tar, slice 1145 files);
#  3. the kernel CNA archive (1 block, 160 MB out), if ../shared/data is
#     there: xz -dc vs ours (Decode and streaming).
# Usage: scripts/bench-xz.sh [CACHE_DIR]   (RUNS=10 by default)
# Needs hyperfine, xz, dpkg-deb, ar (binutils).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-${SYSWEIGHT_KERNEL_DIR:-${HOME}/.cache/sysweight/kernel}}
deb="$dir/linux-image-6.1.0-56-cloud-amd64-unsigned_6.1.192-2_amd64.deb"
[ -f "$deb" ] || { echo "bench-xz: $deb not found (run make kernel-deb)" >&2; exit 2; }
runs=${RUNS:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/xzcat" ./internal/xz/xzcat
(cd "$work" && ar x "$deb" data.tar.xz)
x="$work/xzcat"
echo "== machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(xz --version | head -1), $(dpkg-deb --version | head -1 | grep -o 'version [0-9.]*')"
echo "== 1. data.tar.xz of $(basename "$deb") to /dev/null"
hyperfine -N -w 1 -r "$runs" --output=null \
	"xz -dc $work/data.tar.xz" "xz -T2 -dc $work/data.tar.xz" \
	"$x -workers 1 $work/data.tar.xz" "$x -workers 2 $work/data.tar.xz" "$x -stream $work/data.tar.xz"
echo "== 2. the whole package"
hyperfine -N -w 1 -r "$runs" --output=null \
	"dpkg-deb --fsys-tarfile $deb" "$x -deb -workers 1 $deb" "$x -deb -workers 2 $deb"
cna=../shared/data/kernel-cna/kernel-cna-cves-2026-08-21.tar.xz
if [ -f "$cna" ]; then
	echo "== 3. $(basename "$cna") to /dev/null"
	hyperfine -N -w 1 -r "$((runs < 5 ? runs : 5))" --output=null \
		"xz -dc $cna" "$x $cna" "$x -stream $cna"
fi
