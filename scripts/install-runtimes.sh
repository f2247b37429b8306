#!/usr/bin/env bash
# Installs the container runtimes that the pass-through experiments run
# (package passthrough): runc, crun, busybox-static (the bundle's rootfs and
# the QEMU initramfs), qemu-system-x86 and a Debian cloud kernel to boot under
# it, and gVisor's runsc built from source at a pinned version into a cache
# directory. Idempotent: each piece is installed only when missing. Needs root
# for apt; without root it installs nothing from apt and says so.
#
# Prints, on its last line, the directory runsc is in (SYSWEIGHT_BIN).
set -euo pipefail

# runsc is built from the gVisor that tools/gvisor-rules extracts the rules
# from: its go.mod is the one place that version is written.
gvisor_mod="$(dirname "$0")/../tools/gvisor-rules/go.mod"
RUNSC_VERSION="${RUNSC_VERSION:-$(awk -v m=gvisor.dev/gvisor '
  $1 == "require" && $2 == "(" { b = 1; next }
  b && $1 == ")" { b = 0; next }
  $1 == "require" && $2 == m { print $3; exit }
  b && $1 == m { print $2; exit }' "$gvisor_mod")}"
if [ -z "$RUNSC_VERSION" ]; then
  echo "install-runtimes: no gvisor.dev/gvisor require line in $gvisor_mod" >&2
  exit 1
fi
BIN="${SYSWEIGHT_BIN:-${XDG_CACHE_HOME:-$HOME/.cache}/sysweight/bin}"
pkgs=(runc crun busybox-static qemu-system-x86 cpio)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Any Debian cloud kernel will do; the experiments record which one booted.
if ! compgen -G '/boot/vmlinuz-*-cloud-amd64' >/dev/null; then
  missing+=(linux-image-cloud-amd64)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-runtimes: not root; not installing ${missing[*]}" >&2
  else
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # The kernel package's postinst wants to update a bootloader that this
    # machine may not have; the image file is all we need.
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

mkdir -p "$BIN"
stamp="$BIN/runsc.version"
if [ ! -x "$BIN/runsc" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$RUNSC_VERSION" ]; then
  if ! command -v go >/dev/null; then
    echo "install-runtimes: go not found; cannot build runsc" >&2
    exit 1
  fi
  # runsc must be static: it re-executes itself inside the sandbox.
  CGO_ENABLED=0 GOBIN="$BIN" go install "gvisor.dev/gvisor/runsc@$RUNSC_VERSION"
  echo "$RUNSC_VERSION" >"$stamp"
fi
echo "$BIN"
