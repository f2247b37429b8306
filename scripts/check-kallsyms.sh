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

fetch() { # package name -> path of its .deb in $dir
	local pkg=$1 deb
	deb=$(ls "$dir"/"${pkg}"_*.deb 2>/dev/null | head -n1 || true)
	if [[ -z $deb ]]; then
		if ! apt-cache show "$pkg" >/dev/null 2>&1; then
			echo "check-kallsyms: $pkg unknown to apt; running apt-get update" >&2
			apt-get update -qq
		fi
		(cd "$dir" && apt-get download -q "$pkg" >&2)
		deb=$(ls "$dir"/"${pkg}"_*.deb | head -n1)
	fi
	echo "$deb"
}

extract() { # deb, path inside it
	local deb=$1 path=$2
	if [[ ! -s $dir/$path ]]; then
		echo "check-kallsyms: extracting $path" >&2
		# Into a scratch dir first, so an interrupted run leaves no half file.
		local tmp
		tmp=$(mktemp -d "$dir/.extract.XXXXXX")
		(cd "$tmp" && dpkg-deb --fsys-tarfile "$deb" | tar x "./$path")
		mkdir -p "$(dirname "$dir/$path")"
		mv "$tmp/$path" "$dir/$path"
		rm -rf "$tmp"
	fi
}

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
