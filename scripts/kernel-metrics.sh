#!/usr/bin/env bash
# kernel-metrics.sh: derive the committed kernel metrics
# (kernel/analysis/data/debian-ABI.json) from Debian's kernel package.
# It downloads (once, into CACHE_DIR) linux-image-ABI-unsigned — a stripped
# bzImage with the kernel's own kallsyms, and its modules — runs
# `sysweight kernel analyze` on the package and writes the per-syscall
# figures with their provenance (package name and version, sha256 of the
# package, analysis version).
#
# With DBG=1 it also fetches linux-image-ABI-dbg (283 MB), analyses its
# vmlinux (full .symtab) and checks that the per-syscall figures and the
# summary are identical to the stripped image's, and saves the
# function-to-source-file map, with the inlinings of functions that have no
# symbol, from its DWARF as CACHE_DIR/filemap-v2-ABI.txt.gz
# (what the weight DB's file attribution and the kernel/analysis tests use).
#
# Usage: scripts/kernel-metrics.sh [CACHE_DIR] [ABI]
#   CACHE_DIR  default ~/.cache/sysweight/kernel (tests read SYSWEIGHT_KERNEL_DIR)
#   ABI        default 6.1.0-56-cloud-amd64 (Debian 12 bookworm-security)
# Needs apt-get and dpkg-deb (Debian/Ubuntu), and jq for DBG=1. The images are never part of
# the repository; only the derived JSON is.
set -euo pipefail

dir=${1:-${HOME}/.cache/sysweight/kernel}
abi=${2:-6.1.0-56-cloud-amd64}
repo=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

me=kernel-metrics
# shellcheck source=lib-kernel-deb.sh
. "$repo/scripts/lib-kernel-deb.sh"

pkg=linux-image-${abi}-unsigned
deb=$(fetch "$pkg")
version=$(dpkg-deb -f "$deb" Version)
extract "$deb" "boot/vmlinuz-${abi}"

cd "$repo"
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/sysweight" ./cmd/sysweight
out=kernel/analysis/data/debian-${abi}.json
mkdir -p "$(dirname "$out")"
start=$(date +%s%N)
# The whole kernel: the package's vmlinuz and its 1,121 modules, indirect
# calls resolved.
"$bin/sysweight" kernel analyze "$deb" --out "$out" --syscalls keyctl,bpf,setsockopt --timing
echo "kernel-metrics: wrote $out in $(awk -v a="$start" -v b="$(date +%s%N)" 'BEGIN {printf "%.2f", (b-a)/1e9}') s"

if [[ ${DBG:-0} == 1 ]]; then
	dbgpkg=linux-image-${abi}-dbg
	dbgdeb=$(fetch "$dbgpkg")
	vmlinux=usr/lib/debug/boot/vmlinux-${abi}
	extract "$dbgdeb" "$vmlinux"
	# The image alone, from its kallsyms and from the -dbg .symtab: the
	# image's identity (file, sha256, symbol source) differs by design;
	# the figures must not.
	"$bin/sysweight" kernel analyze "$dir/boot/vmlinuz-${abi}" --out "$bin/stripped.json" -o csv >/dev/null
	"$bin/sysweight" kernel analyze "$dir/$vmlinux" --out "$bin/dbg.json" -o csv >/dev/null
	if ! cmp -s <(jq -S '{summary, syscalls}' "$bin/stripped.json") <(jq -S '{summary, syscalls}' "$bin/dbg.json"); then
		echo "kernel-metrics: the -dbg vmlinux gives other figures than the stripped image:" >&2
		diff <(jq -S '{summary, syscalls}' "$bin/stripped.json") <(jq -S '{summary, syscalls}' "$bin/dbg.json") | head -40 >&2
		exit 1
	fi
	echo "kernel-metrics: -dbg vmlinux (.symtab) and stripped vmlinuz (kallsyms) give identical figures"
	"$bin/sysweight" kernel analyze "$dir/boot/vmlinuz-${abi}" --dwarf "$dir/$vmlinux" --save-filemap "$dir/filemap-v2-${abi}.txt.gz" -o csv >/dev/null
	echo "kernel-metrics: wrote $dir/filemap-v2-${abi}.txt.gz"
fi
