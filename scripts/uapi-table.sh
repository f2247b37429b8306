#!/usr/bin/env bash
# uapi-table.sh: regenerate vuln/attrib/zuapi.go, the table of UAPI names
# (KEYCTL_READ, NFT_MSG_NEWRULE, SIOCGIFCONF, PACKET_RX_RING, ...) and the
# syscall each belongs to, from the kernel's userspace headers in Debian's
# linux-libc-dev package at a pinned version.
#
#   scripts/uapi-table.sh [CACHE_DIR] [VERSION]
#
# CACHE_DIR defaults to ~/.cache/sysweight/uapi; VERSION to 6.1.192-3 (the
# bookworm-security headers of the 6.1.192 kernel the metrics come from).
# It downloads the .deb with apt-get (once), unpacks it into CACHE_DIR and
# runs vuln/attrib/internal/genuapi on usr/include. Only the derived names
# are committed; the headers stay in the cache.
set -euo pipefail
dir=${1:-${HOME}/.cache/sysweight/uapi}
version=${2:-6.1.192-3}
repo=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
deb=$(ls "$dir"/linux-libc-dev_"${version}"_amd64.deb 2>/dev/null || true)
if [[ -z $deb ]]; then
	(cd "$dir" && apt-get download "linux-libc-dev=${version}")
	deb=$(ls "$dir"/linux-libc-dev_"${version}"_amd64.deb)
fi
sum=$(sha256sum "$deb" | cut -d' ' -f1)
rm -rf "$dir/root"
dpkg-deb -x "$deb" "$dir/root"
cd "$repo"
go run ./vuln/attrib/internal/genuapi -include "$dir/root/usr/include" \
	-package "linux-libc-dev ${version} (Debian, amd64)" -sha256 "$sum" -out vuln/attrib/zuapi.go
echo "uapi-table: wrote vuln/attrib/zuapi.go from linux-libc-dev ${version} (sha256 ${sum})"
