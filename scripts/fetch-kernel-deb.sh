#!/usr/bin/env bash
# fetch-kernel-deb.sh: download (once) Debian's linux-image-ABI-unsigned
# package, the input of kernel/debpkg's and internal/xz's real-package tests
# and of scripts/bench-xz.sh. It is never part of the repository.
#
# Usage: scripts/fetch-kernel-deb.sh [CACHE_DIR] [ABI]
#   CACHE_DIR  default ~/.cache/sysweight/kernel (tests read SYSWEIGHT_KERNEL_DIR)
#   ABI        default 6.1.0-56-cloud-amd64 (Debian 12 bookworm-security)
# Needs apt-get (Debian/Ubuntu); about 27 MB.
set -euo pipefail

dir=${1:-${HOME}/.cache/sysweight/kernel}
abi=${2:-6.1.0-56-cloud-amd64}
repo=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

me=fetch-kernel-deb
# shellcheck source=lib-kernel-deb.sh
. "$repo/scripts/lib-kernel-deb.sh"

deb=$(fetch "linux-image-${abi}-unsigned")
extract "$deb" "boot/vmlinuz-${abi}"
