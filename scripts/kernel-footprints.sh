#!/usr/bin/env bash
# kernel-footprints.sh: derive the committed dynamic footprints
# (kernel/ftrace/data/debian-ABI.footprints.json.gz): boot Debian's kernel
# package under QEMU (TCG) with a busybox initramfs, trace workloads with
# the function_graph tracer inside (sysweight-probe, a busybox shell, TCP
# and UDP over loopback, an nftables rule added over raw netlink, pipes,
# epoll, futex, unix sockets, a pty), and record per syscall the kernel
# functions it ran. See kernel/ftrace/cmd/kfootprints and ftguest.
#
# It downloads (once, into CACHE_DIR) linux-image-ABI-unsigned, extracts
# boot/vmlinuz-ABI and lib/modules/ABI from it, installs qemu-system-x86 and
# busybox-static with apt if they are missing (root), builds the guest
# programs, and keeps the raw trace (a sparse disk image, about 1-2 GB
# used) and the console log in CACHE_DIR/footprints-ABI. Only the derived
# JSON goes into the repository.
#
# Usage: scripts/kernel-footprints.sh [CACHE_DIR] [ABI]
#   CACHE_DIR  default ~/.cache/sysweight/kernel
#   ABI        default 6.1.0-56-cloud-amd64 (Debian 12 bookworm-security)
# Environment: KFP_ARGS adds flags to "kfootprints run" (e.g.
#   KFP_ARGS="-workloads nft,tty -probe-syscalls getpid,read" for a quick
#   look; the committed file is made without it). KFP_OUT and KFP_RUN
#   replace the output file and the run directory
#   (scripts/kernel-footprints-check.sh uses them).
set -euo pipefail

dir=${1:-${HOME}/.cache/sysweight/kernel}
abi=${2:-6.1.0-56-cloud-amd64}
repo=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
start=$(date +%s)

me=kernel-footprints
# shellcheck source=lib-kernel-deb.sh
. "$repo/scripts/lib-kernel-deb.sh"

pkg=linux-image-${abi}-unsigned
deb=$(fetch "$pkg")
version=$(dpkg-deb -f "$deb" Version)
extract "$deb" "boot/vmlinuz-${abi}"
moddir=$dir/lib/modules/$abi
if [[ ! -d $moddir/kernel ]]; then
	echo "$me: extracting lib/modules/$abi" >&2
	tmp=$(mktemp -d "$dir/.extract.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	dpkg-deb --fsys-tarfile "$deb" | tar x -C "$tmp" "./lib/modules/$abi"
	mkdir -p "$dir/lib/modules"
	mv "$tmp/lib/modules/$abi" "$moddir"
	rm -rf "$tmp"
	trap - EXIT
fi

missing=()
command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
[[ -x /bin/busybox ]] && file -L /bin/busybox 2>/dev/null | grep -q 'statically linked' || missing+=(busybox-static)
if ((${#missing[@]})); then
	if [[ $(id -u) -ne 0 ]]; then
		echo "$me: need ${missing[*]} (apt-get install as root)" >&2
		exit 1
	fi
	echo "$me: installing ${missing[*]}" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
fi

bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
cd "$repo"
CGO_ENABLED=0 go build -trimpath -o "$bin/sysweight-probe" ./cmd/sysweight-probe
CGO_ENABLED=0 go build -trimpath -o "$bin/ftguest" ./kernel/ftrace/cmd/ftguest
go build -o "$bin/kfootprints" ./kernel/ftrace/cmd/kfootprints

# GOFLAGS may turn VCS stamping off; say which tree the programs are from.
source="sysweight $(git rev-parse HEAD 2>/dev/null || echo unknown)"
if [[ -n $(git status --porcelain --untracked-files=no 2>/dev/null) ]]; then
	source+="+modified"
fi
run=${KFP_RUN:-$dir/footprints-$abi}
out=${KFP_OUT:-kernel/ftrace/data/debian-${abi}.footprints.json.gz}
# shellcheck disable=SC2086 # KFP_ARGS is a list of flags
"$bin/kfootprints" run -kernel "$dir/boot/vmlinuz-$abi" -modules "$moddir" \
	-package "$pkg" -version "$version" -source "$source" \
	-probe "$bin/sysweight-probe" -guest "$bin/ftguest" -out "$run" ${KFP_ARGS:-}
"$bin/kfootprints" build -run "$run" -o "$out"
echo "$me: done in $(($(date +%s) - start)) s; trace in $run ($(du -sh "$run/trace.img" | cut -f1) used)"
