#!/usr/bin/env bash
# check-kallsyms.sh: acceptance check of kernel/kallsyms recovery on a real
# Debian kernel. It downloads (once) the stripped bzImage package
# linux-image-ABI-unsigned and its -dbg package, unpacks the two files that
# matter, and runs TestRealDebianKernel, which recovers kallsyms from the
# bzImage and compares it with the STT_FUNC symbols of the -dbg vmlinux.
#
# Usage: scripts/check-kallsyms.sh [CACHE_DIR] [ABI]
#   CACHE_DIR  default ~/.cache/sysweight/kernel (tests read SYSWEIGHT_KERNEL_DIR)
#   ABI        default 6.1.0-56-cloud-amd64 (Debian 12 bookworm-security)
# Set BENCH=1 to also time decompression + recovery (go test -bench).
# Needs apt-get and dpkg-deb (Debian/Ubuntu), ~900 MB of disk. The files are
# never part of the repository.
set -euo pipefail

dir=${1:-${HOME}/.cache/sysweight/kernel}
abi=${2:-6.1.0-56-cloud-amd64}
repo=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

me=check-kallsyms
# shellcheck source=lib-kernel-deb.sh
. "$repo/scripts/lib-kernel-deb.sh"

unsigned=$(fetch "linux-image-${abi}-unsigned")
dbg=$(fetch "linux-image-${abi}-dbg")
extract "$unsigned" "boot/vmlinuz-${abi}"
extract "$dbg" "usr/lib/debug/boot/vmlinux-${abi}"

cd "$repo"
out=$(SYSWEIGHT_KERNEL_DIR=$dir go test ./kernel/image/ -run '^TestRealDebianKernel$' -count=1 -v 2>&1) || {
	echo "$out"
	exit 1
}
echo "$out"
if ! grep -q -- '--- PASS: TestRealDebianKernel' <<<"$out"; then
	echo "check-kallsyms: the real-kernel test did not run" >&2
	exit 1
fi
if [[ ${BENCH:-0} == 1 ]]; then
	SYSWEIGHT_KERNEL_DIR=$dir go test ./kernel/image/ -run '^$' -bench '^BenchmarkRealDecompressAndRecover$' -benchtime 5x -count 1
fi
