#!/usr/bin/env bash
# make-fixtures.sh: rebuild testdata/happy/*.deb with dpkg-deb itself, the
# independent producer the tests read. A tiny package "hello" (our own
# text) with a regular file, an empty file, a symbolic link, a hard link and
# a path longer than 100 bytes, packed once per compression dpkg-deb 1.21
# offers. Run from this directory; needs dpkg-deb.
set -euo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/hello
mkdir -p "$root/DEBIAN" "$root/usr/share/hello"
cat >"$root/DEBIAN/control" <<'CTL'
Package: hello
Source: hello-src
Version: 1.0-1
Architecture: amd64
Maintainer: sysweight tests <tests@example.invalid>
Description: a package for the debpkg tests
 Built by testdata/make-fixtures.sh with dpkg-deb.
CTL
printf 'hello\n' >"$root/usr/share/hello/hello.txt"
: >"$root/usr/share/hello/empty"
ln -s hello.txt "$root/usr/share/hello/link"
ln "$root/usr/share/hello/hello.txt" "$root/usr/share/hello/hard"
long=$root/usr/share/hello/$(printf 'a-directory-name-of-forty-bytes-length/%.0s' 1 2 3)
mkdir -p "$long"
printf 'deep\n' >"$long/deep.txt"
(cd "$root" && find usr -type f -printf '%P\n' | sort | sed 's|^|usr/|' | xargs md5sum >DEBIAN/md5sums)
find "$root" -exec touch -h -d 2026-11-16T10:17:00Z {} +
mkdir -p happy
for z in xz gzip zstd none; do
	SOURCE_DATE_EPOCH=1794823020 dpkg-deb --root-owner-group -Z"$z" --build "$root" "happy/hello-$z.deb" >/dev/null
done
ls -l happy
